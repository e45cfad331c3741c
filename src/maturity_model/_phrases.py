"""Short texts every display shares: a level with its name, and the overall result.

The CLI table and Markdown, the reports and the notebook view all say the overall result
through :func:`overall_sentence`, so a level far below its score is explained the same
way everywhere ("level 1, score 2.34" otherwise reads like a bug).
"""

from __future__ import annotations

import math
import os
from typing import TYPE_CHECKING, Final

from maturity_model._messages import translator
from maturity_model.languages import in_language, is_language_tag

if TYPE_CHECKING:
    from maturity_model.profile import Profile, Result

__all__ = ["LANG_VARIABLE", "display_language", "held_down", "level_text", "node_title",
           "normal_tag", "overall_sentence"]

#: The environment variable that sets the language of the command and notebook display.
LANG_VARIABLE: Final = "MATURITY_LANG"


def normal_tag(value: str) -> str:
    """A tag as people also write it in locale settings, made BCP 47.

    >>> normal_tag("zh_CN.UTF-8"), normal_tag("zh-Hans"), normal_tag("en_GB@euro")
    ('zh-CN', 'zh-Hans', 'en-GB')
    """
    return value.split(".", 1)[0].split("@", 1)[0].strip().replace("_", "-")


def display_language() -> str | None:
    """The language ``MATURITY_LANG`` asks for (``None`` when unset or not a tag).

    Notebook display (``_repr_html_``) follows it, since a display method takes no
    arguments; the ``maturity`` command uses it when ``--lang`` is not given.
    """
    tag = normal_tag(os.environ.get(LANG_VARIABLE, ""))
    return tag if is_language_tag(tag) else None

# A score that is a whole number in real arithmetic must not look below it by rounding.
_EPSILON: Final = 1e-9


def level_text(profile: Profile, level: int | None, lang: str | None = None) -> str:
    """``"Level 2 (Foundation)"``, ``"Level 2"`` without a name, or ``"not assessed"``.

    >>> import maturity_model as mm
    >>> p = mm.Profile(model_id="m", scale=mm.LevelScale.of("Basic"), results={})
    >>> level_text(p, 1), level_text(p, None), level_text(p, 1, "zh")
    ('Level 1 (Basic)', 'not assessed', '第 1 级（Basic）')
    """
    _ = translator(lang).gettext
    if level is None:
        return _("not assessed")
    name = profile.level_name(level, lang)
    return (_("Level {value} ({name})").format(value=level, name=name) if name
            else _("Level {value}").format(value=level))


def node_title(profile: Profile, node_id: str, lang: str | None = None) -> str:
    """A node's name in ``lang``, or its id when it has no name of its own.

    >>> import maturity_model as mm
    >>> p = mm.Profile(model_id="m", results={"m": mm.Result(node_id="m", kind="model")})
    >>> node_title(p, "m")
    'm'
    """
    result = profile[node_id]
    return in_language(result.name, lang) or result.node_id


def _weakest_items(profile: Profile, level: int) -> list[Result]:
    """The items at ``level`` that the root's level comes from, along ``limited_by``."""
    found: list[Result] = []
    stack = [profile.overall]
    seen: set[str] = set()
    while stack:
        result = stack.pop()
        for child_id in reversed(result.limited_by):
            child = profile.results.get(child_id)
            if child is None or child.level != level or child_id in seen:
                continue
            seen.add(child_id)
            if child.kind == "item":
                found.append(child)
            else:
                stack.append(child)
    return found


def held_down(profile: Profile, lang: str | None = None) -> str:
    """Why the overall level is far below the score, or ``""`` when it is not.

    The level is far below when it is under the whole part of the score: a rule such as
    ``minimum`` or ``mean`` (``level: min``) takes the weakest part's level, while the
    score averages. The text names how many items are at that level and one of them.
    """
    overall = profile.overall
    level, score = overall.level, overall.score
    if level is None or score is None or level >= math.floor(score + _EPSILON):
        return ""
    t = translator(lang)
    weakest = _weakest_items(profile, level)
    if weakest:
        assessed = sum(1 for r in profile.item_results() if r.level is not None)
        return (t.gettext("the level is that of the weakest of {assessed} assessed items; ")
                .format(assessed=assessed)
                + t.ngettext("{count} is at level {level}, e.g. {example}",
                             "{count} are at level {level}, e.g. {example}", len(weakest))
                .format(count=len(weakest), level=level, example=weakest[0].node_id))
    if overall.limited_by and profile.results[overall.limited_by[0]].level == level:
        parts = [r for r in profile.children(profile.model_id) if r.level is not None]
        return t.gettext("the level is that of the weakest of {count} assessed parts, "
                         "e.g. {example}").format(count=len(parts),
                                                  example=overall.limited_by[0])
    return t.gettext("the {rule} rule sets the level apart from the score").format(
        rule=overall.rule or "model")


def overall_sentence(profile: Profile, lang: str | None = None) -> str:
    r"""``"Level 1 (Initial), score 2.34 — the level is that of the weakest of ..."``.

    >>> import maturity_model as mm
    >>> model = mm.MaturityModel(id="m", scale=mm.LevelScale.of("Basic", "Good", "Top"),
    ...     domains=[mm.Domain(id="d", items=[
    ...         mm.CapabilityItem(id="a", practices=[mm.Practice(id=f"a.{n}", level=n)
    ...                                              for n in (1, 2, 3)]),
    ...         mm.CapabilityItem(id="b", practices=[mm.Practice(id="b.1", level=1),
    ...                                              mm.Practice(id="b.2", level=2)])])])
    >>> profile = mm.score(model, mm.Assessment(model="m", answers={
    ...     "a.1": True, "a.2": True, "a.3": True, "b.1": True, "b.2": 0.9}))
    >>> print(overall_sentence(profile).replace("; ", ";\n"))
    Level 1 (Basic), score 2.45 — the level is that of the weakest of 2 assessed items;
    1 is at level 1, e.g. b
    """
    _ = translator(lang).gettext
    overall = profile.overall
    if overall.score is None:
        return _("not assessed")
    text = _("{level}, score {score}").format(level=level_text(profile, overall.level, lang),
                                              score=f"{overall.score:.2f}")
    reason = held_down(profile, lang)
    return f"{text} — {reason}" if reason else text
