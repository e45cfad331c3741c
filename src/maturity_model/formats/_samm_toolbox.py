"""Reading a filled-in SAMM toolbox workbook, the way the workbook's own formulas read it.

The *Interview* sheet has one row per question: its id in column A, the answer (a label
picked from a drop-down) in the *Answer* column, and hidden formulas that score it::

    E = CHAR(65 + INDEX('imp-questions'!H:H, MATCH(A, 'imp-questions'!A:A, 0)))
    G = IFERROR(INDEX(INDIRECT("Ans" & E & "TBL"),
                      MATCH(F, INDEX(INDIRECT("Ans" & E & "TBL"), 0, 1), 0), 2), 0)
    H = IFERROR(AVERAGE(G of stream A, G of stream B at the same level), 0)
    J = SUM(H at levels 1, 2, 3)                      -- the practice's rating

``Ans<X>TBL`` is a block of the hidden *Lookups* sheet whose column N holds an answer-set
code and whose labels and values are looked up in the hidden *imp-answers* sheet by that
code. This module follows the same chain for the value of each answer (G); the sums and
means (H, J and the *Scorecard*) are :class:`~maturity_model.LevelSum` and
:class:`~maturity_model.Mean` of the SAMM model.
"""

from __future__ import annotations

import datetime
import re
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from maturity_model._numbers import is_finite_number
from maturity_model.errors import (
    AssessmentValidationError,
    Problem,
    UnknownNodeError,
)
from maturity_model.evidence import Assessment, RawAnswer
from maturity_model.formats._sources import shown
from maturity_model.formats._xlsx import reading
from maturity_model.model import MaturityModel

__all__ = ["activity_id", "excel_match", "read_toolbox", "read_toolbox_options"]

Options = list[tuple[str | None, float]]


def activity_id(toolbox_id: str) -> str | None:
    """The activity id of a toolbox question id (``function-practice-stream-level-n``).

    >>> activity_id("G-SM-A-1-1"), activity_id("D-SA-B-3-2"), activity_id("Overall")
    ('G-SM-1-A', 'D-SA-3-B', None)
    """
    match = re.fullmatch(r"([A-Z])-([A-Z0-9]+)-([A-Z])-(\d+)-\d+", toolbox_id.strip())
    if match is None:
        return None
    function, practice, stream, level = match.groups()
    return f"{function}-{practice}-{level}-{stream}"


def _pattern(value: str) -> list[list[str | None]]:
    """A ``MATCH`` lookup value as its parts between ``*`` wildcards.

    Each part is a list of characters (casefolded) and ``None`` for a ``?``; ``~`` escapes
    the next ``*``, ``?`` or ``~``.

    >>> _pattern("Ye~?s*f?")
    [['y', 'e', '?', 's'], ['f', None]]
    """
    parts: list[list[str | None]] = [[]]
    chars = iter(value)
    for ch in chars:
        if ch == "*":
            parts.append([])
        elif ch == "?":
            parts[-1].append(None)
        else:
            literal = ch
            if ch == "~":
                following = next(chars, "")
                literal = following if following in ("*", "?", "~") else ch + following
            parts[-1].extend(literal.casefold())
    return parts


def _fits(part: list[str | None], text: str, at: int) -> bool:
    return all(want is None or want == text[at + k] for k, want in enumerate(part))


def _find(part: list[str | None], text: str, start: int, stop: int) -> int:
    """The first position ``>= start`` where ``part`` fits and ends by ``stop``; -1 if none."""
    for at in range(start, stop - len(part) + 1):
        if _fits(part, text, at):
            return at
    return -1


def _wildcard_match(parts: list[list[str | None]], label: str) -> bool:
    # Each part between two '*' is taken at its first fit: any later fit leaves less room
    # for the parts after it, so this finds a match whenever there is one. The work is at
    # most len(label) * len(value), and a part longer than the label fails at once.
    text = label.casefold()
    first, last = parts[0], parts[-1]
    if len(parts) == 1:
        return len(first) == len(text) and _fits(first, text, 0)
    if len(first) + len(last) > len(text) or not _fits(first, text, 0) \
            or not _fits(last, text, len(text) - len(last)):
        return False
    at, stop = len(first), len(text) - len(last)
    for part in parts[1:-1]:
        found = _find(part, text, at, stop)
        if found < 0:
            return False
        at = found + len(part)
    return True


def excel_match(value: str, labels: Sequence[str | None]) -> int | None:
    """The position of the first label ``MATCH(value, labels, 0)`` finds; ``None`` if none.

    Like Excel and LibreOffice: case is ignored, ``*`` and ``?`` are wildcards and ``~``
    escapes them. No regular expression is built from the cell, so a cell of any content
    is matched in time proportional to its length times a label's.

    >>> labels = ["No", "Yes, for some", "Yes, for most"]
    >>> excel_match("no", labels), excel_match("Yes, for m*", labels), excel_match("Y", labels)
    (0, 2, None)
    >>> excel_match("*" * 10_000 + "?", labels), excel_match("(a+)+$" * 50, labels)
    (0, None)
    """
    parts = _pattern(value)
    for position, label in enumerate(labels):
        if isinstance(label, str) and _wildcard_match(parts, label):
            return position
    return None


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if is_finite_number(value) else None
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def _code(value: object) -> int | None:
    number = _number(value)
    return int(number) if number is not None and number.is_integer() else None


