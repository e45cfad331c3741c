"""Number checks that hold for every value a file can carry (huge ints, NaN, booleans)."""

from __future__ import annotations

import math


def is_number(value: object) -> bool:
    """A real number, and not a boolean."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def is_finite_number(value: object) -> bool:
    """A number that is finite as a float (an int too large for a float is not).

    >>> is_finite_number(10**400), is_finite_number(float("nan")), is_finite_number(3)
    (False, False, True)
    """
    if not is_number(value):
        return False
    try:
        return math.isfinite(value)  # type: ignore[arg-type]
    except OverflowError:
        return False
