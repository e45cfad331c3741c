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
    items = [r for r in profile.items() if r.score is not None]
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
    assert "overall: level 1 (Initial), score 2.34" in out
