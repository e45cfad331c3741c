"""Carry an assessment from one model version to another: :func:`migrate`.

The answers follow the pairing of :func:`maturity_model.versions.diff_models`, or a
person's :class:`MigrationMapping` (read with :func:`load_mapping`; the file format is
described in :doc:`/howto/model-versions`). :func:`migrate` and :class:`Migration` are
also exported by the package.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final, Literal

import attrs

from maturity_model._display_registry import frame
from maturity_model._migration_mapping import MigrationMapping, load_mapping
from maturity_model._versions_changes import ChangeKind, describe
from maturity_model._versions_match import similarity
from maturity_model.errors import Problem, ValidationError, shown
from maturity_model.evidence import Assessment, RawAnswer, answer_path, check_assessment
from maturity_model.model import MaturityModel, Practice
from maturity_model.versions import ModelDiff, diff_models

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "MIGRATION_STATUSES",
    "Migration",
    "MigrationEntry",
    "MigrationMapping",
    "MigrationReport",
    "MigrationStatus",
    "load_mapping",
    "migrate",
]

MigrationStatus = Literal["carried", "review", "dropped", "new"]

#: Every status, in the order :meth:`MigrationReport.summary` lists them.
MIGRATION_STATUSES: Final[tuple[MigrationStatus, ...]] = ("carried", "review", "dropped",
                                                          "new")

#: The columns of :meth:`MigrationReport.to_records`.
RECORD_COLUMNS: Final = ("status", "old_id", "new_id", "old_answer", "new_answer",
                         "reasons", "detail")

#: Below this text similarity a reworded practice is flagged for review.
REWORD_THRESHOLD: Final = 0.8



def _strings(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


def _entries(values: Iterable[MigrationEntry]) -> tuple[MigrationEntry, ...]:
    return tuple(values)


@attrs.frozen(kw_only=True)
class MigrationEntry:
    """What happened to one practice's answer.

    :param status: ``"carried"`` (same answer, same meaning: the practice is the same, or
        only renamed or moved), ``"review"`` (carried or not, but a person should look:
        re-levelled, reworded past the threshold, answer set changed, the carried answer
        is not valid in the new model), ``"dropped"`` (the practice is gone; the answer
        is only here) or ``"new"`` (a practice only the new model has: unknown).
    :param old_id: the practice in the old model (``None`` for ``new``).
    :param new_id: the practice in the new model (``None`` for ``dropped``).
    :param old_answer: the answer as the assessment wrote it (``None``: unanswered).
    :param new_answer: the answer written into the migrated assessment (``None``: none).
    :param reasons: the model changes and decisions behind the status (``relevelled``,
        ``answer-set``, ``reworded``, ``mapping``, ``value-map``, ``removed``,
        ``unknown-practice``, ``invalid-answer``, ``conflict``).
    :param detail: the same in words.
    """

    status: MigrationStatus
    old_id: str | None
    new_id: str | None
    old_answer: RawAnswer = None
    new_answer: RawAnswer = None
    reasons: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    detail: str = ""

    def to_record(self) -> dict[str, Any]:
        """The entry as a plain dict; ``reasons`` joined with spaces."""
        return {"status": self.status, "old_id": self.old_id, "new_id": self.new_id,
                "old_answer": self.old_answer, "new_answer": self.new_answer,
                "reasons": " ".join(self.reasons), "detail": self.detail}


@attrs.frozen(kw_only=True)
class MigrationReport:
    """Every practice of a migration: old practices in order, then the new ones.

    ``entries`` is a tuple of :class:`MigrationEntry`; iterating yields them.
    """

    subject: str = ""
    old_model: str = ""
    old_version: str = ""
    new_model: str = ""
    new_version: str = ""
    entries: tuple[MigrationEntry, ...] = attrs.field(default=(), converter=_entries)

    def __iter__(self) -> Iterator[MigrationEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def summary(self) -> Mapping[MigrationStatus, int]:
        """How many entries have each status (every status present, zeros included)."""
        counts = dict.fromkeys(MIGRATION_STATUSES, 0)
        for entry in self.entries:
            counts[entry.status] += 1
        return MappingProxyType(counts)

    def with_status(self, *statuses: MigrationStatus) -> tuple[MigrationEntry, ...]:
        """The entries with any of these statuses, in order."""
        return tuple(e for e in self.entries if e.status in statuses)

    def explain(self) -> str:
        """The counts, then every entry that is not plainly carried or new."""
        counts = ", ".join(f"{n} {s}" for s, n in self.summary().items())
        who = f" ({self.subject})" if self.subject else ""
        lines = [f"{self.old_model} {self.old_version or '?'} → {self.new_model} "
                 f"{self.new_version or '?'}{who}: {counts}"]
        for e in self.with_status("review", "dropped"):
            ids = e.old_id if e.old_id == e.new_id else f"{e.old_id or '-'} → {e.new_id or '-'}"
            lines.append(f"  {e.status} {ids}: "
                         f"{shown(e.old_answer)} → {shown(e.new_answer)} ({e.detail})")
        return "\n".join(lines)

    def to_records(self) -> list[dict[str, Any]]:
        """One plain dict per entry (keys: :data:`RECORD_COLUMNS`)."""
        return [e.to_record() for e in self.entries]

    def to_frame(self) -> pd.DataFrame:
        """:meth:`to_records` as a pandas DataFrame.

        :raises maturity_model.errors.MissingExtraError: pandas is not installed.
        """
        return frame(self.to_records(), RECORD_COLUMNS)


@attrs.frozen(kw_only=True)
class Migration:
    """An assessment carried to a new model version, and what happened on the way.

    :param assessment: the migrated assessment, valid against the new model.
    :param report: the :class:`MigrationReport`, one entry per practice.
    :param diff: the :class:`~maturity_model.versions.ModelDiff` the migration followed.
    """

    assessment: Assessment
    report: MigrationReport
    diff: ModelDiff


def _as_mapping(mapping: MigrationMapping | Mapping[str, str | None] | str
                | os.PathLike[str] | None) -> MigrationMapping:
    if mapping is None:
        return MigrationMapping()
    if isinstance(mapping, MigrationMapping):
        return mapping
    if isinstance(mapping, str | os.PathLike):
        return load_mapping(mapping)
    return MigrationMapping(practices=mapping)


def _check_mapping(mapping: MigrationMapping, old: MaturityModel,
                   new: MaturityModel) -> None:
    problems = []
    for old_id, new_id in mapping.practices.items():
        path = f"$.practices[{shown(old_id)}]"
        if old_id not in old._index.practices:
            problems.append(Problem.of("unresolved-reference", path,
                                       f"model {shown(old.id)} {shown(old.version)} has no "
                                       f"practice {shown(old_id)}"))
        if new_id is not None and new_id not in new._index.practices:
            problems.append(Problem.of("unresolved-reference", path,
                                       f"model {shown(new.id)} {shown(new.version)} has no "
                                       f"practice {shown(new_id)}"))
    if problems:
        raise ValidationError(problems)


def _options(model: MaturityModel, practice: Practice) -> tuple[tuple[str, float], ...]:
    if practice.answer_set is None:
        return ()
    try:
        return tuple((o.label, o.value) for o in model.answer_set(practice.answer_set).options)
    except KeyError:
        return ()


def _label_value(model: MaturityModel, practice: Practice, answer: RawAnswer) -> float | None:
    if not isinstance(answer, str) or practice.answer_set is None:
        return None
    try:
        return model.answer_set(practice.answer_set).value_of(answer)
    except KeyError:
        return None


def _by_value(model: MaturityModel, practice: Practice, answer: str,
              value: float) -> RawAnswer:
    """The new practice's label with ``value`` (the same label first); else the value."""
    if practice.answer_set is not None:
        try:
            options = model.answer_set(practice.answer_set).options
        except KeyError:
            options = ()
        same = [o for o in options if math.isclose(o.value, value, abs_tol=1e-12)]
        for option in same:
            if option.label.casefold() == answer.casefold():
                return option.label
        if same:
            return same[0].label
    return value


