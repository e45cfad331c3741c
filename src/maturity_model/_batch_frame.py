"""pandas frames in and out of the batch engine (private; pandas is imported lazily).

A frame row is one assessment. Every column is factorised by pandas and resolved once per
distinct cell by the function the CSV reader uses, so numbers, numeric strings,
``"n/a"`` in any case, ``"yes"``/``"no"`` and answer-set labels mean what they mean in a
CSV table or an assessment file. An empty cell is "no answer": a practice with a metric criterion is
then judged from the observation columns, as :func:`~maturity_model.score` does.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from maturity_model._answer_cells import IntArray, resolve_cells, resolve_observations
from maturity_model._batch_kernel import judge_metrics
from maturity_model._batch_plan import BoolArray, FloatArray, Plan
from maturity_model.errors import (
    AssessmentValidationError,
    MissingExtraError,
    NaNAnswerWarning,
    Problem,
)

if TYPE_CHECKING:
    import pandas as pd


def _pandas() -> Any:
    try:
        import pandas as pd
    except ImportError:
        raise MissingExtraError("pandas", "pandas") from None
    return pd


def _na_mask(frame: pd.DataFrame, na: Any) -> BoolArray | None:
    """``na`` as a boolean array shaped like ``frame`` (None: no mask given)."""
    pd = _pandas()
    if na is None:
        return None
    shape = frame.shape
    if na is False:
        return np.zeros(shape, dtype=np.bool_)
    mask: BoolArray
    if isinstance(na, pd.DataFrame):
        na = na.reindex(index=frame.index, columns=frame.columns, fill_value=False)
        mask = np.asarray(na.fillna(False).to_numpy(dtype=np.bool_), dtype=np.bool_)
    else:
        mask = np.asarray(na, dtype=np.bool_)
    if mask.shape != shape:
        raise ValueError(f"na has shape {mask.shape}; the frame {shape}")
    return mask


def _column_cells(pd: Any, column: Any) -> tuple[list[Any], IntArray]:
    """The distinct cells of a column and each row's code (-1: missing), by pandas."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    return list(uniques), np.asarray(codes, dtype=np.intp)


def _nan_not_none(pd: Any, column: Any, missing: BoolArray) -> bool:
    """Whether the column's missing text cells are NaN (what read_csv makes of ``n/a``).

    ``None`` written into an object column says "no answer" on purpose; a NaN may be an
    ``n/a`` that pandas' default ``na_values`` ate. A string dtype that marks missing
    with NaN (pandas 3's ``str``) cannot tell them apart, so it counts as NaN; so does a
    float column of nothing but NaN (a column of ``n/a`` after read_csv).
    """
    dtype = column.dtype
    if dtype.kind == "f":
        return bool(len(missing)) and bool(missing.all())
    if isinstance(dtype, pd.StringDtype):
        return bool(missing.any()) and dtype.na_value is not pd.NA
    if dtype.kind == "O":
        cells = column.to_numpy(dtype=object)[missing]
        return any(isinstance(c, float) for c in cells)
    return False


def frame_input(plan: Plan, frame: pd.DataFrame, *, strict: bool, na: Any = None,
                ) -> tuple[FloatArray, BoolArray, FloatArray]:
    """``(values, na, observations)`` for the rows of ``frame``.

    Every column is resolved by :func:`~maturity_model._answer_cells.resolve_cells`, the
    function the CSV reader uses, so a frame accepts what a CSV table accepts.
    """
    pd = _pandas()
    rows = len(frame)
    values = np.full((rows, plan.n_practices), np.nan)
    na_out = np.zeros(values.shape, dtype=np.bool_)
    observations = np.full((rows, len(plan.metric_names)), np.nan)
    empty = np.ones(values.shape, dtype=np.bool_)
    practices = {pid: j for j, pid in enumerate(plan.practice_ids)}
    metrics = {name: k for k, name in enumerate(plan.metric_names)}
    problems: list[Problem] = [
        Problem.of("duplicate-id", f"$[{name!r}]",
                   f"column {name!r} appears more than once")
        for name in dict.fromkeys(frame.columns[frame.columns.duplicated()])]
    if problems:  # frame[name] would be a frame, not a column
        raise AssessmentValidationError(problems)
    mask = _na_mask(frame, na)
    unknown = [str(c) for c in frame.columns if c not in practices and c not in metrics]
    if unknown and strict:
        problems.extend(Problem.of("unknown-practice", f"$[{c!r}]",
                                   f"model {plan.model.id!r} has no practice or metric "
                                   f"{c!r}") for c in unknown)
    suspicious: list[str] = []
    for position, name in enumerate(frame.columns):
        column = frame.iloc[:, position]
        if name in practices:
            j = practices[name]
            uniques, codes = _column_cells(pd, column)
            cells = resolve_cells(plan.model, plan.model.practice(name), uniques, codes,
                                  f"$[{name!r}]")
            problems.extend(cells.problems.values())
            values[:, j] = cells.values
            na_out[:, j] = cells.na
            empty[:, j] = cells.empty
            missing = codes < 0
            if mask is not None:
                na_out[:, j] |= mask[:, position]
                values[mask[:, position], j] = np.nan
            elif _nan_not_none(pd, column, missing):
                suspicious.append(str(name))
        elif name in metrics:
            uniques, codes = _column_cells(pd, column)
            observed, _, bad = resolve_observations(uniques, codes,
                                                    f"$.observations[{name!r}]")
            problems.extend(bad.values())
            observations[:, metrics[name]] = observed
    if problems:
        raise AssessmentValidationError(problems)
    # an "n/a" that survived anywhere shows that read_csv's defaults did not eat them
    if suspicious and not na_out.any():
        warnings.warn(NaNAnswerWarning(tuple(suspicious)), stacklevel=3)
    judge_metrics(plan, values, observations, empty & ~na_out)
    return values, na_out, observations


def result_frame(node_ids: Sequence[str], scores: FloatArray, levels: Any,
                 index: Any) -> pd.DataFrame:
    """Scores then nullable levels, one column per node."""
    pandas = _pandas()
    score_part = pandas.DataFrame(scores, columns=[f"score:{n}" for n in node_ids], index=index)
    level_part = pandas.DataFrame(
        {f"level:{n}": pandas.arrays.IntegerArray(levels[:, k].astype(np.int16),
                                             levels[:, k] < 0)
         for k, n in enumerate(node_ids)}, index=score_part.index)
    joined: pd.DataFrame = pandas.concat([score_part, level_part], axis=1)
    return joined
