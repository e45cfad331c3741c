"""Reading a filled-in assessment form back (private; :mod:`maturity_model.forms` exports it).

The workbook is opened through :func:`maturity_model.formats._xlsx.open_workbook`, which
checks its zip (size, members, zip bombs, entity declarations) before openpyxl reads it;
at most :data:`MAX_ROWS` rows of a sheet and :data:`MAX_COLUMNS` columns are read.
"""

from __future__ import annotations

import datetime
import os
import re
from pathlib import Path
from typing import Any, Final

from maturity_model._form_cells import (
    COLUMNS,
    FORM_FORMAT,
    ITEM_ID_HEADER,
    LISTS_SHEET,
    META_SHEET,
    OBSERVATIONS_SHEET,
    PLAIN_CHOICES,
    README_SHEET,
    answer_level,
    parse_evidence,
)
from maturity_model._numbers import is_finite_number
from maturity_model.errors import AssessmentValidationError, Problem, shown
from maturity_model.evidence import (
    AnswerDetail,
    Assessment,
    EvidenceRecord,
    RawAnswer,
    _resolve_one,
    evidence_problems,
)
from maturity_model.formats._xlsx import reading
from maturity_model.model import CapabilityItem, MaturityModel, Practice

__all__ = ["MAX_COLUMNS", "MAX_ROWS", "is_form", "read_form"]

