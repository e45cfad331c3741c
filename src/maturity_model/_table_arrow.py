"""The fast CSV reader, through pyarrow (extra ``arrow``), and what the Parquet reader shares.

pyarrow parses a CSV block in C and dictionary-encodes every column on the way, so a
column arrives as its few distinct cells and an index per row: exactly what
:func:`~maturity_model._answer_cells.resolve_cells` takes. The readers yield what the
stdlib reader yields (a header, then factorised chunks and refused rows) and refuse what
it refuses: a bad header, ragged rows, bytes that are not UTF-8, a field over the csv
module's limit. Rows are named by the line they start on, as the stdlib reader names
them (:class:`LineIndex`).
"""

from __future__ import annotations

import bisect
import contextlib
import csv
import queue
import sys
import threading
from collections.abc import Callable, Generator, Iterator, Sequence
from pathlib import Path
from typing import Any, Final, TypeVar

import attrs
import numpy as np

from maturity_model._answer_cells import IntArray, factorize_rows
from maturity_model._arrow_arrays import arrow, indices
from maturity_model._table_read import (
    CsvChunk,
    RowProblem,
    TableError,
    csv_chunks,
    read_header,
    record_lines,
)
from maturity_model.errors import Problem

#: The bytes pyarrow parses at a time, a chunk (about 7,000 rows of 335 answers). pyarrow
#: parses them serially (with its own threads it cannot number the rows it refuses), in a
#: thread of ours beside the scoring (:func:`read_ahead`).
BLOCK_BYTES = 8 << 20

Column = tuple[Sequence[Any], IntArray]
_T = TypeVar("_T")


def encode_column(pa: Any, array: Any) -> tuple[list[Any], IntArray]:
    if pa.types.is_dictionary(array.type) and len(array.dictionary) > len(array):
        # a Parquet row group's dictionary (every subject of the file, say): keep only
        # the cells of this chunk, or each chunk would turn them all into text again
        array = array.dictionary_decode()
    if not pa.types.is_dictionary(array.type):
        array = array.dictionary_encode()
    return _distinct(pa, array.dictionary), indices(array.indices)


#: Above this many distinct cells a column (a subject, a date) is decoded by pyarrow.
MANY_DISTINCT = 64


def _distinct(pa: Any, dictionary: Any) -> list[Any]:
    """A column's distinct cells; many bytes cells at once as text when all are fit."""
    if len(dictionary) > MANY_DISTINCT and pa.types.is_binary(dictionary.type):
        # the longest cell, from the offsets (pyarrow.compute takes 40 ms to import)
        start = dictionary.offset
        offsets = np.frombuffer(dictionary.buffers()[1], dtype=np.int32,
                                count=start + len(dictionary) + 1)[start:]
        if int(np.diff(offsets).max()) <= csv.field_size_limit():
            try:
                return list(dictionary.cast(pa.string()).to_pylist())
            except pa.ArrowInvalid:  # not UTF-8: _decoded names the row
                pass
    return list(dictionary.to_pylist())


def decode_cells(uniques: list[Any], codes: IntArray,
                 texts: dict[bytes, str | tuple[str, str]],
                 ) -> tuple[list[Any], int | None, Problem | None]:
    """Bytes cells as text; the first row with a cell that is not UTF-8 or too large.

    The row is a position in ``codes``; its problem leaves naming the row to the caller.

    :param texts: the text (or the problem) of each bytes value met so far in the block.
    """
    out: list[Any] = []
    worst: tuple[int, Problem] | None = None
    for k, raw in enumerate(uniques):
        if not isinstance(raw, bytes):
            out.append(raw)
            continue
        cell = texts.get(raw)
        if cell is None:
            cell = texts[raw] = _text(raw)
        if isinstance(cell, str):
            out.append(cell)
            continue
        out.append(raw)
        row = int(np.argmax(codes == k))
        if worst is None or row < worst[0]:
            worst = (row, Problem.of(cell[0], "$", cell[1]))
    if worst is None:
        return out, None, None
    return out, worst[0], worst[1]


