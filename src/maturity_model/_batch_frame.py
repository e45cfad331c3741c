"""pandas frames in and out of the batch engine (private; pandas is imported lazily).

A frame row is one assessment. Numeric columns are taken as answer values; other columns
are resolved value by value (each distinct value once) with the rules the object API
uses for one answer, so ``"n/a"``, ``"yes"`` and answer-set labels mean what they mean in
an assessment file. An empty cell is "no answer": a practice with a metric criterion is
then judged from the observation columns, as :func:`~maturity_model.score` does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from maturity_model._batch_kernel import judge_metrics
from maturity_model._batch_plan import BoolArray, FloatArray, Plan
from maturity_model.errors import AssessmentValidationError, MissingExtraError, Problem
from maturity_model.evidence import Answer, _resolve_one

if TYPE_CHECKING:
    import pandas as pd


def _pandas() -> Any:
    try:
        import pandas as pd
    except ImportError:
        raise MissingExtraError("pandas", "pandas") from None
    return pd


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python value the object API resolves."""
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def _resolve_column(plan: Plan, name: str, j: int, column: Any, values: FloatArray,
                    na: BoolArray, problems: list[Problem]) -> BoolArray:
    """Fill practice column ``j``; returns where the cell was empty."""
    pd = _pandas()
    dtype = column.dtype
    if pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
        numbers = column.to_numpy(dtype=np.float64, na_value=np.nan)
        values[:, j] = numbers
        empty: BoolArray = np.isnan(numbers)
        return empty
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    practice = plan.model.practice(name)
    table = np.full(len(uniques) + 1, np.nan)
    is_na = np.zeros(len(uniques) + 1, dtype=np.bool_)
    for k, raw in enumerate(uniques):
        answer = _resolve_one(plan.model, practice, _plain(raw), f"$[{name!r}]")
        if not isinstance(answer, Answer):
            problems.append(answer)
        elif answer.status == "n/a":
            is_na[k] = True
        elif answer.status != "unknown":
            table[k] = answer.value
    values[:, j] = table[codes]  # code -1 (an empty cell) picks the trailing NaN
    na[:, j] = is_na[codes]
    return np.asarray(codes < 0)


def frame_input(plan: Plan, frame: pd.DataFrame, *, strict: bool,
                ) -> tuple[FloatArray, BoolArray, FloatArray]:
    """``(values, na, observations)`` for the rows of ``frame``."""
    rows = len(frame)
    values = np.full((rows, plan.n_practices), np.nan)
    na = np.zeros(values.shape, dtype=np.bool_)
    observations = np.full((rows, len(plan.metric_names)), np.nan)
    empty = np.ones(values.shape, dtype=np.bool_)
    practices = {pid: j for j, pid in enumerate(plan.practice_ids)}
    metrics = {name: k for k, name in enumerate(plan.metric_names)}
    problems: list[Problem] = [
        Problem.error("duplicate-id", f"$[{name!r}]",
                      f"column {name!r} appears more than once")
        for name in dict.fromkeys(frame.columns[frame.columns.duplicated()])]
    if problems:  # frame[name] would be a frame, not a column
        raise AssessmentValidationError(problems)
    unknown = [str(c) for c in frame.columns if c not in practices and c not in metrics]
    if unknown and strict:
        problems.extend(Problem.error("unknown-practice", f"$[{c!r}]",
                                      f"model {plan.model.id!r} has no practice or metric "
                                      f"{c!r}") for c in unknown)
    for name in frame.columns:
        if name in practices:
            j = practices[name]
            empty[:, j] = _resolve_column(plan, name, j, frame[name], values, na, problems)
        elif name in metrics:
            observations[:, metrics[name]] = frame[name].to_numpy(dtype=np.float64,
                                                                  na_value=np.nan)
    if problems:
        raise AssessmentValidationError(problems)
    judge_metrics(plan, values, observations, empty & ~na)
    return values, na, observations


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
