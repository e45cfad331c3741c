"""Assessment forms: a workbook people fill in, and the assessment read back from it.

Needs the ``xlsx`` extra (openpyxl), imported only when a form is written or read.

:func:`write_form` writes an ``.xlsx`` workbook for a model:

- a *Readme* sheet: the model's name, id and version, cells for the subject and the
  assessment date, how to fill in and return the form, the level scale with its texts
  and the answer sets;
- one sheet per top-level domain, one row per practice: the area (sub-domains), the item,
  the level, the practice text, an **Answer** cell with a drop-down (data validation) of
  the practice's answer set (or ``yes`` / ``no`` / ``n/a``; a number from 0 to 1 is
  accepted too), a **Note** and an **Evidence** cell (one record per line,
  ``title | link | date | reviewer``); with a target, the item's target level, the
  levels it still has to go and whether the practice is needed for it (computed when
  the form is written); headers frozen, columns sized, texts wrapped;
- an *Observations* sheet when the model judges practices from metrics;
- hidden: column A of every answer sheet holds the practice ids, so the mapping stays
  exact whatever people do to the visible labels; the ``_form`` sheet names the model
  and version; ``_lists`` holds the drop-down choices.

:func:`read_form` reads a filled-in form back into an :class:`~maturity_model.Assessment`
and refuses, listing every problem at once, answers outside the drop-down (and outside
what :func:`~maturity_model.evidence.resolve_answers` accepts), rows deleted
(``missing-row``) or duplicated (``duplicate-id``), a form written for another model or
version (``model-mismatch``: run ``maturity migrate`` on the assessment), and cells a
spreadsheet turned into dates or percentages (``cell-format``).

>>> import tempfile, pathlib, maturity_model as mm
>>> model = mm.MaturityModel(id="m", version="1", domains=[mm.Domain(id="d", items=[
...     mm.CapabilityItem(id="i", practices=[mm.Practice(id="p", level=1, text="Do it")])])])
>>> path = pathlib.Path(tempfile.mkdtemp()) / "form.xlsx"
>>> a = mm.Assessment(model="m", model_version="1", subject="payments", answers={"p": True})
>>> write_form(model, path, assessment=a)
>>> read_form(path, model) == a
True
"""

from __future__ import annotations

import io
import os
from typing import TYPE_CHECKING, Any, Final

from maturity_model._form_cells import (
    COLUMNS,
    FORM_FORMAT,
    LISTS_SHEET,
    META_SHEET,
    OBSERVATIONS_SHEET,
    PLAIN_CHOICES,
    README_SHEET,
    evidence_text,
    pick_text,
    sheet_titles,
)
from maturity_model._form_reading import is_form, read_form
from maturity_model.errors import MissingExtraError
from maturity_model.evidence import Assessment, resolve_answers
from maturity_model.model import CapabilityItem, Domain, MaturityModel, Practice
from maturity_model.target import Target

if TYPE_CHECKING:
    from maturity_model.profile import Profile

__all__ = ["FORM_FORMAT", "is_form", "read_form", "write_form"]

_MAX_CELL: Final = 32_767  # Excel's longest cell text


def _openpyxl() -> Any:
    try:
        import openpyxl
    except ImportError:
        raise MissingExtraError("openpyxl", "xlsx") from None
    return openpyxl


def _cell_text(text: str) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return str(ILLEGAL_CHARACTERS_RE.sub("", text))[:_MAX_CELL]


def _cell_value(raw: object) -> object:
    return _cell_text(raw) if isinstance(raw, str) else raw


def _rows(domain: Domain, area: tuple[str, ...], lang: str | None,
          ) -> list[tuple[str, CapabilityItem, Practice]]:
    found = [(" / ".join(area), item, practice) for item in domain.items
             for practice in item.practices]
    for sub in domain.domains:
        found.extend(_rows(sub, (*area, pick_text(sub.name, lang)), lang))
    return found


def _levels_to_go(profile: Profile | None, item_id: str, target: int | None) -> int | None:
    if target is None:
        return None
    level = profile[item_id].level if profile is not None else None
    return max(0, target - (level or 0))