#: The most rows read from one sheet of a form.
MAX_ROWS: Final = 200_000
#: The most columns read from one sheet of a form.
MAX_COLUMNS: Final = 40
#: The most missing rows listed one by one.
_MAX_LISTED: Final = 100
_NUMBER: Final = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def is_form(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a workbook written by :func:`~maturity_model.forms.write_form`.

    False for a workbook without the hidden ``_form`` sheet (a SAMM toolbox, say).

    :raises AssessmentValidationError: the file is not a workbook that can be read.
    """
    with reading(Path(path)) as workbook:
        return META_SHEET in workbook.sheetnames


class _Reader:
    def __init__(self, model: MaturityModel, name: str, as_of: datetime.date) -> None:
        self.model, self.name, self.as_of = model, name, as_of
        self.problems: list[Problem] = []
        self.answers: dict[str, RawAnswer] = {}
        self.details: dict[str, AnswerDetail] = {}
        self.seen: dict[str, str] = {}

    def add(self, code: str, where: str, message: str) -> None:
        self.problems.append(Problem.of(code, f"{self.name}:{where}", message))

    def uncomputed(self, workbook: Any, formulas: dict[tuple[str, str], str]) -> None:
        """A problem for each formula cell that holds no computed value."""
        for sheet in workbook.worksheets:
            if not any(title == sheet.title for title, _ in formulas):
                continue
            for row in sheet.iter_rows(max_row=MAX_ROWS, max_col=MAX_COLUMNS):
                for cell in row:
                    formula = formulas.get((sheet.title, getattr(cell, "coordinate", "")))
                    if formula is not None and cell.value is None:
                        self.add("cell-format", f"{sheet.title}!{cell.coordinate}",
                                 f"the cell holds the formula {shown(formula)} but no value "
                                 "computed from it (a program that does not calculate wrote "
                                 "it): type the value, or open and save the form in a "
                                 "spreadsheet program")

    def rows(self, sheet: Any) -> list[tuple[Any, ...]]:
        found = []
        for number, row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1):
            if number > MAX_ROWS:
                self.add("too-large", f"{sheet.title}!A{number}",
                         f"the sheet has more than {MAX_ROWS} rows")
                break
            found.append(tuple(row))
        return found

    def meta(self, workbook: Any) -> bool:
        if META_SHEET not in workbook.sheetnames:
            self.add("invalid-value", "$", "not an assessment form written by 'maturity "
                     f"form': it has no hidden sheet {META_SHEET!r}")
            return False
        values = {str(row[0].value): row[1].value for row in self.rows(workbook[META_SHEET])
                  if len(row) > 1 and row[0].value is not None}
        model = self.model
        if values.get("format") != FORM_FORMAT:
            self.add("invalid-value", f"{META_SHEET}!B1",
                     f"the form's format is {shown(values.get('format'))}, not {FORM_FORMAT!r}")
            return False
        if values.get("model") != model.id:
            self.add("model-mismatch", f"{META_SHEET}!B2",
                     f"the form was written for model {shown(values.get('model'))}, not "
                     f"{shown(model.id)}")
            return False
        version = values.get("model_version") or ""
        if str(version) != model.version:
            self.add("model-mismatch", f"{META_SHEET}!B3",
                     f"the form was written for version {shown(version)} of {shown(model.id)}, "
                     f"not {shown(model.version)}: read it against that version, then run "
                     f"'maturity migrate' on the assessment (or send a new form)")
            return False
        return True

    def readme(self, workbook: Any) -> tuple[str, datetime.date | None]:
        subject, date = "", None
        if README_SHEET not in workbook.sheetnames:
            return subject, date
        for number, row in enumerate(self.rows(workbook[README_SHEET]), start=1):
            if len(row) < 2:
                continue
            key, cell = row[0].value, row[1]
            where = f"{README_SHEET}!B{number}"
            if key == "Subject" and cell.value is not None:
                subject = str(cell.value).strip()
            elif key == "Assessment date" and cell.value not in (None, ""):
                date = self.date(cell.value, where)
        return subject, date

    def date(self, value: object, where: str) -> datetime.date | None:
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        try:
            return datetime.date.fromisoformat(str(value).strip())
        except ValueError:
            self.add("invalid-value", where, f"{shown(value)} is not a date (YYYY-MM-DD)")
            return None

    def answer_sheet(self, sheet: Any) -> None:
        rows = self.rows(sheet)
        header = [c.value for c in rows[0]] if rows else []
        columns = {key: header.index(title) for key, (title, _) in COLUMNS.items()
                   if title in header}
        if "answer" not in columns:
            self.add("invalid-value", f"{sheet.title}!A1",
                     f"the sheet has no {COLUMNS['answer'][0]!r} column in its first row")
            return
        for number, row in enumerate(rows[1:], start=2):
            def cell(key: str, row: tuple[Any, ...] = row) -> Any:
                k = columns.get(key)
                return row[k] if k is not None and k < len(row) else None

            self.row(sheet.title, number, row[0].value if row else None, cell)

    def row(self, title: str, number: int, practice_id: object, cell: Any) -> None:
        where = f"{title}!A{number}"
        answer, note, evidence = cell("answer"), cell("note"), cell("evidence")
        if practice_id is None or practice_id == "":
            if any(c is not None and c.value not in (None, "") for c in (answer, note, evidence)):
                self.add("invalid-value", where, "the row has an answer but no practice id "
                         "(hidden column A): rows added by hand are not read")
            return
        if not isinstance(practice_id, str) or practice_id not in self.model._index.practices:
            self.add("unknown-practice", where, f"model {shown(self.model.id)} has no "
                     f"practice {shown(practice_id)}")
            return
        if practice_id in self.seen:
            self.add("duplicate-id", where, f"practice {shown(practice_id)} has a second "
                     f"row (the first is {self.seen[practice_id]})")
            return
        self.seen[practice_id] = where
        practice = self.model._index.practices[practice_id]
        if answer is not None:
            raw = self.answer(answer, practice, f"{title}!{answer_where(answer, number)}")
            if raw is not None:
                self.answers[practice_id] = raw
        detail = self.detail(note, evidence, f"{title}!", number)
        if detail:
            self.details[practice_id] = detail

    def detail(self, note: Any, evidence: Any, sheet: str, number: int) -> AnswerDetail:
        text = "" if note is None or note.value is None else _text(note.value)
        records: list[EvidenceRecord] = []
        if evidence is not None and evidence.value not in (None, ""):
            records = self.evidence(evidence.value, f"{sheet}{answer_where(evidence, number)}")
        return AnswerDetail(note=text, evidence=records)

    def item_sheet(self, sheet: Any) -> None:
        rows = self.rows(sheet)
        header = [c.value for c in rows[0]] if rows else []
        levels = {k: level for k, h in enumerate(header)
                  if (level := answer_level(h)) is not None}
        named = {key: header.index(COLUMNS[key][0]) for key in ("note", "evidence")
                 if COLUMNS[key][0] in header}
        for number, row in enumerate(rows[1:], start=2):
            def cell(k: int | None, row: tuple[Any, ...] = row) -> Any:
                return row[k] if k is not None and k < len(row) else None

            self.item_row(sheet.title, number, cell(0), {
                level: cell(k) for k, level in levels.items()},
                cell(named.get("note")), cell(named.get("evidence")))

    def item_row(self, title: str, number: int, id_cell: Any, answers: dict[int, Any],
                 note: Any, evidence: Any) -> None:
        where = f"{title}!A{number}"
        item_id = None if id_cell is None else id_cell.value
        if item_id is None or item_id == "":
            if any(c is not None and c.value not in (None, "")
                   for c in (*answers.values(), note, evidence)):
                self.add("invalid-value", where, "the row has an answer but no item id "
                         "(hidden column A): rows added by hand are not read")
            return
        item = self.model._index.nodes.get(item_id) if isinstance(item_id, str) else None
        if not isinstance(item, CapabilityItem):
            self.add("unknown-practice", where, f"model {shown(self.model.id)} has no "
                     f"capability item {shown(item_id)}")
            return
        if item.practices and item.practices[0].id in self.seen:
            self.add("duplicate-id", where, f"item {shown(item_id)} has a second row "
                     f"(the first is {self.seen[item.practices[0].id]})")
            return
        self.seen.update(dict.fromkeys((p.id for p in item.practices), where))
        for level, cell in answers.items():
            if cell is None or cell.value in (None, ""):
                continue
            at = [p for p in item.practices if p.level == level]
            cell_where = f"{title}!{answer_where(cell, number)}"
            if not at:
                self.add("invalid-value", cell_where, f"item {shown(item_id)} has no "
                         f"practice at level {level}: leave the cell blank")
                continue
            raw = self.answer(cell, at[0], cell_where)
            if raw is None:
                continue
            if any(isinstance(_resolve_one(self.model, p, raw, ""), Problem) for p in at[1:]):
                self.add("invalid-value", cell_where, f"{shown(raw)} does not answer every "
                         f"practice of {shown(item_id)} at level {level}")
                continue
            self.answers.update(dict.fromkeys((p.id for p in at), raw))
        detail = self.detail(note, evidence, f"{title}!", number)
        if detail:
            self.details.update(dict.fromkeys((p.id for p in item.practices), detail))

    def answer(self, cell: Any, practice: Practice, where: str) -> RawAnswer:
        value = cell.value
        if value is None:
            return None
        if isinstance(value, datetime.date | datetime.time | datetime.timedelta):
            self.add("cell-format", where, f"the cell holds a date or time ({value}), not an "
                     "answer: format it as text and pick or type the answer again")
            return None
        if is_finite_number(value) and "%" in str(getattr(cell, "number_format", "") or ""):
            self.add("cell-format", where, f"the cell is formatted as a percentage "
                     f"({value:.4g} shows as {value * 100:.4g}%): format it as a number and "
                     "type the answer from 0 to 1")
            return None
        if isinstance(value, str):
            if not value.strip():
                return None
            if _NUMBER.fullmatch(value.strip()) and not self.is_label(practice, value):
                value = float(value)
        fits = isinstance(value, bool | str) or (is_finite_number(value) and 0 <= value <= 1)
        if fits and not isinstance(_resolve_one(self.model, practice, value, ""), Problem):
            answer: RawAnswer = value
            return answer
        self.add("invalid-value", where, f"{shown(value)} is not a choice of the drop-down "
                 f"({', '.join(self.choices(practice))}) nor a number from 0 to 1")
        return None

    def is_label(self, practice: Practice, text: str) -> bool:
        if practice.answer_set is None:
            return False
        return self.model.answer_set(practice.answer_set).value_of(text) is not None

    def choices(self, practice: Practice) -> tuple[str, ...]:
        if practice.answer_set is None:
            return PLAIN_CHOICES
        return (*self.model.answer_set(practice.answer_set).labels, "n/a")

    def evidence(self, value: object, where: str) -> list[EvidenceRecord]:
        if not isinstance(value, str):
            self.add("cell-format", where, f"the evidence cell holds {shown(value)}, not "
                     "text: format it as text, one record per line")
            return []
        records: list[EvidenceRecord] = []
        for found in parse_evidence(value):
            if isinstance(found, str):
                self.add("invalid-value", where, found)
                continue
            for problem in evidence_problems({"": AnswerDetail(evidence=[found])},
                                             self.as_of):
                self.add(problem.code, where, f"line {len(records) + 1}: {problem.message}")
            records.append(found)
        return records

    def observations(self, sheet: Any) -> dict[str, float]:
        found: dict[str, float] = {}
        for number, row in enumerate(self.rows(sheet)[1:], start=2):
            if len(row) < 3 or row[0].value in (None, ""):
                continue
            name, cell = str(row[0].value), row[2]
            value, where = cell.value, f"{sheet.title}!C{number}"
            if value is None or value == "":
                continue
            if isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
                value = float(value)
            if isinstance(value, datetime.date | datetime.time | datetime.timedelta) or (
                    isinstance(value, int | float) and "%" in str(cell.number_format or "")):
                self.add("cell-format", where, f"the observation of {shown(name)} is "
                         "formatted as a date or percentage: format it as a plain number")
            elif not is_finite_number(value):
                self.add("invalid-value", where, f"the observation of {shown(name)} must be "
                         f"a number, not {shown(value)}")
            else:
                found[name] = value
        return found

    def missing(self) -> None:
        absent = [p.id for p in self.model.practices() if p.id not in self.seen]
        for practice_id in absent[:_MAX_LISTED]:
            self.add("missing-row", "$", f"the row of practice {shown(practice_id)} is "
                     "missing (deleted?): leave an answer blank instead of deleting its row")
        if len(absent) > _MAX_LISTED:
            self.add("missing-row", "$", f"{len(absent) - _MAX_LISTED} more rows are missing")


def answer_where(cell: Any, number: int) -> str:
    """The cell's column letter and row, also for an empty cell of a read-only sheet."""
    from openpyxl.utils import get_column_letter

    column = getattr(cell, "column", None)
    return f"{get_column_letter(column)}{number}" if isinstance(column, int) else f"?{number}"


def _text(value: object) -> str:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value)


