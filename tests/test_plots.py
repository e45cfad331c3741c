from __future__ import annotations

from collections.abc import Iterator

import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import maturity_model as mm  # noqa: E402
from maturity_model import plots, standards  # noqa: E402
from maturity_model.cohort import Cohort  # noqa: E402
from maturity_model.target import Target  # noqa: E402


@pytest.fixture(scope="module")
def caict() -> tuple[mm.MaturityModel, mm.Profile, mm.Profile]:
    model = standards.load("caict-devops-cd")
    assessment = standards.example_assessment("caict-devops-cd")
    after = mm.score(model, assessment)
    first = next(iter(assessment.answers))
    before = mm.score(model, mm.Assessment(model=model.id, subject="before",
                                           answers={first: False}))
    return model, before, after


@pytest.fixture(autouse=True)
def _no_pyplot_figures() -> Iterator[None]:
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    yield
    assert plt.get_fignums() == before  # nothing went through pyplot


def tops(profile: mm.Profile) -> list[mm.Result]:
    return [r for r in profile.domains() if r.parent == profile.model_id]


def test_radar(caict: tuple[mm.MaturityModel, mm.Profile, mm.Profile]) -> None:
    _, before, after = caict
    ax = plots.radar([before, after], target=3)
    names = [d.name for d in tops(after)]
    assert [t.get_text() for t in ax.get_xticklabels()] == names
    assert tuple(map(float, ax.get_ylim())) == (0.0, 5.0)
    assert len(ax.lines) == 3
    assert [ln.get_label() for ln in ax.lines] == ["before", after.subject, "target"]
    assert len(ax.lines[1].get_ydata()) == len(names) + 1
    assert list(ax.lines[2].get_ydata()) == [3.0] * (len(names) + 1)
    assert ax.name == "polar"
    ax.figure.savefig(__import__("io").BytesIO(), format="png")


def test_radar_on_given_axes(caict: tuple[mm.MaturityModel, mm.Profile, mm.Profile]) -> None:
    from matplotlib.figure import Figure

    _, _, after = caict
    fig = Figure()
    ax = fig.add_subplot(projection="polar")
    assert plots.radar(after, ax=ax) is ax
    assert len(ax.lines) == 1
    with pytest.raises(ValueError, match="at least one"):
        plots.radar([])


def test_coverage_heatmap(caict: tuple[mm.MaturityModel, mm.Profile, mm.Profile]) -> None:
    _, _, after = caict
    ax = plots.coverage_heatmap(after)
    data = ax.images[0].get_array()
    assert data.shape == (len(after.items()), 5)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["L1", "L2", "L3", "L4", "L5"]
    assert len(ax.get_yticklabels()) == len(after.items())
    first = after.items()[0]
    assert float(data[0, 0]) == pytest.approx(first.coverage[1])
    assert ax.images[0].get_clim() == (0.0, 1.0)


def test_diff_chart(caict: tuple[mm.MaturityModel, mm.Profile, mm.Profile]) -> None:
    _, before, after = caict
    diff = mm.compare(before, after)
    ax = plots.diff_chart(diff)
    domains = [d for d in diff if d.kind == "domain" and d.delta_score is not None]
    assert len(ax.patches) == len(domains)
    assert [t.get_text() for t in ax.get_yticklabels()] == [d.name for d in domains]
    widths = [p.get_width() for p in ax.patches]
    assert widths == pytest.approx([d.delta_score for d in domains])
    assert ax.get_title() == f"before → {after.subject}"
    items = plots.diff_chart(diff, kinds=("item",))
    assert len(items.patches) == sum(1 for d in diff if d.kind == "item"
                                     and d.delta_score is not None)


def test_cohort_distribution(caict: tuple[mm.MaturityModel, mm.Profile, mm.Profile]) -> None:
    _, before, after = caict
    cohort = Cohort([before, after])
    ax = plots.cohort_distribution(cohort)
    names = [d.name for d in tops(after)]
    assert [t.get_text() for t in ax.get_xticklabels()] == names
    assert tuple(map(float, ax.get_ylim())) == (0.0, 5.0)
    # boxplot draws one median line per box
    assert sum(1 for ln in ax.lines if len(ln.get_xdata()) == 2
               and ln.get_ydata()[0] == ln.get_ydata()[1]) >= len(names)


def test_roadmap_waves(caict: tuple[mm.MaturityModel, mm.Profile, mm.Profile]) -> None:
    model, _, after = caict
    roadmap = mm.plan(model, after, Target.uniform(3))
    ax = plots.roadmap_waves(roadmap)
    assert len(ax.containers) == 2
    own, pulled = ax.containers
    assert len(own.patches) == len(roadmap.waves)
    total = sum(p.get_height() for p in own.patches) + sum(p.get_height()
                                                          for p in pulled.patches)
    assert total == len(roadmap.steps)
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        f"Wave {w.number}" for w in roadmap.waves]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["in the gap", "pulled in"]


def test_missing_matplotlib(monkeypatch: pytest.MonkeyPatch,
                            caict: tuple[mm.MaturityModel, mm.Profile, mm.Profile]) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(mm.errors.MissingExtraError, match="plot"):
        plots.coverage_heatmap(caict[2])
