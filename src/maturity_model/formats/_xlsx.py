"""Opening an xlsx workbook that may be hostile: its zip is checked before openpyxl reads it.

An xlsx file is a zip of XML parts. Before openpyxl sees one, :func:`open_workbook`

- reads at most :data:`MAX_FILE_BYTES` of the file (also from ``/dev/zero`` or a pipe);
- refuses a file that is not a zip, holds more than :data:`MAX_MEMBERS` members, a member
  that declares more than :data:`MAX_MEMBER_BYTES` once inflated, or members that together
  declare more than :data:`MAX_TOTAL_BYTES` (a "zip bomb": Python's zip reader never
  inflates a member past its declared size, so the declared sizes bound the work);
- refuses an XML part whose prolog declares a document type (``<!DOCTYPE``, ``<!ENTITY``):
  openpyxl resolves entities with the standard library's parser unless defusedxml is
  installed, and a workbook has no use for them, so entity bombs and external entities
  never reach a parser.

Whatever openpyxl then raises on a broken part becomes a problem naming the file.
"""

from __future__ import annotations

import contextlib
import io
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final
from xml.etree.ElementTree import ParseError

from maturity_model.errors import (
    AssessmentValidationError,
    MaturityModelError,
    MissingExtraError,
    Problem,
)
from maturity_model.formats._sources import read_bounded

__all__ = [
    "BROKEN_PART_ERRORS",
    "MAX_FILE_BYTES",
    "MAX_MEMBERS",
    "MAX_MEMBER_BYTES",
    "MAX_TOTAL_BYTES",
    "broken_part",
    "check_archive",
    "open_workbook",
    "reading",
]

#: The largest workbook file read (bytes).
MAX_FILE_BYTES: Final = 64 * 1024 * 1024
#: The most members (parts) a workbook's zip may hold.
MAX_MEMBERS: Final = 10_000
#: The largest size one member may declare once inflated (bytes).
MAX_MEMBER_BYTES: Final = 64 * 1024 * 1024
#: The largest total the members may declare once inflated (bytes).
MAX_TOTAL_BYTES: Final = 256 * 1024 * 1024
#: How much of an XML part is read to find its root element.
_MAX_PROLOG: Final = 64 * 1024

#: What openpyxl and the zip reader raise on broken parts (also while rows are read).
BROKEN_PART_ERRORS: Final = (KeyError, IndexError, ValueError, TypeError, AttributeError,
                             EOFError, zipfile.BadZipFile, zlib.error, ParseError)


