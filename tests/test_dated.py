"""Dated, tagged assessments and profiles, and the identity columns of every results table."""

from __future__ import annotations

import csv
import datetime
import io
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import maturity_model as mm
from maturity_model.errors import AssessmentValidationError
from maturity_model.profile import IDENTITY_COLUMNS
from maturity_model.serialization import (
    assessment_from_dict,
    dump_assessment,
    load_profile_text,
    loads_assessment,
)
from tests.cli_run import run

DATA = Path(__file__).parent / "data"
TAGS = {"org": "citic", "kind": "joint-stock-bank", "project": "ipdo"}


def _mini() -> mm.MaturityModel:
    return mm.load_model(DATA / "valid-model.yaml")


def _assessment(**kw: object) -> mm.Assessment:
    fields: dict[str, object] = {
        "model": "mini-cd", "model_version": "1.0", "subject": "payments-team",
        "date": datetime.date(2026, 11, 1), "tags": TAGS, "answers": {"cm.vcs.1.1": True}}
    return mm.Assessment(**{**fields, **kw})  # type: ignore[arg-type]


@pytest.mark.parametrize("fmt", ["yaml", "json", "toml"])
def test_tags_and_date_survive_a_round_trip_of_an_assessment(fmt: str) -> None:
    a = _assessment()
    back = loads_assessment(dump_assessment(a, file_format=fmt), fmt)  # type: ignore[arg-type]
    assert back == a
    assert dict(back.tags) == TAGS
    assert back.date == datetime.date(2026, 11, 1)


def test_tags_are_written_sorted_and_left_out_when_empty() -> None:
    text = dump_assessment(_assessment())
    assert "tags:\n  kind: joint-stock-bank\n  org: citic\n  project: ipdo\n" in text
    assert "tags" not in dump_assessment(_assessment(tags={}))


def test_a_profile_carries_the_assessment_tags_and_date_through_its_file() -> None:
    profile = mm.score(_mini(), _assessment())
    assert dict(profile.tags) == TAGS
    back = load_profile_text(mm.dump_profile(profile))
    assert back == profile
    assert dict(back.tags) == TAGS and back.date == datetime.date(2026, 11, 1)


def test_the_batch_engine_profile_carries_tags_too() -> None:
    a = _assessment()
    rows = mm.batch.score_stream(mm.batch.compile(_mini()), [("k", a)])
    [(_, row)] = list(rows)
    assert isinstance(row, mm.batch.ScoredRow)
    assert row.profile() == mm.score(_mini(), a)
    assert dict(row.profile().tags) == TAGS


@pytest.mark.parametrize(("text", "path"), [
    ("model: m\ndate: '2026-13-01'\n", "$.date"),
    ("model: m\ndate: '2026-02-30'\n", "$.date"),
    ("model: m\ndate: tomorrow\n", "$.date"),
    ("model: m\ndate: 20261101\n", "$.date"),
    ("model: m\ntags: {org: 1}\n", "$.tags['org']"),
    ("model: m\ntags: [a, b]\n", "$.tags"),
])
def test_a_bad_date_or_tag_is_an_invalid_value_at_its_path(text: str, path: str) -> None:
    with pytest.raises(AssessmentValidationError) as caught:
        loads_assessment(text)
    assert [(p.code, p.path) for p in caught.value.problems] == [("invalid-value", path)]


@pytest.mark.parametrize("day", ["2026-13-01", "2026-02-30"])
def test_an_impossible_unquoted_yaml_date_is_an_invalid_value(day: str) -> None:
    # YAML itself reads an unquoted date: one that does not exist fails the parse, which
    # is reported for the whole document (as every scalar YAML cannot build is)
    with pytest.raises(AssessmentValidationError) as caught:
        loads_assessment(f"model: m\nsubject: t\ndate: {day}\n")
    [problem] = caught.value.problems
    assert (problem.code, problem.path) == ("invalid-value", "$")


def test_a_bad_date_in_a_profile_document_is_an_invalid_value() -> None:
    doc = json.loads(mm.dump_profile(mm.score(_mini(), _assessment())))
    doc["date"] = "2026-11-31"
    with pytest.raises(mm.ValidationError) as caught:
        load_profile_text(json.dumps(doc))
    assert [(p.code, p.path) for p in caught.value.problems] == [("invalid-value", "$.date")]


def test_validate_reports_a_bad_date_with_its_code(capsys: pytest.CaptureFixture[str],
                                                   tmp_path: Path) -> None:
    bad = tmp_path / "a.yaml"
    bad.write_text("format: maturity-assessment/1\nmodel: mini-cd\ndate: '2026-13-01'\n")
    code, out, err = run(capsys, "validate", bad, "--json")
    assert code == 1
    assert [(p["code"], p["path"]) for p in json.loads(out)["problems"]] == [
        ("invalid-value", "$.date")]
    code, out, err = run(capsys, "validate", bad)
    assert code == 1
    assert "$.date" in out + err and "[invalid-value]" in out + err


def test_the_assessment_schema_has_tags_of_strings() -> None:
    schema = mm.assessment_json_schema()
    assert schema["properties"]["tags"]["type"] == "object"
    assert schema["properties"]["tags"]["additionalProperties"]["type"] == "string"


@given(st.dictionaries(st.text(min_size=1, max_size=8), st.text(max_size=8), max_size=5))
def test_any_tags_survive_a_json_round_trip(tags: dict[str, str]) -> None:
    a = mm.Assessment(model="m", tags=tags)
    assert dict(loads_assessment(dump_assessment(a, file_format="json"), "json").tags) == tags
    assert assessment_from_dict({"model": "m", "tags": dict(reversed(tags.items()))}) == a


