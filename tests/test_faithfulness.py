"""Numbers published by other tools, reproduced with the library's rules.

Sources:
- OWASP SAMM 2 toolbox: stream = sum of its level answers, practice = mean of its two
  streams, business function = mean of its practices, overall = mean of functions.
- OpenSSF Scorecard: aggregate = Σ(risk weight × check score) / Σ risk weight, with
  Critical 10, High 7.5, Medium 5, Low 2.5, inconclusive checks left out
  (docs/checks.md and pkg/scorecard_result.go of ossf/scorecard).
- CAICT DevOps capability maturity model: a sub-item is at level L when all of levels
  1..L are met; the part's certified level is its weakest item, its "maturity" the mean.
- OWASP DSOMM: the heat-map shows, per sub-dimension and level, the share of activities
  implemented.
"""

from __future__ import annotations

from typing import Any

import pytest

import maturity_model as mm

SAMM_ANSWERS = mm.AnswerSet(id="samm", options=[
    mm.AnswerOption(label="No", value=0), mm.AnswerOption(label="Yes, for some", value=0.25),
    mm.AnswerOption(label="Yes, for at least half", value=0.5),
    mm.AnswerOption(label="Yes, for most or all", value=1)])


def samm_like(practices: dict[str, int]) -> mm.MaturityModel:
    """A function 'I' whose practices each have streams A and B with one activity per level."""
    domains = []
    for practice in practices:
        streams = [mm.CapabilityItem(id=f"{practice}-{s}", practices=[
            mm.Practice(id=f"{practice}-{lv}-{s}", level=lv, answer_set="samm")
            for lv in (1, 2, 3)]) for s in "AB"]
        domains.append(mm.Domain(id=practice, items=streams))
    return mm.MaturityModel(
        id="samm-like", scale=mm.LevelScale.of("Implicit", "Initial", "Managed", "Defined",
                                               start=0),
        rules=mm.ModelRules(item=mm.LevelSum(), domain=mm.Mean()), answer_sets=[SAMM_ANSWERS],
        domains=[mm.Domain(id="I", domains=domains)])


def test_samm_secure_build_practice_is_the_mean_of_its_stream_sums() -> None:
    model = samm_like({"I-SB": 0})
    answers = {"I-SB-1-A": "Yes, for some", "I-SB-2-A": "No", "I-SB-3-A": "No",
               "I-SB-1-B": "Yes, for most or all", "I-SB-2-B": "No", "I-SB-3-B": "No"}
    profile = mm.score(model, mm.Assessment(model="samm-like", answers=answers))
    assert profile["I-SB-A"].score == 0.25
    assert profile["I-SB-B"].score == 1.0
    assert profile["I-SB"].score == 0.625


def test_samm_implementation_function_is_the_mean_of_its_practices() -> None:
    model = samm_like({"I-SB": 0, "I-SD": 0, "I-DM": 0})
    answers = {
        # Secure Build: streams 0.25 and 1 -> 0.625
        "I-SB-1-A": "Yes, for some", "I-SB-1-B": "Yes, for most or all",
        # Secure Deployment: streams 1.5 and 1.25 -> 1.375
        "I-SD-1-A": "Yes, for most or all", "I-SD-2-A": "Yes, for at least half",
        "I-SD-1-B": "Yes, for most or all", "I-SD-2-B": "Yes, for some",
        # Defect Management: streams 1 and 0.5 -> 0.75
        "I-DM-1-A": "Yes, for most or all", "I-DM-1-B": "Yes, for at least half",
    }
    profile = mm.score(model, mm.Assessment(model="samm-like", answers=answers))
    assert [profile[p].score for p in ("I-SB", "I-SD", "I-DM")] == [0.625, 1.375, 0.75]
    assert profile["I"].score == pytest.approx(0.9167, abs=5e-5)
    assert profile.overall.score == pytest.approx(0.9167, abs=5e-5)


def test_samm_stream_without_any_answer_is_left_out_of_the_practice_mean() -> None:
    # DESIGN §2: an item with no answer is not assessed. The toolbox counts a blank cell
    # as 0, so formats.samm.load_toolbox writes blanks as explicit 0 answers.
    model = samm_like({"I-SB": 0})
    profile = mm.score(model, mm.Assessment(model="samm-like", answers={
        "I-SB-1-A": "Yes, for some"}))
    assert profile["I-SB-A"].score == 0.25
    assert profile["I-SB-B"].score is None  # nothing answered in stream B
    assert profile["I-SB"].score == 0.25