class _Carry:
    """Works out one migration; :func:`migrate` reads ``entries`` and ``answers``."""

    def __init__(self, assessment: Assessment, old: MaturityModel, new: MaturityModel,
                 mapping: MigrationMapping, diff: ModelDiff, threshold: float) -> None:
        self.old, self.new, self.mapping, self.threshold = old, new, mapping, threshold
        self.pairs: dict[str, str | None] = dict(diff.practices)
        self.pairs.update(mapping.practices)
        self.entries: list[MigrationEntry] = []
        self.answers: dict[str, RawAnswer] = {}
        self.targets: set[str] = set()
        self.assessment = assessment

    def reasons(self, old_p: Practice, new_p: Practice) -> tuple[list[str], list[str]]:
        """What a person should check about an answer moving from ``old_p`` to ``new_p``.

        Compared directly (not read from the diff), so a pair the mapping made is checked
        the same way as one the diff made.
        """
        found: list[tuple[ChangeKind, Any, Any]] = []
        if old_p.level != new_p.level:
            found.append(("relevelled", old_p.level, new_p.level))
        if similarity(old_p.text, new_p.text) < self.threshold and old_p.text != new_p.text:
            found.append(("reworded", old_p.text, new_p.text))
        old_set = (old_p.answer_set, _options(self.old, old_p))
        new_set = (new_p.answer_set, _options(self.new, new_p))
        if old_set[1] != new_set[1] or (old_p.answer_set is None) != (new_p.answer_set is None):
            found.append(("answer-set", old_set, new_set))
        if old_p.metric != new_p.metric:
            found.append(("metric", repr(old_p.metric), repr(new_p.metric)))
        return ([kind for kind, _, _ in found],
                [describe(kind, "practice", a, b) for kind, a, b in found])

    def one(self, practice: Practice) -> None:
        raw = self.assessment.answers.get(practice.id)
        target = self.pairs.get(practice.id)
        mapped = practice.id in self.mapping.practices
        if target is None:
            why = "mapping" if mapped else "removed"
            self.entries.append(MigrationEntry(
                status="dropped", old_id=practice.id, new_id=None, old_answer=raw,
                reasons=(why,), detail="dropped by the mapping" if mapped else
                f"not in {self.new.id} {self.new.version}"))
            return
        if target in self.targets:
            self.entries.append(MigrationEntry(
                status="review", old_id=practice.id, new_id=target, old_answer=raw,
                reasons=("mapping", "conflict") if mapped else ("conflict",),
                detail=f"{target} already takes another practice's answer"))
            return
        self.targets.add(target)
        new_practice = self.new.practice(target)
        reasons, notes = self.reasons(practice, new_practice)
        if "answer-set" in reasons and not isinstance(raw, str):
            # true, false and numbers mean the same whatever labels a practice offers.
            at = reasons.index("answer-set")
            del reasons[at], notes[at]
        if mapped:
            reasons.append("mapping")
        answer = raw
        if raw is not None:
            answer, note = self.value(practice, new_practice, raw, reasons)
            if note:
                notes.append(note)
        if answer is not None:
            self.answers[target] = answer
        status: MigrationStatus = "review" if raw is not None and any(
            r not in ("mapping", "value-map") for r in reasons) else "carried"
        self.entries.append(MigrationEntry(
            status=status, old_id=practice.id, new_id=target, old_answer=raw,
            new_answer=answer, reasons=reasons, detail="; ".join(notes)))

    def value(self, old_p: Practice, new_p: Practice, raw: RawAnswer,
              reasons: list[str]) -> tuple[RawAnswer, str]:
        given = self.mapping.value_for(old_p.id, raw)
        if given is not None:
            # The person decided what the answer means now: the set's change is settled.
            if "answer-set" in reasons:
                reasons.remove("answer-set")
            reasons.append("value-map")
            return given, f"{shown(raw)} → {shown(given)} by the mapping"
        value = _label_value(self.old, old_p, raw)
        if value is None or not isinstance(raw, str):
            return raw, ""
        moved = _by_value(self.new, new_p, raw, value)
        if moved == raw:
            return raw, ""
        if "answer-set" not in reasons:
            reasons.append("answer-set")
        return moved, f"{shown(raw)} = {value:g} → {shown(moved)} (by value)"

    def validate(self) -> None:
        """Take out carried answers the new model rejects; flag their entries."""
        trial = attrs.evolve(self.assessment, model=self.new.id,
                             model_version=self.new.version, answers=self.answers)
        _, problems = check_assessment(self.new, trial)
        bad = {p.path: p for p in problems if p.severity == "error"}
        if not bad:
            return
        for i, entry in enumerate(self.entries):
            if entry.new_id is None or entry.new_answer is None:
                continue
            problem = bad.get(answer_path(entry.new_id))
            if problem is None:
                continue
            del self.answers[entry.new_id]
            self.entries[i] = attrs.evolve(
                entry, status="review", new_answer=None,
                reasons=(*entry.reasons, "invalid-answer"),
                detail="; ".join(x for x in (entry.detail, problem.message) if x))


