"""Plain records and pandas frames for the table views (``to_records`` / ``to_frame``).

pandas is an optional extra: it is imported only when a frame is asked for, and its
absence is a :class:`~maturity_model.errors.MissingExtraError` naming the extra.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from maturity_model.errors import MissingExtraError

if TYPE_CHECKING:
    import pandas as pd

    from maturity_model.levels import LevelScale
    from maturity_model.profile import Result


def frame(records: Sequence[dict[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    """A DataFrame of ``records`` with exactly these columns, in this order.

    :raises MissingExtraError: pandas is not installed.
    """
    try:
        import pandas as pd
    except ImportError:
        raise MissingExtraError("pandas", "pandas") from None
    return pd.DataFrame.from_records(list(records), columns=list(columns))


RESULT_COLUMNS = ("node_id", "kind", "name", "parent", "score", "level", "level_name")


def result_record(result: Result, scale: LevelScale | None = None) -> dict[str, Any]:
    """The plain fields of a result, as the table views show them.

    With the profile's ``scale`` the record has a ``level_name`` beside the ``level``
    (``None`` when the node is not assessed, ``""`` for a level the scale does not name).

    >>> from maturity_model import LevelScale, Result
    >>> result_record(Result(node_id="i", kind="item", score=2.5, level=2),
    ...               LevelScale.of("Initial", "Managed"))["level_name"]
    'Managed'
    """
    record = {"node_id": result.node_id, "kind": result.kind, "name": result.name,
              "parent": result.parent, "score": result.score, "level": result.level}
    if scale is not None:
        record["level_name"] = None if result.level is None else _level_name(scale,
                                                                              result.level)
    return record


def _level_name(scale: LevelScale, level: int) -> str:
    try:
        return scale.name(level)
    except KeyError:
        return ""
