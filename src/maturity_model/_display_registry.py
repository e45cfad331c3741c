"""Where display code plugs into the core (private).

The core's thin display methods (``explain``, ``_repr_html_``, ``__repr__`` and
``to_frame`` of profiles, models, cohorts, diffs, gaps and roadmaps) look their formatter
up here by name; the package's ``__init__`` registers the display modules' functions when
it is imported. So the core never imports
display code, and display code may import the core freely (pandas keeps its formatters
the same way: above the frame, reached through a thin method).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

_FORMATTERS: dict[str, Callable[..., Any]] = {}


def register(**formatters: Callable[..., Any]) -> None:
    """Register display functions by name (a later registration replaces an earlier)."""
    _FORMATTERS.update(formatters)


def formatter(name: str) -> Callable[..., Any]:
    """The display function registered as ``name``.

    :raises LookupError: nothing registered it (``maturity_model`` was not imported
        through its package, which registers every formatter).
    """
    try:
        return _FORMATTERS[name]
    except KeyError:
        raise LookupError(f"no display function {name!r} is registered") from None


def frame(records: Sequence[dict[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    """The registered ``frame`` formatter: a DataFrame of ``records`` with these columns.

    :raises maturity_model.errors.MissingExtraError: pandas is not installed.
    """
    table: pd.DataFrame = formatter("frame")(records, columns)
    return table
