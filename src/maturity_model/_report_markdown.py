"""The report as Markdown: the tables of the HTML page, and the coverage as a table."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from maturity_model._escape import md_cell, md_code, md_link
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


def _md_evidence(c: Content) -> list[str]:
    practices = evidence_practices(c.profile)
    if not practices:
        return []
    t = c.words
    rows = [(md_code(r.practice_id), md_code(r.item_id), md_cell(answer_text(t, r)),
             md_cell(r.note), "; ".join(" ".join(filter(None, (
                 md_link(e.title, e.link), md_cell(record_details(e))))) for e in r.evidence))
            for r in practices]
    return [f"## {md_cell(t.gettext('Evidence'))}", "",
            md_cell(evidence_table_sentence(t, len(rows))), "",
            _md_table(evidence_headers(t), rows), ""]


def render_markdown(model: MaturityModel, profile: Profile, *,
                    compare: Profile | None = None,
                    target: Target | int | None = None,
                    history: History | None = None, lang: str | None = None) -> str:
    r"""The report of :func:`render_html` as Markdown tables (no charts but the coverage).

    ``history`` and ``lang`` are as for :func:`render_html`.

    Text from the model and the assessment is escaped (``|``, Markdown markup and HTML).

    >>> import maturity_model as mm
    >>> model = mm.MaturityModel(id="m", domains=[mm.Domain(id="a|b", items=[
    ...     mm.CapabilityItem(id="ci", practices=[mm.Practice(id="ci.1", level=1)])])])
    >>> text = render_markdown(model, mm.score(model, mm.Assessment(model="m")))
    >>> "| a\\|b |" in text
    True
    """
    c = content(model, profile, compare, target, lang or model.language)
    _ = c.words.gettext
    p = c.profile
    m = md_cell
    model_name = c.name(model.name, model.id)
    out = [f"# {m(_('Maturity report: {model}').format(model=model_name))}", ""]
    version = _(", version {version}").format(version=p.model_version) if (
        p.model_version) else ""
    out.append("- " + m(_("Model: {name} ({id}{version})")).format(
        name=m(model_name), id=md_code(model.id), version=m(version)))
    if p.subject:
        out.append("- " + m(_("Subject: {subject}")).format(subject=m(p.subject)))
    if p.date is not None:
        out.append("- " + m(_("Assessed: {date}").format(date=p.date.isoformat())))
    overall = _("Overall: {sentence}").format(sentence=overall_sentence(p, c.lang))
    out += ["", f"**{m(overall)}**", "", m(evidence_sentence(c.words, p.counts)), "",
            f"## {m(_('Domains'))}", ""]
    depths = _depths(p)
    rows = []
    for result in (p.overall, *p.domains()):
        depth = max(depths.get(result.node_id, 0), 0)
        prefix = "· " * min(depth, 8)
        rows.append((prefix + m(c.name(result.name, result.node_id)),
                     md_code(result.node_id), m(_level_text(p, result.level, c.lang)),
                     _score(result.score), *_counts_cells(result.counts)))
    out += [_md_table((_("Domain"), _("Id"), _("Level"), _("Score"),
                       *count_headers(c.words)), rows), ""]
    out += [f"## {m(_('Coverage'))}", "",
            m(_("Share of each level's practices met, per capability item (%).")), ""]
    levels = p.scale.values
    rows = []
    for result in p.item_results():
        cells = []
        for level in levels:
            value = result.coverage.get(level)
            cells.append("" if value is None else str(round(value * 100)))
        rows.append((m(c.name(result.name, result.node_id)),
                     m(_level_text(p, result.level, c.lang)), _score(result.score), *cells))
    out += [_md_table((_("Item"), _("Level"), _("Score"), *(f"L{v}" for v in levels)), rows),
            ""]
    out += _md_evidence(c)
    out += _md_violations(c)
    out += _md_gap(c)
    out += _md_diff(c)
    if history is not None:
        from maturity_model._report_history import history_markdown

        out += history_markdown(history, p.subject)
    return "\n".join(out).rstrip() + "\n"


def _md_violations(c: Content) -> list[str]:
    p, m, _ = c.profile, md_cell, c.words.gettext
    if not p.violations:
        return []
    rows = [(md_code(v.practice), md_code(v.requirement), m(", ".join(v.unmet)))
            for v in p.violations]
    out = [f"## {m(_('Dependency violations'))}", "",
           m(violations_sentence(c.words, len(rows))), "",
           _md_table(violation_headers(c.words), rows), ""]
    if p.blocked:
        out += [m(_("Policy {enforce} counts {count} of them as not met:")).format(
                    enforce="`enforce`", count=len(p.blocked)), "",
                _md_table(blocked_headers(c.words), [(md_code(b.practice), m(", ".join(b.by)))
                                                     for b in p.blocked]), ""]
    return out


def _md_gap(c: Content) -> list[str]:
    if c.gap is None or c.roadmap is None:
        return []
    p, m, _ = c.profile, md_cell, c.words.gettext
    g = c.gap
    target = g.target.describe(c.lang)
    out = [f"## {m(_('Gap to the target ({target})').format(target=target))}", "",
           m(gap_sentence(c.words, g)), ""]
    if g.closed:
        out += [m(_("Every item is at its target.")), ""]
    else:
        rows = [(m(c.name(e.name, e.node_id)), str(e.target),
                 m(_level_text(p, e.level, c.lang)), _score(e.score), _score(e.gap),
                 str(len(e.practices))) for e in g.item_entries()]
        out += [_md_table((_("Item"), _("Target"), _("Level"), _("Score"), _("Gap"),
                           _("Unmet practices")), rows), ""]
    roadmap = c.roadmap
    out += [f"## {m(_('Roadmap'))}", "", m(roadmap_sentence(c.words, roadmap)), ""]
    for wave in roadmap.waves:
        rows = []
        for pid in wave.practices:
            step = roadmap.steps[pid]
            rows.append((md_code(pid), md_code(step.item_id), str(step.level),
                         m(c.text(step.text)), m(", ".join(step.after)),
                         m(_("pulled in")) if step.pulled_in else ""))
        out += [f"### {m(_('Wave {number}').format(number=wave.number))}", "",
                _md_table((_("Practice"), _("Item"), _("Level"), _("Requirement"),
                           _("After"), _("Note")), rows), ""]
    return out


def _md_diff(c: Content) -> list[str]:
    if c.diff is None:
        return []
    p, m, _ = c.profile, md_cell, c.words.gettext
    diff = c.diff
    out = [f"## {m(_('What changed'))}", "",
           f"{m(diff.before_subject or '?')} → {m(diff.after_subject or '?')}: "
           f"{m(diff_summary(c.words, diff))}.", ""]
    changed = [d for d in diff if d.changed]
    if not changed:
        return [*out, m(_("No node changed.")), ""]
    rows = [(m(c.name(d.name, d.node_id)), md_code(d.node_id),
             m(status_word(c.words, d.status)),
             m(_level_text(p, d.before_level, c.lang)), _score(d.before_score),
             m(_level_text(p, d.after_level, c.lang)), _score(d.after_score),
             "–" if d.delta_score is None else f"{d.delta_score:+.2f}")
            for d in changed]
    return [*out, _md_table((_("Node"), _("Id"), _("Status"), _("Level before"),
                             _("Score before"), _("Level after"), _("Score after"),
                             _("Δ score")), rows), ""]