def decode_batch(pa: Any, batch: Any, cell: Callable[[Any], Any] | None = None,
                 ) -> tuple[list[Column], tuple[int, Problem] | None]:
    """Every column of ``batch`` encoded, its bytes cells made text; the first bad row.

    Each distinct cell goes through ``cell`` first, if given. The bad row is the first
    with a cell that is not UTF-8 or too large, with its problem.
    """
    columns: list[Column] = []
    known: dict[bytes, str | tuple[str, str]] = {}
    stop: tuple[int, Problem] | None = None
    for k in range(batch.num_columns):
        uniques, codes = encode_column(pa, batch.column(k))
        if cell is not None:
            uniques = [cell(u) for u in uniques]
        texts, bad_row, bad = decode_cells(uniques, codes, known)
        columns.append((texts, codes))
        if bad_row is not None and bad is not None and (stop is None or bad_row < stop[0]):
            stop = (bad_row, bad)
    return columns, stop


def _text(raw: bytes) -> str | tuple[str, str]:
    """A cell's text, or its problem as ``(code, why)``."""
    limit = csv.field_size_limit()
    if len(raw) > limit:
        return "too-large", f"field larger than field limit ({limit})"
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return "bad-encoding", f"not UTF-8 (byte {exc.start + 1} of a cell)"


def arrow_csv_chunks(path: Path, chunk_rows: int) -> Iterator[
        list[str] | tuple[Sequence[int], list[Column]] | RowProblem]:
    """The header, then ``(line numbers, columns)`` chunks and refused rows, in order.

    The blocks after the header are parsed in a second thread, a block ahead of the one
    being scored (pyarrow parses without Python's lock), so reading and scoring overlap.
    Rows are named by the line they start on, as the stdlib reader names them.

    :raises TableError: a bad header, or a row that cannot be read on from.
    :raises MissingExtraError: pyarrow is not installed.
    """
    pa = arrow()
    header, header_lines = read_header(path)
    yield header
    lines = LineIndex(path)
    _quiet_ragged_rows()
    items = read_ahead(_csv_rows(pa, path, header, header_lines))
    refused: list[RowProblem] = []  # by record, until the rows before them have come
    try:
        while True:
            try:
                item = next(items, None)
            except UnparsedRowError as exc:  # the stdlib reader reads on from that block
                yield from _in_order(refused, None, lines)
                yield from _stdlib_from(path, lines.line(exc.line), len(header),
                                        chunk_rows)
                return
            except TableError as exc:  # a cell that is not UTF-8 or too large
                yield from _in_order(refused, ([exc.line], []), lines, upto=True)
                line = lines.line(exc.line)  # the stdlib reader's error if it stops there
                raise TableError(line, tuple(
                    attrs.evolve(p, message=f"line {line}: {p.message}")
                    for p in exc.problems)) from None
            if isinstance(item, RowProblem):
                refused.append(item)
            else:
                yield from _in_order(refused, item, lines)
            if item is None:
                return
    finally:
        items.close()


def _in_order(refused: list[RowProblem], chunk: tuple[Sequence[int], list[Column]] | None,
              lines: LineIndex, *, upto: bool = False) -> Iterator[
        tuple[Sequence[int], list[Column]] | RowProblem]:
    """The refused rows and the rows of ``chunk`` in file order, named by their lines.

    The refused rows after the chunk wait in ``refused``; ``upto`` yields only the refused
    rows before the chunk's first row (a row the table stops at). A refused row the stdlib
    reader never reaches raises what it raises where it stops.
    """
    records, columns = chunk if chunk is not None else ([], [])
    refused.sort(key=lambda p: p.line)
    while refused:
        record = refused[0].line
        if chunk is not None and (record > records[0] if upto else record > records[-1]):
            break  # after the chunk: it waits for the rows that come before it
        first = refused.pop(0)
        before = 0 if upto else bisect.bisect_left(records, record)
        if before:
            yield (RecordLines(records[:before], lines),
                   [(u, c[:before]) for u, c in columns])
            records, columns = records[before:], [(u, c[before:]) for u, c in columns]
        yield RowProblem(lines.line(record), first.problem)
    if records and not upto:
        yield RecordLines(records, lines), columns


