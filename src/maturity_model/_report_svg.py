"""The report's inline SVG charts: a radar of the top-level domains, a coverage heat-map.

Hand-written SVG, no script and no external file; every text is escaped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from maturity_model._escape import html_text as _e
from maturity_model._report_content import score_text as _score
from maturity_model._report_content import top_domains as _top_domains
from maturity_model._report_content import truncate as _truncate
from maturity_model.languages import in_language

if TYPE_CHECKING:
    from maturity_model.profile import Profile
    from maturity_model.target import Target

__all__ = ["heatmap_svg", "radar_svg"]


def _f(value: float) -> str:
    return f"{value:.1f}"


def radar_svg(profile: Profile, *, target: Target | None = None,
              before: Profile | None = None, size: int = 420, lang: str | None = None) -> str:
    """An inline SVG radar of the top-level domains' scores on the scale.

    With ``target`` the target levels are drawn as a dashed outline, with ``before`` the
    earlier profile as a grey outline; ``lang`` (a BCP 47 tag) picks the language of the
    domain names.

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
        label = _truncate(in_language(result.name, lang) or result.node_id, 30)
        parts.append(f'<text x="{_f(lx)}" y="{_f(ly)}" font-size="11" '
                     f'text-anchor="{anchor}" fill="#1d2733"><title>{_e(result.node_id)}'
                     f'</title>{_e(label)}<tspan x="{_f(lx)}" dy="13" fill="#5b6775">'
                     f"{_e(_score(result.score))}</tspan></text>")
    def outline(values: Sequence[float | None]) -> str:
        # A domain that is not assessed has no point: it is left out, never drawn at 0.
        return " ".join(f"{_f(x)},{_f(y)}" for x, y in (
            point(i, v) for i, v in enumerate(values) if v is not None))

    if domains and target is not None:
        levels = [target.level_for(profile, r.node_id) for r in domains]
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
                row: int = 18, lang: str | None = None) -> str:
    """An inline SVG heat-map of the coverage of every capability item at every level.

    Each cell is ``m(L)``, the share of the level's practices met (blank where the level
    has no applicable practice); ``lang`` (a BCP 47 tag) picks the language of the names.

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
        label = _truncate(in_language(result.name, lang) or result.node_id, 44)
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
