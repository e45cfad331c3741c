"""Gaps and roadmaps: what stands between a profile and the levels wanted.

- :class:`~maturity_model.target.Target` — wanted levels: one level everywhere, per node,
  or from a file (defined in :mod:`maturity_model.target`, re-exported here).
- :func:`gap` — for every item below its target, the unmet practices at levels up to the
  target, with SAMM's percent-to-target figure.
- :func:`plan` — the gap's practices plus every unmet prerequisite they need, in waves
  (:class:`Roadmap`).

Decisions where DESIGN §2 is silent (also in the docs, "Compare and plan"):

- A target level applies to the node it names and to every node below it, unless a node
  below names its own (see :mod:`maturity_model.target`). Only items are rated against
  their target; the entry of a domain (or the root) sums up the items below it.
- A practice is *unmet* when it is not N/A and its scored value is below 1 (unknown
  answers count 0, and under ``enforce`` a blocked practice counts 0 too: it will count
  once its prerequisites are met).
- An item is below its target when it is assessed at a lower level, or it is not
  assessed and not every one of its practices is N/A (no evidence, no credit).
- An item's gap is ``max(0, target - score)``; the percent to target of a node is
  ``100 × (1 - Σ gap / Σ target)`` over the assessed items at or below it that have a
  target, 100 when that sum of targets is 0. Items that are not assessed are left out of
  the figure, as from every aggregation (:attr:`Gap.unassessed` lists them).
- A roadmap pulls in every unmet practice the gap's practices need: their unmet
  prerequisites, the unmet prerequisites of those, and so on, walking through N/A
  prerequisites too (under ``enforce`` an N/A practice whose own prerequisites are unmet
  still blocks its dependents). A met prerequisite ends the walk: under ``enforce``
  everything it needs is met already; under ``report`` what it lacks is an existing
  violation that the target does not depend on.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, Final

import attrs

from maturity_model._display_registry import formatter, frame
from maturity_model._messages import translator
from maturity_model._planning_gap import (  # GAP_COLUMNS: still importable from here
    GAP_COLUMNS,  # noqa: F401
    Gap,
    GapEntry,
    frozen_map,
    gap,
    is_unmet,
)
from maturity_model.errors import IncompatibleProfilesError, UnknownNodeError
from maturity_model.evidence import AnswerStatus
from maturity_model.languages import in_language
from maturity_model.model import MaturityModel
from maturity_model.profile import PracticeResult, Profile
from maturity_model.target import TARGET_FORMAT, Target

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "TARGET_FORMAT",
    "Gap",
    "GapEntry",
    "Roadmap",
    "Step",
    "Target",
    "Wave",
    "gap",
    "plan",
]


@attrs.frozen(kw_only=True)
class Step:
    """One practice of a roadmap.

    :param wave: the wave it stands in (1 first).
    :param pulled_in: not in the gap itself, but an unmet prerequisite of something that is.
    :param effort: the effort used to order it (the ``effort`` argument of :func:`plan`,
        else the practice's own, else 1).
    :param after: the roadmap practices it needs first (its unmet prerequisites, and
        those it reaches through N/A prerequisites).
    :param needed_by: the roadmap practices that need it first.
    :param status: its answer's status in the profile; ``value`` the value scored.
    """

    practice_id: str
    item_id: str
    level: int
    wave: int
    text: str = ""
    weight: float = 1.0
    effort: float = 1.0
    pulled_in: bool = False
    status: AnswerStatus = "unknown"
    value: float | None = None
    after: tuple[str, ...] = ()
    needed_by: tuple[str, ...] = ()

    def to_record(self) -> dict[str, Any]:
        """The step as a plain dict (keys as in :meth:`Roadmap.to_records`)."""
        return {"wave": self.wave, "practice_id": self.practice_id, "item_id": self.item_id,
                "level": self.level, "weight": self.weight, "effort": self.effort,
                "pulled_in": self.pulled_in, "status": self.status, "value": self.value,
                "after": ", ".join(self.after), "text": self.text}


STEP_COLUMNS: Final = ("wave", "practice_id", "item_id", "level", "weight", "effort",
                       "pulled_in", "status", "value", "after", "text")


@attrs.frozen(kw_only=True)
class Wave:
    """One wave of a roadmap: practices whose prerequisites are met by the earlier waves.

    >>> Wave(number=1, practices=("ci.2", "vcs.3")).practices
    ('ci.2', 'vcs.3')
    """

    number: int
    practices: tuple[str, ...]


@attrs.frozen(kw_only=True)
class Roadmap:
    """The unmet practices needed for a target, ordered in waves; see :func:`plan`.

    ``roadmap[practice_id]`` gives a :class:`Step`; iterating yields the steps in order.
    """

    model_id: str
    subject: str = ""
    gap: Gap
    waves: tuple[Wave, ...]
    steps: Mapping[str, Step] = attrs.field(converter=frozen_map,
                                            hash=False)

    @property
    def practices(self) -> tuple[str, ...]:
        """Every practice id of the roadmap, wave by wave, in order."""
        return tuple(self.steps)

    @property
    def pulled_in(self) -> tuple[str, ...]:
        """The practices pulled in as prerequisites, in roadmap order."""
        return tuple(p for p, s in self.steps.items() if s.pulled_in)

    def __getitem__(self, practice_id: str) -> Step:
        try:
            return self.steps[practice_id]
        except KeyError:
            raise UnknownNodeError(practice_id, "practice in the roadmap") from None

    def __contains__(self, practice_id: object) -> bool:
        return practice_id in self.steps

    def __iter__(self) -> Iterator[Step]:
        return iter(self.steps.values())

    def __len__(self) -> int:
        return len(self.steps)

    def explain(self, lang: str | None = None) -> str:
        """A text a person can follow: the waves, each practice with why it is there.

        :param lang: a BCP 47 tag: practice texts and words in that language, with
            fallback to the model's.
        """
        t = translator(lang)
        who = t.gettext(" for {subject}").format(subject=self.subject) if self.subject else ""
        lines = [t.gettext("Roadmap{who} to the target ({target}): {steps} practices in "
                           "{waves} waves, {pulled} pulled in as prerequisites; {percent} % "
                           "to target now").format(
            who=who, target=self.gap.target.describe(lang), steps=len(self.steps),
            waves=len(self.waves), pulled=len(self.pulled_in),
            percent=f"{self.gap.percent_to_target:.0f}")]
        for wave in self.waves:
            lines.append(t.gettext("Wave {number}").format(number=wave.number))
            for pid in wave.practices:
                step = self.steps[pid]
                text = "  - " + t.gettext("{id} ({item}, level {level})").format(
                    id=pid, item=step.item_id, level=step.level)
                if step.text:
                    text += t.gettext(": {text}").format(text=in_language(step.text, lang))
                notes: list[str] = []
                if step.pulled_in:
                    notes.append(t.gettext("pulled in, needed by {ids}").format(
                        ids=", ".join(step.needed_by)))
                if step.after:
                    notes.append(t.gettext("after {ids}").format(ids=", ".join(step.after)))
                if step.status == "met":
                    notes.append(t.gettext("answered met, counts once its prerequisites "
                                           "are met"))
                if notes:
                    text += f" [{t.gettext('; ').join(notes)}]"
                lines.append(text)
        if not self.waves:
            lines.append("  " + t.gettext("nothing to do: every item is at its target"))
        return "\n".join(lines)

    def to_records(self) -> list[dict[str, Any]]:
        """The roadmap as plain dicts, one per step, in order.

        Keys: ``wave``, ``practice_id``, ``item_id``, ``level``, ``weight``, ``effort``,
        ``pulled_in``, ``status``, ``value``, ``after`` (ids joined by ``", "``), ``text``.
        """
        return [s.to_record() for s in self.steps.values()]

    def to_frame(self) -> pd.DataFrame:
        """:meth:`to_records` as a pandas DataFrame.

        :raises maturity_model.errors.MissingExtraError: pandas is not installed.
        """
        return frame(self.to_records(), STEP_COLUMNS)

    def _repr_html_(self) -> str:
        return str(formatter("roadmap_html")(self))

    def __repr__(self) -> str:
        return str(formatter("roadmap_repr")(self))

def _efforts(model: MaturityModel, effort: Mapping[str, float] | None) -> Mapping[str, float]:
    if not effort:
        return {}
    practices = model._index.practices
    for practice_id, value in effort.items():
        if practice_id not in practices:
            raise UnknownNodeError(practice_id, "practice")
        if not (isinstance(value, int | float) and not isinstance(value, bool)
                and math.isfinite(value) and value > 0):
            raise ValueError(f"the effort of {practice_id!r} must be a number above 0, "
                             f"not {value!r}")
    return effort


def _search(goal: list[str], requirements: Mapping[str, tuple[str, ...]],
            results: Mapping[str, PracticeResult]) -> tuple[set[str], set[str]]:
    """The practices reached from the gap, and those of them searched through.

    The search goes back through unmet and N/A practices; a met practice ends it (under
    enforce everything it needs is met; under report what it lacks is an existing
    violation, not something the target needs).
    """
    visited: set[str] = set()
    expanded: set[str] = set()
    stack = list(goal)
    while stack:
        pid = stack.pop()
        if pid in visited:
            continue
        visited.add(pid)
        result = results.get(pid)
        if result is None or result.value is None or result.value < 1.0:
            expanded.add(pid)
            stack.extend(requirements[pid])
    return visited, expanded


def _wave_numbers(order: tuple[str, ...], requirements: Mapping[str, tuple[str, ...]],
                  visited: set[str], expanded: set[str], included: set[str]) -> tuple[
                      dict[str, int], dict[str, dict[str, None]]]:
    """Each practice's wave, and the roadmap practices it needs first.

    In prerequisite order: a roadmap practice's wave is one more than the latest wave it
    reaches through its prerequisites; a practice outside the roadmap passes on the latest
    wave (and the roadmap practices) it reaches. So the wave is 0 and up for practices
    outside the roadmap, 1 and up for roadmap practices.
    """
    wave_of: dict[str, int] = {}
    nearest: dict[str, dict[str, None]] = {}
    empty: dict[str, None] = {}
    for pid in order:
        if pid not in expanded:
            if pid in visited:
                wave_of[pid] = 0
                nearest[pid] = empty
            continue
        latest = 0
        found: dict[str, None] = {}
        for q in requirements[pid]:
            wave = wave_of[q]
            latest = max(latest, wave)
            if q in included:
                found[q] = None
            elif nearest[q]:
                found.update(nearest[q])
        wave_of[pid] = latest + 1 if pid in included else latest
        nearest[pid] = found
    return wave_of, nearest


def plan(model: MaturityModel, profile: Profile, target: Target, *,
         effort: Mapping[str, float] | None = None) -> Roadmap:
    """A roadmap to the target: the gap's practices and their unmet prerequisites, in waves.

    A practice stands in the first wave after every roadmap practice it needs (directly,
    or through N/A prerequisites); so meeting every practice of waves 1..k never leaves a
    practice of those waves with an unmet prerequisite. Inside a wave: lower
    level first, then higher ``weight / effort``, then document order.

    :param effort: practice id → effort (> 0); else the practice's ``effort``, else 1.
    :raises IncompatibleProfilesError: the profile is of another model or model version.
    :raises ValidationError: the target does not fit the profile (see :func:`gap`).
    :raises DependencyCycleError: the model's dependency graph has a cycle.

    >>> import maturity_model as mm
    >>> model = mm.MaturityModel(id="m", domains=[mm.Domain(id="d", items=[
    ...     mm.CapabilityItem(id="vcs", practices=[mm.Practice(id="vcs.1", level=1),
    ...                                            mm.Practice(id="vcs.9", level=5)]),
    ...     mm.CapabilityItem(id="ci", practices=[
    ...         mm.Practice(id="ci.1", level=1, requires=["vcs.1"]),
    ...         mm.Practice(id="ci.9", level=5)])])])
    >>> profile = mm.score(model, mm.Assessment(model="m", answers={}))
    >>> roadmap = plan(model, profile, Target.of({"ci": 1}))
    >>> [w.practices for w in roadmap.waves], roadmap.pulled_in
    ([('vcs.1',), ('ci.1',)], ('vcs.1',))
    """
    from maturity_model.graph import requirement_map, topological_order

    if profile.model_id != model.id:
        raise IncompatibleProfilesError(
            f"the profile is of model {profile.model_id!r}, not {model.id!r}")
    if profile.model_version and model.version and profile.model_version != model.version:
        raise IncompatibleProfilesError(
            f"the profile is of {model.id!r} version {profile.model_version!r}, the model is "
            f"version {model.version!r}")
    efforts = _efforts(model, effort)
    the_gap = gap(profile, target)
    requirements = requirement_map(model)
    order = topological_order(model)
    index = model._index
    results = profile.practices
    goal = [p for p in the_gap.practices if p in requirements]
    goal_set = set(goal)
    visited, expanded = _search(goal, requirements, results)
    included = {p for p in expanded if p in goal_set or is_unmet(results.get(p))}
    wave_of, nearest = _wave_numbers(order, requirements, visited, expanded, included)
    position = {pid: i for i, pid in enumerate(requirements)}
    practices = index.practices

    def effort_of(pid: str) -> float:
        if pid in efforts:
            return float(efforts[pid])
        own = practices[pid].effort
        if own is None:
            return 1.0
        if not (math.isfinite(own) and own > 0):
            raise ValueError(f"the effort of {pid!r} in the model must be above 0, "
                             f"not {own!r}")
        return float(own)

    def sort_key(pid: str) -> tuple[int, float, int]:
        practice = practices[pid]
        return (practice.level, -practice.weight / effort_of(pid), position[pid])

    by_wave: dict[int, list[str]] = {}
    for pid in included:
        by_wave.setdefault(wave_of[pid], []).append(pid)
    waves = tuple(Wave(number=n, practices=tuple(sorted(by_wave[n], key=sort_key)))
                  for n in sorted(by_wave))
    needed_by: dict[str, list[str]] = {}
    for wave in waves:
        for pid in wave.practices:
            for q in nearest[pid]:
                needed_by.setdefault(q, []).append(pid)
    steps: dict[str, Step] = {}
    for wave in waves:
        for pid in wave.practices:
            practice = practices[pid]
            result = results.get(pid)
            steps[pid] = Step(
                practice_id=pid, item_id=index.item_of[pid], level=practice.level,
                wave=wave.number, text=practice.text, weight=practice.weight,
                effort=effort_of(pid), pulled_in=pid not in goal_set,
                status="unknown" if result is None else result.status,
                value=None if result is None else result.value,
                after=tuple(sorted(nearest[pid], key=position.__getitem__)),
                needed_by=tuple(needed_by.get(pid, ())))
    return Roadmap(model_id=model.id, subject=profile.subject, gap=the_gap, waves=waves,
                   steps=steps)