def _stdlib_from(path: Path, start: int, width: int, chunk_rows: int) -> Iterator[
        tuple[Sequence[int], list[Column]] | RowProblem]:
    """What the stdlib reader reads from line ``start`` on, as pyarrow's reader yields it."""
    for item in csv_chunks(path, chunk_rows):
        if isinstance(item, RowProblem):
            if item.line >= start:
                yield item
        elif isinstance(item, CsvChunk):
            keep = [k for k, line in enumerate(item.lines) if line >= start]
            if keep:
                columns: list[Column] = list(factorize_rows([item.rows[k] for k in keep],
                                                            width))
                yield [item.lines[k] for k in keep], columns


class _RaggedRows:
    """pyarrow's handler of rows with too few or too many cells: each is noted, skipped.

    :ivar refused: ``(record number, cells)`` of the rows refused and not yet reported.
    """

    def __init__(self, header_lines: int) -> None:
        self.header_lines = header_lines
        self.refused: list[tuple[int, int]] = []

    def __call__(self, row: Any) -> str:
        # pyarrow numbers the rows after the skipped lines from skip_rows + 1
        self.refused.append((int(row.number) - self.header_lines + 1,
                             int(row.actual_columns)))
        return "skip"


def _quiet_ragged_rows() -> None:
    """No report of the ragged rows pyarrow cannot hand to :class:`_RaggedRows`.

    A ragged row that is not UTF-8 cannot become the handler's argument: pyarrow says so
    on :data:`sys.unraisablehook`, then stops with ``ArrowInvalid``, which is read on as
    the stdlib reader reads (:class:`UnparsedRowError`). pyarrow may say so late (in a
    thread of its own, or when a reader is collected), so the filter, which lets every
    other report through, stays once installed.
    """
    current = sys.unraisablehook
    if getattr(current, "quiets_ragged_rows", False):
        return

    def hook(unraisable: Any) -> None:
        if not isinstance(unraisable.object, _RaggedRows):
            current(unraisable)

    hook.quiets_ragged_rows = True  # type: ignore[attr-defined]
    sys.unraisablehook = hook


class UnparsedRowError(TableError):
    """pyarrow cannot parse on from record ``line`` (the first of the block it stopped in)."""


class LineIndex:
    """The line each record of a CSV table starts on, found only when a row is named.

    pyarrow counts records (the header is record 1); problems name lines, as the stdlib
    reader does. The two differ only after a blank line or a cell spanning lines, and
    rows are named only in problems, so the file is scanned (by the stdlib reader) only
    as far as the last row named.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        self._scan: Iterator[int | TableError] | None = None
        self._starts: list[int] = []
        self.stop: TableError | None = None  # where the stdlib reader stops, and why

    def line(self, record: int) -> int:
        """The line record ``record`` starts on.

        :raises TableError: the stdlib reader stops before this record (a line that is not
            UTF-8 or not a CSV row): what it raises there, so both readers stop alike.
        """
        if self._scan is None:
            self._scan = record_lines(self._path)
        while len(self._starts) < record and self.stop is None:
            start = next(self._scan, None)
            if start is None:
                return record
            if isinstance(start, TableError):
                self.stop = start
            else:
                self._starts.append(start)
        if record > len(self._starts) and self.stop is not None:
            raise self.stop
        return self._starts[record - 1]


class RecordLines(Sequence[int]):
    """The lines a chunk's rows start on, from their record numbers, looked up on use."""

    def __init__(self, records: Sequence[int], lines: LineIndex) -> None:
        self._records = records
        self._lines = lines

    def __len__(self) -> int:
        return len(self._records)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self._lines.line(r) for r in self._records[index]]
        return self._lines.line(self._records[index])


