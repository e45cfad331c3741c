"""What a report holds, whatever it is written in: the profile, a diff, a gap, a roadmap.

The HTML (:mod:`maturity_model._report_html`) and Markdown
(:mod:`maturity_model._report_markdown`) renderings read the same :class:`Content`.
"""

from __future__ import annotations

import re
import unicodedata
from gettext import NullTranslations
from typing import Final

import attrs

from maturity_model._escape import html_text
from maturity_model._messages import translator
from maturity_model.comparison import ProfileDiff
from maturity_model.comparison import compare as compare_profiles
from maturity_model.errors import IncompatibleProfilesError
from maturity_model.evidence import EvidenceRecord
from maturity_model.languages import in_language
from maturity_model.model import MaturityModel
from maturity_model.planning import Gap, Roadmap, plan
from maturity_model.planning import gap as compute_gap
from maturity_model.profile import Counts, PracticeResult, Profile, Result
from maturity_model.target import Target


@attrs.frozen(kw_only=True)
class Content:
    """Everything one report shows."""

    model: MaturityModel
    profile: Profile
    before: Profile | None
    diff: ProfileDiff | None
    target: Target | None
    gap: Gap | None
    roadmap: Roadmap | None
    #: the BCP 47 tag the report is written in (``None``: the model's default texts and
    #: English words).
    lang: str | None = None

    @property
    def words(self) -> NullTranslations:
        """The library's words in the report's language (a gettext translator)."""
        return translator(self.lang)

    def text(self, text: str) -> str:
        """A model text (a name, a practice text) in the report's language."""
        return in_language(text, self.lang)

    def name(self, name: str, node_id: str) -> str:
        """A node's name in the report's language, or its id when it has none."""
        return in_language(name, self.lang) or node_id


def as_target(target: Target | int | None) -> Target | None:
    """A target from a :class:`Target` or one level for every node."""
    if target is None or isinstance(target, Target):
        return target
    if isinstance(target, bool) or not isinstance(target, int):
        raise TypeError(f"target must be a Target or an int level, not {target!r}")
    return Target.uniform(target)


def content(model: MaturityModel, profile: Profile, compare: Profile | None,
            target: Target | int | None, lang: str | None = None) -> Content:
    """The content of a report; the diff is ``compare(compare, profile)``.

    :raises IncompatibleProfilesError: the profile is of another model.
    """
    if profile.model_id != model.id:
        raise IncompatibleProfilesError(
            f"the profile is of model {profile.model_id!r}, not {model.id!r}")
    wanted = as_target(target)
    diff = None if compare is None else compare_profiles(compare, profile)
    roadmap = None if wanted is None else plan(model, profile, wanted)
    the_gap = None if roadmap is None else roadmap.gap
    if wanted is not None and the_gap is None:  # pragma: no cover - plan always has a gap
        the_gap = compute_gap(profile, wanted)
    return Content(model=model, profile=profile, before=compare, diff=diff, target=wanted,
                   gap=the_gap, roadmap=roadmap, lang=lang)


def score_text(score: float | None) -> str:
    """A score with two decimals; a dash when not assessed."""
    return "–" if score is None else f"{score:.2f}"


def depths(profile: Profile) -> dict[str, int]:
    """Depth of every node below the root (top-level domains: 0, the root: -1)."""
    from maturity_model._html import depths as tree_depths

    return {node_id: depth - 1 for node_id, depth in tree_depths(
        {r.node_id: r.parent for r in profile.results.values()}).items()}


def top_domains(profile: Profile) -> tuple[Result, ...]:
    """The results of the model's top-level nodes."""
    return tuple(r for r in profile.results.values() if r.parent == profile.model_id)


def truncate(text: str, limit: int) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def html_cell_text(text: str) -> str:
    """Text for an HTML table cell, escaped; a date is kept on one line.

    Browsers break ``2024-01-15`` at its hyphens in a narrow column.

    >>> html_cell_text("2024-01-15"), html_cell_text("<b>")
    ('<span class="nw">2024-01-15</span>', '&lt;b&gt;')
    """
    if _ISO_DATE.fullmatch(text):
        return f'<span class="nw">{text}</span>'
    return html_text(text)


_ISO_DATE: Final = re.compile(r"\d{4}-\d{2}-\d{2}")


def text_width(text: str, size: float) -> float:
    """About how many pixels ``text`` takes at font ``size`` in a sans-serif face.

    Wide (CJK) characters take an em, others 0.62 em: enough room for the widest common
    Latin fonts, so that an SVG sized from it does not cut its labels.

    >>> text_width("abcd", 10), text_width("配置", 10)
    (24.8, 20.0)
    """
    return sum(size * (1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.62)
               for ch in text)


def counts_cells(c: Counts) -> tuple[str, ...]:
    """The answer counts as table cells, in the order of :func:`count_headers`."""
    return (str(c.met), str(c.partial), str(c.not_met), str(c.na), str(c.unknown))


