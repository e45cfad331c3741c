"""Histories: many dated profiles of many subjects, against one model (in one or more versions).

A :class:`History` answers questions over time: a node's :meth:`~History.series` for a
subject, every subject's latest profile :meth:`~History.as_of` a date, the date a level was
:meth:`~History.first_reached`, a subject's :meth:`~History.journey` from its first profile
to its last, the :meth:`~History.regressions`, the :meth:`~History.velocity` in levels per
month, and the whole history as a long table (:meth:`~History.to_frame`).

Definitions (also in the docs, "Follow a team over time"):

- Profiles are ordered by subject, then date; nothing depends on the order they were given
  in. Two profiles of one subject on one date are an error (``duplicate-date``) naming
  both; so is a profile without a date.
- ``as_of(d)`` takes each subject's latest profile dated on or before ``d``; a subject with
  none by then is left out.
- Several versions of one model: the history speaks the newest version's node ids.
  Assessments of an older version are migrated to it (:attr:`History.migrations`);
  profiles of an older version are aligned through the model diff. Without every
  version's model (``models=`` or the standards registry) that is an error
  (``mixed-versions``); profiles of different models are ``model-mismatch``.
  :func:`version_problems` decides this.
- Scores and levels are held as arrays (one row per profile, a column per node); a
  profile is built only when it is asked for.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from maturity_model._history_across import (
    Bridge,
    ModelPool,
    align_blocks,
    newest,
    score_assessments,
)
from maturity_model._history_blocks import (
    Block,
    NodeInfo,
    as_date,
    batch_block,
    model_keys,
    ordinals_of,
    profile_blocks,
    where,
)
from maturity_model._history_parts import (
    Journey,
    NodeJourney,
    Point,
    PracticeChange,
    Regression,
    Series,
)
from maturity_model._history_versions import version_key, version_problems
from maturity_model._limits import DEFAULT_LIMITS, Limits
from maturity_model.errors import HistoryError, Problem, UnknownNodeError, shown
from maturity_model.profile import Profile

if TYPE_CHECKING:
    import pandas as pd

    from maturity_model.batch import BatchResult
    from maturity_model.evidence import Assessment
    from maturity_model.migration import Migration
    from maturity_model.model import MaturityModel

__all__ = [
    "History",
    "Journey",
    "NodeJourney",
    "Point",
    "PracticeChange",
    "Regression",
    "Series",
    "version_problems",
]


class History:
    """Dated profiles of many subjects against one model (see the module docs).

    :param profiles: dated profiles, in any order.
    :param sources: optional, the file each profile came from, named in problems.
    :param models: the models of the versions the profiles are of, when there are several
        (the standards registry is asked for those not given). Profiles of an older
        version are aligned to the newest through the model diff.
    :raises HistoryError: a profile has no date, two share a subject and a date, or the
        profiles are of several model versions whose models are not all at hand (every
        problem listed).

    >>> import datetime, maturity_model as mm
    >>> def p(subject, day, score):
    ...     return mm.Profile(model_id="m", subject=subject, date=datetime.date(2024, day, 1),
    ...                       results={"m": mm.Result(node_id="m", kind="model",
    ...                                               score=score, level=int(score))})
    >>> h = History([p("b", 3, 1.5), p("a", 1, 1.8), p("a", 6, 2.4), p("b", 1, 2.0)])
    >>> h.subjects, len(h), h.series("a", "m").scores
    (('a', 'b'), 4, (1.8, 2.4))
    >>> [(x.subject, x.overall.score) for x in h.as_of("2024-02-01")]
    [('a', 1.8), ('b', 2.0)]
    >>> h.first_reached("a", "m", 2), str(h.journey("a").overall)
    (datetime.date(2024, 6, 1), 'm: 1.80 → 2.40')
    >>> round(h.velocity("a"), 2), [(r.subject, r.after.month) for r in h.regressions()]
    (0.12, [('b', 3)])
    """

    def __init__(self, profiles: Iterable[Profile], *,
                 sources: Iterable[str | None] | None = None,
                 models: Iterable[MaturityModel] = ()) -> None:
        given = tuple(profiles)
        listed = tuple(sources) if sources is not None else (None,) * len(given)
        if len(listed) != len(given):
            raise ValueError(f"{len(listed)} sources for {len(given)} profiles")
        self._build(profile_blocks(given, listed), [], ModelPool(models))

    # ------------------------------------------------------------------ building

    @classmethod
    def _of(cls, blocks: Sequence[Block], found: Sequence[tuple[str | None, Problem]] = (),
            migrations: Sequence[Migration] = (), pool: ModelPool | None = None) -> History:
        history = cls.__new__(cls)
        history._build(blocks, found, pool or ModelPool(()), migrations)
        return history

    def _build(self, blocks: Sequence[Block], found: Sequence[tuple[str | None, Problem]],
               pool: ModelPool, migrations: Sequence[Migration] = ()) -> None:
        problems = list(found)
        keys = model_keys(blocks)
        ids = {m for m, _, _ in keys}
        versions = {v for _, v, _ in keys}
        mixed = len(ids) == 1 and len(versions) > 1
        available = pool.available((m, v) for m, v, _ in keys) if mixed else frozenset()
        problems += version_problems(keys, available)
        for b in blocks:
            if None not in b.dates:
                continue
            problems += [(s, Problem.of("invalid-value", "$.date",
                                        f"{where(s, k)} of subject {shown(subj)} has no date"))
                         for k, (subj, d, s) in enumerate(zip(b.subjects, b.dates, b.sources,
                                                              strict=True)) if d is None]
        if problems:
            raise HistoryError([p for _, p in problems], [f for f, _ in problems])
        self._bridge: Bridge | None = None
        if mixed:
            (model_id,) = ids
            self._bridge = Bridge(newest(versions), {
                v: pool.find(model_id, v) for v in versions})  # type: ignore[misc]
            blocks = align_blocks(blocks, self._bridge)
        self._migrations = tuple(sorted(migrations, key=lambda m: (
            m.assessment.subject, m.assessment.date or datetime.date.min)))
        node_ids: dict[str, NodeInfo] = {}
        for b in blocks:
            for node_id, info in zip(b.node_ids, b.info, strict=True):
                node_ids.setdefault(node_id, info)
        self._node_ids = tuple(node_ids)
        self._node_info = tuple(node_ids.values())
        self._column = {node_id: k for k, node_id in enumerate(self._node_ids)}
        rows = sum(len(b.subjects) for b in blocks)
        if len(blocks) == 1 and blocks[0].node_ids == self._node_ids:
            scores, levels = blocks[0].scores, blocks[0].levels  # copied when sorted below
        else:
            scores = np.full((rows, len(self._node_ids)), np.nan)
            levels = np.full(scores.shape, -1, dtype=np.int16)
        subjects: list[str] = []
        ordinals = np.empty(rows, dtype=np.int64)
        block_of = np.empty(rows, dtype=np.intp)
        row_of = np.empty(rows, dtype=np.intp)
        self._versions = tuple(sorted(versions, key=version_key))
        version_of = np.zeros(rows, dtype=np.intp)
        start = 0
        for number, b in enumerate(blocks):
            end = start + len(b.subjects)
            if scores is not b.scores:
                columns = [self._column[n] for n in b.node_ids]
                scores[start:end, columns] = b.scores
                levels[start:end, columns] = b.levels
            subjects.extend(b.subjects)
            ordinals[start:end] = ordinals_of(b.dates)
            block_of[start:end] = number
            row_of[start:end] = np.arange(len(b.subjects))
            if b.versions:
                version_of[start:end] = self._versions.index(b.versions[0][1])
            start = end
        first: dict[str, int] = {}
        for subject in subjects:
            first.setdefault(subject, len(first))
        names = sorted(first)
        rank = np.empty(len(names), dtype=np.intp)
        rank[[first[n] for n in names]] = np.arange(len(names))
        codes = rank[np.fromiter((first[s] for s in subjects), dtype=np.intp,
                                 count=len(subjects))] if subjects else np.empty(0, np.intp)
        order = np.lexsort((ordinals, codes))
        self._names: tuple[str, ...] = tuple(names)
        self._code_of = {name: k for k, name in enumerate(names)}
        self._codes = codes[order]
        self._ordinals = ordinals[order]
        self._scores = scores[order]
        self._levels = levels[order]
        self._blocks = tuple(blocks)
        self._block_of = block_of[order]
        self._row_of = row_of[order]
        self._version_of = version_of[order]
        self._starts = np.searchsorted(self._codes, np.arange(len(self._names) + 1))
        self._built: dict[int, Profile] = {}
        self._model = (keys[0][0], self._versions[-1]) if keys else ("", "")
        same = np.nonzero((self._codes[1:] == self._codes[:-1])
                          & (self._ordinals[1:] == self._ordinals[:-1]))[0]
        ties = [(self._source(k + 1), Problem.of(
            "duplicate-date", "$.date",
            f"subject {shown(self._names[self._codes[k]])} has two profiles dated "
            f"{self._date(k).isoformat()}: {where(self._source(k), k)} and "
            f"{where(self._source(k + 1), k + 1)}")) for k in same.tolist()]
        if ties:
            raise HistoryError([p for _, p in ties], [f for f, _ in ties])

    @classmethod
    def from_batch(cls, result: BatchResult, subjects: Sequence[str],
                   dates: Sequence[datetime.date | str], *,
                   tags: Sequence[Mapping[str, str]] | None = None,
                   sources: Sequence[str | None] | None = None) -> History:
        """A history of the rows of a batch result.

        Row ``k`` is ``subjects[k]`` on ``dates[k]``. Profiles are built from the batch
        only when asked for.

        >>> import maturity_model as mm
        >>> m = mm.MaturityModel(id="m", scale=mm.LevelScale.range(1, 2), domains=[
        ...     mm.Domain(id="d", items=[mm.CapabilityItem(id="i", practices=[
        ...         mm.Practice(id="p1", level=1), mm.Practice(id="p2", level=2)])])])
        >>> r = mm.batch.compile(m).score([[1.0, 0.0], [1.0, 1.0]])
        >>> h = History.from_batch(r, ["t", "t"], ["2024-01-31", "2024-03-31"])
        >>> h.series("t", "i").levels, round(h.velocity("t"), 3)  # 1 level in 60 days
        ((1, 2), 0.507)
        """
        rows = len(result)
        if len(subjects) != rows or len(dates) != rows:
            raise ValueError(f"{rows} rows need {rows} subjects and dates, not "
                             f"{len(subjects)} and {len(dates)}")
        days = [d if type(d) is datetime.date else as_date(d) for d in dates]
        block = batch_block(result, [str(s) for s in subjects], days, tags, sources)
        return cls._of([block])

    @classmethod
    def score(cls, model: MaturityModel, assessments: Iterable[Assessment], *,
              sources: Sequence[str | None] | None = None, strict: bool = True,
              models: Iterable[MaturityModel] = ()) -> History:
        """A history of dated assessments, scored by the batch engine.

        An assessment that names another version of ``model`` is scored with the model of
        its version, from ``models`` or the standards registry; assessments of older
        versions are migrated to the newest version first (:attr:`migrations`).

        >>> import datetime, maturity_model as mm
        >>> def m(version, *levels):
        ...     return mm.MaturityModel(id="m", version=version, domains=[mm.Domain(
        ...         id="d", items=[mm.CapabilityItem(id="i", practices=[
        ...             mm.Practice(id=f"i.{n}", level=n) for n in levels])])])
        >>> def a(version, month):
        ...     return mm.Assessment(model="m", model_version=version, subject="t",
        ...                          date=datetime.date(2024, month, 1), answers={"i.1": True})
        >>> h = History.score(m("2", 1, 2), [a("1", 1), a("2", 6)], models=[m("1", 1)])
        >>> h.versions, [dict(x.report.summary())["new"] for x in h.migrations]
        (('2',), [1])

        :raises HistoryError: an assessment does not fit its model (its problems, each
            naming its source), has no date, shares a subject and date with another, or
            names a version whose model is not at hand (``mixed-versions``).
        """
        pool = ModelPool([model, *models])
        return cls._of(*score_assessments(model, list(assessments), sources, strict, pool),
                       pool)

    @classmethod
    def load(cls, folder: str | os.PathLike[str], model: MaturityModel | None = None, *,
             models: Iterable[MaturityModel] = (), limits: Limits = DEFAULT_LIMITS) -> History:
        """Read a history folder of profiles and assessments.

        The layout is ``FOLDER/SUBJECT/DATE.yaml``, or files that carry their ``subject``
        and ``date``; profiles are ``maturity-profile/1`` files, every other file is an
        assessment.

        Assessments are scored against ``model``; without it, against the bundled or
        registered standard their ``model`` and ``model_version`` name. An assessment of
        another version is scored with that version's model from ``models`` (or the
        registry); older versions are migrated to the newest (:attr:`migrations`) and
        older profiles aligned to it. What a file says wins over its place in the folder.

        :raises FileNotFoundError: there is no such folder (``NotADirectoryError``: a file).
        :raises HistoryError: every problem of every file, each naming its file; also when
            the folder holds no profile or assessment (``no-assessments``).
        """
        from maturity_model._history_load import load_blocks

        pool = ModelPool([*([model] if model is not None else []), *models])
        return cls._of(*load_blocks(folder, model, limits, pool), pool)

    # ------------------------------------------------------------------ reading

    def _date(self, k: int) -> datetime.date:
        return datetime.date.fromordinal(int(self._ordinals[k]))

    def _source(self, k: int) -> str | None:
        source: str | None = self._blocks[self._block_of[k]].sources[self._row_of[k]]
        return source

    def _profile(self, k: int) -> Profile:
        built = self._built.get(k)
        if built is None:
            built = self._built[k] = self._blocks[self._block_of[k]].make(int(self._row_of[k]))
        return built

    def _rows(self, subject: str) -> range:
        code = self._code_of.get(subject)
        if code is None:
            raise UnknownNodeError(subject, "subject in the history")
        return range(int(self._starts[code]), int(self._starts[code + 1]))

    def _node(self, node_id: str) -> int:
        try:
            return self._column[node_id]
        except KeyError:
            raise UnknownNodeError(node_id, "node") from None

    def _value(self, k: int, column: int) -> tuple[float | None, int | None]:
        level = int(self._levels[k, column])
        return (None, None) if level < 0 else (float(self._scores[k, column]), level)

    @property
    def model_id(self) -> str:
        """The model every profile is of (``""`` for an empty history)."""
        return self._model[0]

    @property
    def model_version(self) -> str:
        """The newest model version of the profiles: the one the node ids are of."""
        return self._model[1]

    @property
    def versions(self) -> tuple[str, ...]:
        """Every model version of the profiles, oldest first."""
        return self._versions

    @property
    def migrations(self) -> tuple[Migration, ...]:
        """The assessments migrated from an older version, by subject and date.

        Each :class:`~maturity_model.migration.Migration` holds the assessment as scored
        and its report (what was carried, flagged for review, dropped, new).
        """
        return self._migrations

    @property
    def subjects(self) -> tuple[str, ...]:
        """The subjects, sorted."""
        return self._names

    @property
    def node_ids(self) -> tuple[str, ...]:
        """The nodes, the model root first."""
        return self._node_ids

    def __len__(self) -> int:
        return len(self._ordinals)

    def __repr__(self) -> str:
        return (f"History(model={self.model_id!r}, version={self.model_version!r}, "
                f"subjects={len(self._names)}, profiles={len(self)})")

    def dates(self, subject: str) -> tuple[datetime.date, ...]:
        """The dates of a subject's profiles, oldest first."""
        return tuple(self._date(k) for k in self._rows(subject))

    def profiles(self, subject: str) -> tuple[Profile, ...]:
        """A subject's profiles, oldest first.

        :raises UnknownNodeError: no profile has this subject.
        """
        return tuple(self._profile(k) for k in self._rows(subject))

    def series(self, subject: str, node_id: str) -> Series:
        """A node's dates, scores and levels for one subject, oldest first.

        :raises UnknownNodeError: the subject or the node is not in the history.
        """
        rows = self._rows(subject)
        column = self._node(node_id)
        values = [self._value(k, column) for k in rows]
        return Series(subject=subject, node_id=node_id,
                      dates=tuple(self._date(k) for k in rows),
                      scores=tuple(s for s, _ in values), levels=tuple(lv for _, lv in values))

    def _latest(self, day: datetime.date | str) -> NDArray[np.intp]:
        """The row of each subject's latest profile dated on or before ``day``."""
        rows = np.nonzero(self._ordinals <= as_date(day).toordinal())[0]
        if not len(rows):
            return rows
        codes = self._codes[rows]
        keep = np.append(codes[1:] != codes[:-1], True)  # the last row of each subject
        latest: NDArray[np.intp] = rows[keep]
        return latest

    def as_of(self, day: datetime.date | str) -> tuple[Profile, ...]:
        """Each subject's latest profile dated on or before ``day`` (inclusive), by subject.

        A subject with no profile by then is left out. ``Cohort(history.as_of(day))`` gives
        percentiles among the latest profiles.
        """
        return tuple(self._profile(int(k)) for k in self._latest(day))

    def first_reached(self, subject: str, node_id: str, level: int) -> datetime.date | None:
        """The date of the subject's first profile with the node at ``level`` or above.

        ``None`` when no profile reaches it.
        """
        column = self._node(node_id)
        for k in self._rows(subject):
            if self._levels[k, column] >= level:
                return self._date(k)
        return None

    def journey(self, subject: str) -> Journey:
        """The subject from its first profile to its last.

        Each node has its start and end, and the practices below it whose scored value
        changed; :attr:`Journey.practices` lists them all. When the first and last
        profiles are of two model versions, practices are paired through the model diff
        and each node's ``note`` names the model changes behind its result.

        :raises UnknownNodeError: the subject is not in the history.
        """
        from maturity_model._history_changes import journey_of

        return journey_of(self, subject)

    def regressions(self, subject: str | None = None, node_id: str | None = None, *,
                    include_model_changes: bool = False) -> tuple[Regression, ...]:
        """Nodes that fell between consecutive profiles of a subject, by subject, date, node.

        A node fell when its score is lower by more than 1e-9, or its level is lower.
        Between profiles of two model versions, a fall that the model changes explain and
        no lost answer does (cause ``"model"``) is the model's, not the team's: it is left
        out unless ``include_model_changes``.

        :param subject: only this subject; ``node_id``: only this node.
        """
        from maturity_model._history_changes import falls

        return falls(self, subject, node_id, include_model_changes)

    def velocity(self, subject: str, start: datetime.date | str | None = None,
                 end: datetime.date | str | None = None, *,
                 node_id: str | None = None) -> float | None:
        """Levels per month of a node (the model root by default) between two dates.

        The score on a date is the one of the subject's latest profile on or before it (as
        :meth:`as_of` takes it); the velocity is the change of score over the months
        between the dates (a month: 365.2425 / 12 days). ``start`` and ``end`` default to
        the subject's first and last dates. ``None`` when the node is not assessed on
        either date or the subject has no profile by ``start``.

        :raises ValueError: ``end`` is not after ``start``.
        """
        from maturity_model._history_changes import velocity_of

        return velocity_of(self, subject, start, end, node_id)

    # ------------------------------------------------------------------ tables

    def to_records(self) -> list[dict[str, Any]]:
        """One plain dict per profile and node, subjects and dates in order.

        The columns are the :data:`~maturity_model.profile.IDENTITY_COLUMNS` (the date in
        ISO 8601; ``model_version``: the version the row's scores are of), then
        ``node_id``, ``kind``, ``name``, ``parent``, ``score``, ``level``.
        """
        from maturity_model._history_frame import history_records

        return history_records(self)

    def to_frame(self) -> pd.DataFrame:
        """The history in long form as a pandas DataFrame (needs the ``pandas`` extra).

        The columns of :meth:`to_records`; text columns are categorical, ``score`` is
        float (NaN: not assessed), ``level`` nullable ``Int16``.
        """
        from maturity_model._history_frame import history_frame

        return history_frame(self)
