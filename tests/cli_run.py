"""Run the ``maturity`` command in this process, as the CLI tests do."""

from __future__ import annotations

from pathlib import Path

import pytest

from maturity_model.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    """The exit status, standard output and standard error of ``maturity ARGS``."""
    try:
        code = main([str(a) for a in args])
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err
