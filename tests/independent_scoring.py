"""A second, independent reading of DESIGN.md §2, written from the text alone.

This scorer never imports ``maturity_model``: it reads a model and an assessment in the
plain shapes of DESIGN §3 (the native model file and the assessment file, as Python
dicts) and returns one plain result per node.  Plain floats, plain loops, no numpy.
``tests/test_independent.py`` compares it with both of our engines on generated cases.

Each step names the DESIGN paragraph it implements:

* §2 *Answers*: ``true`` is 1, ``false`` 0, a number in [0, 1] is itself, a label of
  the practice's answer set is the label's value, ``n/a`` is not applicable, missing or
  ``null`` is unknown.  Unknown counts as 0 but is counted apart.
* §2 *Answers*, metric paragraph: a practice with a ``metric`` and no explicit answer is
  met when the observation is at least (``better: higher``) or at most (``lower``) the
  threshold, not met otherwise, unknown when nothing was observed.
* §2 *Answers*: an item is assessed when at least one practice has an answer other than
  N/A and unknown; otherwise its score and level are ``None``.
* §2 *Item rules*: ``m(L)`` is the weighted mean value of the practices at level ``L``
  with N/A left out; a level with no practice or only N/A ones is vacuous.  Then
  ``staircase``, ``level-sum``, ``metric-bands`` and ``iso33020`` as written there, and
  ``coverage`` = ``m(L)`` per scale level, ``None`` where vacuous.
* §2 *Aggregation rules*: unassessed children leave; ``mean`` (weighted, ``level: min``
  or ``floor``), ``minimum``, ``quantile(q)`` (numpy's linear / lower methods, spelled
  out below), ``sum``; the root aggregates the top-level domains with the model's
  domain rule.
* §2 *Dependencies*: ``ignore`` / ``report`` / ``enforce``; a prerequisite is met when
  its value is 1 or it is N/A; ``item@L`` names every practice of the item at levels
  ``<= L``.
* §2 *Time, versions, mappings*, evidence: a practice marked ``evidence: required``
  counts as unknown while its answer has no evidence record, or none dated within the
  age limit on the scoring date (the assessment's ``date``).
* §3: without ``rules:`` items use ``staircase`` (threshold 1.0) and domains ``mean``;
  without ``dependencies:`` the policy is ``report``; weights default to 1.

Readings taken where DESIGN leaves room (each one is listed in docs/semantics.rst when
our engine agrees, or pinned by a test when it had to change):

1. *Values at the boundary.*  ``m(L) >= threshold``, ``floor(score)`` and the metric
   comparisons are made on the floats as computed, with no allowance for rounding:
   ``m(L)`` is ``sum(w * v) / sum(w)`` added left to right in the model's practice order,
   a domain's children are its domains then its items in file order.
2. *Vacuous levels qualify.*  ``staircase`` reads "every level ``l <= L`` is vacuous or
   has ``m(l) >= threshold``" literally, so vacuous levels above the last practised
   level are climbed too (an item with practices at level 1 only, all met, is at the top
   of the scale); ``iso33020`` likewise: a level with no attribute is achieved when every
   attribute below it is F ("every attribute at ``L`` is rated L or F" holds vacuously).
3. *level-sum and mandatory.*  "``level`` as for ``staircase(1.0)``" includes the
   mandatory gate.
4. *iso33020 and mandatory.*  The ISO rule names no mandatory gate, so none is applied.
5. *Explicit null.*  ``null`` is "no answer", so an observation still judges a metric
   practice answered ``null``.
6. *metric-bands assessed.*  A ``metric-bands`` item is assessed exactly when its metric
   was observed; its practices (if any) only give coverage.
7. *Enforce and N/A links.*  ``enforce`` looks at the whole prerequisite closure: a
   practice is blocked when any practice reachable through ``requires`` (``item@L``
   expanded) is not met, judged on the answers as given, even when the chain passes
   through an N/A practice.  A blocked unknown practice stays unknown (it counts 0
   anyway, and being blocked is no answer that could make its item assessed).
8. *Root.*  The root uses the model-wide domain rule (``rules.domain``), weights of the
   top-level domains as for any domain.
9. *Evidence age.*  §3 has no model-wide age limit; the limit is the practice's
   ``evidence_max_age_months``, and "within ``N`` months" means dated on or after the
   scoring date moved back ``N`` calendar months (the day cut to the month's end).  An
   N/A answer, an unknown one and a metric judgment need no evidence.  An explicit
   answer that lacks its evidence makes the practice unknown; the observation does not
   step in (the explicit answer won, and the practice "counts as unknown").
10. *Attributes at level 0.*  On a 0-based scale an ``iso33020`` attribute at level 0 is
    "below" every level, so every level from 1 up needs it rated F.
"""

