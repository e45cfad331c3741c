"""Reports: one self-contained HTML file, or Markdown, for a profile.

:func:`render_html` gives a single HTML document with inline CSS and hand-written inline
SVG (no script, no network, no external file; it prints well). It shows the overall level
and score, a per-domain table with the evidence counts, a radar of the top-level domains,
a coverage heat-map (capability items × levels), and optionally the gap to a target with
its roadmap, and what changed since an earlier profile. :func:`render_markdown` gives the
same content as Markdown tables; :func:`write_report` picks one by the file suffix.

Every text that comes from a model or an assessment (names, ids, practice texts, the
subject) is escaped, so a model file carrying ``<script>`` renders as text.

>>> import maturity_model as mm
>>> model = mm.MaturityModel(id="m", name="Mini", scale=mm.LevelScale.of("Basic", "Good"),
...     domains=[mm.Domain(id="build", items=[mm.CapabilityItem(id="ci", practices=[
...         mm.Practice(id="ci.1", level=1), mm.Practice(id="ci.2", level=2)])])])
>>> profile = mm.score(model, mm.Assessment(model="m", subject="team <a>",
...                                         answers={"ci.1": True}))
>>> page = render_html(model, profile, target=2)
>>> "Overall: Level 1 (Basic), score 1.00" in page, "team &lt;a&gt;" in page
(True, True)
"""

from __future__ import annotations

import html
import math
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Final

import attrs

from maturity_model.comparison import ProfileDiff
from maturity_model.comparison import compare as compare_profiles
from maturity_model.errors import IncompatibleProfilesError
from maturity_model.model import MaturityModel
from maturity_model.planning import Gap, Roadmap, plan
from maturity_model.planning import gap as compute_gap
from maturity_model.profile import Counts, Profile, Result
from maturity_model.target import Target

__all__ = ["render_html", "render_markdown", "write_report"]

#: File suffixes :func:`write_report` writes as Markdown; every other suffix gives HTML.
MARKDOWN_SUFFIXES: Final = frozenset({".md", ".markdown"})


# --------------------------------------------------------------------------- content


@attrs.frozen(kw_only=True)
class _Content:
    model: MaturityModel
    profile: Profile
    before: Profile | None
    diff: ProfileDiff | None
    target: Target | None
    gap: Gap | None
    roadmap: Roadmap | None


def _as_target(target: Target | int | None) -> Target | None:
    if target is None or isinstance(target, Target):
        return target
    if isinstance(target, bool) or not isinstance(target, int):
        raise TypeError(f"target must be a Target or an int level, not {target!r}")
    return Target.uniform(target)


def _content(model: MaturityModel, profile: Profile, compare: Profile | None,
             target: Target | int | None) -> _Content:
    if profile.model_id != model.id:
        raise IncompatibleProfilesError(
            f"the profile is of model {profile.model_id!r}, not {model.id!r}")
    wanted = _as_target(target)
    diff = None if compare is None else compare_profiles(compare, profile)
    roadmap = None if wanted is None else plan(model, profile, wanted)
    the_gap = None if roadmap is None else roadmap.gap
    if wanted is not None and the_gap is None:  # pragma: no cover - plan always has a gap
        the_gap = compute_gap(profile, wanted)
    return _Content(model=model, profile=profile, before=compare, diff=diff, target=wanted,
                    gap=the_gap, roadmap=roadmap)


def _level_text(profile: Profile, level: int | None) -> str:
    """``"Level 2 (Foundation)"``, ``"Level 2"`` without a name, ``"not assessed"``."""
    if level is None:
        return "not assessed"
    name = profile.level_name(level)
    return f"Level {level} ({name})" if name else f"Level {level}"


def _score(score: float | None) -> str:
    return "–" if score is None else f"{score:.2f}"


def _overall_line(profile: Profile) -> str:
    o = profile.overall
    if o.score is None:
        return "Overall: not assessed"
    return f"Overall: {_level_text(profile, o.level)}, score {o.score:.2f}"


def _depths(profile: Profile) -> dict[str, int]:
    """Depth of every node below the root (top-level domains: 0); no recursion."""
    depths: dict[str, int] = {profile.model_id: -1}
    for result in profile.results.values():
        if result.node_id in depths:
            continue
        chain: list[str] = []
        node: str | None = result.node_id
        while node is not None and node not in depths and node in profile.results:
            chain.append(node)
            node = profile.results[node].parent
            if len(chain) > len(profile.results):
                break
        base = depths.get(node, -1) if node is not None else -1
        for offset, node_id in enumerate(reversed(chain), start=1):
            depths[node_id] = base + offset
    return depths


