"""compare() across model versions: nodes aligned through the diff, model changes named."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import maturity_model as mm
from maturity_model.comparison import compare
from maturity_model.versions import diff_models
from tests.strategies import assessments, models
from tests.test_versions import edited


def _v1() -> mm.MaturityModel:
    return mm.MaturityModel(id="m", version="1", scale=mm.LevelScale.range(1, 3), domains=[
        mm.Domain(id="d", items=[
            mm.CapabilityItem(id="ci", key="urn:ci", practices=[
                mm.Practice(id="ci.1", level=1), mm.Practice(id="ci.2", level=2)]),
            mm.CapabilityItem(id="old", practices=[mm.Practice(id="old.1", level=1)])])])


def _v2() -> mm.MaturityModel:
    return mm.MaturityModel(id="m", version="2", scale=mm.LevelScale.range(1, 3), domains=[
        mm.Domain(id="d", items=[
            mm.CapabilityItem(id="build", key="urn:ci", practices=[
                mm.Practice(id="ci.1", level=1), mm.Practice(id="ci.2", level=3),
                mm.Practice(id="ci.3", level=2)])])])


ANSWERS = {"ci.1": True, "ci.2": True, "old.1": True}


def _profiles() -> tuple[mm.Profile, mm.Profile]:
    v1, v2 = _v1(), _v2()
    before = mm.score(v1, mm.Assessment(model="m", answers=ANSWERS, subject="t"))
    after = mm.score(v2, mm.Assessment(model="m", answers={"ci.1": True, "ci.2": True},
                                       subject="t"))
    return before, after


def test_a_renamed_item_is_compared_with_its_old_self_through_the_model_diff() -> None:
    before, after = _profiles()
    diff = compare(before, after, diff=diff_models(_v1(), _v2()))
    node = diff["build"]
    assert (node.before_id, node.status, node.before_level, node.after_level) == (
        "ci", "regressed", 3, 1)
    assert "ci" not in diff
    assert [(c.kind, c.old_id, c.new_id) for c in node.changes] == [
        ("renamed", "ci", "build"), ("added", None, "ci.3"), ("relevelled", "ci.2", "ci.2")]
    assert node.model_note("2") == (
        "level 3 → 1: item build: id 'ci' → 'build' in 2; practice ci.3 added at level 2 "
        "in 2; practice ci.2 re-levelled 2 → 3 in 2")
    assert (diff["old"].status, diff["old"].after) == ("removed", None)
    assert [c.kind for c in diff["old"].changes] == ["removed", "removed"]


def test_without_the_models_nodes_pair_by_id_and_changes_still_show() -> None:
    before, after = _profiles()
    diff = compare(before, after)
    assert (diff["ci"].status, diff["build"].status) == ("removed", "added")
    assert [(c.kind, c.old_id, c.new_id) for c in diff["build"].changes] == [
        ("added", None, "build"), ("added", None, "ci.3"), ("moved", "ci.1", "ci.1"),
        ("moved", "ci.2", "ci.2"), ("relevelled", "ci.2", "ci.2")]
    assert diff["ci"].model_note("2") == (
        "item ci removed in 2; practice ci.1 moved from 'ci' to 'build' in 2; "
        "practice ci.2 moved from 'ci' to 'build' in 2; practice ci.2 re-levelled 2 → 3 in 2")
    same = compare(before, mm.score(attrs.evolve(_v1(), version="1.1"),
                                    mm.Assessment(model="m", answers=ANSWERS)))
    assert {d.status for d in same} == {"unchanged"}
    assert all(d.changes == () for d in same)


def test_explain_names_the_model_change_under_the_node() -> None:
    before, after = _profiles()
    lines = compare(before, after, diff=diff_models(_v1(), _v2())).explain().splitlines()
    at = lines.index("  build: regressed, 3.00 (L3) → 1.00 (L1), -2.00")
    assert lines[at + 1].startswith("    level 3 → 1: item build: id 'ci' → 'build' in 2")


def test_a_diff_the_other_way_round_is_accepted_and_another_refused() -> None:
    before, after = _profiles()
    forward = compare(before, after, diff=diff_models(_v1(), _v2()))
    assert compare(before, after, diff=diff_models(_v2(), _v1())) == forward
    other = attrs.evolve(_v2(), version="3")
    with pytest.raises(mm.IncompatibleProfilesError):
        compare(before, after, diff=diff_models(_v1(), other))


def test_the_mirror_holds_with_renames() -> None:
    before, after = _profiles()
    ab = compare(before, after, diff=diff_models(_v1(), _v2()))
    ba = compare(after, before, diff=diff_models(_v2(), _v1()))
    assert ab.mirrored().nodes == ba.nodes
    assert ba["ci"].before_id == "build"


@st.composite
def version_pairs(draw: st.DrawFn) -> tuple[mm.MaturityModel, mm.MaturityModel,
                                            mm.Profile, mm.Profile]:
    old = draw(models(max_items=4))
    new = draw(edited(old))
    return old, new, mm.score(old, draw(assessments(old))), mm.score(new, draw(assessments(new)))


@settings(max_examples=60, deadline=None)
@given(version_pairs(), st.booleans())
def test_property_compare_across_versions_mirrors(
        case: tuple[mm.MaturityModel, mm.MaturityModel, mm.Profile, mm.Profile],
        with_models: bool) -> None:
    old, new, a, b = case
    ab = compare(a, b, diff=diff_models(old, new) if with_models else None)
    ba = compare(b, a, diff=diff_models(new, old) if with_models else None)
    assert ab.mirrored().nodes == ba.nodes
    mirror = {"improved": "regressed", "regressed": "improved", "unchanged": "unchanged",
              "added": "removed", "removed": "added"}
    for d in ab:
        assert ba[d.before_id or d.node_id].status == mirror[d.status]
    if old == new:
        assert all(d.changes == () for d in ab)


def test_profiles_of_two_models_are_refused_unless_a_diff_joins_them() -> None:
    before, _ = _profiles()
    other = mm.MaturityModel(id="other", version="9", domains=[mm.Domain(id="d", items=[
        mm.CapabilityItem(id="ci", practices=[mm.Practice(id="ci.1", level=1)])])])
    after = mm.score(other, mm.Assessment(model="other"))
    with pytest.raises(mm.IncompatibleProfilesError):
        compare(before, after)
    joined = compare(before, after, diff=diff_models(_v1(), other))
    assert [(c.kind, c.old_id) for c in joined["ci"].changes] == [("removed", "ci.2")]
    assert joined["other"].before_id == "m"
    assert [c.kind for c in joined["other"].changes] == ["renamed", "scale"]


def test_a_practice_that_moved_and_changed_weight_is_listed_alike_from_both_sides() -> None:
    scale = mm.LevelScale.of("L0", "L1", start=0)
    old = mm.MaturityModel(id="gen", version="1", scale=scale, domains=[mm.Domain(
        id="d1", items=[mm.CapabilityItem(id="i1", practices=[mm.Practice(id="p1", level=0)]),
                        mm.CapabilityItem(id="i2", practices=[mm.Practice(id="p2", level=0)])])])
    new = attrs.evolve(old, version="2", domains=[mm.Domain(id="d1", items=[
        mm.CapabilityItem(id="i1"),
        mm.CapabilityItem(id="i2", practices=[mm.Practice(id="p2", level=0),
                                              mm.Practice(id="p1", level=0, weight=1.5)])])])
    a = mm.score(old, mm.Assessment(model="gen"))
    b = mm.score(new, mm.Assessment(model="gen"))
    ab, ba = compare(a, b), compare(b, a)
    assert ab.mirrored().nodes == ba.nodes
    for node in ("i1", "i2"):
        assert [c.kind for c in ab[node].changes] == ["moved", "weight"]
