"""Hostile input to every importer: each gives coded problems or an OSError, never a crash."""

from __future__ import annotations

import copy
import json
import struct
import warnings
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from maturity_model.errors import (
    PROBLEM_CODES,
    AssessmentValidationError,
    Problem,
    ValidationError,
)
from maturity_model.formats import detect, dsomm, samm
from maturity_model.formats._samm_toolbox import excel_match
from maturity_model.formats._xlsx import MAX_MEMBER_BYTES, MAX_MEMBERS
from tests.cli_run import run

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "dsomm"
DSOMM_MODELS = [REFERENCE / "DevSecOps-MaturityModel-data" / "generated" / "model.yaml",
                REFERENCE / "releases" / "model-v1.25.0.yaml",
                REFERENCE / "releases" / "model-v4.0.0.yaml"]
APP_YAML = REFERENCE / "DevSecOps-MaturityModel" / "src" / "assets" / "YAML"

# A SAMM core folder of one element of each kind.
CORE: dict[str, dict[str, Any]] = {
    "business_functions/G.yml": {"model": "SAMM20", "id": "f1", "name": "Governance",
                                 "order": 1, "type": "Function"},
    "security_practices/G-SM.yml": {"function": "f1", "id": "p1", "name": "Strategy",
                                    "shortName": "SM", "order": 1, "type": "Practice"},
    "streams/G-SM-A.yml": {"practice": "p1", "id": "s1", "name": "Create", "letter": "A",
                           "order": 1, "type": "Stream"},
    "maturity_levels/1.yml": {"id": "m1", "number": 1, "name": "one",
                              "type": "MaturityLevel"},
    "practice_levels/G-SM-1.yml": {"practice": "p1", "maturityLevel": "m1", "id": "pl1",
                                   "type": "PracticeLevel"},
    "activities/G-SM-1-A.yml": {"stream": "s1", "level": "pl1", "id": "a1", "title": "t",
                                "shortDescription": "sd", "relatedActivities": [],
                                "type": "Activity"},
    "answer_sets/A.yml": {"id": "as1", "type": "AnswerSet", "values": [
        {"text": "No", "value": 0, "order": 0}, {"text": "Yes", "value": 1, "order": 1}]},
    "questions/G-SM-1-A.yml": {"activity": "a1", "answerSet": "as1", "id": "q1",
                               "text": "q?", "order": 1, "type": "Question"},
}
DSOMM_META = {"meta": {"version": "1.0", "released": "2026-01-01"}}
DSOMM_MODEL = {"Build and Deployment": {"Build": {
    "Defined build": {"uuid": "u1", "level": 1, "dependsOn": ["u2"], "usefulness": 3,
                      "difficultyOfImplementation": {"knowledge": 1, "time": 2,
                                                     "resources": 3}},
    "Pinning": {"uuid": "u2", "level": 2}}}}
APP_META = {"teams": ["A", "B"], "progressDefinition": {
    "No": {"score": "0%"}, "Half": {"score": 0.5}, "Yes": {"score": "100%"}}}
PROGRESS = {"progress": {"u1": {"A": {"Half": "2026-01-01", "Yes": "2026-02-01"}},
                         "Defined build": {"B": {"No": "2026-01-01"}}}}

# Scalars (as YAML text) that tripped the importers: too many digits, impossible dates,
# numbers beyond a float, NaN, and collections where a scalar is expected.
ODD = ["9" * 5000, str(10**400), "1.0e400", ".nan", "-.inf", "[1, [2]]", "{a: {b: 1}}",
       "2024-02-30", "2024-02-28", "null", "true", "''", "!!set {a: null}",
       "!!omap [{a: 1}]", "!!binary AAAA", "!!float abc", "-1"]


def _dump(doc: object) -> str:
    return yaml.safe_dump(doc, sort_keys=False)


