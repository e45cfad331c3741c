"""Model diff: pairing by id, key and replaces; every kind of change; the mirror property."""

from __future__ import annotations

import gc
import warnings
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import maturity_model as mm
from maturity_model.nodes import parse_requirement
from maturity_model.versions import KINDS, Change, ModelDiff, diff_models
from tests.strategies import models

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference"
DSOMM = REFERENCE / "dsomm"
DSOMM_1_25 = DSOMM / "releases" / "model-v1.25.0.yaml"
DSOMM_4_0 = DSOMM / "releases" / "model-v4.0.0.yaml"
DSOMM_4_3 = DSOMM / "DevSecOps-MaturityModel-data" / "generated" / "model.yaml"


def _model(version: str, *practices: mm.Practice, **changes: Any) -> mm.MaturityModel:
    base = mm.MaturityModel(
        id="m", version=version, scale=mm.LevelScale.range(1, 3),
        answer_sets=[mm.AnswerSet(id="cov", options=[
            mm.AnswerOption(label="No", value=0), mm.AnswerOption(label="Some", value=0.5),
            mm.AnswerOption(label="All", value=1)])],
        domains=[mm.Domain(id="d", name="Delivery", items=[
            mm.CapabilityItem(id="ci", practices=list(practices)),
            mm.CapabilityItem(id="cd", practices=[mm.Practice(id="cd.1", level=1)])])])
    return attrs.evolve(base, **changes)


def _key(change: Change) -> tuple[str, ...]:
    return (change.kind, change.node, change.old_id or "", change.new_id or "",
            change.old_path or "", change.new_path or "", change.detail)


def _kinds(diff: ModelDiff) -> list[tuple[str, str | None, str | None]]:
    return [(c.kind, c.old_id, c.new_id) for c in diff]


def assert_mirrors(a: mm.MaturityModel, b: mm.MaturityModel) -> None:
    forward, backward = diff_models(a, b), diff_models(b, a)
    assert sorted(map(_key, backward)) == sorted(_key(c.mirrored()) for c in forward)
    assert sorted(backward.changes, key=_key) == sorted(forward.mirrored().changes, key=_key)
    assert dict(backward.practices) == {n: o for o, n in forward.practices.items()}
    assert dict(backward.nodes) == {n: o for o, n in forward.nodes.items()}


# --- pairing -----------------------------------------------------------------------------


def test_diffing_a_model_with_itself_is_empty() -> None:
    model = _model("1", mm.Practice(id="ci.1", level=1, text="Builds run on commit"))
    diff = diff_models(model, model)
    assert diff.changes == () and len(diff) == 0 and not diff
    assert dict(diff.summary()) == {}
    assert dict(diff.practices) == {"ci.1": "ci.1", "cd.1": "cd.1"}
    assert dict(diff.nodes) == {"m": "m", "d": "d", "ci": "ci", "cd": "cd"}


def test_a_new_id_with_the_same_key_is_renamed_not_removed() -> None:
    old = _model("1", mm.Practice(id="ci.1", key="urn:ci.1", level=1))
    new = _model("2", mm.Practice(id="build.1", key="urn:ci.1", level=1))
    diff = diff_models(old, new)
    assert _kinds(diff) == [("renamed", "ci.1", "build.1")]
    change = diff.changes[0]
    assert change.old_path == change.new_path == "$.domains[0].items[0].practices[0]"
    assert change.detail == "id 'ci.1' → 'build.1'"
    assert dict(diff.practices)["ci.1"] == "build.1"


def test_replaces_pairs_in_either_direction() -> None:
    old = _model("1", mm.Practice(id="ci.1", level=1))
    new = _model("2", mm.Practice(id="ci.one", replaces=["ci.1"], level=1))
    assert _kinds(diff_models(old, new)) == [("renamed", "ci.1", "ci.one")]
    assert _kinds(diff_models(new, old)) == [("renamed", "ci.one", "ci.1")]


def test_replaces_may_name_the_old_key() -> None:
    old = _model("1", mm.Practice(id="ci.1", key="urn:a", level=1))
    new = _model("2", mm.Practice(id="ci.x", key="urn:b", replaces=["urn:a"], level=1))
    assert _kinds(diff_models(old, new)) == [("renamed", "ci.1", "ci.x")]


