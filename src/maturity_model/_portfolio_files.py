"""Portfolio files: a CSV table or a ``maturity-portfolio/1`` document (YAML, JSON, TOML).

Both forms hold the same certificates. A CSV file has one row per certificate under a
header naming the fields (``subject, project, model, model_version, level, grade, date,
issuer, expires``); any other column is a tag (``kind`` or ``tags.kind``). A document
is::

    format: maturity-portfolio/1
    certificates:
      - {subject: citic, project: ipdo, model: caict-devops-cd, model_version: "2021",
         level: 3, grade: Comprehensive, date: 2019-06-01, issuer: CAICT,
         tags: {kind: joint-stock-bank}}

Reading is bounded (:mod:`maturity_model._reading`); every problem of every row is listed
at ``$.certificates[i].FIELD`` (CSV problems also name the line), and nothing is
half-loaded.
"""

from __future__ import annotations

import csv
import datetime
import difflib
import io
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final, Literal

from maturity_model._certificate import (
    CERTIFICATE_FIELDS,
    COUNT_FIELDS,
    Certificate,
    certificate_problems,
    parse_date,
)
from maturity_model._converter import type_name
from maturity_model._csv_cells import csv_row
from maturity_model._documents import as_kind, dumps_document, take_format
from maturity_model._reading import (
    DEFAULT_LIMITS,
    Limits,
    decode_text,
    format_of,
    parse_text,
    read_bounded,
)
from maturity_model._writing import write_atomic
from maturity_model.errors import PortfolioValidationError, Problem, shown

__all__ = [
    "PORTFOLIO_FORMAT",
    "PortfolioFormat",
    "certificates_from_csv",
    "certificates_from_document",
    "duplicate_problems",
    "portfolio_csv",
    "portfolio_document",
    "read_certificates",
    "write_certificates",
]

PORTFOLIO_FORMAT: Final = "maturity-portfolio/1"
#: The forms a portfolio file takes.
PortfolioFormat = Literal["csv", "yaml", "json", "toml"]
#: The prefix of a CSV column that holds a tag (``tags.kind``).
TAG_COLUMN: Final = "tags."
_REQUIRED: Final = ("subject", "model", "level", "date", "issuer")
_SCALARS: Final = tuple(f for f in CERTIFICATE_FIELDS if f != "tags")


def _at(row: str, problems: Iterable[Problem], line: int | None = None) -> list[Problem]:
    """Problems of one certificate moved under ``row`` (``$.level`` → ``row.level``)."""
    where = f" (line {line})" if line is not None else ""
    return [Problem.of(p.code, row + p.path[1:], p.message + where) for p in problems]


def _built(values: dict[str, Any], row: str, line: int | None = None
           ) -> Certificate | list[Problem]:
    problems = certificate_problems(values)
    if problems:
        return _at(row, problems, line)
    return Certificate(**values)


def duplicate_problems(certificates: Sequence[Certificate],
                       paths: Sequence[str]) -> list[Problem]:
    """A ``duplicate-id`` problem for each certificate that repeats an earlier one.

    Two certificates repeat each other when they share subject, project, part and date.

    >>> a = Certificate(subject="s", model="m", level=2, issuer="i", date="2020-01-01")
    >>> [str(p) for p in duplicate_problems([a, a], ["$[0]", "$[1]"])]
    ... # doctest: +NORMALIZE_WHITESPACE
    ["$[1]: a second certificate of 's' for part 'm' on 2020-01-01 ($[0] is the first)
      [duplicate-id]"]
    """
    seen: dict[tuple[str, str | None, str, datetime.date], str] = {}
    problems = []
    for certificate, path in zip(certificates, paths, strict=True):
        c = certificate
        first = seen.setdefault((c.subject, c.project, c.part, c.date), path)
        if first != path:
            project = f" (project {shown(c.project)})" if c.project is not None else ""
            problems.append(Problem.of(
                "duplicate-id", path, f"a second certificate of {shown(c.subject)}{project} "
                f"for part {shown(c.part)} on {c.date} ({first} is the first)"))
    return problems


