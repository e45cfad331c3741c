"""A second, deliberately plain reading of DESIGN §2, used only to cross-check ``score``.

It is written from the text of DESIGN §2 and shares no code with the library's scoring
path beyond the model objects: recursion instead of iteration, numpy for quantiles,
a fresh reading of answers.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import maturity_model as mm

NA = "NA"


def answer_value(model: mm.MaturityModel, practice: mm.Practice, assessment: mm.Assessment,
                 ) -> float | str | None:
    """A float, NA, or None for unknown (which counts as 0)."""
    raw = assessment.answers.get(practice.id)
    if raw is None:
        if practice.metric is not None and practice.metric.name in assessment.observations:
            obs = assessment.observations[practice.metric.name]
            if practice.metric.better == "higher":
                return 1.0 if obs >= practice.metric.threshold else 0.0
            return 1.0 if obs <= practice.metric.threshold else 0.0
        return None
    if raw is True:
        return 1.0
    if raw is False:
        return 0.0
    if isinstance(raw, int | float):
        return float(raw)
    assert isinstance(raw, str)
    if practice.answer_set is not None:
        for option in model.answer_set(practice.answer_set).options:
            if option.label == raw:
                return float(option.value)
    if raw.lower() == "n/a":
        return NA
    return {"yes": 1.0, "no": 0.0}[raw.lower()]


def expand(model: mm.MaturityModel, requirement: str) -> list[str]:
    if requirement in {p.id for p in model.practices()}:
        return [requirement]
    item_id, level = requirement.rsplit("@", 1)
    return [p.id for p in model.item(item_id).practices if p.level <= int(level)]


def values_after_policy(model: mm.MaturityModel, assessment: mm.Assessment,
                        ) -> tuple[dict[str, Any], dict[str, Any]]:
    raw = {p.id: answer_value(model, p, assessment) for p in model.practices()}

    def met(pid: str) -> bool:
        v = raw[pid]
        return v == NA or (v is not None and v == 1.0)

    def closure(pid: str, seen: set[str]) -> set[str]:
        for req in model.practice(pid).requires:
            for q in expand(model, req):
                if q not in seen:
                    seen.add(q)
                    closure(q, seen)
        return seen

    effective = dict(raw)
    if model.dependencies == "enforce":
        for pid in raw:
            if raw[pid] != NA and not all(met(q) for q in closure(pid, set())):
                effective[pid] = 0.0
    return raw, effective


def item_result(model: mm.MaturityModel, item: mm.CapabilityItem, values: dict[str, Any],
                raw: dict[str, Any], assessment: mm.Assessment,
                ) -> tuple[float | None, int | None]:
    rule = item.rule or model.rules.item
    if isinstance(rule, mm.MetricBands):
        if rule.metric not in assessment.observations:
            return None, None
        obs = assessment.observations[rule.metric]
        ok = [lv for lv, b in rule.bounds.items()
              if (obs <= b if rule.better == "lower" else obs >= b)]
        level = max(ok, default=0)
        return float(level), level
    if not any(raw[p.id] not in (None, NA) for p in item.practices):
        return None, None
    if isinstance(rule, mm.Iso33020):
        attributes = list(item.practices)  # level-0 ones must be F for every level

        def rated_ok(p: mm.Practice, level: int) -> bool:
            if values[p.id] == NA:
                return True  # N/A leaves the level
            if raw[p.id] is None:
                return False  # unknown: not rated, the level is not achieved
            v = values[p.id]
            return bool(v > 0.5) if p.level == level else bool(v > 0.85)  # L/F, or F below

        achieved = 0
        for lv in (x for x in model.scale.values if x >= 1):  # levels without attributes too
            if not all(rated_ok(p, lv) for p in attributes if p.level <= lv):
                break
            achieved = lv
        return float(achieved), achieved

    def m(level: int) -> float | None:
        ps = [p for p in item.practices if p.level == level and values[p.id] != NA]
        if not ps:
            return None
        return sum(p.weight * (values[p.id] or 0.0) for p in ps) / sum(p.weight for p in ps)

    def stair(threshold: float) -> int:
        best = 0
        for lv in model.scale.values:
            means = [m(x) for x in model.scale.values if x <= lv]
            ok = all(v is None or v >= threshold for v in means)
            ok = ok and all((values[p.id] == NA or values[p.id] == 1.0)
                            for p in item.practices if p.mandatory and p.level <= lv)
            if ok:
                best = lv
        return best

    if isinstance(rule, mm.LevelSum):
        total = sum(m(lv) or 0.0 for lv in model.scale.values if lv >= 1)
        return total, stair(1.0)
    assert isinstance(rule, mm.Staircase)
    level = stair(rule.threshold)
    if level == model.scale.top:
        return float(level), level
    return level + (m(level + 1) or 0.0), level


def node_results(model: mm.MaturityModel, assessment: mm.Assessment,
                 ) -> dict[str, tuple[float | None, int | None]]:
    raw, values = values_after_policy(model, assessment)
    out: dict[str, tuple[float | None, int | None]] = {}

    def aggregate(rule: Any, kids: list[tuple[float, int, float]]) -> tuple[float, int]:
        scores = np.array([k[0] for k in kids])
        levels = np.array([k[1] for k in kids])
        weights = np.array([k[2] for k in kids])
        if isinstance(rule, mm.Mean):
            s = float((scores * weights).sum() / weights.sum())
            lv = math.floor(s) if rule.level == "floor" else int(levels.min())
            return s, lv
        if isinstance(rule, mm.Minimum):
            return float(scores.min()), int(levels.min())
        if isinstance(rule, mm.Quantile):
            return (float(np.quantile(scores, rule.q)),
                    int(np.quantile(levels, rule.q, method="lower")))
        assert isinstance(rule, mm.Sum)
        return float(scores.sum()), int(levels.min())

    def visit(node: mm.Domain | mm.CapabilityItem) -> tuple[float | None, int | None]:
        if isinstance(node, mm.CapabilityItem):
            result = item_result(model, node, values, raw, assessment)
        else:
            kids = [(visit(c), c.weight) for c in node.children]
            assessed = [(s, lv, w) for (s, lv), w in kids if s is not None and lv is not None]
            rule = node.rule or model.rules.domain
            result = aggregate(rule, assessed) if assessed else (None, None)
        out[node.id] = result
        return result

    top = [(visit(d), d.weight) for d in model.domains]
    assessed = [(s, lv, w) for (s, lv), w in top if s is not None and lv is not None]
    out[model.id] = aggregate(model.rules.domain, assessed) if assessed else (None, None)
    return out
