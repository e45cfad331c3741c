"""A history as a long pandas DataFrame (private; pandas is imported when called)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from maturity_model.errors import MissingExtraError

if TYPE_CHECKING:
    import pandas as pd

    from maturity_model.history import History


def history_records(history: History) -> list[dict[str, Any]]:
    """One plain dict per profile and node (see :meth:`History.to_records`)."""
    from maturity_model.profile import IDENTITY_COLUMNS

    out = []
    model_id = history.model_id
    for k in range(len(history)):
        identity = [history._names[history._codes[k]], history._date(k).isoformat(),
                    model_id, history._versions[history._version_of[k]]]
        for column, (node_id, (kind, name, parent)) in enumerate(
                zip(history._node_ids, history._node_info, strict=True)):
            score, level = history._value(k, column)
            out.append({**dict(zip(IDENTITY_COLUMNS, identity, strict=True)),
                        "node_id": node_id, "kind": kind, "name": name,
                        "parent": parent, "score": score, "level": level})
    return out


def history_frame(history: History) -> pd.DataFrame:
    """One row per profile and node, built column by column (no row objects).

    Text columns are categoricals made from codes, so 100,000 profiles of a 70-node model
    (seven million rows) cost a few arrays, not seven million strings.
    """
    try:
        import pandas
    except ImportError:
        raise MissingExtraError("pandas", "pandas") from None
    names, codes, ordinals = history._names, history._codes, history._ordinals
    node_ids, info = history._node_ids, history._node_info
    scores, levels = history._scores, history._levels
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
        "model": categorical(np.zeros(rows * width, dtype=np.intp), [history.model_id]),
        "model_version": categorical(np.repeat(history._version_of, width),
                                     history._versions or [""]),
        "node_id": categorical(node_codes, node_ids),
        "kind": per_node([i[0] for i in info]),
        "name": per_node([i[1] for i in info]),
        "parent": per_node([i[2] for i in info]),
        "score": scores.reshape(-1),
        "level": pandas.arrays.IntegerArray(level_values.astype(np.int16), level_values < 0),
    })
