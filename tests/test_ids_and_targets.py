"""Ids, ``item@level`` requirements, the expanded-dependency limit and targets."""

from __future__ import annotations

import heapq
import itertools
import unicodedata
from typing import Any

import networkx as nx
import pytest
from hypothesis import given
from hypothesis import strategies as st

import maturity_model as mm
from maturity_model import validation
from maturity_model.errors import UnknownStandardError
from maturity_model.graph import (
    cycle_error,
    dependency_cycles,
    requirement_map,
    topological_order,
)
from maturity_model.ids import confusable_key, invisible_in
from maturity_model.model import parse_requirement
from maturity_model.serialization import loads_model
from maturity_model.target import Target

INVISIBLE = ["\u200b", "\u200c", "\u200d", "\ufeff", "\u2060", "\u200e", "\u200f",
             *(chr(c) for c in range(0x202A, 0x202F)),
             *(chr(c) for c in range(0x2066, 0x206A))]


def _model(*requires: str, ids: tuple[str, str] = ("i", "p")) -> mm.MaturityModel:
    item, practice = ids
    return mm.MaturityModel(id="m", scale=mm.LevelScale.range(1, 3), domains=[
        mm.Domain(id="d", items=[mm.CapabilityItem(id=item, practices=[
            mm.Practice(id=practice, level=1),
            mm.Practice(id="q", level=3, requires=list(requires))])])])


def _codes(model: mm.MaturityModel) -> list[tuple[str, str, str]]:
    return [(p.code, p.severity, p.path) for p in mm.check(model)]


# ------------------------------------------------------------------ item@level


@pytest.mark.parametrize(("requirement", "code"), [
    ("i@³", "invalid-value"),      # int() reads a superscript three; a level does not
    ("i@٣", "invalid-value"),      # an Arabic-Indic digit
    ("i@", "invalid-value"),
    ("@3", "invalid-value"),
    ("i@+2", "invalid-value"),
    ("i@ 2", "invalid-value"),
    ("i@0", "level-off-scale"),
    ("i@99", "level-off-scale"),
    ("i@-1", "level-off-scale"),
    ("x@2", "unresolved-reference"),
    ("nope", "unresolved-reference"),
])
def test_bad_item_level_requirements_are_coded_problems(requirement: str, code: str) -> None:
    assert _codes(_model(requirement)) == [
        (code, "error", "$.domains[0].items[0].practices[1].requires[0]")]


def test_bad_item_level_requirement_in_a_file_is_refused_with_its_code() -> None:
    text = ("id: m\nscale: [{value: 1, name: A}]\ndomains: [{id: d, items: [{id: i, "
            "practices: [{id: p, level: 1, requires: ['i@³']}]}]}]\n")
    with pytest.raises(mm.ModelValidationError) as info:
        loads_model(text)
    assert info.value.codes == ("invalid-value",)


def test_a_good_item_level_requirement_expands_to_the_items_practices() -> None:
    model = _model("i@2")
    assert _codes(model) == []
    assert requirement_map(model)["q"] == ("p",)


@given(st.text(alphabet=st.characters(categories=["Nd"]), min_size=1, max_size=3))
def test_only_ascii_digits_make_a_level(digits: str) -> None:
    target, level = parse_requirement(f"item@{digits}")
    if digits.isascii():
        assert (target, level) == ("item", int(digits))
    else:
        assert (target, level) == (f"item@{digits}", None)


@given(st.text(min_size=1).filter(lambda s: "@" not in s), st.integers(-10, 10**6))
def test_item_level_round_trips_through_parse_requirement(item: str, level: int) -> None:
    assert parse_requirement(f"{item}@{level}") == (item, level)


# ------------------------------------------------------------------ ids


@pytest.mark.parametrize(("ids", "path"), [
    (("i@x", "p"), "$.domains[0].items[0].id"),
    (("i", "p@1"), "$.domains[0].items[0].practices[0].id"),
])
def test_at_sign_in_an_id_is_refused(ids: tuple[str, str], path: str) -> None:
    assert _codes(_model(ids=ids)) == [("invalid-value", "error", path)]


def test_at_sign_in_the_model_id_is_refused() -> None:
    model = mm.MaturityModel(id="m@1")
    assert ("invalid-value", "error", "$.id") in _codes(model)