def _leaves(doc: object, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """The path of every value in ``doc``, leaves and collections, the root last."""
    if isinstance(doc, dict):
        for key, value in doc.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(doc, list):
        for at, value in enumerate(doc):
            yield from _leaves(value, (*path, at))
    yield path


def _replaced(doc: Any, path: tuple[Any, ...], odd: str) -> str:
    """``doc`` as YAML with the value at ``path`` written as the YAML text ``odd``."""
    if not path:
        return odd + "\n"
    changed = copy.deepcopy(doc)
    parent = changed
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = "@@odd@@"
    return _dump(changed).replace("'@@odd@@'", odd)


def _survives(call: Callable[[], object]) -> None:
    """``call`` returns, warns, or raises a ValidationError of known codes; nothing else."""
    found: tuple[Problem, ...] = ()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            call()
        except ValidationError as exc:
            found = exc.problems or (Problem.of("none", "", "no problem listed"),)
    assert all(p.code in PROBLEM_CODES and ":$" in p.path for p in found), found


def _write_core(root: Path) -> None:
    for name, doc in CORE.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(_dump(doc), encoding="utf-8")


# --------------------------------------------------------------------------- odd scalars


@pytest.mark.parametrize("odd", ODD)
def test_odd_scalars_anywhere_in_a_samm_core_folder(odd: str, tmp_path: Path) -> None:
    _write_core(tmp_path)
    assert samm.load_model(tmp_path).id == "owasp-samm"
    for name, doc in CORE.items():
        for path in _leaves(doc):
            (tmp_path / name).write_text(_replaced(doc, path, odd), encoding="utf-8")
            _survives(lambda: samm.load_model(tmp_path))
        (tmp_path / name).write_text(_dump(doc), encoding="utf-8")


@pytest.mark.parametrize("odd", ODD)
def test_odd_scalars_anywhere_in_a_dsomm_model(odd: str, tmp_path: Path) -> None:
    file = tmp_path / "model.yaml"
    for meta, model in [*((_replaced(DSOMM_META, p, odd), _dump(DSOMM_MODEL))
                          for p in _leaves(DSOMM_META)),
                        *((_dump(DSOMM_META), _replaced(DSOMM_MODEL, p, odd))
                          for p in _leaves(DSOMM_MODEL))]:
        file.write_text(f"---\n{meta}---\n{model}", encoding="utf-8")
        _survives(lambda: dsomm.load_model(file, weights="usefulness"))
        assert isinstance(dsomm.check_file(file), tuple)


@pytest.mark.parametrize("odd", ODD)
def test_odd_scalars_anywhere_in_dsomm_team_progress(odd: str, tmp_path: Path) -> None:
    model_file = tmp_path / "model.yaml"
    model_file.write_text(f"---\n{_dump(DSOMM_META)}---\n{_dump(DSOMM_MODEL)}")
    model = dsomm.load_model(model_file)
    meta, progress = tmp_path / "meta.yaml", tmp_path / "team-progress.yaml"
    for meta_text, progress_text in [
            *((_replaced(APP_META, p, odd), _dump(PROGRESS)) for p in _leaves(APP_META)),
            *((_dump(APP_META), _replaced(PROGRESS, p, odd)) for p in _leaves(PROGRESS))]:
        meta.write_text(meta_text, encoding="utf-8")
        progress.write_text(progress_text, encoding="utf-8")
        _survives(lambda: dsomm.load_progress(progress))
        _survives(lambda: dsomm.load_progress(progress, model=model, unanswered="not-met"))
        _survives(lambda: dsomm.load_progress(progress, model=model, strict=False))


@pytest.mark.parametrize(("text", "line"), [
    ("9" * 5000, 4), ("2024-02-30", 4), ("!!timestamp 2024-13-01", 4), ("!!int x", 4)])
def test_unbuildable_scalar_is_a_problem_at_its_line(text: str, line: int,
                                                     tmp_path: Path) -> None:
    file = tmp_path / "model.yaml"
    file.write_text(f"meta: {{version: '1'}}\nB:\n  S:\n    A: {{uuid: u1, level: {text}}}\n")
    with pytest.raises(ValidationError) as info:
        dsomm.load_model(file)
    [problem] = info.value.problems
    assert (problem.code, problem.severity, problem.path) == (
        "invalid-value", "error", "model.yaml:$")
    assert f"line {line}," in problem.message
    assert len(problem.message) < 200  # the 5000 digits are not repeated


# --------------------------------------------------------------------------- hostile files


def _hostile_files(folder: Path) -> dict[str, Path]:
    files = {"empty": b"", "non-utf8": b"\xff\xfe\x00bad: [", "list": b"- a\n- b\n",
             "scalar": b"just text\n", "deep": b"[" * 200 + b"]" * 200 + b"\n",
             "deep-map": b"{a: " * 200 + b"1" + b"}" * 200 + b"\n",
             "json-list": b"[1, 2, 3]\n", "alias-bomb": b'a: &a ["x","x","x","x","x"]\n' + b"".join(
                 f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},"
                 f"*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},"
                 f"*{chr(97 + i)},*{chr(97 + i)}]\n".encode() for i in range(9))}
    paths = {}
    for name, data in files.items():
        paths[name] = folder / f"{name}.yaml"
        paths[name].write_bytes(data)
    paths["zero"] = Path("/dev/zero")
    return paths