def test_a_split_is_not_paired_it_is_removed_and_added() -> None:
    old = _model("1", mm.Practice(id="ci.1", level=1))
    new = _model("2", mm.Practice(id="ci.a", replaces=["ci.1"], level=1),
                 mm.Practice(id="ci.b", replaces=["ci.1"], level=1))
    assert sorted(_kinds(diff_models(old, new))) == [
        ("added", None, "ci.a"), ("added", None, "ci.b"), ("removed", "ci.1", None)]


def test_similar_text_is_only_suggested() -> None:
    old = _model("1", mm.Practice(id="ci.1", level=1, text="Every build runs in a pipeline"))
    new = _model("2", mm.Practice(id="ci.9", level=1, text="Every build runs in pipelines"))
    diff = diff_models(old, new)
    assert sorted(_kinds(diff)) == [("added", None, "ci.9"), ("removed", "ci.1", None),
                                    ("suggested", "ci.1", "ci.9")]
    assert "ci.1" not in diff.practices
    suggested = diff.with_kind("suggested")[0]
    assert suggested.detail.startswith("similar text (similarity 0.9")
    assert suggested.detail.endswith("not applied")


def test_unlike_texts_are_not_suggested() -> None:
    old = _model("1", mm.Practice(id="ci.1", level=1, text="Every build runs in a pipeline"))
    new = _model("2", mm.Practice(id="ci.9", level=1, text="Threat modelling workshops"))
    assert diff_models(old, new).with_kind("suggested") == ()


# --- kinds -------------------------------------------------------------------------------


def test_practice_changes_each_have_a_kind_and_both_paths() -> None:
    old = _model("1", mm.Practice(id="ci.0", level=1),
                 mm.Practice(id="ci.1", level=2, text="Build scripts are versioned",
                             requires=["ci.0"], answer_set="cov", weight=1, mandatory=False))
    new = _model("2", mm.Practice(id="ci.1", level=1, text="All build scripts are versioned",
                                  requires=[], weight=2, mandatory=True),
                 mm.Practice(id="ci.0", level=1))
    diff = diff_models(old, new)
    assert _kinds(diff) == [
        ("weight", "ci.1", "ci.1"), ("relevelled", "ci.1", "ci.1"),
        ("reworded", "ci.1", "ci.1"), ("requirements", "ci.1", "ci.1"),
        ("answer-set", "ci.1", "ci.1"), ("mandatory", "ci.1", "ci.1")]
    for change in diff:
        assert change.old_path == "$.domains[0].items[0].practices[1]"
        assert change.new_path == "$.domains[0].items[0].practices[0]"
    details = {c.kind: c.detail for c in diff}
    assert details["relevelled"] == "level 2 → 1"
    assert details["requirements"] == "requires [ci.0] → []"
    assert details["answer-set"] == "answers cov ('No'=0, 'Some'=0.5, 'All'=1) → -"
    assert details["weight"] == "weight 1 → 2"
    assert details["reworded"].startswith("practice text changed (similarity 0.9")


def test_requirements_are_compared_through_the_pairing() -> None:
    old = _model("1", mm.Practice(id="ci.0", level=1),
                 mm.Practice(id="ci.1", level=2, requires=["ci.0", "cd@1"]))
    new = _model("2", mm.Practice(id="ci.zero", replaces=["ci.0"], level=1),
                 mm.Practice(id="ci.1", level=2, requires=["ci.zero", "cd@1"]))
    assert _kinds(diff_models(old, new)) == [("renamed", "ci.0", "ci.zero")]


def test_a_practice_under_another_item_is_moved() -> None:
    old = _model("1", mm.Practice(id="ci.1", level=1))
    new = attrs.evolve(old, version="2", domains=[mm.Domain(id="d", name="Delivery", items=[
        mm.CapabilityItem(id="ci"),
        mm.CapabilityItem(id="cd", practices=[mm.Practice(id="cd.1", level=1),
                                               mm.Practice(id="ci.1", level=1)])])])
    diff = diff_models(old, new)
    assert _kinds(diff) == [("moved", "ci.1", "ci.1")]
    assert diff.changes[0].detail == "parent 'ci' → 'cd'"
    assert diff.changes[0].new_path == "$.domains[0].items[1].practices[1]"


