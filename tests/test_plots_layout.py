"""Charts saved as a reader saves them (``figure.savefig(path)``) keep every text inside."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import maturity_model as mm

ROOT = Path(__file__).resolve().parents[1]


def _texts_past_the_edges(ax: object) -> list[str]:
    """The texts of the figure that reach past its edges once drawn."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    figure = ax.figure  # type: ignore[attr-defined]
    canvas: Any = FigureCanvasAgg(figure)
    canvas.draw()
    renderer = canvas.get_renderer()
    box = figure.bbox
    outside = []
    for text in figure.findobj(lambda o: hasattr(o, "get_text") and o.get_text()
                               and o.get_visible() and o.get_alpha() != 0):
        extent = text.get_window_extent(renderer)
        if extent.x0 < box.x0 - 1 or extent.x1 > box.x1 + 1:
            outside.append(text.get_text())
    return outside


def test_journey_chart_title_fits_the_figure() -> None:
    pytest.importorskip("matplotlib")
    from maturity_model import plots

    history = mm.History.load(ROOT / "examples/history")
    ax = plots.journey_chart(history, "harbour-payments")
    assert ax.get_title() == "harbour-payments: 1.80 → 3.00\n2024-01-15 → 2024-11-15"
    assert _texts_past_the_edges(ax) == []


@pytest.mark.parametrize("lang", [None, "zh"])
def test_radar_of_every_item_keeps_its_names_inside_the_figure(lang: str | None) -> None:
    pytest.importorskip("matplotlib")
    from maturity_model import _plot_text, plots, standards

    if lang == "zh" and _plot_text.cjk_font() is None:
        pytest.skip("no CJK font installed")
    model = standards.load("caict-devops-cd")
    profile = mm.score(model, standards.example_assessment("caict-devops-cd"))
    ax = plots.radar(profile, level="item", target=3, lang=lang)
    assert _texts_past_the_edges(ax) == []
    shown = [t.get_text() for t in ax.texts]
    assert len(shown) == 49 and shown[0] == model.text("cm.vc.vcs", lang=lang)


def test_radar_of_domains_keeps_its_names_inside_the_figure() -> None:
    pytest.importorskip("matplotlib")
    from maturity_model import plots, standards

    model = standards.load("caict-devops-cd")
    ax = plots.radar(mm.score(model, standards.example_assessment("caict-devops-cd")))
    assert _texts_past_the_edges(ax) == []