@pytest.mark.parametrize("kind", ["empty", "non-utf8", "list", "scalar", "deep", "deep-map",
                                  "json-list", "alias-bomb", "zero"])
def test_hostile_dsomm_model_file(kind: str, tmp_path: Path) -> None:
    path = _hostile_files(tmp_path)[kind]
    with pytest.raises(ValidationError) as info:
        dsomm.load_model(path)
    assert info.value.problems[0].code == "invalid-value"
    assert info.value.problems[0].path == f"{path.name}:$"
    assert [p.path for p in dsomm.check_file(path)][:1] == [f"{path.name}:$"]


@pytest.mark.parametrize("kind", ["empty", "non-utf8", "list", "scalar", "deep", "deep-map",
                                  "json-list", "alias-bomb", "zero"])
def test_hostile_dsomm_progress_and_meta(kind: str, tmp_path: Path) -> None:
    path = _hostile_files(tmp_path)[kind]
    meta = tmp_path / "meta.yaml"
    meta.write_text(_dump(APP_META), encoding="utf-8")
    good = tmp_path / "good-progress.yaml"
    good.write_text(_dump(PROGRESS), encoding="utf-8")
    with pytest.raises(AssessmentValidationError) as info:
        dsomm.load_progress(good, meta=path)
    assert {p.code for p in info.value.problems} == {"invalid-value"}
    if kind == "empty":  # the app's own template: no progress yet
        assert all(not a.answers for a in dsomm.load_progress(path, meta=meta).values())
        return
    with pytest.raises(AssessmentValidationError) as info:
        dsomm.load_progress(path, meta=meta)
    assert [(p.code, p.path) for p in info.value.problems] == [
        ("invalid-value", f"{path.name}:$")]


@pytest.mark.parametrize("kind", ["empty", "non-utf8", "list", "scalar", "deep", "zero"])
def test_hostile_files_in_a_samm_core_folder(kind: str, tmp_path: Path) -> None:
    _write_core(tmp_path)
    target = tmp_path / "activities" / "G-SM-1-A.yml"
    source = _hostile_files(tmp_path / "business_functions")[kind] \
        if kind != "zero" else Path("/dev/zero")
    target.unlink()
    target.symlink_to(source)
    with pytest.raises(ValidationError) as info:
        samm.load_model(tmp_path)
    assert ("invalid-value", "activities/G-SM-1-A.yml:$") in {
        (p.code, p.path) for p in info.value.problems}


def test_folders_and_missing_files(tmp_path: Path) -> None:
    assert [p.message for p in samm.check_folder(Path("/dev/zero"))] == [
        "is not a folder; give SAMM's core folder"]
    assert [p.code for p in samm.check_folder(tmp_path)][:1] == ["invalid-value"]
    assert [p.code for p in dsomm.check_file(tmp_path)] == ["invalid-value"]
    with pytest.raises(IsADirectoryError):
        dsomm.load_progress(tmp_path)
    with pytest.raises(FileNotFoundError):
        dsomm.load_progress(tmp_path / "none.yaml")
    pytest.importorskip("openpyxl")
    with pytest.raises(IsADirectoryError):
        samm.load_toolbox(tmp_path)


