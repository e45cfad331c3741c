"""Plain-text explanations of results (``Profile.explain``), in any catalogue language."""

from __future__ import annotations

from typing import TYPE_CHECKING

from maturity_model._messages import translator
from maturity_model._phrases import held_down
from maturity_model.languages import in_language

if TYPE_CHECKING:
    from gettext import NullTranslations

    from maturity_model.profile import Profile, Result


def _rule_words(t: NullTranslations, rule: str) -> str:
    words = {
        "mean": t.gettext("the weighted mean of its children"),
        "minimum": t.gettext("the minimum over its children"),
        "quantile": t.gettext("a quantile of its children"),
        "sum": t.gettext("the sum of its children"),
    }
    return words.get(rule) or t.gettext("{rule} of its children").format(rule=rule)


def _percent(value: float) -> str:
    return f"{value * 100:.0f} %"


def _list(t: NullTranslations, ids: tuple[str, ...], limit: int = 6) -> str:
    shown = t.gettext(", ").join(ids[:limit])
    if len(ids) > limit:
        shown += t.gettext(" and {count} more").format(count=len(ids) - limit)
    return shown


def _headline(profile: Profile, result: Result, lang: str | None) -> str:
    t = translator(lang)
    name = in_language(result.name, lang)
    title = result.node_id if name in ("", result.node_id) else (
        t.gettext("{id} ({name})").format(id=result.node_id, name=name))
    if result.score is None or result.level is None:
        return t.gettext("{title}: not assessed (no answer other than n/a or unknown)"
                         ).format(title=title)
    level_name = profile.level_name(result.level, lang)
    named = (t.gettext("level {value} ({name})").format(value=result.level, name=level_name)
             if level_name else t.gettext("level {value}").format(value=result.level))
    return t.gettext("{title}: {level}, score {score}").format(
        title=title, level=named, score=f"{result.score:.2f}")


def _evidence(t: NullTranslations, result: Result) -> str:
    c = result.counts
    return t.gettext("evidence: {met} met, {partial} partial, {not_met} not met, {na} n/a, "
                     "{unknown} unknown").format(met=c.met, partial=c.partial,
                                                 not_met=c.not_met, na=c.na,
                                                 unknown=c.unknown)


def _item_lines(profile: Profile, result: Result, lang: str | None) -> list[str]:
    t = translator(lang)
    lines: list[str] = []
    level = result.level
    if result.rule == "metric-bands":
        if level is not None:
            lines.append(t.gettext("level from the metric observation's band"))
        if result.observed is not None:
            observed = t.gettext("observed {value}").format(value=f"{result.observed:g}")
            if result.next_bound is not None:
                observed += t.gettext(", next band at {bound}").format(
                    bound=f"{result.next_bound:g}")
            lines.append(observed)
        return lines
    for value, mean in result.coverage.items():
        if level is not None and value <= level:
            lines.append(t.gettext("level {value}: no applicable practice").format(value=value)
                         if mean is None else t.gettext("level {value}: {percent} met").format(
                             value=value, percent=_percent(mean)))
        elif level is not None and value == level + 1:
            text = t.gettext("level {value} at {percent}").format(
                value=value, percent=_percent(mean) if mean is not None else "0 %")
            if result.missing:
                partial = t.gettext(" (partial)")
                text += t.gettext(": missing {practices}").format(practices=_list(t, tuple(
                    # a missing practice with credit: partial
                    m + (partial if profile.practices[m].value else "")
                    for m in result.missing)))
            lines.append(text)
    if rated := [f"{p.practice_id} {p.rating}" for p in profile.practices.values()
                 if p.item_id == result.node_id and p.rating is not None]:
        lines.append(t.gettext("ratings: {ratings}").format(ratings=", ".join(rated)))
    lines.append(_evidence(t, result))
    for gap, words in (("missing", t.gettext("evidence missing")),
                       ("stale", t.gettext("evidence too old"))):
        if unproven := tuple(p.practice_id for p in profile.practices.values()
                             if p.item_id == result.node_id and p.evidence_gap == gap):
            lines.append(t.gettext("counted as unknown, {why}: {practices}").format(
                why=words, practices=_list(t, unproven)))
    lines.extend(t.gettext("blocked: {what}").format(what=b) for b in result.blocked)
    lines.extend(t.gettext("violation: {what}").format(what=v) for v in result.violations)
    return lines


def _domain_lines(profile: Profile, result: Result, lang: str | None) -> list[str]:
    t = translator(lang)
    children = profile.children(result.node_id)
    assessed = [c for c in children if c.score is not None]
    lines = [t.gettext("{rule}: {assessed} of {count} children assessed").format(
        rule=_rule_words(t, result.rule), assessed=len(assessed), count=len(children))]
    if result.limited_by and result.level is not None:
        lowest = profile[result.limited_by[0]].level
        name = profile.level_name(lowest, lang)
        named = t.gettext("{value} ({name})").format(value=lowest, name=name) if name else str(
            lowest)
        lines.append(t.gettext("lowest child level {level}: {children}").format(
            level=named, children=_list(t, result.limited_by)))
    if result.kind == "model":
        reason = held_down(profile, lang)
        if reason:
            lines.append(reason)
    lines.append(_evidence(t, result))
    return lines


def explain(profile: Profile, node_id: str, lang: str | None = None) -> str:
    """The explanation text of one node, in ``lang``.

    ``lang`` is a BCP 47 tag; ``None`` gives English words and the model's default names.
    """
    result = profile[node_id]
    lines = [_headline(profile, result, lang)]
    body = _item_lines(profile, result, lang) if result.kind == "item" else _domain_lines(
        profile, result, lang)
    lines.extend(f"  {line}" for line in body)
    return "\n".join(lines)