def _checked(built: Sequence[Certificate | list[Problem]], paths: Sequence[str]
             ) -> tuple[Certificate, ...]:
    problems = [p for b in built if isinstance(b, list) for p in b]
    if problems:
        raise PortfolioValidationError(problems)
    certificates = tuple(b for b in built if isinstance(b, Certificate))
    duplicates = duplicate_problems(certificates, paths)
    if duplicates:
        raise PortfolioValidationError(duplicates)
    return certificates


# --------------------------------------------------------------------------- documents


def _entry_values(entry: Mapping[Any, Any], row: str) -> dict[str, Any] | list[Problem]:
    unknown = [Problem.of("unknown-field", f"{row}.{k}" if isinstance(k, str) else
                          f"{row}[{shown(k)}]", f"unknown field {shown(k)} (a certificate "
                          f"has {', '.join(CERTIFICATE_FIELDS)})")
               for k in entry if k not in CERTIFICATE_FIELDS]
    if unknown:
        return unknown
    values = dict(entry)
    for name in ("date", "expires"):
        if isinstance(values.get(name), str):
            values[name] = parse_date(values[name]) or values[name]
    if values.get("model_version") is None:
        values["model_version"] = ""
    if values.get("grade") is None:
        values["grade"] = ""
    tags = values.get("tags")
    if isinstance(tags, Mapping):
        # A YAML tag of 2024 or 1.5 is read as a number; it is meant as text.
        values["tags"] = {k: str(v) if isinstance(v, int | float) and not isinstance(
            v, bool) else v for k, v in tags.items()}
    return values


def certificates_from_document(doc: Any, *, limits: Limits = DEFAULT_LIMITS
                               ) -> tuple[Certificate, ...]:
    """The certificates of a parsed ``maturity-portfolio/1`` document (or a bare list).

    ``format`` may be left out; a document that is a list is read as its
    ``certificates``.

    :raises PortfolioValidationError: every problem, at ``$.certificates[i].FIELD``.

    >>> doc = {"format": "maturity-portfolio/1", "certificates": [
    ...     {"subject": "s", "model": "m", "level": 2, "date": "2020-01-01", "issuer": "i"},
    ...     {"subject": "s", "model": "m", "level": "two", "date": "2021-13-01", "issuer": "i"}]}
    >>> try:
    ...     certificates_from_document(doc)
    ... except PortfolioValidationError as exc:
    ...     [p.path for p in exc.problems]
    ['$.certificates[1].level', '$.certificates[1].date']
    """
    if isinstance(doc, list):  # a bare list of certificates is the list of a document
        doc = {"certificates": doc}
    body = take_format(doc, PORTFOLIO_FORMAT, PortfolioValidationError, limits)
    problems = [Problem.of("unknown-field", f"$.{k}" if isinstance(k, str) else
                           f"$[{shown(k)}]", f"unknown field {shown(k)} (a portfolio has "
                           "format and certificates)") for k in body if k != "certificates"]
    entries = body.get("certificates")
    if not isinstance(entries, list):
        problems.append(Problem.of("invalid-value", "$.certificates", "certificates must "
                                   f"be a list of certificates, not {type_name(entries)}"))
        raise PortfolioValidationError(problems)
    built: list[Certificate | list[Problem]] = [problems]
    paths = []
    for index, entry in enumerate(entries):
        row = f"$.certificates[{index}]"
        paths.append(row)
        if not isinstance(entry, Mapping):
            built.append([Problem.of("invalid-value", row, "a certificate must be a "
                                     f"mapping, not {type_name(entry)}")])
            continue
        values = _entry_values(entry, row)
        built.append(values if isinstance(values, list) else _built(values, row))
    return _checked(built, paths)


# --------------------------------------------------------------------------- CSV


