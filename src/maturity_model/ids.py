r"""What makes two ids look alike: the rules behind the ``confusable-id`` warning.

Ids are compared exactly everywhere (``"CI"`` and ``"ci"`` are two ids). Ids that a person
cannot tell apart are still allowed, but :func:`maturity_model.check` warns about them:
ids that differ only by Unicode normalisation (NFC vs NFD), by case, or by invisible
characters (zero-width characters and bidirectional controls), and any id that contains
an invisible character at all.

>>> confusable_key("Cafe\u0301") == confusable_key("café")
True
>>> invisible_in("ci\u200b")
('U+200B',)
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

__all__ = ["ITEM_LEVEL_SEPARATOR", "confusable_key", "invisible_in"]

#: Separates an item id from a level in a requirement (``"cm.vc.vcs@2"``); never part of
#: an id.
ITEM_LEVEL_SEPARATOR: Final = "@"

# Zero-width characters and bidirectional controls: they change what an id is without
# changing (or while scrambling) what it looks like.
_INVISIBLE: Final = re.compile(
    "[\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")


def invisible_in(identifier: str) -> tuple[str, ...]:
    r"""The invisible characters in an id, as ``U+XXXX``, each once, in order of appearance.

    >>> invisible_in("a\u202eb\u202e"), invisible_in("plain")
    (('U+202E',), ())
    """
    found = dict.fromkeys(_INVISIBLE.findall(identifier))
    return tuple(f"U+{ord(c):04X}" for c in found)


def confusable_key(identifier: str) -> str:
    r"""The form two ids share when a reader cannot tell them apart.

    Invisible characters are dropped, the rest is put in Unicode NFC and case-folded.

    >>> confusable_key("CM.VC\u200d") == confusable_key("cm.vc")
    True
    """
    return unicodedata.normalize("NFC", _INVISIBLE.sub("", identifier)).casefold()