def _text(head: bytes) -> str:
    """The start of an XML part as text, enough to find markup in its prolog."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="replace")
    if head[:2] in (b"<\x00", b"\x00<"):  # UTF-16 without a byte order mark
        return head.decode("utf-16-le" if head[0] else "utf-16-be", errors="replace")
    return head.decode("latin-1")  # every ASCII-compatible encoding keeps markup as is


def _prolog_problem(head: bytes, complete: bool) -> str | None:
    """Why an XML part's prolog is refused, or ``None``.

    >>> _prolog_problem(b'<?xml version="1.0"?><!-- x --><root/>', True) is None
    True
    >>> _prolog_problem(b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "b">]><r/>', True)
    'it declares a document type or entities (<!DOCTYPE or <!ENTITY)'
    """
    text = _text(head).lstrip("\ufeff")
    at = 0
    while True:
        while at < len(text) and text[at] in " \t\r\n":
            at += 1
        if text.startswith("<?", at):
            end, width = text.find("?>", at + 2), 2
        elif text.startswith("<!--", at):
            end, width = text.find("-->", at + 4), 3
        elif text.startswith("<!", at):
            return "it declares a document type or entities (<!DOCTYPE or <!ENTITY)"
        else:
            return None  # the root element, or not XML at all (an image)
        if end < 0:
            return None if complete else (
                f"its prolog (before the first element) is longer than {_MAX_PROLOG} bytes")
        at = end + width


def check_archive(archive: zipfile.ZipFile, name: str) -> list[Problem]:
    """The problems that stop a workbook's zip from being handed to openpyxl.

    ``name`` is how problems name the file; each is an ``invalid-value`` at ``name:$``.
    """
    where = f"{name}:$"
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        return [Problem.of("invalid-value", where,
                           f"the workbook has {len(members)} parts, more than "
                           f"{MAX_MEMBERS}")]
    problems: list[Problem] = []
    total = 0
    for member in members:
        total += member.file_size
        if member.file_size > MAX_MEMBER_BYTES:
            problems.append(Problem.of(
                "invalid-value", where,
                f"the part {member.filename!r} inflates to {member.file_size} bytes, more "
                f"than {MAX_MEMBER_BYTES}"))
    if total > MAX_TOTAL_BYTES:
        problems.append(Problem.of(
            "invalid-value", where,
            f"the workbook's parts inflate to {total} bytes, more than {MAX_TOTAL_BYTES}"))
    if problems:
        return problems
    for member in members:
        if member.is_dir():
            continue
        try:
            with archive.open(member) as part:
                head = part.read(_MAX_PROLOG)
        except (*BROKEN_PART_ERRORS, RuntimeError, NotImplementedError) as exc:
            # RuntimeError: an encrypted part; NotImplementedError: an unknown compression.
            problems.append(Problem.of(
                "invalid-value", where,
                f"the part {member.filename!r} cannot be read ({type(exc).__name__})"))
            continue
        reason = _prolog_problem(head, complete=len(head) >= member.file_size)
        if reason is not None:
            problems.append(Problem.of(
                "invalid-value", where, f"the part {member.filename!r} is refused: {reason}"))
    return problems


def open_workbook(path: Path, *, formulas: bool = False) -> Any:
    """Open a workbook read-only, after the checks of the module documentation.

    :param formulas: read a formula cell as its formula (``"=A1*2"``), not as the value a
        spreadsheet program last computed for it.

    :raises OSError: the file cannot be read.
    :raises AssessmentValidationError: the file is not a workbook openpyxl can read, or
        it is refused; every problem names the file.
    :raises MissingExtraError: openpyxl is not installed.
    """
    try:
        import openpyxl
    except ImportError:
        raise MissingExtraError("openpyxl", "xlsx") from None
    name = path.name or str(path)
    where = f"{name}:$"
    data = read_bounded(path, MAX_FILE_BYTES)
    if data is None:
        raise AssessmentValidationError([Problem.of(
            "invalid-value", where, f"the file is larger than {MAX_FILE_BYTES} bytes")])
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, EOFError, ValueError, OSError):
        # OSError: a seek outside the data, as a damaged end record asks for.
        raise AssessmentValidationError([Problem.of(
            "invalid-value", where,
            "not an Excel workbook: the file is not a zip archive (.xlsx)")]) from None
    with archive:
        problems = check_archive(archive, name)
    if problems:
        raise AssessmentValidationError(problems)
    try:
        with warnings.catch_warnings():
            # openpyxl warns about the workbook's extensions it does not keep; we only read.
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(io.BytesIO(data), data_only=not formulas,
                                          read_only=True)
    except (*BROKEN_PART_ERRORS, OSError) as exc:
        raise AssessmentValidationError([broken_part(name, exc)]) from None


@contextlib.contextmanager
def reading(path: Path, *, formulas: bool = False) -> Iterator[Any]:
    """:func:`open_workbook`, closed at the end of the block.

    A read-only workbook parses its sheets while their rows are read, so what openpyxl
    raises on a broken part inside the block becomes the file's problem
    (:func:`broken_part`); the package's own errors pass through. What openpyxl warns of
    on the way (a date cell out of range, say) is warned again naming the file.
    """
    name = path.name or str(path)
    workbook = open_workbook(path, formulas=formulas)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield workbook
    except MaturityModelError:
        raise
    except BROKEN_PART_ERRORS as exc:
        raise AssessmentValidationError([broken_part(name, exc)]) from None
    finally:
        workbook.close()
    for warning in caught:
        ours = "openpyxl" not in warning.filename
        warnings.warn(str(warning.message) if ours else f"{name}: {warning.message}",
                      warning.category, stacklevel=3)


def broken_part(name: str, exc: BaseException) -> Problem:
    """The problem for what openpyxl raised on a broken part of the workbook ``name``."""
    return Problem.of("invalid-value", f"{name}:$",
                      f"not an Excel workbook that can be read: a part is broken "
                      f"({type(exc).__name__})")
