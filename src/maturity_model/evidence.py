"""Evidence about one subject: answers per practice and metric observations.

An :class:`Assessment` holds answers as they were written (``true``, ``0.5``, a label,
``"n/a"``); :func:`resolve_answers` turns them into :class:`Answer` values against a model:

========================  ==============  =========================================
written                   status          value
========================  ==============  =========================================
``true`` / ``1``          met             1
``false`` / ``0``         not-met         0
a number in (0, 1)        partial         the number
a label of the answer     by its value    the label's value (SAMM "Yes, for some" →
set                                       0.25)
``"n/a"``                 n/a             left out of every mean
missing or ``null``       unknown         0 (no evidence, no credit), counted apart
========================  ==============  =========================================

Strings ``"yes"`` / ``"no"`` (any case) mean met / not met unless the practice's answer
set has such a label, which wins. A practice with a ``metric`` criterion and no explicit
answer is judged from the observation of that metric; without an observation it is
unknown.

An answer may carry a note and :class:`EvidenceRecord` items (:attr:`Assessment.details`).
A practice with ``evidence: required`` whose answer has no evidence, or none recent
enough, resolves to unknown before any rule runs, with :attr:`Answer.evidence_gap` saying
why; an N/A answer and an answer judged from a metric observation need no evidence.
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final, Literal

import attrs

from maturity_model._answer_details import (
    AnswerDetail,
    EvidenceGap,
    EvidenceRecord,
    evidence_gap,
    evidence_problems,
    scoring_date,
)
from maturity_model._numbers import is_finite_number
from maturity_model.errors import AssessmentValidationError, Problem, shown
from maturity_model.ids import confusable_key
from maturity_model.model import MaturityModel, Practice

__all__ = [
    "ASSESSMENT_FORMAT",
    "Answer",
    "AnswerDetail",
    "AnswerStatus",
    "Assessment",
    "EvidenceGap",
    "EvidenceRecord",
    "RawAnswer",
    "evidence_problems",
    "resolve_answers",
]

ASSESSMENT_FORMAT: Final = "maturity-assessment/1"

RawAnswer = bool | int | float | str | None
AnswerStatus = Literal["met", "partial", "not-met", "n/a", "unknown"]

_NA_WORDS: Final = frozenset({"n/a", "na", "not applicable"})
_YES_WORDS: Final = frozenset({"yes", "true", "met"})
_NO_WORDS: Final = frozenset({"no", "false", "not met"})
_UNKNOWN_WORDS: Final = frozenset({"unknown", "?"})


def _answers_converter(answers: Mapping[str, RawAnswer] | None) -> Mapping[str, RawAnswer]:
    # Missing and null mean the same (unknown), so nulls are dropped: two assessments
    # that say the same thing compare equal and survive formats without null (TOML).
    return MappingProxyType({k: v for k, v in (answers or {}).items() if v is not None})


def _details_converter(details: Mapping[str, AnswerDetail] | None,
                       ) -> Mapping[str, AnswerDetail]:
    # An empty detail says nothing: dropped, as null answers are.
    return MappingProxyType({k: v for k, v in (details or {}).items() if v})


def _observations_converter(values: Mapping[str, float] | None) -> Mapping[str, float]:
    return MappingProxyType(dict(values or {}))


def tags_converter(tags: Mapping[str, str] | None) -> Mapping[str, str]:
    """Tags as a read-only mapping, sorted by key.

    The order tags were written in is no part of what they say: equal tags always write
    the same bytes.
    """
    if type(tags) is MappingProxyType:  # already converted (a copy of another's tags)
        return tags
    return MappingProxyType(dict(sorted((tags or {}).items())))


@attrs.frozen(kw_only=True)
class Assessment:
    """Evidence for one subject against one model version.

    :param model: the model id this assessment is for.
    :param model_version: the model version, checked when given.
    :param subject: the team, project or system assessed.
    :param date: when (ISO 8601 ``YYYY-MM-DD`` in files).
    :param tags: free labels of the subject, name → value (``{"org": "citic",
        "kind": "joint-stock-bank"}``); carried into the profile, never scored.
    :param answers: practice id → answer as written (see the module docs).
    :param observations: metric name → observed value.
    :param details: practice id → the note and evidence given with its answer (written
        in the file inside the answer: ``{value, note, evidence}``).

    >>> a = Assessment(model="caict-devops-cd", subject="payments",
    ...                answers={"cm.vc.vcs.2.1": True, "cm.vc.vcs.3.1": 0.5, "x": None})
    >>> dict(a.answers)
    {'cm.vc.vcs.2.1': True, 'cm.vc.vcs.3.1': 0.5}
    >>> dict(Assessment(model="m", tags={"org": "citic", "kind": "bank"}).tags)
    {'kind': 'bank', 'org': 'citic'}
    """

    model: str
    model_version: str | None = None
    subject: str = ""
    date: datetime.date | None = None
    tags: Mapping[str, str] = attrs.field(factory=dict, converter=tags_converter, hash=False)
    answers: Mapping[str, RawAnswer] = attrs.field(factory=dict, converter=_answers_converter,
                                                   hash=False)
    observations: Mapping[str, float] = attrs.field(
        factory=dict, converter=_observations_converter, hash=False)
    details: Mapping[str, AnswerDetail] = attrs.field(
        factory=dict, converter=_details_converter, hash=False)

    def with_answers(self, answers: Mapping[str, RawAnswer]) -> Assessment:
        """A copy with these answers added or replaced.

        >>> Assessment(model="m").with_answers({"p": True}).answers["p"]
        True
        """
        return attrs.evolve(self, answers={**self.answers, **answers})


@attrs.frozen(kw_only=True)
class Answer:
    """A resolved answer: its status and value, and where it came from.

    ``evidence_gap`` is set on an unknown answer that was given but did not count: the
    practice needs evidence and it was ``"missing"`` or ``"stale"``.

    >>> Answer.partial(0.5)
    Answer(status='partial', value=0.5, label=None, source='answer', evidence_gap=None)
    >>> Answer.na().value is None
    True
    """

    status: AnswerStatus
    value: float | None
    label: str | None = None
    source: Literal["answer", "metric", "none"] = "answer"
    evidence_gap: EvidenceGap | None = None

    @classmethod
    def met(cls) -> Answer:
        """Met: value 1."""
        return cls(status="met", value=1.0)

    @classmethod
    def not_met(cls) -> Answer:
        """Not met: value 0."""
        return cls(status="not-met", value=0.0)

    @classmethod
    def partial(cls, value: float, label: str | None = None) -> Answer:
        """A value in [0, 1]; 0 and 1 give not-met and met."""
        return cls(status=_status_of(value), value=float(value), label=label)

    @classmethod
    def na(cls) -> Answer:
        """Not applicable: left out of every mean."""
        return cls(status="n/a", value=None)

    @classmethod
    def unknown(cls) -> Answer:
        """No evidence: counts as not met (0), counted apart."""
        return cls(status="unknown", value=0.0, source="none")

    @property
    def applicable(self) -> bool:
        """False for N/A."""
        return self.status != "n/a"

    @property
    def evidenced(self) -> bool:
        """True for an answer other than N/A and unknown."""
        return self.status not in ("n/a", "unknown")


def _status_of(value: float) -> AnswerStatus:
    if value >= 1.0:
        return "met"
    if value <= 0.0:
        return "not-met"
    return "partial"


_UNKNOWN: Final = Answer.unknown()
_NA: Final = Answer.na()
_MET: Final = Answer.met()
_NOT_MET: Final = Answer.not_met()


def _resolve_one(model: MaturityModel, practice: Practice, raw: RawAnswer,
                 path: str) -> Answer | Problem:
    if isinstance(raw, bool):
        return Answer.met() if raw else Answer.not_met()
    if isinstance(raw, int | float):
        if not is_finite_number(raw) or not 0.0 <= raw <= 1.0:
            return Problem.of("invalid-value", path,
                              f"answer {shown(raw)} to {shown(practice.id)} is not in [0, 1]")
        return Answer.partial(float(raw))
    if isinstance(raw, str):
        if practice.answer_set is not None:
            try:
                answer_set = model.answer_set(practice.answer_set)
            except KeyError:
                answer_set = None
            if answer_set is not None:
                value = answer_set.value_of(raw)
                if value is not None:
                    return Answer.partial(value, label=raw)
        word = raw.strip().casefold()
        if word in _NA_WORDS:
            return _NA
        if word in _YES_WORDS:
            return Answer(status="met", value=1.0, label=raw)
        if word in _NO_WORDS:
            return Answer(status="not-met", value=0.0, label=raw)
        if word in _UNKNOWN_WORDS:
            return _UNKNOWN
        allowed = "true, false, a number in [0, 1], 'n/a'"
        if practice.answer_set is not None:
            try:
                labels = model.answer_set(practice.answer_set).labels
                allowed += " or one of " + ", ".join(repr(x) for x in labels)
            except KeyError:
                pass
        return Problem.of("invalid-value", path,
                          f"answer {shown(raw)} to {shown(practice.id)} is not an answer: "
                          f"use {allowed}")
    return Problem.of("invalid-value", path,
                      f"answer to {shown(practice.id)} has type {type(raw).__name__}")


def answer_path(practice_id: str) -> str:
    """The JSON path of an answer in an assessment document."""
    return f"$.answers[{shown(practice_id)}]"


# How many unknown practice ids of one assessment get a spelling suggestion: each one
# compares the id with every practice of the model.
_SUGGESTIONS: Final = 10
_NUMBERS: Final = re.compile(r"\d+")


def _look_alike(model: MaturityModel, practice_id: object, *, near: bool = False) -> str:
    """``"; did you mean 'x'?"`` when a practice id differs only in ways no one sees.

    With ``near``, also when it is a likely misspelling of one: a letter or two apart, with
    the same numbers (``build.ci.9`` is another practice than ``build.ci.1``, not a typo).
    """
    if not isinstance(practice_id, str):
        return ""
    suggestion = _invisibly_alike(model, practice_id)
    if suggestion or not near:
        return suggestion
    numbers = _NUMBERS.findall(practice_id)
    same_numbers = [known for known in model._index.practices
                    if _NUMBERS.findall(known) == numbers]
    found = difflib.get_close_matches(practice_id, same_numbers, n=1, cutoff=0.8)
    return f"; did you mean {shown(found[0])}?" if found else ""


def _invisibly_alike(model: MaturityModel, practice_id: str) -> str:
    index = model._index
    keys = index.confusable_keys
    if keys is None:
        found: dict[str, str] = {}
        for known in index.practices:
            found.setdefault(confusable_key(known), known)
        index.confusable_keys = keys = found
    match = keys.get(confusable_key(practice_id))
    if match is None:
        return ""
    return (f"; did you mean {shown(match)}? (the two differ only by case, Unicode "
            f"normalisation or invisible characters)")


def check_assessment(model: MaturityModel, assessment: Assessment, *, strict: bool = True,
                     as_of: datetime.date | None = None,
                     ) -> tuple[dict[str, Answer], tuple[Problem, ...]]:
    """Resolve every answer and collect every problem (errors and warnings) on the way.

    :param as_of: today, for evidence dates (the real date when ``None``).
    """
    problems: list[Problem] = []
    # An assessment of another model answers that model's practices: one problem says so,
    # instead of one per answer.
    other_model = assessment.model != model.id
    if other_model:
        problems.append(Problem.of(
            "model-mismatch", "$.model",
            f"the assessment is for model {shown(assessment.model)}, not {shown(model.id)}"))
    if assessment.model_version is not None and assessment.model_version != model.version:
        # migrating carries an assessment between versions of one model, not across models
        hint = ("; carry it over with 'maturity migrate OLD-MODEL NEW-MODEL ASSESSMENT' "
                "(mm.migrate in Python)" if assessment.model == model.id else "")
        problems.append(Problem.of(
            "model-mismatch", "$.model_version",
            f"the assessment is for version {shown(assessment.model_version)} of "
            f"{shown(assessment.model)}, not {shown(model.version)}{hint}"))
    for name, value in assessment.observations.items():
        if not is_finite_number(value):
            problems.append(Problem.of(
                "invalid-value", f"$.observations[{shown(name)}]",
                f"observation {shown(name)} must be a finite number, not {shown(value)}"))
    resolved: dict[str, Answer] = {}
    known = model._index.practices
    problems.extend(evidence_problems(
        assessment.details, as_of if as_of is not None else datetime.date.today()))
    for practice_id in assessment.details:
        if practice_id not in known and practice_id not in assessment.answers \
                and not other_model:
            problems.append(Problem(
                code="unknown-practice", severity="error" if strict else "warning",
                path=answer_path(practice_id),
                message=f"model {shown(model.id)} has no practice {shown(practice_id)} "
                        f"(the answer carries a note or evidence)"))
    unknown = 0
    for practice_id, raw in assessment.answers.items():
        if raw is True:
            if practice_id in known:
                resolved[practice_id] = _MET
                continue
        elif raw is False and practice_id in known:
            resolved[practice_id] = _NOT_MET
            continue
        path = answer_path(practice_id)
        practice = known.get(practice_id)
        if practice is None:
            unknown += 1
            if other_model:
                continue
            problems.append(Problem(
                code="unknown-practice", severity="error" if strict else "warning", path=path,
                message=f"model {shown(model.id)} has no practice {shown(practice_id)}"
                + _look_alike(model, practice_id, near=unknown <= _SUGGESTIONS)
                + ("" if strict else "; the answer is dropped")))
            continue
        result = _resolve_one(model, practice, raw, path)
        if isinstance(result, Problem):
            problems.append(result)
        else:
            resolved[practice_id] = result
    if other_model and unknown:
        problems.append(Problem(
            code="unknown-practice", severity="error" if strict else "warning",
            path="$.answers",
            message=f"{unknown} answer(s) name practices model {shown(model.id)} lacks, as "
                    f"an assessment of {shown(assessment.model)} would; score it against "
                    f"that model" + ("" if strict else " (the answers are dropped)")))
    answers: dict[str, Answer] = {}
    for practice in model.practices():
        answer = resolved.get(practice.id)
        if answer is None and practice.metric is not None:
            observed = assessment.observations.get(practice.metric.name)
            if observed is not None and is_finite_number(observed):
                met = practice.metric.is_met(float(observed))
                answer = Answer(status="met" if met else "not-met", value=1.0 if met else 0.0,
                                source="metric")
        answers[practice.id] = answer if answer is not None else _UNKNOWN
    _withhold_unproven(model, assessment, answers, as_of)
    return answers, tuple(problems)


def evidence_required(model: MaturityModel) -> tuple[Practice, ...]:
    """The practices of ``model`` marked ``evidence: required``, in document order."""
    index = model._index
    if index.evidence_required is None:
        index.evidence_required = tuple(
            p for p in index.practices.values() if p.evidence == "required")
    return index.evidence_required


def _withhold_unproven(model: MaturityModel, assessment: Assessment,
                       answers: dict[str, Answer], as_of: datetime.date | None) -> None:
    """Answers to practices that need evidence, without it, become unknown (in place)."""
    on: datetime.date | None = None
    for practice in evidence_required(model):
        answer = answers[practice.id]
        if answer.source != "answer" or not answer.evidenced:
            continue
        if on is None:
            on = scoring_date(assessment.date, as_of)
        gap = evidence_gap(assessment.details.get(practice.id),
                           practice.evidence_max_age_months, on)
        if gap is not None:
            answers[practice.id] = attrs.evolve(_UNKNOWN, evidence_gap=gap)


def resolve_answers(model: MaturityModel, assessment: Assessment, *, strict: bool = True,
                    as_of: datetime.date | None = None) -> dict[str, Answer]:
    """Every practice of ``model`` with its resolved :class:`Answer`, in document order.

    :param strict: when false, answers to practices the model lacks are dropped with a
        :class:`UserWarning` instead of being an error.
    :param as_of: the date that stands for today: evidence age is measured on the
        assessment's date, else on this one (the real date when ``None``), and evidence
        dated after it is an error.
    :raises AssessmentValidationError: listing every bad answer, unknown practice and
        model mismatch at once.

    >>> from maturity_model import CapabilityItem, Domain, MaturityModel, Practice
    >>> m = MaturityModel(id="m", domains=[Domain(id="d", items=[CapabilityItem(
    ...     id="i", practices=[Practice(id="p1", level=1), Practice(id="p2", level=1)])])])
    >>> answers = resolve_answers(m, Assessment(model="m", answers={"p1": "n/a"}))
    >>> [(k, a.status) for k, a in answers.items()]
    [('p1', 'n/a'), ('p2', 'unknown')]
    """
    answers, problems = check_assessment(model, assessment, strict=strict, as_of=as_of)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise AssessmentValidationError(errors)
    if problems:
        import warnings

        warnings.warn("; ".join(str(p) for p in problems), UserWarning, stacklevel=2)
    return answers
