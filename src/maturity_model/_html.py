"""Rich display in notebooks: the HTML behind ``_repr_html_``, and short plain reprs.

Every string that comes from a model, an assessment or a target goes through :func:`esc`
(:func:`maturity_model._escape.html_text`, the package's one escaper) before it meets
markup; the markup itself comes from fixed templates. Styles are inline attributes, so the
tables look alike in Jupyter, VS Code and the docs, and nothing needs JavaScript or the
network. Trees are walked without recursion (models may be deep), and long tables stop
after :data:`MAX_ROWS` rows with a note saying how many were left out.

The report (:mod:`maturity_model.report`) reuses the helpers here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Final

from maturity_model._escape import html_text
from maturity_model._phrases import display_language, level_text, overall_sentence
from maturity_model.languages import in_language

if TYPE_CHECKING:
    from maturity_model.cohort import Cohort
    from maturity_model.comparison import NodeDiff, ProfileDiff
    from maturity_model.model import MaturityModel, Node
    from maturity_model.planning import Roadmap
    from maturity_model.profile import Profile

#: Tables in a notebook stop after this many rows.
MAX_ROWS: Final = 200

#: Colours of the diff statuses (text colour; shared with the report and the plots).
STATUS_COLOURS: Final = {"improved": "#15803d", "regressed": "#b91c1c",
                         "unchanged": "#6b7280", "added": "#1d4ed8", "removed": "#6b7280"}
STATUS_MARKS: Final = {"improved": "▲", "regressed": "▼", "unchanged": "=", "added": "+",
                       "removed": "−"}

_LOW: Final = (239, 246, 255)  # coverage 0: the palest blue
_HIGH: Final = (30, 64, 175)  # coverage 1: a deep blue
VACUOUS_COLOUR: Final = "#f3f4f6"
BAR_COLOUR: Final = "#2563eb"

_TABLE: Final = ('<table style="border-collapse:collapse;font-size:12px;'
                 'font-variant-numeric:tabular-nums">')
_TH: Final = ('<th style="text-align:{align};padding:2px 8px;border-bottom:1px solid #9ca3af;'
              'font-weight:600">{text}</th>')
_TD: Final = '<td style="text-align:{align};padding:2px 8px;{extra}"{title}>{text}</td>'


# --------------------------------------------------------------------------- small parts


#: ``value`` as text safe inside HTML elements and quoted attributes.
esc: Final = html_text


def fmt_score(value: float | None) -> str:
    """A score with two decimals; an em dash when not assessed."""
    return "—" if value is None else f"{value:.2f}"


def fmt_level(value: int | None) -> str:
    """A level; an em dash when not assessed."""
    return "—" if value is None else str(value)


def fmt_delta(value: float | None) -> str:
    """A signed difference with two decimals; empty when there is none."""
    return "" if value is None else f"{value:+.2f}"


def fmt_percent(value: float | None) -> str:
    """A share in [0, 1] as a whole percentage; an em dash for ``None``."""
    return "—" if value is None else f"{value * 100:.0f} %"


def coverage_colour(value: float | None) -> str:
    """The fill of a heat-map cell: pale (0) to deep blue (1); grey for a vacuous level."""
    if value is None or not math.isfinite(value):
        return VACUOUS_COLOUR
    t = min(1.0, max(0.0, value))
    r, g, b = (round(lo + (hi - lo) * t) for lo, hi in zip(_LOW, _HIGH, strict=True))
    return f"#{r:02x}{g:02x}{b:02x}"


def coverage_text_colour(value: float | None) -> str:
    """Text colour that stays readable on :func:`coverage_colour`."""
    return "#ffffff" if value is not None and value > 0.55 else "#111827"


def depths(parents: Mapping[str, str | None]) -> dict[str, int]:
    """Each node's depth below the root (the root and orphans are 0), without recursion."""
    found: dict[str, int] = {}
    for start in parents:
        path: list[str] = []
        node: str | None = start
        base = -1
        while node is not None and node in parents:
            if node in found:
                base = found[node]
                break
            if node in path:  # a parent cycle in a hand-made profile: stop walking
                break
            path.append(node)
            node = parents[node]
        for offset, member in enumerate(reversed(path), start=1):
            found[member] = base + offset
    return found


def indent(depth: int) -> str:
    """Left padding for a tree row, capped so a very deep tree stays on the page."""
    return f"padding-left:{8 + 12 * min(depth, 16)}px"


