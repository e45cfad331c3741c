from __future__ import annotations

import math
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
    assert data.shape == (len(after.item_results()), 5)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["L1", "L2", "L3", "L4", "L5"]
    assert len(ax.get_yticklabels()) == len(after.item_results())
    first = after.item_results()[0]
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


def four_domains() -> mm.Profile:
    def domain(node_id: str, score: float | None) -> mm.Result:
        return mm.Result(node_id=node_id, kind="domain", parent="m", name=node_id.upper(),
                         score=score, level=None if score is None else int(score))

    return mm.Profile(model_id="m", scale=mm.LevelScale.range(1, 3), results={
        "m": mm.Result(node_id="m", kind="model", score=1.5, level=1),
        "a": domain("a", 1.0), "b": domain("b", 2.0), "c": domain("c", None),
        "d": domain("d", 1.5)})


def test_radar_leaves_a_gap_where_a_domain_is_not_assessed() -> None:
    ax = plots.radar(four_domains())
    values = list(ax.lines[0].get_ydata())
    assert values[:2] == [1.0, 2.0] and values[3:] == [1.5, 1.0]
    assert math.isnan(values[2])  # never drawn at 0
    (area,) = ax.patches
    assert len(area.get_xy()) == 3 + 1  # the three assessed spokes, closed


def test_radar_by_item_has_a_spoke_per_item(
        caict: tuple[mm.MaturityModel, mm.Profile, mm.Profile]) -> None:
    _, _, after = caict
    ax = plots.radar(after, level="item")
    assert [t.get_text() for t in ax.get_xticklabels()] == [r.name for r in after.item_results()]
    assert len(ax.lines[0].get_ydata()) == len(after.item_results()) + 1


def test_radar_refuses_flat_axes_and_unknown_levels() -> None:
    from matplotlib.figure import Figure

    with pytest.raises(ValueError, match="polar"):
        plots.radar(four_domains(), ax=Figure().add_subplot())
    with pytest.raises(ValueError, match="level"):
        plots.radar(four_domains(), level="practice")


def test_heatmap_writes_each_share_and_greys_out_vacuous_levels(
        caict: tuple[mm.MaturityModel, mm.Profile, mm.Profile]) -> None:
    _, _, after = caict
    ax = plots.coverage_heatmap(after)
    items = after.item_results()
    assert len(ax.texts) == len(items) * 5
    texts = {(round(t.get_position()[1]), round(t.get_position()[0])): t.get_text()
             for t in ax.texts}
    data = ax.images[0].get_array()
    for i, item in enumerate(items):
        for j, level in enumerate(range(1, 6)):
            share = item.coverage[level]
            if share is None:
                assert data.mask[i, j] and texts[i, j] == "·"
            else:
                assert texts[i, j] == f"{share * 100:.0f}"
    assert any(item.coverage[1] is None for item in items)  # the case above is exercised


def test_heatmap_of_every_domain(caict: tuple[mm.MaturityModel, mm.Profile, mm.Profile]
                                 ) -> None:
    _, _, after = caict
    ax = plots.coverage_heatmap(after, nodes="domains")
    assert [t.get_text() for t in ax.get_yticklabels()] == [d.name for d in after.domains()]
    with pytest.raises(ValueError, match="nodes"):
        plots.coverage_heatmap(after, nodes="practices")


def test_diff_chart_writes_each_change_and_one_subject_once(
        caict: tuple[mm.MaturityModel, mm.Profile, mm.Profile]) -> None:
    _, before, after = caict
    diff = mm.compare(before, after)
    ax = plots.diff_chart(diff)
    domains = [d for d in diff if d.kind == "domain" and d.delta_score is not None]
    assert [t.get_text() for t in ax.texts] == [f"{d.delta_score:+.2f}" for d in domains]
    same = plots.diff_chart(mm.compare(after, after))
    assert same.get_title() == after.subject


def test_roadmap_waves_label_each_wave_with_its_total(
        caict: tuple[mm.MaturityModel, mm.Profile, mm.Profile]) -> None:
    model, _, after = caict
    roadmap = mm.plan(model, after, Target.uniform(3))
    ax = plots.roadmap_waves(roadmap)
    totals = [len(w.practices) for w in roadmap.waves]
    assert [t.get_text().split("\n")[0] for t in ax.texts] == [str(n) for n in totals]
    assert ax.get_ylim()[1] > max(totals)