def _top_domains(profile: Profile) -> tuple[Result, ...]:
    return tuple(r for r in profile.results.values() if r.parent == profile.model_id)


def _target_of(target: Target, profile: Profile, node_id: str) -> int | None:
    node: str | None = node_id
    seen = 0
    while node is not None and node in profile.results and seen <= len(profile.results):
        if node in target.levels:
            return target.levels[node]
        node = profile.results[node].parent
        seen += 1
    return target.default


def _truncate(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _counts_cells(c: Counts) -> tuple[str, ...]:
    return (str(c.met), str(c.partial), str(c.not_met), str(c.na), str(c.unknown))


_COUNT_HEADERS: Final = ("Met", "Partial", "Not met", "N/A", "Unknown")


# --------------------------------------------------------------------------- HTML


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


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


def _f(value: float) -> str:
    return f"{value:.1f}"


def radar_svg(profile: Profile, *, target: Target | None = None,
              before: Profile | None = None, size: int = 420) -> str:
    """An inline SVG radar of the top-level domains' scores on the scale.

    With ``target`` the target levels are drawn as a dashed outline, with ``before`` the
    earlier profile as a grey outline.

    >>> import maturity_model as mm
    >>> p = mm.Profile(model_id="m", results={
    ...     "m": mm.Result(node_id="m", kind="model", score=1.0, level=1),
    ...     "d": mm.Result(node_id="d", kind="domain", parent="m", name="<D>", score=2.0,
    ...                    level=2)})
    >>> svg = radar_svg(p)
    >>> svg.startswith("<svg") and "&lt;D&gt;" in svg
    True
    """
    domains = _top_domains(profile)
    top = max(profile.scale.top, 1)
    width, height = size + 200, size
    cx, cy = width / 2, size / 2
    radius = size / 2 - 60
    n = max(len(domains), 1)

    def point(i: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / n
        r = radius * max(0.0, value) / top
        return cx + r * math.cos(angle), cy + r * math.sin(angle)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="Radar of domain scores">']
    for level in range(1, top + 1):
        ring = " ".join(f"{_f(x)},{_f(y)}" for x, y in (point(i, level) for i in range(n)))
        parts.append(f'<polygon points="{ring}" fill="none" stroke="#d5dbe3" '
                     'stroke-width="1"/>')
        x, y = point(0, level)
        parts.append(f'<text x="{_f(x - 4)}" y="{_f(y + 12)}" font-size="10" '
                     f'text-anchor="end" fill="#5b6775">{level}</text>')
    for i, result in enumerate(domains):
        x, y = point(i, top)
        parts.append(f'<line x1="{_f(cx)}" y1="{_f(cy)}" x2="{_f(x)}" y2="{_f(y)}" '
                     'stroke="#d5dbe3"/>')
        lx, ly = point(i, top * 1.08)
        cos = (lx - cx) / (radius * 1.08) if radius else 0.0
        sin = (ly - cy) / (radius * 1.08) if radius else 0.0
        anchor = "middle" if abs(cos) < 0.3 else ("start" if cos > 0 else "end")
        ly += -14 if sin < -0.5 else (8 if sin > 0.5 else -3)
        label = _truncate(result.name or result.node_id, 30)
        parts.append(f'<text x="{_f(lx)}" y="{_f(ly)}" font-size="11" '
                     f'text-anchor="{anchor}" fill="#1d2733"><title>{_e(result.node_id)}'
                     f'</title>{_e(label)}<tspan x="{_f(lx)}" dy="13" fill="#5b6775">'
                     f"{_e(_score(result.score))}</tspan></text>")
    def outline(values: Sequence[float | None]) -> str:
        # A domain that is not assessed has no point: it is left out, never drawn at 0.
        return " ".join(f"{_f(x)},{_f(y)}" for x, y in (
            point(i, v) for i, v in enumerate(values) if v is not None))

    if domains and target is not None:
        levels = [_target_of(target, profile, r.node_id) for r in domains]
        if any(v is not None for v in levels):
            parts.append(f'<polygon points="{outline(levels)}" fill="none" stroke="#b42318" '
                         'stroke-width="2" stroke-dasharray="6 4"/>')
    if domains and before is not None:
        scores = [before.results[r.node_id].score if r.node_id in before.results else None
                  for r in domains]
        parts.append(f'<polygon points="{outline(scores)}" fill="#8a96a3" '
                     'fill-opacity="0.15" stroke="#8a96a3" stroke-width="1.5"/>')
    if domains:
        parts.append(f'<polygon points="{outline([r.score for r in domains])}" '
                     'fill="#1f5fa8" fill-opacity="0.25" stroke="#1f5fa8" stroke-width="2"/>')
        for i, r in enumerate(domains):
            if r.score is not None:
                x, y = point(i, r.score)
                parts.append(f'<circle cx="{_f(x)}" cy="{_f(y)}" r="3" fill="#1f5fa8"/>')
    parts.append("</svg>")
    return "".join(parts)


def _heat_colour(value: float) -> str:
    value = max(0.0, min(1.0, value))
    low, high = (0xEE, 0xF4, 0xFB), (0x1F, 0x5F, 0xA8)
    r, g, b = (round(lo + (hi - lo) * value) for lo, hi in zip(low, high, strict=True))
    return f"#{r:02x}{g:02x}{b:02x}"


def heatmap_svg(profile: Profile, *, label_width: int = 300, cell: int = 46,
                row: int = 18) -> str:
    """An inline SVG heat-map of the coverage of every capability item at every level.

    Each cell is ``m(L)``, the share of the level's practices met (blank where the level
    has no applicable practice).

    >>> import maturity_model as mm
    >>> p = mm.Profile(model_id="m", scale=mm.LevelScale.range(1, 2), results={
    ...     "m": mm.Result(node_id="m", kind="model"),
    ...     "i": mm.Result(node_id="i", kind="item", parent="m", coverage={1: 1.0, 2: None})})
    >>> heatmap_svg(p).count("<rect")
    2
    """
    items = profile.item_results()
    levels = profile.scale.values
    width = label_width + cell * len(levels) + 10
    height = 24 + row * len(items) + 6
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" '
             'aria-label="Coverage of each capability item per level">']
    for j, level in enumerate(levels):
        x = label_width + cell * j + cell / 2
        parts.append(f'<text x="{_f(x)}" y="15" font-size="11" font-weight="600" '
                     f'text-anchor="middle" fill="#1d2733">L{level}</text>')
    for i, result in enumerate(items):
        y = 24 + row * i
        label = _truncate(result.name or result.node_id, 44)
        parts.append(f'<text x="{label_width - 8}" y="{_f(y + row * 0.7)}" font-size="11" '
                     f'text-anchor="end" fill="#1d2733"><title>{_e(result.node_id)}</title>'
                     f"{_e(label)}</text>")
        for j, level in enumerate(levels):
            x = label_width + cell * j
            value = result.coverage.get(level)
            if value is None:
                parts.append(f'<rect x="{x + 1}" y="{y + 1}" width="{cell - 2}" '
                             f'height="{row - 2}" fill="#f6f7f9" stroke="#e3e7ec"/>')
                continue
            fill = _heat_colour(value)
            ink = "#ffffff" if value > 0.55 else "#1d2733"
            parts.append(f'<rect x="{x + 1}" y="{y + 1}" width="{cell - 2}" '
                         f'height="{row - 2}" fill="{fill}"><title>{_e(result.node_id)} '
                         f"L{level}: {value:.0%}</title></rect>")
            parts.append(f'<text x="{_f(x + cell / 2)}" y="{_f(y + row * 0.7)}" '
                         f'font-size="10" text-anchor="middle" fill="{ink}">'
                         f"{round(value * 100)}</text>")
    parts.append("</svg>")
    return "".join(parts)


def _html_domains(c: _Content) -> str:
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


def _html_gap(c: _Content) -> str:
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


def _html_diff(c: _Content) -> str:
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


def render_html(model: MaturityModel, profile: Profile, *, compare: Profile | None = None,
                target: Target | int | None = None) -> str:
    """One self-contained HTML page reporting a profile.

    :param model: the model the profile was scored with (used for the roadmap).
    :param compare: an earlier profile of the same model: adds a "What changed" table
        (``compare(compare, profile)``) and its outline on the radar.
    :param target: a :class:`~maturity_model.target.Target` or one level for every node:
        adds the gap and the roadmap waves.
    :raises IncompatibleProfilesError: the profiles are of another model.

    The page has no script and fetches nothing; its CSS and SVG charts are inline.
    """
    c = _content(model, profile, compare, target)
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
        f'<p class="overall" id="overall">{_e(_overall_line(p))}</p>',
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
        _html_gap(c),
        _html_diff(c),
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


# --------------------------------------------------------------------------- Markdown

_MD_SPECIAL: Final = str.maketrans({c: "\\" + c for c in "\\`*_[]|#"})


def md_escape(text: object) -> str:
    r"""Escape text for a Markdown table cell: ``|`` and markup characters, HTML, newlines.

    >>> md_escape("a|b <script>")
    'a\\|b &lt;script&gt;'
    """
    flat = " ".join(str(text).split())
    return html.escape(flat, quote=False).translate(_MD_SPECIAL)


def _md_table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return "\n".join(lines)


def render_markdown(model: MaturityModel, profile: Profile, *,
                    compare: Profile | None = None,
                    target: Target | int | None = None) -> str:
    r"""The report of :func:`render_html` as Markdown tables (no charts but the coverage).

    Text from the model and the assessment is escaped (``|``, Markdown markup and HTML).

    >>> import maturity_model as mm
    >>> model = mm.MaturityModel(id="m", domains=[mm.Domain(id="a|b", items=[
    ...     mm.CapabilityItem(id="ci", practices=[mm.Practice(id="ci.1", level=1)])])])
    >>> text = render_markdown(model, mm.score(model, mm.Assessment(model="m")))
    >>> "| a\\|b |" in text
    True
    """
    c = _content(model, profile, compare, target)
    p = c.profile
    m = md_escape
    out = [f"# Maturity report: {m(model.name or model.id)}", ""]
    out.append(f"- Model: {m(model.name or model.id)} (`{m(model.id)}`"
               + (f", version {m(p.model_version)})" if p.model_version else ")"))
    if p.subject:
        out.append(f"- Subject: {m(p.subject)}")
    if p.date is not None:
        out.append(f"- Assessed: {p.date.isoformat()}")
    counts = p.counts
    out += ["", f"**{m(_overall_line(p))}**", "",
            f"{counts.evidenced} of {counts.total} practices answered with evidence "
            f"({counts.met} met, {counts.partial} partial, {counts.not_met} not met); "
            f"{counts.na} N/A, {counts.unknown} unknown.", "", "## Domains", ""]
    depths = _depths(p)
    rows = []
    for result in (p.overall, *p.domains()):
        depth = max(depths.get(result.node_id, 0), 0)
        prefix = "· " * min(depth, 8)
        rows.append((prefix + m(result.name or result.node_id), f"`{m(result.node_id)}`",
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
                rows.append((f"`{m(pid)}`", f"`{m(step.item_id)}`", str(step.level),
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
            rows = [(m(d.name or d.node_id), f"`{m(d.node_id)}`", d.status,
                     m(_level_text(p, d.before_level)), _score(d.before_score),
                     m(_level_text(p, d.after_level)), _score(d.after_score),
                     "–" if d.delta_score is None else f"{d.delta_score:+.2f}")
                    for d in changed]
            out += [_md_table(("Node", "Id", "Status", "Level before", "Score before",
                               "Level after", "Score after", "Δ score"), rows), ""]
        else:
            out += ["No node changed.", ""]
    return "\n".join(out).rstrip() + "\n"


# --------------------------------------------------------------------------- files


def write_report(path: str | os.PathLike[str], model: MaturityModel, profile: Profile, *,
                 compare: Profile | None = None,
                 target: Target | int | None = None) -> Path:
    """Write the report to ``path``: Markdown for ``.md``/``.markdown``, else HTML.

    The file is written atomically (a temporary file renamed into place), so a failure
    never leaves a truncated report. Returns the path written.

    >>> import tempfile, pathlib, maturity_model as mm
    >>> model = mm.MaturityModel(id="m", domains=[mm.Domain(id="d", items=[
    ...     mm.CapabilityItem(id="ci", practices=[mm.Practice(id="ci.1", level=1)])])])
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "report.md"
    >>> write_report(out, model, mm.score(model, mm.Assessment(model="m"))).read_text(
    ...     ).startswith("# Maturity report")
    True
    """
    from maturity_model.serialization import write_atomic

    target_path = Path(path)
    if target_path.suffix.lower() in MARKDOWN_SUFFIXES:
        text = render_markdown(model, profile, compare=compare, target=target)
    else:
        text = render_html(model, profile, compare=compare, target=target)
    write_atomic(target_path, text)
    return target_path
