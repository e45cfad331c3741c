"""The fast table readers, through pyarrow (extra ``arrow``): CSV and Parquet.

pyarrow parses a CSV block in C and dictionary-encodes every column on the way, so a
column arrives as its few distinct cells and an index per row: exactly what
:func:`~maturity_model._answer_cells.resolve_cells` takes. The readers yield what the
stdlib reader yields (a header, then factorised chunks and refused rows) and refuse what
it refuses: a bad header, ragged rows, bytes that are not UTF-8, a field over the csv
module's limit. Rows are named by their record number (the header is 1), which is the
line number unless the table has blank lines or cells spanning lines.
"""

from __future__ import annotations

import contextlib
import csv
import queue
import threading
from collections.abc import Generator, Iterator, Sequence
from pathlib import Path
from typing import Any, Final, TypeVar

import numpy as np

from maturity_model._answer_cells import IntArray
from maturity_model._arrow_arrays import arrow, indices
from maturity_model._table_read import (
    CsvChunk,
    RowProblem,
    TableError,
    check_header,
    csv_chunks,
)
from maturity_model.errors import MissingExtraError, Problem

#: The bytes pyarrow parses at a time, a chunk (about 7,000 rows of 335 answers). pyarrow
#: parses them serially (with its own threads it cannot number the rows it refuses), in a
#: thread of ours beside the scoring (:func:`read_ahead`).
BLOCK_BYTES = 8 << 20

Column = tuple[Sequence[Any], IntArray]
_T = TypeVar("_T")


def parquet() -> Any:
    """The pyarrow.parquet module, or :class:`MissingExtraError` naming the extra."""
    arrow()
    try:
        import pyarrow.parquet  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        raise MissingExtraError("pyarrow", "arrow") from None
    return pyarrow.parquet


def _header(path: Path) -> list[str]:
    """The header, checked by the stdlib reader (one line, so cheap)."""
    chunks: Generator[list[str] | CsvChunk | RowProblem] = csv_chunks(path, 1)
    try:
        header = next(chunks)
    finally:
        chunks.close()
    assert isinstance(header, list)
    return header


def _encoded(pa: Any, array: Any) -> tuple[list[Any], IntArray]:
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


def _decoded(uniques: list[Any], codes: IntArray, numbers: list[int],
             texts: dict[bytes, str | tuple[str, str]],
             ) -> tuple[list[Any], int | None, Problem | None]:
    """Bytes cells as text; the first row with a cell that is not UTF-8 or too large.

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
            worst = (row, Problem.of(cell[0], "$", f"line {numbers[row]}: {cell[1]}"))
    if worst is None:
        return out, None, None
    return out, worst[0], worst[1]


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
        list[str] | tuple[list[int], list[Column]] | RowProblem]:
    """The header, then ``(row numbers, columns)`` chunks and refused rows, in order.

    The blocks after the header are parsed in a second thread, a block ahead of the one
    being scored (pyarrow parses without Python's lock), so reading and scoring overlap.

    :raises TableError: a bad header, or a row that cannot be read on from.
    :raises MissingExtraError: pyarrow is not installed.
    """
    pa = arrow()
    header = _header(path)
    yield header
    yield from read_ahead(_csv_rows(pa, path, header))


def _csv_rows(pa: Any, path: Path, header: list[str]) -> Iterator[
        tuple[list[int], list[Column]] | RowProblem]:
    names = [f"c{k}" for k in range(len(header))]
    refused: list[tuple[int, int]] = []

    def ragged(row: Any) -> str:
        refused.append((int(row.number), int(row.actual_columns)))
        return "skip"

    cell_type = pa.binary()  # encoded column by column after parsing: cheaper
    reader = pa.csv.open_csv(
        path,
        read_options=pa.csv.ReadOptions(column_names=names, skip_rows=1, use_threads=False,
                                        block_size=BLOCK_BYTES),
        parse_options=pa.csv.ParseOptions(newlines_in_values=True,
                                          invalid_row_handler=ragged),
        convert_options=pa.csv.ConvertOptions(
            column_types=dict.fromkeys(names, cell_type), null_values=[],
            strings_can_be_null=False, quoted_strings_can_be_null=False))
    number = 2  # the record number of the next row (the header is 1)
    for batch in reader:
        n = batch.num_rows
        taken = sorted(r for r, _ in refused if r >= number)
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
        for line, width in sorted(refused):
            yield RowProblem(line, Problem.of(
                "ragged-row", "$", f"the row has {width} cells, the header {len(header)}"))
        refused.clear()
        columns: list[Column] = []
        stop: int | None = None
        problem: Problem | None = None
        known: dict[bytes, str | tuple[str, str]] = {}
        for k in range(len(names)):
            uniques, codes = _encoded(pa, batch.column(k))
            texts, bad_row, bad = _decoded(uniques, codes, numbers, known)
            columns.append((texts, codes))
            if bad_row is not None and (stop is None or bad_row < stop):
                stop, problem = bad_row, bad
        if stop is not None:
            assert problem is not None
            if stop:
                yield numbers[:stop], [(u, c[:stop]) for u, c in columns]
            raise TableError(numbers[stop], (problem,))
        if n:
            yield numbers, columns
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


def parquet_chunks(path: Path, chunk_rows: int) -> Iterator[
        list[str] | tuple[list[int], list[Column]]]:
    """The column names, then ``(row numbers, columns)`` chunks (rows count from 1).

    Text columns are read as dictionaries (Parquet stores them so, mostly: nothing to
    hash), in a second thread a chunk ahead of the consumer.

    :raises TableError: a blank or duplicated column name, or a file that is not Parquet.
    :raises MissingExtraError: pyarrow is not installed.
    """
    pa, pq = arrow(), parquet()
    try:
        source = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise TableError(1, (Problem.of("invalid-value", "$",
                                        f"not a Parquet file ({exc})"),)) from None
    header = [str(name) for name in source.schema_arrow.names]
    problems = check_header(header)
    if problems:
        raise TableError(1, tuple(problems))
    yield header
    source = pq.ParquetFile(path, read_dictionary=header)
    yield from read_ahead(_parquet_rows(pa, source, chunk_rows))


def _parquet_rows(pa: Any, source: Any, chunk_rows: int) -> Iterator[
        tuple[list[int], list[Column]]]:
    number = 1
    for batch in source.iter_batches(batch_size=chunk_rows):
        n = batch.num_rows
        columns: list[Column] = [_encoded(pa, batch.column(k)) for k in range(batch.num_columns)]
        yield list(range(number, number + n)), columns
        number += n
