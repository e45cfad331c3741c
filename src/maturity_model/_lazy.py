"""A read-only mapping whose values are built on first access: how profiles stay cheap.

:class:`maturity_model.profile.Profile` results and practice results are held in these;
:mod:`maturity_model.profile` re-exports the class.

>>> lazy = LazyResults({"a": 0, "b": 1}, str.upper)
>>> lazy["b"], len(lazy), dict(lazy)
('B', 2, {'a': 'A', 'b': 'B'})
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

__all__ = ["LazyResults"]

V = TypeVar("V")


class LazyResults(Mapping[str, V]):
    """A read-only mapping whose values are built on first access, then kept.

    Scoring fills a profile with these: a result, its coverage and counts, or a practice
    result costs nothing until something reads it. Equal to any mapping with the same
    items.
    """

    __slots__ = ("_build", "_built", "_keys")

    def __init__(self, keys: Mapping[str, Any], build: Callable[[str], V]) -> None:
        self._keys = keys
        self._build = build
        self._built: dict[str, V] = {}

    def __getitem__(self, key: str) -> V:
        value = self._built.get(key)
        if value is None:
            if key not in self._keys:
                raise KeyError(key)
            # Two threads may build one value at once: equal values, either is kept.
            value = self._built[key] = self._build(key)
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def __repr__(self) -> str:
        return f"{type(self).__name__}({dict(self.items())!r})"
