"""Names on plots in a language, drawn with a font that has their characters.

matplotlib's default font (DejaVu Sans) has no Chinese, Japanese or Korean glyphs: it
draws empty boxes. So when a label needs CJK, :func:`plot_labels` looks for an installed
font that has them (known families first, then any font whose character map has
``中``); with one, the labels are drawn in it; with none, it warns once
(:class:`MissingFontWarning`) and falls back to the node ids, which stay readable.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Final

from maturity_model._messages import translator
from maturity_model.languages import in_language

if TYPE_CHECKING:
    from gettext import NullTranslations

__all__ = ["MissingFontWarning", "cjk_font", "needs_cjk", "plot_labels", "plot_words"]

#: Families known to hold CJK glyphs, tried before scanning every installed font.
KNOWN_CJK_FAMILIES: Final = (
    "Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans SC", "Source Han Sans SC",
    "Source Han Sans CN", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "PingFang SC",
    "Hiragino Sans GB", "Microsoft YaHei", "SimHei", "Droid Sans Fallback",
    "AR PL UMing CN", "Noto Serif CJK SC",
)

_PROBE: Final = ord("中")
#: Whether the missing-font warning was given (it is given once per process).
_STATE: Final[dict[str, bool]] = {"warned": False}


class MissingFontWarning(UserWarning):
    """No installed font can draw the plot's CJK names; ids are drawn instead."""


def needs_cjk(text: str) -> bool:
    """Whether a text has characters of the CJK blocks (which DejaVu Sans lacks).

    >>> needs_cjk("配置管理"), needs_cjk("Configuration"), needs_cjk("（")
    (True, False, True)
    """
    return any(0x2E80 <= ord(ch) <= 0x9FFF or 0xF900 <= ord(ch) <= 0xFAFF
               or 0xFF00 <= ord(ch) <= 0xFFEF or 0xAC00 <= ord(ch) <= 0xD7AF
               for ch in text)


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The family name of an installed font with CJK glyphs, or ``None``."""
    from matplotlib import font_manager

    fonts = font_manager.fontManager.ttflist
    names = {f.name for f in fonts}
    for family in KNOWN_CJK_FAMILIES:
        if family in names:
            return family
    from matplotlib.ft2font import FT2Font

    for entry in fonts:
        if "last resort" in entry.name.casefold():  # has a box for every character
            continue
        try:
            if _PROBE in FT2Font(entry.fname).get_charmap():
                return str(entry.name)
        except (OSError, RuntimeError, ValueError):  # an unreadable font file: skip it
            continue
    return None


def plot_labels(texts: Sequence[tuple[str, str]], lang: str | None) -> tuple[list[str],
                                                                             dict[str, Any]]:
    """Labels for ``(text, node id)`` pairs in ``lang``, and how to draw them.

    The properties are ``{"fontfamily": [...]}`` when a CJK font is needed and found. With
    CJK text and no font for it, the labels are the ids, after one warning.
    """
    labels = [in_language(text, lang) or node_id for text, node_id in texts]
    if not any(needs_cjk(label) for label in labels):
        return labels, {}
    family = cjk_font()
    if family is not None:
        return labels, {"fontfamily": [family, "DejaVu Sans"]}
    if not _STATE["warned"]:
        _STATE["warned"] = True
        warnings.warn("no installed font has Chinese, Japanese or Korean characters; the "
                      "plot shows node ids instead of names (install one, for example "
                      "Noto Sans CJK or WenQuanYi Micro Hei)", MissingFontWarning,
                      stacklevel=3)
    return [node_id for _, node_id in texts], {}


def plot_words(lang: str | None) -> tuple[NullTranslations, dict[str, Any]]:
    """The library's words for axis labels and titles in ``lang``, and how to draw them.

    Words that would need a CJK font nobody installed stay English (names fall back to
    ids with a warning, see :func:`plot_labels`).
    """
    words = translator(lang)
    if not needs_cjk(words.gettext("level")):
        return words, {}
    family = cjk_font()
    if family is None:
        return translator(None), {}
    return words, {"fontfamily": [family, "DejaVu Sans"]}
