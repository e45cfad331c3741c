"""The report as Markdown: the tables of the HTML page, and the coverage as a table."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from maturity_model._escape import md_cell, md_code, md_link
from maturity_model._phrases import level_text as _level_text
from maturity_model._phrases import overall_sentence
from maturity_model._report_content import (
    BLOCKED_HEADERS,
    EVIDENCE_HEADERS,
    VIOLATION_HEADERS,
    answer_text,
    content,
    evidence_practices,
    evidence_sentence,
    record_details,
)
from maturity_model._report_content import COUNT_HEADERS as _COUNT_HEADERS
from maturity_model._report_content import counts_cells as _counts_cells
from maturity_model._report_content import depths as _depths
from maturity_model._report_content import score_text as _score

if TYPE_CHECKING:
    from maturity_model.history import History
    from maturity_model.model import MaturityModel
    from maturity_model.profile import Profile
    from maturity_model.target import Target

__all__ = ["render_markdown"]


def _md_table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return "\n".join(lines)


def _md_evidence(p: Profile) -> list[str]:
    practices = evidence_practices(p)
    if not practices:
        return []
    rows = [(md_code(r.practice_id), md_code(r.item_id), md_cell(answer_text(r)),
             md_cell(r.note), "; ".join(" ".join(filter(None, (
                 md_link(e.title, e.link), md_cell(record_details(e))))) for e in r.evidence))
            for r in practices]
    return ["## Evidence", "", evidence_sentence(len(rows)), "",
            _md_table(EVIDENCE_HEADERS, rows), ""]


def render_markdown(model: MaturityModel, profile: Profile, *,
                    compare: Profile | None = None,
                    target: Target | int | None = None,
                    history: History | None = None) -> str:
    r"""The report of :func:`render_html` as Markdown tables (no charts but the coverage).

    Text from the model and the assessment is escaped (``|``, Markdown markup and HTML).

    >>> import maturity_model as mm
    >>> model = mm.MaturityModel(id="m", domains=[mm.Domain(id="a|b", items=[
    ...     mm.CapabilityItem(id="ci", practices=[mm.Practice(id="ci.1", level=1)])])])
    >>> text = render_markdown(model, mm.score(model, mm.Assessment(model="m")))
    >>> "| a\\|b |" in text
    True
    """
    c = content(model, profile, compare, target)
    p = c.profile
    m = md_cell
    out = [f"# Maturity report: {m(model.name or model.id)}", ""]
    out.append(f"- Model: {m(model.name or model.id)} ({md_code(model.id)}"
               + (f", version {m(p.model_version)})" if p.model_version else ")"))
    if p.subject:
        out.append(f"- Subject: {m(p.subject)}")
    if p.date is not None:
        out.append(f"- Assessed: {p.date.isoformat()}")
    counts = p.counts
    out += ["", f"**Overall: {m(overall_sentence(p))}**", "",
            f"{counts.evidenced} of {counts.total} practices answered with evidence "
            f"({counts.met} met, {counts.partial} partial, {counts.not_met} not met); "
            f"{counts.na} N/A, {counts.unknown} unknown.", "", "## Domains", ""]
    depths = _depths(p)
    rows = []
    for result in (p.overall, *p.domains()):
        depth = max(depths.get(result.node_id, 0), 0)
        prefix = "· " * min(depth, 8)
        rows.append((prefix + m(result.name or result.node_id), md_code(result.node_id),
                     m(_level_text(p, result.level)), _score(result.score),
                     *_counts_cells(result.counts)))
    out += [_md_table(("Domain", "Id", "Level", "Score", *_COUNT_HEADERS), rows), ""]
    out += ["## Coverage", "", "Share of each level's practices met, per capability item (%).",
            ""]
    levels = p.scale.values
    rows = []
    for result in p.item_results():
        cells = []
        for level in levels:
            value = result.coverage.get(level)
            cells.append("" if value is None else str(round(value * 100)))
        rows.append((m(result.name or result.node_id), m(_level_text(p, result.level)),
                     _score(result.score), *cells))
    out += [_md_table(("Item", "Level", "Score", *(f"L{v}" for v in levels)), rows), ""]
    out += _md_evidence(p)
    if p.violations:
        rows = [(md_code(v.practice), md_code(v.requirement), m(", ".join(v.unmet)))
                for v in p.violations]
        out += ["## Dependency violations", "",
                f"{len(rows)} practice{'s have' if len(rows) != 1 else ' has'} credit while "
                "a prerequisite is not met.", "", _md_table(VIOLATION_HEADERS, rows), ""]
        if p.blocked:
            out += [f"Policy `enforce` counts {len(p.blocked)} of them as not met:", "",
                    _md_table(BLOCKED_HEADERS, [(md_code(b.practice), m(", ".join(b.by)))
                                                for b in p.blocked]), ""]
    if c.gap is not None and c.roadmap is not None:
        g = c.gap
        out += [f"## Gap to the target ({m(str(g.target))})", "",
                f"{g.percent_to_target:.0f} % to target; {len(g.item_entries())} items below "
                f"target, {len(g.practices)} practices unmet.", ""]
        if g.closed:
            out += ["Every item is at its target.", ""]
        else:
            rows = [(m(e.name or e.node_id), str(e.target), m(_level_text(p, e.level)),
                     _score(e.score), _score(e.gap), str(len(e.practices)))
                    for e in g.item_entries()]
            out += [_md_table(("Item", "Target", "Level", "Score", "Gap", "Unmet practices"),
                              rows), ""]
        roadmap = c.roadmap
        out += ["## Roadmap", "", f"{len(roadmap.steps)} practices in {len(roadmap.waves)} "
                f"waves, {len(roadmap.pulled_in)} pulled in as prerequisites.", ""]
        for wave in roadmap.waves:
            rows = []
            for pid in wave.practices:
                step = roadmap.steps[pid]
                rows.append((md_code(pid), md_code(step.item_id), str(step.level),
                             m(step.text), m(", ".join(step.after)),
                             "pulled in" if step.pulled_in else ""))
            out += [f"### Wave {wave.number}", "",
                    _md_table(("Practice", "Item", "Level", "Requirement", "After", "Note"),
                              rows), ""]
    if c.diff is not None:
        diff = c.diff
        summary = ", ".join(f"{n} {s}" for s, n in diff.summary.items() if n)
        out += ["## What changed", "",
                f"{m(diff.before_subject or '?')} → {m(diff.after_subject or '?')}: "
                f"{summary or 'no nodes'}.", ""]
        changed = [d for d in diff if d.changed]
        if changed:
            rows = [(m(d.name or d.node_id), md_code(d.node_id), d.status,
                     m(_level_text(p, d.before_level)), _score(d.before_score),
                     m(_level_text(p, d.after_level)), _score(d.after_score),
                     "–" if d.delta_score is None else f"{d.delta_score:+.2f}")
                    for d in changed]
            out += [_md_table(("Node", "Id", "Status", "Level before", "Score before",
                               "Level after", "Score after", "Δ score"), rows), ""]
        else:
            out += ["No node changed.", ""]
    if history is not None:
        from maturity_model._report_history import history_markdown

        out += history_markdown(history, p.subject)
    return "\n".join(out).rstrip() + "\n"
