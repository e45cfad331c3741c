"""The report as one self-contained HTML page (inline CSS and SVG, no script, no network)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Final

from maturity_model._escape import html_link
from maturity_model._escape import html_text as _e
from maturity_model._phrases import level_text as _level_text
from maturity_model._phrases import overall_sentence
from maturity_model._report_content import (
    BLOCKED_HEADERS,
    EVIDENCE_HEADERS,
    VIOLATION_HEADERS,
    Content,
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
from maturity_model._report_svg import heatmap_svg, radar_svg

if TYPE_CHECKING:
    from maturity_model.history import History
    from maturity_model.model import MaturityModel
    from maturity_model.profile import Profile
    from maturity_model.target import Target

__all__ = ["render_html"]


_CSS: Final = """
:root { --ink: #1d2733; --muted: #5b6775; --line: #d5dbe3; --accent: #1f5fa8; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--ink); margin: 0 auto; max-width: 1100px; padding: 24px; background: #fff; }
h1 { font-size: 1.6em; margin: 0 0 .2em; }
h2 { font-size: 1.2em; margin: 1.6em 0 .5em; border-bottom: 2px solid var(--line);
  padding-bottom: .2em; }
h3 { font-size: 1.05em; margin: 1.2em 0 .4em; }
.meta { color: var(--muted); margin: 0 0 1em; }
.overall { font-size: 1.35em; font-weight: 600; padding: .6em .9em; margin: .8em 0;
  border-left: 6px solid var(--accent); background: #eef4fb; }
.evidence { color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: .4em 0 1em; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left;
  vertical-align: top; }
th { background: #f3f5f8; font-weight: 600; }
.nw { white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.bar { display: inline-block; height: .7em; background: var(--accent); border-radius: 2px;
  vertical-align: middle; }
.barbox { display: inline-block; width: 90px; background: #e6ebf1; border-radius: 2px;
  margin-right: 6px; vertical-align: middle; line-height: 0; }
.improved { color: #1a7f37; } .regressed { color: #b42318; }
.added, .removed, .unchanged { color: var(--muted); }
.charts { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
figure { margin: 0; }
figcaption { color: var(--muted); font-size: .9em; }
svg text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.pulled { color: var(--muted); font-style: italic; }
footer { margin-top: 2em; color: var(--muted); font-size: .85em; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  h2 { break-after: avoid; }
  table, figure, .overall { break-inside: avoid; }
  tr { break-inside: avoid; }
  svg { max-width: 100%; height: auto; }
  .overall { background: none; }
}
"""


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]], *,
           numeric: Sequence[int] = ()) -> str:
    """An HTML table; ``headers`` are plain text, the cells are HTML already escaped."""
    head = "".join(f'<th class="num">{_e(h)}</th>' if i in numeric else f"<th>{_e(h)}</th>"
                   for i, h in enumerate(headers))
    body = []
    for row in rows:
        cells = "".join(f'<td class="num">{c}</td>' if i in numeric else f"<td>{c}</td>"
                        for i, c in enumerate(row))
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _bar(score: float | None, top: int) -> str:
    if score is None or top <= 0:
        return '<span class="barbox"></span>'
    width = max(0.0, min(1.0, score / top)) * 100
    return (f'<span class="barbox"><span class="bar" style="width:{width:.1f}%">'
            f"</span></span>")


def _html_domains(c: Content) -> str:
    profile = c.profile
    depths = _depths(profile)
    top = profile.scale.top
    rows = []
    for result in (profile.overall, *profile.domains()):
        depth = max(depths.get(result.node_id, 0), 0)
        indent = min(depth, 8) * 1.2
        name = (f'<span style="padding-left:{indent:.1f}em">{_e(result.name or result.node_id)}'
                f"</span>")
        if result.kind == "model":
            name = f"<strong>{_e(result.name or result.node_id)}</strong>"
        rows.append((name, f"<code>{_e(result.node_id)}</code>",
                     f'<span class="nw">{_e(_level_text(profile, result.level))}</span>',
                     f'<span class="nw">{_bar(result.score, top)}{_e(_score(result.score))}'
                     "</span>",
                     *_counts_cells(result.counts)))
    return _table(("Domain", "Id", "Level", "Score", *_COUNT_HEADERS), rows,
                  numeric=(4, 5, 6, 7, 8))


def _html_gap(c: Content) -> str:
    if c.gap is None or c.roadmap is None or c.target is None:
        return ""
    g, roadmap = c.gap, c.roadmap
    out = [f"<h2>Gap to the target ({_e(str(g.target))})</h2>",
           f"<p>{g.percent_to_target:.0f} % to target; {len(g.item_entries())} items below "
           f"target, {len(g.practices)} practices unmet.</p>"]
    if g.closed:
        out.append("<p>Every item is at its target.</p>")
    else:
        rows = [(f"{_e(e.name or e.node_id)}<br><code>{_e(e.node_id)}</code>",
                 _e(e.target), _e(_level_text(c.profile, e.level)), _e(_score(e.score)),
                 _e(_score(e.gap)), _e(len(e.practices)))
                for e in g.item_entries()]
        out.append(_table(("Item", "Target", "Level", "Score", "Gap", "Unmet practices"),
                          rows, numeric=(1, 3, 4, 5)))
    out.append(f"<h2>Roadmap</h2><p>{len(roadmap.steps)} practices in "
               f"{len(roadmap.waves)} waves, {len(roadmap.pulled_in)} pulled in as "
               "prerequisites.</p>")
    for wave in roadmap.waves:
        rows = []
        for pid in wave.practices:
            step = roadmap.steps[pid]
            note = '<span class="pulled">pulled in</span>' if step.pulled_in else ""
            after = _e(", ".join(step.after))
            rows.append((f"<code>{_e(pid)}</code>", f"<code>{_e(step.item_id)}</code>",
                         _e(step.level), _e(step.text), after, note))
        out.append(f"<h3>Wave {wave.number}</h3>")
        out.append(_table(("Practice", "Item", "Level", "Requirement", "After", ""), rows,
                          numeric=(2,)))
    return "".join(out)


def _html_diff(c: Content) -> str:
    if c.diff is None:
        return ""
    diff = c.diff
    summary = ", ".join(f"{n} {s}" for s, n in diff.summary.items() if n)
    who = (f"{_e(diff.before_subject or '?')} ({_e(diff.before_version or '?')}) → "
           f"{_e(diff.after_subject or '?')} ({_e(diff.after_version or '?')})")
    out = [f"<h2>What changed</h2><p>{who}: {_e(summary or 'no nodes')}.</p>"]
    changed = [d for d in diff if d.changed]
    if not changed:
        out.append("<p>No node changed.</p>")
        return "".join(out)
    rows = []
    for d in changed:
        delta = "–" if d.delta_score is None else f"{d.delta_score:+.2f}"
        rows.append((f"{_e(d.name or d.node_id)}<br><code>{_e(d.node_id)}</code>",
                     _e(d.kind), f'<span class="{_e(d.status)}">{_e(d.status)}</span>',
                     _e(_level_text(c.profile, d.before_level)), _e(_score(d.before_score)),
                     _e(_level_text(c.profile, d.after_level)), _e(_score(d.after_score)),
                     _e(delta)))
    out.append(_table(("Node", "Kind", "Status", "Level before", "Score before",
                       "Level after", "Score after", "Δ score"), rows, numeric=(4, 6, 7)))
    return "".join(out)


def _html_violations(c: Content) -> str:
    violations = c.profile.violations
    if not violations:
        return ""
    rows = [(f"<code>{_e(v.practice)}</code>", f"<code>{_e(v.requirement)}</code>",
             _e(", ".join(v.unmet))) for v in violations]
    out = (f"<h2>Dependency violations</h2><p>{len(violations)} practice"
           f"{'s have' if len(violations) != 1 else ' has'} credit while a prerequisite "
           "is not met.</p>" + _table(VIOLATION_HEADERS, rows))
    blocked = c.profile.blocked
    if blocked:
        out += (f"<p>Policy <code>enforce</code> counts {len(blocked)} of them as not "
                "met:</p>" + _table(BLOCKED_HEADERS, [
                    (f"<code>{_e(b.practice)}</code>", _e(", ".join(b.by))) for b in blocked]))
    return out


def _html_history(history: History | None, subject: str) -> str:
    if history is None:
        return ""
    from maturity_model._report_history import history_html

    return history_html(history, subject)


def _html_evidence(c: Content) -> str:
    practices = evidence_practices(c.profile)
    if not practices:
        return ""
    rows = [(f"<code>{_e(r.practice_id)}</code>", f"<code>{_e(r.item_id)}</code>",
             _e(answer_text(r)), _e(r.note).replace("\n", "<br>"),
             "<br>".join(html_link(e.title, e.link) + _e(record_details(e))
                         for e in r.evidence)) for r in practices]
    return (f"<h2>Evidence</h2><p>{_e(evidence_sentence(len(rows)))}</p>"
            + _table(EVIDENCE_HEADERS, rows))


def render_html(model: MaturityModel, profile: Profile, *, compare: Profile | None = None,
                target: Target | int | None = None, history: History | None = None) -> str:
    """One self-contained HTML page reporting a profile.

    :param model: the model the profile was scored with (used for the roadmap).
    :param compare: an earlier profile of the same model: adds a "What changed" table
        (``compare(compare, profile)``) and its outline on the radar.
    :param target: a :class:`~maturity_model.target.Target` or one level for every node:
        adds the gap and the roadmap waves.
    :param history: a :class:`~maturity_model.History`: adds a "History" section for the
        profile's subject (its dated results, journey, chart and the nodes that fell).
    :raises IncompatibleProfilesError: the profiles are of another model.

    The page has no script and fetches nothing; its CSS and SVG charts are inline.
    """
    c = content(model, profile, compare, target)
    p = c.profile
    title = f"Maturity report: {model.name or model.id}"
    if p.subject:
        title += f" — {p.subject}"
    version = f", version {_e(p.model_version)}" if p.model_version else ""
    meta = [f"Model <strong>{_e(model.name or model.id)}</strong> "
            f"(<code>{_e(model.id)}</code>{version})"]
    if p.subject:
        meta.append(f"subject <strong>{_e(p.subject)}</strong>")
    if p.date is not None:
        meta.append(f"assessed {_e(p.date.isoformat())}")
    counts = p.counts
    evidence = (f"{counts.evidenced} of {counts.total} practices answered with evidence "
                f"({counts.met} met, {counts.partial} partial, {counts.not_met} not met); "
                f"{counts.na} N/A, {counts.unknown} unknown.")
    scale_rows = [(_e(level.value), _e(level.name), _e(level.description))
                  for level in p.scale]
    body = [
        f"<h1>{_e(title)}</h1>",
        f'<p class="meta">{", ".join(meta)}</p>',
        f'<p class="overall" id="overall">Overall: {_e(overall_sentence(p))}</p>',
        f'<p class="evidence">{_e(evidence)}</p>',
        "<h2>Domains</h2>",
        _html_domains(c),
        '<h2>Charts</h2><div class="charts">',
        f"<figure>{radar_svg(p, target=c.target, before=c.before)}"
        "<figcaption>Top-level domains, scored on the scale"
        + (" (dashed: target)" if c.target is not None else "")
        + (" (grey: before)" if c.before is not None else "")
        + "</figcaption></figure>",
        f"<figure>{heatmap_svg(p)}<figcaption>Coverage: share of each level's practices "
        "met, per capability item (%)</figcaption></figure></div>",
        _html_evidence(c),
        _html_violations(c),
        _html_gap(c),
        _html_diff(c),
        _html_history(history, p.subject),
        "<h2>Scale</h2>",
        _table(("Level", "Name", "Description"), scale_rows, numeric=(0,)),
        "<footer>Generated by maturity_model.</footer>",
    ]
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            # Defence in depth: even markup that slipped through could run or fetch nothing.
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "style-src 'unsafe-inline'; img-src data:\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>"
            + "\n".join(body) + "</body></html>\n")
