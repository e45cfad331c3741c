"""DESIGN §2 semantics, one behaviour per test, with values worked out by hand."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

import maturity_model as mm


def one_item_model(practices: list[mm.Practice], *, rule: Any = None,
                   scale: mm.LevelScale | None = None,
                   dependencies: str = "report") -> mm.MaturityModel:
    return mm.MaturityModel(
        id="m", version="1", scale=scale or mm.LevelScale.range(1, 5),
        dependencies=dependencies,  # type: ignore[arg-type]
        domains=[mm.Domain(id="dom", items=[mm.CapabilityItem(id="i", rule=rule,
                                                            practices=practices)])])


def run(model: mm.MaturityModel, answers: dict[str, Any],
        observations: dict[str, float] | None = None) -> mm.Profile:
    return mm.score(model, mm.Assessment(model=model.id, answers=answers,
                                         observations=observations or {}))


def caict_item() -> mm.MaturityModel:
    practices = [mm.Practice(id="l1", level=1), mm.Practice(id="l2a", level=2),
                 mm.Practice(id="l2b", level=2)]
    practices += [mm.Practice(id=f"l3.{i}", level=3) for i in range(5)]
    practices += [mm.Practice(id="l4", level=4), mm.Practice(id="l5", level=5)]
    return one_item_model(practices)


# --------------------------------------------------------------------------- staircase


def test_staircase_reads_level_two_sixty_percent_of_three() -> None:
    answers = {"l1": True, "l2a": True, "l2b": True, "l3.0": True, "l3.1": True,
               "l3.2": True, "l3.3": False, "l3.4": False, "l4": True}
    result = run(caict_item(), answers)["i"]
    assert result.level == 2
    assert result.score == pytest.approx(2.6)
    assert result.missing == ("l3.3", "l3.4")
    assert result.coverage == {1: 1.0, 2: 1.0, 3: 0.6, 4: 1.0, 5: 0.0}


def test_staircase_threshold_accepts_partial_levels() -> None:
    model = one_item_model([mm.Practice(id="a", level=1), mm.Practice(id="b", level=1),
                            mm.Practice(id="c", level=2)], rule=mm.Staircase(threshold=0.75))
    result = run(model, {"a": True, "b": 0.5, "c": 0.25})["i"]
    assert result.level == 1
    assert result.score == pytest.approx(1.25)


def test_threshold_compares_the_mean_as_computed() -> None:
    # DESIGN §2 staircase: m(l) >= threshold, on the mean the profile reports. Added left
    # to right, (0.7 + 0.8 + 0.9) / 3 is 0.7999999999999999, below 0.8: no allowance.
    model = one_item_model([mm.Practice(id=x, level=1) for x in "abc"],
                           rule=mm.Staircase(threshold=0.8))
    result = run(model, {"a": 0.7, "b": 0.8, "c": 0.9})["i"]
    assert result.coverage[1] == 0.7999999999999999
    assert (result.level, result.score) == (0, 0.7999999999999999)


def test_mandatory_practice_blocks_its_level() -> None:
    model = one_item_model([mm.Practice(id="a", level=1), mm.Practice(id="b", level=1),
                            mm.Practice(id="c", level=1, mandatory=True)],
                           rule=mm.Staircase(threshold=0.5))
    result = run(model, {"a": True, "b": True, "c": 0.5})["i"]
    assert result.level == 0
    assert result.score == pytest.approx(2.5 / 3)


def test_na_mandatory_practice_does_not_block() -> None:
    model = one_item_model([mm.Practice(id="a", level=1),
                            mm.Practice(id="c", level=1, mandatory=True)],
                           scale=mm.LevelScale.range(1, 2))
    result = run(model, {"a": True, "c": "n/a"})["i"]
    assert (result.level, result.score) == (2, 2.0)


def test_vacuous_levels_do_not_stop_the_staircase() -> None:
    model = one_item_model([mm.Practice(id="a", level=1), mm.Practice(id="c", level=3),
                            mm.Practice(id="d", level=4)])
    result = run(model, {"a": True, "c": True, "d": 0.5})["i"]
    assert (result.level, result.score) == (3, 3.5)
    assert result.coverage[2] is None


def test_score_at_the_top_of_the_scale_is_the_level() -> None:
    model = one_item_model([mm.Practice(id="a", level=1), mm.Practice(id="b", level=2)],
                           scale=mm.LevelScale.range(1, 2))
    assert run(model, {"a": True, "b": True})["i"].score == 2.0


def test_vacuous_next_level_adds_nothing() -> None:
    model = one_item_model([mm.Practice(id="a", level=1), mm.Practice(id="c", level=3),
                            mm.Practice(id="b", level=2)], scale=mm.LevelScale.range(1, 3))
    result = run(model, {"a": True, "b": False, "c": "n/a"})["i"]
    assert (result.level, result.score) == (1, 1.0)


def test_weights_enter_the_level_mean() -> None:
    model = one_item_model([mm.Practice(id="a", level=1, weight=3),
                            mm.Practice(id="b", level=1)], rule=mm.Staircase(threshold=0.5))
    result = run(model, {"a": False, "b": True})["i"]
    assert result.coverage[1] == 0.25
    assert (result.level, result.score) == (0, 0.25)


# --------------------------------------------------------------------------- answers


def test_unknown_answers_count_as_not_met_but_apart() -> None:
    model = one_item_model([mm.Practice(id="a", level=1), mm.Practice(id="b", level=1)])
    result = run(model, {"a": True})["i"]
    assert (result.level, result.score) == (0, 0.5)
    assert result.counts == mm.Counts(met=1, unknown=1)


def test_item_with_only_na_and_unknown_is_not_assessed() -> None:
    model = one_item_model([mm.Practice(id="a", level=1), mm.Practice(id="b", level=2)])
    profile = run(model, {"a": "n/a"})
    assert profile["i"].score is None and profile["i"].level is None
    assert profile["dom"].score is None and profile.overall.score is None


def test_labels_of_an_answer_set_carry_their_value() -> None:
    model = mm.MaturityModel(
        id="m", answer_sets=[mm.AnswerSet(id="s", options=[
            mm.AnswerOption(label="No", value=0), mm.AnswerOption(label="Yes, for some", value=0.25)])],
        domains=[mm.Domain(id="d", items=[mm.CapabilityItem(id="i", practices=[
            mm.Practice(id="a", level=1, answer_set="s"), mm.Practice(id="b", level=1,
                                                                      answer_set="s")])])])
    result = run(model, {"a": "Yes, for some", "b": "No"})["i"]
    assert result.coverage[1] == 0.125
    assert result.counts == mm.Counts(partial=1, not_met=1)


def test_yes_and_no_strings_are_met_and_not_met_without_an_answer_set() -> None:
    model = one_item_model([mm.Practice(id="a", level=1), mm.Practice(id="b", level=1)])
    assert run(model, {"a": "yes", "b": "No"})["i"].coverage[1] == 0.5


@pytest.mark.parametrize("bad", [1.5, -0.1, float("nan"), "maybe"])
def test_bad_answers_are_errors_listing_every_one(bad: Any) -> None:
    model = one_item_model([mm.Practice(id="a", level=1), mm.Practice(id="b", level=1)])
    with pytest.raises(mm.AssessmentValidationError) as info:
        run(model, {"a": bad, "b": bad, "zzz": True})
    assert info.value.codes == ("invalid-value", "invalid-value", "unknown-practice")
    assert [p.path for p in info.value.problems] == [
        "$.answers['a']", "$.answers['b']", "$.answers['zzz']"]


def test_lenient_scoring_drops_unknown_practices_with_a_warning() -> None:
    model = one_item_model([mm.Practice(id="a", level=1)])
    with pytest.warns(UserWarning, match="zzz"):
        profile = mm.score(model, mm.Assessment(model="m", answers={"a": True, "zzz": 1}),
                           strict=False)
    assert profile["i"].level == 5


def test_assessment_for_another_model_or_version_is_refused() -> None:
    model = one_item_model([mm.Practice(id="a", level=1)])
    with pytest.raises(mm.AssessmentValidationError) as info:
        mm.score(model, mm.Assessment(model="other", model_version="2", answers={"a": True}))
    assert info.value.codes == ("model-mismatch", "model-mismatch")
    assert [p.path for p in info.value.problems] == ["$.model", "$.model_version"]


# --------------------------------------------------------------------------- metrics


def test_metric_practice_is_judged_from_the_observation() -> None:
    coverage = mm.MetricCriterion(name="coverage_pct", unit="%", threshold=80)
    latency = mm.MetricCriterion(name="latency_ms", threshold=200, better="lower")
    model = one_item_model([mm.Practice(id="a", level=1, metric=coverage),
                            mm.Practice(id="b", level=1, metric=latency),
                            mm.Practice(id="c", level=1, metric=coverage)])
    profile = run(model, {"c": False}, {"coverage_pct": 80.0, "latency_ms": 250.0})
    statuses = {p.practice_id: p.status for p in profile.practices.values()}
    assert statuses == {"a": "met", "b": "not-met", "c": "not-met"}
    assert run(model, {})["i"].score is None  # nothing observed: unknown


def test_metric_bands_fall_to_the_next_level_down_in_a_gap() -> None:
    rule = mm.MetricBands(metric="lead_time_hours", better="lower",
                          bounds={4: 1, 3: 168, 2: 4320})
    model = one_item_model([], rule=rule, scale=mm.LevelScale.range(1, 4))
    levels = [run(model, {}, {"lead_time_hours": h})["i"].level for h in (0.5, 1, 100, 5000)]
    assert levels == [4, 4, 3, 0]
    assert run(model, {})["i"].score is None


# --------------------------------------------------------------------------- aggregation


def two_items(rule: Any) -> mm.MaturityModel:
    items = [mm.CapabilityItem(id=f"i{n}", weight=w, practices=[
        mm.Practice(id=f"i{n}.{lv}", level=lv) for lv in (1, 2, 3)])
        for n, w in ((1, 1.0), (2, 3.0), (3, 1.0))]
    return mm.MaturityModel(id="m", scale=mm.LevelScale.range(1, 3),
                            domains=[mm.Domain(id="d", rule=rule, items=items)])


ANSWERS = {"i1.1": True, "i1.2": 0.5, "i2.1": True, "i2.2": True, "i2.3": True}


@pytest.mark.parametrize(("rule", "score", "level"), [
    (mm.Mean(), (1.5 + 3 * 3.0) / 4, 1),
    (mm.Mean(level="floor"), (1.5 + 3 * 3.0) / 4, 2),
    (mm.Minimum(), 1.5, 1),
    (mm.Quantile(q=0.5), 2.25, 1),
    (mm.Quantile(q=0.25), 1.875, 1),
    (mm.Sum(), 4.5, 1),
])
def test_aggregation_rules_leave_unassessed_children_out(rule: Any, score: float,
                                                         level: int) -> None:
    profile = run(two_items(rule), ANSWERS)
    assert profile["i3"].score is None
    assert profile["d"].score == pytest.approx(score)
    assert profile["d"].level == level


def test_domain_coverage_pools_its_practices() -> None:
    profile = run(two_items(mm.Mean()), ANSWERS)
    assert profile["d"].coverage == {1: 2 / 3, 2: 1.5 / 3, 3: 1 / 3}
    assert profile["d"].counts == mm.Counts(met=4, partial=1, unknown=4)


def test_overall_uses_the_model_domain_rule_and_domain_weights() -> None:
    model = mm.MaturityModel(id="m", scale=mm.LevelScale.range(1, 2), domains=[
        mm.Domain(id="a", weight=3, items=[mm.CapabilityItem(id="ia", practices=[
            mm.Practice(id="pa", level=1)])]),
        mm.Domain(id="b", items=[mm.CapabilityItem(id="ib", practices=[
            mm.Practice(id="pb", level=1)])])])
    profile = run(model, {"pa": True, "pb": False})
    assert profile.overall.node_id == "m"
    assert profile.overall.score == pytest.approx(3 * 2.0 / 4)
    assert profile.overall.level == 0


# --------------------------------------------------------------------------- dependencies


def chain(policy: str) -> mm.MaturityModel:
    return one_item_model([
        mm.Practice(id="a", level=1), mm.Practice(id="b", level=1, requires=["a"]),
        mm.Practice(id="c", level=2, requires=["b"]), mm.Practice(id="d", level=2,
                                                                  requires=["i@1"])],
        dependencies=policy, scale=mm.LevelScale.range(1, 3))


def test_report_lists_violations_and_changes_no_score() -> None:
    answers = {"a": 0.5, "b": True, "c": True, "d": True}
    reported = run(chain("report"), answers)
    ignored = run(chain("ignore"), answers)
    assert reported["i"].score == ignored["i"].score == pytest.approx(0.75)
    assert [str(v) for v in reported.violations] == [
        "b requires a, which is not met (a)",
        "d requires i@1, which is not met (a)"]
    assert ignored.violations == ()


def test_enforce_counts_a_practice_with_an_unmet_closure_as_not_met() -> None:
    profile = run(chain("enforce"), {"a": 0.5, "b": "n/a", "c": True, "d": True})
    assert profile.practices["b"].value is None  # N/A stays N/A
    assert profile.practices["c"].value == 0.0  # a → b(N/A) → c: the closure is unmet
    assert profile.practices["c"].blocked_by == ("b",)
    assert profile.practices["d"].blocked_by == ("a", "b")
    assert [str(b) for b in profile.blocked] == ["c is blocked by b", "d is blocked by a, b"]
    assert profile["i"].score == pytest.approx(0.5)


def test_enforce_with_met_prerequisites_blocks_nothing() -> None:
    profile = run(chain("enforce"), {"a": True, "b": True, "c": True, "d": 0.5})
    assert profile.blocked == ()
    assert profile["i"].score == pytest.approx(1.75)


def test_prerequisite_met_by_na() -> None:
    profile = run(chain("report"), {"a": "n/a", "b": True})
    assert profile.violations == ()


# --------------------------------------------------------------------------- profile


def test_explain_names_level_and_what_is_missing() -> None:
    answers = {"l1": True, "l2a": True, "l2b": True, "l3.0": True, "l3.1": True,
               "l3.2": True}
    text = run(caict_item(), answers).explain("i")
    assert text.splitlines()[0] == "i: level 2, score 2.60"
    assert "level 3 at 60 %: missing l3.3, l3.4" in text
    assert "evidence: 6 met, 0 partial, 0 not met, 0 n/a, 4 unknown" in text


def test_profile_lookups() -> None:
    profile = run(caict_item(), {"l1": True})
    assert [r.node_id for r in profile] == ["m", "dom", "i"]
    assert profile.children("dom") == (profile["i"],)
    with pytest.raises(mm.UnknownNodeError, match="no node with id 'nope'"):
        profile["nope"]


def test_scoring_a_model_with_errors_is_refused() -> None:
    model = one_item_model([mm.Practice(id="a", level=9)])
    with pytest.raises(mm.ModelValidationError) as info:
        run(model, {})
    assert info.value.codes == ("level-off-scale",)


def test_a_profile_keeps_the_metric_observations_its_model_reads() -> None:
    model = mm.standards.load("dora-four-keys")
    assessment = mm.standards.example_assessment("dora-four-keys")
    extra = attrs.evolve(assessment, observations={**assessment.observations,
                                                    "not_a_metric_of_the_model": 5.0})
    profile = mm.score(model, extra)
    assert dict(profile.observations) == {
        "deployment_frequency_per_day": 0.4, "lead_time_hours": 30.0,
        "time_to_restore_hours": 3.0, "change_failure_rate_pct": 12.0}
    from maturity_model.serialization import dump_profile, load_profile_text

    assert load_profile_text(dump_profile(profile)).observations == profile.observations


def test_a_profile_file_with_an_observation_that_is_not_finite_is_refused() -> None:
    from maturity_model.serialization import profile_from_dict, profile_to_dict

    model = mm.standards.load("dora-four-keys")
    doc = profile_to_dict(mm.score(model, mm.standards.example_assessment("dora-four-keys")))
    doc["observations"]["lead_time_hours"] = float("inf")
    with pytest.raises(mm.ValidationError) as info:
        profile_from_dict(doc)
    assert [(p.code, p.path) for p in info.value.problems] == [
        ("invalid-value", "$.observations['lead_time_hours']")]
