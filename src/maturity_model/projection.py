"""Projecting a profile of one model through a crosswalk onto another model.

:func:`project` turns what a profile says about the practices of its model into an
*estimated* assessment of a target model, scores it, and keeps for every target practice
where its answer came from. The rule (DESIGN §2, "Projection through a crosswalk"):

- a mapping's ends stand for every practice under them (a practice for itself, an item or
  domain for all of its practices);
- ``equal`` and ``superset`` carry the source answer's value; ``subset`` and
  ``intersect`` carry at most ``partial_cap`` (default 0.5) of it; ``not_related`` carries
  nothing;
- several sources for one target practice take the minimum (the most restrictive);
  an unknown source counts 0 there, an N/A source is left out;
- a target practice no mapping speaks to stays unknown, never "no"; one whose every source
  is N/A is N/A, and one whose every source is unknown stays unknown.

So more source evidence never lowers a projected answer, and through an identity
crosswalk of ``equal`` mappings a profile projects onto itself.

>>> import maturity_model as mm
>>> model = mm.MaturityModel(id="m", scale=mm.LevelScale.of("Basic", "Good"), domains=[
...     mm.Domain(id="d", items=[mm.CapabilityItem(id="ci", practices=[
...         mm.Practice(id="ci.1", level=1), mm.Practice(id="ci.2", level=2)])])])
>>> target = mm.MaturityModel(id="t", scale=model.scale, domains=[
...     mm.Domain(id="e", items=[mm.CapabilityItem(id="build", practices=[
...         mm.Practice(id="b.1", level=1), mm.Practice(id="b.2", level=2)])])])
>>> cw = mm.Crosswalk(source_model="m", target_model="t", mappings=[
...     mm.Mapping("ci.1", "b.1", "equal"), mm.Mapping("ci.2", "b.1", "subset")])
>>> source = mm.score(model, mm.Assessment(model="m", answers={"ci.1": True, "ci.2": 1}))
>>> p = mm.project(source, cw, target)
>>> dict(p.assessment.answers), p.coverage["build"]
({'b.1': 0.5}, 0.5)
>>> p.practices["b.2"].rule
'unmapped'
"""

from __future__ import annotations

from collections.abc import Mapping as MappingABC
from types import MappingProxyType
from typing import Final, Literal

import attrs

from maturity_model.crosswalk import Crosswalk, Mapping, Relationship
from maturity_model.errors import CrosswalkValidationError, Problem, UnknownNodeError, shown
from maturity_model.evidence import AnswerStatus, Assessment, RawAnswer
from maturity_model.model import MaturityModel
from maturity_model.nodes import CapabilityItem, Domain
from maturity_model.profile import Profile
from maturity_model.scoring import score

__all__ = ["Contribution", "ProjectedPractice", "Projection", "ProjectionRule", "project"]

#: How a target practice's answer was found (see the module documentation).
ProjectionRule = Literal["unmapped", "n/a", "unknown", "carried", "capped", "minimum"]

_FULL: Final = frozenset({"equal", "superset"})
_CAPPED: Final = frozenset({"subset", "intersect"})


def _frozen(values: MappingABC[str, ProjectedPractice]) -> MappingABC[str, ProjectedPractice]:
    return MappingProxyType(dict(values))


@attrs.frozen(kw_only=True)
class Contribution:
    """What one source practice says about one target practice, through one mapping.

    :param source: the source practice.
    :param mapping: the mapping it came through (its ends may be items or domains).
    :param status: the source answer's status in the profile.
    :param value: the source answer's value (``None`` for N/A).
    :param carried: what it carries to the target (``None`` for N/A; an unknown source
        carries 0).
    """

    source: str
    mapping: Mapping
    status: AnswerStatus
    value: float | None
    carried: float | None


@attrs.frozen(kw_only=True)
class ProjectedPractice:
    """One target practice of a projection: its estimated answer and where it came from.

    :param practice_id: the target practice.
    :param answer: the estimated answer: a value in [0, 1], ``"n/a"``, or ``None`` for
        unknown.
    :param rule: which part of the rule decided it: ``unmapped``, ``n/a``, ``unknown``,
        ``carried`` (one full source), ``capped`` (one source carrying at most the cap)
        or ``minimum`` (several sources).
    :param sources: every contribution, in crosswalk order.
    """

    practice_id: str
    answer: float | str | None
    rule: ProjectionRule
    sources: tuple[Contribution, ...] = ()