@pytest.mark.parametrize("other", [
    "I",                                     # case
    unicodedata.normalize("NFD", "é"),       # NFD of the NFC id below
    "i\u200b",                               # zero-width space
    "\u202ei",                               # right-to-left override
])
def test_ids_that_look_alike_are_warned_about(other: str) -> None:
    first = "é" if other == unicodedata.normalize("NFD", "é") else "i"
    model = mm.MaturityModel(id="m", domains=[mm.Domain(id="d", items=[
        mm.CapabilityItem(id=first, practices=[mm.Practice(id="p", level=1)]),
        mm.CapabilityItem(id=other, practices=[mm.Practice(id="q", level=1)])])])
    problems = [p for p in mm.check(model) if p.code == "confusable-id"]
    assert [(p.severity, p.path) for p in problems] == [
        ("warning", "$.domains[0].items[1].id")]
    assert repr(first) in problems[0].message


@pytest.mark.parametrize("char", INVISIBLE)
def test_an_id_with_an_invisible_character_is_warned_about(char: str) -> None:
    model = _model(ids=("i", f"p{char}1"))
    assert _codes(model) == [
        ("confusable-id", "warning", "$.domains[0].items[0].practices[0].id")]
    assert f"U+{ord(char):04X}" in mm.check(model)[0].message


def test_confusable_ids_still_load_from_a_file() -> None:
    text = ('id: m\nscale: [{value: 1, name: A}]\ndomains: [{id: d, items: [\n'
            '  {id: ci, practices: [{id: p, level: 1}]},\n'
            '  {id: CI, practices: [{id: "p\\u200b", level: 1}]}]}]\n')
    model = loads_model(text)
    assert [(p.code, p.path) for p in mm.check(model)] == [
        ("confusable-id", "$.domains[0].items[1].id"),
        ("confusable-id", "$.domains[0].items[1].practices[0].id")]


@pytest.mark.parametrize("answered", ["P", "p\u200b", "\u202ap"])
def test_an_answer_to_a_look_alike_id_names_the_practice_meant(answered: str) -> None:
    model = _model()
    problems = mm.check(model, mm.Assessment(model="m", answers={answered: True}))
    assert [(p.code, p.path) for p in problems] == [
        ("unknown-practice", f"$.answers[{answered!r}]")]
    assert "did you mean 'p'?" in problems[0].message


def test_an_answer_to_an_unrelated_id_gets_no_suggestion() -> None:
    problems = mm.check(_model(), mm.Assessment(model="m", answers={"zz": True}))
    assert [p.code for p in problems] == ["unknown-practice"]
    assert "did you mean" not in problems[0].message


def test_plain_distinct_ids_raise_no_warning() -> None:
    assert _codes(_model(ids=("ci", "ci.1"))) == []


@given(st.text(min_size=1, max_size=8).filter(lambda s: s.strip() and "@" not in s),
       st.sampled_from(INVISIBLE), st.integers(0, 8))
def test_inserting_an_invisible_character_always_warns(base: str, char: str,
                                                      where: int) -> None:
    spoofed = base[:where] + char + base[where:]
    assert invisible_in(spoofed)
    assert confusable_key(spoofed) == confusable_key(base)
    model = mm.MaturityModel(id="m", domains=[mm.Domain(id="d", items=[
        mm.CapabilityItem(id="i", practices=[mm.Practice(id=base, level=1),
                                             mm.Practice(id=spoofed, level=1)])])])
    assert "$.domains[0].items[0].practices[1].id" in {
        p.path for p in mm.check(model) if p.code == "confusable-id"}


# ------------------------------------------------------------------ the expansion limit


def _fan(big: int, users: int) -> mm.MaturityModel:
    return mm.MaturityModel(id="m", scale=mm.LevelScale.range(1, 2), domains=[
        mm.Domain(id="d", items=[
            mm.CapabilityItem(id="big", practices=[
                mm.Practice(id=f"b{i}", level=1) for i in range(big)]),
            mm.CapabilityItem(id="users", practices=[
                mm.Practice(id=f"u{i}", level=2, requires=["big@1"]) for i in range(users)]),
        ])])


def test_too_many_expanded_dependencies_are_refused_before_building_them() -> None:
    model = _fan(1001, 1000)  # 1 001 000 edges once big@1 is expanded
    assert _codes(model) == [
        ("invalid-value", "error", "$.domains[0].items[1].practices[999].requires[0]")]
    assert "requirements" not in model._cache
    with pytest.raises(mm.ModelValidationError):
        mm.score(model, mm.Assessment(model="m"))