def _sheet(workbook: Any, name: str) -> Any:
    for title in workbook.sheetnames:
        if title.casefold() == name.casefold():
            return workbook[title]
    return None


def _answer_tables(answers: Any) -> dict[int, Options]:
    """Answer-set code -> [(label, value)], from the *imp-answers* sheet."""
    rows = list(answers.iter_rows(values_only=True))
    if not rows:
        return {}
    header = [str(h).strip().upper() if h is not None else "" for h in rows[0]]
    value_column = {h[:-2]: i for i, h in enumerate(header) if h.endswith("_W")}
    label_columns = [(i, value_column[h]) for i, h in enumerate(header)
                     if i > 0 and h and not h.endswith("_W") and h in value_column]
    tables: dict[int, Options] = {}
    for row in rows[1:]:
        code = _code(row[0]) if row and not isinstance(row[0], str) else None
        if code is None or code in tables:  # MATCH finds the first row of a code
            continue
        options: Options = []
        for label_at, value_at in label_columns:
            label = row[label_at] if label_at < len(row) else None
            value = _number(row[value_at]) if value_at < len(row) else None
            options.append((label if isinstance(label, str) else None,
                            value if value is not None else 0.0))
        tables[code] = options
    return tables


def _lookup_codes(workbook: Any) -> dict[str, int]:
    """Answer-set letter -> the code in column N of its ``Ans<X>TBL`` block of *Lookups*."""
    codes: dict[str, int] = {}
    try:
        names = dict(workbook.defined_names.items())
    except AttributeError:  # pragma: no cover - openpyxl < 3.1
        return codes
    for name, definition in names.items():
        match = re.fullmatch(r"Ans([A-Z])TBL", name, flags=re.IGNORECASE)
        if match is None:
            continue
        try:
            destinations = list(definition.destinations)
        except (AttributeError, TypeError, ValueError):
            continue
        for sheet_name, ref in destinations:
            sheet = _sheet(workbook, sheet_name)
            first = re.match(r"\$?[A-Z]+\$?(\d+)", ref)
            if sheet is None or first is None:
                continue
            code = _code(sheet.cell(row=int(first.group(1)), column=14).value)
            if code is not None:
                codes[match.group(1).upper()] = code
    return codes


def _question_codes(questions: Any) -> dict[str, int | None]:
    rows = list(questions.iter_rows(values_only=True))
    if not rows:
        return {}
    header = [str(h).strip().casefold() if h is not None else "" for h in rows[0]]
    id_at = header.index("id") if "id" in header else 0
    code_at = header.index("answer option") if "answer option" in header else 7
    codes: dict[str, int | None] = {}
    for row in rows[1:]:
        if len(row) <= max(id_at, code_at) or not isinstance(row[id_at], str):
            continue
        codes.setdefault(row[id_at].strip(), _code(row[code_at]))
    return codes


