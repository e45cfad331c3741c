"""The answer sheets of a form: one row per practice, or one per item (private).

:func:`maturity_model.forms.write_form` calls :func:`practice_sheet` or :func:`item_sheet`
for each sheet it writes. With one row per item (the CAICT self-assessment layout) each
scale level has a column listing the item's practices at that level and an answer column:
one answer for all of them. The note and evidence of a row belong to every practice of
the item.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

import attrs

from maturity_model._form_cells import (
    COLUMNS,
    ITEM_ID_HEADER,
    answer_header,
    evidence_text,
    level_header,
    pick_text,
)
from maturity_model.evidence import AnswerDetail, RawAnswer
from maturity_model.model import CapabilityItem, Domain, MaturityModel, Practice

if TYPE_CHECKING:
    from maturity_model.profile import Profile

__all__ = ["FormContext", "cell_text", "form_rows", "item_sheet", "practice_sheet"]

_MAX_CELL: Final = 32_767  # Excel's longest cell text
_WRAPPED: Final = frozenset({"practice", "note", "evidence", "item", "area"})


def cell_text(text: str) -> str:
    """``text`` as a cell can hold it: without the characters XML cannot carry, cut short."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return str(ILLEGAL_CHARACTERS_RE.sub("", text))[:_MAX_CELL]


def put(sheet: Any, row: int, column: int, value: object) -> Any:
    """Write ``value`` into a cell; text stays text, even when it starts with ``=``.

    openpyxl takes a string starting with ``=`` for a formula: a note such as ``=1+1`` or
    ``=HYPERLINK(...)`` from an assessment would be computed by the spreadsheet instead of
    shown, and would not read back.
    """
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str) and cell.data_type == "f":
        cell.data_type = "s"
    return cell


def _cell_value(raw: object) -> object:
    return cell_text(raw) if isinstance(raw, str) else raw


def _letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(column))


@attrs.frozen(eq=False)
class FormContext:
    """What every sheet of one form reads."""

    model: MaturityModel
    lang: str | None
    answers: Mapping[str, RawAnswer]
    details: Mapping[str, AnswerDetail]
    choices: Mapping[str, str]  # list id ("" plain) → cell range on the hidden sheet
    profile: Profile | None  # scored pre-filled answers, with a target
    targets: Mapping[str, int | None] | None  # node id → target level, with a target

    def text(self, text: str) -> str:
        """Model text in the form's language, as a cell holds it."""
        return cell_text(pick_text(text, self.lang))

    def levels_to_go(self, item_id: str) -> int | None:
        """The item's target level minus its level (at least 0)."""
        wanted = None if self.targets is None else self.targets.get(item_id)
        if wanted is None or self.profile is None:
            return None
        return max(0, wanted - (self.profile[item_id].level or 0))


def form_rows(domain: Domain, area: tuple[str, ...], lang: str | None,
              ) -> list[tuple[str, CapabilityItem]]:
    """Every item under ``domain`` with its area (the sub-domain names), in document order."""
    found = [(" / ".join(area), item) for item in domain.items]
    for sub in domain.domains:
        found.extend(form_rows(sub, (*area, pick_text(sub.name, lang)), lang))
    return found


def _header(sheet: Any, columns: Sequence[tuple[str, int]]) -> None:
    from openpyxl.styles import Font, PatternFill

    bold, fill = Font(bold=True), PatternFill("solid", start_color="DDEBF7")
    for column, (title, width) in enumerate(columns, start=1):
        cell = put(sheet, 1, column, title)
        cell.font, cell.fill = bold, fill
        dimension = sheet.column_dimensions[_letter(column)]
        dimension.width = width
        dimension.hidden = column == 1  # the ids
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = f"A1:{_letter(len(columns))}1"


def _validation(source: str, labelled: bool) -> Any:
    from openpyxl.worksheet.datavalidation import DataValidation

    hint = "Pick a choice" + ("" if labelled else ", or type a number from 0 to 1")
    return DataValidation(type="list", formula1=source, allow_blank=True,
                          showErrorMessage=True, errorStyle="warning",
                          errorTitle="Not a choice of this list",
                          error=hint + "; a value outside the list is refused when the "
                                       "form is read back.",
                          showInputMessage=True, promptTitle="Answer", prompt=hint)


class _Validations:
    """One data validation per drop-down list on a sheet, each over many cells."""

    def __init__(self, sheet: Any, choices: Mapping[str, str]) -> None:
        self.sheet, self.choices = sheet, choices
        self.found: dict[str, Any] = {}

    def add(self, list_id: str, cell: str) -> None:
        if list_id not in self.found:
            self.found[list_id] = _validation(self.choices[list_id], bool(list_id))
            self.sheet.add_data_validation(self.found[list_id])
        self.found[list_id].add(cell)