from __future__ import annotations

import calendar
import datetime
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

NA = "n/a"
"""The value of an N/A practice (a sentinel; unknown is ``None``)."""

ROOT = ""
"""The key of the model's root (``profile.overall``) in :func:`score_model`'s result."""


@dataclass(frozen=True)
class NodeResult:
    """One node's result as DESIGN §2 defines it."""

    score: float | None
    level: int | None
    coverage: Mapping[int, float | None] = field(default_factory=dict)
    ratings: Mapping[str, str] = field(default_factory=dict)

    @property
    def assessed(self) -> bool:
        """DESIGN §2: not assessed means score and level are ``None``."""
        return self.score is not None


@dataclass(frozen=True)
class Scored:
    """Every node's result, plus the dependency findings of DESIGN §2 *Dependencies*."""

    nodes: Mapping[str, NodeResult]
    values: Mapping[str, float | str | None]
    """Each practice's value after enforcement: a float, :data:`NA` or ``None``."""
    violations: frozenset[tuple[str, str]]
    """``report``: (practice id, unmet ``requires`` entry) pairs."""
    blocked: frozenset[str]
    """``enforce``: practices set to 0 because their prerequisite closure is unmet."""


# -- §2 Answers --------------------------------------------------------------------------


def months_back(day: datetime.date, months: int) -> datetime.date:
    """``day`` moved back ``months`` calendar months, the day cut to the month's end.

    >>> months_back(datetime.date(2024, 3, 31), 1)
    datetime.date(2024, 2, 29)
    """
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))


def _has_fresh_evidence(practice: Mapping[str, Any], entry: Any,
                        on: datetime.date | None) -> bool:
    records = entry.get("evidence", []) if isinstance(entry, Mapping) else []
    limit = practice.get("evidence_max_age_months")
    if limit is None:
        return bool(records)
    assert on is not None, "an age limit needs a scoring date"
    oldest = months_back(on, int(limit))
    return any("date" in record and datetime.date.fromisoformat(str(record["date"])) >= oldest
               for record in records)


def answer_value(practice: Mapping[str, Any], model: Mapping[str, Any],
                 answers: Mapping[str, Any], observations: Mapping[str, float],
                 on: datetime.date | None = None) -> float | str | None:
    """The value of one practice: a float in [0, 1], :data:`NA`, or ``None`` (unknown).

    ``on`` is the scoring date, needed only for evidence with an age limit.
    """
    entry = answers.get(practice["id"])
    raw = entry.get("value") if isinstance(entry, Mapping) else entry
    if (practice.get("evidence") == "required" and raw not in (None, NA)
            and not _has_fresh_evidence(practice, entry, on)):
        return None
    if raw is None:
        metric = practice.get("metric")
        if metric is None or metric["name"] not in observations:
            return None
        observed = observations[metric["name"]]
        if metric["better"] == "higher":
            return 1.0 if observed >= metric["threshold"] else 0.0
        return 1.0 if observed <= metric["threshold"] else 0.0
    if raw is True:
        return 1.0
    if raw is False:
        return 0.0
    if raw == NA:
        return NA
    if isinstance(raw, str):
        answer_set = model["answer_sets"][practice["answer_set"]]
        for option in answer_set:
            if option["label"] == raw:
                return float(option["value"])
        raise KeyError(raw)
    return float(raw)


