"""Reading assessment tables (CSV and JSON lines) without trusting them.

Lines are read with a byte bound and decoded one at a time, so a file of one endless line,
bytes that are not UTF-8, a field over the csv module's limit or a JSON line nested
100,000 deep is a :class:`TableError` naming the file and line, never a traceback or an
unbounded read. The readers stream: a CSV table comes in chunks of rows, so memory stays
bounded however long the table is.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any, BinaryIO, Final

import attrs

from maturity_model.errors import Problem

#: The longest physical line of a table; a longer one is refused, not read.
MAX_LINE_BYTES: Final = 16 << 20
#: How deep a JSON line may nest (an assessment needs three levels).
MAX_JSON_DEPTH: Final = 32


@attrs.frozen
class TableError(Exception):
    """A table that cannot be read on from ``line``: the problem says why."""

    line: int
    problems: tuple[Problem, ...]


@attrs.frozen(kw_only=True)
class CsvChunk:
    """Consecutive rows of a CSV table, each as long as the header.

    :param lines: the line number each row starts on (the header is line 1).
    :param rows: the cells of each row.
    """

    lines: tuple[int, ...]
    rows: tuple[tuple[str, ...], ...]


@attrs.frozen
class RowProblem:
    """A row refused for its shape; the rows around it are read on."""

    line: int
    problem: Problem


def _decoded(handle: BinaryIO) -> Iterator[tuple[int, str | Problem]]:
    """``(line number, text)`` of every line, each read with a byte bound.

    A BOM on the first line is dropped; a line that is not UTF-8 is a ``bad-encoding``
    problem in place of its text.

    :raises TableError: a line over :data:`MAX_LINE_BYTES`.
    """
    number = 0
    while True:
        raw = handle.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        number += 1
        if len(raw) > MAX_LINE_BYTES:
            raise TableError(number, (Problem.of(
                "too-large", "$", f"line {number} is longer than {MAX_LINE_BYTES} bytes"),))
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield number, Problem.of(
                "bad-encoding", "$", f"line {number} is not UTF-8 (byte {exc.start + 1}: "
                f"{raw[exc.start:exc.start + 1]!r})")
            continue
        yield number, text.removeprefix("\ufeff") if number == 1 else text


def _lines(handle: BinaryIO) -> Iterator[str]:
    """Decoded lines for the csv module; a line that is not UTF-8 stops the table."""
    for number, text in _decoded(handle):
        if isinstance(text, Problem):
            raise TableError(number, (text,))
        yield text


def check_header(header: list[str]) -> list[Problem]:
    """Blank and duplicated column names of a table's header, each a problem.

    >>> [(p.code, p.path) for p in check_header(["subject", "p1", "", "p1"])]
    [('blank-header', '$.columns[2]'), ('duplicate-id', '$.columns[3]')]
    """
    problems = []
    seen: set[str] = set()
    for k, name in enumerate(header):
        if not name.strip():
            problems.append(Problem.of("blank-header", f"$.columns[{k}]",
                                       f"column {k + 1} of the header has no name"))
        elif name in seen:
            problems.append(Problem.of("duplicate-id", f"$.columns[{k}]",
                                       f"column {name!r} appears more than once"))
        seen.add(name)
    return problems


def _read_header(reader: Any) -> list[str]:
    """The header of a table from its csv reader, checked.

    :raises TableError: the table is empty, its first line is blank, or the header has a
        blank or repeated column name.
    :raises csv.Error: the header is not a CSV row.
    """
    header: list[str] | None = next(reader, None)
    if header is None:
        raise TableError(1, (Problem.of(
            "no-assessments", "$", "the table is empty: no header, no rows"),))
    if not header:
        raise TableError(1, (Problem.of(
            "blank-header", "$", "line 1 is blank: the header must be the table's first "
            "line"),))
    problems = check_header(header)
    if problems:
        raise TableError(1, tuple(problems))
    return header


def read_header(path: Path) -> tuple[list[str], int]:
    """A table's checked header, and the number of lines it takes (a cell may span lines).

    :raises TableError: as :func:`csv_chunks` raises for a bad header.
    :raises OSError: the file cannot be opened.
    """
    with path.open("rb") as handle:
        reader = csv.reader(_lines(handle))
        try:
            return _read_header(reader), reader.line_num
        except csv.Error as exc:
            raise _csv_error(reader.line_num, exc) from None


def csv_chunks(path: Path, chunk_rows: int) -> Generator[list[str] | CsvChunk | RowProblem]:
    """The header (first), then chunks of rows and refused rows, in file order.

    A refused row ends a chunk, so what comes before it in the file comes first.

    :raises TableError: the header is missing or bad, or the file cannot be read on.
    :raises OSError: the file cannot be opened.
    """
    with path.open("rb") as handle:
        lines = _lines(handle)
        reader = csv.reader(lines)
        try:
            header = _read_header(reader)
            yield header
            width = len(header)
        except csv.Error as exc:
            raise _csv_error(reader.line_num, exc) from None
        starts: list[int] = []
        rows: list[tuple[str, ...]] = []
        start = reader.line_num + 1
        try:
            for row in reader:
                if not row:  # a blank line
                    start = reader.line_num + 1
                    continue
                if len(row) != width:
                    if rows:  # the rows before it first: rows come in file order
                        yield CsvChunk(lines=tuple(starts), rows=tuple(rows))
                        starts, rows = [], []
                    yield RowProblem(start, Problem.of(
                        "ragged-row", "$", f"the row has {len(row)} cells, the header "
                        f"{width}"))
                else:
                    starts.append(start)
                    rows.append(tuple(row))
                    if len(rows) >= chunk_rows:
                        yield CsvChunk(lines=tuple(starts), rows=tuple(rows))
                        starts, rows = [], []
                start = reader.line_num + 1
        except (csv.Error, TableError) as exc:
            if rows:  # the rows before the one that cannot be read are good
                yield CsvChunk(lines=tuple(starts), rows=tuple(rows))
            if isinstance(exc, TableError):
                raise
            raise _csv_error(reader.line_num, exc) from None
        if rows:
            yield CsvChunk(lines=tuple(starts), rows=tuple(rows))


def record_lines(path: Path) -> Iterator[int | TableError]:
    """The line each record of a CSV table starts on, the header's (1) first.

    Blank lines are no records, and a record whose cells span lines starts on its first.
    This is how :func:`csv_chunks` names rows; a reader that counts records (pyarrow)
    looks its row numbers up here. At a line that cannot be read (not UTF-8, not a CSV
    row) the scan ends with the :class:`TableError` that :func:`csv_chunks` raises there.
    """
    with path.open("rb") as handle:
        reader = csv.reader(_lines(handle))
        start = 1
        try:
            for row in reader:
                if row:
                    yield start
                start = reader.line_num + 1
        except TableError as exc:
            yield exc
        except csv.Error as exc:
            yield _csv_error(reader.line_num, exc)


def _csv_error(line: int, exc: csv.Error) -> TableError:
    code = "too-large" if "field larger" in str(exc) else "invalid-value"
    return TableError(line, (Problem.of(code, "$", f"line {line}: not a CSV row ({exc})"),))


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    for key, value in pairs:
        if key in doc:
            raise _DuplicateKeyError(key)
        doc[key] = value
    return doc


class _DuplicateKeyError(ValueError):
    pass


def json_line(text: str) -> dict[str, Any] | Problem:
    """One JSON-lines line as an object, or the problem with it.

    >>> json_line('{"answers": {"p": 1}}')
    {'answers': {'p': 1}}
    >>> [json_line(t).code for t in ['[1]', '{"a": 1, "a": 2}', '[' * 100_000, '{']]
    ['invalid-value', 'duplicate-id', 'too-large', 'invalid-value']
    """
    # json parses by recursion, so a line nested 100,000 deep would overflow the stack:
    # measure the nesting first (only a line with many brackets needs the scan).
    if (text.count("[") + text.count("{") > MAX_JSON_DEPTH
            and _prefix_depth(text) > MAX_JSON_DEPTH):
        return Problem.of("too-large", "$",
                          f"the line nests deeper than {MAX_JSON_DEPTH} levels")
    try:
        doc = json.loads(text, object_pairs_hook=_reject_duplicates)
    except _DuplicateKeyError as exc:
        return Problem.of("duplicate-id", "$", f"key {exc.args[0]!r} appears more than "
                          "once in one object")
    except RecursionError:
        return Problem.of("too-large", "$",
                          f"the line nests deeper than {MAX_JSON_DEPTH} levels")
    except ValueError as exc:
        return Problem.of("invalid-value", "$", f"not valid JSON: {exc}")
    if not isinstance(doc, dict):
        return Problem.of("invalid-value", "$", f"the line is a JSON "
                          f"{type(doc).__name__}, not an object")
    return doc


def _prefix_depth(text: str) -> int:
    """The deepest bracket nesting of ``text``, strings skipped; a cheap scan."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_JSON_DEPTH:
                    return deepest
        elif char in "]}":
            depth -= 1
    return deepest


def json_lines(path: Path) -> Iterator[tuple[int, dict[str, Any] | Problem]]:
    """``(line number, object or problem)`` for every line that is not blank.

    A line that is not UTF-8 is a problem of its own; the lines after it are read on.

    :raises TableError: a line over :data:`MAX_LINE_BYTES`.
    """
    with path.open("rb") as handle:
        for number, text in _decoded(handle):
            if isinstance(text, Problem):
                yield number, text
            elif text.strip():
                yield number, json_line(text)
