"""Score tables column by column: what ``maturity score MODEL answers.csv`` runs.

A CSV table is read a chunk of rows at a time; each practice column of the chunk is
factorised and resolved with :func:`~maturity_model._answer_cells.resolve_cells` (the
meaning of a cell, written once), and the chunk is scored by the batch engine in one call.
A row with a bad cell is reported and left out; the others are scored. Assessment files
and JSON lines go through :func:`~maturity_model.batch.score_stream`. Both give what
:func:`~maturity_model.score` gives for each row, to the bit.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Generator, Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from maturity_model._answer_cells import IntArray, factorize_rows, resolve_observations
from maturity_model._answer_table import resolve_columns
from maturity_model._batch_kernel import judge_metrics
from maturity_model._cli_batch import (
    CHUNK_ROWS,
    Header,
    _no_assessments,
    _unknown_columns,
    classify_header,
    input_files,
    iter_assessments,
)
from maturity_model._table_read import CsvChunk, RowProblem, TableError, csv_chunks
from maturity_model.batch import BatchResult, CompiledModel, ScoredRow, score_stream
from maturity_model.errors import Problem, ValidationError
from maturity_model.evidence import answer_path

#: The rows of a chunk read from Parquet: its columns come dictionary-encoded, so a larger
#: chunk costs little memory more and saves a Python call per column and chunk.
PARQUET_ROWS = 4 * CHUNK_ROWS


@attrs.frozen
class Failure:
    """An assessment (or a whole table) that could not be scored, and why."""

    label: str
    problems: tuple[Problem, ...]


@attrs.frozen
class Scored:
    """Rows ``rows`` of ``result``, with their subjects and dates."""

    result: BatchResult
    rows: Sequence[int]
    subjects: Sequence[str]
    dates: Sequence[datetime.date | None]


@attrs.frozen
class Columns:
    """Rows of a table, column by column, each column factorised.

    :param lines: the line (or row) number each row is named by.
    :param columns: per header position, the distinct cells and each row's code into
        them (-1: a missing cell).
    """

    lines: Sequence[int]
    columns: Sequence[tuple[Sequence[Any], IntArray]]


def text_columns(chunk: CsvChunk) -> Columns:
    """A chunk of the stdlib reader, factorised column by column."""
    return Columns(chunk.lines, factorize_rows(chunk.rows, len(chunk.rows[0])))


def _chunk_input(compiled: CompiledModel, header: Header, chunk: Columns, path: Path,
                 first: int, *, counts: bool) -> tuple[Scored | None, list[Failure]]:
    plan = compiled._plan
    model = plan.model
    n = len(chunk.lines)
    index = {pid: j for j, pid in enumerate(plan.practice_ids)}
    answers = resolve_columns(
        model, [model.practice(pid) for pid in plan.practice_ids], n,
        [(index[pid], chunk.columns[k]) for k, pid in header.practices],
        [answer_path(pid) for pid in plan.practice_ids])
    values, na, empty = answers.values, answers.na, answers.empty
    bad = answers.problems
    observations = np.full((n, len(plan.metric_names)), np.nan)
    for k, name in header.metrics:
        uniques, codes = chunk.columns[k]
        observed, invalid, problems = resolve_observations(
            uniques, codes, f"$.observations[{name!r}]")
        observations[:, plan.metric_names.index(name)] = observed
        for row in np.flatnonzero(invalid).tolist():
            bad.setdefault(row, []).append(problems[int(codes[row])])
    dates = _dates(chunk.columns[header.date] if header.date is not None else None, n, bad)
    judge_metrics(plan, values, observations, empty & ~na)
    subjects = _texts(chunk.columns[header.subject], n) if header.subject is not None else (
        [""] * n)
    subjects = [s or f"row {first + r}" for r, s in enumerate(subjects)]
    failures = [Failure(f"{path}:{chunk.lines[r]}", tuple(bad[r])) for r in sorted(bad)]
    if not bad:
        result = compiled.score(values, na, observations, coverage=False, counts=counts)
        return Scored(result, range(n), subjects, dates), failures
    keep: NDArray[np.intp] = np.setdiff1d(np.arange(n), np.fromiter(bad, np.intp, len(bad)))
    if not len(keep):
        return None, failures
    result = compiled.score(values[keep], na[keep], observations[keep], coverage=False,
                            counts=counts)
    kept = keep.tolist()
    return Scored(result, range(len(kept)), [subjects[r] for r in kept],
                  [dates[r] for r in kept]), failures


def _texts(column: tuple[Sequence[Any], IntArray], n: int) -> list[str]:
    uniques, codes = column
    table = [("" if u is None else str(u)).strip() for u in uniques] + [""]
    return [table[c] for c in codes.tolist()] if n else []


def _dates(column: tuple[Sequence[Any], IntArray] | None, n: int,
           bad: dict[int, list[Problem]]) -> list[datetime.date | None]:
    if column is None:
        return [None] * n
    uniques, codes = column
    parsed: list[datetime.date | Problem | None] = []
    for cell in uniques:
        text = "" if cell is None else str(cell).strip()
        try:
            parsed.append(datetime.date.fromisoformat(text) if text else None)
        except ValueError:
            parsed.append(Problem.of("invalid-value", "$.date",
                                     f"{text!r} is not a date (YYYY-MM-DD)"))
    parsed.append(None)
    out: list[datetime.date | None] = []
    for row, code in enumerate(codes.tolist()):
        value = parsed[code]
        if isinstance(value, Problem):
            bad.setdefault(row, []).append(value)
            out.append(None)
        else:
            out.append(value)
    return out


def _chunks(path: Path, reader: str) -> Generator[list[str] | Columns | RowProblem]:
    """The header, then factorised chunks and refused rows, from the reader for ``path``."""
    suffix = path.suffix.lower()
    if suffix == ".parquet" or reader == "arrow":
        from maturity_model._table_arrow import arrow_csv_chunks
        from maturity_model._table_parquet import parquet_chunks

        items = (parquet_chunks(path, PARQUET_ROWS) if suffix == ".parquet"
                 else arrow_csv_chunks(path, CHUNK_ROWS))
        for item in items:
            yield Columns(*item) if isinstance(item, tuple) else item
        return
    for text in csv_chunks(path, CHUNK_ROWS):
        yield text_columns(text) if isinstance(text, CsvChunk) else text


def _table(compiled: CompiledModel, path: Path, *, strict: bool, reader: str, counts: bool,
           ) -> Iterator[Scored | Failure]:
    header: Header | None = None
    ordinal = 0
    chunks = _chunks(path, reader)
    try:
        for item in chunks:
            if isinstance(item, list):
                header = classify_header(item, compiled.model, compiled.metric_names)
                refused = _unknown_columns(path, header, compiled.model, strict=strict)
                if refused is not None:
                    yield Failure(f"{path}:1", refused.problems)
                    return
            elif isinstance(item, RowProblem):
                ordinal += 1
                yield Failure(f"{path}:{item.line}", (item.problem,))
            else:
                assert header is not None
                scored, failures = _chunk_input(compiled, header, item, path, ordinal + 1,
                                                counts=counts)
                ordinal += len(item.lines)
                yield from failures
                if scored is not None:
                    yield scored
    except TableError as exc:
        yield Failure(f"{path}:{exc.line}", exc.problems)
        return
    finally:
        chunks.close()  # now: its reading thread stops, whatever ended the reading
    if ordinal == 0:
        yield Failure(str(path), _no_assessments().problems)


def _inspected(items: Iterator[tuple[str, Any]],
               inspect: Callable[[str, Any], None]) -> Iterator[tuple[str, Any]]:
    for label, item in items:
        inspect(label, item)
        yield label, item


def score_inputs(specs: list[str], compiled: CompiledModel, *, strict: bool,
                 reader: str = "stdlib", counts: bool = True,
                 inspect: Callable[[str, Any], None] | None = None,
                 ) -> Iterator[Scored | Failure]:
    """Score every assessment named on the command line, in order.

    :param reader: ``"stdlib"`` reads CSV tables with the csv module, ``"arrow"`` with
        pyarrow (the same results, several times faster); Parquet always needs pyarrow.
    :param counts: compute the answer counts of every node (the long CSV shows them).
    :param inspect: called with the label and the assessment (or its error) of every input
        that is not a table, before it is scored (the command line shows the answers
        ``--lenient`` drops).

    :raises FileNotFoundError: a path that does not exist.
    :raises EmptyFolderError: a folder without an assessment file.
    """
    for file in input_files(specs):
        if file.suffix.lower() in (".csv", ".parquet"):
            yield from _table(compiled, file, strict=strict, reader=reader, counts=counts)
            continue
        items = iter_assessments([str(file)], compiled.model, strict=strict)
        if inspect is not None:
            items = _inspected(items, inspect)
        stream = score_stream(compiled, items, strict=strict, counts=counts)
        for label, outcome in stream:
            if isinstance(outcome, ScoredRow):
                a = outcome.assessment
                yield Scored(outcome.result, [outcome.index], [a.subject], [a.date])
            elif isinstance(outcome, ValidationError):
                yield Failure(label, outcome.problems)