@attrs.frozen(kw_only=True)
class Projection:
    """An estimated assessment and profile of a target model, with provenance.

    :param crosswalk: the crosswalk projected through.
    :param source: the source profile.
    :param model: the target model.
    :param partial_cap: the most a ``subset`` or ``intersect`` mapping carries.
    :param assessment: the estimated assessment of the target model.
    :param practices: target practice id → :class:`ProjectedPractice`, for every practice.
    :param profile: the target model scored on :attr:`assessment`.
    :param source_model: the source model, when it was given (explanations then name
        source practices by their text too).
    """

    crosswalk: Crosswalk
    source: Profile
    model: MaturityModel
    partial_cap: float
    assessment: Assessment
    practices: MappingABC[str, ProjectedPractice] = attrs.field(converter=_frozen, hash=False)
    profile: Profile
    source_model: MaturityModel | None = None

    @property
    def coverage(self) -> MappingABC[str, float | None]:
        """How much of each target node the source speaks to.

        Node id (and the model id, for the whole model) → the share of its practices that
        some mapping reaches (``rule`` other than ``unmapped``); ``None`` for a node
        without practices.
        """
        reached = {pid for pid, p in self.practices.items() if p.rule != "unmapped"}
        shares: dict[str, float | None] = {}
        for node_id in (self.model.id, *self.model.node_ids()):
            ids = _under(self.model, node_id)
            shares[node_id] = (sum(1 for pid in ids if pid in reached) / len(ids)
                               if ids else None)
        return MappingProxyType(shares)

    @property
    def unmapped(self) -> tuple[str, ...]:
        """The target practices no mapping reaches (they stay unknown), in model order."""
        return tuple(pid for pid, p in self.practices.items() if p.rule == "unmapped")

    def explain(self, node: str) -> str:
        """Why a target practice, item, domain or the model (by its id) got its estimate.

        :raises UnknownNodeError: the target model has no such node or practice.
        """
        if node in self.practices:
            return "\n".join(_practice_lines(self.practices[node], self.partial_cap,
                                             self.source_model))
        if node != self.model.id and node not in self.model:
            raise UnknownNodeError(node, "node or practice")
        result = self.profile[node]
        share = self.coverage[node]
        reach = "no practices" if share is None else f"{share:.0%} of its practices mapped"
        head = (f"{node}: not assessed" if result.score is None else
                f"{node}: level {result.level}, score {result.score:.2f}")
        lines = [f"{head} (projected from {self.source.model_id} "
                 f"{shown(self.source.subject)}; {reach})"]
        for pid in _under(self.model, node):
            lines += ["  " + line for line in _practice_lines(
                self.practices[pid], self.partial_cap, self.source_model)]
        return "\n".join(lines)

    def __repr__(self) -> str:
        share = self.coverage[self.model.id]
        return (f"Projection({self.crosswalk.source_model} -> {self.model.id}, "
                f"practices={len(self.practices)}, unmapped={len(self.unmapped)}, "
                f"coverage={share if share is None else round(share, 3)})")


def _shown_value(value: float | str | None) -> str:
    if value is None:
        return "unknown"
    return value if isinstance(value, str) else f"{value:g}"


def _named(practice_id: str, model: MaturityModel | None) -> str:
    if model is None or practice_id not in model._index.practices:
        return practice_id
    text = model.practice(practice_id).text
    return f"{practice_id} {shown(text)}" if text and text != practice_id else practice_id


def _practice_lines(practice: ProjectedPractice, cap: float,
                    source_model: MaturityModel | None) -> list[str]:
    why = {"unmapped": "no mapping reaches it; stays unknown",
           "n/a": "every source is N/A", "unknown": "every source is unknown",
           "carried": "equal/superset carry the source answer",
           "capped": f"subset/intersect carry at most {cap:g}",
           "minimum": "several sources: the minimum"}[practice.rule]
    lines = [f"{practice.practice_id}: {_shown_value(practice.answer)} ({why})"]
    for c in practice.sources:
        m = c.mapping
        strength = "" if m.strength is None else f", strength {m.strength}"
        via = "" if m.source == c.source else f" via {m.source}"
        lines.append(f"  <- {_named(c.source, source_model)}{via} ({m.relationship}"
                     f"{strength}): {c.status} "
                     f"{_shown_value(c.value)} carries {_shown_value(c.carried)}")
    return lines


def _under(model: MaturityModel, node_id: str) -> tuple[str, ...]:
    """Ids of the practices a node id stands for: itself, or every practice beneath it."""
    if node_id == model.id:
        return tuple(p.id for p in model.practices())
    index = model._index
    if node_id in index.practices:
        return (node_id,)
    node = index.nodes.get(node_id)
    if node is None:
        return ()
    ids: list[str] = []
    stack: list[Domain | CapabilityItem] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, CapabilityItem):
            ids.extend(p.id for p in current.practices)
        else:
            stack.extend(reversed(current.children))
    return tuple(ids)


def _source_practices(profile: Profile, source_model: MaturityModel | None,
                      node_id: str) -> tuple[str, ...]:
    if source_model is not None:
        return _under(source_model, node_id)
    if node_id in profile.practices:
        return (node_id,)
    return tuple(pid for pid, p in profile.practices.items() if p.item_id == node_id)


def _carry(relationship: Relationship, value: float, cap: float) -> float | None:
    if relationship in _FULL:
        return value
    if relationship in _CAPPED:
        return min(value, cap)
    return None


