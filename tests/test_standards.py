"""The bundled standard models: valid, complete, and faithful to the reference structure."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import maturity_model as mm
from maturity_model import standards

METADATA_KEYS = {"source", "license", "official", "wording"}


@pytest.mark.parametrize("info", standards.available(), ids=lambda i: f"{i.name}@{i.version}")
def test_every_bundled_model_is_valid_and_documented(info: standards.StandardInfo) -> None:
    model = standards.load(info.name, info.version)
    assert [p for p in mm.check(model) if p.severity == "error"] == []
    assert set(info.metadata) >= METADATA_KEYS
    assert info.origin == "bundled"
    docs = Path(__file__).resolve().parents[1] / "docs" / "standards" / f"{info.name}.rst"
    assert docs.is_file(), f"no docs page for {info.name}"


def test_caict_continuous_delivery_has_the_reference_structure() -> None:
    model = standards.load("caict-devops-cd")
    assert len(model.domains) == 7
    assert len(model.items()) == 49
    assert [lv.name for lv in model.scale] == [
        "Initial", "Foundation", "Comprehensive", "Excellent", "Outstanding"]
    assert all(item.practices for item in model.items())
    assert mm.check(model) == ()


def test_caict_gives_certified_level_and_maturity_figure_at_once() -> None:
    model = standards.load("caict-devops-cd")
    profile = mm.score(model, standards.example_assessment("caict-devops-cd"))
    items = [r for r in profile.item_results() if r.score is not None]
    assert len(items) == 49
    assert profile.overall.level == min(r.level for r in items if r.level is not None)
    assert profile.overall.score == pytest.approx(
        sum(r.score for r in items if r.score is not None) / 49)
    assert profile.subject == "harbour-bank-payments"


def test_caict_defines_the_levels_the_reference_defines(reference_dir: Path) -> None:
    table = (reference_dir / "caict" / "continuous-delivery-levels.md").read_text("utf-8")
    rows = [line for line in table.splitlines() if line.startswith("| `CD-")]
    assert len(rows) == 49
    model = standards.load("caict-devops-cd")
    for row, item in zip(rows, model.items(), strict=True):
        cells = [c.strip() for c in row.strip("|").split("|")]
        defined = {lv for lv, cell in zip(range(1, 6), cells[3:8], strict=True)
                   if cell != "—" and not re.match(r"= L\d", cell)}
        assert {p.level for p in item.practices} == defined, item.id


def test_the_readme_main_job_runs(capsys: pytest.CaptureFixture[str]) -> None:
    from maturity_model.cli import main

    path = Path(__file__).resolve().parents[1] / "src" / "maturity_model" / "standards" / \
        "data" / "caict-devops-cd.example-assessment.yaml"
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
    assert "maturity score caict-devops-cd src/maturity_model/standards/data/" \
           "caict-devops-cd.example-assessment.yaml" in readme
    assert main(["score", "caict-devops-cd", str(path)]) == 0
    out = capsys.readouterr().out
    assert "overall: Level 1 (Initial), score 2.34 — the level is that of the weakest" in out


def dora(**observed: float) -> mm.Profile:
    return mm.score(standards.load("dora-four-keys"), mm.Assessment(
        model="dora-four-keys", observations=observed))


@pytest.mark.parametrize(("per_day", "tier"), [
    (5.0, 4), (2.0, 4), (1.0, 3), (0.4, 3), (12 / 365, 3), (0.02, 2), (2 / 365, 2),
    (1 / 365, 1), (0.0, 1)])
def test_dora_deployment_frequency_bands_of_2021(per_day: float, tier: int) -> None:
    assert dora(deployment_frequency_per_day=per_day)["deployment-frequency"].level == tier


@pytest.mark.parametrize(("hours", "tier"), [
    (0.5, 4), (1.0, 4), (5.0, 3), (168.0, 3), (400.0, 2), (4380.0, 2), (9000.0, 1)])
def test_dora_lead_time_gaps_fall_to_the_next_tier_down(hours: float, tier: int) -> None:
    assert dora(lead_time_hours=hours)["lead-time"].level == tier


@pytest.mark.parametrize(("pct", "tier"), [(0.0, 4), (15.0, 4), (20.0, 3), (30.0, 3),
                                           (31.0, 1), (100.0, 1)])
def test_dora_change_failure_rate_has_no_medium_band(pct: float, tier: int) -> None:
    assert dora(change_failure_rate_pct=pct)["change-failure-rate"].level == tier


def test_dora_cites_its_band_year_and_leaves_unobserved_metrics_out() -> None:
    info = standards.info("dora-four-keys")
    assert info.version == "2021"
    assert "2021" in info.metadata["band_year"]
    profile = dora(lead_time_hours=2.0, time_to_restore_hours=200.0)
    assert profile["deployment-frequency"].score is None
    assert (profile.overall.score, profile.overall.level) == (2.0, 1)


def test_scorecard_aggregate_is_the_risk_weighted_mean_of_conclusive_checks() -> None:
    model = standards.load("openssf-scorecard")
    assessment = standards.example_assessment("openssf-scorecard")
    profile = mm.score(model, assessment)
    weights = {item.id: item.weight for item in model.items()}
    observed = {k.lower(): v for k, v in assessment.observations.items()}
    expected = sum(weights[c] * s for c, s in observed.items()) / sum(
        weights[c] for c in observed)
    assert profile.overall.score == pytest.approx(expected)
    assert profile["packaging"].score is None
    assert profile.overall.level == int(expected)
    assert {weights["dangerous-workflow"], weights["code-review"], weights["fuzzing"],
            weights["license"]} == {10.0, 7.5, 5.0, 2.5}


def test_slsa_build_level_is_the_weakest_requirement() -> None:
    model = standards.load("slsa-build")
    profile = mm.score(model, standards.example_assessment("slsa-build"))
    assert profile.overall.level == 2
    assert profile.level_name(profile.overall.level) == "Build L2"
    everything = {p.id: True for p in model.practices()}
    assert mm.score(model, mm.Assessment(model="slsa-build", answers=everything)
                    ).overall.level == 3
    nothing_hosted = {**everything, "build.platform.isolation.2": False}
    assert mm.score(model, mm.Assessment(model="slsa-build", answers=nothing_hosted)
                    ).overall.level == 1