def test_model_wide_changes_come_first() -> None:
    old = _model("1", mm.Practice(id="ci.1", level=1))
    new = attrs.evolve(old, version="2", scale=mm.LevelScale.of("A", "B", "C"),
                       rules=mm.ModelRules(item=mm.LevelSum()), dependencies="enforce",
                       answer_sets=[mm.AnswerSet(id="cov", options=[
                           mm.AnswerOption(label="No", value=0),
                           mm.AnswerOption(label="Partly", value=0.5),
                           mm.AnswerOption(label="All", value=1)])])
    diff = diff_models(old, new)
    assert [(c.kind, c.node, c.old_path) for c in diff] == [
        ("scale", "model", "$.scale"), ("rules", "model", "$.rules.item"),
        ("dependency-policy", "model", "$.dependencies"),
        ("answer-set", "answer-set", "$.answer_sets[0]")]
    assert diff.changes[0].detail == "scale 1, 2, 3 → 1 A, 2 B, 3 C"
    assert diff.changes[2].detail == "dependency-policy report → enforce"


def test_domain_and_item_changes() -> None:
    old = _model("1", mm.Practice(id="ci.1", level=1))
    new = attrs.evolve(old, version="2", domains=[mm.Domain(
        id="d", name="Delivery and release", weight=2, rule=mm.Minimum(), items=[
            mm.CapabilityItem(id="ci", practices=[mm.Practice(id="ci.1", level=1)],
                              rule=mm.LevelSum())]),
        mm.Domain(id="ops", items=[
            mm.CapabilityItem(id="cd", practices=[mm.Practice(id="cd.1", level=1)])])])
    assert _kinds(diff_models(old, new)) == [
        ("weight", "d", "d"), ("reworded", "d", "d"), ("rules", "d", "d"),
        ("rules", "ci", "ci"), ("moved", "cd", "cd"), ("added", None, "ops")]


def test_every_kind_is_listed_and_documented() -> None:
    from maturity_model import versions

    assert len(set(KINDS)) == len(KINDS) == 15
    for kind in KINDS:
        assert f"``{kind}``" in (versions.__doc__ or "")


# --- output ------------------------------------------------------------------------------


def _small_diff() -> ModelDiff:
    old = _model("1", mm.Practice(id="ci.1", level=2, text="<b>x</b> | y"))
    new = _model("2", mm.Practice(id="ci.1", level=1, text="<b>x</b> | y"),
                 mm.Practice(id="ci.2", level=3))
    return diff_models(old, new)


def test_records_frame_markdown_and_html() -> None:
    diff = _small_diff()
    assert diff.to_records() == [
        {"kind": "relevelled", "node": "practice", "old_id": "ci.1", "new_id": "ci.1",
         "old_path": "$.domains[0].items[0].practices[0]",
         "new_path": "$.domains[0].items[0].practices[0]", "detail": "level 2 → 1"},
        {"kind": "added", "node": "practice", "old_id": None, "new_id": "ci.2",
         "old_path": None, "new_path": "$.domains[0].items[0].practices[1]",
         "detail": "practice at level 3 of 'ci'"}]
    frame = diff.to_frame()
    assert list(frame.columns) == ["kind", "node", "old_id", "new_id", "old_path", "new_path",
                                   "detail"]
    assert frame["kind"].tolist() == ["relevelled", "added"]
    markdown = diff.to_markdown()
    assert markdown.splitlines()[:3] == ["# m 1 → m 2", "", "1 added, 1 relevelled"]
    assert "| relevelled | practice | `ci.1` | `ci.1` | level 2 → 1 |" in markdown
    html = diff._repr_html_()
    assert "1 added, 1 relevelled" in html and "<td" in html
    assert repr(diff) == "ModelDiff('m' '1' → 'm' '2', added=1, relevelled=1)"
    assert diff.explain().splitlines()[0] == "m 1 → m 2: 1 added, 1 relevelled"


def test_html_escapes_the_model_text() -> None:
    old = _model("1", mm.Practice(id="<i>p</i>", level=1))
    new = _model("2")
    html = diff_models(old, new)._repr_html_()
    assert "<i>p</i>" not in html and "&lt;i&gt;p&lt;/i&gt;" in html


def test_the_package_exports_the_names() -> None:
    assert mm.diff_models is diff_models and mm.ModelDiff is ModelDiff and mm.Change is Change


# --- caching -----------------------------------------------------------------------------


def test_a_second_call_for_the_same_pair_is_the_same_object() -> None:
    old = _model("1", mm.Practice(id="ci.1", level=1))
    new = _model("2", mm.Practice(id="ci.1", level=2))
    first = diff_models(old, new)
    assert diff_models(old, new) is first
    assert diff_models(new, old) is not first