def migrate(assessment: Assessment, old: MaturityModel, new: MaturityModel, *,
            mapping: MigrationMapping | Mapping[str, str | None] | str | os.PathLike[str]
            | None = None, reword_threshold: float = REWORD_THRESHOLD) -> Migration:
    """Carry ``assessment`` (made against ``old``) to ``new``.

    Each answered practice goes to the practice :func:`~maturity_model.versions.diff_models`
    paired it with (or the ``mapping`` names). An answer is carried as written when the
    practice's answer options are unchanged; a label of a changed answer set moves to the
    new label with the same value, or is written as that value when no label has it, and
    is flagged ``review`` either way: nothing is re-valued silently. Re-levelled practices,
    changed metric criteria and texts reworded below ``reword_threshold`` similarity are
    flagged ``review`` too. Practices of ``old`` that ``new`` lacks are ``dropped`` (their
    answers stay in the report); practices only ``new`` has are ``new`` and unknown.

    :param mapping: a :class:`MigrationMapping`, a dict old id → new id (``None``: drop),
        or the path of a mapping file (YAML, JSON, TOML or CSV); it overrides the diff.
    :raises ValidationError: the mapping names practices the models do not have.

    >>> import maturity_model as mm
    >>> old = mm.MaturityModel(id="m", version="1", domains=[mm.Domain(id="d", items=[
    ...     mm.CapabilityItem(id="ci", practices=[
    ...         mm.Practice(id="ci.1", level=1), mm.Practice(id="ci.2", level=2),
    ...         mm.Practice(id="ci.9", level=2)])])])
    >>> new = mm.MaturityModel(id="m", version="2", domains=[mm.Domain(id="d", items=[
    ...     mm.CapabilityItem(id="ci", practices=[
    ...         mm.Practice(id="build.1", key="k1", replaces=["ci.1"], level=1),
    ...         mm.Practice(id="ci.2", level=1), mm.Practice(id="ci.3", level=2)])])])
    >>> team = mm.Assessment(model="m", model_version="1", subject="payments",
    ...                      answers={"ci.1": True, "ci.2": 0.5, "ci.9": True})
    >>> moved = migrate(team, old, new)
    >>> dict(moved.assessment.answers), moved.assessment.model_version
    ({'build.1': True, 'ci.2': 0.5}, '2')
    >>> for e in moved.report.entries:
    ...     print(e.status, e.old_id, e.new_id, e.reasons)
    carried ci.1 build.1 ()
    review ci.2 ci.2 ('relevelled',)
    dropped ci.9 None ('removed',)
    new None ci.3 ()
    """
    the_mapping = _as_mapping(mapping)
    _check_mapping(the_mapping, old, new)
    diff = diff_models(old, new)
    carry = _Carry(assessment, old, new, the_mapping, diff, reword_threshold)
    for practice in old.practices():
        carry.one(practice)
    known = old._index.practices
    for practice_id, raw in assessment.answers.items():
        if practice_id not in known:
            carry.entries.append(MigrationEntry(
                status="dropped", old_id=practice_id, new_id=None, old_answer=raw,
                reasons=("unknown-practice",),
                detail=f"not a practice of {old.id} {old.version}"))
    for practice in new.practices():
        if practice.id not in carry.targets:
            carry.entries.append(MigrationEntry(status="new", old_id=None,
                                                new_id=practice.id,
                                                detail=f"new in {new.id} {new.version}"))
    carry.validate()
    order = {p.id: i for i, p in enumerate(new.practices())}
    answers = dict(sorted(carry.answers.items(), key=lambda kv: order[kv[0]]))
    migrated = attrs.evolve(assessment, model=new.id, model_version=new.version,
                            answers=answers)
    report = MigrationReport(subject=assessment.subject, old_model=old.id,
                             old_version=old.version, new_model=new.id,
                             new_version=new.version, entries=carry.entries)
    return Migration(assessment=migrated, report=report, diff=diff)
