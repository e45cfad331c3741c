"""The command line's files: which arguments are inputs, ``-`` for standard input, ``-o``.

Checked before anything is read or written: standard input is read at most once, and an
output (``-o``) never names one of the command's inputs, whatever the spelling (another
path, a symbolic link, a hard link): the two are compared by device and inode. A SIGTERM
becomes an exception while a command runs, so the output writer's cleanup runs and the
previous output stays as it was.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import itertools
import os
import signal
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any, Final

from maturity_model._reading import STDIN
from maturity_model._writing import same_file

__all__ = [
    "EXIT_TERMINATED",
    "Terminated",
    "document_kind",
    "file_arguments_problem",
    "input_arguments",
    "is_stdin",
    "os_error_message",
    "terminated_as_exception",
]

#: The exit status after SIGTERM (128 + 15), as shells report it.
EXIT_TERMINATED: Final = 128 + signal.SIGTERM

# Arguments of the commands that name files the command reads.
_INPUTS: Final = ("file", "model", "assessments", "assessment", "before", "after", "compare",
                  "target_file", "source", "old", "new", "mapping", "profile",
                  "target_model")
# Suffixes of the files a folder given to ``score`` is read for.
_FOLDER_SUFFIXES: Final = frozenset(
    {".yaml", ".yml", ".json", ".toml", ".csv", ".jsonl", ".ndjson", ".xlsx"})


# The suffixes of the files each optional extra reads or writes.
_EXTRA_SUFFIXES: Final = {"xlsx": (".xlsx", ".xlsm"), "arrow": (".parquet",),
                          "plot": (".png", ".svg", ".pdf")}


def is_stdin(spec: str | os.PathLike[str] | None) -> bool:
    """Whether a file argument means standard input (``-``).

    >>> is_stdin("-"), is_stdin("./-"), is_stdin(None)
    (True, False, False)
    """
    return spec is not None and os.fspath(spec) == STDIN


def input_arguments(args: argparse.Namespace) -> list[str]:
    """The file arguments a command reads, in the order given.

    >>> input_arguments(argparse.Namespace(model="m.yaml", assessments=["a", "b"],
    ...                                    output="out.json"))
    ['m.yaml', 'a', 'b']
    """
    found: list[str] = []
    for name in _INPUTS:
        value: Any = getattr(args, name, None)
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, list):
            found.extend(v for v in value if isinstance(v, str))
    return found


def file_needing_extra(args: argparse.Namespace, extra: str) -> str | None:
    """The file argument that needs the optional ``extra``: the output, else an input.

    ``None`` when no file argument is of the extra's kind (``--reader arrow`` on a CSV).

    >>> file_needing_extra(argparse.Namespace(model="cd", assessments=["form.xlsx"]), "xlsx")
    'form.xlsx'
    >>> file_needing_extra(argparse.Namespace(model="cd", output="s.parquet"), "arrow")
    's.parquet'
    """
    suffixes = _EXTRA_SUFFIXES.get(extra, ())
    output: Any = getattr(args, "output", None)
    candidates = [output] if isinstance(output, str) else []
    for spec in (*candidates, *input_arguments(args)):
        if Path(spec).suffix.lower() in suffixes:
            return spec
    return None


def did_you_mean(spec: str, names: Iterable[str] = ()) -> str:
    """``"; did you mean 'team.yaml'?"`` for a file argument that is not there.

    The closest of the entries beside it (the first thousand of its folder) or of
    ``names`` (standard names, say); ``""`` when none is close.

    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> _ = open(os.path.join(folder, "team.yaml"), "w").close()
    >>> hint = did_you_mean(os.path.join(folder, "teem.yaml"))
    >>> hint == f"; did you mean {os.path.join(folder, 'team.yaml')!r}?"
    True
    >>> did_you_mean("caict-devops", ["caict-devops-cd", "dora-four-keys"])
    "; did you mean 'caict-devops-cd'?"
    >>> did_you_mean(os.path.join(folder, "other.csv"))
    ''
    """
    found = difflib.get_close_matches(spec, list(names), n=1, cutoff=0.8)
    if found:
        return f"; did you mean {found[0]!r}?"
    head, name = os.path.split(spec)
    try:
        with os.scandir(head or ".") as entries:
            beside = [entry.name for entry in itertools.islice(entries, 1000)]
    except OSError:
        return ""
    found = difflib.get_close_matches(name, beside, n=1, cutoff=0.8)
    return f"; did you mean {os.path.join(head, found[0])!r}?" if found else ""


def _inside(output: str, folder: str) -> bool:
    try:
        return Path(folder).is_dir() and os.path.samefile(
            Path(output).resolve().parent, folder)
    except OSError:
        return False


def file_arguments_problem(args: argparse.Namespace) -> str | None:
    """What is wrong with a command's file arguments as a whole, or ``None``.

    ``-`` may be given once (standard input can be read once), and ``-o`` may not name
    an input, nor an existing file that a folder input would read.

    >>> file_arguments_problem(argparse.Namespace(before="-", after="-"))
    '-: standard input can be read once; give - for one input only'
    """
    inputs = input_arguments(args)
    if sum(is_stdin(spec) for spec in inputs) > 1:
        return f"{STDIN}: standard input can be read once; give - for one input only"
    output = getattr(args, "output", None)
    if not isinstance(output, str) or not os.path.lexists(output):
        return None
    files = [spec for spec in inputs if not is_stdin(spec)]
    clash = same_file(output, files)
    if clash is not None:
        return (f"{output}: is also an input ({clash}); write the output to another file "
                f"(the input would be replaced)")
    if Path(output).suffix.lower() in _FOLDER_SUFFIXES:
        for folder in files:
            if _inside(output, folder):
                return (f"{output}: is in the input folder {folder}, which would read it; "
                        f"write the output elsewhere")
    return None


def document_kind(doc: Any) -> str:
    """``"model"``, ``"assessment"`` or ``"profile"``, from a parsed document's ``format``.

    >>> document_kind({"format": "maturity-profile/1"}), document_kind({"answers": {}})
    ('profile', 'assessment')
    """
    if isinstance(doc, dict):
        fmt = doc.get("format")
        if fmt == "maturity-assessment/1" or (fmt is None and "answers" in doc):
            return "assessment"
        if fmt == "maturity-profile/1":
            return "profile"
    return "model"


def os_error_message(exc: OSError) -> str:
    """``<file>: <reason>`` for an error reading or writing a file.

    An error without a file name comes from writing the output to standard output (a
    full disk behind ``> file``, a closed terminal).

    >>> os_error_message(FileNotFoundError(2, "No such file or directory", "out/x.json"))
    'out/x.json: No such file or directory'
    >>> os_error_message(OSError(28, "No space left on device"))
    'standard output: No space left on device'
    """
    reason = exc.strerror or str(exc)
    where = exc.filename if exc.filename is not None else "standard output"
    return f"{where}: {reason}"


class Terminated(BaseException):
    """SIGTERM arrived; raised where the program was so that cleanup runs."""


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated(signum)


@contextlib.contextmanager
def terminated_as_exception() -> Iterator[None]:
    """Within the block, SIGTERM raises :class:`Terminated` (only in the main thread)."""
    try:
        previous = signal.signal(signal.SIGTERM, _raise_terminated)
    except ValueError:  # not the main thread: signals stay as they are
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