def test_the_cache_lets_the_new_model_go() -> None:
    old = _model("1", mm.Practice(id="ci.1", level=1))
    for level in (2, 3):
        new = _model("2", mm.Practice(id="ci.1", level=level))
        assert diff_models(old, new).changes[0].new_value == level
        del new
        gc.collect()
    diff_models(old, _model("3"))
    assert len(old._cache["model_diffs"]) == 1


# --- properties --------------------------------------------------------------------------


EDITS = ("relevel", "reword", "remove", "add", "rename", "move", "weight", "policy", "scale",
         "item-name")


def _edit_practice(p: mm.Practice, what: str, bottom: int) -> mm.Practice | None:
    if what == "relevel":
        return attrs.evolve(p, level=bottom)
    if what == "reword":
        return attrs.evolve(p, text=p.text + " (revised)")
    if what == "remove":
        return None
    if what == "rename":
        return attrs.evolve(p, id=p.id + "-new", key=p.key or f"urn:{p.id}")
    if what == "weight":
        return attrs.evolve(p, weight=p.weight + 1)
    return p


def _map_items(model: mm.MaturityModel, change: Any) -> mm.MaturityModel:
    """``model`` with ``change(item)`` applied to every item."""
    def walk(domain: mm.Domain) -> mm.Domain:
        return attrs.evolve(domain, items=[change(i) for i in domain.items],
                            domains=[walk(d) for d in domain.domains])

    return attrs.evolve(model, domains=[walk(d) for d in model.domains])


def _apply(model: mm.MaturityModel, what: str, target: str) -> mm.MaturityModel:
    """One edit of the kind a new release makes, on the practice ``target``."""
    items = model.items()
    bottom = model.scale.values[0]
    if what == "policy":
        return attrs.evolve(model, dependencies="enforce" if model.dependencies != "enforce"
                            else "ignore")
    if what == "scale":
        return attrs.evolve(model, scale=mm.LevelScale(
            [attrs.evolve(lv, name=lv.name + "'") for lv in model.scale]))
    if what == "item-name":
        return _map_items(model, lambda i: attrs.evolve(i, name=i.name + "!"))
    if what == "add":
        first = items[0].id
        # a fresh id: counting practices repeats one after a "drop" and a second "add"
        taken = {p.id for p in model.practices()}
        new_id = next(f"added-{n}" for n in range(len(taken) + 1) if f"added-{n}" not in taken)
        return _map_items(model, lambda i: attrs.evolve(i, practices=[
            *i.practices, mm.Practice(id=new_id, level=bottom)]) if i.id == first else i)
    if what == "move":
        if len(items) < 2 or not items[0].practices:
            return model
        first, second = items[0].id, items[1].id
        moving = items[0].practices[0]

        def move(item: mm.CapabilityItem) -> mm.CapabilityItem:
            if item.id == first:
                return attrs.evolve(item, practices=item.practices[1:])
            if item.id == second:
                return attrs.evolve(item, practices=[*item.practices, moving])
            return item

        return _map_items(model, move)

    def edit(item: mm.CapabilityItem) -> mm.CapabilityItem:
        kept = [_edit_practice(p, what, bottom) if p.id == target else p
                for p in item.practices]
        return attrs.evolve(item, practices=[p for p in kept if p is not None])

    return _keep_requirements_valid(_map_items(model, edit), target, what)


def _keep_requirements_valid(model: mm.MaturityModel, target: str,
                             what: str) -> mm.MaturityModel:
    """Requirements follow a renamed practice and forget a removed one, as a release does."""
    known = {p.id for p in model.practices()} | {i.id for i in model.items()}

    def fixed(requirement: str) -> str | None:
        if what == "rename" and requirement == target:
            return target + "-new"
        name, _ = parse_requirement(requirement)
        return requirement if name in known else None

    def clean(item: mm.CapabilityItem) -> mm.CapabilityItem:
        return attrs.evolve(item, practices=[
            attrs.evolve(p, requires=[r for r in map(fixed, p.requires) if r is not None])
            for p in item.practices])

    return _map_items(model, clean)


