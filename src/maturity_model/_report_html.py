"""The report as one self-contained HTML page (inline CSS and SVG, no script, no network)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Final

from maturity_model._escape import html_link
from maturity_model._escape import html_text as _e
from maturity_model._phrases import level_text as _level_text
from maturity_model._phrases import overall_sentence
from maturity_model._report_content import (
    Content,
    answer_text,
    blocked_headers,
    content,
    count_headers,
    diff_summary,
    evidence_headers,
    evidence_practices,
    evidence_sentence,
    evidence_table_sentence,
    gap_sentence,
    record_details,
    roadmap_sentence,
    status_word,
    violation_headers,
    violations_sentence,
)
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
:root { --ink: #1d2733; --muted: #5b6775; --line: #d5dbe3; --accent: #1f5fa8;
  --fonts: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans CJK SC",
    "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei",
    "WenQuanYi Micro Hei", "Noto Sans SC", sans-serif; }
* { box-sizing: border-box; }
body { font: 14px/1.45 var(--fonts);
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
figure { margin: 0; max-width: 100%; }
svg { max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: .9em; }
svg text { font-family: var(--fonts); }
.pulled { color: var(--muted); font-style: italic; }
footer { margin-top: 2em; color: var(--muted); font-size: .85em; }
@media screen and (max-width: 700px) {
  /* On a phone a wide table scrolls sideways inside its own box; the page does not. */
  body { padding: 12px; }
  table { display: block; overflow-x: auto; }
  th { white-space: nowrap; }
}
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  /* A long table flows over pages, its header repeated; a heading stays with what follows. */
  h2, h3 { break-after: avoid; }
  figure, .overall { break-inside: avoid; }
  thead { display: table-header-group; }
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
    _ = c.words.gettext
    profile = c.profile
    depths = _depths(profile)
    top = profile.scale.top
    rows = []
    for result in (profile.overall, *profile.domains()):
        depth = max(depths.get(result.node_id, 0), 0)
        indent = min(depth, 8) * 1.2
        label = c.name(result.name, result.node_id)
        name = f'<span style="padding-left:{indent:.1f}em">{_e(label)}</span>'
        if result.kind == "model":
            name = f"<strong>{_e(label)}</strong>"
        rows.append((name, f"<code>{_e(result.node_id)}</code>",
                     f'<span class="nw">{_e(_level_text(profile, result.level, c.lang))}</span>',
                     f'<span class="nw">{_bar(result.score, top)}{_e(_score(result.score))}'
                     "</span>",
                     *_counts_cells(result.counts)))
    return _table((_("Domain"), _("Id"), _("Level"), _("Score"), *count_headers(c.words)),
                  rows, numeric=(4, 5, 6, 7, 8))


def _html_gap(c: Content) -> str:
    if c.gap is None or c.roadmap is None or c.target is None:
        return ""
    _ = c.words.gettext
    g, roadmap = c.gap, c.roadmap
    heading = _("Gap to the target ({target})").format(target=g.target.describe(c.lang))
    out = [f"<h2>{_e(heading)}</h2>",
           f"<p>{_e(gap_sentence(c.words, g))}</p>"]
    if g.closed:
        out.append(f"<p>{_e(_('Every item is at its target.'))}</p>")
    else:
        rows = [(f"{_e(c.name(e.name, e.node_id))}<br><code>{_e(e.node_id)}</code>",
                 _e(e.target), _e(_level_text(c.profile, e.level, c.lang)), _e(_score(e.score)),
                 _e(_score(e.gap)), _e(len(e.practices)))
                for e in g.item_entries()]
        out.append(_table((_("Item"), _("Target"), _("Level"), _("Score"), _("Gap"),
                           _("Unmet practices")), rows, numeric=(1, 3, 4, 5)))
    out.append(f"<h2>{_e(_('Roadmap'))}</h2><p>{_e(roadmap_sentence(c.words, roadmap))}</p>")
    for wave in roadmap.waves:
        rows = []
        for pid in wave.practices:
            step = roadmap.steps[pid]
            note = (f'<span class="pulled">{_e(_("pulled in"))}</span>' if step.pulled_in
                    else "")
            after = _e(", ".join(step.after))
            rows.append((f"<code>{_e(pid)}</code>", f"<code>{_e(step.item_id)}</code>",
                         _e(step.level), _e(c.text(step.text)), after, note))
        out.append(f"<h3>{_e(_('Wave {number}').format(number=wave.number))}</h3>")
        out.append(_table((_("Practice"), _("Item"), _("Level"), _("Requirement"),
                           _("After"), ""), rows, numeric=(2,)))
    return "".join(out)


def _html_diff(c: Content) -> str:
    if c.diff is None:
        return ""
    _ = c.words.gettext
    diff = c.diff
    who = (f"{_e(diff.before_subject or '?')} ({_e(diff.before_version or '?')}) → "
           f"{_e(diff.after_subject or '?')} ({_e(diff.after_version or '?')})")
    out = [f"<h2>{_e(_('What changed'))}</h2><p>{who}: {_e(diff_summary(c.words, diff))}.</p>"]
    changed = [d for d in diff if d.changed]
    if not changed:
        out.append(f"<p>{_e(_('No node changed.'))}</p>")
        return "".join(out)
    rows = []
    for d in changed:
        delta = "–" if d.delta_score is None else f"{d.delta_score:+.2f}"
        rows.append((f"{_e(c.name(d.name, d.node_id))}<br><code>{_e(d.node_id)}</code>",
                     _e(d.kind),
                     f'<span class="{_e(d.status)}">{_e(status_word(c.words, d.status))}</span>',
                     _e(_level_text(c.profile, d.before_level, c.lang)),
                     _e(_score(d.before_score)),
                     _e(_level_text(c.profile, d.after_level, c.lang)),
                     _e(_score(d.after_score)), _e(delta)))
    out.append(_table((_("Node"), _("Kind"), _("Status"), _("Level before"),
                       _("Score before"), _("Level after"), _("Score after"), _("Δ score")),
                      rows, numeric=(4, 6, 7)))
    return "".join(out)


def _html_violations(c: Content) -> str:
    violations = c.profile.violations
    if not violations:
        return ""
    _ = c.words.gettext
    rows = [(f"<code>{_e(v.practice)}</code>", f"<code>{_e(v.requirement)}</code>",
             _e(", ".join(v.unmet))) for v in violations]
    out = (f"<h2>{_e(_('Dependency violations'))}</h2>"
           f"<p>{_e(violations_sentence(c.words, len(violations)))}</p>"
           + _table(violation_headers(c.words), rows))
    blocked = c.profile.blocked
    if blocked:
        policy = _e(_("Policy {enforce} counts {count} of them as not met:")).format(
            enforce="<code>enforce</code>", count=len(blocked))
        out += (f"<p>{policy}</p>" + _table(blocked_headers(c.words), [
                    (f"<code>{_e(b.practice)}</code>", _e(", ".join(b.by))) for b in blocked]))
    return out


def _figures(c: Content) -> str:
    _ = c.words.gettext
    p = c.profile
    radar = _("Top-level domains, scored on the scale")
    if c.target is not None:
        radar += _(" (dashed: target)")
    if c.before is not None:
        radar += _(" (grey: before)")
    coverage = _("Coverage: share of each level's practices met, per capability item (%)")
    return (f'<h2>{_e(_("Charts"))}</h2><div class="charts">'
            f"<figure>{radar_svg(p, target=c.target, before=c.before, lang=c.lang)}"
            f"<figcaption>{_e(radar)}</figcaption></figure>"
            f"<figure>{heatmap_svg(p, lang=c.lang)}<figcaption>{_e(coverage)}</figcaption>"
            "</figure></div>")


def _html_history(history: History | None, subject: str) -> str:
    if history is None:
        return ""
    from maturity_model._report_history import history_html

    return history_html(history, subject)


def _html_evidence(c: Content) -> str:
    practices = evidence_practices(c.profile)
    if not practices:
        return ""
    t = c.words
    rows = [(f"<code>{_e(r.practice_id)}</code>", f"<code>{_e(r.item_id)}</code>",
             _e(answer_text(t, r)), _e(r.note).replace("\n", "<br>"),
             "<br>".join(html_link(e.title, e.link) + _e(record_details(e))
                         for e in r.evidence)) for r in practices]
    return (f"<h2>{_e(t.gettext('Evidence'))}</h2>"
            f"<p>{_e(evidence_table_sentence(t, len(rows)))}</p>"
            + _table(evidence_headers(t), rows))


def render_html(model: MaturityModel, profile: Profile, *, compare: Profile | None = None,
                target: Target | int | None = None, history: History | None = None,
                lang: str | None = None) -> str:
    """One self-contained HTML page reporting a profile.

    :param model: the model the profile was scored with (used for the roadmap).
    :param compare: an earlier profile of the same model: adds a "What changed" table
        (``compare(compare, profile)``) and its outline on the radar.
    :param target: a :class:`~maturity_model.target.Target` or one level for every node:
        adds the gap and the roadmap waves.
    :param history: a :class:`~maturity_model.History`: adds a "History" section for the
        profile's subject (its dated results, journey, chart and the nodes that fell).
    :param lang: a BCP 47 tag: the model's texts and the report's own words in that
        language, with fallback (``zh-Hans`` → ``zh`` → the model's language); the
        model's language when omitted.
    :raises IncompatibleProfilesError: the profiles are of another model.

    The page has no script and fetches nothing; its CSS and SVG charts are inline. Its
    font stack falls back to the system's CJK fonts, so Chinese names show.
    """
    c = content(model, profile, compare, target, lang or model.language)
    _ = c.words.gettext
    p = c.profile
    model_name = c.name(model.name, model.id)
    # Names are isolated from the words around them, so that a right-to-left model name
    # and subject keep their order ("model — subject") instead of merging into one run.
    heading = _e(_("Maturity report: {model}")).format(model=f"<bdi>{_e(model_name)}</bdi>")
    title = _("Maturity report: {model}").format(model=f"\u2068{model_name}\u2069")
    if p.subject:
        heading += f" — <bdi>{_e(p.subject)}</bdi>"
        title += f" — \u2068{p.subject}\u2069"
    version = (_(", version {version}").format(version=p.model_version)
               if p.model_version else "")
    meta = [_e(_("Model {name} ({id}{version})")).format(
        name=f"<strong>{_e(model_name)}</strong>", id=f"<code>{_e(model.id)}</code>",
        version=_e(version))]
    if p.subject:
        meta.append(_e(_("subject {subject}")).format(
            subject=f"<strong>{_e(p.subject)}</strong>"))
    if p.date is not None:
        meta.append(_e(_("assessed {date}").format(date=p.date.isoformat())))
    scale_rows = [(_e(level.value), _e(c.text(level.name)), _e(c.text(level.description)))
                  for level in p.scale]
    overall = _("Overall: {sentence}").format(sentence=overall_sentence(p, c.lang))
    body = [
        f"<h1>{heading}</h1>",
        f'<p class="meta">{_(", ").join(meta)}</p>',
        f'<p class="overall" id="overall">{_e(overall)}</p>',
        f'<p class="evidence">{_e(evidence_sentence(c.words, p.counts))}</p>',
        f"<h2>{_e(_('Domains'))}</h2>",
        _html_domains(c),
        _figures(c),
        _html_evidence(c),
        _html_violations(c),
        _html_gap(c),
        _html_diff(c),
        _html_history(history, p.subject),
        f"<h2>{_e(_('Scale'))}</h2>",
        _table((_("Level"), _("Name"), _("Description")), scale_rows, numeric=(0,)),
        f"<footer>{_e(_('Generated by maturity_model.'))}</footer>",
    ]
    return (f"<!DOCTYPE html>\n<html lang=\"{_e(c.lang or 'en')}\"><head>"
            "<meta charset=\"utf-8\">"
            # Defence in depth: even markup that slipped through could run or fetch nothing.
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "style-src 'unsafe-inline'; img-src data:\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>"
            + "\n".join(body) + "</body></html>\n")
