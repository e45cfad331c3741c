"""How much a document of the library's own may hold: :class:`Limits`."""

from __future__ import annotations

from typing import Final

import attrs

__all__ = ["DEFAULT_LIMITS", "MAX_FILE_SIZE", "Limits"]

#: Files larger than this are refused before parsing (bytes).
MAX_FILE_SIZE: Final = 64 * 1024 * 1024


@attrs.frozen(kw_only=True)
class Limits:
    """How much a document may hold before it is refused (with an ``invalid-value`` problem).

    The defaults take real models with room to spare; raise them for unusual files.

    :param max_bytes: the file's size; at most this many bytes are ever read.
    :param max_depth: nesting of mappings and lists (a domain level costs two).
    :param max_values: values in the document once YAML aliases and merge keys are
        expanded, counted while the document is built; this is what stops an alias
        "bomb" within a second and with bounded memory.

    >>> Limits().max_depth
    64
    """

    max_bytes: int = MAX_FILE_SIZE
    max_depth: int = 64
    max_values: int = 5_000_000


DEFAULT_LIMITS: Final = Limits()
