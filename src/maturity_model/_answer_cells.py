"""Answers from table cells: one meaning for CSV text, JSON-lines values and frame cells.

A column of a table is resolved once per *distinct* cell and spread back over its rows
with one numpy gather: a column of 100,000 rows usually holds a handful of distinct
answers, so the per-cell cost is an array index, not a Python call. The CSV reader, the
pyarrow reader and :meth:`~maturity_model.batch.CompiledModel.score_frame` all factorise a
column (each with its own fast tool) and call :func:`resolve_cells`, which gives every
distinct cell the meaning :func:`~maturity_model.evidence.resolve_answers` gives one
answer. Text cells first go through :func:`text_answer`, the meaning of a CSV cell.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import chain
from typing import Any, Final

import attrs
import numpy as np
from numpy.typing import NDArray

from maturity_model._numbers import is_finite_number
from maturity_model.errors import Problem
from maturity_model.evidence import Answer, RawAnswer, _resolve_one
from maturity_model.model import MaturityModel, Practice

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.intp]

_WORDS: Final = {"true": True, "false": False}


def text_answer(text: str) -> RawAnswer:
    """The raw answer a text cell stands for: blank is none, then booleans, then numbers.

    Anything else stays text, for :func:`resolve_cells` to read as ``n/a``, ``yes``/``no``
    or a label of the practice's answer set.

    >>> [text_answer(t) for t in [" ", "TRUE", "0.5", " N/A ", "Some"]]
    [None, True, 0.5, 'N/A', 'Some']
    """
    value = text.strip()
    if not value:
        return None
    folded = value.casefold()
    if folded in _WORDS:
        return _WORDS[folded]
    try:
        return float(value)
    except ValueError:
        return value


def plain_cell(value: Any) -> RawAnswer | Any:
    """A cell as the raw answer it holds: numpy scalars as Python values, NaN as none.

    >>> [plain_cell(v) for v in [np.float64(0.5), np.bool_(True), float("nan"), " yes"]]
    [0.5, True, None, 'yes']
    """
    if isinstance(value, str):
        return text_answer(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        value = float(value)
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return None
    return value


def factorize_text(cells: Sequence[str]) -> tuple[list[str], IntArray]:
    """The distinct cells of a column, sorted, and each row's index into them.

    >>> uniques, codes = factorize_text(["yes", "no", "yes"])
    >>> uniques, codes.tolist()
    (['no', 'yes'], [1, 0, 1])
    """
    uniques = sorted(set(cells))  # a set is built faster than dict.fromkeys
    index = {c: k for k, c in enumerate(uniques)}
    # map over a bound method stays in C: no Python frame per cell
    codes = np.fromiter(map(index.__getitem__, cells), dtype=np.intp, count=len(cells))
    return uniques, codes


def factorize_rows(rows: Sequence[Sequence[str]], width: int,
                   ) -> list[tuple[list[str], IntArray]]:
    """Every column of rows of ``width`` cells, each as :func:`factorize_text` gives it.

    The whole chunk is factorised at once (one set and one lookup over all its cells, in C),
    then each column keeps the distinct cells it holds, in the same sorted order.

    >>> [(u, c.tolist()) for u, c in factorize_rows([("a", "yes"), ("b", "no"),
    ...                                             ("a", "yes")], 2)]
    [(['a', 'b'], [0, 1, 0]), (['no', 'yes'], [1, 0, 1])]
    """
    flat = list(chain.from_iterable(rows))
    everything = sorted(set(flat))
    index = {c: k for k, c in enumerate(everything)}
    codes = np.fromiter(map(index.__getitem__, flat), dtype=np.intp, count=len(flat))
    by_column = np.ascontiguousarray(codes.reshape(len(rows), width).T)
    local = np.empty(len(everything), dtype=np.intp)
    out: list[tuple[list[str], IntArray]] = []
    for column in by_column:
        present = np.flatnonzero(np.bincount(column, minlength=len(everything)))
        local[present] = np.arange(len(present))
        out.append(([everything[k] for k in present.tolist()], local[column]))
    return out


@attrs.frozen(kw_only=True)
class ResolvedColumn:
    """The answers of one practice column, one entry per row.

    :param values: answer values, NaN where unknown, N/A, empty or not an answer.
    :param na: true where the cell is N/A.
    :param empty: true where the cell holds no answer (a metric may judge it).
    :param invalid: true where the cell is not an answer; :attr:`problems` says why.
    :param codes: each row's index into the distinct cells (-1: a missing cell).
    :param problems: the problem of each distinct cell that is not an answer, by index.
    """

    values: FloatArray
    na: BoolArray
    empty: BoolArray
    invalid: BoolArray
    codes: IntArray
    problems: dict[int, Problem]

    def row_problem(self, row: int) -> Problem:
        """The problem of an :attr:`invalid` row."""
        return self.problems[int(self.codes[row])]


def resolve_cells(model: MaturityModel, practice: Practice, uniques: Sequence[Any],
                  codes: IntArray, path: str) -> ResolvedColumn:
    """Resolve a factorised column: ``uniques[codes[r]]`` is row ``r``'s cell.

    Each distinct cell is resolved once, as :func:`~maturity_model.resolve_answers`
    resolves one answer (text through :func:`text_answer` first); a code of -1 is a
    missing cell.

    >>> import maturity_model as mm
    >>> m = mm.MaturityModel(id="m", domains=[mm.Domain(id="d", items=[
    ...     mm.CapabilityItem(id="i", practices=[mm.Practice(id="p", level=1)])])])
    >>> col = resolve_cells(m, m.practice("p"), ["yes", "N/A", "", "0.5", "2"],
    ...                     np.array([0, 1, 2, 3, 4, -1]), "$.answers['p']")
    >>> col.values.tolist(), col.na.tolist(), col.empty.tolist(), col.invalid.tolist()
    ([1.0, nan, nan, 0.5, nan, nan], [False, True, False, False, False, False], \
[False, False, True, False, False, True], [False, False, False, False, True, False])
    >>> col.row_problem(4).code
    'invalid-value'
    """
    size = len(uniques) + 1  # a trailing slot for code -1, a missing cell
    table = np.full(size, np.nan)
    is_na = np.zeros(size, dtype=np.bool_)
    is_empty = np.zeros(size, dtype=np.bool_)
    is_invalid = np.zeros(size, dtype=np.bool_)
    is_empty[-1] = True
    problems: dict[int, Problem] = {}
    for k, cell in enumerate(uniques):
        raw = plain_cell(cell)
        if raw is None:
            is_empty[k] = True
            continue
        answer = _resolve_one(model, practice, raw, path)
        if not isinstance(answer, Answer):
            is_invalid[k] = True
            problems[k] = answer
        elif answer.status == "n/a":
            is_na[k] = True
        elif answer.status == "unknown":
            is_empty[k] = True
        else:
            table[k] = answer.value
    return ResolvedColumn(values=table[codes], na=is_na[codes], empty=is_empty[codes],
                          invalid=is_invalid[codes], codes=codes, problems=problems)


def resolve_observations(uniques: Sequence[Any], codes: IntArray, path: str,
                         ) -> tuple[FloatArray, BoolArray, dict[int, Problem]]:
    """A factorised column of metric observations: ``(values, invalid, problems)``.

    >>> values, invalid, _ = resolve_observations(["3.5", "", "fast"], np.array([0, 1, 2]),
    ...                                           "$.observations['lead']")
    >>> values.tolist(), invalid.tolist()
    ([3.5, nan, nan], [False, False, True])
    """
    size = len(uniques) + 1
    table = np.full(size, np.nan)
    is_invalid = np.zeros(size, dtype=np.bool_)
    problems: dict[int, Problem] = {}
    for k, cell in enumerate(uniques):
        raw = plain_cell(cell)
        if raw is None:
            continue
        if not is_finite_number(raw):
            is_invalid[k] = True
            problems[k] = Problem.of("invalid-value", path,
                                     f"observation {cell!r} is not a finite number")
            continue
        table[k] = float(raw)
    return table[codes], is_invalid[codes], problems