def _date(value: object) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _column_letter(column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_toolbox(path: Path, *, model: MaturityModel | None,
                 unanswered: Literal["unknown", "not-met"], model_id: str) -> Assessment:
    """Read the workbook; see :func:`maturity_model.formats.samm.load_toolbox`."""
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    with reading(path) as workbook:
        return _read(workbook, path.name or str(path), model, unanswered, model_id)


def _read(workbook: Any, name: str, model: MaturityModel | None,
          unanswered: Literal["unknown", "not-met"], model_id: str) -> Assessment:
    sheets = {key: _sheet(workbook, key) for key in ("Interview", "imp-questions",
                                                     "imp-answers")}
    missing = [key for key, sheet in sheets.items() if sheet is None]
    if missing:
        raise AssessmentValidationError([Problem.of(
            "invalid-value", f"{name}:$",
            f"not a SAMM toolbox workbook: it has no sheet {key!r}") for key in missing])
    for sheet in sheets.values():
        # A read-only sheet trusts the size the file declares; some writers get it wrong.
        sheet.reset_dimensions()
    tables = _answer_tables(sheets["imp-answers"])
    lookup = _lookup_codes(workbook)
    codes = _question_codes(sheets["imp-questions"])
    interview = sheets["Interview"]

    answer_column = 6
    details: dict[str, object] = {}
    values: dict[str, list[tuple[str | None, float | None]]] = {}
    cells: dict[str, str] = {}
    unmatched: list[str] = []
    for r, row in enumerate(interview.iter_rows(values_only=True), start=1):
        first = row[0] if row else None
        activity = activity_id(first) if isinstance(first, str) else None
        if activity is None:
            for c, cell in enumerate(row, start=1):
                if isinstance(cell, str) and cell.strip().casefold() == "answer" and not values:
                    answer_column = c
            label = row[1] if len(row) > 1 else None
            if isinstance(label, str) and len(row) > 3:
                details.setdefault(label.strip().rstrip(":").strip().casefold(), row[3])
            continue
        question = str(first).strip()
        raw = row[answer_column - 1] if len(row) >= answer_column else None
        where = f"Interview!{_column_letter(answer_column)}{r}"
        cells.setdefault(activity, where)
        entry: tuple[str | None, float | None] = (None, None)
        if isinstance(raw, str) and raw.strip():
            code = codes.get(question)
            options: Options | None = None
            if code is not None and 0 <= code < 26:
                # Without the workbook's Ans<X>TBL names, the code itself names the set.
                table = lookup.get(chr(65 + code)) if lookup else code
                options = tables.get(table) if table is not None else None
            position = excel_match(raw, [o[0] for o in options]) if options else None
            if options is not None and position is not None:
                entry = options[position]
            else:
                unmatched.append(f"{where} ({shown(raw)})")
        elif raw is not None and not isinstance(raw, str):
            unmatched.append(f"{where} ({shown(raw)})")
        values.setdefault(activity, []).append(entry)
    if unmatched:
        warnings.warn(
            f"{name}: {len(unmatched)} answer(s) match no label of their question and count "
            f"as unanswered, as in the workbook (0): {', '.join(unmatched[:10])}"
            + (" ..." if len(unmatched) > 10 else ""), UserWarning, stacklevel=4)
    answers, problems = _answers(values, cells, model, unanswered, name)
    if problems:
        raise AssessmentValidationError(problems)
    team = details.get("team/application")
    organization = details.get("organization")
    subject = next((str(v).strip() for v in (team, organization)
                    if v is not None and str(v).strip()), "")
    written = details.get("interview date")
    date = _date(written)
    if date is None and written is not None and str(written).strip():
        warnings.warn(f"{name}: the interview date {shown(written)} is not a date "
                      "(YYYY-MM-DD): the assessment has none", UserWarning, stacklevel=4)
    return Assessment(model=model.id if model is not None else model_id,
                      model_version=model.version if model is not None else None,
                      subject=subject, date=date, answers=answers)


def _answers(values: dict[str, list[tuple[str | None, float | None]]],
             cells: dict[str, str], model: MaturityModel | None,
             unanswered: Literal["unknown", "not-met"],
             name: str) -> tuple[dict[str, RawAnswer], list[Problem]]:
    answers: dict[str, RawAnswer] = {}
    problems: list[Problem] = []
    for activity, entries in values.items():
        given = [value for _, value in entries if value is not None]
        if not given and unanswered == "unknown":
            continue
        # Several questions of one activity (none in SAMM 2.0): their mean, blanks as 0.
        value = sum(given) / len(entries) if given else 0.0
        label = entries[0][0] if len(entries) == 1 else None
        answer: RawAnswer = value
        if model is not None:
            try:
                practice = model.practice(activity)
            except UnknownNodeError:
                if given:  # a blank row of an activity the model lacks says nothing
                    problems.append(Problem.of(
                        "unknown-practice", f"{name}:{cells[activity]}",
                        f"model {model.id!r} has no activity {activity!r}"))
                continue
            if label is not None and practice.answer_set is not None:
                options = next((s.options for s in model.answer_sets
                                if s.id == practice.answer_set), ())
                if any(o.label == label and o.value == value for o in options):
                    answer = label
        answers[activity] = answer
    return answers, problems


def read_toolbox_options(path: Path) -> tuple[dict[str, tuple[tuple[str, float], ...]], str]:
    """Each activity's answer options as the workbook offers them, and its model version.

    The options of an activity are those of its first question (label, value), in order;
    the version is the one the *Attribution and License* sheet names in B3 (``""`` when
    it names none).
    """
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    name = path.name or str(path)
    with reading(path) as workbook:
        questions, answers = _sheet(workbook, "imp-questions"), _sheet(workbook, "imp-answers")
        if questions is None or answers is None:
            raise AssessmentValidationError([Problem.of(
                "invalid-value", f"{name}:$",
                "not a SAMM toolbox workbook: it has no sheets 'imp-questions' and "
                "'imp-answers'")])
        for sheet in (questions, answers):
            sheet.reset_dimensions()
        tables = _answer_tables(answers)
        lookup = _lookup_codes(workbook)
        options: dict[str, tuple[tuple[str, float], ...]] = {}
        for question, code in _question_codes(questions).items():
            activity = activity_id(question)
            if activity is None or activity in options or code is None or not 0 <= code < 26:
                continue
            table = lookup.get(chr(65 + code)) if lookup else code
            found = tables.get(table) if table is not None else None
            if found:
                options[activity] = tuple((label, value) for label, value in found
                                          if label is not None)
        about = _sheet(workbook, "Attribution and License")
        version = about["B3"].value if about is not None else None
        return options, str(version).strip() if version is not None else ""
