"""Many assessments for ``maturity score``: files, folders, CSV and JSON-lines tables.

Inputs are read lazily and profiles are written as they are computed, so a table of a
million rows streams with bounded memory (except ``--format json``, which prints one
JSON array).
"""

from __future__ import annotations

import csv
import json
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import attrs
import numpy as np

from maturity_model._answer_cells import plain_cell, text_answer
from maturity_model._csv_cells import count_texts, csv_lines, csv_row, level_texts, number_texts
from maturity_model._reading import STDIN
from maturity_model._table_read import RowProblem, TableError, csv_chunks, json_lines
from maturity_model.errors import AssessmentValidationError, Problem, ValidationError
from maturity_model.evidence import Assessment
from maturity_model.model import MaturityModel
from maturity_model.profile import IDENTITY_COLUMNS, Profile

ASSESSMENT_SUFFIXES = (".yaml", ".yml", ".json", ".toml", ".csv", ".jsonl", ".ndjson",
                       ".xlsx", ".parquet")
#: Rows of a CSV table resolved and scored at once.
CHUNK_ROWS = 4096


class EmptyFolderError(Exception):
    """A folder on the command line holds no assessment file: a usage error (exit 2)."""


@attrs.frozen(kw_only=True)
class Header:
    """What each column of a table holds: the subject, the date, answers or observations."""

    subject: int | None
    date: int | None
    practices: tuple[tuple[int, str], ...]
    metrics: tuple[tuple[int, str], ...]
    unknown: tuple[tuple[int, str], ...]


def classify_header(header: list[str], model: MaturityModel,
                    metric_names: tuple[str, ...]) -> Header:
    """Sort a table's columns by what they hold; names match exactly, as in a file."""
    practices = {p.id for p in model.practices()}
    subject = date = None
    answers, metrics, unknown = [], [], []
    for k, name in enumerate(header):
        if name == "subject":
            subject = k
        elif name == "date":
            date = k
        elif name in practices:
            answers.append((k, name))
        elif name in metric_names:
            metrics.append((k, name))
        else:
            unknown.append((k, name))
    return Header(subject=subject, date=date, practices=tuple(answers),
                  metrics=tuple(metrics), unknown=tuple(unknown))


def _unknown_columns(path: Path, header: Header, model: MaturityModel, *,
                     strict: bool) -> AssessmentValidationError | None:
    """Columns that name no practice: an error for the table, or a warning and dropped."""
    problems = [Problem.of("unknown-practice", f"$.columns[{k}]",
                           f"model {model.id!r} has no practice or metric {name!r}"
                           + _separator_hint(name))
                for k, name in header.unknown]
    if not problems:
        return None
    if strict:
        return AssessmentValidationError(problems)
    for p in problems:
        print(f"maturity: warning: {path}:1: {p} (column ignored)", file=sys.stderr)
    return None


def _separator_hint(name: str) -> str:
    """Why a column name may hold a whole header: a table separated by ``;`` or tabs.

    >>> _separator_hint("subject;cm.vcs.1.1")
    " (the name holds ';': write the table with commas, as CSV)"
    """
    for separator in (";", "\t", "|"):
        if separator in name:
            return f" (the name holds {separator!r}: write the table with commas, as CSV)"
    return ""


def _metric_names(model: MaturityModel) -> tuple[str, ...]:
    from maturity_model import batch

    return batch.compile(model).metric_names


def _table_rows(path: Path, model: MaturityModel, items: Iterator[Any], *, strict: bool,
                ) -> Iterator[tuple[str, Assessment | ValidationError]]:
    """One assessment per row of a table read as ``items``.

    ``items`` is what the CSV and Parquet readers give: the header (a list of names), then
    problems of single rows and chunks of rows.
    """
    header: Header | None = None
    ordinal = 0
    try:
        for item in items:
            if isinstance(item, list):
                header = classify_header(item, model, _metric_names(model))
                refused = _unknown_columns(path, header, model, strict=strict)
                if refused is not None:
                    yield f"{path}:1", refused
                    return
                continue
            if isinstance(item, RowProblem):
                ordinal += 1
                yield f"{path}:{item.line}", AssessmentValidationError([item.problem])
                continue
            assert header is not None
            for line, row, cells in _chunk_rows(item):
                ordinal += 1
                yield f"{path}:{line}", _row_assessment(model, header, row, cells, ordinal)
    except TableError as exc:
        yield f"{path}:{exc.line}", AssessmentValidationError(exc.problems)
        return
    if ordinal == 0:
        yield str(path), _no_assessments()


def _chunk_rows(chunk: Any) -> Iterator[tuple[int, Sequence[str], dict[int, Any]]]:
    """``(line, row text, answers by column)`` of each row of a CSV or Parquet chunk."""
    if isinstance(chunk, tuple):  # Parquet: row numbers, and (values, codes) per column
        numbers, columns = chunk
        raw = [[*uniques, None] for uniques, _ in columns]
        codes = [c.tolist() for _, c in columns]
        for r, number in enumerate(numbers):
            values = [raw[k][codes[k][r]] for k in range(len(columns))]
            yield (number, tuple("" if v is None else str(v) for v in values),
                   {k: plain_cell(v) for k, v in enumerate(values)})
        return
    for line, row in zip(chunk.lines, chunk.rows, strict=True):  # CSV text
        yield line, row, {k: text_answer(row[k]) for k in range(len(row))}


