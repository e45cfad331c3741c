"""Hypothesis strategies for generated models and assessments (shared by the test modules)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

import maturity_model as mm
from maturity_model.rules import AggregationRule, ItemRule

MONOTONE_ITEM_RULES = ("staircase", "level-sum")
MONOTONE_DOMAIN_RULES = ("mean", "minimum", "quantile", "sum")


@st.composite
def item_rules(draw: st.DrawFn, scale: mm.LevelScale, metrics: list[str],
               kinds: tuple[str, ...] = ("staircase", "level-sum", "metric-bands", "iso33020"),
               ) -> ItemRule:
    kind = draw(st.sampled_from(kinds))
    if kind == "iso33020":
        return mm.Iso33020()
    if kind == "staircase":
        return mm.Staircase(threshold=draw(st.sampled_from([0.5, 0.75, 0.8, 1.0])))
    if kind == "level-sum":
        return mm.LevelSum()
    levels = draw(st.lists(st.sampled_from(scale.values), min_size=1, max_size=3, unique=True))
    better: Any = draw(st.sampled_from(["higher", "lower"]))
    bounds = {lv: float(draw(st.integers(0, 20))) for lv in levels}
    return mm.MetricBands(metric=draw(st.sampled_from(metrics)), better=better, bounds=bounds)


@st.composite
def domain_rules(draw: st.DrawFn, kinds: tuple[str, ...] = MONOTONE_DOMAIN_RULES,
                 ) -> AggregationRule:
    kind = draw(st.sampled_from(kinds))
    if kind == "mean":
        return mm.Mean(level=draw(st.sampled_from(["min", "floor"])))
    if kind == "minimum":
        return mm.Minimum()
    if kind == "quantile":
        return mm.Quantile(q=draw(st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0, 0.3])))
    return mm.Sum()


@st.composite
def models(draw: st.DrawFn, *, item_kinds: tuple[str, ...] = (
        "staircase", "level-sum", "metric-bands", "iso33020"),
           domain_kinds: tuple[str, ...] = MONOTONE_DOMAIN_RULES,
           policies: tuple[Any, ...] = ("ignore", "report", "enforce"),
           max_items: int = 8) -> mm.MaturityModel:
    """Valid, acyclic models with every rule kind, weights, mandatory practices and requires."""
    start = draw(st.sampled_from([0, 1]))
    n_levels = draw(st.integers(2, 5))
    scale = mm.LevelScale.of(*[f"L{start + i}" for i in range(n_levels)], start=start)
    metrics = ["m_a", "m_b"]
    counter = {"d": 0, "i": 0, "p": 0}
    practices_so_far: list[mm.Practice] = []
    items_so_far: list[str] = []
    answer_sets = (mm.AnswerSet(id="cov", options=[
        mm.AnswerOption(label="No", value=0.0), mm.AnswerOption(label="Some", value=0.25),
        mm.AnswerOption(label="Most", value=0.75), mm.AnswerOption(label="All", value=1.0)]),)

    def new_id(prefix: str) -> str:
        counter[prefix] += 1
        return f"{prefix}{counter[prefix]}"

    def identity(own: str) -> dict[str, Any]:
        """Sometimes a stable key, sometimes the ids of earlier versions this node replaces."""
        key = f"urn:x:{own}" if draw(st.integers(0, 2)) == 0 else None
        # and sometimes references into another standard, and tags
        refs = {"std": [f"S-{own}"]} if draw(st.integers(0, 3)) == 0 else {}
        return {"key": key, "replaces": [f"{own}.v{n}" for n in range(draw(st.integers(0, 2)))],
                "refs": refs, "tags": ["t"] * draw(st.integers(0, 1))}

    def make_item() -> mm.CapabilityItem:
        item_id = new_id("i")
        rule = draw(st.one_of(st.none(), item_rules(scale, metrics, item_kinds)))
        practices: list[mm.Practice] = []
        for _ in range(draw(st.integers(0 if isinstance(rule, mm.MetricBands) else 1, 5))):
            requires: list[str] = []
            wants_practice: bool = draw(st.booleans())
            if practices_so_far and wants_practice:
                requires.append(draw(st.sampled_from(practices_so_far)).id)
            if items_so_far and draw(st.integers(0, 4)) == 0:
                requires.append(f"{draw(st.sampled_from(items_so_far))}@"
                                f"{draw(st.sampled_from(scale.values))}")
            metric = None
            if draw(st.integers(0, 6)) == 0:
                metric = mm.MetricCriterion(name=draw(st.sampled_from(metrics)),
                                            threshold=float(draw(st.integers(0, 10))),
                                            better=draw(st.sampled_from(["higher", "lower"])))
            practice_id = new_id("p")
            practice = mm.Practice(
                id=practice_id, **identity(practice_id), level=draw(st.sampled_from(scale.values)),
                weight=draw(st.sampled_from([0.5, 1.0, 1.0, 2.0, 3.0])),
                mandatory=draw(st.integers(0, 4)) == 0,
                answer_set="cov" if draw(st.integers(0, 3)) == 0 else None,
                requires=requires, metric=metric)
            practices.append(practice)
        practices_so_far.extend(practices)
        items_so_far.append(item_id)
        return mm.CapabilityItem(id=item_id, weight=draw(st.sampled_from([0.5, 1.0, 2.0, 10.0])),
                                 rule=rule, practices=practices, **identity(item_id))

    budget = [draw(st.integers(1, max_items))]

    def make_domain(depth: int) -> mm.Domain:
        domain_id = new_id("d")
        subdomains: list[mm.Domain] = []
        if depth < 2:
            for _ in range(draw(st.integers(0, 2))):
                if budget[0] > 0:
                    subdomains.append(make_domain(depth + 1))
        items: list[mm.CapabilityItem] = []
        for _ in range(draw(st.integers(1 if not subdomains else 0, 3))):
            if budget[0] <= 0 and (items or subdomains):
                break
            budget[0] -= 1
            items.append(make_item())
        rule = draw(st.one_of(st.none(), domain_rules(domain_kinds)))
        return mm.Domain(id=domain_id, weight=draw(st.sampled_from([1.0, 2.5, 7.5, 10.0])),
                         rule=rule, domains=subdomains, items=items, **identity(domain_id))

    domains = [make_domain(0) for _ in range(draw(st.integers(1, 3)))]
    return mm.MaturityModel(
        id="gen", version="1", scale=scale,
        rules=mm.ModelRules(item=draw(item_rules(scale, metrics, tuple(
            k for k in item_kinds if k != "metric-bands") or ("staircase",))),
            domain=draw(domain_rules(domain_kinds))),
        dependencies=draw(st.sampled_from(policies)),
        answer_sets=answer_sets, domains=domains)


def answer_values(practice: mm.Practice) -> st.SearchStrategy[Any]:
    """Answers a practice accepts: none, booleans, partial values, n/a, labels."""
    options: list[st.SearchStrategy[Any]] = [
        st.none(), st.booleans(), st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0, 0.1, 0.9]),
        st.just("n/a")]
    if practice.answer_set is not None:
        options.append(st.sampled_from(["No", "Some", "Most", "All"]))
    return st.one_of(*options)


@st.composite
def assessments(draw: st.DrawFn, model: mm.MaturityModel) -> mm.Assessment:
    answers = {p.id: draw(answer_values(p)) for p in model.practices()}
    observations = {name: float(draw(st.integers(-2, 22)))
                    for name in ("m_a", "m_b") if draw(st.booleans())}
    return mm.Assessment(model=model.id, model_version=model.version, subject="team",
                         answers=answers, observations=observations)


@st.composite
def model_and_assessment(draw: st.DrawFn, /, **kwargs: Any) -> tuple[
        mm.MaturityModel, mm.Assessment]:
    model = draw(models(**kwargs))
    return model, draw(assessments(model))