def count_headers(t: NullTranslations) -> tuple[str, ...]:
    """The headers of the answer-count columns."""
    return (t.gettext("Met"), t.gettext("Partial"), t.gettext("Not met"), t.gettext("N/A"),
            t.gettext("Unknown"))


def violation_headers(t: NullTranslations) -> tuple[str, ...]:
    """The columns of the dependency-violation table."""
    return (t.gettext("Practice"), t.gettext("Requires"), t.gettext("Not met"))


def blocked_headers(t: NullTranslations) -> tuple[str, ...]:
    """The columns of the table of practices ``enforce`` counts as not met."""
    return (t.gettext("Practice"), t.gettext("Blocked by"))


def evidence_sentence(t: NullTranslations, c: Counts) -> str:
    """How much of the profile rests on evidence, in one sentence."""
    return t.gettext("{evidenced} of {total} practices answered with evidence ({met} met, "
                     "{partial} partial, {not_met} not met); {na} N/A, {unknown} unknown."
                     ).format(evidenced=c.evidenced, total=c.total, met=c.met,
                              partial=c.partial, not_met=c.not_met, na=c.na,
                              unknown=c.unknown)


def violations_sentence(t: NullTranslations, count: int) -> str:
    """The sentence above the violation table."""
    return t.ngettext("{count} practice has credit while a prerequisite is not met.",
                      "{count} practices have credit while a prerequisite is not met.",
                      count).format(count=count)


def gap_sentence(t: NullTranslations, g: Gap) -> str:
    """The sentence under the gap heading."""
    return t.gettext("{percent} % to target; {items} items below target, {practices} "
                     "practices unmet.").format(percent=f"{g.percent_to_target:.0f}",
                                                items=len(g.item_entries()),
                                                practices=len(g.practices))


def roadmap_sentence(t: NullTranslations, roadmap: Roadmap) -> str:
    """The sentence under the roadmap heading."""
    return t.gettext("{steps} practices in {waves} waves, {pulled} pulled in as "
                     "prerequisites.").format(steps=len(roadmap.steps),
                                              waves=len(roadmap.waves),
                                              pulled=len(roadmap.pulled_in))


def status_word(t: NullTranslations, status: str) -> str:
    """A comparison status (improved, regressed ...) in the report's language."""
    words = {"improved": t.gettext("improved"), "regressed": t.gettext("regressed"),
             "unchanged": t.gettext("unchanged"), "added": t.gettext("added"),
             "removed": t.gettext("removed")}
    return words.get(status, status)


def diff_summary(t: NullTranslations, diff: ProfileDiff) -> str:
    """``"3 improved, 1 regressed"``, or "no nodes"."""
    parts = [f"{n} {status_word(t, s)}" for s, n in diff.summary.items() if n]
    return t.gettext(", ").join(parts) or t.gettext("no nodes")


def evidence_headers(t: NullTranslations) -> tuple[str, ...]:
    """The columns of the evidence table."""
    return (t.gettext("Practice"), t.gettext("Item"), t.gettext("Answer"), t.gettext("Note"),
            t.gettext("Evidence"))


def evidence_practices(profile: Profile) -> tuple[PracticeResult, ...]:
    """The practices with a note, evidence, or an answer counted unknown for want of it."""
    return tuple(p for p in profile.practices.values()
                 if p.note or p.evidence or p.evidence_gap is not None)


def answer_text(t: NullTranslations, practice: PracticeResult) -> str:
    """The practice's status, and why it counted as unknown when evidence was wanting.

    >>> answer_text(NullTranslations(), PracticeResult(
    ...     practice_id="p", item_id="i", level=1, status="unknown", value=0.0,
    ...     evidence_gap="stale"))
    'unknown (evidence too old)'
    """
    if practice.evidence_gap is None:
        return practice.status
    words = {"missing": t.gettext("evidence missing"),
             "stale": t.gettext("evidence too old")}
    return f"{practice.status} ({words[practice.evidence_gap]})"


def record_details(record: EvidenceRecord) -> str:
    """What follows a record's link: its date and reviewer, in brackets, or ``""``.

    >>> import datetime
    >>> record_details(EvidenceRecord(title="t", path="p", date=datetime.date(2026, 1, 2),
    ...                               reviewer="ann"))
    ' (2026-01-02, ann)'
    """
    parts = [p for p in ("" if record.date is None else record.date.isoformat(),
                         record.reviewer or "") if p]
    return f" ({', '.join(parts)})" if parts else ""


def evidence_table_sentence(t: NullTranslations, count: int) -> str:
    """The line above the evidence table.

    >>> evidence_table_sentence(NullTranslations(), 1)
    '1 practice with a note or evidence, or counted as unknown for want of evidence.'
    """
    return t.ngettext(
        "{count} practice with a note or evidence, or counted as unknown for want of evidence.",
        "{count} practices with a note or evidence, or counted as unknown for want of "
        "evidence.", count).format(count=count)