@st.composite
def edited(draw: st.DrawFn, model: mm.MaturityModel) -> mm.MaturityModel:
    """``model`` after a few edits of the kinds a new release makes."""
    changed = model
    for _ in range(draw(st.integers(1, 4))):
        practices = [p.id for p in changed.practices()]
        if not practices:
            break
        changed = _apply(changed, draw(st.sampled_from(EDITS)), draw(st.sampled_from(practices)))
    return attrs.evolve(changed, version="2")


@st.composite
def model_pairs(draw: st.DrawFn) -> tuple[mm.MaturityModel, mm.MaturityModel]:
    model = draw(models(max_items=5))
    return model, draw(edited(model))


@settings(max_examples=60, deadline=None)
@given(models(max_items=5))
def test_property_a_model_diffed_with_itself_is_empty(model: mm.MaturityModel) -> None:
    assert diff_models(model, model).changes == ()
    copy = attrs.evolve(model, version="other")
    assert diff_models(model, copy).changes == ()


@settings(max_examples=80, deadline=None)
@given(model_pairs())
def test_property_diffs_mirror_each_other(pair: tuple[mm.MaturityModel, mm.MaturityModel]
                                          ) -> None:
    old, new = pair
    assert_mirrors(old, new)
    # The diff sees every edit: it is empty exactly when the models are equal.
    assert bool(diff_models(old, new)) == (attrs.evolve(new, version=old.version) != old)


@settings(max_examples=40, deadline=None)
@given(model_pairs())
def test_property_every_practice_is_paired_or_listed(
        pair: tuple[mm.MaturityModel, mm.MaturityModel]) -> None:
    old, new = pair
    diff = diff_models(old, new)
    removed = {c.old_id for c in diff.with_kind("removed") if c.node == "practice"}
    added = {c.new_id for c in diff.with_kind("added") if c.node == "practice"}
    assert set(diff.practices) | removed == {p.id for p in old.practices()}
    assert set(diff.practices.values()) | added == {p.id for p in new.practices()}
    assert not set(diff.practices) & removed


# --- real releases -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def dsomm() -> dict[str, mm.MaturityModel]:
    from maturity_model.formats import dsomm as importer

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # older releases have typos the importer resolves
        return {"1.25": importer.load_model(DSOMM_1_25), "4.0": importer.load_model(DSOMM_4_0),
                "4.3.1": importer.load_model(DSOMM_4_3)}


def test_dsomm_1_25_to_4_3_1(dsomm: dict[str, mm.MaturityModel]) -> None:
    diff = diff_models(dsomm["1.25"], dsomm["4.3.1"])
    assert (diff.old_version, diff.new_version) == ("1.24.0", "4.3.1")
    assert dict(diff.summary()) == {"added": 2, "relevelled": 1, "reworded": 4,
                                    "requirements": 9}
    assert len(diff.practices) == 192
    relevelled = diff.with_kind("relevelled")[0]
    assert (relevelled.old_id, relevelled.old_value, relevelled.new_value) == (
        "f2f0f274-c1a0-4501-92fe-7fc4452bc8ad", 3, 2)
    assert {c.new_id for c in diff.with_kind("added")} == {
        "67e1a9aa-9fbf-4ec5-a2de-400f01960c51", "c4204a32-2545-4424-b524-d1cc52b46abd"}
    assert_mirrors(dsomm["1.25"], dsomm["4.3.1"])


def test_dsomm_4_0_to_4_3_1_adds_one_activity(dsomm: dict[str, mm.MaturityModel]) -> None:
    diff = diff_models(dsomm["4.0"], dsomm["4.3.1"])
    assert _kinds(diff) == [("added", None, "c4204a32-2545-4424-b524-d1cc52b46abd")]


def test_changes_of_one_node_from_either_side() -> None:
    old = _model("1", mm.Practice(id="ci.1", key="k", level=2))
    new = _model("2", mm.Practice(id="build.1", key="k", level=1))
    diff = diff_models(old, new)
    assert [c.kind for c in diff.of_old("ci.1")] == ["renamed", "relevelled"]
    assert diff.of_new("build.1") == diff.of_old("ci.1")
    assert diff.of_new("ci.1") == () and diff.of_old("build.1") == ()


def test_a_change_is_built_as_the_issue_spells_it() -> None:
    c = mm.Change("relevelled", "ci.2", "ci.2", "$.a", "$.b", "level 2 → 1")
    assert (c.kind, c.old_id, c.new_id, c.old_path, c.new_path, c.detail, c.node) == (
        "relevelled", "ci.2", "ci.2", "$.a", "$.b", "level 2 → 1", "practice")
