"""The console examples of the tutorial and the how-to pages, run as a reader types them.

Each page's ``.. code-block:: console`` blocks run in order, in a fresh folder of their
own (with ``examples`` and ``docs`` of the checkout beside them, as in a checkout), through
``bash`` with the ``maturity`` command of this checkout first on the PATH. The lines a
block shows under a ``$`` command must be what the command prints (standard output, then
standard error); a line ``...`` stands for any number of lines. A command shown without
output must succeed, unless the page shows its error.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# The pages whose console examples need nothing but the checkout and the core
# dependencies (plus openpyxl for forms.rst), and the commands they show that
# cannot run here: ones that install, or that stand for the reader's own files.
PAGES = ["tutorial.rst", "howto/languages.rst", "howto/validate-files.rst",
         "howto/files-in-and-out.rst", "howto/history.rst", "howto/portfolio.rst",
         "howto/standards.rst", "howto/forms.rst"]
NOT_RUN = {
    "python3 -m venv .venv",
    ".venv/bin/pip install .        # in a checkout of the repository",
    ". .venv/bin/activate           # puts maturity and the environment's python first",
    "maturity history teams/ --model m-v1.yaml --model m-v2.yaml --node cd",
}


def _console_blocks(text: str) -> Iterator[list[str]]:
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        found = re.match(r"^(\s*)\.\. code-block::\s*console\s*$", lines[i])
        i += 1
        if not found:
            continue
        indent = len(found.group(1))
        body: list[str] = []
        while i < len(lines) and (not lines[i].strip()
                                  or len(lines[i]) - len(lines[i].lstrip()) > indent):
            body.append(lines[i])
            i += 1
        shown = [line for line in body if line.strip()]
        if shown:
            pad = min(len(line) - len(line.lstrip()) for line in shown)
            yield [line[pad:] for line in body]


def _commands(block: list[str]) -> Iterator[tuple[str, list[str]]]:
    command: str | None = None
    output: list[str] = []
    for line in block:
        if line.startswith("$ "):
            if command is not None:
                yield command, output
            command, output = line[2:], []
        elif command is not None and command.endswith("\\"):
            command = command[:-1].rstrip() + " " + line.strip()
        elif command is not None:
            output.append(line)
    if command is not None:
        yield command, output


def _fits(shown: list[str], printed: list[str]) -> bool:
    """Whether ``printed`` is ``shown``, each ``...`` line standing for any lines."""
    shown = [line.rstrip() for line in shown]
    while shown and not shown[-1]:
        shown.pop()
    if not shown:
        return True
    if shown[0] in ("...", "…"):
        return any(_fits(shown[1:], printed[k:]) for k in range(len(printed) + 1))
    return bool(printed) and shown[0] == printed[0].rstrip() and _fits(shown[1:], printed[1:])


def _page_commands(page: str) -> list[tuple[str, list[str]]]:
    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    return [c for block in _console_blocks(text) for c in _commands(block)]


@pytest.fixture
def reader_folder(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A fresh folder with the checkout's examples beside it, and ``maturity`` on the PATH."""
    for name in ("examples", "docs"):
        (tmp_path / name).symlink_to(ROOT / name)
    bin_dir = tmp_path / ".bin"
    bin_dir.mkdir()
    command = bin_dir / "maturity"
    command.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m maturity_model "$@"\n')
    command.chmod(command.stat().st_mode | stat.S_IXUSR)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
           "PYTHONPATH": str(ROOT / "src"), "PYTHONIOENCODING": "utf-8", "COLUMNS": "80"}
    env.pop("MATURITY_LANG", None)
    return tmp_path, env


def _tutorial_model_file(folder: Path) -> None:
    """``model.yaml`` as the tutorial's doctests write it before its last commands."""
    import maturity_model as mm

    model = mm.MaturityModel(
        id="team-basics", version="1",
        scale=mm.LevelScale.of("Started", "Practised", "Measured"),
        domains=[mm.Domain(id="delivery", items=[
            mm.CapabilityItem(id="vcs", name="Version control", practices=[
                mm.Practice(id="vcs.1", level=1, text="Code is in version control"),
                mm.Practice(id="vcs.2", level=2, text="Changes are reviewed"),
                mm.Practice(id="vcs.3", level=3, text="Review time is tracked",
                            requires=["vcs.2"])])])])
    mm.dump_model(model, folder / "model.yaml")


@pytest.mark.parametrize("page", PAGES)
def test_console_examples_print_what_the_page_shows(
        page: str, reader_folder: tuple[Path, dict[str, str]]) -> None:
    if page == "howto/forms.rst":
        pytest.importorskip("openpyxl")
    folder, env = reader_folder
    if page == "tutorial.rst":
        _tutorial_model_file(folder)
    ran = 0
    for command, shown in _page_commands(page):
        if command in NOT_RUN:
            continue
        done = subprocess.run(["bash", "-c", command], cwd=folder, env=env, capture_output=True,
                              text=True, timeout=300, stdin=subprocess.DEVNULL, check=False)
        printed = (done.stdout + done.stderr).splitlines()
        shows_an_error = any(line.startswith("maturity: error:") for line in shown)
        assert shows_an_error or done.returncode == 0, (command, done.stderr[-2000:])
        assert _fits(shown, printed), (command, printed[:40])
        ran += 1
    assert ran > 0


def test_every_page_with_console_examples_is_run_or_needs_outside_files() -> None:
    # Pages left out need files from outside the checkout (another tool's model, a
    # SAMM toolbox, a CISO Assistant library), named on each page.
    outside = {"howto/crosswalks.rst", "howto/import-ciso-assistant.rst",
               "howto/import-dsomm.rst", "howto/import-samm.rst",
               "howto/model-versions.rst"}
    candidates = [ROOT / "docs/tutorial.rst", *sorted((ROOT / "docs/howto").glob("*.rst"))]
    pages = {str(p.relative_to(ROOT / "docs")) for p in candidates
             if _page_commands(str(p.relative_to(ROOT / "docs")))}
    assert pages - outside == set(PAGES) - {p for p in PAGES if not _page_commands(p)}
