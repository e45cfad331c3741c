"""Reading Parquet tables through pyarrow (extra ``arrow``), as the CSV readers read.

A column arrives dictionary-encoded (its few distinct cells and an index per row), in a
second thread a chunk ahead of the consumer (:func:`~maturity_model._table_arrow.read_ahead`).
Bytes cells are text as in a CSV table; a column of lists, maps or structs, and a page that
cannot be read, are the file's problems, never a traceback.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs

from maturity_model._arrow_arrays import arrow
from maturity_model._table_arrow import Column, decode_batch, read_ahead
from maturity_model._table_read import TableError, check_header
from maturity_model.errors import MissingExtraError, Problem

__all__ = ["parquet", "parquet_chunks"]


def parquet() -> Any:
    """The pyarrow.parquet module, or :class:`MissingExtraError` naming the extra."""
    arrow()
    try:
        import pyarrow.parquet  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        raise MissingExtraError("pyarrow", "arrow") from None
    return pyarrow.parquet


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
    problems += [Problem.of("invalid-value", f"$.columns[{k}]", f"column {header[k]!r} "
                            f"holds {field.type}, not cells: a cell is a text, a number, "
                            "a boolean or a date")
                 for k, field in enumerate(source.schema_arrow)
                 if pa.types.is_nested(field.type)]
    if problems:
        raise TableError(1, tuple(problems))
    yield header
    source = pq.ParquetFile(path, read_dictionary=header)
    yield from read_ahead(_parquet_rows(pa, source, chunk_rows))


def _parquet_rows(pa: Any, source: Any, chunk_rows: int) -> Iterator[
        tuple[list[int], list[Column]]]:
    """Chunks of rows; a bytes cell is text as in a CSV table (UTF-8, within the limit)."""
    number = 1
    batches = source.iter_batches(batch_size=chunk_rows)
    while True:
        try:
            batch = next(batches, None)
        except (pa.ArrowInvalid, OSError) as exc:  # a damaged page
            raise TableError(number, (Problem.of(
                "invalid-value", "$", f"the Parquet file cannot be read on from row "
                f"{number} ({exc})"),)) from None
        if batch is None:
            return
        n = batch.num_rows
        numbers = list(range(number, number + n))
        columns, stop = decode_batch(pa, batch, _day)
        if stop is not None:
            if stop[0]:
                yield numbers[:stop[0]], [(u, c[:stop[0]]) for u, c in columns]
            raise TableError(numbers[stop[0]], (attrs.evolve(
                stop[1], message=f"row {numbers[stop[0]]}: {stop[1].message}"),))
        yield numbers, columns
        number += n


def _day(cell: Any) -> Any:
    """A timestamp at midnight without a time zone as its date (pandas writes dates so).

    >>> _day(datetime.datetime(2026, 1, 2)), _day(datetime.datetime(2026, 1, 2, 10, 30))
    (datetime.date(2026, 1, 2), datetime.datetime(2026, 1, 2, 10, 30))
    """
    if (isinstance(cell, datetime.datetime) and cell.tzinfo is None
            and cell.time() == datetime.time()):
        return cell.date()
    return cell
