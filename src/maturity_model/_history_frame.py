"""A history as a long pandas DataFrame (private; pandas is imported when called)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from maturity_model.errors import MissingExtraError

if TYPE_CHECKING:
    import pandas as pd


def history_frame(names: Sequence[str], codes: NDArray[np.intp], ordinals: NDArray[np.int64],
                  model: tuple[str, str], node_ids: Sequence[str],
                  info: Sequence[tuple[str, str, str | None]], scores: NDArray[np.float64],
                  levels: NDArray[np.int16]) -> pd.DataFrame:
    """One row per profile and node, built column by column (no row objects).

    Text columns are categoricals made from codes, so 100,000 profiles of a 70-node model
    (seven million rows) cost a few arrays, not seven million strings.
    """
    try:
        import pandas
    except ImportError:
        raise MissingExtraError("pandas", "pandas") from None
    rows, width = scores.shape
    node_codes = np.tile(np.arange(width), rows)
    days, day_codes = np.unique(ordinals, return_inverse=True)
    day_names = [datetime.date.fromordinal(int(d)).isoformat() for d in days]

    def categorical(row_codes: Any, categories: Sequence[Any]) -> Any:
        return pandas.Categorical.from_codes(
            row_codes, categories=pandas.Index(list(categories), dtype=object))

    def per_node(values: Sequence[Any]) -> Any:
        distinct = list(dict.fromkeys(v for v in values if v is not None))
        where = {v: k for k, v in enumerate(distinct)}
        node_values = np.array([where.get(v, -1) for v in values], dtype=np.intp)
        return categorical(node_values[node_codes], distinct)  # -1: missing (the root's parent)

    level_values = levels.reshape(-1)
    return pandas.DataFrame({
        "subject": categorical(np.repeat(codes, width), names),
        "date": categorical(np.repeat(day_codes, width), day_names),
        "model": categorical(np.zeros(rows * width, dtype=np.intp), [model[0]]),
        "model_version": categorical(np.zeros(rows * width, dtype=np.intp), [model[1]]),
        "node_id": categorical(node_codes, node_ids),
        "kind": per_node([i[0] for i in info]),
        "name": per_node([i[1] for i in info]),
        "parent": per_node([i[2] for i in info]),
        "score": scores.reshape(-1),
        "level": pandas.arrays.IntegerArray(level_values.astype(np.int16), level_values < 0),
    })
