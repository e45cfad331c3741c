"""What a report holds, whatever it is written in: the profile, a diff, a gap, a roadmap.

The HTML (:mod:`maturity_model._report_html`) and Markdown
(:mod:`maturity_model._report_markdown`) renderings read the same :class:`Content`.
"""

from __future__ import annotations

from typing import Final

import attrs

from maturity_model.comparison import ProfileDiff
from maturity_model.comparison import compare as compare_profiles
from maturity_model.errors import IncompatibleProfilesError
from maturity_model.evidence import EvidenceRecord
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


def as_target(target: Target | int | None) -> Target | None:
    """A target from a :class:`Target` or one level for every node."""
    if target is None or isinstance(target, Target):
        return target
    if isinstance(target, bool) or not isinstance(target, int):
        raise TypeError(f"target must be a Target or an int level, not {target!r}")
    return Target.uniform(target)


def content(model: MaturityModel, profile: Profile, compare: Profile | None,
            target: Target | int | None) -> Content:
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
                   gap=the_gap, roadmap=roadmap)


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


def counts_cells(c: Counts) -> tuple[str, ...]:
    """The answer counts as table cells, in the order of :data:`COUNT_HEADERS`."""
    return (str(c.met), str(c.partial), str(c.not_met), str(c.na), str(c.unknown))


COUNT_HEADERS: Final = ("Met", "Partial", "Not met", "N/A", "Unknown")


#: The columns of the dependency-violation table.
VIOLATION_HEADERS: Final = ("Practice", "Requires", "Not met")

#: The columns of the table of practices ``enforce`` counts as not met.
BLOCKED_HEADERS: Final = ("Practice", "Blocked by")

#: The columns of the evidence table.
EVIDENCE_HEADERS: Final = ("Practice", "Item", "Answer", "Note", "Evidence")

_GAP_WORDS: Final = {"missing": "evidence missing", "stale": "evidence too old"}


def evidence_practices(profile: Profile) -> tuple[PracticeResult, ...]:
    """The practices with a note, evidence, or an answer counted unknown for want of it."""
    return tuple(p for p in profile.practices.values()
                 if p.note or p.evidence or p.evidence_gap is not None)


def answer_text(practice: PracticeResult) -> str:
    """The practice's status, and why it counted as unknown when evidence was wanting.

    >>> answer_text(PracticeResult(practice_id="p", item_id="i", level=1, status="unknown",
    ...                            value=0.0, evidence_gap="stale"))
    'unknown (evidence too old)'
    """
    if practice.evidence_gap is None:
        return practice.status
    return f"{practice.status} ({_GAP_WORDS[practice.evidence_gap]})"


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


def evidence_sentence(count: int) -> str:
    """The line above the evidence table.

    >>> evidence_sentence(1)
    '1 practice with a note or evidence, or counted as unknown for want of evidence.'
    """
    return (f"{count} practice{'s' if count != 1 else ''} with a note or evidence, or "
            "counted as unknown for want of evidence.")
