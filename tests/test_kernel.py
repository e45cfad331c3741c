"""The rules kernel: naming, the model index, and scoring without heavy imports."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import warnings

import attrs
import pytest

import maturity_model as mm
from maturity_model.model import ModelIndex


def _model() -> mm.MaturityModel:
    return mm.MaturityModel(id="m", domains=[mm.Domain(id="d", items=[
        mm.CapabilityItem(id="i", practices=[
            mm.Practice(id="a", level=1), mm.Practice(id="b", level=2, requires=["a"])])])])


def test_item_results_are_the_capability_item_results() -> None:
    profile = mm.score(_model(), mm.Assessment(model="m", answers={"a": True}))
    assert [r.node_id for r in profile.item_results()] == ["i"]


def test_profile_items_warns_and_gives_the_same_results() -> None:
    profile = mm.score(_model(), mm.Assessment(model="m", answers={"a": True}))
    with pytest.warns(DeprecationWarning, match="item_results"):
        old = profile.items()
    assert old == profile.item_results()


def test_default_registry_is_a_deprecated_alias_of_the_rule_registry() -> None:
    with pytest.warns(DeprecationWarning, match="default_rule_registry"):
        old = mm.default_registry()
    assert old.signature() == mm.default_rule_registry().signature()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mm.default_rule_registry()


def test_model_index_slots_are_typed_and_keep_their_first_value() -> None:
    model = _model()
    index = model._index
    assert isinstance(index, ModelIndex)
    assert _model()._index.requirements is None
    mm.score(model, mm.Assessment(model="m", answers={}))
    assert index.compact_graph == {"a": (), "b": ("a",)}
    assert mm.graph.requirement_map(model) == {"a": (), "b": ("a",)}
    assert index.requirements == {"a": (), "b": ("a",)}
    assert mm.graph.topological_order(model) == ("a", "b")
    assert index.topological_order == ("a", "b")
    assert index.errors == ()
    first = index.requirements
    index.requirements = {}
    assert index.requirements is first
    with pytest.raises(AttributeError):
        index.nodes = {}


def test_scoring_a_model_with_requires_edges_does_not_import_networkx() -> None:
    code = textwrap.dedent("""
        import sys
        import maturity_model as mm
        m = mm.MaturityModel(id="m", domains=[mm.Domain(id="d", items=[
            mm.CapabilityItem(id="i", practices=[
                mm.Practice(id="a", level=1),
                mm.Practice(id="b", level=2, requires=["a", "i@1"])])])])
        mm.score(m, mm.Assessment(model="m", answers={"a": True}))
        print("networkx" in sys.modules)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_a_cycle_is_still_found_and_named() -> None:
    model = mm.MaturityModel(id="m", domains=[mm.Domain(id="d", items=[
        mm.CapabilityItem(id="i", practices=[
            mm.Practice(id="a", level=1, requires=["b"]),
            mm.Practice(id="b", level=1, requires=["a"])])])])
    assert mm.graph.dependency_cycles(model) == (("a", "b", "a"),)
    assert [p.code for p in mm.check(model)] == ["dependency-cycle"]


def test_results_are_built_when_read_and_equal_built_ones() -> None:
    from maturity_model._lazy import LazyResults

    profile = mm.score(_model(), mm.Assessment(model="m", answers={"a": True, "b": 0.5}))
    assert isinstance(profile.results, LazyResults)
    assert profile.results._built == {}  # nothing read yet
    assert profile["i"].coverage == {1: 1.0, 2: 0.5, 3: None, 4: None, 5: None}
    assert list(profile.results._built) == ["i"]
    built = attrs.evolve(profile, results=dict(profile.results),
                         practices=dict(profile.practices))
    assert built == profile
    assert built.practices["b"].value == 0.5


def test_a_deep_tree_reads_its_root_without_recursion() -> None:
    node: mm.Domain = mm.Domain(id="leaf", items=[mm.CapabilityItem(
        id="i", practices=[mm.Practice(id="p", level=1)])])
    for depth in range(3000):
        node = mm.Domain(id=f"d{depth}", domains=[node])
    model = mm.MaturityModel(id="m", domains=[node])
    profile = mm.score(model, mm.Assessment(model="m", answers={"p": True}))
    assert profile.overall.counts.met == 1
    assert profile.overall.coverage[1] == 1.0


def test_the_core_never_imports_display_modules() -> None:
    import ast
    from pathlib import Path

    display = {"_explain", "_html", "_tables", "report", "plots"}
    for name in ("profile", "scoring", "_row_engine", "_row_results", "rules",
                 "_aggregation_rules", "_rule_base", "_rule_iso33020", "_batch_kernel",
                 "_batch_rules", "_batch_plan"):
        path = Path(mm.__file__).parent / f"{name}.py"
        imported = {
            (node.module or "").rsplit(".", 1)[-1]
            for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, ast.ImportFrom)}
        assert not imported & display, name


def test_explain_shows_the_observation_and_the_next_band() -> None:
    from maturity_model import standards

    model = standards.load("dora-four-keys")
    profile = mm.score(model, mm.Assessment(model=model.id, observations={
        "lead_time_hours": 30.0, "change_failure_rate_pct": 12.0}))
    lead = profile["lead-time"]
    assert (lead.level, lead.observed, lead.next_bound) == (3, 30.0, 1.0)
    assert "  observed 30, next band at 1" in profile.explain("lead-time").splitlines()
    top = profile["change-failure-rate"]
    assert (top.observed, top.next_bound) == (12.0, None)
    assert profile["deployment-frequency"].observed is None


def test_explain_marks_a_partly_met_missing_practice() -> None:
    model = mm.MaturityModel(id="m", scale=mm.LevelScale.range(1, 2), domains=[mm.Domain(
        id="d", items=[mm.CapabilityItem(id="i", practices=[
            mm.Practice(id="a", level=1), mm.Practice(id="b", level=2),
            mm.Practice(id="c", level=2)])])])
    profile = mm.score(model, mm.Assessment(model="m", answers={"a": True, "b": 0.5}))
    assert "  level 2 at 25 %: missing b (partial), c" in profile.explain("i").splitlines()


def test_a_domain_without_children_is_not_assessed() -> None:
    model = mm.MaturityModel(id="m", domains=[
        mm.Domain(id="empty"),
        mm.Domain(id="d", items=[mm.CapabilityItem(id="i", practices=[
            mm.Practice(id="p", level=1)])])])
    profile = mm.score(model, mm.Assessment(model="m", answers={"p": True}))
    assert (profile["empty"].score, profile["empty"].level) == (None, None)
    assert profile["empty"].limited_by == ()
    assert (profile.overall.score, profile.overall.level) == (5.0, 5)