def write_form(model: MaturityModel, path: str | os.PathLike[str], *,
               assessment: Assessment | None = None, target: Target | int | None = None,
               lang: str | None = None) -> None:
    """Write a fillable ``.xlsx`` assessment form for ``model`` (atomically).

    :param assessment: pre-fill answers, notes, evidence, subject, date and observations.
    :param target: a :class:`~maturity_model.Target` or one level for every node: adds
        the target level, the levels to go (from the pre-filled answers) and whether each
        practice is needed.
    :param lang: the language of the model text (BCP 47 tag); the model's own text for
        now.
    :raises MissingExtraError: openpyxl is not installed.
    :raises AssessmentValidationError: the assessment does not fit the model.
    :raises OSError: the file cannot be written.

    >>> import tempfile, pathlib, maturity_model as mm
    >>> model = mm.standards.load("caict-devops-cd")
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "cd.xlsx"
    >>> write_form(model, path, target=3)
    >>> import openpyxl
    >>> openpyxl.load_workbook(path).sheetnames[0]
    'Readme'
    """
    openpyxl = _openpyxl()
    from maturity_model.scoring import score
    from maturity_model.serialization import write_atomic_stream

    if assessment is not None:
        resolve_answers(model, assessment)  # raises on what does not fit the model
    as_target = Target.uniform(target) if isinstance(target, int) else target
    profile = None
    targets: dict[str, int | None] = {}
    if as_target is not None:
        profile = score(model, assessment or Assessment(model=model.id))
        targets = dict(as_target.levels_for(profile))
    workbook = openpyxl.Workbook()
    _readme(workbook.active, model, assessment, lang)
    choices, labels = _choice_lists(model)
    keys = ["id", "area", "item", "level", "practice", "answer", "note", "evidence"]
    if as_target is not None:
        keys += ["target", "gap", "needed"]
    answers = assessment.answers if assessment is not None else {}
    details = assessment.details if assessment is not None else {}
    for domain, title in zip(model.domains, sheet_titles(
            [pick_text(d.name, lang) for d in model.domains]), strict=True):
        sheet = workbook.create_sheet(title)
        _header(sheet, keys)
        validations: dict[str, Any] = {}
        for row, (area, item, practice) in enumerate(_rows(domain, (), lang), start=2):
            level = model.scale.name(practice.level) if practice.level in model.scale.values \
                else ""
            detail = details.get(practice.id)
            values: dict[str, object] = {
                "id": practice.id, "area": _cell_text(area),
                "item": _cell_text(pick_text(item.name, lang)),
                "level": _cell_text(f"{practice.level} {pick_text(level, lang)}".strip()),
                "practice": _cell_text(pick_text(practice.text, lang) or practice.id),
                "answer": _cell_value(answers.get(practice.id)),
                "note": _cell_text(detail.note) if detail else None,
                "evidence": _cell_text(evidence_text(detail.evidence)) if detail else None}
            if as_target is not None:
                wanted = targets.get(item.id)
                values["target"] = wanted
                values["gap"] = _levels_to_go(profile, item.id, wanted)
                values["needed"] = "yes" if wanted is not None and practice.level <= wanted \
                    and profile is not None and not profile.practices[practice.id].met \
                    and profile.practices[practice.id].status != "n/a" else None
            for column, key in enumerate(keys, start=1):
                cell = sheet.cell(row=row, column=column, value=values[key])
                if key in ("practice", "note", "evidence", "item", "area"):
                    cell.alignment = openpyxl.styles.Alignment(wrap_text=True, vertical="top")
            answer_cell = f"{_letter(keys.index('answer') + 1)}{row}"
            list_id = practice.answer_set or ""
            if list_id not in validations:
                validations[list_id] = _validation(choices[list_id], bool(list_id))
                sheet.add_data_validation(validations[list_id])
            validations[list_id].add(answer_cell)
    if model.metric_names() or (assessment is not None and assessment.observations):
        _observations(workbook.create_sheet(OBSERVATIONS_SHEET), model, assessment)
    _hidden_sheets(workbook, labels, model, lang)
    buffer = io.BytesIO()
    workbook.save(buffer)
    with write_atomic_stream(path) as out:
        out.flush()
        out.buffer.write(buffer.getvalue())  # type: ignore[attr-defined]


def _hidden_sheets(workbook: Any, labels: list[list[str]], model: MaturityModel,
                   lang: str | None) -> None:
    """The drop-down choices, one column per list, and the form's key/value rows."""
    lists = workbook.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    for column, choices in enumerate(labels, start=1):
        for row, label in enumerate(choices, start=1):
            lists.cell(row=row, column=column, value=_cell_text(label))
    meta = workbook.create_sheet(META_SHEET)
    meta.sheet_state = "hidden"
    for pair in (("format", FORM_FORMAT), ("model", model.id), ("model_version", model.version),
                 ("language", lang or "")):
        meta.append(pair)


