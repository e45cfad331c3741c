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
from collections.abc import Iterator, Sequence
from pathlib import Path

import attrs
import numpy as np
from numpy.typing import NDArray

from maturity_model._answer_cells import factorize_text, resolve_cells, resolve_observations
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


def _chunk_input(compiled: CompiledModel, header: Header, chunk: CsvChunk, path: Path,
                 first: int) -> tuple[Scored | None, list[Failure]]:
    plan = compiled._plan
    model = plan.model
    n = len(chunk.rows)
    columns = list(zip(*chunk.rows, strict=True))
    values = np.full((n, plan.n_practices), np.nan)
    na = np.zeros(values.shape, dtype=np.bool_)
    empty = np.ones(values.shape, dtype=np.bool_)
    observations = np.full((n, len(plan.metric_names)), np.nan)
    bad: dict[int, list[Problem]] = {}
    index = {pid: j for j, pid in enumerate(plan.practice_ids)}
    for k, pid in header.practices:
        uniques, codes = factorize_text(columns[k])
        cells = resolve_cells(model, model.practice(pid), uniques, codes, answer_path(pid))
        j = index[pid]
        values[:, j] = cells.values
        na[:, j] = cells.na
        empty[:, j] = cells.empty
        for row in np.flatnonzero(cells.invalid).tolist():
            bad.setdefault(row, []).append(cells.row_problem(row))
    for k, name in header.metrics:
        uniques, codes = factorize_text(columns[k])
        observed, invalid, problems = resolve_observations(
            uniques, codes, f"$.observations[{name!r}]")
        observations[:, plan.metric_names.index(name)] = observed
        for row in np.flatnonzero(invalid).tolist():
            bad.setdefault(row, []).append(problems[int(codes[row])])
    dates = _dates(columns[header.date] if header.date is not None else None, n, bad)
    judge_metrics(plan, values, observations, empty & ~na)
    subjects = ([c.strip() for c in columns[header.subject]] if header.subject is not None
                else [""] * n)
    subjects = [s or f"row {first + r}" for r, s in enumerate(subjects)]
    failures = [Failure(f"{path}:{chunk.lines[r]}", tuple(bad[r])) for r in sorted(bad)]
    keep: NDArray[np.intp] = np.setdiff1d(np.arange(n), np.fromiter(bad, np.intp, len(bad)))
    if not len(keep):
        return None, failures
    result = compiled.score(values[keep], na[keep], observations[keep], coverage=False,
                            counts=True)
    kept = keep.tolist()
    return Scored(result, range(len(kept)), [subjects[r] for r in kept],
                  [dates[r] for r in kept]), failures


def _dates(cells: Sequence[str] | None, n: int,
           bad: dict[int, list[Problem]]) -> list[datetime.date | None]:
    if cells is None:
        return [None] * n
    parsed: dict[str, datetime.date | Problem | None] = {}
    out: list[datetime.date | None] = []
    for row, cell in enumerate(cells):
        if cell not in parsed:
            text = cell.strip()
            try:
                parsed[cell] = datetime.date.fromisoformat(text) if text else None
            except ValueError:
                parsed[cell] = Problem.error("invalid-value", "$.date",
                                             f"{text!r} is not a date (YYYY-MM-DD)")
        value = parsed[cell]
        if isinstance(value, Problem):
            bad.setdefault(row, []).append(value)
            out.append(None)
        else:
            out.append(value)
    return out


def _csv_table(compiled: CompiledModel, path: Path, *, strict: bool,
               ) -> Iterator[Scored | Failure]:
    header: Header | None = None
    ordinal = 0
    try:
        for item in csv_chunks(path, CHUNK_ROWS):
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
                scored, failures = _chunk_input(compiled, header, item, path, ordinal + 1)
                ordinal += len(item.rows)
                yield from failures
                if scored is not None:
                    yield scored
    except TableError as exc:
        yield Failure(f"{path}:{exc.line}", exc.problems)
        return
    if ordinal == 0:
        yield Failure(str(path), _no_assessments().problems)


def score_inputs(specs: list[str], compiled: CompiledModel, *, strict: bool,
                 ) -> Iterator[Scored | Failure]:
    """Score every assessment named on the command line, in order.

    :raises FileNotFoundError: a path that does not exist.
    :raises EmptyFolderError: a folder without an assessment file.
    """
    for file in input_files(specs):
        if file.suffix.lower() == ".csv":
            yield from _csv_table(compiled, file, strict=strict)
            continue
        stream = score_stream(compiled, iter_assessments([str(file)], compiled.model,
                                                         strict=strict),
                              strict=strict, counts=True)
        for label, outcome in stream:
            if isinstance(outcome, ScoredRow):
                a = outcome.assessment
                yield Scored(outcome.result, [outcome.index], [a.subject], [a.date])
            elif isinstance(outcome, ValidationError):
                yield Failure(label, outcome.problems)
