"""Answers of many factorised columns at once: one lookup table, one gather (private).

:func:`~maturity_model._answer_cells.resolve_cells` resolves one column; a table of 335
practice columns then costs a dozen numpy calls per column and chunk. Here every distinct
cell of every column is resolved the same way (:func:`~maturity_model._answer_cells.plain_cell`,
then :func:`~maturity_model.evidence._resolve_one`: the meaning is still written once),
its outcome put in one lookup table, and the whole chunk is read out of it by a single
gather over a matrix of codes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import attrs
import numpy as np

from maturity_model._answer_cells import BoolArray, FloatArray, IntArray, plain_cell
from maturity_model.errors import Problem
from maturity_model.evidence import Answer, _resolve_one
from maturity_model.model import MaturityModel, Practice

#: What a cell is, in the lookup table's flag column.
VALUE: Final = 0
NA: Final = 1
EMPTY: Final = 2  # no answer: missing, blank or unknown (a metric may judge it)
INVALID: Final = 3


@attrs.frozen(kw_only=True)
class ResolvedTable:
    """The answers of a chunk of rows, one column per practice of the plan.

    :param values: answer values, NaN where unknown, N/A, empty or not an answer.
    :param na: true where the cell is N/A.
    :param empty: true where the cell holds no answer.
    :param problems: the rows with cells that are not answers, and their problems (in
        column order).
    """

    values: FloatArray
    na: BoolArray
    empty: BoolArray
    problems: dict[int, list[Problem]]


def resolve_columns(model: MaturityModel, practices: Sequence[Practice], n_rows: int,
                    columns: Sequence[tuple[int, tuple[Sequence[Any], IntArray]]],
                    paths: Sequence[str]) -> ResolvedTable:
    """Resolve factorised practice columns: ``(plan column, (uniques, codes))`` each.

    ``uniques[codes[r]]`` is row ``r``'s cell, a code of -1 a missing cell; a plan column
    that no table column fills holds no answer. ``paths[j]`` names plan column ``j`` in
    problems. Each cell means what :func:`~maturity_model._answer_cells.resolve_cells`
    gives it.

    >>> import maturity_model as mm
    >>> m = mm.MaturityModel(id="m", domains=[mm.Domain(id="d", items=[
    ...     mm.CapabilityItem(id="i", practices=[mm.Practice(id="p", level=1),
    ...                                          mm.Practice(id="q", level=1)])])])
    >>> t = resolve_columns(m, tuple(m.practices()), 3, [(1, (["yes", "n/a", "2"],
    ...                     np.array([0, 1, 2])))], ["$.answers['p']", "$.answers['q']"])
    >>> t.values.tolist(), t.na.tolist(), t.empty.tolist()
    ([[nan, 1.0], [nan, nan], [nan, nan]], [[False, False], [False, True], [False, False]], \
[[True, False], [True, False], [True, False]])
    >>> [(row, [p.code for p in ps]) for row, ps in t.problems.items()]
    [(2, ['invalid-value'])]
    """
    values: list[float] = [np.nan]  # slot 0: a plan column no table column fills
    flags: list[int] = [EMPTY]
    # a row of codes per plan column (each filled in one contiguous write), read out
    # through its transpose: the gathers below give row-major results either way
    by_column = np.zeros((len(practices), n_rows), dtype=np.intp)
    invalid_columns: list[int] = []
    # A cell means the same in every column of one answer set: only its id is read of
    # the practice, and only to name it in a problem (made again for the rows below).
    meanings: dict[tuple[str | None, Any], tuple[float, int]] = {}
    for j, (uniques, column_codes) in columns:
        practice = practices[j]
        answer_set = practice.answer_set
        base = len(values)
        values.append(np.nan)  # each column's slot for code -1 (a missing cell)
        flags.append(EMPTY)
        invalid = False
        for cell in uniques:
            key = (answer_set, cell)
            meaning = meanings.get(key)
            if meaning is None:
                meaning = meanings[key] = _meaning(model, practice, cell, paths[j])
            values.append(meaning[0])
            flags.append(meaning[1])
            invalid = invalid or meaning[1] == INVALID
        if invalid:
            invalid_columns.append(j)
        np.add(column_codes, base + 1, out=by_column[j])
    codes = by_column.T
    flag_table = np.array(flags, dtype=np.int8)
    found = flag_table[codes]
    problems: dict[int, list[Problem]] = {}
    if invalid_columns:
        bad = found[:, invalid_columns] == INVALID
        uniques_of = dict(columns)
        for row, k in zip(*np.nonzero(bad), strict=True):
            j = invalid_columns[int(k)]
            uniques, column_codes = uniques_of[j]
            problem = _resolve_one(model, practices[j],
                                   plain_cell(uniques[int(column_codes[row])]), paths[j])
            assert isinstance(problem, Problem)
            problems.setdefault(int(row), []).append(problem)
    return ResolvedTable(values=np.array(values)[codes], na=found == NA, empty=found == EMPTY,
                         problems=problems)


def _meaning(model: MaturityModel, practice: Practice, cell: Any, path: str,
             ) -> tuple[float, int]:
    raw = plain_cell(cell)
    if raw is None:
        return np.nan, EMPTY
    answer = _resolve_one(model, practice, raw, path)
    if not isinstance(answer, Answer):
        return np.nan, INVALID
    if answer.status == "n/a":
        return np.nan, NA
    if answer.status == "unknown":
        return np.nan, EMPTY
    assert answer.value is not None
    return answer.value, VALUE