def bar(score: float | None, top: float, *, width: int = 96) -> str:
    """A horizontal bar for a score on ``0..top``, followed by the number."""
    if score is None:
        return '<span style="color:#6b7280">not assessed</span>'
    share = 0.0 if top <= 0 else min(1.0, max(0.0, score / top))
    return (f'<span style="display:inline-block;width:{width}px;height:8px;'
            f'background:#e5e7eb;border-radius:4px;vertical-align:middle;margin-right:6px">'
            f'<span style="display:block;width:{share * 100:.1f}%;height:100%;'
            f'background:{BAR_COLOUR};border-radius:4px"></span></span>{fmt_score(score)}')


def _cell(text: str, *, align: str = "left", style: str = "", title: str = "") -> str:
    attr = f' title="{esc(title)}"' if title else ""
    return _TD.format(align=align, extra=style, title=attr, text=text)


def _head(columns: Sequence[tuple[str, str]]) -> str:
    return "<tr>" + "".join(_TH.format(align=a, text=t) for a, t in columns) + "</tr>"


def _more(shown: int, total: int, columns: int) -> str:
    if total <= shown:
        return ""
    return (f'<tr><td colspan="{columns}" style="padding:2px 8px;color:#6b7280">… '
            f"{total - shown} more rows not shown</td></tr>")


def _box(body: str) -> str:
    return ('<div style="font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;'
            f'line-height:1.4">{body}</div>')


def coverage_cell(level: int, value: float | None) -> str:
    """One ``<td>`` of a coverage row: the share met at ``level``, shaded."""
    title = (f"level {level}: no applicable practice" if value is None
             else f"level {level}: {fmt_percent(value)} met")
    text = "·" if value is None else f"{value * 100:.0f}"
    return _cell(text, align="center", title=title,
                 style=(f"background:{coverage_colour(value)};"
                        f"color:{coverage_text_colour(value)};min-width:28px"))


def node_label(node_id: str, name: str) -> str:
    """The name, with the id in grey after it when they differ (both escaped)."""
    if not name or name == node_id:
        return esc(node_id)
    return f'{esc(name)} <span style="color:#6b7280">{esc(node_id)}</span>'


# --------------------------------------------------------------------------- model


def _preorder(model: MaturityModel) -> list[tuple[int, Node]]:
    from maturity_model.model import Domain

    rows: list[tuple[int, Node]] = []
    stack: list[tuple[int, Node]] = [(0, d) for d in reversed(model.domains)]
    while stack:
        depth, node = stack.pop()
        rows.append((depth, node))
        if isinstance(node, Domain):
            stack.extend((depth + 1, child) for child in reversed(node.children))
    return rows


def model_html(model: MaturityModel) -> str:
    """The model as a notebook shows it: scale, rules, and the tree with practices per level."""
    from maturity_model.model import CapabilityItem

    rows = _preorder(model)
    levels = model.scale.values
    per_node: dict[str, dict[int, int]] = {}
    parent: dict[str, str] = {}
    for _, node in rows:
        if isinstance(node, CapabilityItem):
            counts = per_node.setdefault(node.id, {})
            for practice in node.practices:
                counts[practice.level] = counts.get(practice.level, 0) + 1
        else:
            for child in node.children:
                parent.setdefault(child.id, node.id)
    for _, node in reversed(rows):  # children before parents: sums travel up in one pass
        up = parent.get(node.id)
        if up is not None:
            into = per_node.setdefault(up, {})
            for level, n in per_node.get(node.id, {}).items():
                into[level] = into.get(level, 0) + n
    lang = display_language() or model.language
    scale = " · ".join(f"{lv.value} {esc(in_language(lv.name, lang))}".rstrip()
                       for lv in model.scale)
    practices = sum(1 for _ in model.practices())
    head = (f"<p><b>{esc(in_language(model.name, lang))}</b> <code>{esc(model.id)}</code>"
            f"{' version ' + esc(model.version) if model.version else ''}: "
            f"{len(model.domains_preorder())} domains, {len(model.items())} items, "
            f"{practices} practices</p>"
            f"<p>Scale: {scale}<br>Rules: items <code>{esc(model.rules.item.kind)}</code>, "
            f"domains <code>{esc(model.rules.domain.kind)}</code>; dependencies "
            f"<code>{esc(model.dependencies)}</code></p>")
    columns = [("left", "node"), ("left", "kind"),
               *[("center", f"L{v}") for v in levels], ("right", "practices")]
    body = [_TABLE, _head(columns)]
    for depth, node in rows[:MAX_ROWS]:
        counts = per_node.get(node.id, {})
        kind = "item" if isinstance(node, CapabilityItem) else "domain"
        weight = "font-weight:600;" if kind == "domain" else ""
        cells = [_cell(node_label(node.id, in_language(node.name, lang)),
                       style=weight + indent(depth)),
                 _cell(kind)]
        cells += [_cell(str(counts.get(v, "")), align="center") for v in levels]
        cells.append(_cell(str(sum(counts.values())), align="right"))
        body.append("<tr>" + "".join(cells) + "</tr>")
    body.append(_more(min(len(rows), MAX_ROWS), len(rows), len(columns)))
    body.append("</table>")
    return _box(head + "".join(body))


