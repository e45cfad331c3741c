"""Read-only mappings pickle (private).

Models, assessments and profiles hold their mappings as :class:`types.MappingProxyType`,
which the standard library cannot pickle; :func:`register` adds a reduction that pickles
one as its items and rebuilds it read-only, so that these objects travel to and from worker
processes (``multiprocessing``, ``concurrent.futures``, dask). Registering it makes any
read-only mapping picklable in this process, which changes nothing for code that did not
pickle one before.
"""

from __future__ import annotations

import copyreg
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any


def read_only(items: Mapping[Any, Any]) -> MappingProxyType[Any, Any]:
    """A read-only view of a new dict of ``items`` (what a pickled one is rebuilt as).

    >>> read_only({"a": 1})["a"]
    1
    """
    return MappingProxyType(dict(items))


def _reduce(proxy: MappingProxyType[Any, Any]) -> tuple[Any, tuple[dict[Any, Any]]]:
    return read_only, (dict(proxy),)


def register() -> None:
    """Let read-only mappings pickle in this process (the package calls it on import)."""
    copyreg.pickle(MappingProxyType, _reduce)
