"""The history section of a report: a subject's dated results, its journey, its falls.

The Markdown and HTML reports render the same :class:`HistoryRows`; the HTML one adds an
inline SVG line chart of the overall score and the top-level domains over time. Every text
from a model or an assessment is escaped by :mod:`maturity_model._escape`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import attrs

from maturity_model._escape import html_text as _e
from maturity_model._escape import md_cell, md_code
from maturity_model._report_content import html_cell_text, score_text
from maturity_model._report_content import truncate as _truncate

if TYPE_CHECKING:
    from maturity_model.history import History, Journey

__all__ = ["HistoryRows", "history_html", "history_markdown", "history_rows", "trend_svg"]

_COLOURS = ("#1f5fa8", "#1a7f37", "#b42318", "#8250df", "#bf8700", "#0a7ea4", "#6e7781",
            "#cf222e")


@attrs.frozen(kw_only=True)
class HistoryRows:
    """One subject's history as plain text cells (escaped by each renderer)."""

    subject: str
    summary: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    regressions: tuple[tuple[str, ...], ...]


def journey_sentence(journey: Journey, velocity: float | None) -> str:
    """One sentence: how many assessments, from when to when, the overall start and end.

    It reads like "3 assessments from 2024-01-15 to 2024-11-15: overall 1.80 → 3.00
    (level 1 → 3), +0.12 levels per month; 120 practices changed."
    """
    o = journey.overall
    levels = f"level {'–' if o.start_level is None else o.start_level} → " \
             f"{'–' if o.end_level is None else o.end_level}"
    pace = "" if velocity is None else f", {velocity:+.2f} levels per month"
    return (f"{journey.assessments} assessment{'s' if journey.assessments != 1 else ''} "
            f"from {journey.start.isoformat()} to {journey.end.isoformat()}: overall "
            f"{score_text(o.start_score)} → {score_text(o.end_score)} ({levels}){pace}; "
            f"{len(journey.practices)} practices changed.")


def history_rows(history: History, subject: str) -> HistoryRows | None:
    """The rows of one subject's history; ``None`` when the history does not have it."""
    if subject not in history.subjects:
        return None
    journey = history.journey(subject)
    root = journey.overall.node_id
    domains = [n for n in journey if n.parent == root]
    profiles = history.profiles(subject)
    rows = []
    for profile in profiles:
        overall = profile.overall
        rows.append((profile.date.isoformat() if profile.date else "",
                     "–" if overall.level is None else str(overall.level),
                     score_text(overall.score),
                     *(score_text(profile[d.node_id].score) if d.node_id in profile else "–"
                       for d in domains)))
    velocity = history.velocity(subject) if journey.start < journey.end else None
    falls = tuple((r.node_id, r.before.isoformat(), r.after.isoformat(),
                   f"{r.score_before:.2f} → {r.score_after:.2f}",
                   f"{r.level_before} → {r.level_after}")
                  for r in history.regressions(subject))
    return HistoryRows(subject=subject, summary=journey_sentence(journey, velocity),
                       headers=("Date", "Level", "Score",
                                *(_truncate(d.name or d.node_id, 24) for d in domains)),
                       rows=tuple(rows), regressions=falls)


_FALL_HEADERS = ("Node", "Before", "After", "Score", "Level")


def history_markdown(history: History, subject: str) -> list[str]:
    """The history section as Markdown lines."""
    found = history_rows(history, subject)
    out = ["## History", ""]
    if found is None:
        return [*out, f"No history for {md_cell(subject or '(no subject)')}.", ""]

    def table(headers: tuple[str, ...], rows: list[list[str]]) -> list[str]:
        """A Markdown table; the cells are escaped already."""
        return ["| " + " | ".join(md_cell(h) for h in headers) + " |",
                "|" + "---|" * len(headers), *("| " + " | ".join(row) + " |" for row in rows),
                ""]

    out += [md_cell(found.summary), "",
            *table(found.headers, [[md_cell(c) for c in row] for row in found.rows])]
    if found.regressions:
        out += ["Nodes that fell:", "",
                *table(_FALL_HEADERS, [[md_code(r[0]), *(md_cell(c) for c in r[1:])]
                                       for r in found.regressions])]
    return out