# --------------------------------------------------------------------------- profile


def evidence_line(profile: Profile) -> str:
    """``"260 of 335 practices answered (73 unknown, 2 n/a)"`` for the whole profile."""
    root = profile.results.get(profile.model_id)
    if root is None:
        return "no overall result"
    c = root.counts
    return (f"{c.evidenced} of {c.total} practices answered "
            f"({c.unknown} unknown, {c.na} n/a)")


def profile_html(profile: Profile) -> str:
    """The profile as a notebook shows it: overall level, then every node with coverage."""
    o = profile.results.get(profile.model_id)
    when = f", {profile.date.isoformat()}" if profile.date else ""
    version = f" {profile.model_version}" if profile.model_version else ""
    lang = display_language()
    overall = "no overall result" if o is None else overall_sentence(profile, lang)
    head = (f"<p><b>{esc(profile.subject or 'Profile')}</b> — "
            f"<code>{esc(profile.model_id)}</code>{esc(version)}{esc(when)}<br>"
            f"Overall: <b>{esc(overall)}</b>; {esc(evidence_line(profile))}</p>")
    levels = profile.scale.values
    top = profile.scale.top
    depth = depths({r.node_id: r.parent for r in profile})
    columns = [("left", "node"), ("center", "level"), ("left", "score"),
               *[("center", f"L{v}") for v in levels], ("right", "answered")]
    results = list(profile)
    body = [_TABLE, _head(columns)]
    for result in results[:MAX_ROWS]:
        weight = "font-weight:600;" if result.kind != "item" else ""
        cells = [_cell(node_label(result.node_id, in_language(result.name, lang)),
                       style=weight + indent(depth.get(result.node_id, 0))),
                 _cell(fmt_level(result.level), align="center",
                       title=level_text(profile, result.level, lang)),
                 _cell(bar(result.score, top))]
        cells += [coverage_cell(v, result.coverage.get(v)) for v in levels]
        cells.append(_cell(f"{result.counts.evidenced}/{result.counts.total}", align="right"))
        body.append("<tr>" + "".join(cells) + "</tr>")
    body.append(_more(min(len(results), MAX_ROWS), len(results), len(columns)))
    body.append("</table>")
    return _box(head + "".join(body))


# --------------------------------------------------------------------------- diff


def status_html(status: str) -> str:
    """A diff status, coloured, with its mark (▲ ▼ = + −)."""
    colour = STATUS_COLOURS.get(status, "#111827")
    return (f'<span style="color:{colour}">{esc(STATUS_MARKS.get(status, ""))} '
            f"{esc(status)}</span>")


def side(score: float | None, level: int | None) -> str:
    """One side of a comparison: ``"2.60 (L2)"``; an em dash when absent or not assessed."""
    return "—" if score is None else f"{score:.2f} (L{level})"


def diff_parents(diff: ProfileDiff) -> dict[str, str | None]:
    """Node id → parent id, from whichever side has the node."""
    parents: dict[str, str | None] = {}
    for d in diff:
        result = d.after if d.after is not None else d.before
        parents[d.node_id] = None if result is None else result.parent
    return parents


def subjects_phrase(diff: ProfileDiff) -> str:
    """``"team-a"`` when both sides share a subject, else ``"team-a → team-b"``."""
    before = diff.before_subject or "before"
    after = diff.after_subject or "after"
    if diff.before_subject == diff.after_subject:
        return diff.before_subject or "before → after"
    return f"{before} → {after}"


def summary_phrase(diff: ProfileDiff) -> str:
    """``"3 improved, 1 regressed, 67 unchanged"`` (statuses with no node left out)."""
    return ", ".join(f"{n} {s}" for s, n in diff.summary.items() if n) or "no nodes"