# -- §2 Dependencies ---------------------------------------------------------------------


def _practices_by_id(model: Mapping[str, Any]) -> dict[str, tuple[Mapping[str, Any], str]]:
    found: dict[str, tuple[Mapping[str, Any], str]] = {}
    for item in iter_items(model):
        for practice in item.get("practices", []):
            found[practice["id"]] = (practice, item["id"])
    return found


def requirement_targets(entry: str, model: Mapping[str, Any]) -> list[str]:
    """The practice ids one ``requires`` entry names (``item@L``: levels ``<= L``)."""
    if "@" in entry:
        item_id, _, level = entry.rpartition("@")
        for item in iter_items(model):
            if item["id"] == item_id:
                return [p["id"] for p in item.get("practices", [])
                        if p["level"] <= int(level)]
        raise KeyError(entry)
    return [entry]


def is_met(value: float | str | None) -> bool:
    """DESIGN §2: a prerequisite is met when its value is 1 or it is N/A."""
    return value in (NA, 1.0)


def closure(practice_id: str, model: Mapping[str, Any]) -> set[str]:
    """Every practice reachable from ``practice_id`` through ``requires``."""
    practices = _practices_by_id(model)
    seen: set[str] = set()
    stack = [practice_id]
    while stack:
        current = stack.pop()
        for entry in practices[current][0].get("requires", []):
            for target in requirement_targets(entry, model):
                if target not in seen:
                    seen.add(target)
                    stack.append(target)
    return seen


def apply_dependencies(model: Mapping[str, Any], raw: Mapping[str, float | str | None]
                       ) -> tuple[dict[str, float | str | None],
                                  frozenset[tuple[str, str]], frozenset[str]]:
    """DESIGN §2 *Dependencies*: the values after the policy, violations, blocked ids."""
    policy = model.get("dependencies", "report")
    values = dict(raw)
    violations: set[tuple[str, str]] = set()
    blocked: set[str] = set()
    for practice_id, (practice, _item) in _practices_by_id(model).items():
        value = raw[practice_id]
        credited = isinstance(value, float) and value > 0
        for entry in practice.get("requires", []) if policy == "report" and credited else ():
            if not all(is_met(raw[t]) for t in requirement_targets(entry, model)):
                violations.add((practice_id, entry))
        if (policy == "enforce" and value != NA
                and not all(is_met(raw[t]) for t in closure(practice_id, model))):
            # an unknown practice stays unknown: it counts 0 already, and being blocked
            # is no answer (it must not make its item assessed)
            values[practice_id] = None if value is None else 0.0
            blocked.add(practice_id)
    return values, frozenset(violations), frozenset(blocked)


# -- §2 Item rules -----------------------------------------------------------------------


def scale_values(model: Mapping[str, Any]) -> list[int]:
    """The scale's level values, ascending."""
    return sorted(int(level["value"]) for level in model["scale"])


def level_mean(practices: Sequence[Mapping[str, Any]],
               values: Mapping[str, float | str | None], level: int) -> float | None:
    """``m(L)``: weighted mean of the non-N/A values at ``level``; ``None`` if vacuous."""
    numerator = 0.0
    denominator = 0.0
    applicable = False
    for practice in practices:
        value = values[practice["id"]]
        if practice["level"] != level or value == NA:
            continue
        weight = float(practice.get("weight", 1))  # DESIGN §3: weights are > 0
        numerator += weight * (0.0 if value is None else float(value))
        denominator += weight
        applicable = True
    return numerator / denominator if applicable else None


def _mandatory_met(practices: Sequence[Mapping[str, Any]],
                   values: Mapping[str, float | str | None], level: int) -> bool:
    for practice in practices:
        if practice["level"] == level and practice.get("mandatory", False):
            value = values[practice["id"]]
            if value not in (NA, 1.0):
                return False
    return True


