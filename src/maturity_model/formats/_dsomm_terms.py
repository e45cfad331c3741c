"""What DSOMM's words mean, shared by its model and progress readers (private).

See :mod:`maturity_model.formats.dsomm`.
"""

from __future__ import annotations

import math
from typing import Final, cast

from maturity_model._numbers import is_finite_number

__all__ = ["MODEL_ID", "fold", "progress_score"]

#: The id of every model the DSOMM importer builds.
MODEL_ID: Final = "owasp-dsomm"


def progress_score(score: object) -> float | None:
    """The value of a progress state's ``score`` (``"20%"``, ``0.2``); ``None`` if invalid.

    >>> progress_score("20%"), progress_score("100%"), progress_score(0.5), progress_score(2)
    (0.2, 1.0, 0.5, None)
    """
    if isinstance(score, str):
        text = score.strip()
        percent = text.endswith("%")
        try:
            value = float(text.rstrip("%").strip())
        except ValueError:
            return None
        if percent:
            value /= 100
    elif is_finite_number(score):
        value = float(cast(float, score))
    else:
        return None
    return value if math.isfinite(value) and 0.0 <= value <= 1.0 else None


def fold(text: str) -> str:
    """A name or uuid as it compares when case and spacing are ignored.

    >>> fold("  Build   And Deploy ") == fold("build and deploy")
    True
    """
    return " ".join(text.split()).casefold()
