"""compare(a, b): statuses, deltas, mirrors, versions, sorted views and tables."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import maturity_model as mm
from maturity_model.comparison import NodeDiff, ProfileDiff, compare
from maturity_model.errors import MissingExtraError
from tests.strategies import assessments, models

PLANNING = Path(__file__).parent / "data" / "planning"


def model_two_items(version: str = "1", *, extra: bool = False,
                    rule: Any = None) -> mm.MaturityModel:
    items = [mm.CapabilityItem(id="vcs", rule=rule, practices=[
                 mm.Practice(id="vcs.1", level=1), mm.Practice(id="vcs.2", level=2),
                 mm.Practice(id="vcs.3", level=3)]),
             mm.CapabilityItem(id="ci", rule=rule, practices=[
                 mm.Practice(id="ci.1", level=1), mm.Practice(id="ci.2", level=2),
                 mm.Practice(id="ci.3", level=3)])]
    if extra:
        items.append(mm.CapabilityItem(id="cd", practices=[mm.Practice(id="cd.1", level=1)]))
    return mm.MaturityModel(id="m", version=version, scale=mm.LevelScale.range(1, 3),
                            domains=[mm.Domain(id="d", items=items)])


def run(model: mm.MaturityModel, answers: dict[str, Any], subject: str = "") -> mm.Profile:
    return mm.score(model, mm.Assessment(model=model.id, subject=subject, answers=answers))


def same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return a == b


# --------------------------------------------------------------------------- statuses


def test_higher_score_is_improved_with_both_deltas() -> None:
    model = model_two_items()
    before = run(model, {"vcs.1": True, "vcs.2": 0.5})
    after = run(model, {"vcs.1": True, "vcs.2": True, "vcs.3": 0.25})
    diff = compare(before, after)["vcs"]
    assert diff.status == "improved"
    assert (diff.before_score, diff.after_score) == (1.5, 2.25)
    assert diff.delta_score == pytest.approx(0.75)
    assert diff.delta_level == 1
    assert diff.before is before["vcs"]
    assert diff.after is after["vcs"]


def test_lower_score_is_regressed() -> None:
    model = model_two_items()
    diff = compare(run(model, {"ci.1": True}), run(model, {"ci.1": 0.5}))["ci"]
    assert diff.status == "regressed"
    assert diff.delta_score == -0.5
    assert diff.delta_level == -1


def test_equal_scores_fall_back_to_the_level() -> None:
    # level-sum: level 1 met alone and level 2 met alone both score 1; only the first
    # reaches level 1 (level-sum levels are staircase levels).
    model = model_two_items(rule=mm.LevelSum())
    low = run(model, {"vcs.1": False, "vcs.2": True})
    high = run(model, {"vcs.1": True, "vcs.2": False})
    assert low["vcs"].score == high["vcs"].score == 1.0
    diff = compare(low, high)["vcs"]
    assert (diff.status, diff.delta_score, diff.delta_level) == ("improved", 0.0, 1)


def test_score_decides_before_level() -> None:
    model = model_two_items(rule=mm.LevelSum())
    before = run(model, {"vcs.1": True})                              # 1.0, level 1
    after = run(model, {"vcs.1": 0.5, "vcs.2": True, "vcs.3": True})  # 2.5, level 0
    diff = compare(before, after)["vcs"]
    assert (diff.status, diff.delta_level) == ("improved", -1)


def test_differences_within_rounding_are_unchanged() -> None:
    result = mm.Result(node_id="m", kind="model", score=0.1 + 0.2, level=0)
    other = attrs.evolve(result, score=0.3)
    a = mm.Profile(model_id="m", results={"m": result})
    b = mm.Profile(model_id="m", results={"m": other})
    assert compare(a, b)["m"].status == "unchanged"
    assert compare(a, b)["m"].delta_score == pytest.approx(0.0)


def test_a_node_assessed_only_after_is_added_and_only_before_removed() -> None:
    model = model_two_items()
    before = run(model, {"vcs.1": True})
    after = run(model, {"vcs.1": True, "ci.1": True})
    assert before["ci"].score is None
    diff = compare(before, after)
    assert diff["ci"].status == "added"
    assert diff["ci"].delta_score is None
    assert diff["ci"].delta_level is None
    assert compare(after, before)["ci"].status == "removed"


def test_a_node_assessed_in_neither_is_unchanged() -> None:
    model = model_two_items()
    profile = run(model, {"vcs.1": True})
    assert compare(profile, run(model, {"vcs.2": True}))["ci"].status == "unchanged"


def test_profiles_of_different_models_are_refused() -> None:
    a = mm.Profile(model_id="a", results={"a": mm.Result(node_id="a", kind="model")})
    b = mm.Profile(model_id="b", results={"b": mm.Result(node_id="b", kind="model")})
    with pytest.raises(mm.IncompatibleProfilesError, match="'a' and 'b'"):
        compare(a, b)


def test_versions_compare_on_shared_nodes_and_list_the_rest() -> None:
    old = run(model_two_items("1"), {"vcs.1": True, "ci.1": True})
    new = run(model_two_items("2", extra=True), {"vcs.1": True, "ci.1": True, "cd.1": False})
    diff = compare(old, new)
    assert (diff.before_version, diff.after_version) == ("1", "2")
    assert diff["cd"].status == "added"
    assert diff["cd"].before is None
    assert diff["vcs"].status == "unchanged"
    # The domain and root now average in cd (level 0): they went down.
    assert diff["d"].status == "regressed"
    assert list(diff.nodes) == ["m", "d", "vcs", "ci", "cd"]
    assert compare(new, old)["cd"].status == "removed"
    assert compare(new, old)["cd"].after is None


def test_an_unassessed_node_missing_from_one_version_is_added_or_removed() -> None:
    old = run(model_two_items("1"), {"vcs.1": True})
    new = run(model_two_items("2", extra=True), {"vcs.1": True})
    assert new["cd"].score is None
    assert compare(old, new)["cd"].status == "added"
    assert compare(new, old)["cd"].status == "removed"


# --------------------------------------------------------------------------- the whole diff


def worked_example() -> tuple[mm.Profile, mm.Profile]:
    model = mm.load_model(PLANNING / "cd-model.yaml")
    assessment = mm.load_assessment(PLANNING / "team-before.yaml")
    before = mm.score(model, assessment)
    after = mm.score(model, assessment.with_answers({
        "test.2.2": True, "deploy.2.2": True, "env.2.1": True, "env.2.2": True,
        "ci.2.2": False}))
    return before, after


def test_summary_counts_every_status() -> None:
    before, after = worked_example()
    summary = compare(before, after).summary
    assert dict(summary) == {"improved": 7, "regressed": 2, "unchanged": 2,
                             "added": 0, "removed": 0}
    assert sum(summary.values()) == len(before)


def test_gains_and_regressions_are_sorted_by_size() -> None:
    before, after = worked_example()
    diff = compare(before, after)
    # Ties on the score gain go to the larger level gain, then to node order.
    assert [d.node_id for d in diff.gains()] == [
        "env", "env.provision", "test", "test.auto", "deploy", "deploy.release", "cd-example"]
    assert [d.node_id for d in diff.gains(2)] == ["env", "env.provision"]
    assert [(d.node_id, d.delta_score) for d in diff.regressions()] == [
        ("build", -1.0), ("build.ci", -1.0)]
    assert diff.overall.status == "improved"
    assert diff.overall.delta_score == pytest.approx(0.2)
    assert diff.overall.delta_level == 0


def test_views_and_lookups() -> None:
    before, after = worked_example()
    diff = compare(before, after)
    assert len(diff) == len(list(diff)) == 11
    assert "cm" in diff
    assert "nope" not in diff
    with pytest.raises(mm.UnknownNodeError):
        diff["nope"]
    assert [d.node_id for d in diff.with_status("unchanged")] == ["cm", "cm.vcs"]
    assert [d.node_id for d in diff.with_status("regressed", "unchanged")] == [
        "cm", "cm.vcs", "build", "build.ci"]
    assert diff["cm"].kind == "domain"
    assert diff["cm"].name == "Configuration management"
    assert not diff["cm"].changed


def test_explain_lists_changed_nodes() -> None:
    before, after = worked_example()
    text = compare(before, after).explain()
    assert text.splitlines()[0] == "cd-example (payments): 7 improved, 2 regressed, 2 unchanged"
    assert "  env.provision: improved, 1.00 (L1) → 2.00 (L2), +1.00" in text
    assert "  build.ci: regressed, 2.50 (L2) → 1.50 (L1), -1.00" in text
    assert "cm.vcs" not in text


def test_records_are_plain_rows() -> None:
    before, after = worked_example()
    records = compare(before, after).to_records()
    row = next(r for r in records if r["node_id"] == "env.provision")
    assert row == {"node_id": "env.provision", "kind": "item",
                   "name": "Environment provisioning", "status": "improved",
                   "before_score": 1.0, "after_score": 2.0, "delta_score": 1.0,
                   "before_level": 1, "after_level": 2, "delta_level": 1}


def test_frame_has_one_row_per_node() -> None:
    pytest.importorskip("pandas")
    before, after = worked_example()
    frame = compare(before, after).to_frame()
    assert list(frame.columns) == ["node_id", "kind", "name", "status", "before_score",
                                   "after_score", "delta_score", "before_level",
                                   "after_level", "delta_level"]
    assert len(frame) == 11
    assert frame.set_index("node_id").loc["build.ci", "status"] == "regressed"


def test_frame_without_pandas_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    before, after = worked_example()
    with pytest.raises(MissingExtraError, match=r"maturity_model\[pandas\]"):
        compare(before, after).to_frame()


# --------------------------------------------------------------------------- invariant 4


def assert_mirror(ab: ProfileDiff, ba: ProfileDiff) -> None:
    assert set(ab.nodes) == set(ba.nodes)
    mirror = {"improved": "regressed", "regressed": "improved", "unchanged": "unchanged",
              "added": "removed", "removed": "added"}
    for node_id, d in ab.nodes.items():
        e: NodeDiff = ba[node_id]
        assert e.before is d.after and e.after is d.before
        assert e.status == mirror[d.status]
        if d.delta_score is None:
            assert e.delta_score is None
        else:
            assert e.delta_score == -d.delta_score
        assert e.delta_level == (None if d.delta_level is None else -d.delta_level)
    assert ab.mirrored().nodes == ba.nodes


@given(st.data())
def test_compare_mirrors_compare_the_other_way(data: st.DataObject) -> None:
    model = data.draw(models())
    a = mm.score(model, data.draw(assessments(model)))
    b = mm.score(model, data.draw(assessments(model)))
    ab, ba = compare(a, b), compare(b, a)
    assert_mirror(ab, ba)
    assert dict(ab.summary)["improved"] == dict(ba.summary)["regressed"]
    assert len(ab.gains()) == len(ba.regressions())
    assert [d.node_id for d in ab.gains()] == [d.node_id for d in ba.regressions()]


@given(st.data())
def test_a_profile_compared_with_itself_is_all_unchanged(data: st.DataObject) -> None:
    model = data.draw(models())
    profile = mm.score(model, data.draw(assessments(model)))
    diff = compare(profile, profile)
    assert {d.status for d in diff} == {"unchanged"}
    for d in diff:
        assert d.delta_score in (None, 0.0)
        assert d.delta_level in (None, 0)
        assert (d.delta_score is None) == (profile[d.node_id].score is None)
    assert diff.gains() == diff.regressions() == ()


@given(st.data())
def test_mirror_holds_across_model_versions(data: st.DataObject) -> None:
    model = data.draw(models())
    items = model.items()
    item = data.draw(st.sampled_from(items))
    dropped = item.id
    smaller = attrs.evolve(model, version="2", domains=[_without(d, item)
                                                         for d in model.domains])
    if not smaller.items():
        return
    a = mm.score(model, data.draw(assessments(model)))
    b = mm.score(smaller, data.draw(assessments(smaller)))
    ab, ba = compare(a, b), compare(b, a)
    assert_mirror(ab, ba)
    assert ab[dropped].after is None
    assert ab[dropped].status == "removed"
    assert ba[dropped].status == "added"
    for d in ab:
        assert same(d.before_score, a[d.node_id].score)
        assert same(d.after_score, b[d.node_id].score if d.node_id in b else None)


def _without(domain: mm.Domain, item: mm.CapabilityItem) -> mm.Domain:
    """The domain without ``item``, and without requirements that name it."""
    gone = {item.id, *(p.id for p in item.practices)}

    def keep(requirement: str) -> bool:
        return requirement not in gone and requirement.rpartition("@")[0] not in gone

    items = [attrs.evolve(i, practices=[attrs.evolve(p, requires=[
        r for r in p.requires if keep(r)]) for p in i.practices])
        for i in domain.items if i.id != item.id]
    return attrs.evolve(domain, items=items,
                        domains=[_without(d, item) for d in domain.domains])


def test_compare_records_are_json_when_scores_are_not_finite_or_overflow() -> None:
    import json

    def profile(score: float | None) -> mm.Profile:
        return mm.Profile(model_id="m", results={
            "m": mm.Result(node_id="m", kind="model", score=score, level=1)})

    cases = [(1.7e308, -1.7e308), (float("nan"), 1.0), (1.0, float("inf")), (None, 2.0)]
    for before, after in cases:
        for a, b in ((before, after), (after, before)):
            records = compare(profile(a), profile(b)).to_records()
            json.dumps(records, allow_nan=False)
            assert records[0]["delta_score"] is None
    record = compare(profile(1.7e308), profile(-1.7e308)).to_records()[0]
    assert (record["before_score"], record["after_score"]) == (1.7e308, -1.7e308)
    assert compare(profile(float("nan")), profile(1.0)).to_records()[0]["before_score"] is None