def _csv_rows(path: Path, model: MaturityModel, *, strict: bool) -> Iterator[
        tuple[str, Assessment | ValidationError]]:
    """One assessment per row, built from the cells with :func:`text_answer`."""
    return _table_rows(path, model, csv_chunks(path, CHUNK_ROWS), strict=strict)


def _parquet_rows(path: Path, model: MaturityModel, *, strict: bool) -> Iterator[
        tuple[str, Assessment | ValidationError]]:
    """One assessment per row of a Parquet table, cells read as a CSV table's are."""
    from maturity_model._table_parquet import parquet_chunks

    return _table_rows(path, model, parquet_chunks(path, CHUNK_ROWS), strict=strict)


def _row_assessment(model: MaturityModel, header: Header, row: Sequence[str],
                    cells: dict[int, Any], ordinal: int) -> Assessment | ValidationError:
    """The assessment of one table row: ``row`` its text, ``cells`` its answers by column.

    An empty cell is unknown, so an empty metric cell is no observation.
    """
    from maturity_model.serialization import assessment_from_dict

    doc: dict[str, Any] = {
        "model": model.id, "subject": _subject(row, header, ordinal),
        "answers": {pid: cells[k] for k, pid in header.practices},
        "observations": {name: cells[k] for k, name in header.metrics
                         if cells[k] is not None}}
    if header.date is not None and row[header.date].strip():
        doc["date"] = row[header.date].strip()
    try:
        return assessment_from_dict(doc)
    except ValidationError as exc:
        return exc


def _subject(row: Sequence[str], header: Header, ordinal: int) -> str:
    text = row[header.subject].strip() if header.subject is not None else ""
    return text or f"row {ordinal}"


def _no_assessments() -> AssessmentValidationError:
    return AssessmentValidationError([Problem.of(
        "no-assessments", "$", "the table has a header but no rows")])


def _jsonl_rows(path: Path, model: MaturityModel) -> Iterator[
        tuple[str, Assessment | ValidationError]]:
    from maturity_model.serialization import assessment_from_dict

    seen = 0
    try:
        for number, doc in json_lines(path):
            seen += 1
            label = f"{path}:{number}"
            if isinstance(doc, Problem):
                yield label, AssessmentValidationError([doc])
                continue
            doc.setdefault("model", model.id)
            try:
                yield label, assessment_from_dict(doc)
            except ValidationError as exc:
                yield label, exc
    except TableError as exc:
        yield f"{path}:{exc.line}", AssessmentValidationError(exc.problems)
        return
    if seen == 0:
        yield str(path), AssessmentValidationError([Problem.of(
            "no-assessments", "$", "the file has no JSON lines")])


def xlsx_assessment(model: MaturityModel, path: str | Path) -> Assessment:
    """The assessment in a workbook: a form of ``maturity form``, else a SAMM toolbox."""
    from maturity_model.forms import is_form, read_form

    if is_form(path):
        return read_form(path, model)
    from maturity_model.formats import samm

    return samm.load_toolbox(path, model=model)


def _toolbox(path: Path, model: MaturityModel) -> Assessment | ValidationError:
    try:
        return xlsx_assessment(model, path)
    except ValidationError as exc:
        return exc


def _is_dsomm_progress(path: Path, model: MaturityModel) -> bool:
    from maturity_model.formats import detect, dsomm

    return model.id == dsomm.MODEL_ID and detect(path) == "dsomm-progress"


def _dsomm_progress(path: Path, model: MaturityModel) -> Iterator[
        tuple[str, Assessment | ValidationError]]:
    """The DSOMM app's team progress file: one assessment per team."""
    from maturity_model.formats import dsomm

    try:
        teams = dsomm.load_progress(path, model=model)
    except ValidationError as exc:
        yield str(path), exc
        return
    for team, assessment in teams.items():
        yield f"{path}[{team}]", assessment


def input_files(specs: list[str]) -> Iterator[Path]:
    """The files named on the command line, a folder's assessment files in name order.

    :raises FileNotFoundError: a path that does not exist.
    :raises EmptyFolderError: a folder without an assessment file.
    """
    for spec in specs:
        path = Path(spec)
        if spec == STDIN:  # standard input: one assessment document
            yield path
            continue
        if not path.exists():
            raise FileNotFoundError(spec)
        if path.is_dir():
            files = sorted(p for p in path.iterdir()
                           if p.is_file() and p.suffix.lower() in ASSESSMENT_SUFFIXES)
            if not files:
                raise EmptyFolderError(spec)
            yield from files
        else:
            yield path