def _decoded_csv(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise PortfolioValidationError([Problem.of(
            "bad-encoding", "$", f"line {line} is not UTF-8 (byte {exc.start + 1})")]) from None


def _tag_of(column: str) -> str | None:
    """The tag a column holds (``tags.kind`` and ``kind`` hold ``kind``); ``None``: a field."""
    if column in _SCALARS:
        return None
    return column[len(TAG_COLUMN):].strip() if column.startswith(TAG_COLUMN) else column


def _column_problem(column: str, path: str) -> Problem | None:
    """Why a column that is no field cannot be a tag either, or ``None``."""
    tag = _tag_of(column)
    listed = f"columns: {', '.join(_SCALARS)}; any other column is a tag"
    if not tag or tag == "tags":
        return Problem.of("unknown-field", path, f"column {shown(column)} names no field "
                          f"and no tag ({listed}; line 1)")
    if tag in COUNT_FIELDS and not column.startswith(TAG_COLUMN):
        return Problem.of("unknown-field", path, f"column {shown(column)}: {tag} is read "
                          f"from {'date' if tag == 'year' else 'model'}, a tag cannot have "
                          "its name (line 1)")
    close = difflib.get_close_matches(column, _SCALARS, n=1, cutoff=0.8)
    if close and not column.startswith(TAG_COLUMN):
        return Problem.of("unknown-field", path, f"unknown column {shown(column)}: did you "
                          f"mean {shown(close[0])}? (name it {TAG_COLUMN}{column} to keep it "
                          "as a tag; line 1)")
    return None


def _header_problems(header: list[str]) -> list[Problem]:
    problems = []
    seen: dict[tuple[str, str], int] = {}
    for index, name in enumerate(header):
        path = f"$.columns[{index}]"
        if not name:
            problems.append(Problem.of("blank-header", path, f"column {index + 1} has no "
                                       "name (line 1)"))
            continue
        tag = _tag_of(name)
        key = ("field", name) if tag is None else ("tag", tag)
        if key in seen:
            problems.append(Problem.of("duplicate-id", path, f"column {shown(name)} is "
                                       f"named again (column {seen[key] + 1}; line 1)"))
            continue
        seen[key] = index
        if tag is not None and (problem := _column_problem(name, path)) is not None:
            problems.append(problem)
    problems += [Problem.of("invalid-value", "$.columns", f"the column {shown(name)} is "
                            "missing (line 1)") for name in _REQUIRED
                 if ("field", name) not in seen]
    return problems


def _cell_value(name: str, cell: str) -> Any:
    if name == "level":
        return int(cell) if cell.isascii() and cell.isdigit() else cell
    if name in ("date", "expires"):
        return parse_date(cell) or cell if cell else None
    if name == "project":
        return cell or None
    return cell


def _row_values(header: list[str], cells: list[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    tags: dict[str, str] = {}
    for name, raw in zip(header, cells, strict=True):
        cell = raw.strip()
        tag = _tag_of(name)
        if tag is None:
            values[name] = _cell_value(name, cell)
        elif cell:
            tags[tag] = cell
    values["tags"] = tags
    return values


def certificates_from_csv(text: str) -> tuple[Certificate, ...]:
    r"""The certificates of a CSV table (a header row, then one row per certificate).

    A column that is not a field is a tag (``kind``, or ``tags.kind`` as written by
    :func:`portfolio_csv`); a column named almost like a field (``expries``) is refused as
    a likely typo unless it is written ``tags.expries``. Cells are trimmed; an empty
    ``project``, ``model_version``, ``grade``, ``expires`` or tag cell means the
    certificate has none. Blank lines are skipped.

    :raises PortfolioValidationError: every problem; a row's problems are at
        ``$.certificates[i].FIELD`` and name the line, the header's at ``$.columns[j]``.

    >>> text = ("subject,model,level,date,issuer,kind\n"
    ...         "citic,caict-devops-cd,3,2019-06-01,CAICT,joint-stock-bank\n")
    >>> [(c.subject, c.level, c.tags["kind"]) for c in certificates_from_csv(text)]
    [('citic', 3, 'joint-stock-bank')]
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, list[str]]] = []
    try:
        start = 1
        for cells in reader:
            rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise PortfolioValidationError([Problem.of(
            "invalid-value", "$", f"not valid CSV at line {reader.line_num}: {exc}")]) from None
    if not rows or not any(cell.strip() for cell in rows[0][1]):
        raise PortfolioValidationError([Problem.of(
            "invalid-value", "$", "the table has no header row (line 1)")])
    header = [cell.strip() for cell in rows[0][1]]
    problems = _header_problems(header)
    if problems:
        raise PortfolioValidationError(problems)
    built: list[Certificate | list[Problem]] = []
    paths: list[str] = []
    for line, cells in rows[1:]:
        if not any(cell.strip() for cell in cells):
            continue
        row = f"$.certificates[{len(paths)}]"
        paths.append(row)
        if len(cells) != len(header):
            built.append([Problem.of("ragged-row", row, f"the row has {len(cells)} cells, "
                                     f"the header {len(header)} (line {line})")])
            continue
        built.append(_built(_row_values(header, cells), row, line))
    return _checked(built, paths)


# --------------------------------------------------------------------------- files


def _is_csv(path: str | os.PathLike[str], file_format: PortfolioFormat | None) -> bool:
    if file_format is not None:
        return file_format == "csv"
    return Path(path).suffix.lower() == ".csv"


def read_certificates(path: str | os.PathLike[str], *, file_format: PortfolioFormat | None = None,
                      limits: Limits = DEFAULT_LIMITS) -> tuple[Certificate, ...]:
    """The certificates of a portfolio file, all or none.

    A CSV table by suffix (or ``file_format="csv"``), else a YAML, JSON or TOML document.

    :raises OSError: the file cannot be read.
    :raises PortfolioValidationError: the file is too large, not UTF-8, not well formed,
        or has bad rows (every problem listed).
    """
    def build() -> tuple[Certificate, ...]:
        data = read_bounded(path, limits)
        if _is_csv(path, file_format):
            return certificates_from_csv(_decoded_csv(data))
        fmt = None if file_format == "csv" else file_format
        doc = parse_text(decode_text(data), format_of(path, fmt), limits=limits)
        return certificates_from_document(doc, limits=limits)

    return as_kind(PortfolioValidationError, build)


def _document_entry(certificate: Certificate) -> dict[str, Any]:
    record = certificate.to_record()
    entry: dict[str, Any] = {}
    for name in CERTIFICATE_FIELDS:
        value = record[name]
        if value is None or value in ("", {}):
            continue
        entry[name] = value.isoformat() if isinstance(value, datetime.date) else value
    return entry


def portfolio_document(certificates: Iterable[Certificate]) -> dict[str, Any]:
    """The ``maturity-portfolio/1`` document of certificates.

    Dates are ISO texts; empty fields are left out.

    >>> c = Certificate(subject="s", model="m", level=2, issuer="i", date="2020-01-01")
    >>> portfolio_document([c])
    ... # doctest: +NORMALIZE_WHITESPACE
    {'format': 'maturity-portfolio/1', 'certificates': [{'subject': 's', 'model': 'm',
     'level': 2, 'date': '2020-01-01', 'issuer': 'i'}]}
    """
    return {"format": PORTFOLIO_FORMAT,
            "certificates": [_document_entry(c) for c in certificates]}


def portfolio_csv(certificates: Sequence[Certificate], *, safe: bool = True) -> str:
    r"""The CSV table of certificates: the fields, then a ``tags.NAME`` column per tag.

    Text cells pass through the one CSV row function (formula-like text is quoted for
    spreadsheets unless ``safe`` is false).

    >>> c = Certificate(subject="s", model="m", level=2, issuer="i", date="2020-01-01",
    ...                 tags={"kind": "city"})
    >>> print(portfolio_csv([c]), end="")
    subject,project,model,model_version,level,grade,date,issuer,expires,tags.kind
    s,,m,,2,,2020-01-01,i,,city
    """
    tag_names = sorted({name for c in certificates for name in c.tags})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*_SCALARS, *(TAG_COLUMN + n for n in tag_names)])
    for c in certificates:
        record = c.to_record()
        cells = [record[n].isoformat() if isinstance(record[n], datetime.date) else record[n]
                 for n in _SCALARS]
        writer.writerow(csv_row([*cells, *(c.tags.get(n) for n in tag_names)], safe=safe))
    return out.getvalue()


def write_certificates(certificates: Sequence[Certificate],
                       path: str | os.PathLike[str] | None = None, *,
                       file_format: PortfolioFormat | None = None) -> str:
    """The text of a portfolio file (CSV, YAML, JSON or TOML); written to ``path`` if given.

    The file is written atomically. The format comes from ``file_format``, else
    ``path``'s suffix, else YAML.
    """
    if file_format == "csv" or (path is not None and _is_csv(path, file_format)):
        text = portfolio_csv(certificates)
    else:
        chosen = format_of(path, file_format) if path is not None else (file_format or "yaml")
        text = dumps_document(portfolio_document(certificates), chosen)
    if path is not None:
        write_atomic(path, text)
    return text

