"""The one CSV row function: every CSV the library writes passes its rows through here.

(The numbers of the large tables ``maturity score`` writes are turned into text here too,
each distinct value once, and joined to text cells that went through :func:`csv_row`.)

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some, a
tab or carriage return) as a formula, so a subject or node name taken from a user's file
could run in a reader's spreadsheet. Following OWASP's advice on CSV injection, such a text
cell gets a leading single quote, which spreadsheets show as text. Only text is touched:
numbers are written as numbers, so a delta of ``-0.5`` stays a number.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Sequence
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

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


def csv_lines(rows: Iterable[Sequence[object]], *, safe: bool = True) -> list[str]:
    r"""Each row as :func:`csv.writer` writes it after :func:`csv_row`, without its line end.

    A row of two or more cells is a fragment that can be joined to others with a comma
    (a lone empty cell alone is written ``""``).

    >>> csv_lines([["a,b", "=x"], ["", "2026-01-02"]])
    ['"a,b",\'=x', ',2026-01-02']
    """
    lines: list[str] = []
    csv.writer(_Collect(lines), lineterminator="\n").writerows(
        csv_row(row, safe=safe) for row in rows)
    return [line[:-1] for line in lines]


def number_texts(values: NDArray[np.float64]) -> NDArray[np.object_]:
    """Each value as the csv module writes a float (``repr``), NaN as an empty cell.

    Each distinct value (by its bits: ``-0.0`` stays itself) is turned into text once.

    >>> number_texts(np.array([[0.5, np.nan], [-0.0, 0.5]])).tolist()
    [['0.5', ''], ['-0.0', '0.5']]
    """
    bits = np.ascontiguousarray(values, dtype=np.float64).view(np.int64)
    distinct, inverse = np.unique(bits.ravel(), return_inverse=True)
    table = np.array(["" if math.isnan(v) else repr(v)
                      for v in distinct.view(np.float64).tolist()] or [""], dtype=object)
    return table[inverse].reshape(values.shape)


def level_texts(levels: NDArray[np.integer[Any]]) -> NDArray[np.object_]:
    """Each level as text, a negative one (not assessed) as an empty cell.

    >>> level_texts(np.array([[2, -1], [0, 3]])).tolist()
    [['2', ''], ['0', '3']]
    """
    top = int(levels.max(initial=0))
    table = np.array(["", *(str(k) for k in range(top + 1))], dtype=object)
    return table[np.maximum(levels, -1) + 1]  # type: ignore[no-any-return]


class _Collect:
    """A file for :func:`csv.writer` that keeps each row it is given as a string."""

    def __init__(self, lines: list[str]) -> None:
        self.write = lines.append




#: Below this, the five answer counts of a node are packed in one integer to be told apart.
_COUNT_BITS: Final = 12


def count_texts(counts: NDArray[np.integer[Any]]) -> NDArray[np.object_]:
    """The last axis of ``counts`` joined as CSV cells: ``"met,partial,..."`` per node.

    Each distinct tuple of counts is turned into text once.

    >>> count_texts(np.array([[[1, 0, 2, 0, 0], [0, 0, 0, 0, 5000]]])).tolist()
    [['1,0,2,0,0', '0,0,0,0,5000']]
    """
    width = counts.shape[-1]
    if counts.size and (counts.min() < 0 or counts.max() >= 1 << _COUNT_BITS):
        joined = [",".join(map(str, c)) for c in counts.reshape(-1, width).tolist()]
        return np.array(joined, dtype=object).reshape(counts.shape[:-1])
    shifts = np.arange(width - 1, -1, -1, dtype=np.int64) * _COUNT_BITS
    keys = (counts.astype(np.int64) << shifts).sum(axis=-1)
    distinct, inverse = np.unique(keys.ravel(), return_inverse=True)
    mask = (1 << _COUNT_BITS) - 1
    table = np.array([",".join(str((key >> int(s)) & mask) for s in shifts.tolist())
                      for key in distinct.tolist()] or [""], dtype=object)
    return table[inverse].reshape(counts.shape[:-1])