def iter_assessments(specs: list[str], model: MaturityModel, *, strict: bool = True,
                     ) -> Iterator[tuple[str, Assessment | ValidationError]]:
    """Every assessment named on the command line, with a label saying where it came from.

    :raises FileNotFoundError: a path that does not exist.
    :raises EmptyFolderError: a folder without an assessment file.
    """
    from maturity_model.serialization import load_assessment

    for file in input_files(specs):
        suffix = file.suffix.lower()
        if suffix == ".csv":
            yield from _csv_rows(file, model, strict=strict)
        elif suffix in (".jsonl", ".ndjson"):
            yield from _jsonl_rows(file, model)
        elif suffix == ".xlsx":
            yield str(file), _toolbox(file, model)
        elif suffix == ".parquet":
            yield from _parquet_rows(file, model, strict=strict)
        elif str(file) != STDIN and _is_dsomm_progress(file, model):
            yield from _dsomm_progress(file, model)
        else:
            try:
                yield str(file), load_assessment(file)
            except ValidationError as exc:
                yield str(file), exc


class Progress:
    """A one-line counter on stderr, shown only on a terminal and not with ``--quiet``."""

    def __init__(self, *, quiet: bool) -> None:
        self.enabled = not quiet and sys.stderr.isatty()
        self.count = 0
        self.failed = 0
        self.started = time.monotonic()
        self._last = 0.0

    def step(self, *, failed: bool = False, count: int = 1) -> None:
        self.count += count
        self.failed += failed * count
        now = time.monotonic()
        if self.enabled and now - self._last > 0.1:
            self._last = now
            rate = self.count / max(now - self.started, 1e-9)
            sys.stderr.write(f"\rscored {self.count} ({self.failed} failed), {rate:,.0f}/s ")
            sys.stderr.flush()

    def close(self) -> None:
        if self.enabled and self.count:
            sys.stderr.write("\n")


CSV_COLUMNS = ("subject", "node_id", "kind", "name", "level", "score", "met", "partial",
               "not_met", "na", "unknown", *IDENTITY_COLUMNS[1:])


class StreamWriter:
    """Writes profiles in a streaming format: ``csv`` (one row per node) or ``jsonl``.

    :param csv_safe: give CSV text cells that a spreadsheet would run as a formula a
        leading ``'`` (see :mod:`maturity_model._csv_cells`).
    """

    def __init__(self, out: IO[str], fmt: str, *, csv_safe: bool = True) -> None:
        self.fmt = fmt
        self.out = out
        self.safe = csv_safe
        self._csv = csv.writer(out, lineterminator="\n") if fmt == "csv" else None
        self._header = self._csv is not None  # written before the first row
        self._nodes: list[str] = []  # node id, kind, name: a CSV fragment per node

    def _start(self) -> None:
        if self._header and self._csv is not None:
            self._csv.writerow(CSV_COLUMNS)
            self._header = False

    def write(self, profile: Profile) -> None:
        if self._csv is None:
            from maturity_model.serialization import profile_to_dict

            self.out.write(json.dumps(profile_to_dict(profile), ensure_ascii=False,
                                      allow_nan=False, separators=(",", ":")) + "\n")
            return
        self._start()
        identity = list(profile.identity().values())[1:]
        for r in profile:
            c = r.counts
            self._csv.writerow(csv_row([profile.subject, r.node_id, r.kind, r.name, r.level,
                                        r.score, c.met, c.partial, c.not_met, c.na,
                                        c.unknown, *identity], safe=self.safe))

    def write_scored(self, scored: Any) -> None:
        """CSV rows of a scored chunk, as :meth:`write` gives for each profile.

        The rows are read straight from the result's arrays (no profile, no record dicts).
        """
        assert self._csv is not None
        self._start()
        result = scored.result
        if not self._nodes:
            info = result.compiled._info
            self._nodes = csv_lines([(node, info[k][0], info[k][1])
                                     for k, node in enumerate(result.node_ids)],
                                    safe=self.safe)
        rows = np.asarray(scored.rows, dtype=np.intp)
        levels = result.levels[rows]
        # the text cells go through csv_row and the csv writer as fragments; the numbers
        # between them are turned into text once per distinct value (a score is shown
        # only where the node has a level)
        scores = result.scores[rows]
        score_texts = number_texts(np.where(levels < 0, np.nan, scores))
        score_texts[(levels >= 0) & np.isnan(scores)] = "nan"  # as the csv module writes it
        cells = (level_texts(levels) + "," + score_texts + ","
                 + count_texts(result.counts[rows]))
        heads = csv_lines([(s, "") for s in scored.subjects], safe=self.safe)
        tails = csv_lines([("" if d is None else d.isoformat(), result.compiled.model.id,
                            result.compiled.model.version) for d in scored.dates],
                          safe=self.safe)
        self.out.write("".join([
            f"{head}{node},{cell},{tail}\n"
            for head, tail, row in zip(heads, tails, cells.tolist(), strict=True)
            for node, cell in zip(self._nodes, row, strict=True)]))
