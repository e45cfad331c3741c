"""Draw every plot of :mod:`maturity_model.plots` for the gallery page.

``docs/conf.py`` runs :func:`main` when a build starts; it writes the PNGs (and an example
HTML report) into ``docs/_static/gallery/``. The data are the bundled CAICT Continuous
Delivery model and its example assessment, so the pictures are the ones a reader gets
from the same calls. Run it by hand with ``python docs/_scripts/make_gallery.py``.

Each ``draw_*`` function below is shown on the gallery page as the code behind its
picture.
"""

from __future__ import annotations

import datetime
import random
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs

import maturity_model as mm
from maturity_model import plots, report, standards

OUT = Path(__file__).resolve().parents[1] / "_static" / "gallery"
PORTFOLIO = Path(__file__).resolve().parents[1] / "examples" / "portfolio.csv"


def _data() -> dict[str, Any]:
    """The profiles every picture draws from: one team before and after, and a cohort."""
    model = standards.load("caict-devops-cd")
    assessment = standards.example_assessment("caict-devops-cd")
    before = mm.score(model, assessment)
    # Six months later the team has done the first dozen practices of its roadmap.
    done = mm.plan(model, before, mm.Target.uniform(3)).waves[0].practices[:12]
    later = attrs.evolve(assessment.with_answers(dict.fromkeys(done, True)),
                         date=datetime.date(2027, 5, 1))
    after = mm.score(model, later)
    # A cohort of fifteen teams: the example team with answers shuffled per team.
    ids = [p.id for p in model.practices()]
    teams = []
    for k in range(15):
        rng = random.Random(k)
        answers = {pid: rng.random() < 0.35 + 0.03 * k for pid in rng.sample(ids, 150)}
        teams.append(mm.score(model, attrs.evolve(assessment.with_answers(answers),
                                                  subject=f"team-{k + 1:02d}")))
    return {"model": model, "before": before, "after": after, "teams": teams,
            "portfolio": mm.Portfolio.load(PORTFOLIO)}


def draw_radar(data: dict[str, Any]) -> Any:
    before, after = data["before"], data["after"]
    before = attrs.evolve(before, subject="November 2026")
    after = attrs.evolve(after, subject="May 2027")
    return plots.radar([before, after], target=3)


def draw_coverage_heatmap(data: dict[str, Any]) -> Any:
    return plots.coverage_heatmap(data["after"])


def draw_diff_chart(data: dict[str, Any]) -> Any:
    return plots.diff_chart(mm.compare(data["before"], data["after"]))


def draw_cohort_distribution(data: dict[str, Any]) -> Any:
    return plots.cohort_distribution(mm.Cohort(data["teams"]))


def draw_roadmap_waves(data: dict[str, Any]) -> Any:
    return plots.roadmap_waves(mm.plan(data["model"], data["after"], mm.Target.uniform(4)))


def draw_portfolio_chart(data: dict[str, Any]) -> Any:
    return plots.portfolio_chart(data["portfolio"], by=("year", "part"))


DRAWINGS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "radar": draw_radar,
    "coverage-heatmap": draw_coverage_heatmap,
    "diff-chart": draw_diff_chart,
    "cohort-distribution": draw_cohort_distribution,
    "roadmap-waves": draw_roadmap_waves,
    "portfolio-chart": draw_portfolio_chart,
}


def main(out: Path = OUT) -> list[Path]:
    """Write one PNG per plot and ``example-report.html``; return the paths written."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    out.mkdir(parents=True, exist_ok=True)
    data = _data()
    written = []
    for name, draw in DRAWINGS.items():
        ax = draw(data)
        figure: Figure = ax.figure
        path = out / f"{name}.png"
        figure.savefig(path, dpi=100, metadata={"Software": None})
        figure.clear()
        written.append(path)
    page = out / "example-report.html"
    report.write_report(page, data["model"], data["after"], compare=data["before"], target=3)
    written.append(page)
    portfolio_page = out / "portfolio-report.html"
    report.write_portfolio_report(portfolio_page, data["portfolio"], ("part", "year"))
    written.append(portfolio_page)
    return written


if __name__ == "__main__":
    for path in main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT):
        print(path)
