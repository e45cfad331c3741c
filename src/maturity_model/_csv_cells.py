"""The one CSV row function: every CSV the library writes passes its rows through here.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some, a
tab or carriage return) as a formula, so a subject or node name taken from a user's file
could run in a reader's spreadsheet. Following OWASP's advice on CSV injection, such a text
cell gets a leading single quote, which spreadsheets show as text. Only text is touched:
numbers are written as numbers, so a delta of ``-0.5`` stays a number.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

#: The first characters that make a spreadsheet read a cell as a formula.
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")


def safe_text(text: str) -> str:
    r"""``text`` with a leading ``'`` when a spreadsheet would read it as a formula.

    >>> [safe_text(t) for t in ["=1+1", "-team", "@x", "\tx", "team-a", ""]]
    ["'=1+1", "'-team", "'@x", "'\tx", 'team-a', '']
    """
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_row(cells: Iterable[object], *, safe: bool = True) -> list[object]:
    """A row for :func:`csv.writer`: text cells made safe (unless ``safe`` is false).

    ``None`` becomes an empty cell; numbers pass as they are.

    >>> csv_row(["=HYPERLINK(1)", -0.5, 2, None])
    ["'=HYPERLINK(1)", -0.5, 2, '']
    >>> csv_row(["=x"], safe=False)
    ['=x']
    """
    if not safe:
        return ["" if c is None else c for c in cells]
    return ["" if c is None else safe_text(c) if isinstance(c, str) else c for c in cells]