def _write_row(sheet: Any, row: int, keys: Sequence[str], values: Mapping[str, object]) -> None:
    from openpyxl.styles import Alignment

    for column, key in enumerate(keys, start=1):
        cell = put(sheet, row, column, values.get(key))
        if key in _WRAPPED or key.startswith("level:"):
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _detail_cells(detail: AnswerDetail | None) -> dict[str, object]:
    if not detail:
        return {}
    return {"note": cell_text(detail.note) or None,
            "evidence": cell_text(evidence_text(detail.evidence)) or None}


def practice_sheet(ctx: FormContext, sheet: Any, rows: list[tuple[str, CapabilityItem]]) -> None:
    """One row per practice: area, item, level, text, answer, note, evidence (and target)."""
    keys = ["id", "area", "item", "level", "practice", "answer", "note", "evidence"]
    if ctx.targets is not None:
        keys += ["target", "gap", "needed"]
    _header(sheet, [COLUMNS[k] for k in keys])
    validations = _Validations(sheet, ctx.choices)
    answer_column = _letter(keys.index("answer") + 1)
    scale = ctx.model.scale
    number = 1
    for area, item in rows:
        for practice in item.practices:
            number += 1
            name = (scale.name(practice.level, lang=ctx.lang, default=ctx.model.language)
                    if practice.level in scale.values else "")
            values: dict[str, object] = {
                "id": practice.id, "area": cell_text(area), "item": ctx.text(item.name),
                "level": f"{practice.level} {ctx.text(name)}".strip(),
                "practice": ctx.text(practice.text) or practice.id,
                "answer": _cell_value(ctx.answers.get(practice.id)),
                **_detail_cells(ctx.details.get(practice.id))}
            if ctx.targets is not None:
                values.update(_target_cells(ctx, item, [practice]))
            _write_row(sheet, number, keys, values)
            validations.add(practice.answer_set or "", f"{answer_column}{number}")


def _target_cells(ctx: FormContext, item: CapabilityItem,
                  practices: Sequence[Practice]) -> dict[str, object]:
    assert ctx.targets is not None
    assert ctx.profile is not None
    wanted = ctx.targets.get(item.id)
    needed = wanted is not None and any(
        p.level <= wanted and not ctx.profile.practices[p.id].met
        and ctx.profile.practices[p.id].status != "n/a" for p in practices)
    return {"target": wanted, "gap": ctx.levels_to_go(item.id),
            "needed": "yes" if needed else None}


def _one(values: Sequence[object], what: str, item: CapabilityItem) -> object:
    if any(v != values[0] for v in values[1:]):
        raise ValueError(f"one row per item holds one {what} per level of an item, but "
                         f"item {item.id!r} has different ones: write the form with one "
                         f"row per practice")
    return values[0]


def item_sheet(ctx: FormContext, sheet: Any, rows: list[tuple[str, CapabilityItem]]) -> None:
    """One row per item: per scale level its practices' texts and one answer.

    :raises ValueError: the pre-filled answers differ between practices of one item
        level, or the notes and evidence between practices of one item.
    """
    scale = ctx.model.scale
    keys = ["id", "area", "item"]
    columns = [(ITEM_ID_HEADER, COLUMNS["id"][1]), COLUMNS["area"], COLUMNS["item"]]
    for value in scale.values:
        keys += [f"level:{value}", f"answer:{value}"]
        columns += [(level_header(value, ctx.text(scale.name(value, lang=ctx.lang,
                                                                default=ctx.model.language))), 40),
                    (answer_header(value), 14)]
    keys += ["note", "evidence"]
    columns += [COLUMNS["note"], COLUMNS["evidence"]]
    if ctx.targets is not None:
        keys += ["target", "gap", "needed"]
        columns += [COLUMNS["target"], COLUMNS["gap"], COLUMNS["needed"]]
    _header(sheet, columns)
    validations = _Validations(sheet, ctx.choices)
    for number, (area, item) in enumerate(rows, start=2):
        values: dict[str, object] = {"id": item.id, "area": cell_text(area),
                                     "item": ctx.text(item.name)}
        for value in scale.values:
            at = [p for p in item.practices if p.level == value]
            if not at:
                values[f"level:{value}"] = "—"
                continue
            values[f"level:{value}"] = "\n".join(
                f"• {ctx.text(p.text) or p.id}" for p in at)
            values[f"answer:{value}"] = _cell_value(_one(
                [ctx.answers.get(p.id) for p in at], "answer", item))
            sets = {p.answer_set or "" for p in at}
            validations.add(sets.pop() if len(sets) == 1 else "",
                            f"{_letter(keys.index(f'answer:{value}') + 1)}{number}")
        detail = _one([ctx.details.get(p.id) or AnswerDetail() for p in item.practices],
                      "note and evidence", item) if item.practices else None
        values.update(_detail_cells(detail))  # type: ignore[arg-type]
        if ctx.targets is not None:
            values.update(_target_cells(ctx, item, item.practices))
        _write_row(sheet, number, keys, values)