def read_form(path: str | os.PathLike[str], model: MaturityModel, *,
              as_of: datetime.date | None = None) -> Assessment:
    """The assessment in a filled-in form written by :func:`~maturity_model.forms.write_form`.

    The assessment names the model's id and version; its subject and date come from the
    *Readme* sheet. Blank answers are unknown.

    :param as_of: today, for the check that evidence is not dated in the future.
    :raises AssessmentValidationError: every problem at once, each path naming the file,
        the sheet and the cell (``form.xlsx:Build!F7``): see the module documentation.
    :raises MissingExtraError: openpyxl is not installed.
    :raises OSError: the file cannot be read.
    """
    file = Path(path)
    name = file.name or str(file)
    reader = _Reader(model, name, as_of if as_of is not None else datetime.date.today())
    subject, date = "", None
    observations: dict[str, float] = {}
    with reading(file) as workbook:
        if reader.meta(workbook):
            subject, date = reader.readme(workbook)
            for sheet in workbook.worksheets:
                if sheet.title == OBSERVATIONS_SHEET:
                    observations = reader.observations(sheet)
                elif sheet.title not in (README_SHEET, META_SHEET, LISTS_SHEET):
                    first = next(sheet.iter_rows(max_row=1, max_col=1, values_only=True),
                                 (None,))
                    if first and first[0] == COLUMNS["id"][0]:
                        reader.answer_sheet(sheet)
                    elif first and first[0] == ITEM_ID_HEADER:
                        reader.item_sheet(sheet)
            reader.missing()
            reader.uncomputed(workbook, _formulas(file))
    if reader.problems:
        raise AssessmentValidationError(reader.problems)
    return Assessment(model=model.id, model_version=model.version, subject=subject, date=date,
                      answers=reader.answers, observations=observations,
                      details=reader.details)


def _formulas(file: Path) -> dict[tuple[str, str], str]:
    """``(sheet, cell) -> formula`` of every formula cell of the form.

    A spreadsheet program stores the value it computed beside each formula, which is
    what the form is read for; a library that writes a formula stores none, and the
    cell would read as blank, an answer lost unseen.
    """
    found: dict[tuple[str, str], str] = {}
    with reading(file, formulas=True) as workbook:
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows(max_row=MAX_ROWS, max_col=MAX_COLUMNS):
                for cell in row:
                    value = getattr(cell, "value", None)
                    if isinstance(value, str) and value.startswith("="):
                        found[(sheet.title, cell.coordinate)] = value
    return found