def _diff_row(d: NodeDiff, depth: int) -> str:
    weight = "font-weight:600;" if d.kind != "item" else ""
    colour = STATUS_COLOURS.get(d.status, "#111827")
    return "<tr>" + "".join([
        _cell(node_label(d.node_id, d.name), style=weight + indent(depth)),
        _cell(side(d.before_score, d.before_level), align="right"),
        _cell(side(d.after_score, d.after_level), align="right"),
        _cell(fmt_delta(d.delta_score) if d.changed else "", align="right",
              style=f"color:{colour}"),
        _cell("" if d.delta_level is None or not d.delta_level else f"{d.delta_level:+d}",
              align="right", style=f"color:{colour}"),
        _cell(status_html(d.status))]) + "</tr>"


def diff_html(diff: ProfileDiff) -> str:
    """A comparison as a notebook shows it: the summary, then every node's two sides."""
    versions = ""
    if diff.before_version != diff.after_version:
        versions = f" (version {diff.before_version or '?'} → {diff.after_version or '?'})"
    head = (f"<p><b>{esc(subjects_phrase(diff))}</b> — <code>{esc(diff.model_id)}</code>"
            f"{esc(versions)}<br>{esc(summary_phrase(diff))}</p>")
    depth = depths(diff_parents(diff))
    columns = [("left", "node"), ("right", "before"), ("right", "after"),
               ("right", "Δ score"), ("right", "Δ level"), ("left", "status")]
    nodes = list(diff)
    body = [_TABLE, _head(columns)]
    body += [_diff_row(d, depth.get(d.node_id, 0)) for d in nodes[:MAX_ROWS]]
    body.append(_more(min(len(nodes), MAX_ROWS), len(nodes), len(columns)))
    body.append("</table>")
    return _box(head + "".join(body))


# --------------------------------------------------------------------------- roadmap


def roadmap_headline(roadmap: Roadmap) -> str:
    """``"57 practices in 2 waves, 0 pulled in as prerequisites; 77 % to target now"``."""
    return (f"{len(roadmap)} practices in {len(roadmap.waves)} waves, "
            f"{len(roadmap.pulled_in)} pulled in as prerequisites; "
            f"{roadmap.gap.percent_to_target:.0f} % to target now")


def roadmap_html(roadmap: Roadmap) -> str:
    """A roadmap as a notebook shows it: one block of rows per wave."""
    who = f" for {roadmap.subject}" if roadmap.subject else ""
    head = (f"<p><b>Roadmap{esc(who)}</b> to {esc(roadmap.gap.target)} — "
            f"<code>{esc(roadmap.model_id)}</code><br>{esc(roadmap_headline(roadmap))}</p>")
    columns = [("left", "practice"), ("left", "item"), ("center", "level"),
               ("left", "requirement"), ("left", "why")]
    body = [_TABLE, _head(columns)]
    shown = 0
    for wave in roadmap.waves:
        body.append(f'<tr><td colspan="{len(columns)}" style="padding:6px 8px 2px;'
                    f'font-weight:600;border-bottom:1px solid #e5e7eb">Wave {wave.number}'
                    f" ({len(wave.practices)} practices)</td></tr>")
        for pid in wave.practices:
            if shown >= MAX_ROWS:
                break
            shown += 1
            step = roadmap.steps[pid]
            notes = []
            if step.pulled_in:
                notes.append("pulled in, needed by " + ", ".join(step.needed_by))
            if step.after:
                notes.append("after " + ", ".join(step.after))
            body.append("<tr>" + "".join([
                _cell(f"<code>{esc(pid)}</code>"), _cell(esc(step.item_id)),
                _cell(str(step.level), align="center"), _cell(esc(step.text)),
                _cell(esc("; ".join(notes)), style="color:#6b7280")]) + "</tr>")
    if not roadmap.waves:
        body.append(f'<tr><td colspan="{len(columns)}" style="padding:2px 8px">'
                    "Nothing to do: every item is at its target.</td></tr>")
    body.append(_more(shown, len(roadmap), len(columns)))
    body.append("</table>")
    return _box(head + "".join(body))


# --------------------------------------------------------------------------- cohort


