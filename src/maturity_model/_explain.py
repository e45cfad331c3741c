"""Plain-text explanations of results (``Profile.explain``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from maturity_model._phrases import held_down

if TYPE_CHECKING:
    from maturity_model.profile import Profile, Result

_RULE_WORDS = {
    "mean": "the weighted mean of its children",
    "minimum": "the minimum over its children",
    "quantile": "a quantile of its children",
    "sum": "the sum of its children",
}


def _percent(value: float) -> str:
    return f"{value * 100:.0f} %"


def _list(ids: tuple[str, ...], limit: int = 6) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def _headline(profile: Profile, result: Result) -> str:
    title = result.node_id if result.name in ("", result.node_id) else (
        f"{result.node_id} ({result.name})")
    if result.score is None or result.level is None:
        return f"{title}: not assessed (no answer other than n/a or unknown)"
    name = profile.level_name(result.level)
    named = f"level {result.level}" + (f" ({name})" if name else "")
    return f"{title}: {named}, score {result.score:.2f}"


def _item_lines(profile: Profile, result: Result) -> list[str]:
    lines: list[str] = []
    level = result.level
    if result.rule == "metric-bands":
        if level is not None:
            lines.append("level from the metric observation's band")
        if result.observed is not None:
            lines.append(f"observed {result.observed:g}" + (
                "" if result.next_bound is None else f", next band at {result.next_bound:g}"))
        return lines
    steps: list[str] = []
    for value, mean in result.coverage.items():
        if level is not None and value <= level:
            steps.append(f"level {value}: " + ("no applicable practice" if mean is None
                                                else f"{_percent(mean)} met"))
        elif level is not None and value == level + 1:
            text = f"level {value} at " + (_percent(mean) if mean is not None else "0 %")
            if result.missing:
                text += ": missing " + _list(tuple(  # a missing practice with credit: partial
                    m + (" (partial)" if profile.practices[m].value else "")
                    for m in result.missing))
            steps.append(text)
    lines.extend(steps)
    if rated := [f"{p.practice_id} {p.rating}" for p in profile.practices.values()
                 if p.item_id == result.node_id and p.rating is not None]:
        lines.append("ratings: " + ", ".join(rated))
    c = result.counts
    lines.append(f"evidence: {c.met} met, {c.partial} partial, {c.not_met} not met, "
                 f"{c.na} n/a, {c.unknown} unknown")
    for gap, words in (("missing", "evidence missing"), ("stale", "evidence too old")):
        if unproven := tuple(p.practice_id for p in profile.practices.values()
                             if p.item_id == result.node_id and p.evidence_gap == gap):
            lines.append(f"counted as unknown, {words}: {_list(unproven)}")
    lines.extend(f"blocked: {b}" for b in result.blocked)
    lines.extend(f"violation: {v}" for v in result.violations)
    return lines


def _domain_lines(profile: Profile, result: Result) -> list[str]:
    children = profile.children(result.node_id)
    assessed = [c for c in children if c.score is not None]
    lines = [f"{_RULE_WORDS.get(result.rule, result.rule + ' of its children')}: "
             f"{len(assessed)} of {len(children)} children assessed"]
    if result.limited_by and result.level is not None:
        lowest = profile[result.limited_by[0]].level
        name = profile.level_name(lowest)
        named = f"{lowest} ({name})" if name else str(lowest)
        lines.append(f"lowest child level {named}: {_list(result.limited_by)}")
    if result.kind == "model":
        reason = held_down(profile)
        if reason:
            lines.append(reason)
    c = result.counts
    lines.append(f"evidence: {c.met} met, {c.partial} partial, {c.not_met} not met, "
                 f"{c.na} n/a, {c.unknown} unknown")
    return lines


def explain(profile: Profile, node_id: str) -> str:
    """The explanation text of one node."""
    result = profile[node_id]
    lines = [_headline(profile, result)]
    body = _item_lines(profile, result) if result.kind == "item" else _domain_lines(
        profile, result)
    lines.extend(f"  {line}" for line in body)
    return "\n".join(lines)