# --------------------------------------------------------------------------- workbooks


def _toolbox(path: Path, answer: str = "Yes", *, date: str | None = None,
             yes_weight: float = 1) -> Path:
    """A minimal SAMM toolbox workbook: one question, answer set 0 (No 0, Yes
    ``yes_weight``), with an interview date row first when ``date`` is given."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    interview = book.active
    interview.title = "Interview"
    if date is not None:
        interview.append(["", "Interview Date:", "", date])
    interview.append(["Id", "", "", "", "", "Answer"])
    interview.append(["G-SM-A-1-1", "", "", "", "", answer])
    questions = book.create_sheet("imp-questions")
    questions.append(["ID", "", "", "", "", "", "", "Answer option"])
    questions.append(["G-SM-A-1-1", "", "", "", "", "", "", 0])
    answers = book.create_sheet("imp-answers")
    answers.append(["CODE", "L1", "L2", "L1_W", "L2_W"])
    answers.append([0, "No", "Yes", 0, yes_weight])
    book.save(path)
    return path


def _rewrite(source: Path, target: Path, change: Callable[[str, bytes], bytes | None]) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w",
                                                         zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = change(info.filename, old.read(info))
            if data is not None:
                new.writestr(info.filename, data)
    return target


def _refused(path: Path) -> list[Problem]:
    with pytest.raises(AssessmentValidationError) as info:
        samm.load_toolbox(path)
    problems = list(info.value.problems)
    assert {(p.code, p.severity, p.path) for p in problems} == {
        ("invalid-value", "error", f"{path.name}:$")}
    return problems


def test_minimal_toolbox_reads(tmp_path: Path) -> None:
    assert dict(samm.load_toolbox(_toolbox(tmp_path / "t.xlsx")).answers) == {"G-SM-1-A": 1.0}


BILLION_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
                  b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                  b'<si><t>&lol2;</t></si></sst>')
EXTERNAL = (b'<?xml version="1.0"?>\n<!-- a comment first -->\n'
            b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>')


@pytest.mark.parametrize(("part", "change"), [
    ("xl/workbook.xml", lambda d: BILLION_LAUGHS),
    ("xl/worksheets/sheet1.xml", lambda d: EXTERNAL + d.split(b"?>", 1)[-1]),
    ("xl/styles.xml", lambda d: '<!DOCTYPE x [<!ENTITY a "b">]><x/>'.encode("utf-16")),
    ("xl/worksheets/sheet1.xml", lambda d: d[: len(d) // 2]),
    ("xl/workbook.xml", lambda d: d[: len(d) // 2]),
    ("xl/styles.xml", lambda d: b"\x00\x01 not xml"),
    ("[Content_Types].xml", lambda d: None),
    ("xl/workbook.xml", lambda d: None),
])
def test_broken_or_entity_declaring_parts_are_refused(
        part: str, change: Callable[[bytes], bytes | None], tmp_path: Path) -> None:
    good = _toolbox(tmp_path / "good.xlsx")
    bad = _rewrite(good, tmp_path / "bad.xlsx",
                   lambda name, data: change(data) if name == part else data)
    problems = _refused(bad)
    if b"ENTITY" in (change(b"<?xml?><r/>") or b"").replace(b"\x00", b""):
        assert "declares a document type" in problems[0].message


def test_zip_bomb_is_refused_by_declared_sizes(tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"\0" * (MAX_MEMBER_BYTES + 1))
    assert bomb.stat().st_size < 200_000
    assert str(MAX_MEMBER_BYTES + 1) in _refused(bomb)[0].message


def test_zip_that_lies_about_its_sizes_is_refused(tmp_path: Path) -> None:
    good = _toolbox(tmp_path / "good.xlsx")
    liar = tmp_path / "liar.xlsx"
    data = bytearray(good.read_bytes())
    at = data.find(b"PK\x01\x02")  # the first central directory entry: claim 3 GiB
    struct.pack_into("<I", data, at + 24, 3 * 1024**3)
    liar.write_bytes(bytes(data))
    assert "inflates to 3221225472 bytes" in _refused(liar)[0].message
    small = tmp_path / "small.xlsx"
    struct.pack_into("<I", data, at + 24, 10)  # claims less than it holds: a CRC error
    small.write_bytes(bytes(data))
    _refused(small)


def test_too_many_members_not_a_zip_and_endless_files(tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    many = tmp_path / "many.xlsx"
    with zipfile.ZipFile(many, "w") as archive:
        for n in range(MAX_MEMBERS + 1):
            archive.writestr(f"p{n}", b"")
    assert "parts, more than" in _refused(many)[0].message
    for name, data in (("empty.xlsx", b""), ("text.xlsx", b"hello"),
                       ("cut.xlsx", _toolbox(tmp_path / "t.xlsx").read_bytes()[:3000])):
        (tmp_path / name).write_bytes(data)
        _refused(tmp_path / name)
    zero = tmp_path / "zero.xlsx"
    zero.symlink_to("/dev/zero")
    assert "larger than" in _refused(zero)[0].message


def test_a_cell_of_wildcards_matches_in_linear_time(tmp_path: Path) -> None:
    labels = ["No", "Yes, for some applications", "Yes, for most"]
    assert excel_match("*" * 30_000, labels) == 0
    assert excel_match("*" * 30_000 + "x", labels) is None
    assert excel_match("*s" * 15_000, labels) is None
    assert excel_match("(.*)+$[a-z]{1,}\\" * 2_000, labels) is None
    assert excel_match("yes, for ~*", ["Yes, for *", "Yes, for x"]) == 0
    assert excel_match("y?s*app*s", labels) == 1
    cell = "*" * 30_000 + "?" * 2 + "*a" * 1_000
    path = _toolbox(tmp_path / "stars.xlsx", answer=cell)
    with pytest.warns(UserWarning, match="match no label") as caught:
        assert dict(samm.load_toolbox(path, unanswered="unknown").answers) == {}
    assert len(str(caught[0].message)) < 400  # the cell is cut short in the message


def test_long_values_are_cut_short_in_messages(tmp_path: Path) -> None:
    file = tmp_path / "model.yaml"
    file.write_text(_dump({**DSOMM_META, "B": {"S": {"A": {
        "uuid": "u1", "level": 1, "usefulness": -(10**4000), "dependsOn": ["x" * 10_000],
        "difficultyOfImplementation": {"time": ["t"] * 10_000}}}}}))
    problems = dsomm.check_file(file)
    assert [p.code for p in problems] == ["unresolved-reference", "invalid-value",
                                          "invalid-value"]
    assert all(len(p.message) < 200 for p in problems)


# --------------------------------------------------------------------------- the command




@pytest.mark.parametrize("kind", ["empty", "non-utf8", "list", "deep", "zero"])
def test_failed_import_writes_nothing(kind: str, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    path = _hostile_files(tmp_path)[kind]
    out = tmp_path / "out.yaml"
    code, _, err = run(capsys, "import", "dsomm", path, "-o", out)
    assert (code, out.exists()) == (1, False)
    assert str(path) in err and "Traceback" not in err
    code, _, err = run(capsys, "import", "samm", path, "-o", out)
    assert (code, out.exists()) == (1, False)


def test_import_of_a_folder_as_dsomm_and_a_file_as_samm(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "import", "dsomm", tmp_path, "--json")
    assert code == 1
    assert [p["code"] for p in json.loads(out)["problems"]] == ["invalid-value"]
    (tmp_path / "x.yaml").write_text("a: 1\n")
    code, out, _ = run(capsys, "import", "samm", tmp_path / "x.yaml", "--json")
    assert code == 1
    assert [p["code"] for p in json.loads(out)["problems"]] == ["invalid-value"]


def test_score_with_a_hostile_workbook(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("openpyxl")
    bad = _rewrite(_toolbox(tmp_path / "good.xlsx"), tmp_path / "bad.xlsx",
                   lambda name, data: BILLION_LAUGHS if name == "xl/workbook.xml" else data)
    code, _, err = run(capsys, "score", "caict-devops-cd", bad)
    assert code == 1
    assert "bad.xlsx:$" in err and "[invalid-value]" in err


# --------------------------------------------------------------------------- DSOMM scoring


@pytest.fixture
def app(tmp_path: Path) -> Path:
    """The app's meta.yaml and teams.yaml, with a team progress file as the app writes it."""
    if not (APP_YAML / "meta.yaml").is_file():
        pytest.skip(f"the DSOMM app files are not beside the checkout ({APP_YAML})")
    (tmp_path / "default").mkdir()
    (tmp_path / "meta.yaml").write_bytes((APP_YAML / "meta.yaml").read_bytes())
    (tmp_path / "default" / "teams.yaml").write_bytes(
        (APP_YAML / "default" / "teams.yaml").read_bytes())
    # "Defined build process" is in every release; the app writes state -> date.
    (tmp_path / "team-progress.yaml").write_text(
        "progress:\n"
        "  f6f7737f-25a9-4317-8de2-09bf59f29b5b:\n"
        "    Team A:\n"
        "      Started: 2026-01-10T09:00:00.000Z\n"
        "      Partly implemented: 2026-02-10T09:00:00.000Z\n"
        "    Team B:\n"
        "      Fully implemented: 2026-03-01T09:00:00.000Z\n", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("model_file", DSOMM_MODELS, ids=lambda p: p.name)
def test_score_dsomm_team_progress_from_the_command_line(
        model_file: Path, app: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if not model_file.is_file():
        pytest.skip(f"the DSOMM reference data is not beside the checkout ({model_file})")
    assert detect(model_file) == "dsomm-model"
    assert detect(app / "team-progress.yaml") == "dsomm-progress"
    code, out, err = run(capsys, "score", model_file, app / "team-progress.yaml", "--json")
    assert (code, err) == (0, "")
    profiles = json.loads(out)
    assert [p["subject"] for p in profiles] == ["Team A", "Team B", "Team C", "Team D"]
    build = [{r["node_id"]: r for r in p["results"]}["build-and-deployment.build"]
             for p in profiles]
    assert [r["counts"] for r in build[:3]] == [
        {"partial": 1, "unknown": 5}, {"met": 1, "unknown": 5}, {"unknown": 6}] \
        or model_file.name != "model.yaml"
    assert [r.get("score") is None for r in build] == [False, False, True, True]
    assert build[0]["coverage"]["1"] < build[1]["coverage"]["1"]


def test_score_dsomm_progress_with_an_unknown_state(
        app: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if not DSOMM_MODELS[0].is_file():
        pytest.skip("the DSOMM reference data is not beside the checkout")
    progress = app / "team-progress.yaml"
    progress.write_text("progress:\n  f6f7737f-25a9-4317-8de2-09bf59f29b5b:\n"
                        "    Team A:\n      Done-ish: 2026-01-10\n", encoding="utf-8")
    code, _, err = run(capsys, "score", DSOMM_MODELS[0], progress)
    assert code == 1
    assert "team-progress.yaml:$.progress" in err and "[invalid-value]" in err


def test_detect_tells_the_files_apart(tmp_path: Path) -> None:
    _write_core(tmp_path / "core" / "model")
    assert detect(tmp_path / "core") == "samm-core"
    assert detect(tmp_path / "core" / "model") == "samm-core"
    (tmp_path / "native.yaml").write_text("format: maturity-model/1\nprogress: 1\n")
    (tmp_path / "single.yaml").write_text(_dump({**DSOMM_META, **DSOMM_MODEL}))
    assert [detect(tmp_path / n) for n in ("native.yaml", "single.yaml")] == [
        None, "dsomm-model"]
    assert detect(Path("/dev/zero")) is None
    assert detect(tmp_path) is None
