r"""What the cells of an assessment form hold, and how they are read back (private).

:mod:`maturity_model.forms` writes and reads the workbook; this module fixes its layout
(sheet and column names), the text of the evidence cell, and the one function through
which model text reaches the form (:func:`pick_text`).

The evidence cell holds one record per line: ``title | link | date | reviewer``, the date
as ``YYYY-MM-DD``; trailing fields may be left out, and a line with one field is a link
without a title. A link with a scheme (``https:``) is a URL, anything else a path. Inside a
field, ``\`` is written ``\\``, ``|`` is written ``\|`` and a line break ``\n``.

>>> line = evidence_line(EvidenceRecord(title="CI | CD", url="https://ci.example.com",
...                                     date=datetime.date(2026, 10, 1)))
>>> line
'CI \\| CD | https://ci.example.com | 2026-10-01'
>>> parse_evidence(line)[0] == EvidenceRecord(title="CI | CD", url="https://ci.example.com",
...                                           date=datetime.date(2026, 10, 1))
True
"""

from __future__ import annotations

import datetime
import re
from typing import Final

from maturity_model._answer_details import EvidenceRecord
from maturity_model.languages import in_language

__all__ = [
    "COLUMNS",
    "FORM_FORMAT",
    "ITEM_ID_HEADER",
    "LISTS_SHEET",
    "META_SHEET",
    "OBSERVATIONS_SHEET",
    "PLAIN_CHOICES",
    "README_SHEET",
    "answer_header",
    "answer_level",
    "evidence_line",
    "evidence_text",
    "level_header",
    "parse_evidence",
    "pick_text",
    "sheet_titles",
]

#: The value of the ``format`` key on the hidden sheet that marks a form.
FORM_FORMAT: Final = "maturity-form/1"
README_SHEET: Final = "Readme"
OBSERVATIONS_SHEET: Final = "Observations"
#: Hidden: key/value rows (format, model, model_version, language).
META_SHEET: Final = "_form"
#: Hidden: the choices of each drop-down, one column per list.
LISTS_SHEET: Final = "_lists"

#: Choices of a practice without an answer set (a number from 0 to 1 is accepted too).
PLAIN_CHOICES: Final = ("yes", "no", "n/a")

#: Answer sheet columns: header text and width. The first (hidden) holds practice ids.
COLUMNS: Final = {
    "id": ("practice id", 14),
    "area": ("Area", 24),
    "item": ("Item", 28),
    "level": ("Level", 16),
    "practice": ("Practice", 60),
    "answer": ("Answer", 22),
    "note": ("Note", 40),
    "evidence": ("Evidence (one per line: title | link | date | reviewer)", 50),
    "target": ("Target level", 12),
    "gap": ("Levels to go", 12),
    "needed": ("Needed for target", 16),
}

#: The header of the hidden id column of a sheet with one row per item.
ITEM_ID_HEADER: Final = "item id"
_ANSWER_HEADER: Final = re.compile(r"Answer (-?[0-9]+)")


def level_header(value: int, name: str) -> str:
    """The header of a level's text column on a sheet with one row per item.

    >>> level_header(3, "Comprehensive")
    'Level 3: Comprehensive'
    """
    return f"Level {value}: {name}" if name else f"Level {value}"


def answer_header(value: int) -> str:
    """The header of a level's answer column on a sheet with one row per item.

    >>> answer_header(3), answer_level("Answer 3"), answer_level("Answer")
    ('Answer 3', 3, None)
    """
    return f"Answer {value}"


def answer_level(header: object) -> int | None:
    """The level of an answer column header written by :func:`answer_header`, or ``None``."""
    match = _ANSWER_HEADER.fullmatch(header) if isinstance(header, str) else None
    return int(match.group(1)) if match else None


#: Sheet names Excel refuses, and the longest name it takes.
_BAD_TITLE: Final = re.compile(r"[\[\]:*?/\\]")
_MAX_TITLE: Final = 31
_RESERVED: Final = frozenset(
    t.casefold() for t in (README_SHEET, OBSERVATIONS_SHEET, META_SHEET, LISTS_SHEET,
                           "History"))