def box_svg(lo: float, q1: float, median: float, q3: float, hi: float, top: float, *,
            width: int = 120, height: int = 14) -> str:
    """A tiny horizontal box plot on ``0..top`` as inline SVG (numbers only, no text)."""
    def x(value: float) -> float:
        share = 0.0 if top <= 0 else min(1.0, max(0.0, value / top))
        return 2 + share * (width - 4)

    mid = height / 2
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" style="vertical-align:middle">'
            f'<line x1="2" y1="{mid}" x2="{width - 2}" y2="{mid}" stroke="#e5e7eb"/>'
            f'<line x1="{x(lo):.1f}" y1="{mid}" x2="{x(hi):.1f}" y2="{mid}" stroke="#6b7280"/>'
            f'<rect x="{x(q1):.1f}" y="2" width="{max(1.0, x(q3) - x(q1)):.1f}" '
            f'height="{height - 4}" fill="#bfdbfe" stroke="{BAR_COLOUR}"/>'
            f'<line x1="{x(median):.1f}" y1="1" x2="{x(median):.1f}" y2="{height - 1}" '
            f'stroke="#1e3a8a" stroke-width="2"/></svg>')


def cohort_html(cohort: Cohort) -> str:
    """A cohort as a notebook shows it: per node, how many assessed it and the spread."""
    first = cohort.profiles[0]
    top = float(first.scale.top)
    subjects = list(cohort.subjects)
    listed = ", ".join(subjects[:8]) + (f" and {len(subjects) - 8} more"
                                         if len(subjects) > 8 else "")
    head = (f"<p><b>Cohort of {len(cohort)} profiles</b> — "
            f"<code>{esc(cohort.model_id)}</code><br>{esc(listed)}</p>")
    parents: dict[str, str | None] = {}
    names: dict[str, str] = {}
    kinds: dict[str, str] = {}
    for profile in cohort:
        for result in profile:
            parents.setdefault(result.node_id, result.parent)
            names.setdefault(result.node_id, result.name)
            kinds.setdefault(result.node_id, result.kind)
    depth = depths(parents)
    columns = [("left", "node"), ("right", "n"), ("right", "min"), ("right", "median"),
               ("right", "max"), ("right", "mean"), ("left", "spread (min, quartiles, max)"),
               ("left", "levels")]
    node_ids = cohort.node_ids
    body = [_TABLE, _head(columns)]
    for node_id in node_ids[:MAX_ROWS]:
        d = cohort.distribution(node_id)
        if (d.min is None or d.q1 is None or d.median is None or d.q3 is None
                or d.max is None):
            spread = '<span style="color:#6b7280">not assessed</span>'
        else:
            spread = box_svg(d.min, d.q1, d.median, d.q3, d.max, top)
        weight = "font-weight:600;" if kinds.get(node_id) != "item" else ""
        levels = ", ".join(f"L{lv}: {n}" for lv, n in d.levels.items())
        body.append("<tr>" + "".join([
            _cell(node_label(node_id, names.get(node_id, "")),
                  style=weight + indent(depth.get(node_id, 0))),
            _cell(str(d.count), align="right"), _cell(fmt_score(d.min), align="right"),
            _cell(fmt_score(d.median), align="right"), _cell(fmt_score(d.max), align="right"),
            _cell(fmt_score(d.mean), align="right"), _cell(spread),
            _cell(esc(levels), style="color:#374151")]) + "</tr>")
    body.append(_more(min(len(node_ids), MAX_ROWS), len(node_ids), len(columns)))
    body.append("</table>")
    return _box(head + "".join(body))


# --------------------------------------------------------------------------- plain reprs


def diff_repr(diff: ProfileDiff) -> str:
    """``ProfileDiff(model='m', 'a' → 'b', improved=3, regressed=1, ...)``: counts, not nodes."""
    counts = ", ".join(f"{s}={n}" for s, n in diff.summary.items())
    return (f"ProfileDiff(model={diff.model_id!r}, {diff.before_subject!r} → "
            f"{diff.after_subject!r}, {counts})")


def roadmap_repr(roadmap: Roadmap) -> str:
    """``Roadmap(model='m', subject='t', target='level 3 everywhere', practices=57, ...)``."""
    return (f"Roadmap(model={roadmap.model_id!r}, subject={roadmap.subject!r}, "
            f"target={str(roadmap.gap.target)!r}, practices={len(roadmap)}, "
            f"waves={len(roadmap.waves)}, pulled_in={len(roadmap.pulled_in)})")


def cohort_repr(cohort: Cohort) -> str:
    """``Cohort(model='m', profiles=40, subjects=('a', 'b', 'c', ...))``."""
    subjects = cohort.subjects
    shown = ", ".join(repr(s) for s in subjects[:3])
    more = ", ..." if len(subjects) > 3 else ("," if len(subjects) == 1 else "")
    return (f"Cohort(model={cohort.model_id!r}, profiles={len(cohort)}, "
            f"subjects=({shown}{more}))")