def history_html(history: History, subject: str) -> str:
    """The history section as HTML (a table, the chart, and the nodes that fell)."""
    found = history_rows(history, subject)
    if found is None:
        return f"<h2>History</h2><p>No history for {_e(subject or '(no subject)')}.</p>"

    def table(headers: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> str:
        head = "".join(f"<th>{_e(h)}</th>" for h in headers)
        body = "".join("<tr>" + "".join(f"<td>{html_cell_text(c)}</td>" for c in row) + "</tr>"
                       for row in rows)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    out = ["<h2>History</h2>", f"<p>{_e(found.summary)}</p>", table(found.headers, found.rows),
           f"<figure>{trend_svg(history, subject)}<figcaption>Overall score (thick) and "
           "top-level domains over time</figcaption></figure>"]
    if found.regressions:
        out += ["<h3>Nodes that fell</h3>", table(_FALL_HEADERS, found.regressions)]
    return "\n".join(out)


def trend_svg(history: History, subject: str, *, width: int = 640, height: int = 300) -> str:
    """An inline SVG line chart of a subject's overall and top-level domain scores.

    >>> import datetime, maturity_model as mm
    >>> h = mm.History([mm.Profile(model_id="m", subject="t", date=datetime.date(2024, 1, 1),
    ...     results={"m": mm.Result(node_id="m", kind="model", score=1.0, level=1)})])
    >>> trend_svg(h, "t").startswith("<svg")
    True
    """
    profiles = history.profiles(subject)
    journey = history.journey(subject)
    root = journey.overall
    nodes = [root, *(n for n in journey if n.parent == root.node_id)]
    top = max(profiles[0].scale.top, 1)
    left, right, upper, lower = 40, 170, 16, 30
    first, last = profiles[0].date, profiles[-1].date
    assert first is not None
    assert last is not None
    span = max((last - first).days, 1)

    def x(k: int) -> float:
        day = profiles[k].date
        assert day is not None
        offset = (day - first).days / span if len(profiles) > 1 else 0.5
        return left + offset * (width - left - right)

    def y(score: float) -> float:
        return upper + (1 - score / top) * (height - upper - lower)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img">']
    for level in range(top + 1):
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(level):.1f}" '
                     f'y2="{y(level):.1f}" stroke="#d5dbe3"/><text x="{left - 6}" '
                     f'y="{y(level) + 4:.1f}" text-anchor="end" font-size="11">{level}</text>')
    for k, profile in enumerate(profiles):
        day = profile.date.isoformat() if profile.date else ""
        parts.append(f'<text x="{x(k):.1f}" y="{height - 10}" text-anchor="middle" '
                     f'font-size="10">{_e(day)}</text>')
    for number, node in enumerate(nodes):
        colour = _COLOURS[number % len(_COLOURS)] if number else "#1d2733"
        points = []
        for k, profile in enumerate(profiles):
            score = profile[node.node_id].score if node.node_id in profile else None
            if score is not None and math.isfinite(score):
                points.append(f"{x(k):.1f},{y(score):.1f}")
        if points:
            parts.append(f'<polyline fill="none" stroke="{colour}" '
                         f'stroke-width="{3 if number == 0 else 1.5}" '
                         f'points="{" ".join(points)}"/>')
        parts.append(f'<text x="{width - right + 8}" y="{upper + 14 * number + 4}" '
                     f'font-size="11" fill="{colour}">'
                     f'{_e(_truncate(node.name or node.node_id, 26))}</text>')
    parts.append("</svg>")
    return "".join(parts)
