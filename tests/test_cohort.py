"""Cohorts: distributions, percentiles, roll-ups, team means of coverage, tables."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import maturity_model as mm
from maturity_model.cohort import Cohort, Distribution
from maturity_model.planning import Target, gap

PLANNING = Path(__file__).parent / "data" / "planning"


def flat_profile(subject: str, scores: dict[str, float | None],
                 model_id: str = "m") -> mm.Profile:
    """A profile with a root and one item per entry (level = floor of the score)."""
    results = {model_id: mm.Result(node_id=model_id, kind="model")}
    for node_id, score in scores.items():
        results[node_id] = mm.Result(node_id=node_id, kind="item", parent=model_id,
                                     score=score,
                                     level=None if score is None else math.floor(score))
    return mm.Profile(model_id=model_id, subject=subject, results=results)


def five_teams() -> Cohort:
    scores = {"a": 1.0, "b": 2.0, "c": 2.0, "d": 4.0, "e": None}
    return Cohort([flat_profile(s, {"x": v}) for s, v in scores.items()])


TEAMS: dict[str, dict[str, Any]] = {
    "payments": {},  # the worked example's team as it is
    "cards": {"vcs.3.2": True, "ci.3.2": True, "test.2.2": True, "env.2.1": True},
    "loans": {"vcs.2.2": False, "deploy.2.1": "n/a", "env.1.1": False},
    "mobile": {"test.1.1": False, "test.2.1": False, "deploy.2.2": 0.5},
}


def cd_cohort() -> tuple[mm.MaturityModel, Cohort]:
    model = mm.load_model(PLANNING / "cd-model.yaml")
    base = mm.load_assessment(PLANNING / "team-before.yaml")
    import attrs

    profiles = [mm.score(model, attrs.evolve(base.with_answers(changes), subject=name))
                for name, changes in TEAMS.items()]
    return model, Cohort(profiles)


# --------------------------------------------------------------------------- construction


def test_a_cohort_holds_profiles_of_one_model() -> None:
    with pytest.raises(mm.IncompatibleProfilesError, match="m, other"):
        Cohort([flat_profile("a", {}), flat_profile("b", {}, model_id="other")])
    with pytest.raises(ValueError, match="at least one"):
        Cohort([])
    cohort = five_teams()
    assert (cohort.model_id, len(cohort), cohort.subjects) == ("m", 5, tuple("abcde"))
    assert [p.subject for p in cohort] == list("abcde")
    assert cohort.node_ids == ("m", "x")


def test_subjects_are_looked_up_by_name() -> None:
    cohort = Cohort([flat_profile("a", {"x": 1.0}), flat_profile("a", {"x": 2.0}),
                     flat_profile("b", {"x": 2.0})])
    assert cohort.profile("b").subject == "b"
    with pytest.raises(ValueError, match="2 profiles"):
        cohort.percentile("a", "x")
    with pytest.raises(mm.UnknownNodeError, match="no subject in the cohort with id 'z'"):
        cohort.profile("z")
    with pytest.raises(mm.UnknownNodeError):
        cohort.distribution("nope")
    # The profile itself works when names repeat.
    assert cohort.percentile(cohort.profiles[0], "x") == pytest.approx(100 / 6)


# --------------------------------------------------------------------------- figures


def test_distribution_leaves_unassessed_subjects_out() -> None:
    d = five_teams().distribution("x")
    assert d == Distribution(node_id="x", count=4, min=1.0, q1=1.75, median=2.0, q3=2.5,
                             max=4.0, mean=2.25, levels={1: 1, 2: 2, 4: 1})
    assert five_teams().distribution("m") == Distribution(node_id="m", count=0)
    assert five_teams().scores("x") == (1.0, 2.0, 2.0, 4.0, None)


def test_percentile_ties_count_half() -> None:
    cohort = five_teams()
    assert [cohort.percentile(s, "x") for s in "abcde"] == [12.5, 50.0, 50.0, 87.5, None]
    assert cohort.percentiles("x") == (12.5, 50.0, 50.0, 87.5, None)
    assert cohort.percentiles("m") == (None,) * 5
    assert cohort.percentile("a", "m") is None


def test_percentile_treats_rounding_noise_as_a_tie() -> None:
    cohort = Cohort([flat_profile("a", {"x": 0.1 + 0.2}), flat_profile("b", {"x": 0.3})])
    assert cohort.percentiles("x") == (50.0, 50.0)


def test_a_profile_from_outside_is_placed_among_the_cohort() -> None:
    cohort = five_teams()
    assert cohort.percentile(flat_profile("new", {"x": 3.0}), "x") == 75.0
    assert cohort.percentile(flat_profile("new", {"x": 0.0}), "x") == 0.0
    assert cohort.percentile(flat_profile("new", {"x": 2.0}), "x") == 50.0
    with pytest.raises(mm.IncompatibleProfilesError):
        cohort.percentile(flat_profile("new", {"x": 2.0}, model_id="other"), "x")


def test_position_against_the_quartiles() -> None:
    d = five_teams().distribution("x")
    assert [d.position(s) for s in (1.0, 1.8, 2.0, 2.5, 2.6, None)] == [
        "bottom quartile", "below median", "at median", "above median", "top quartile",
        "not assessed"]


@given(st.lists(st.one_of(st.none(), st.sampled_from([0.0, 0.5, 1.0, 1.25, 2.0, 2.6, 3.0]),
                          st.floats(0, 5)), min_size=1, max_size=40))
def test_percentiles_match_the_definition(scores: list[float | None]) -> None:
    cohort = Cohort([flat_profile(str(i), {"x": s}) for i, s in enumerate(scores)])
    assessed = [s for s in scores if s is not None]
    ranks = cohort.percentiles("x")
    for s, rank in zip(scores, ranks, strict=True):
        if s is None:
            assert rank is None
            continue
        below = sum(t < s - 1e-9 for t in assessed)
        equal = sum(abs(t - s) <= 1e-9 for t in assessed)
        assert rank is not None
        assert rank == pytest.approx(100 * (below + equal / 2) / len(assessed))
        assert 0 < rank <= 100
    if assessed:
        assert np.mean([r for r in ranks if r is not None]) == pytest.approx(50.0)
        d = cohort.distribution("x")
        assert d.median == pytest.approx(float(np.median(assessed)))
        assert d.count == len(assessed)


# --------------------------------------------------------------------------- roll-ups


def test_rollup_mean_averages_each_node_over_the_teams() -> None:
    _, cohort = cd_cohort()
    org = cohort.rollup(subject="bank")
    assert (org.model_id, org.model_version, org.subject) == ("cd-example", "1", "bank")
    assert list(org.results) == list(cohort.profiles[0].results)
    for node_id in org.results:
        scores = [s for s in cohort.scores(node_id) if s is not None]
        assert org[node_id].score == pytest.approx(sum(scores) / len(scores))
        assert org[node_id].level == min(p[node_id].level for p in cohort  # type: ignore[type-var]
                                         if p[node_id].level is not None)
        assert org[node_id].rule == "mean"
    assert org["cm.vcs"].score == pytest.approx((2.5 + 3.0 + 1.5 + 2.5) / 4)
    assert org["cm.vcs"].kind == "item"
    assert org["cm.vcs"].parent == "cm"
    assert org.counts.total == 4 * 30


def test_rollup_minimum_and_other_rules() -> None:
    _, cohort = cd_cohort()
    weakest = cohort.rollup("minimum")
    assert weakest["cm.vcs"].score == 1.5
    assert weakest["cm.vcs"].level == 1
    floor = cohort.rollup(mm.Mean(level="floor"))
    assert floor["cm.vcs"].level == 2  # floor(2.375)
    median = cohort.rollup(mm.Quantile(q=0.5))
    assert median["cm.vcs"].score == 2.5
    with pytest.raises(ValueError, match="unknown roll-up rule"):
        cohort.rollup("median")


def test_rollup_practices_carry_the_team_values() -> None:
    _, cohort = cd_cohort()
    org = cohort.rollup()
    vcs_32 = org.practices["vcs.3.2"]
    assert (vcs_32.value, vcs_32.status) == (0.25, "partial")  # met by cards only
    assert org.practices["vcs.1.1"].status == "met"
    deploy_22 = org.practices["deploy.2.2"]
    assert deploy_22.value == pytest.approx(0.5 / 4)
    assert org.practices["deploy.2.1"].value == 1.0  # n/a for loans, met elsewhere
    assert org.practices["vcs.4.1"].status == "unknown"  # nobody answered
    assert cohort.rollup("minimum").practices["vcs.1.1"].status == "met"
    # The roll-up is a profile like any other: it has a gap to a target.
    assert gap(org, Target.uniform(3))["cm.vcs"].practices == ("vcs.2.2", "vcs.3.2")


def test_rollup_marks_practices_na_everywhere_as_na() -> None:
    model = mm.MaturityModel(id="m", scale=mm.LevelScale.range(1, 1), domains=[
        mm.Domain(id="d", items=[mm.CapabilityItem(id="i", practices=[
            mm.Practice(id="p", level=1), mm.Practice(id="q", level=1)])])])
    answers: dict[str, dict[str, Any]] = {"a": {"p": "n/a", "q": True},
                                          "b": {"p": "n/a", "q": False}}
    profiles = [mm.score(model, mm.Assessment(model="m", subject=s, answers=a))
                for s, a in answers.items()]
    org = Cohort(profiles).rollup()
    assert (org.practices["p"].status, org.practices["p"].value) == ("n/a", None)
    assert (org.practices["q"].status, org.practices["q"].value) == ("partial", 0.5)


def test_coverage_means_are_dsomm_team_means() -> None:
    _, cohort = cd_cohort()
    means = cohort.coverage_means()
    # vcs level 2: payments 1, cards 1, loans 0.5, mobile 1.
    assert means["cm.vcs"][2] == pytest.approx(3.5 / 4)
    assert means["cm.vcs"][5] is None  # no practice at level 5
    # deploy level 2: loans answered deploy.2.1 n/a, so its level-2 mean is deploy.2.2 alone.
    assert means["deploy.release"][2] == pytest.approx((0.5 + 0.5 + 0.0 + 0.75) / 4)
    assert cohort.rollup()["cm.vcs"].coverage == means["cm.vcs"]


def test_cohorts_of_several_versions_use_the_profiles_that_have_a_node() -> None:
    cohort = Cohort([flat_profile("a", {"x": 1.0}), flat_profile("b", {"x": 3.0, "y": 2.0})])
    assert cohort.node_ids == ("m", "x", "y")
    assert cohort.distribution("y").count == 1
    assert cohort.percentile("a", "y") is None
    assert cohort.rollup()["y"].score == 2.0


# --------------------------------------------------------------------------- one subject


def test_compare_subject_says_where_a_team_stands() -> None:
    _, cohort = cd_cohort()
    records = {r["node_id"]: r for r in cohort.compare_subject("loans")}
    assert records["cm.vcs"] == {
        "node_id": "cm.vcs", "kind": "item", "name": "Version control", "score": 1.5,
        "level": 1, "percentile": 12.5, "q1": 2.25, "median": 2.5, "q3": 2.625,
        "below_median": True, "bottom_quartile": True, "position": "bottom quartile"}
    assert records["build.ci"]["position"] == "at median"
    assert records["build.ci"]["below_median"] is False
    cards = {r["node_id"]: r for r in cohort.compare_subject("cards")}
    assert cards["cm.vcs"]["position"] == "top quartile"
    assert cards["cm.vcs"]["percentile"] == 87.5


# --------------------------------------------------------------------------- tables


def test_records_and_frames() -> None:
    cohort = five_teams()
    assert cohort.to_records() == [
        {"node_id": "m", "kind": "model", "name": "", "count": 0, "min": None, "q1": None,
         "median": None, "q3": None, "max": None, "mean": None},
        {"node_id": "x", "kind": "item", "name": "", "count": 4, "min": 1.0, "q1": 1.75,
         "median": 2.0, "q3": 2.5, "max": 4.0, "mean": 2.25}]
    pytest.importorskip("pandas")
    frame = cohort.to_frame()
    assert list(frame["count"]) == [0, 4]
    subject = cohort.subject_frame("d")
    assert list(subject["position"]) == ["not assessed", "top quartile"]


def test_frame_without_pandas_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(mm.errors.MissingExtraError, match="pandas"):
        five_teams().to_frame()


def test_importing_the_package_loads_neither_numpy_nor_networkx_nor_pandas() -> None:
    code = ("import sys, maturity_model, maturity_model.cohort, maturity_model.planning, "
            "maturity_model.comparison, maturity_model.graph; "
            "print(sorted(m for m in ('numpy', 'networkx', 'pandas') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"