SCORECARD_CHECKS: dict[str, float] = {
    "dangerous-workflow": 10, "binary-artifacts": 7.5, "code-review": 7.5,
    "pinned-dependencies": 5, "license": 2.5}


def scorecard_like() -> mm.MaturityModel:
    items = [mm.CapabilityItem(id=check, weight=weight, rule=mm.MetricBands(
        metric=check, better="higher", bounds={n: n for n in range(1, 11)}))
        for check, weight in SCORECARD_CHECKS.items()]
    return mm.MaturityModel(id="scorecard-like", scale=mm.LevelScale.range(0, 10),
                            rules=mm.ModelRules(domain=mm.Mean(level="floor")),
                            domains=[mm.Domain(id="checks", items=items)])


def test_scorecard_aggregate_is_the_risk_weighted_mean_without_inconclusive_checks() -> None:
    observed = {"dangerous-workflow": 10.0, "binary-artifacts": 8.0, "code-review": 3.0,
                "license": 10.0}  # pinned-dependencies inconclusive
    profile = mm.score(scorecard_like(), mm.Assessment(model="scorecard-like",
                                                       observations=observed))
    expected = (10 * 10 + 7.5 * 8 + 7.5 * 3 + 2.5 * 10) / (10 + 7.5 + 7.5 + 2.5)
    assert profile["pinned-dependencies"].score is None
    assert profile["checks"].score == pytest.approx(expected)
    assert profile["checks"].level == 7


def caict_like() -> mm.MaturityModel:
    def item(item_id: str) -> mm.CapabilityItem:
        practices = [mm.Practice(id=f"{item_id}.{lv}.{n}", level=lv)
                     for lv in range(1, 6) for n in range(1, 6 if lv == 3 else 2)]
        return mm.CapabilityItem(id=item_id, practices=practices)

    return mm.MaturityModel(id="caict-like", scale=mm.LevelScale.of(
        "Initial", "Foundation", "Full", "Good", "Outstanding"),
        rules=mm.ModelRules(domain=mm.Mean(level="min")),
        domains=[mm.Domain(id="cd", items=[item("vcs"), item("build"), item("deploy")])])


def met(item: str, up_to: int, extra_level3: int = 0) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for lv in range(1, up_to + 1):
        for n in range(1, 6 if lv == 3 else 2):
            answers[f"{item}.{lv}.{n}"] = True
    for n in range(1, extra_level3 + 1):
        answers[f"{item}.3.{n}"] = True
    return answers


def test_caict_item_meeting_three_of_five_level_three_practices_is_two_point_six() -> None:
    answers = {**met("vcs", 2, extra_level3=3), **met("build", 3), **met("deploy", 1)}
    answers.update({f"{i}.{lv}.1": False for i in ("vcs", "build", "deploy") for lv in (4, 5)})
    profile = mm.score(caict_like(), mm.Assessment(model="caict-like", answers=answers))
    assert profile["vcs"].level == 2
    assert profile["vcs"].score == pytest.approx(2.6)
    assert (profile["build"].level, profile["build"].score) == (3, 3.0)
    assert (profile["deploy"].level, profile["deploy"].score) == (1, 1.0)
    # certified level: the weakest item; "maturity": the mean of item scores
    assert profile["cd"].level == 1
    assert profile["cd"].score == pytest.approx((2.6 + 3.0 + 1.0) / 3)


def test_dsomm_heatmap_is_the_coverage_of_each_sub_dimension() -> None:
    activities = {1: ["a", "b", "c", "d"], 2: ["e", "f"], 3: ["g"]}
    model = mm.MaturityModel(id="dsomm-like", scale=mm.LevelScale.range(1, 5), domains=[
        mm.Domain(id="build", items=[mm.CapabilityItem(id="build.deploy", practices=[
            mm.Practice(id=a, level=lv) for lv, names in activities.items() for a in names])])])
    answers: dict[str, Any] = {"a": True, "b": True, "c": 0.5, "d": False, "e": True,
                               "f": "n/a", "g": False}
    result = mm.score(model, mm.Assessment(model="dsomm-like", answers=answers))["build.deploy"]
    assert result.coverage == {1: (1 + 1 + 0.5 + 0) / 4, 2: 1.0, 3: 0.0, 4: None, 5: None}
