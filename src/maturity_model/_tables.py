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


RESULT_COLUMNS = ("node_id", "kind", "name", "parent", "score", "level")


def result_record(result: Result) -> dict[str, Any]:
    """The plain fields of a result, as the table views show them."""
    return {"node_id": result.node_id, "kind": result.kind, "name": result.name,
            "parent": result.parent, "score": result.score, "level": result.level}
