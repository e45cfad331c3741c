"""Cohorts: many profiles of one model — distributions, percentiles, roll-ups.

A :class:`Cohort` holds the profiles of many subjects (the teams of one organisation)
and answers questions across them. Definitions (also in the docs, "Cohorts"):

- Every figure of a node is over the subjects that *assessed* it; a subject whose
  result is not assessed (or whose model version lacks the node) is left out, as from
  every aggregation.
- Quartiles use linear interpolation (numpy's default, like the ``quantile`` rule).
- ``percentile(subject, node)`` is the percentile rank with ties counting half:
  ``100 × (below + ½ × equal) / n``, where ``n`` counts the subjects that assessed the
  node, ``below`` those with a lower score and ``equal`` those with the same score (within
  1e-9), the subject itself included. A subject alone, or in a cohort where everyone has
  the same score, is at 50; the mean percentile of a node is always 50.
- ``rollup`` aggregates, node by node, the subjects' results at that node with an
  aggregation rule (every subject weighs 1); it does not re-aggregate the tree.

numpy is imported when a figure is first computed, not with the package.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final, Literal

import attrs

from maturity_model._display_registry import formatter, frame
from maturity_model.errors import IncompatibleProfilesError, UnknownNodeError
from maturity_model.evidence import AnswerStatus
from maturity_model.profile import Counts, PracticeResult, Profile, Result
from maturity_model.rules import AggregationRule, ChildOutcome, Mean, Minimum

if TYPE_CHECKING:
    import pandas as pd
    from numpy.typing import NDArray

__all__ = [
    "Cohort",
    "Distribution",
    "Position",
]

Position = Literal["bottom quartile", "below median", "at median", "above median",
                   "top quartile", "not assessed"]


def _frozen_map(values: Mapping[Any, Any]) -> Mapping[Any, Any]:
    return MappingProxyType(dict(values))


_TOLERANCE: Final = 1e-9

DISTRIBUTION_COLUMNS: Final = ("node_id", "kind", "name", "count", "min", "q1", "median",
                               "q3", "max", "mean")
SUBJECT_COLUMNS: Final = ("node_id", "kind", "name", "score", "level", "percentile", "q1",
                          "median", "q3", "below_median", "bottom_quartile", "position")


@attrs.frozen(kw_only=True)
class Distribution:
    """The scores of one node across a cohort.

    :param count: how many subjects assessed the node; the other figures are ``None``
        when it is 0.
    :param levels: level → how many subjects are at it (assessed subjects only).

    >>> Distribution(node_id="cm", count=0).median is None
    True
    """

    node_id: str
    count: int
    min: float | None = None
    q1: float | None = None
    median: float | None = None
    q3: float | None = None
    max: float | None = None
    mean: float | None = None
    levels: Mapping[int, int] = attrs.field(factory=dict,
                                            converter=_frozen_map,
                                            hash=False)

    def position(self, score: float | None) -> Position:
        """Where a score stands against the quartiles.

        ``"bottom quartile"`` below q1, ``"below median"`` from q1 to under the median,
        ``"at median"`` (within 1e-9), ``"above median"`` up to q3, ``"top quartile"``
        above q3; ``"not assessed"`` for ``None`` or an empty distribution.

        >>> d = Distribution(node_id="cm", count=4, min=1.0, q1=1.5, median=2.0, q3=2.5,
        ...                  max=3.0, mean=2.0)
        >>> d.position(1.2), d.position(2.0), d.position(2.7)
        ('bottom quartile', 'at median', 'top quartile')
        """
        if score is None or self.median is None or self.q1 is None or self.q3 is None:
            return "not assessed"
        if math.isclose(score, self.median, rel_tol=_TOLERANCE, abs_tol=_TOLERANCE):
            return "at median"
        if score < self.median:
            return "bottom quartile" if score < self.q1 - _TOLERANCE else "below median"
        return "top quartile" if score > self.q3 + _TOLERANCE else "above median"


def _rule_for(rule: str | AggregationRule) -> AggregationRule:
    if isinstance(rule, str):
        if rule == "mean":
            return Mean()
        if rule == "minimum":
            return Minimum()
        raise ValueError(f"unknown roll-up rule {rule!r}: use 'mean', 'minimum' or a rule "
                         "object such as maturity_model.Quantile(q=0.5)")
    return rule


def _to_profiles(profiles: Iterable[Profile]) -> tuple[Profile, ...]:
    return tuple(profiles)


@attrs.frozen
class Cohort:
    """Many profiles of one model: distributions, percentiles, roll-ups.

    :param profiles: at least one profile; all of one model id (their versions may
        differ: each node's figures are over the profiles that have it).
    :raises IncompatibleProfilesError: the profiles are of more than one model id.

    >>> import maturity_model as mm
    >>> def team(name, score):
    ...     return mm.Profile(model_id="m", subject=name, results={
    ...         "m": mm.Result(node_id="m", kind="model", score=score, level=int(score))})
    >>> cohort = Cohort([team("a", 1.0), team("b", 2.0), team("c", 2.0), team("d", 4.0)])
    >>> cohort.percentile("b", "m"), cohort.percentile("d", "m")
    (50.0, 87.5)
    >>> cohort.distribution("m").median
    2.0
    """

    profiles: tuple[Profile, ...] = attrs.field(converter=_to_profiles)
    _cache: dict[str, Any] = attrs.field(init=False, factory=dict, eq=False, repr=False,
                                         hash=False)

    def __attrs_post_init__(self) -> None:
        if not self.profiles:
            raise ValueError("a cohort needs at least one profile")
        ids = sorted({p.model_id for p in self.profiles})
        if len(ids) > 1:
            raise IncompatibleProfilesError(
                f"a cohort holds profiles of one model; these are of {', '.join(ids)}")

    # ------------------------------------------------------------------ basics

    @property
    def model_id(self) -> str:
        """The model every profile is of."""
        return self.profiles[0].model_id

    @property
    def subjects(self) -> tuple[str, ...]:
        """The subjects, in profile order."""
        return tuple(p.subject for p in self.profiles)

    @property
    def node_ids(self) -> tuple[str, ...]:
        """Every node id of any profile: the first profile's order, then any others."""
        cached: tuple[str, ...] | None = self._cache.get("node_ids")
        if cached is None:
            seen: dict[str, None] = {}
            for profile in self.profiles:
                seen.update(dict.fromkeys(profile.results))
            cached = self._cache["node_ids"] = tuple(seen)
        return cached

    def __len__(self) -> int:
        return len(self.profiles)

    def __iter__(self) -> Iterator[Profile]:
        return iter(self.profiles)

    def profile(self, subject: str) -> Profile:
        """The profile of a subject.

        :raises UnknownNodeError: no profile has this subject.
        :raises ValueError: more than one profile has it.
        """
        index: dict[str, list[Profile]] | None = self._cache.get("subjects")
        if index is None:
            index = {}
            for profile in self.profiles:
                index.setdefault(profile.subject, []).append(profile)
            self._cache["subjects"] = index
        found = index.get(subject, [])
        if not found:
            raise UnknownNodeError(subject, "subject in the cohort")
        if len(found) > 1:
            raise ValueError(f"{len(found)} profiles of the cohort have the subject "
                             f"{subject!r}; pass the Profile itself")
        return found[0]

    def _result(self, node_id: str) -> Result:
        for profile in self.profiles:
            result = profile.results.get(node_id)
            if result is not None:
                return result
        raise UnknownNodeError(node_id, "node")

    # ------------------------------------------------------------------ numbers

    def _column(self, node_id: str) -> NDArray[Any]:
        """The node's scores per profile, NaN where not assessed."""
        import numpy as np

        columns: dict[str, NDArray[Any]] = self._cache.setdefault("columns", {})
        column = columns.get(node_id)
        if column is None:
            self._result(node_id)
            nan = math.nan
            values = []
            for profile in self.profiles:
                result = profile.results.get(node_id)
                score = None if result is None else result.score
                values.append(nan if score is None else score)
            column = columns[node_id] = np.asarray(values, dtype=float)
        return column

    def _sorted(self, node_id: str) -> NDArray[Any]:
        import numpy as np

        cache: dict[str, NDArray[Any]] = self._cache.setdefault("sorted", {})
        found = cache.get(node_id)
        if found is None:
            column = self._column(node_id)
            found = cache[node_id] = np.sort(column[~np.isnan(column)])
        return found

    def scores(self, node_id: str) -> tuple[float | None, ...]:
        """The node's score in each profile (``None`` where not assessed), profile order.

        :raises UnknownNodeError: no profile has the node.
        """
        return tuple(None if math.isnan(v) else float(v) for v in self._column(node_id))

    def distribution(self, node_id: str) -> Distribution:
        """Min, quartiles, max and mean of the node's scores over the subjects assessing it.

        :raises UnknownNodeError: no profile has the node.
        """
        import numpy as np

        cache: dict[str, Distribution] = self._cache.setdefault("distributions", {})
        if node_id in cache:
            return cache[node_id]
        values = self._sorted(node_id)
        levels: dict[int, int] = {}
        for profile in self.profiles:
            result = profile.results.get(node_id)
            if result is not None and result.level is not None:
                levels[result.level] = levels.get(result.level, 0) + 1
        if not len(values):
            found = Distribution(node_id=node_id, count=0)
        else:
            q1, median, q3 = (float(q) for q in np.quantile(values, [0.25, 0.5, 0.75]))
            found = Distribution(node_id=node_id, count=len(values), min=float(values[0]),
                                 q1=q1, median=median, q3=q3, max=float(values[-1]),
                                 mean=float(np.mean(values)),
                                 levels=dict(sorted(levels.items())))
        cache[node_id] = found
        return found

    def distributions(self) -> Mapping[str, Distribution]:
        """:meth:`distribution` of every node, in :attr:`node_ids` order."""
        return MappingProxyType({n: self.distribution(n) for n in self.node_ids})

    def _score_of(self, subject: str | Profile, node_id: str) -> float | None:
        profile = subject if isinstance(subject, Profile) else self.profile(subject)
        if profile.model_id != self.model_id:
            raise IncompatibleProfilesError(
                f"the profile is of model {profile.model_id!r}, the cohort of "
                f"{self.model_id!r}")
        result = profile.results.get(node_id)
        return None if result is None else result.score

    def percentile(self, subject: str | Profile, node_id: str) -> float | None:
        """The subject's percentile rank at a node, ties counting half (0 to 100).

        A :class:`~maturity_model.Profile` from outside the cohort is placed among the
        cohort's scores (not added to them). ``None`` when the subject did not assess
        the node.

        :raises UnknownNodeError: no such subject or node.
        """
        import numpy as np

        values = self._sorted(node_id)
        score = self._score_of(subject, node_id)
        if score is None or not len(values):
            return None
        below = int(np.searchsorted(values, score - _TOLERANCE, side="left"))
        up_to = int(np.searchsorted(values, score + _TOLERANCE, side="right"))
        return 100.0 * (below + 0.5 * (up_to - below)) / len(values)

    def percentiles(self, node_id: str) -> tuple[float | None, ...]:
        """Every subject's percentile at a node, in profile order (``None``: not assessed).

        :raises UnknownNodeError: no profile has the node.
        """
        import numpy as np

        column = self._column(node_id)
        values = self._sorted(node_id)
        if not len(values):
            return (None,) * len(column)
        below = np.searchsorted(values, column - _TOLERANCE, side="left")
        up_to = np.searchsorted(values, column + _TOLERANCE, side="right")
        ranks = 100.0 * (below + 0.5 * (up_to - below)) / len(values)
        return tuple(None if math.isnan(s) else float(r)
                     for s, r in zip(column.tolist(), ranks.tolist(), strict=True))

    # ------------------------------------------------------------------ roll-ups

    def coverage_means(self) -> Mapping[str, Mapping[int, float | None]]:
        """Per node and level, the mean coverage over the subjects that have it there.

        DSOMM's team heat-map: coverage ``m(L)`` of each sub-dimension averaged over
        teams, a level where no subject has an applicable practice is ``None``.
        """
        cached = self._cache.get("coverage_means")
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        sums: dict[str, dict[int, list[float]]] = {}
        for profile in self.profiles:
            for node_id, result in profile.results.items():
                per_level = sums.setdefault(node_id, {})
                for level, value in result.coverage.items():
                    pair = per_level.setdefault(level, [0.0, 0.0])
                    if value is not None:
                        pair[0] += value
                        pair[1] += 1.0
        means = MappingProxyType({
            node_id: MappingProxyType({lv: (s / n if n else None) for lv, (s, n) in
                                       sorted(sums.get(node_id, {}).items())})
            for node_id in self.node_ids})
        self._cache["coverage_means"] = means
        return means

    def rollup(self, rule: str | AggregationRule = "mean", *,
               subject: str = "cohort") -> Profile:
        """One organisation profile: each node aggregated over the subjects that assessed it.

        :param rule: ``"mean"`` (mean score, lowest level: :class:`~maturity_model.Mean`),
            ``"minimum"`` (the weakest subject), or any aggregation rule object, such as
            ``Mean(level="floor")`` for the level of the mean score or ``Quantile(q=0.5)``.
        :param subject: the subject of the new profile.

        Results carry the aggregated score and level, :meth:`coverage_means` as coverage
        and the summed counts. Practices carry the rule applied to the subjects' values
        (N/A ones left out; clamped to [0, 1]); a practice is N/A when it is N/A for
        every subject and unknown when no subject gave evidence on it.
        """
        the_rule = _rule_for(rule)
        first = self.profiles[0]
        coverage = self.coverage_means()
        results: dict[str, Result] = {}
        for node_id in self.node_ids:
            template = self._result(node_id)
            children: list[ChildOutcome] = []
            counts = Counts()
            for i, profile in enumerate(self.profiles):
                result = profile.results.get(node_id)
                if result is None:
                    continue
                counts = counts + result.counts
                if result.score is not None and result.level is not None:
                    children.append(ChildOutcome(node_id=str(i), score=result.score,
                                                 level=result.level))
            outcome = the_rule.aggregate(children) if children else None
            results[node_id] = Result(
                node_id=node_id, kind=template.kind, name=template.name,
                parent=template.parent, rule=the_rule.kind,
                score=None if outcome is None else outcome.score,
                level=None if outcome is None else outcome.level,
                coverage=coverage[node_id], counts=counts)
        versions = {p.model_version for p in self.profiles}
        return Profile(model_id=self.model_id,
                       model_version=versions.pop() if len(versions) == 1 else "",
                       subject=subject, dependencies=first.dependencies, scale=first.scale,
                       results=results, practices=self._practice_rollup(the_rule))

    def _practice_rollup(self, rule: AggregationRule) -> dict[str, PracticeResult]:
        gathered: dict[str, list[PracticeResult]] = {}
        for profile in self.profiles:
            for practice_id, result in profile.practices.items():
                gathered.setdefault(practice_id, []).append(result)
        practices: dict[str, PracticeResult] = {}
        for practice_id, results in gathered.items():
            template = results[0]
            children = [ChildOutcome(node_id=str(i), score=r.value, level=int(r.value >= 1.0))
                        for i, r in enumerate(results) if r.value is not None]
            status: AnswerStatus
            value: float | None
            if not children:
                status, value = "n/a", None
            else:
                value = min(1.0, max(0.0, rule.aggregate(children).score))
                if all(r.status in ("unknown", "n/a") for r in results):
                    status = "unknown"
                elif value >= 1.0:
                    status = "met"
                else:
                    status = "partial" if value > 0.0 else "not-met"
            practices[practice_id] = PracticeResult(
                practice_id=practice_id, item_id=template.item_id, level=template.level,
                status=status, value=value, weight=template.weight,
                mandatory=template.mandatory)
        return practices

    # ------------------------------------------------------------------ one subject

    def compare_subject(self, subject: str | Profile) -> list[dict[str, Any]]:
        """Where a subject stands at every node, as plain records.

        Each record: ``node_id``, ``kind``, ``name``, ``score``, ``level``, ``percentile``,
        ``q1``, ``median``, ``q3``, ``below_median`` and ``bottom_quartile`` (booleans;
        ``None`` when the subject did not assess the node), and ``position`` (see
        :meth:`Distribution.position`).

        :raises UnknownNodeError: no such subject.
        """
        profile = subject if isinstance(subject, Profile) else self.profile(subject)
        records: list[dict[str, Any]] = []
        for node_id in self.node_ids:
            template = self._result(node_id)
            result = profile.results.get(node_id)
            score = None if result is None else result.score
            d = self.distribution(node_id)
            assessed = score is not None and d.median is not None and d.q1 is not None
            records.append({
                "node_id": node_id, "kind": template.kind, "name": template.name,
                "score": score, "level": None if result is None else result.level,
                "percentile": self.percentile(profile, node_id),
                "q1": d.q1, "median": d.median, "q3": d.q3,
                "below_median": (score < d.median - _TOLERANCE  # type: ignore[operator]
                                 if assessed else None),
                "bottom_quartile": (score < d.q1 - _TOLERANCE  # type: ignore[operator]
                                    if assessed else None),
                "position": d.position(score)})
        return records

    # ------------------------------------------------------------------ tables

    def to_records(self) -> list[dict[str, Any]]:
        """The distribution of every node as plain dicts, one per node.

        Keys: ``node_id``, ``kind``, ``name``, ``count``, ``min``, ``q1``, ``median``,
        ``q3``, ``max``, ``mean``.
        """
        records = []
        for node_id, d in self.distributions().items():
            template = self._result(node_id)
            records.append({"node_id": node_id, "kind": template.kind,
                            "name": template.name, "count": d.count, "min": d.min,
                            "q1": d.q1, "median": d.median, "q3": d.q3, "max": d.max,
                            "mean": d.mean})
        return records

    def to_frame(self) -> pd.DataFrame:
        """:meth:`to_records` as a pandas DataFrame.

        :raises maturity_model.errors.MissingExtraError: pandas is not installed.
        """
        return frame(self.to_records(), DISTRIBUTION_COLUMNS)

    def subject_frame(self, subject: str | Profile) -> pd.DataFrame:
        """:meth:`compare_subject` as a pandas DataFrame.

        :raises maturity_model.errors.MissingExtraError: pandas is not installed.
        """
        return frame(self.compare_subject(subject), SUBJECT_COLUMNS)

    def _repr_html_(self) -> str:
        return str(formatter("cohort_html")(self))

    def __repr__(self) -> str:
        return str(formatter("cohort_repr")(self))