def staircase_level(practices: Sequence[Mapping[str, Any]],
                    values: Mapping[str, float | str | None], scale: Sequence[int],
                    threshold: float) -> int:
    """The highest level ``L`` whose levels ``<= L`` all qualify; 0 when none does."""
    level = 0
    for candidate in scale:
        mean = level_mean(practices, values, candidate)
        qualifies = ((mean is None or mean >= threshold)
                     and _mandatory_met(practices, values, candidate))
        if not qualifies:
            break
        level = candidate
    return level


_RATING_BOUNDS = ((0.15, "N"), (0.50, "P"), (0.85, "L"))


def iso_rating(value: float) -> str:
    """DESIGN §2 iso33020: N up to 0.15, P up to 0.50, L up to 0.85, F above."""
    for bound, rating in _RATING_BOUNDS:
        if value <= bound:
            return rating
    return "F"


def _iso_level(practices: Sequence[Mapping[str, Any]],
               values: Mapping[str, float | str | None],
               scale: Sequence[int]) -> tuple[int, dict[str, str]]:
    ratings: dict[str, str] = {}
    for practice in practices:
        value = values[practice["id"]]
        if isinstance(value, float):
            ratings[practice["id"]] = iso_rating(value)

    def achieved(level: int) -> bool:
        for practice in practices:
            value = values[practice["id"]]
            if value == NA or practice["level"] > level:
                continue
            rating = ratings.get(practice["id"])
            wanted = ("L", "F") if practice["level"] == level else ("F",)
            if rating not in wanted:
                return False
        return True

    level = 0
    for candidate in (value for value in scale if value >= 1):
        if not achieved(candidate):
            break
        level = candidate
    return level, ratings


def score_item(item: Mapping[str, Any], model: Mapping[str, Any],
               values: Mapping[str, float | str | None],
               observations: Mapping[str, float]) -> NodeResult:
    """One capability item's result under its rule (DESIGN §2 *Item rules*)."""
    rule = item.get("rule") or model.get("rules", {}).get("item") or {"kind": "staircase"}
    practices = item.get("practices", [])
    scale = scale_values(model)
    coverage = {level: level_mean(practices, values, level) for level in scale}
    kind = rule["kind"]
    if kind == "metric-bands":
        observed = observations.get(rule["metric"])
        if observed is None:
            return NodeResult(None, None, coverage)
        met = [int(level) for level, bound in rule["bounds"].items()
               if (observed <= bound if rule["better"] == "lower" else observed >= bound)]
        level = max(met, default=0)
        return NodeResult(float(level), level, coverage)
    if not any(values[p["id"]] not in (None, NA) for p in practices):
        return NodeResult(None, None, coverage)
    if kind == "iso33020":
        level, ratings = _iso_level(practices, values, scale)
        return NodeResult(float(level), level, coverage, ratings)
    threshold = float(rule.get("threshold", 1.0)) if kind == "staircase" else 1.0
    level = staircase_level(practices, values, scale, threshold)
    if kind == "level-sum":
        total = 0.0
        for value in scale:
            mean = coverage[value]
            if value >= 1 and mean is not None:
                total += mean
        return NodeResult(total, level, coverage)
    if kind != "staircase":
        raise ValueError(kind)
    above = [value for value in scale if value > level]
    if not above:
        return NodeResult(float(level), level, coverage)
    following = coverage[above[0]]
    return NodeResult(level + (0.0 if following is None else following), level, coverage)


# -- §2 Aggregation rules ----------------------------------------------------------------


def numpy_linear_quantile(values: Sequence[float], q: float) -> float:
    """numpy's default ``quantile`` (``method="linear"``) of ``values``, step by step.

    >>> numpy_linear_quantile([1.0, 2.0, 4.0], 0.75)
    3.0
    """
    ordered = sorted(values)
    index = (len(ordered) - 1) * q
    if index >= len(ordered) - 1:
        return ordered[-1]
    below = math.floor(index)
    low, high = ordered[below], ordered[below + 1]
    gamma = index - below
    difference = high - low
    if gamma >= 0.5:
        return high - difference * (1 - gamma)
    return low + difference * gamma