def _letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(column))


def _header(sheet: Any, keys: list[str]) -> None:
    from openpyxl.styles import Font, PatternFill

    bold, fill = Font(bold=True), PatternFill("solid", start_color="DDEBF7")
    for column, key in enumerate(keys, start=1):
        title, width = COLUMNS[key]
        cell = sheet.cell(row=1, column=column, value=title)
        cell.font, cell.fill = bold, fill
        dimension = sheet.column_dimensions[_letter(column)]
        dimension.width = width
        if key == "id":
            dimension.hidden = True
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = f"A1:{_letter(len(keys))}1"


def _choice_lists(model: MaturityModel) -> tuple[dict[str, str], list[list[str]]]:
    """Each drop-down's cell range on the hidden sheet (list id, "" plain), and its labels."""
    ranges: dict[str, str] = {}
    sets = [("", list(PLAIN_CHOICES))] + [
        (s.id, [*s.labels, *(["n/a"] if s.value_of("n/a") is None else [])])
        for s in model.answer_sets]
    for column, (list_id, labels) in enumerate(sets, start=1):
        letter = _letter(column)
        ranges[list_id] = f"'{LISTS_SHEET}'!${letter}$1:${letter}${len(labels)}"
    return ranges, [labels for _, labels in sets]


def _validation(source: str, labelled: bool) -> Any:
    from openpyxl.worksheet.datavalidation import DataValidation

    hint = "Pick a choice" + ("" if labelled else ", or type a number from 0 to 1")
    return DataValidation(type="list", formula1=source, allow_blank=True,
                          showErrorMessage=True, errorStyle="warning",
                          errorTitle="Not a choice of this list",
                          error=hint + "; a value outside the list is refused when the "
                                       "form is read back.",
                          showInputMessage=True, promptTitle="Answer", prompt=hint)


def _readme(sheet: Any, model: MaturityModel, assessment: Assessment | None,
            lang: str | None) -> None:
    from openpyxl.styles import Alignment, Font

    sheet.title = README_SHEET
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 90
    sheet["A1"] = _cell_text(pick_text(model.name, lang) or model.id)
    sheet["A1"].font = Font(bold=True, size=14)
    date = assessment.date if assessment is not None else None
    rows: list[tuple[str, object]] = [
        ("Model id", model.id), ("Model version", model.version),
        ("Subject", _cell_text(assessment.subject) if assessment else ""),
        ("Assessment date", date),
        ("", ""),
        ("How to fill in", "Fill in one sheet per area: pick an answer in the Answer column "
         "(or type a number from 0 to 1 for a partial answer); leave it blank when you do "
         "not know. Add a note and evidence: one record per line, 'title | link | date | "
         "reviewer', the date as YYYY-MM-DD. Fill in the subject and the date above."),
        ("How to return", "Save the workbook as .xlsx and send it back. Do not delete, "
         "copy or move rows between sheets, and leave the hidden columns and sheets as "
         "they are: the form is read back with 'maturity score MODEL form.xlsx'."),
        ("", ""), ("Levels", "")]
    rows += [(str(level.value), _cell_text(" - ".join(
        t for t in (pick_text(level.name, lang), pick_text(level.description, lang)) if t)))
        for level in model.scale.levels]
    for answer_set in model.answer_sets:
        rows += [("", ""), (f"Answers: {answer_set.id}", "")]
        rows += [(_cell_text(o.label), o.value) for o in answer_set.options]
    for row, (key, value) in enumerate(rows, start=3):
        sheet.cell(row=row, column=1, value=key).font = Font(bold=True)
        cell = sheet.cell(row=row, column=2, value=value)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if key == "Assessment date":
            cell.number_format = "yyyy-mm-dd"


def _observations(sheet: Any, model: MaturityModel, assessment: Assessment | None) -> None:
    observed = assessment.observations if assessment is not None else {}
    units = {p.metric.name: p.metric.unit for p in model.practices() if p.metric is not None}
    _header_row = ("metric", "unit", "value")
    sheet.append(_header_row)
    names = [*model.metric_names(), *(n for n in observed if n not in units)]
    for name in names:
        sheet.append((_cell_text(name), units.get(name, ""), observed.get(name)))
    sheet.column_dimensions["A"].width = 36
    sheet.freeze_panes = "A2"

