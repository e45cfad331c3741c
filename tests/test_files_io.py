"""Output paths and the one atomic writer: links, devices, FIFOs, inputs, failed runs, signals."""

from __future__ import annotations

import ast
import errno
import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import maturity_model as mm
from maturity_model import _writing, report, serialization
from tests.cli_run import run

DATA = Path(__file__).parent / "data"
SRC = Path(mm.__file__).parent
MODEL = DATA / "valid-model.yaml"
ASSESSMENT = DATA / "valid-assessment.yaml"




def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# --------------------------------------------------------------------------- the split


OLD_PUBLIC_NAMES = [
    "DEFAULT_LIMITS", "FileFormat", "Limits", "assessment_from_dict", "assessment_to_dict",
    "check_limits", "dump_assessment", "dump_model", "dump_profile", "load_assessment",
    "load_model", "load_profile", "loads_assessment", "loads_model", "model_from_dict",
    "model_to_dict", "profile_from_dict", "profile_to_dict", "parse_text", "read_document",
    "format_of", "write_atomic", "write_atomic_stream", "converter_for",
    "problems_from_exception", "dumps_document", "PROFILE_FORMAT", "MAX_FILE_SIZE",
    "load_profile_text", "_SafeLoader"]


@pytest.mark.parametrize("name", OLD_PUBLIC_NAMES)
def test_every_name_of_the_old_module_is_still_importable(name: str) -> None:
    assert getattr(serialization, name) is not None


def test_file_handling_modules_stay_under_500_lines() -> None:
    names = ["serialization", "_reading", "_yaml", "_writing", "_converter", "_documents",
             "_profile_documents", "_cli_files"]
    lengths = {n: len((SRC / f"{n}.py").read_text().splitlines()) for n in names}
    assert max(lengths.values()) < 500, lengths