_SCHEME: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+:")
_SPLIT: Final = re.compile(r"(?<!\\)((?:\\\\)*)\|")


def pick_text(text: str, lang: str | None) -> str:
    """The text of a model string in language ``lang``: the one place a form picks one.

    A localised text gives the tag asked for, then its shorter forms (``zh-Hans`` →
    ``zh``), then the model's language (:func:`maturity_model.languages.in_language`);
    a plain string is itself.

    >>> from maturity_model import LocalText
    >>> pick_text(LocalText({"en": "Version control", "zh": "版本控制"}), "zh-CN")
    '版本控制'
    >>> pick_text("Version control", "zh-CN")
    'Version control'
    """
    return in_language(text, lang)


def sheet_titles(names: list[str]) -> list[str]:
    """One valid, distinct worksheet title per name, in order.

    >>> sheet_titles(["Build: CI/CD", "Build: CI/CD", "Readme", ""])
    ['Build CICD', 'Build CICD (2)', 'Readme (2)', 'Sheet 4']
    """
    titles: list[str] = []
    taken = set(_RESERVED)
    for k, name in enumerate(names, start=1):
        base = " ".join(_BAD_TITLE.sub("", name).split()).strip("'")[:_MAX_TITLE].strip()
        base = base or f"Sheet {k}"
        title, n = base, 1
        while title.casefold() in taken:
            n += 1
            suffix = f" ({n})"
            title = base[:_MAX_TITLE - len(suffix)].rstrip() + suffix
        taken.add(title.casefold())
        titles.append(title)
    return titles


def _escape(text: str) -> str:
    # The cell's own field syntax (not markup): a backslash before \ and |, \n for a break.
    return re.sub(r"[\\|]", lambda m: "\\" + m.group(0), text.replace("\r", "")).replace(
        "\n", "\\n")


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), text)


def evidence_line(record: EvidenceRecord) -> str:
    """One evidence record as a line of the evidence cell."""
    fields = [record.title, record.link,
              "" if record.date is None else record.date.isoformat(), record.reviewer or ""]
    while len(fields) > 2 and not fields[-1]:
        fields.pop()
    return " | ".join(_escape(f) for f in fields)


def evidence_text(records: tuple[EvidenceRecord, ...]) -> str:
    """The evidence cell: one line per record."""
    return "\n".join(evidence_line(r) for r in records)


def parse_evidence(text: str) -> list[EvidenceRecord | str]:
    r"""The records of an evidence cell; a line that cannot be read gives why, as text.

    >>> parse_evidence("audit.pdf\nMinutes | notes/m.md | 1 May")
    ... # doctest: +NORMALIZE_WHITESPACE
    [EvidenceRecord(title='', url=None, path='audit.pdf', date=None, reviewer=None),
     "line 2: '1 May' is not a date (YYYY-MM-DD)"]
    """
    found: list[EvidenceRecord | str] = []
    for number, line in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        if not line.strip():
            continue
        fields = [_unescape(f.strip()) for f in _split(line)]
        if len(fields) == 1:
            fields.insert(0, "")
        if len(fields) > 4:
            found.append(f"line {number}: more than 4 fields (title | link | date | reviewer)")
            continue
        title, link, day, reviewer = (*fields, "", "")[:4]
        date: datetime.date | None = None
        if day:
            try:
                date = datetime.date.fromisoformat(day)
            except ValueError:
                found.append(f"line {number}: {day!r} is not a date (YYYY-MM-DD)")
                continue
        is_url = _SCHEME.match(link) is not None
        found.append(EvidenceRecord(title=title, url=link if is_url else None,
                                    path=None if is_url else link, date=date,
                                    reviewer=reviewer))
    return found


def _split(line: str) -> list[str]:
    parts: list[str] = []
    start = 0
    for match in _SPLIT.finditer(line):
        end = match.end() - 1  # the bar itself; the backslashes before it stay
        parts.append(line[start:end])
        start = match.end()
    parts.append(line[start:])
    return parts
