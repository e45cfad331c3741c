"""Where display code plugs into the core (private).

The core's thin display methods (``Profile.explain``, ``Profile._repr_html_``,
``Profile.to_frame``) look their formatter up here by name; the package's ``__init__``
registers the display modules' functions when it is imported. So the core never imports
display code, and display code may import the core freely (pandas keeps its formatters
the same way: above the frame, reached through a thin method).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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