def _decide(practice_id: str, found: list[Contribution]) -> ProjectedPractice:
    if not found:
        return ProjectedPractice(practice_id=practice_id, answer=None, rule="unmapped")
    sources = tuple(found)
    applicable = [c for c in found if c.carried is not None]
    if not applicable:
        return ProjectedPractice(practice_id=practice_id, answer="n/a", rule="n/a",
                                 sources=sources)
    if all(c.status == "unknown" for c in applicable):
        return ProjectedPractice(practice_id=practice_id, answer=None, rule="unknown",
                                 sources=sources)
    value = min(c.carried for c in applicable if c.carried is not None)
    rule: ProjectionRule = "minimum" if len(found) > 1 else (
        "carried" if found[0].mapping.relationship in _FULL else "capped")
    return ProjectedPractice(practice_id=practice_id, answer=value, rule=rule,
                             sources=sources)


def _mismatches(profile: Profile, crosswalk: Crosswalk,
                target: MaturityModel) -> list[Problem]:
    problems: list[Problem] = []
    if profile.model_id != crosswalk.source_model:
        problems.append(Problem.of("model-mismatch", "$.source_model",
                                   f"the crosswalk starts from {shown(crosswalk.source_model)}"
                                   f", the profile is of {shown(profile.model_id)}"))
    elif crosswalk.source_version and profile.model_version and \
            crosswalk.source_version != profile.model_version:
        problems.append(Problem.of("model-mismatch", "$.source_version",
                                   f"the crosswalk starts from version "
                                   f"{shown(crosswalk.source_version)}, the profile is of "
                                   f"version {shown(profile.model_version)}"))
    if target.id != crosswalk.target_model:
        problems.append(Problem.of("model-mismatch", "$.target_model",
                                   f"the crosswalk leads to {shown(crosswalk.target_model)}, "
                                   f"the target model is {shown(target.id)}"))
    elif crosswalk.target_version and target.version and \
            crosswalk.target_version != target.version:
        problems.append(Problem.of("model-mismatch", "$.target_version",
                                   f"the crosswalk leads to version "
                                   f"{shown(crosswalk.target_version)}, the target model is "
                                   f"version {shown(target.version)}"))
    return problems


def project(profile: Profile, crosswalk: Crosswalk, target_model: MaturityModel, *,
            partial_cap: float = 0.5, min_strength: int | None = None,
            source_model: MaturityModel | None = None) -> Projection:
    """Estimate ``target_model``'s profile from ``profile`` through ``crosswalk``.

    The rule is in the module documentation. Mappings whose ends name nothing in the
    models are left out (:func:`maturity_model.crosswalk.check` reports them).

    :param partial_cap: the most a ``subset`` or ``intersect`` mapping carries, in [0, 1].
    :param min_strength: leave out mappings with a stated strength below this.
    :param source_model: the profile's model; needed only when mappings start from a
        domain (a practice or item end is found in the profile itself).
    :raises CrosswalkValidationError: the crosswalk joins other models than the profile's
        and ``target_model`` (``model-mismatch`` problems).
    :raises ValueError: ``partial_cap`` is outside [0, 1].

    >>> import maturity_model as mm
    >>> m = mm.MaturityModel(id="m", domains=[mm.Domain(id="d", items=[
    ...     mm.CapabilityItem(id="i", practices=[mm.Practice(id="p", level=1)])])])
    >>> cw = mm.Crosswalk(source_model="m", target_model="m",
    ...                   mappings=[mm.Mapping("p", "p", "intersect")])
    >>> mm.project(mm.score(m, mm.Assessment(model="m", answers={"p": True})), cw, m,
    ...            partial_cap=0.25).practices["p"].answer
    0.25
    """
    if not 0.0 <= partial_cap <= 1.0:
        raise ValueError(f"partial_cap must be in [0, 1], not {partial_cap!r}")
    problems = _mismatches(profile, crosswalk, target_model)
    if problems:
        raise CrosswalkValidationError(problems)
    found: dict[str, list[Contribution]] = {p.id: [] for p in target_model.practices()}
    for mapping in crosswalk.mappings:
        if mapping.relationship == "not_related" or (
                min_strength is not None and mapping.strength is not None
                and mapping.strength < min_strength):
            continue
        targets = _under(target_model, mapping.target)
        for source_id in _source_practices(profile, source_model, mapping.source):
            result = profile.practices[source_id]
            status: AnswerStatus = result.status
            value = None if status == "n/a" else (result.value or 0.0)
            carried = None if value is None else _carry(mapping.relationship, value,
                                                        partial_cap)
            contribution = Contribution(source=source_id, mapping=mapping, status=status,
                                        value=value, carried=carried)
            for target_id in targets:
                found[target_id].append(contribution)
    practices = {pid: _decide(pid, contributions) for pid, contributions in found.items()}
    answers: dict[str, RawAnswer] = {pid: p.answer for pid, p in practices.items()
                                     if p.answer is not None}
    assessment = Assessment(model=target_model.id,
                            model_version=target_model.version or None,
                            subject=profile.subject, date=profile.date, answers=answers)
    return Projection(crosswalk=crosswalk, source=profile, model=target_model,
                      partial_cap=partial_cap, assessment=assessment, practices=practices,
                      profile=score(target_model, assessment), source_model=source_model)