def numpy_lower_quantile(values: Sequence[int], q: float) -> int:
    """numpy's ``quantile(..., method="lower")`` of ``values``.

    >>> numpy_lower_quantile([1, 2, 4], 0.75)
    2
    """
    ordered = sorted(values)
    return ordered[math.floor((len(ordered) - 1) * q)]


def aggregate(rule: Mapping[str, Any],
              children: Sequence[tuple[NodeResult, float]]) -> NodeResult:
    """One domain's result from its (result, weight) children (DESIGN §2 *Aggregation*)."""
    assessed = [(result, weight) for result, weight in children if result.assessed]
    if not assessed:
        return NodeResult(None, None)
    scores = [float(result.score) for result, _ in assessed if result.score is not None]
    levels = [int(result.level) for result, _ in assessed if result.level is not None]
    kind = rule["kind"]
    if kind == "mean":
        numerator = 0.0
        denominator = 0.0
        for (_, weight), score in zip(assessed, scores, strict=True):
            numerator += weight * score
            denominator += weight
        score = numerator / denominator
        level = math.floor(score) if rule.get("level", "min") == "floor" else min(levels)
        return NodeResult(score, level)
    if kind == "minimum":
        return NodeResult(min(scores), min(levels))
    if kind == "quantile":
        q = float(rule["q"])
        return NodeResult(numpy_linear_quantile(scores, q), numpy_lower_quantile(levels, q))
    if kind == "sum":
        total = 0.0
        for score in scores:
            total += score
        return NodeResult(total, min(levels))
    raise ValueError(kind)


# -- the tree ----------------------------------------------------------------------------


def iter_items(model: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """Every capability item of the model in file order: a domain's ``domains`` (each
    with everything below it) come before its ``items``, as DESIGN §3 writes them."""

    def walk(domain: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
        for child in domain.get("domains", []):
            yield from walk(child)
        yield from domain.get("items", [])

    for domain in model.get("domains", []):
        yield from walk(domain)


def score_model(model: Mapping[str, Any], assessment: Mapping[str, Any]) -> Scored:
    """Score ``assessment`` against ``model`` (both in DESIGN §3's dict shapes).

    The result maps every node id, and :data:`ROOT` for the model's root, to its result.

    >>> model = {"scale": [{"value": 1}, {"value": 2}], "domains": [{"id": "d",
    ...     "items": [{"id": "i", "practices": [{"id": "p1", "level": 1},
    ...     {"id": "p2", "level": 2}]}]}]}
    >>> scored = score_model(model, {"answers": {"p1": True, "p2": 0.5}})
    >>> scored.nodes["i"].score, scored.nodes["i"].level, scored.nodes[ROOT].level
    (1.5, 1, 1)
    """
    answers = assessment.get("answers", {})
    observations = assessment.get("observations", {})
    on = assessment.get("date")
    day = None if on is None else datetime.date.fromisoformat(str(on))
    raw = {practice_id: answer_value(practice, model, answers, observations, day)
           for practice_id, (practice, _) in _practices_by_id(model).items()}
    values, violations, blocked = apply_dependencies(model, raw)
    domain_rule = model.get("rules", {}).get("domain") or {"kind": "mean"}
    nodes: dict[str, NodeResult] = {}

    def visit_domain(domain: Mapping[str, Any]) -> NodeResult:
        children: list[tuple[NodeResult, float]] = []
        for child in domain.get("domains", []):
            children.append((visit_domain(child), float(child.get("weight", 1))))
        for item in domain.get("items", []):
            result = score_item(item, model, values, observations)
            nodes[item["id"]] = result
            children.append((result, float(item.get("weight", 1))))
        result = aggregate(domain.get("rule") or domain_rule, children)
        nodes[domain["id"]] = result
        return result

    top = [(visit_domain(domain), float(domain.get("weight", 1)))
           for domain in model.get("domains", [])]
    nodes[ROOT] = aggregate(domain_rule, top)
    return Scored(nodes, values, violations, blocked)
