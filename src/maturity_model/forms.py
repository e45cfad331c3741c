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
- or, with ``rows="items"`` (the CAICT layout), one row per capability item with a text
  column and an answer column per scale level; with ``sheets="one"``, a single
  *Answers* sheet instead of one per top-level domain;
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
from typing import Any, Literal

from maturity_model._form_cells import (
    FORM_FORMAT,
    LISTS_SHEET,
    META_SHEET,
    OBSERVATIONS_SHEET,
    PLAIN_CHOICES,
    README_SHEET,
    pick_text,
    sheet_titles,
)
from maturity_model._form_reading import is_form, read_form
from maturity_model._form_sheets import (
    FormContext,
    cell_text,
    form_rows,
    item_sheet,
    practice_sheet,
    put,
)
from maturity_model.errors import MissingExtraError
from maturity_model.evidence import Assessment, resolve_answers
from maturity_model.model import MaturityModel
from maturity_model.target import Target

__all__ = ["FORM_FORMAT", "is_form", "read_form", "write_form"]



def _openpyxl() -> Any:
    try:
        import openpyxl
    except ImportError:
        raise MissingExtraError("openpyxl", "xlsx") from None
    return openpyxl


def write_form(model: MaturityModel, path: str | os.PathLike[str], *,
               assessment: Assessment | None = None, target: Target | int | None = None,
               lang: str | None = None, sheets: Literal["domains", "one"] = "domains",
               rows: Literal["practices", "items"] = "practices") -> None:
    """Write a fillable ``.xlsx`` assessment form for ``model`` (atomically).

    :param assessment: pre-fill answers, notes, evidence, subject, date and observations.
    :param target: a :class:`~maturity_model.Target` or one level for every node: adds
        the target level, the levels to go (from the pre-filled answers) and whether each
        practice (or item) is needed.
    :param lang: the language of the model text (BCP 47 tag); the model's own text for
        now.
    :param sheets: ``"domains"``: a sheet per top-level domain; ``"one"``: one sheet
        named *Answers*.
    :param rows: ``"practices"``: a row per practice; ``"items"``: a row per capability
        item, with a text and an answer column per scale level (the CAICT layout; one
        answer for all practices of an item at a level, one note and evidence cell for
        all practices of an item).
    :raises MissingExtraError: openpyxl is not installed.
    :raises AssessmentValidationError: the assessment does not fit the model.
    :raises ValueError: with ``rows="items"``, pre-filled answers that differ between
        practices of one item level (or notes and evidence between practices of one item).
    :raises OSError: the file cannot be written.

    >>> import tempfile, pathlib, maturity_model as mm
    >>> model = mm.standards.load("caict-devops-cd")
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "cd.xlsx"
    >>> write_form(model, path, target=3, rows="items")
    >>> import openpyxl
    >>> openpyxl.load_workbook(path).sheetnames[:2]
    ['Readme', 'Configuration management']
    """
    openpyxl = _openpyxl()
    from maturity_model.scoring import score
    from maturity_model.serialization import write_atomic_stream

    if assessment is not None:
        resolve_answers(model, assessment)  # raises on what does not fit the model
    as_target = Target.uniform(target) if isinstance(target, int) else target
    profile = None
    targets = None
    if as_target is not None:
        profile = score(model, assessment or Assessment(model=model.id))
        targets = dict(as_target.levels_for(profile))
    workbook = openpyxl.Workbook()
    _readme(workbook.active, model, assessment, lang)
    choices, labels = _choice_lists(model)
    ctx = FormContext(model=model, lang=lang, choices=choices, profile=profile,
                      targets=targets,
                      answers=assessment.answers if assessment is not None else {},
                      details=assessment.details if assessment is not None else {})
    if sheets == "one":
        parts = [("Answers", [row for d in model.domains
                              for row in form_rows(d, (pick_text(d.name, lang),), lang)])]
    else:
        titles = sheet_titles([pick_text(d.name, lang) for d in model.domains])
        parts = [(title, form_rows(d, (), lang))
                 for d, title in zip(model.domains, titles, strict=True)]
    write_sheet = item_sheet if rows == "items" else practice_sheet
    for title, items in parts:
        write_sheet(ctx, workbook.create_sheet(title), items)
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
            put(lists, row, column, cell_text(label))
    meta = workbook.create_sheet(META_SHEET)
    meta.sheet_state = "hidden"
    for row, pair in enumerate((("format", FORM_FORMAT), ("model", model.id),
                                ("model_version", model.version), ("language", lang or "")),
                               start=1):
        for column, value in enumerate(pair, start=1):
            put(meta, row, column, value)


def _choice_lists(model: MaturityModel) -> tuple[dict[str, str], list[list[str]]]:
    """Each drop-down's cell range on the hidden sheet (list id, "" plain), and its labels."""
    from openpyxl.utils import get_column_letter

    ranges: dict[str, str] = {}
    sets = [("", list(PLAIN_CHOICES))] + [
        (s.id, [*s.labels, *(["n/a"] if s.value_of("n/a") is None else [])])
        for s in model.answer_sets]
    for column, (list_id, labels) in enumerate(sets, start=1):
        letter = get_column_letter(column)
        ranges[list_id] = f"'{LISTS_SHEET}'!${letter}$1:${letter}${len(labels)}"
    return ranges, [labels for _, labels in sets]


def _readme(sheet: Any, model: MaturityModel, assessment: Assessment | None,
            lang: str | None) -> None:
    from openpyxl.styles import Alignment, Font

    sheet.title = README_SHEET
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 90
    sheet["A1"] = cell_text(pick_text(model.name, lang) or model.id)
    sheet["A1"].font = Font(bold=True, size=14)
    date = assessment.date if assessment is not None else None
    rows: list[tuple[str, object]] = [
        ("Model id", model.id), ("Model version", model.version),
        ("Subject", cell_text(assessment.subject) if assessment else ""),
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
    rows += [(str(level.value), cell_text(" - ".join(
        t for t in (pick_text(level.name, lang), pick_text(level.description, lang)) if t)))
        for level in model.scale.levels]
    for answer_set in model.answer_sets:
        rows += [("", ""), (f"Answers: {answer_set.id}", "")]
        rows += [(cell_text(o.label), o.value) for o in answer_set.options]
    for row, (key, value) in enumerate(rows, start=3):
        put(sheet, row, 1, key).font = Font(bold=True)
        cell = put(sheet, row, 2, value)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if key == "Assessment date":
            cell.number_format = "yyyy-mm-dd"


def _observations(sheet: Any, model: MaturityModel, assessment: Assessment | None) -> None:
    observed = assessment.observations if assessment is not None else {}
    units = {p.metric.name: p.metric.unit for p in model.practices() if p.metric is not None}
    _header_row = ("metric", "unit", "value")
    names = [*model.metric_names(), *(n for n in observed if n not in units)]
    rows = [_header_row, *((cell_text(name), units.get(name, ""), observed.get(name))
                           for name in names)]
    for row, values in enumerate(rows, start=1):
        for column, value in enumerate(values, start=1):
            put(sheet, row, column, value)
    sheet.column_dimensions["A"].width = 36
    sheet.freeze_panes = "A2"