# --------------------------------------------------------------------------- tables


def test_records_end_with_the_identity_columns() -> None:
    profile = mm.score(_mini(), _assessment())
    record = profile.to_records()[0]
    assert next(iter(record)) == "subject"
    assert list(record)[-3:] == ["date", "model", "model_version"]
    assert [record[c] for c in IDENTITY_COLUMNS] == [
        "payments-team", "2026-11-01", "mini-cd", "1.0"]
    with_coverage = profile.to_records(coverage=True)[0]
    assert list(with_coverage)[-3:] == ["date", "model", "model_version"]


def test_batch_records_equal_the_object_records_on_identity() -> None:
    a = _assessment()
    [(_, row)] = list(mm.batch.score_stream(mm.batch.compile(_mini()), [("k", a)]))
    assert isinstance(row, mm.batch.ScoredRow)
    batch_record = row.records()[0]
    assert [batch_record[c] for c in IDENTITY_COLUMNS] == [
        "payments-team", "2026-11-01", "mini-cd", "1.0"]


def test_profile_frame_has_the_identity_columns() -> None:
    frame = mm.score(_mini(), _assessment()).to_frame()
    assert frame.columns.tolist()[-3:] == ["date", "model", "model_version"]
    assert set(frame["model_version"]) == {"1.0"}


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_long_csv_of_files_and_of_tables_have_the_identity_columns(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    _, out, _ = run(capsys, "score", DATA / "valid-model.yaml",
                    DATA / "valid-assessment.yaml", "--format", "csv")
    header = out.splitlines()[0].split(",")
    assert header[:2] == ["subject", "node_id"]
    assert header[-3:] == ["date", "model", "model_version"]
    row = _csv(out)[0]
    assert [row[c] for c in IDENTITY_COLUMNS] == [
        "payments-team", "2026-11-01", "mini-cd", "1.0"]
    table = tmp_path / "t.csv"
    table.write_text("subject,date,cm.vcs.1.1\nteam-a,2025-03-01,true\n")
    _, out, _ = run(capsys, "score", DATA / "valid-model.yaml", table, "--format", "csv")
    row = _csv(out)[0]
    assert [row[c] for c in IDENTITY_COLUMNS] == ["team-a", "2025-03-01", "mini-cd", "1.0"]


def test_wide_csv_has_the_identity_columns(capsys: pytest.CaptureFixture[str],
                                           tmp_path: Path) -> None:
    table = tmp_path / "t.csv"
    table.write_text("subject,date,cm.vcs.1.1\nteam-a,2025-03-01,true\n")
    code, out, _ = run(capsys, "score", DATA / "valid-model.yaml", table, "--wide")
    assert code == 0
    header = out.splitlines()[0].split(",")
    assert header[:3] == ["subject", "date", "mini-cd.score"]
    assert header[-2:] == ["model", "model_version"]
    row = _csv(out)[0]
    assert [row[c] for c in IDENTITY_COLUMNS] == ["team-a", "2025-03-01", "mini-cd", "1.0"]


def test_wide_parquet_has_the_identity_columns(capsys: pytest.CaptureFixture[str],
                                               tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    table = tmp_path / "t.csv"
    table.write_text("subject,date,cm.vcs.1.1\nteam-a,2025-03-01,true\n")
    out = tmp_path / "o.parquet"
    assert run(capsys, "score", DATA / "valid-model.yaml", table, "-o", out)[0] == 0
    read = pq.read_table(out).to_pylist()
    assert [read[0][c] for c in IDENTITY_COLUMNS] == ["team-a", "2025-03-01", "mini-cd", "1.0"]


def test_json_output_carries_the_identity_keys(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "score", DATA / "valid-model.yaml",
                       DATA / "valid-assessment.yaml", "--json")
    assert code == 0
    doc = json.loads(out)
    assert [doc[c] for c in IDENTITY_COLUMNS] == [
        "payments-team", "2026-11-01", "mini-cd", "1.0"]
    assert load_profile_text(out) == mm.score(_mini(), mm.load_assessment(
        DATA / "valid-assessment.yaml"))


def test_a_profile_whose_model_disagrees_with_its_model_id_is_refused() -> None:
    doc = json.loads(mm.dump_profile(mm.score(_mini(), _assessment())))
    doc["model"] = "other"
    with pytest.raises(mm.ValidationError) as caught:
        load_profile_text(json.dumps(doc))
    assert [(p.code, p.path) for p in caught.value.problems] == [("invalid-value", "$.model")]
    del doc["model"]
    assert load_profile_text(json.dumps(doc)) == mm.score(_mini(), _assessment())


def test_the_batch_frame_ends_with_the_identity_columns_when_told_whose_rows() -> None:
    compiled = mm.batch.compile(_mini())
    result = compiled.score(*compiled.from_assessments([_assessment()]))
    plain = result.to_frame()
    assert not set(IDENTITY_COLUMNS) & set(plain.columns)
    frame = result.to_frame(subjects=["payments-team"], dates=[datetime.date(2026, 11, 1)])
    assert frame.columns.tolist()[:-4] == plain.columns.tolist()
    assert frame.columns.tolist()[-4:] == list(IDENTITY_COLUMNS)
    assert frame.iloc[0, -4:].tolist() == ["payments-team", "2026-11-01", "mini-cd", "1.0"]
