"""Levels and level scales.

A scale is a run of consecutive integer values starting at 0 or 1, each with a name.
Level 0 always means "below the first level": on a 1..5 scale an item that does not meet
level 1 is at level 0, even though 0 is not one of the scale's own levels.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence

import attrs

from maturity_model._messages import translator
from maturity_model.languages import TEXT, as_text, in_language

__all__ = ["Level", "LevelScale"]


@attrs.frozen(kw_only=True)
class Level:
    """One level of a scale: an integer value, a name and a short description.

    >>> Level(value=3, name="Defined")
    Level(value=3, name='Defined', description='')
    """

    value: int
    name: str = attrs.field(default="", converter=as_text, metadata=TEXT)
    description: str = attrs.field(default="", converter=as_text, metadata=TEXT)

    @property
    def label(self) -> str:
        """``"Level 3 (Defined)"``, or ``"Level 3"`` when the level has no name.

        >>> Level(value=3, name="Defined").label
        'Level 3 (Defined)'
        """
        return f"Level {self.value} ({self.name})" if self.name else f"Level {self.value}"


def _to_levels(levels: Iterable[Level]) -> tuple[Level, ...]:
    return tuple(levels)


@attrs.frozen
class LevelScale:
    """The ordered levels of a model.

    Build one from names with :meth:`of`, or from :class:`Level` objects:

    >>> scale = LevelScale.of("Initial", "Foundation", "Full", "Good", "Outstanding")
    >>> scale.values
    (1, 2, 3, 4, 5)
    >>> scale[2].name
    'Foundation'
    >>> scale.bottom, scale.top
    (0, 5)

    Whether the values are consecutive and start at 0 or 1 is checked by
    :func:`maturity_model.check`, which reports every problem at once.
    """

    levels: tuple[Level, ...] = attrs.field(converter=_to_levels)

    @classmethod
    def of(cls, *names: str, start: int = 1) -> LevelScale:
        """A scale whose levels have these names, numbered from ``start`` (0 or 1).

        >>> LevelScale.of("None", "Basic", "Advanced", start=0).values
        (0, 1, 2)
        """
        return cls(tuple(Level(value=start + i, name=n) for i, n in enumerate(names)))

    @classmethod
    def range(cls, first: int, last: int) -> LevelScale:
        """An unnamed scale ``first..last``.

        >>> LevelScale.range(1, 3).values
        (1, 2, 3)
        """
        return cls(tuple(Level(value=v) for v in range(first, last + 1)))

    @property
    def values(self) -> tuple[int, ...]:
        """The level values, in order."""
        return tuple(level.value for level in self.levels)

    @property
    def first(self) -> int:
        """The value of the scale's first level (0 or 1)."""
        return self.levels[0].value if self.levels else 0

    @property
    def top(self) -> int:
        """The value of the highest level."""
        return self.levels[-1].value if self.levels else 0

    @property
    def bottom(self) -> int:
        """The lowest level a result can have: always 0 ("below the first level")."""
        return 0

    def name(self, value: int, lang: str | None = None, default: str | None = None) -> str:
        """The name of level ``value``; ``"below level 1"`` for 0 on a 1-based scale.

        :param lang: a BCP 47 tag: the name in that language, with fallback (see
            :func:`maturity_model.languages.in_language`); the default text when omitted.
        :param default: the tag tried after ``lang`` (the model's language).

        >>> LevelScale.of("Initial", "Managed").name(0)
        'below level 1'
        >>> LevelScale.of("Initial", "Managed").name(0, lang="zh")
        '低于 1 级'
        """
        for level in self.levels:
            if level.value == value:
                return in_language(level.name, lang, default)
        if value == 0:
            return translator(lang).gettext("below level {first}").format(first=self.first)
        raise KeyError(value)

    def __getitem__(self, value: int) -> Level:
        for level in self.levels:
            if level.value == value:
                return level
        raise KeyError(value)

    def __contains__(self, value: object) -> bool:
        return any(level.value == value for level in self.levels)

    def __iter__(self) -> Iterator[Level]:
        return iter(self.levels)

    def __len__(self) -> int:
        return len(self.levels)

    def is_consecutive(self) -> bool:
        """Whether the values are consecutive integers starting at 0 or 1.

        >>> LevelScale.range(1, 4).is_consecutive()
        True
        """
        values: Sequence[int] = self.values
        return bool(values) and values[0] in (0, 1) and all(
            b == a + 1 for a, b in itertools.pairwise(values)
        )
