"""The library's own words in other languages: one gettext catalogue.

Model text (names, practice texts, level names) comes from the model. The words around
it (headings, "level", "partial", "not assessed") are English in the source, marked
with ``gettext`` calls, and translated in ``locale/<lang>/LC_MESSAGES/maturity_model.po``;
the ``.mo`` beside each ``.po`` is what :mod:`gettext` reads (``tools/compile_messages.py``
writes it, and a test checks that the two agree). This module imports nothing from the
package, so any layer may use it.

>>> translator("zh-Hans").gettext("not assessed"), translator("fr").gettext("not assessed")
('未评估', 'not assessed')
"""

from __future__ import annotations

import gettext
from functools import lru_cache
from pathlib import Path
from typing import Final

__all__ = ["DOMAIN", "LOCALE_DIR", "catalogue_languages", "translator"]

#: The gettext domain of the library's messages.
DOMAIN: Final = "maturity_model"

#: Where the catalogues are: ``<LOCALE_DIR>/<lang>/LC_MESSAGES/maturity_model.mo``.
LOCALE_DIR: Final = Path(__file__).parent / "locale"

# Chinese without a script is read as Simplified unless its region writes Traditional.
_TRADITIONAL_REGIONS: Final = frozenset({"tw", "hk", "mo"})


def catalogue_languages() -> tuple[str, ...]:
    """The languages the library's own words are translated into (besides English).

    >>> catalogue_languages()
    ('zh-Hans',)
    """
    if not LOCALE_DIR.is_dir():  # pragma: no cover - the package ships its catalogues
        return ()
    return tuple(sorted(p.name.replace("_", "-") for p in LOCALE_DIR.iterdir()
                        if (p / "LC_MESSAGES" / f"{DOMAIN}.mo").is_file()))


def _candidates(lang: str) -> list[str]:
    parts = lang.split("-")
    found = ["-".join(parts[:n]) for n in range(len(parts), 0, -1)]
    rest = [p.casefold() for p in parts[1:]]
    if parts[0].casefold() == "zh" and "hant" not in rest and not (
            _TRADITIONAL_REGIONS & set(rest)):
        found.insert(len(found) - 1, "zh-Hans")
    return found


@lru_cache(maxsize=32)
def translator(lang: str | None) -> gettext.NullTranslations:
    """The translations of the library's words into ``lang`` (a BCP 47 tag).

    Tries the tag, then it without its last subtags; Chinese without a script or a
    Traditional region is read as ``zh-Hans``. English, ``None`` and a language without a
    catalogue give the English words.

    >>> translator("zh").gettext("level {value}").format(value=2)
    '第 2 级'
    """
    if not lang:
        return gettext.NullTranslations()
    available = {tag.casefold(): tag for tag in catalogue_languages()}
    for tag in _candidates(lang):
        found = available.get(tag.casefold())
        if found is not None:
            path = LOCALE_DIR / found.replace("-", "_") / "LC_MESSAGES" / f"{DOMAIN}.mo"
            with path.open("rb") as file:
                return gettext.GNUTranslations(file)
    return gettext.NullTranslations()