def test_the_limit_counts_practices_at_levels_up_to_l(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(validation, "MAX_EXPANDED_REQUIREMENTS", 6)
    assert _codes(_fan(2, 3)) == []                         # 3 × 2 = 6 edges
    assert [c for c, _, _ in _codes(_fan(2, 4))] == ["invalid-value"]   # 8 edges


def test_a_wide_fan_under_the_limit_is_ordered_without_drawing_every_edge() -> None:
    model = _fan(900, 1000)
    assert _codes(model) == []
    order = topological_order(model)
    assert order[:900] == tuple(f"b{i}" for i in range(900))
    assert len(model._index.compact_graph["u0"]) == 1


@st.composite
def _dependency_models(draw: st.DrawFn) -> mm.MaturityModel:
    items = []
    ids = []
    for i in range(draw(st.integers(1, 3))):
        practices = [(f"i{i}.{j}", draw(st.integers(1, 3)))
                     for j in range(draw(st.integers(0, 4)))]
        items.append((f"i{i}", practices))
        ids += [pid for pid, _ in practices]
    targets = ids + [f"i{i}@{level}" for i in range(len(items)) for level in (1, 2, 3)]
    built = []
    for item_id, practices in items:
        built.append(mm.CapabilityItem(id=item_id, practices=[
            mm.Practice(id=pid, level=level, requires=draw(
                st.lists(st.sampled_from(targets), max_size=3)) if targets else [])
            for pid, level in practices]))
    return mm.MaturityModel(id="m", scale=mm.LevelScale.range(1, 3),
                            domains=[mm.Domain(id="d", items=built)])


@given(_dependency_models())
def test_the_compact_graph_agrees_with_every_edge_drawn(model: mm.MaturityModel) -> None:
    requirements = requirement_map(model)
    expanded: Any = nx.DiGraph()
    expanded.add_nodes_from(requirements)
    expanded.add_edges_from((p, pre) for p, pres in requirements.items() for pre in pres)
    cycles = dependency_cycles(model)
    assert bool(cycles) == (not nx.is_directed_acyclic_graph(expanded))
    for cycle in cycles:
        assert cycle[0] == cycle[-1]
        assert all(b in requirements[a] for a, b in itertools.pairwise(cycle))
    if cycles:
        with pytest.raises(mm.DependencyCycleError) as info:
            topological_order(model)
        assert info.value.cycle == cycles[0]
        return
    # The reference: Kahn's algorithm over the expanded edges, document order first.
    position = {p: i for i, p in enumerate(requirements)}
    waiting = {p: len(pres) for p, pres in requirements.items()}
    ready = [position[p] for p, n in waiting.items() if n == 0]
    heapq.heapify(ready)
    ids = list(requirements)
    order = []
    while ready:
        done = ids[heapq.heappop(ready)]
        order.append(done)
        for p, pres in requirements.items():
            if done in pres:
                waiting[p] -= 1
                if waiting[p] == 0:
                    heapq.heappush(ready, position[p])
    assert topological_order(model) == tuple(order)


def test_a_practice_requiring_its_own_item_is_a_cycle_on_itself() -> None:
    model = _model("i@3")
    assert dependency_cycles(model) == (("q", "q"),)
    assert [c for c, _, _ in _codes(model)] == ["dependency-cycle"]
    error = cycle_error(model, mm.check(model))
    assert isinstance(error, mm.DependencyCycleError)
    assert error.cycle == ("q", "q")


# ------------------------------------------------------------------ targets


def _profile() -> mm.Profile:
    model = mm.MaturityModel(id="m", scale=mm.LevelScale.range(1, 3), domains=[
        mm.Domain(id="cm", items=[mm.CapabilityItem(id="vcs", practices=[
            mm.Practice(id="vcs.1", level=1)])]),
        mm.Domain(id="ci", items=[mm.CapabilityItem(id="build", practices=[
            mm.Practice(id="build.1", level=1)])])])
    return mm.score(model, mm.Assessment(model="m", answers={"vcs.1": True}))


@pytest.mark.parametrize(("make", "path"), [
    (lambda: Target.uniform(-5), "$.default"),
    (lambda: Target.of({"cm": -1}), "$.levels['cm']"),
    (lambda: Target.of({"cm": True}), "$.levels['cm']"),
    (lambda: Target.of({"cm": 2.5}), "$.levels['cm']"),  # type: ignore[dict-item]
])
def test_a_target_level_that_is_not_a_level_is_a_coded_problem(make: Any, path: str) -> None:
    with pytest.raises(mm.ValidationError) as info:
        make()
    assert [(p.code, p.path) for p in info.value.problems] == [("invalid-value", path)]
    assert isinstance(info.value, ValueError)


def test_level_for_reads_the_nearest_named_ancestor_then_the_default() -> None:
    profile = _profile()
    target = Target.of({"cm": 3, "vcs": 2}, default=1)
    assert [target.level_for(profile, n) for n in ("m", "cm", "vcs", "ci", "build")] == [
        1, 3, 2, 1, 1]
    assert dict(target.levels_for(profile)) == {
        "m": 1, "cm": 3, "vcs": 2, "ci": 1, "build": 1}


def test_level_for_an_unknown_node_raises_unknown_node_error() -> None:
    with pytest.raises(mm.UnknownNodeError) as info:
        Target.uniform(2).level_for(_profile(), "nope")
    assert info.value.node_id == "nope"


def test_level_for_ends_on_a_parent_loop() -> None:
    profile = mm.Profile(model_id="m", results={
        "a": mm.Result(node_id="a", kind="domain", parent="b"),
        "b": mm.Result(node_id="b", kind="domain", parent="a")})
    assert Target.uniform(2).level_for(profile, "a") == 2
    assert dict(Target.of({"b": 3}).levels_for(profile)) == {"a": 3, "b": 3}


@given(st.dictionaries(st.sampled_from(["m", "cm", "vcs", "ci", "build", "x"]),
                       st.integers(0, 3)), st.one_of(st.none(), st.integers(0, 3)))
def test_levels_for_agrees_with_level_for(levels: dict[str, int], default: int | None,
                                          ) -> None:
    profile = _profile()
    target = Target.of(levels, default=default)
    assert dict(target.levels_for(profile)) == {
        n: target.level_for(profile, n) for n in profile.results}


def test_a_target_file_naming_unknown_nodes_lists_them() -> None:
    target = Target.loads("format: maturity-target/1\nlevels: {nope: 2, cm: 9}\n")
    assert [(p.code, p.path) for p in target.problems(_profile())] == [
        ("unresolved-reference", "$.levels['nope']"), ("level-off-scale", "$.levels['cm']")]
    with pytest.raises(mm.ValidationError):
        mm.gap(_profile(), target)


# ------------------------------------------------------------------ standards


def test_a_missing_standard_version_lists_the_known_versions() -> None:
    with pytest.raises(UnknownStandardError) as info:
        mm.standards.load("caict-devops-cd", "1999")
    assert (info.value.name, info.value.version, info.value.known) == (
        "caict-devops-cd", "1999", ("2021",))
    assert isinstance(info.value, LookupError)
    assert isinstance(info.value, mm.MaturityModelError)
    assert isinstance(info.value, mm.UnknownNodeError)  # what it raised before


def test_an_unknown_standard_lists_the_known_names() -> None:
    with pytest.raises(UnknownStandardError) as info:
        mm.standards.load("no-such-standard")
    assert info.value.version is None
    assert "caict-devops-cd" in info.value.known


def test_requirements_of_the_wrong_type_in_code_are_problems_not_crashes() -> None:
    model = mm.MaturityModel(id="m", domains=[mm.Domain(id="d", items=[
        mm.CapabilityItem(id="i", practices=[
            mm.Practice(id="p", level="2"),  # type: ignore[arg-type]
            mm.Practice(id="q", level=3, requires=["i@2", 5, ["x"]])])])])
    assert [(p.code, p.path) for p in mm.check(model)] == [
        ("invalid-value", "$.domains[0].items[0].practices[0].level"),
        ("invalid-value", "$.domains[0].items[0].practices[1].requires[1]"),
        ("invalid-value", "$.domains[0].items[0].practices[1].requires[2]")]
    assert requirement_map(model)["q"] == ()


def test_cycle_error_is_a_plain_model_error_without_a_cycle_problem() -> None:
    model = _model("nope")
    error = cycle_error(model, mm.check(model))
    assert type(error) is mm.ModelValidationError
    assert error.codes == ("unresolved-reference",)


def test_loading_a_cycle_through_item_level_names_it_from_the_graph() -> None:
    text = ("id: m\nscale: [{value: 1, name: A}, {value: 2, name: B}]\ndomains: [{id: d, "
            "items: [{id: i, practices: [{id: a, level: 1, requires: [j@2]}]}, "
            "{id: j, practices: [{id: b, level: 2, requires: [i@1]}]}]}]\n")
    with pytest.raises(mm.DependencyCycleError) as info:
        loads_model(text)
    assert info.value.cycle == ("a", "b", "a")
    assert info.value.codes == ("dependency-cycle",)