def _csv_rows(pa: Any, path: Path, header: list[str], header_lines: int) -> Iterator[
        tuple[list[int], list[Column]] | RowProblem]:
    names = [f"c{k}" for k in range(len(header))]
    ragged = _RaggedRows(header_lines)
    refused = ragged.refused
    number = 2  # the record number of the next row (the header is 1)
    reader: Any = None
    try:
        cell_type = pa.binary()  # encoded column by column after parsing: cheaper
        reader = pa.csv.open_csv(
            path,
            read_options=pa.csv.ReadOptions(column_names=names, skip_rows=header_lines,
                                            use_threads=False,
                                            block_size=BLOCK_BYTES),
            parse_options=pa.csv.ParseOptions(newlines_in_values=True,
                                              invalid_row_handler=ragged),
            convert_options=pa.csv.ConvertOptions(
                column_types=dict.fromkeys(names, cell_type), null_values=[],
                strings_can_be_null=False, quoted_strings_can_be_null=False))
        for batch in reader:
            n = batch.num_rows
            # pyarrow may have refused rows of the next block already: those stay
            taken = sorted(r for r, _ in refused)
            if not taken:
                numbers = list(range(number, number + n))
                number += n
            else:  # the record numbers of the kept rows step over the refused ones
                numbers = []
                while len(numbers) < n:
                    if taken and taken[0] == number:
                        taken.pop(0)
                    else:
                        numbers.append(number)
                    number += 1
            for line, width in sorted(r for r in refused if r[0] < number):
                yield RowProblem(line, Problem.of(
                    "ragged-row", "$", f"the row has {width} cells, the header {len(header)}"))
            refused[:] = [r for r in refused if r[0] >= number]
            columns, bad = decode_batch(pa, batch)
            if bad is not None:
                stop, problem = bad
                if stop:
                    yield numbers[:stop], [(u, c[:stop]) for u, c in columns]
                raise TableError(numbers[stop], (problem,))
            if n:
                yield numbers, columns
    except pa.ArrowInvalid as exc:
        raise UnparsedRowError(number, (Problem.of(
            "invalid-value", "$", f"not a CSV row ({exc})"),)) from None
    finally:
        if reader is not None:  # now, while the hook is there, not when collected
            reader.close()
    for line, width in sorted(refused):
        yield RowProblem(line, Problem.of(
            "ragged-row", "$", f"the row has {width} cells, the header {len(header)}"))


#: How many chunks the reading thread may hold ready (each a few MiB of codes).
AHEAD: Final = 2


def read_ahead(items: Iterator[_T], depth: int = AHEAD) -> Generator[_T]:
    """``items``, produced in a second thread up to ``depth`` ahead of the consumer.

    What the producer raises is raised here, in order; closing this generator early stops
    the producer (it finishes the item in hand and is joined).

    >>> list(read_ahead(iter(range(5))))
    [0, 1, 2, 3, 4]
    >>> def broken():
    ...     yield 1
    ...     raise ValueError("bad")
    >>> out = read_ahead(broken())
    >>> next(out)
    1
    >>> next(out)
    Traceback (most recent call last):
    ValueError: bad
    """
    ready: queue.Queue[tuple[bool, Any]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                if not _put(ready, stop, (True, item)):
                    return
        except BaseException as exc:  # handed to the consumer, raised there
            _put(ready, stop, (False, exc))
            return
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()
        _put(ready, stop, (False, None))

    worker = threading.Thread(target=produce, name="maturity-reader", daemon=True)
    worker.start()
    try:
        while True:
            more, value = ready.get()
            if more:
                yield value
            elif value is None:
                return
            else:
                raise value
    finally:
        stop.set()
        with contextlib.suppress(queue.Empty):
            while True:
                ready.get_nowait()
        worker.join()


def _put(ready: queue.Queue[tuple[bool, Any]], stop: threading.Event,
         item: tuple[bool, Any]) -> bool:
    """Hand ``item`` over unless the consumer has stopped; whether it was handed over."""
    while not stop.is_set():
        with contextlib.suppress(queue.Full):
            ready.put(item, timeout=0.05)
            return True
    return False
