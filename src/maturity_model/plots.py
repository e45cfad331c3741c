"""Plots with matplotlib (the ``plot`` extra): profiles, cohorts, roadmaps, histories, portfolios.

Each function takes an optional ``ax`` to draw on and returns the matplotlib ``Axes`` it
drew on (its figure is ``ax.figure``). Without ``ax`` a new :class:`matplotlib.figure.Figure`
is made without pyplot, so nothing is shown and no global state changes; nothing here
calls ``plt.show()``. matplotlib is imported when a function is called, not with the module.

Functions that label nodes take ``lang``, a BCP 47 tag: names are drawn in that language
(with fallback to the model's), in an installed CJK font when they need one; with no such
font they warn once (:class:`~maturity_model._plot_text.MissingFontWarning`) and draw the
node ids instead of empty boxes.

>>> import maturity_model as mm
>>> p = mm.Profile(model_id="m", scale=mm.LevelScale.range(1, 3), results={
...     "m": mm.Result(node_id="m", kind="model", score=1.5, level=1),
...     "a": mm.Result(node_id="a", kind="domain", parent="m", name="A", score=1.0, level=1),
...     "b": mm.Result(node_id="b", kind="domain", parent="m", name="B", score=2.0, level=2),
...     "c": mm.Result(node_id="c", kind="domain", parent="m", name="C", score=None)})
>>> ax = radar(p)
>>> [t.get_text() for t in ax.get_xticklabels()], tuple(map(float, ax.get_ylim()))
(['A', 'B', 'C'], (0.0, 3.0))
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from maturity_model._plot_text import plot_labels, plot_words
from maturity_model.errors import MissingExtraError
from maturity_model.profile import Profile

if TYPE_CHECKING:
    from maturity_model.cohort import Cohort
    from maturity_model.comparison import ProfileDiff
    from maturity_model.history import History
    from maturity_model.planning import Roadmap
    from maturity_model.portfolio import Portfolio
    from maturity_model.profile import Result
    from maturity_model.target import Target

__all__ = ["cohort_distribution", "coverage_heatmap", "diff_chart", "journey_chart",
           "portfolio_chart", "radar", "roadmap_waves", "trend"]


def _figure() -> Any:
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise MissingExtraError("matplotlib", "plot") from None
    return Figure


def _new_axes(ax: Any, **kwargs: Any) -> Any:
    figure_class = _figure()
    if ax is not None:
        return ax
    figure = figure_class(figsize=kwargs.pop("figsize", (6.4, 4.8)), layout="constrained")
    return figure.add_subplot(**kwargs)


def _top_domains(profile: Profile) -> tuple[Result, ...]:
    return tuple(r for r in profile.results.values() if r.parent == profile.model_id)


def radar(profiles: Profile | Sequence[Profile], *, level: str = "domain",
          target: Target | int | None = None, ax: Any = None, lang: str | None = None) -> Any:
    """A radar (polar) chart of scores, one outline per profile.

    The spokes are the first profile's top-level domains (``level="domain"``) or its
    capability items (``level="item"``). A node that is not assessed leaves a gap in its
    profile's outline: its score is ``None``, never 0. With ``target`` (a
    :class:`~maturity_model.target.Target` or one level) its levels are drawn as a dashed
    outline labelled ``"target"``.

    :param ax: a polar ``Axes`` to draw on; a new figure when omitted.
    :returns: the ``Axes``: one line per profile (and the target), labelled with the
        subjects; y limits ``(0, scale top)``.
    :raises ValueError: no profile, an unknown ``level``, or ``ax`` is not polar.
    :raises MissingExtraError: matplotlib is not installed.
    """
    from maturity_model.target import Target as TargetClass

    group = [profiles] if isinstance(profiles, Profile) else list(profiles)
    if not group:
        raise ValueError("radar needs at least one profile")
    if level not in ("domain", "item"):
        raise ValueError(f"level must be 'domain' or 'item', not {level!r}")
    if ax is not None and getattr(ax, "name", "") != "polar":
        raise ValueError("radar draws on polar axes: fig.add_subplot(projection='polar')")
    first = group[0]
    domains = _top_domains(first) if level == "domain" else first.item_results()
    many = len(domains) > 12
    own_figure = ax is None
    ax = _new_axes(ax, projection="polar", figsize=(10, 10) if many else (8.4, 6.4))
    n = max(len(domains), 1)
    angles = [2 * math.pi * i / n for i in range(n)]
    closed = [*angles, angles[0]] if domains else angles

    def outline(values: list[float]) -> list[float]:
        return [*values, values[0]] if values else values

    for profile in group:
        values = []
        for domain in domains:
            result = profile.results.get(domain.node_id)
            values.append(math.nan if result is None or result.score is None
                          else result.score)
        label = profile.subject or profile.model_id
        (line,) = ax.plot(closed[:len(outline(values))], outline(values), marker="o",
                          linewidth=2, label=label)
        shown = [(a, v) for a, v in zip(angles, values, strict=False) if not math.isnan(v)]
        if len(shown) >= 3:
            ax.fill([a for a, _ in shown], [v for _, v in shown], alpha=0.15,
                    color=line.get_color())
    if target is not None:
        wanted = TargetClass.uniform(target) if isinstance(target, int) else target
        wanted_levels = [wanted.level_for(first, d.node_id) for d in domains]
        levels = [math.nan if v is None else float(v) for v in wanted_levels]
        ax.plot(closed[:len(outline(levels))], outline(levels), linestyle="--", color="0.3",
                linewidth=1.5, label=plot_words(lang)[0].gettext("target"))
    ax.set_xticks(angles[:len(domains)])
    labels, font = plot_labels([(d.name, d.node_id) for d in domains], lang)
    ax.set_xticklabels(labels, fontsize="small" if len(domains) <= 12 else "x-small", **font)
    top = max(first.scale.top, 1)
    ax.set_ylim(0, top)
    ax.set_yticks(list(range(1, top + 1)))
    ax.tick_params(axis="y", labelsize="x-small", labelcolor="0.4")
    ax.set_theta_offset(math.pi / 2)
    ax.set_theta_direction(-1)
    for angle, text in zip(angles, ax.get_xticklabels(), strict=False):
        # Labels grow away from the circle, so long names on either side do not collide;
        # with many spokes each lies along its own spoke instead, since level ones overlap
        # near the top and bottom (the axis resets its own labels' rotation when drawn).
        side = math.sin(angle)
        if many:
            along = 90 - math.degrees(angle)
            text.set_alpha(0.0)  # kept, for what reads the tick labels; drawn below
            text.set_in_layout(False)
            ax.text(angle, top * 1.04, text.get_text(), fontsize="x-small",
                    rotation=along if side >= 0 else along + 180, rotation_mode="anchor",
                    ha="left" if side >= 0 else "right", va="center", **font)
            continue
        text.set_horizontalalignment("left" if side > 0.1 else
                                     "right" if side < -0.1 else "center")
    family = plot_words(lang)[1].get("fontfamily")
    prop = {"size": "small", **({"family": family} if family else {})}
    if many and own_figure:
        # The layout engine leaves the labels drawn along the spokes out: the circle gets
        # a fixed share of the figure, the names the margin, the legend a corner.
        ax.figure.set_layout_engine("none")
        ax.set_position((0.23, 0.23, 0.54, 0.54))
        ax.legend(loc="lower left", bbox_to_anchor=(0.01, 0.01),
                  bbox_transform=ax.figure.transFigure, frameon=False, prop=prop)
        return ax
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.06), ncol=3, frameon=False,
              prop=prop)
    return ax


def coverage_heatmap(profile: Profile, ax: Any = None, *, nodes: str = "items",
                     lang: str | None = None) -> Any:
    """A heat-map of coverage: one row per node, one column per scale level, as in DSOMM.

    Each cell is ``m(L)`` in [0, 1], written as a percentage; a level without an
    applicable practice is NaN, drawn grey with a dot, so it never reads as 0.

    :param nodes: the rows: ``"items"`` (every capability item), ``"domains"`` (every
        domain) or ``"all"`` (the root and every node), in profile order.
    :returns: the ``Axes``; its single image is ``ax.images[0]`` (shape rows × levels).
    :raises ValueError: an unknown ``nodes``.
    :raises MissingExtraError: matplotlib is not installed.

    >>> import maturity_model as mm
    >>> p = mm.Profile(model_id="m", scale=mm.LevelScale.range(1, 2), results={
    ...     "m": mm.Result(node_id="m", kind="model"),
    ...     "i": mm.Result(node_id="i", kind="item", parent="m", coverage={1: 1.0, 2: None})})
    >>> coverage_heatmap(p).images[0].get_array().shape
    (1, 2)
    """
    kinds = {"items": ("item",), "domains": ("domain",), "all": ("model", "domain", "item")}
    if nodes not in kinds:
        raise ValueError(f"nodes must be 'items', 'domains' or 'all', not {nodes!r}")
    rows = [r for r in profile.results.values() if r.kind in kinds[nodes]]
    levels = profile.scale.values
    ax = _new_axes(ax, figsize=(3.0 + 0.6 * len(levels), 1.5 + 0.22 * len(rows)))
    import matplotlib as mpl

    nan = math.nan
    data = [[nan if (v := r.coverage.get(level)) is None else v for level in levels]
            for r in rows]
    colours = mpl.colormaps["Blues"].with_extremes(bad="#d9dde3")
    image = ax.imshow(data if rows else [[nan] * len(levels)], aspect="auto",
                      cmap=colours, vmin=0.0, vmax=1.0, interpolation="nearest")
    small = "x-small" if len(rows) > 25 else "small"
    for i, row in enumerate(data):
        for j, value in enumerate(row):
            vacuous = math.isnan(value)
            ax.text(j, i, "·" if vacuous else f"{value * 100:.0f}", ha="center",
                    va="center", fontsize=small,
                    color="white" if not vacuous and value > 0.55 else "0.15")
    ax.set_xticks(range(len(levels)))
    ax.set_xticklabels([f"L{v}" for v in levels])
    ax.set_yticks(range(len(rows)))
    labels, font = plot_labels([(r.name, r.node_id) for r in rows], lang)
    ax.set_yticklabels(labels, fontsize="small", **font)
    ax.tick_params(length=0)
    words, font = plot_words(lang)
    ax.set_xlabel(words.gettext("level"), **font)
    ax.set_title("Coverage per item and level" if nodes == "items"
                 else "Coverage per node and level")
    bar = ax.figure.colorbar(image, ax=ax)
    bar.set_label(words.gettext("share of practices met"), **font)
    return ax


def diff_chart(diff: ProfileDiff, ax: Any = None, *,
               kinds: Sequence[str] = ("domain",), lang: str | None = None) -> Any:
    """Horizontal bars of the score change of each node of ``kinds`` (domains by default).

    Nodes without a score on both sides are left out. Gains are green, losses red.

    :returns: the ``Axes``, one bar per node, labelled with the node names.
    :raises MissingExtraError: matplotlib is not installed.
    """
    nodes = [d for d in diff if d.kind in kinds and d.delta_score is not None]
    ax = _new_axes(ax, figsize=(6.4, 1.5 + 0.3 * len(nodes)))
    deltas = [d.delta_score or 0.0 for d in nodes]
    colours = ["#1a7f37" if v > 0 else ("#b42318" if v < 0 else "0.6") for v in deltas]
    positions = list(range(len(nodes)))
    ax.barh(positions, deltas, color=colours)
    ax.set_yticks(positions)
    labels, font = plot_labels([(d.name, d.node_id) for d in nodes], lang)
    ax.set_yticklabels(labels, **font)
    ax.invert_yaxis()
    ax.axvline(0.0, color="0.3", linewidth=1)
    words, font = plot_words(lang)
    ax.set_xlabel(words.gettext("score change"), **font)
    for position, value in zip(positions, deltas, strict=True):
        ax.annotate(f"{value:+.2f}", (value, position), xytext=(3 if value >= 0 else -3, 0),
                    textcoords="offset points", ha="left" if value >= 0 else "right",
                    va="center", fontsize="x-small", color="0.3")
    ax.margins(x=0.15)
    before = diff.before_subject or "before"
    after = diff.after_subject or "after"
    ax.set_title(before if before == after else f"{before} → {after}")
    return ax


def portfolio_chart(portfolio: Portfolio, ax: Any = None, *,
                    by: Sequence[str] = ("year", "part")) -> Any:
    """Stacked bars of certificate counts: per year, a segment per part (by default).

    One bar per value of ``by[0]``, a segment per value of ``by[1]``, the total above
    each bar.

    :returns: the ``Axes``: one bar container per value of ``by[1]``, labelled with it.
    :raises MissingExtraError: matplotlib is not installed.
    :raises ValidationError: a ``by`` name is neither a field nor a tag.

    >>> import maturity_model as mm
    >>> p = mm.Portfolio([
    ...     mm.Certificate(subject="a", model="cd", level=3, date="2023-03-01", issuer="x"),
    ...     mm.Certificate(subject="b", model="cd", level=3, date="2024-03-01", issuer="x"),
    ...     mm.Certificate(subject="a", model="srm", level=2, date="2024-05-01", issuer="x")])
    >>> ax = portfolio_chart(p)
    >>> [c.get_label() for c in ax.containers], [t.get_text() for t in ax.get_xticklabels()]
    (['cd', 'srm'], ['2023', '2024'])
    """
    outer, inner = by
    counts = portfolio.counts(by=[outer, inner])
    columns = sorted({k[0] for k, _ in counts.rows}, key=lambda v: (v is None, str(v)))
    stacks = sorted({k[1] for k, _ in counts.rows}, key=lambda v: (v is None, str(v)))
    ax = _new_axes(ax, figsize=(max(4.8, 1.2 + 0.8 * len(columns)), 4.8))
    positions = list(range(len(columns)))
    bottoms = [0] * len(columns)
    for stack in stacks:
        heights = [counts[(column, stack)] for column in columns]
        ax.bar(positions, heights, bottom=bottoms, label="—" if stack is None else str(stack))
        bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    for position, total in zip(positions, bottoms, strict=True):
        ax.annotate(str(total), (position, total), xytext=(0, 3), textcoords="offset points",
                    ha="center", va="bottom", fontsize="small")
    ax.set_xticks(positions)
    ax.set_xticklabels(["—" if c is None else str(c) for c in columns])
    ax.set_ylim(0, max(bottoms, default=0) * 1.15 + 1)
    ax.set_xlabel(outer)
    ax.set_ylabel("certificates")
    ax.set_title(f"{counts.total} certificates by {outer} and {inner}")
    if stacks:
        ax.legend(title=inner, fontsize="small")
    return ax


def cohort_distribution(cohort: Cohort, ax: Any = None, *, lang: str | None = None) -> Any:
    """Box plots of the subjects' scores per top-level domain (assessed subjects only).

    :returns: the ``Axes``, one box per top-level domain of the first profile.
    :raises MissingExtraError: matplotlib is not installed.
    """
    first = cohort.profiles[0]
    domains = _top_domains(first)
    ax = _new_axes(ax, figsize=(1.5 + 0.9 * len(domains), 4.8))
    columns = [[s for s in cohort.scores(d.node_id) if s is not None] for d in domains]
    positions = list(range(1, len(domains) + 1))
    ax.boxplot(columns, positions=positions, widths=0.6)
    ax.set_xticks(positions)
    labels, font = plot_labels([(d.name, d.node_id) for d in domains], lang)
    ax.set_xticklabels(labels, rotation=30, ha="right", **font)
    ax.set_ylim(0, max(first.scale.top, 1))
    words, font = plot_words(lang)
    ax.set_ylabel(words.gettext("score"), **font)
    ax.set_title(f"{first.model_id}: {len(cohort)} subjects")
    return ax


def roadmap_waves(roadmap: Roadmap, ax: Any = None, *, lang: str | None = None) -> Any:
    """Stacked bars per wave: the gap's practices and those pulled in as prerequisites.

    :returns: the ``Axes``: two bar containers (``"in the gap"``, ``"pulled in"``), one bar
        each per wave.
    :raises MissingExtraError: matplotlib is not installed.
    """
    ax = _new_axes(ax)
    words, font = plot_words(lang)
    numbers = [w.number for w in roadmap.waves]
    own = [sum(not roadmap.steps[p].pulled_in for p in w.practices) for w in roadmap.waves]
    pulled = [sum(roadmap.steps[p].pulled_in for p in w.practices) for w in roadmap.waves]
    ax.bar(numbers, own, label=words.gettext("in the gap"), color="#1f5fa8")
    ax.bar(numbers, pulled, bottom=own, label=words.gettext("pulled in"), color="#8a96a3")
    totals = [a + b for a, b in zip(own, pulled, strict=True)]
    for number, total, extra in zip(numbers, totals, pulled, strict=True):
        note = f"{total}" + ("\n" + words.gettext("({count} pulled in)").format(count=extra)
                             if extra else "")
        ax.annotate(note, (number, total), xytext=(0, 3), textcoords="offset points",
                    ha="center", va="bottom", fontsize="small", **font)
    ax.set_ylim(0, max(totals, default=0) * 1.15 + 1)
    ax.set_xticks(numbers)
    ax.set_xticklabels([words.gettext("Wave {number}").format(number=n) for n in numbers],
                       **font)
    ax.set_ylabel(words.gettext("practices"), **font)
    ax.set_title(words.gettext("Roadmap: {steps} practices in {waves} waves").format(
        steps=len(roadmap.steps), waves=len(roadmap.waves)), **font)
    ax.legend(**({"prop": {"family": font["fontfamily"]}} if font else {}))
    return ax


def trend(history: History, node_id: str | None = None, *,
          subjects: Sequence[str] | None = None, ax: Any = None) -> Any:
    """A node's score over time, one line per subject (the model root by default).

    A date where the node is not assessed leaves a gap in its subject's line.

    :param subjects: the subjects to draw, in this order; every subject by default.
    :returns: the ``Axes``: one line per subject, labelled with it; dates on the x axis,
        y limits ``(0, scale top)``.
    :raises UnknownNodeError: a subject or the node is not in the history.
    :raises MissingExtraError: matplotlib is not installed.
    """
    node = node_id if node_id is not None else history.model_id
    chosen = list(history.subjects if subjects is None else subjects)
    ax = _new_axes(ax)
    top = 1
    for subject in chosen:
        series = history.series(subject, node)
        top = max(top, history.profiles(subject)[0].scale.top)
        ax.plot(series.dates, [math.nan if s is None else s for s in series.scores],
                marker="o", label=subject)
    ax.set_ylim(0, top)
    ax.set_ylabel("score")
    ax.set_title(f"{node}: score over time")
    # Slanted dates; autofmt_xdate would adjust the subplots, which a figure with a
    # layout engine refuses (with a warning on matplotlib 3.7).
    ax.tick_params(axis="x", labelrotation=30)
    if chosen:
        ax.legend(fontsize="small")
    return ax


def journey_chart(history: History, subject: str, ax: Any = None) -> Any:
    """Start and end score of each top-level domain of a subject's journey.

    Each domain is a row with a grey dot at its first profile's score and a coloured one
    at its last, joined by a line (green when it rose, red when it fell).

    :returns: the ``Axes``: one row per top-level domain, labelled with the domain names;
        the title gives the dates and the overall scores.
    :raises UnknownNodeError: the subject is not in the history.
    :raises MissingExtraError: matplotlib is not installed.
    """
    journey = history.journey(subject)
    root = journey.overall
    domains = [n for n in journey if n.parent == root.node_id]
    ax = _new_axes(ax, figsize=(6.4, 1.5 + 0.35 * len(domains)))
    positions = list(range(len(domains)))
    for position, node in zip(positions, domains, strict=True):
        start, end = node.start_score, node.end_score
        if start is not None and end is not None:
            colour = "#1a7f37" if end > start else ("#b42318" if end < start else "0.5")
            ax.plot([start, end], [position, position], color=colour, linewidth=2)
        if start is not None:
            ax.plot([start], [position], "o", color="0.6")
        if end is not None:
            ax.plot([end], [position], "o", color="#1f5fa8")
    ax.set_yticks(positions)
    ax.set_yticklabels([n.name or n.node_id for n in domains])
    ax.invert_yaxis()
    ax.set_xlim(0, max(history.profiles(subject)[0].scale.top, 1))
    ax.set_xlabel("score (grey: first, blue: last)")
    # The dates on a line of their own: on one line the title outgrew a figure 6.4 in wide.
    ax.set_title(f"{subject}: {str(root).split(': ', 1)[1]}\n"
                 f"{journey.start.isoformat()} → {journey.end.isoformat()}")
    return ax
