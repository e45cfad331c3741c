"""The bad-input corpus: every case runs the real command and must keep the CLI's promises.

Each folder under ``tests/corpus`` is one class of bad input and holds a ``cases.toml``::

    [[case]]
    name = "non-utf8-csv"
    args = ["score", "caict-devops-cd", "{dir}/non-utf8.csv"]
    exit = 1                                  # the exit status the command must return
    stderr = ["maturity:", "non-utf8.csv"]    # optional: texts stderr must contain
    stdout = ["..."]                          # optional: texts stdout must contain
    stdout_json = true                        # optional: stdout must be one JSON document
    setup = "copy"                            # optional, see below

``{dir}`` is the case's folder and ``{tmp}`` a fresh temporary folder. With
``setup = "copy"`` every file of the folder is first copied into ``{tmp}``, so a case may
write there. Whatever the case, the command must never print a traceback and must leave
no temporary file behind in ``{tmp}``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

CORPUS = Path(__file__).parent / "corpus"


def _cases() -> list[Any]:
    found = []
    for manifest in sorted(CORPUS.glob("*/cases.toml")):
        for case in tomllib.loads(manifest.read_text(encoding="utf-8"))["case"]:
            found.append(pytest.param(manifest.parent, case,
                                      id=f"{manifest.parent.name}/{case['name']}"))
    return found


@pytest.mark.parametrize(("folder", "case"), _cases())
def test_corpus_case_keeps_the_cli_promises(folder: Path, case: dict[str, Any],
                                            tmp_path: Path) -> None:
    if case.get("setup") == "copy":
        for item in folder.iterdir():
            if item.is_file() and item.name != "cases.toml":
                shutil.copy(item, tmp_path / item.name)
    before = {p.name for p in tmp_path.iterdir()}
    args = [a.replace("{dir}", str(folder)).replace("{tmp}", str(tmp_path))
            for a in case["args"]]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run([sys.executable, "-m", "maturity_model", *args],
                          capture_output=True, text=True, timeout=120, env=env,
                          stdin=subprocess.DEVNULL, check=False)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == case["exit"], (done.returncode, done.stdout, done.stderr)
    for text in case.get("stderr", []):
        assert text.replace("{dir}", str(folder)) in done.stderr, done.stderr
    for text in case.get("stdout", []):
        assert text in done.stdout, done.stdout
    if case.get("stdout_json"):
        json.loads(done.stdout)
    left = {p.name for p in tmp_path.iterdir()} - before
    assert not [name for name in left if name.endswith(".tmp")], left