def _calls(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            found.add(f"{node.value.id}.{node.attr}")
    return found


def test_only_the_writer_module_renames_temporary_files_into_place() -> None:
    writers = sorted(str(p.relative_to(SRC)) for p in SRC.rglob("*.py")
                     if {"tempfile.mkstemp", "os.replace", "os.rename"} & _calls(p))
    assert writers == ["_writing.py"]
    assert serialization.write_atomic is _writing.write_atomic
    assert serialization.write_atomic_stream is _writing.write_atomic_stream


# --------------------------------------------------------------------------- bad outputs


BAD_OUTPUTS: dict[str, Callable[[Path], Path]] = {
    "missing-folder": lambda tmp: tmp / "missing" / "out.json",
    "a-folder": lambda tmp: tmp,
    "under-a-file": lambda tmp: tmp / "file.txt" / "out.json",
    "proc": lambda tmp: Path("/proc/version"),
    "proc-new": lambda tmp: Path("/proc/self/new.json"),
    "full-disk": lambda tmp: Path("/dev/full"),
}


@pytest.mark.parametrize("case", sorted(BAD_OUTPUTS))
def test_an_output_that_cannot_be_written_is_one_error_line_and_exit_2(
        case: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "file.txt").write_text("x")
    out = BAD_OUTPUTS[case](tmp_path)
    code, _, err = run(capsys, "score", MODEL, ASSESSMENT, "--json", "-o", out)
    assert code == 2
    assert err.splitlines() == [err.strip()]
    assert err.startswith(f"maturity: error: {out}: ")
    assert leftovers(tmp_path) == []


def test_report_reports_a_missing_folder_the_same_way(capsys: pytest.CaptureFixture[str],
                                                     tmp_path: Path) -> None:
    out = tmp_path / "missing" / "report.html"
    code, _, err = run(capsys, "report", MODEL, ASSESSMENT, "-o", out)
    assert code == 2
    assert err.startswith(f"maturity: error: {out}: ") and err.count("\n") == 1


@pytest.mark.parametrize("dump", ["model", "assessment", "profile", "report"])
def test_library_writers_raise_oserror_naming_the_given_path(dump: str,
                                                            tmp_path: Path) -> None:
    model = mm.load_model(MODEL)
    assessment = mm.load_assessment(ASSESSMENT)
    profile = mm.score(model, assessment)
    out = tmp_path / "missing" / "out.md"
    write: Callable[[], object] = {"model": lambda: mm.dump_model(model, out),
             "assessment": lambda: mm.dump_assessment(assessment, out),
             "profile": lambda: serialization.dump_profile(profile, out),
             "report": lambda: report.write_report(out, model, profile)}[dump]
    with pytest.raises(FileNotFoundError) as info:
        write()
    assert info.value.filename == str(out)


def test_a_full_disk_leaves_dev_full_a_character_device(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "score", MODEL, ASSESSMENT, "--json", "-o", "/dev/full")
    assert code == 2
    assert err.startswith("maturity: error: /dev/full: ") and err.count("\n") == 1
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)
    with pytest.raises(OSError) as info:  # noqa: PT011 - the errno is checked below
        mm.dump_model(mm.load_model(MODEL), "/dev/full", file_format="yaml")
    assert (info.value.errno, info.value.filename) == (errno.ENOSPC, "/dev/full")
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_dev_null_is_written_in_place(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run(capsys, "score", MODEL, ASSESSMENT, "--json", "-o", "/dev/null")
    assert code == 0
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_symlink_is_followed_and_stays_a_link(capsys: pytest.CaptureFixture[str],
                                               tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "out.json"
    target.write_text("old")
    target.chmod(0o600)
    link = tmp_path / "link.json"
    link.symlink_to(target)
    code, _, _ = run(capsys, "score", MODEL, ASSESSMENT, "--json", "-o", link)
    assert code == 0
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert json.loads(target.read_text())["format"] == "maturity-profile/1"
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    assert leftovers(tmp_path / "real") == [] and leftovers(tmp_path) == []


def test_a_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    link = tmp_path / "link.yaml"
    link.symlink_to(tmp_path / "made.yaml")
    mm.dump_model(mm.load_model(MODEL), link)
    assert link.is_symlink()
    assert mm.load_model(tmp_path / "made.yaml").id == "mini-cd"


def test_a_fifo_is_written_in_place(capsys: pytest.CaptureFixture[str],
                                    tmp_path: Path) -> None:
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    code, _, _ = run(capsys, "score", MODEL, ASSESSMENT, "--json", "-o", fifo)
    reader.join(timeout=30)
    assert code == 0
    assert json.loads(received[0])["model_id"] == "mini-cd"
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert leftovers(tmp_path) == []


# --------------------------------------------------------------------------- inputs


def _copies(tmp_path: Path) -> tuple[Path, Path]:
    model, assessment = tmp_path / "m.yaml", tmp_path / "a.yaml"
    model.write_bytes(MODEL.read_bytes())
    assessment.write_bytes(ASSESSMENT.read_bytes())
    return model, assessment


@pytest.mark.parametrize("spelling", ["same", "dot", "symlink", "hardlink"])
def test_an_output_that_is_an_input_is_refused_before_anything_is_written(
        spelling: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    model, assessment = _copies(tmp_path)
    before = assessment.read_bytes()
    out = {"same": assessment, "dot": tmp_path / "." / "a.yaml",
           "symlink": tmp_path / "link.yaml", "hardlink": tmp_path / "hard.yaml"}[spelling]
    if spelling == "symlink":
        out.symlink_to(assessment)
    elif spelling == "hardlink":
        os.link(assessment, out)
    code, _, err = run(capsys, "score", model, assessment, "--json", "-o", out)
    assert code == 2
    assert err.startswith(f"maturity: error: {out}: is also an input")
    assert assessment.read_bytes() == before
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("which", ["model", "assessment"])
def test_report_refuses_to_overwrite_its_input(which: str, capsys: pytest.CaptureFixture[str],
                                               tmp_path: Path) -> None:
    model, assessment = _copies(tmp_path)
    victim = model if which == "model" else assessment
    renamed = victim.with_suffix(".md")
    victim.rename(renamed)
    args = [renamed, assessment] if which == "model" else [model, renamed]
    code, _, err = run(capsys, "report", *args, "-o", renamed)
    assert code == 2
    assert "is also an input" in err
    assert renamed.read_bytes() == (MODEL if which == "model" else ASSESSMENT).read_bytes()


def test_an_existing_output_in_an_input_folder_is_refused(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = tmp_path / "teams"
    folder.mkdir()
    (folder / "a.yaml").write_bytes(ASSESSMENT.read_bytes())
    (folder / "scores.json").write_text("{}")
    code, _, err = run(capsys, "score", MODEL, folder, "--json", "-o", folder / "scores.json")
    assert code == 2
    assert "is in the input folder" in err
    assert (folder / "scores.json").read_text() == "{}"


def test_a_broken_assessment_leaves_the_old_output_byte_for_byte(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    out.write_bytes(b"old output\n")
    code, _, err = run(capsys, "score", MODEL, DATA / "model-mismatch.yaml", "--json",
                       "-o", out)
    assert code == 1
    assert f"maturity: error: {out}: not written" in err
    assert out.read_bytes() == b"old output\n"
    assert leftovers(tmp_path) == []


def test_an_assessment_with_a_lone_surrogate_is_a_reading_problem(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"model": "mini-cd", "subject": "\\udfff", "answers": {}}')
    out = tmp_path / "out.json"
    out.write_bytes(b"old")
    code, _, err = run(capsys, "score", MODEL, bad, "--json", "-o", out)
    assert code == 1
    assert "$.subject:" in err and "[invalid-value]" in err
    assert out.read_bytes() == b"old"
    with pytest.raises(mm.AssessmentValidationError) as info:
        mm.load_assessment(bad)
    assert [(p.code, p.path) for p in info.value.problems] == [("invalid-value", "$.subject")]


def test_standard_input_can_be_given_once(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "compare", "-", "-")
    assert code == 2
    assert err.startswith("maturity: error: -: standard input can be read once")


def _cli(*args: str | Path, stdin: bytes | None = None,
         timeout: float = 120) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": str(SRC.parent)}
    return subprocess.run([sys.executable, "-m", "maturity_model", *map(str, args)],
                          input=stdin, capture_output=True, env=env, timeout=timeout,
                          check=False)


@pytest.mark.parametrize("spec", ["-", "/dev/stdin"])
def test_validate_reads_standard_input_once(spec: str) -> None:
    done = _cli("validate", spec, "--json", stdin=MODEL.read_bytes())
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"valid": True, "problems": []}
    done = _cli("validate", spec, "--json", stdin=ASSESSMENT.read_bytes())
    assert json.loads(done.stdout)["valid"] is True


def test_score_and_compare_read_standard_input() -> None:
    done = _cli("score", MODEL, "-", "--json", stdin=ASSESSMENT.read_bytes())
    assert done.returncode == 0, done.stderr
    profile = done.stdout
    assert json.loads(profile)["subject"] == "payments-team"
    done = _cli("validate", "-", "--json", stdin=profile)
    assert json.loads(done.stdout) == {"valid": True, "problems": []}
    done = _cli("compare", "-", ASSESSMENT, "--model", MODEL, "--json", stdin=profile)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["summary"]["unchanged"] > 0


# --------------------------------------------------------------------------- signals


def _start_on_a_fifo(tmp_path: Path) -> tuple[subprocess.Popen[bytes], Path, int]:
    fifo = tmp_path / "endless.yaml"
    os.mkfifo(fifo)
    out = tmp_path / "out.json"
    out.write_bytes(b"old output\n")
    env = {**os.environ, "PYTHONPATH": str(SRC.parent)}
    process = subprocess.Popen(
        [sys.executable, "-m", "maturity_model", "score", str(MODEL), str(fifo), "--json",
         "-o", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    # Opening the FIFO for writing waits until the command opened it for reading.
    writer = os.open(fifo, os.O_WRONLY)
    os.write(writer, b"format: maturity-assessment/1\nmodel: mini-cd\n")
    time.sleep(0.3)
    return process, out, writer


@pytest.mark.parametrize(("sent", "status"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_leaves_the_old_output_and_no_temporary_file(
        sent: int, status: int, tmp_path: Path) -> None:
    process, out, writer = _start_on_a_fifo(tmp_path)
    try:
        process.send_signal(sent)
        _, err = process.communicate(timeout=60)
    finally:
        os.close(writer)
    assert process.returncode == status, err
    assert b"Traceback" not in err
    assert out.read_bytes() == b"old output\n"
    assert leftovers(tmp_path) == []


def test_a_file_the_caller_may_not_write_is_not_replaced(monkeypatch: pytest.MonkeyPatch,
                                                         tmp_path: Path) -> None:
    out = tmp_path / "kept.json"
    out.write_text("old")
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode: (
        False if str(path) == str(out) else real_access(path, mode)))
    with pytest.raises(PermissionError) as info:
        serialization.write_atomic(out, "new")
    assert (info.value.errno, info.value.filename) == (errno.EACCES, str(out))
    assert out.read_text() == "old"
    assert leftovers(tmp_path) == []


def test_a_full_disk_behind_standard_output_is_one_error_line_naming_it() -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "maturity_model", "score", str(MODEL),
             str(DATA / "valid-assessment.yaml")],
            stdout=full, stderr=subprocess.PIPE, text=True, check=False, timeout=120)
    assert done.returncode == 2
    assert done.stderr == "maturity: error: standard output: No space left on device\n"
