"""Targets, gaps and roadmaps; the worked example of docs/howto/compare-and-plan.rst."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import maturity_model as mm
from maturity_model.comparison import compare
from maturity_model.graph import requirement_map
from maturity_model.planning import Target, gap, plan
from tests.strategies import assessments, models

PLANNING = Path(__file__).parent / "data" / "planning"


def cd_model() -> mm.MaturityModel:
    return mm.load_model(PLANNING / "cd-model.yaml")


def cd_before() -> tuple[mm.MaturityModel, mm.Assessment, mm.Profile]:
    model = cd_model()
    assessment = mm.load_assessment(PLANNING / "team-before.yaml")
    return model, assessment, mm.score(model, assessment)


def chain_model(dependencies: str = "report") -> mm.MaturityModel:
    """Item a (levels 1-2), item b whose level-1 practice needs a.2 through N/A n."""
    return mm.MaturityModel(
        id="m", version="1", scale=mm.LevelScale.range(1, 3),
        dependencies=dependencies,  # type: ignore[arg-type]
        domains=[mm.Domain(id="d", items=[
            mm.CapabilityItem(id="a", practices=[
                mm.Practice(id="a.1", level=1), mm.Practice(id="a.2", level=2),
                mm.Practice(id="a.3", level=3)]),
            mm.CapabilityItem(id="n", practices=[
                mm.Practice(id="n.1", level=1, requires=["a.2"]),
                mm.Practice(id="n.3", level=3)]),
            mm.CapabilityItem(id="b", practices=[
                mm.Practice(id="b.1", level=1, requires=["n.1"]),
                mm.Practice(id="b.2", level=2), mm.Practice(id="b.3", level=3)])])])


def run(model: mm.MaturityModel, answers: dict[str, Any]) -> mm.Profile:
    return mm.score(model, mm.Assessment(model=model.id, subject="team", answers=answers))


# --------------------------------------------------------------------------- targets


def test_target_constructors() -> None:
    assert Target.uniform(3) == Target(default=3)
    target = Target.of({"cm": 3, "cm.vcs": 4}, default=2, model="cd-example")
    assert dict(target.levels) == {"cm": 3, "cm.vcs": 4}
    assert (target.default, target.model) == (2, "cd-example")
    assert str(target) == "cm: 3, cm.vcs: 4; default 2"
    assert str(Target()) == "no target"


@pytest.mark.parametrize("bad", [-1, 2.5, True, "3"])
def test_target_levels_are_integers_from_zero(bad: Any) -> None:
    with pytest.raises(ValueError, match="integer >= 0"):
        Target.of({"cm": bad})
    with pytest.raises(ValueError, match="integer >= 0"):
        Target(default=bad)


def test_target_file_round_trips_through_yaml_and_json(tmp_path: Path) -> None:
    target = Target.of({"env": 2}, default=3, model="cd-example")
    (tmp_path / "t.json").write_text(json.dumps(target.to_dict()))
    (tmp_path / "t.yaml").write_text(
        "format: maturity-target/1\nmodel: cd-example\ndefault: 3\nlevels:\n  env: 2\n")
    assert Target.load(tmp_path / "t.json") == target
    assert Target.load(tmp_path / "t.yaml") == target
    assert Target.loads('{"default": 3}', "json") == Target.uniform(3)


def test_target_file_problems_are_all_listed() -> None:
    with pytest.raises(mm.ValidationError) as caught:
        Target.from_dict({"format": "maturity-target/2", "model": 3, "default": -1,
                          "levels": {"cm": "high", "ci": 2}, "colour": "red"})
    assert [(p.code, p.path) for p in caught.value.problems] == [
        ("unknown-field", "$.colour"), ("invalid-value", "$.format"),
        ("invalid-value", "$.model"), ("invalid-value", "$.default"),
        ("invalid-value", "$.levels['cm']")]
    with pytest.raises(mm.ValidationError, match="must be a mapping"):
        Target.from_dict([3])
    with pytest.raises(mm.ValidationError, match="not valid YAML"):
        Target.loads("levels: {cm: [")


def test_a_domain_target_applies_below_it_unless_an_item_has_its_own() -> None:
    _, _, profile = cd_before()
    target = Target.of({"cm": 4, "cm.vcs": 2, "build": 3})
    assert target.level_for(profile, "cm.vcs") == 2
    assert target.level_for(profile, "build.ci") == 3
    assert target.level_for(profile, "test.auto") is None
    assert Target.of({"cd-example": 3}).level_for(profile, "env.provision") == 3
    assert Target.of({"cd-example": 3}, default=1).level_for(profile, "env") == 3
    with pytest.raises(mm.UnknownNodeError):
        target.level_for(profile, "nope")


# --------------------------------------------------------------------------- gaps


def test_gap_lists_unmet_practices_up_to_the_target_per_item() -> None:
    _, _, profile = cd_before()
    g = gap(profile, Target.uniform(3))
    assert [e.node_id for e in g.item_entries()] == [
        "cm.vcs", "build.ci", "test.auto", "deploy.release", "env.provision"]
    assert g["cm.vcs"].practices == ("vcs.3.2",)
    assert g["test.auto"].practices == ("test.2.2", "test.3.1", "test.3.2")
    assert g["env.provision"].practices == ("env.2.1", "env.2.2", "env.3.1", "env.3.2")
    assert g["env.provision"].gap == 2.0
    assert g["env.provision"].percent_to_target == pytest.approx(100 / 3)
    assert len(g.practices) == 12
    # SAMM's figure: 1 - (0.5 + 0.5 + 1.5 + 1.5 + 2) / 15.
    assert g.percent_to_target == pytest.approx(60.0)
    assert not g.closed


def test_gap_has_entries_for_domains_and_the_root() -> None:
    _, _, profile = cd_before()
    g = gap(profile, Target.uniform(3))
    assert list(g.entries) == ["cd-example", "cm", "cm.vcs", "build", "build.ci", "test",
                               "test.auto", "deploy", "deploy.release", "env",
                               "env.provision"]
    root = g["cd-example"]
    assert (root.kind, root.target, root.level, root.score) == ("model", 3, 1, 1.8)
    assert root.gap == pytest.approx(6.0)
    assert root.items == ("cm.vcs", "build.ci", "test.auto", "deploy.release",
                          "env.provision")
    assert root.practices == g.practices
    assert g["env"].items == ("env.provision",)


def test_items_at_or_above_target_are_not_in_the_gap() -> None:
    _, _, profile = cd_before()
    g = gap(profile, Target.of({"cm": 2, "build": 2, "env": 1}))
    assert g.closed
    assert len(g) == 0
    assert g.percent_to_target == 100.0
    g = gap(profile, Target.of({"cm": 2, "env": 2}))
    assert [e.node_id for e in g] == ["cd-example", "env", "env.provision"]
    assert g["env.provision"].practices == ("env.2.1", "env.2.2")
    # cm.vcs (2.5 of 2) caps at no gap; env.provision has 1 of 2.
    assert g.percent_to_target == pytest.approx(100 * (1 - 1 / 4))
    assert g["cd-example"].target is None


def test_partial_unknown_and_na_practices() -> None:
    model = chain_model()
    profile = run(model, {"a.1": True, "a.2": 0.5, "a.3": "n/a"})
    g = gap(profile, Target.of({"a": 3}))
    assert g["a"].practices == ("a.2",)  # partial counts unmet; n/a never does
    g = gap(profile, Target.of({"b": 1}))
    assert g["b"].practices == ("b.1",)  # unknown counts unmet
    assert g["b"].gap is None
    assert g.unassessed == ("b",)
    assert g.percent_to_target == 100.0  # not-assessed items leave the figure


def test_an_item_that_is_all_na_is_not_below_target() -> None:
    model = chain_model()
    profile = run(model, {"b.1": "n/a", "b.2": "n/a", "b.3": "n/a"})
    assert "b" not in gap(profile, Target.of({"b": 3}))


def test_target_problems_name_nodes_levels_and_model() -> None:
    _, _, profile = cd_before()
    with pytest.raises(mm.ValidationError) as caught:
        gap(profile, Target.of({"cm": 9, "nope": 2}, default=6, model="other"))
    assert [(p.code, p.path) for p in caught.value.problems] == [
        ("model-mismatch", "$.model"), ("level-off-scale", "$.levels['cm']"),
        ("unresolved-reference", "$.levels['nope']"), ("level-off-scale", "$.default")]


def test_gap_records_and_text() -> None:
    _, _, profile = cd_before()
    g = gap(profile, Target.uniform(3))
    assert g.to_records()[2] == {
        "node_id": "cm.vcs", "kind": "item", "name": "Version control", "target": 3,
        "level": 2, "score": 2.5, "gap": 0.5, "percent_to_target": pytest.approx(500 / 6),
        "practices": 1}
    text = g.explain()
    assert text.splitlines()[0] == ("Gap for payments to the target (level 3 everywhere): "
                                    "60 % to target, 5 items below target, 12 practices unmet")
    assert "  env.provision: level 1, score 1.00, target 3" in text


# --------------------------------------------------------------------------- roadmaps


def test_worked_example_roadmap_waves() -> None:
    model, _, profile = cd_before()
    roadmap = plan(model, profile, Target.uniform(3))
    assert [w.number for w in roadmap.waves] == [1, 2, 3, 4]
    assert [w.practices for w in roadmap.waves] == [
        # level 2 first, then level 3; equal weight and effort: document order
        ("test.2.2", "deploy.2.2", "env.2.1", "vcs.3.2", "ci.3.2"),
        ("env.2.2", "test.3.2"),
        # deploy.3.1 has effort 5: it goes last of its level
        ("test.3.1", "env.3.1", "deploy.3.1"),
        ("deploy.3.2", "env.3.2")]
    assert roadmap.practices == tuple(p for w in roadmap.waves for p in w.practices)
    assert roadmap.pulled_in == ()
    step = roadmap["deploy.3.1"]
    assert (step.wave, step.effort, step.after, step.needed_by) == (
        3, 5.0, ("ci.3.2", "env.2.2"), ("deploy.3.2",))


def test_a_team_moves_from_1_8_to_level_3() -> None:
    """The worked example: what changed, what is left, in what order."""
    model, assessment, before = cd_before()
    assert before.overall.score == pytest.approx(1.8)
    assert before.overall.level == 1
    roadmap = plan(model, before, Target.uniform(3))

    # Halfway: waves 1 and 2 done. No dependency is violated; version control and CI are
    # at level 3, test automation at 2.5, deployment and environments at 2.
    halfway = mm.score(model, assessment.with_answers(
        dict.fromkeys(roadmap.waves[0].practices + roadmap.waves[1].practices, True)))
    assert halfway.violations == ()
    assert [halfway[i].score for i in ("cm.vcs", "build.ci", "test.auto", "deploy.release",
                                       "env.provision")] == [3.0, 3.0, 2.5, 2.0, 2.0]
    assert gap(halfway, Target.uniform(3)).percent_to_target == pytest.approx(
        100 * (1 - 2.5 / 15))
    assert list(plan(model, halfway, Target.uniform(3)).practices) == [
        "test.3.1", "env.3.1", "deploy.3.1", "deploy.3.2", "env.3.2"]

    # Everything done: every item at level 3, nothing left.
    after = mm.score(model, assessment.with_answers(dict.fromkeys(roadmap.practices, True)))
    assert (after.overall.score, after.overall.level) == (3.0, 3)
    assert after.violations == ()
    assert gap(after, Target.uniform(3)).closed
    diff = compare(before, after)
    assert dict(diff.summary)["improved"] == len(before)
    assert [(d.node_id, d.delta_score) for d in diff.gains(3)] == [
        ("env", 2.0), ("env.provision", 2.0), ("test", 1.5)]


def test_prerequisites_outside_the_gap_are_pulled_in() -> None:
    model, _, profile = cd_before()
    roadmap = plan(model, profile, Target.of({"deploy": 3}))
    assert roadmap.gap.practices == ("deploy.2.2", "deploy.3.1", "deploy.3.2")
    assert [w.practices for w in roadmap.waves] == [
        ("deploy.2.2", "env.2.1", "ci.3.2"), ("env.2.2",), ("deploy.3.1",), ("deploy.3.2",)]
    assert roadmap.pulled_in == ("env.2.1", "ci.3.2", "env.2.2")
    assert roadmap["env.2.1"].needed_by == ("env.2.2",)
    assert roadmap["ci.3.2"].needed_by == ("deploy.3.1",)
    assert not roadmap["deploy.2.2"].pulled_in


def test_prerequisites_are_found_through_na_practices() -> None:
    for policy in ("report", "enforce"):
        model = chain_model(policy)
        profile = run(model, {"a.1": True, "n.1": "n/a"})
        roadmap = plan(model, profile, Target.of({"b": 1}))
        assert [w.practices for w in roadmap.waves] == [("a.2",), ("b.1",)]
        assert roadmap.pulled_in == ("a.2",)
        assert roadmap["b.1"].after == ("a.2",)


def test_a_blocked_practice_waits_for_its_prerequisites() -> None:
    model = chain_model("enforce")
    profile = run(model, {"a.1": True, "n.1": True, "b.1": True})
    assert profile.practices["b.1"].value == 0.0
    roadmap = plan(model, profile, Target.of({"b": 1}))
    assert [w.practices for w in roadmap.waves] == [("a.2",), ("n.1",), ("b.1",)]
    assert roadmap["b.1"].status == "met"
    assert "answered met, counts once its prerequisites are met" in roadmap.explain()


def test_effort_orders_inside_a_wave() -> None:
    model, _, profile = cd_before()
    roadmap = plan(model, profile, Target.uniform(3),
                   effort={"test.2.2": 8, "env.2.1": 0.5, "deploy.3.1": 1})
    assert roadmap.waves[0].practices == (
        "env.2.1", "deploy.2.2", "test.2.2", "vcs.3.2", "ci.3.2")
    assert roadmap.waves[2].practices == ("test.3.1", "deploy.3.1", "env.3.1")
    assert roadmap["env.2.1"].effort == 0.5


def test_weight_per_effort_orders_inside_a_wave() -> None:
    model = mm.MaturityModel(id="m", scale=mm.LevelScale.range(1, 2), domains=[
        mm.Domain(id="d", items=[mm.CapabilityItem(id="i", practices=[
            mm.Practice(id="light", level=1),
            mm.Practice(id="heavy", level=1, weight=3, effort=2),
            mm.Practice(id="top", level=2, weight=10)])])])
    roadmap = plan(model, run(model, {}), Target.uniform(2))
    assert roadmap.practices == ("heavy", "light", "top")


def test_bad_effort_is_refused() -> None:
    model, _, profile = cd_before()
    with pytest.raises(mm.UnknownNodeError):
        plan(model, profile, Target.uniform(3), effort={"nope": 1})
    with pytest.raises(ValueError, match="above 0"):
        plan(model, profile, Target.uniform(3), effort={"env.2.1": 0})


def test_plan_refuses_another_model_or_version() -> None:
    model, _, profile = cd_before()
    other = mm.MaturityModel(id="other")
    with pytest.raises(mm.IncompatibleProfilesError):
        plan(other, profile, Target.uniform(3))
    import attrs

    with pytest.raises(mm.IncompatibleProfilesError, match="version"):
        plan(attrs.evolve(model, version="2"), profile, Target.uniform(3))


def test_a_closed_gap_gives_an_empty_roadmap() -> None:
    model, _, profile = cd_before()
    roadmap = plan(model, profile, Target.uniform(1))
    assert (roadmap.waves, roadmap.practices, len(roadmap)) == ((), (), 0)
    assert "nothing to do" in roadmap.explain()


def test_roadmap_text_records_and_frame() -> None:
    model, _, profile = cd_before()
    roadmap = plan(model, profile, Target.of({"deploy": 3}))
    text = roadmap.explain()
    assert text.splitlines()[0] == (
        "Roadmap for payments to the target (deploy: 3): 6 practices in 4 waves, "
        "3 pulled in as prerequisites; 50 % to target now")
    assert ("  - env.2.2 (env.provision, level 2): Environments are created from scripts "
            "[pulled in, needed by deploy.3.1; after env.2.1]") in text
    records = roadmap.to_records()
    assert records[3] == {
        "wave": 2, "practice_id": "env.2.2", "item_id": "env.provision", "level": 2,
        "weight": 1.0, "effort": 1.0, "pulled_in": True, "status": "unknown", "value": 0.0,
        "after": "env.2.1", "text": "Environments are created from scripts"}
    pytest.importorskip("pandas")
    frame = roadmap.to_frame()
    assert list(frame["practice_id"]) == list(roadmap.practices)
    assert list(frame["wave"]) == [1, 1, 1, 2, 3, 4]


# --------------------------------------------------------------------------- properties


@st.composite
def targets(draw: st.DrawFn, model: mm.MaturityModel) -> Target:
    top = model.scale.top
    if draw(st.booleans()):
        return Target.uniform(draw(st.integers(0, top)))
    nodes = [model.id, *model.node_ids()]
    chosen = draw(st.lists(st.sampled_from(nodes), unique=True, max_size=4))
    return Target.of({n: draw(st.integers(0, top)) for n in chosen},
                     default=draw(st.none() | st.integers(0, top)))


@given(st.data())
def test_meeting_waves_1_to_k_never_violates_a_dependency(data: st.DataObject) -> None:
    model = data.draw(models())
    assessment = data.draw(assessments(model))
    profile = mm.score(model, assessment)
    target = data.draw(targets(model))
    roadmap = plan(model, profile, target)
    requirements = requirement_map(model)
    done = {p for p, r in profile.practices.items() if r.value is None or r.value >= 1.0}
    assert set(roadmap.gap.practices) <= set(roadmap.practices)
    assert not done & set(roadmap.practices)
    planned: list[str] = []
    for wave in roadmap.waves:
        planned.extend(wave.practices)
        done |= set(wave.practices)
        for practice_id in planned:
            assert set(requirements[practice_id]) <= done, practice_id
        rescored = mm.score(model, assessment.with_answers(dict.fromkeys(planned, True)))
        assert not {v.practice for v in rescored.violations} & set(planned)
        assert not {b.practice for b in rescored.blocked} & set(planned)


@given(st.data())
def test_meeting_the_whole_roadmap_reaches_the_target(data: st.DataObject) -> None:
    model = data.draw(models(item_kinds=("staircase", "level-sum")))
    assessment = data.draw(assessments(model))
    target = data.draw(targets(model))
    roadmap = plan(model, mm.score(model, assessment), target)
    after = mm.score(model, assessment.with_answers(dict.fromkeys(roadmap.practices, True)))
    for item in model.items():
        wanted = target.level_for(after, item.id)
        level = after[item.id].level
        if wanted is not None and level is not None:
            assert level >= wanted, item.id
    assert gap(after, target).practices == ()
