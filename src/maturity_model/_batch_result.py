"""What the batch engine gives back: a block of scored rows, and one row of it (private).

See :mod:`maturity_model.batch`, which exports these classes.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
from numpy.typing import NDArray

from maturity_model._batch_kernel import COUNT_FIELDS, Outputs, score_block
from maturity_model._batch_profile import build_profile, with_answer_details
from maturity_model._batch_rules import observations_of
from maturity_model.evidence import Assessment

if TYPE_CHECKING:
    import pandas as pd

    from maturity_model.batch import CompiledModel
    from maturity_model.profile import Profile

__all__ = ["BatchResult", "ScoredRow"]


class BatchResult:
    """Scores, levels, coverage (and optionally answer counts) of many assessments.

    The arrays are laid out node-major in memory (``np.ascontiguousarray`` gives a
    row-major copy).

    :ivar scores: ``(assessments × nodes)`` float64, NaN where not assessed.
    :ivar levels: ``(assessments × nodes)`` int16, -1 where not assessed.
    :ivar coverage: ``(assessments × nodes × levels)`` float64 ``m(L)`` per scale level
        (pooled over the practices below a domain), NaN where vacuous; ``None`` when
        scored with ``coverage=False``.
    :ivar counts: ``(assessments × nodes × 5)`` int32 answer counts in the order of
        :data:`COUNT_FIELDS`; ``None`` unless scored with ``counts=True``.

    Columns are :attr:`CompiledModel.node_ids`.
    """

    def __init__(self, compiled: CompiledModel, outputs: Outputs,
                 inputs: tuple[Any, Any, Any]) -> None:
        self.compiled = compiled
        # Stored node-major: a node's column is contiguous, the kernel writes whole runs.
        self.scores: NDArray[np.float64] = outputs.scores.T
        self.levels: NDArray[np.int16] = outputs.levels.T
        self.coverage: NDArray[np.float64] | None = (
            None if outputs.coverage is None else outputs.coverage.transpose(2, 1, 0))
        self.counts: NDArray[np.int32] | None = (
            None if outputs.counts is None else outputs.counts.transpose(2, 0, 1))
        self._inputs = inputs

    @property
    def node_ids(self) -> tuple[str, ...]:
        """The output columns."""
        return self.compiled.node_ids

    def __len__(self) -> int:
        return int(self.scores.shape[0])

    def profile(self, index: int, *, subject: str = "", date: datetime.date | None = None,
                tags: Mapping[str, str] | None = None) -> Profile:
        """Row ``index`` as a :class:`~maturity_model.Profile`, equal to the object engine's.

        Scores, levels, coverage and counts are the batch's (coverage and counts are
        computed for this row if the batch skipped them); the explanations (missing
        practices, limits, violations, blocked practices) are read from the row's input.

        >>> import maturity_model as mm
        >>> m = mm.MaturityModel(id="m", scale=mm.LevelScale.range(1, 2), domains=[
        ...     mm.Domain(id="d", items=[mm.CapabilityItem(id="i", practices=[
        ...         mm.Practice(id="p1", level=1), mm.Practice(id="p2", level=2)])])])
        >>> p = mm.batch.compile(m).score([[1.0, 0.25]]).profile(0, subject="payments")
        >>> p["i"].level, p["i"].score, p["i"].missing, p["i"].counts.partial
        (1, 1.25, ('p2',), 1)
        """
        index = self._row(index)
        plan = self.compiled._plan
        values, na, observations = self._inputs
        row_na = None if na is None else na[index]
        coverage = None if self.coverage is None else self.coverage[index]
        counts = None if self.counts is None else self.counts[index]
        if coverage is None or counts is None:
            one = Outputs.allocate(plan, 1, coverage=True, counts=True)
            score_block(
                plan, values[index:index + 1], None if na is None else na[index:index + 1],
                None if observations is None else observations[index:index + 1], one,
                row_offset=index)
            assert one.coverage is not None
            assert one.counts is not None
            coverage = one.coverage[:, :, 0].T if coverage is None else coverage
            counts = one.counts[:, :, 0] if counts is None else counts
        return build_profile(plan, self.compiled._info, values[index], row_na,
                             self.scores[index], self.levels[index], coverage, counts,
                             subject=subject, date=date, tags=tags,
                             observed=None if observations is None
                             else observations_of(plan, observations, index))

    def records(self, index: int, *, subject: str = "",
                date: datetime.date | None = None) -> list[dict[str, Any]]:
        """Row ``index`` as one plain dict per node, as :meth:`Profile.to_records` gives.

        Answer counts are included when the batch was scored with ``counts=True``; the
        last columns are ``date``, ``model`` and ``model_version``
        (:data:`~maturity_model.profile.IDENTITY_COLUMNS`).

        >>> import maturity_model as mm
        >>> m = mm.MaturityModel(id="m", scale=mm.LevelScale.of("Basic"),
        ...     domains=[mm.Domain(id="d", items=[
        ...     mm.CapabilityItem(id="i", practices=[mm.Practice(id="p", level=1)])])])
        >>> mm.batch.compile(m).score([[0.5]], counts=True).records(0, subject="t")[2]
        ... # doctest: +NORMALIZE_WHITESPACE
        {'subject': 't', 'node_id': 'i', 'kind': 'item', 'name': 'i', 'parent': 'd',
         'score': 0.5, 'level': 0, 'met': 0, 'partial': 1, 'not_met': 0, 'na': 0,
         'unknown': 0, 'date': None, 'model': 'm', 'model_version': ''}
        """
        index = self._row(index)
        info = self.compiled._info
        scores = self.scores[index].tolist()
        levels = self.levels[index].tolist()
        counts = None if self.counts is None else self.counts[index].tolist()
        model = self.compiled.model
        identity = {"date": None if date is None else date.isoformat(), "model": model.id,
                    "model_version": model.version}
        records = []
        for k, node_id in enumerate(self.node_ids):
            kind, name, parent, _ = info[k]
            assessed = levels[k] >= 0
            record: dict[str, Any] = {
                "subject": subject, "node_id": node_id, "kind": kind, "name": name,
                "parent": parent, "score": scores[k] if assessed else None,
                "level": levels[k] if assessed else None}
            if counts is not None:
                record.update(zip(COUNT_FIELDS, counts[k], strict=True))
            record.update(identity)
            records.append(record)
        return records

    def _row(self, index: int) -> int:
        """``index`` as a row number in ``0 .. len(self) - 1`` (negative counts from the end)."""
        rows = len(self)
        position = int(index)
        if not -rows <= position < rows:
            raise IndexError(f"row {index} out of range for {rows} assessments")
        return position + rows if position < 0 else position

    def to_frame(self, index: Any = None, *, subjects: Any = None,
                 dates: Any = None) -> pd.DataFrame:
        """Scores and levels as a pandas DataFrame (needs the ``pandas`` extra).

        Columns ``score:<node id>`` (float, NaN not assessed), then ``level:<node id>``
        (nullable ``Int16``). Given ``subjects`` or ``dates`` (one per row), the frame
        also ends with the :data:`~maturity_model.profile.IDENTITY_COLUMNS` ``subject``,
        ``date`` (ISO 8601), ``model`` and ``model_version``.

        >>> import maturity_model as mm
        >>> m = mm.MaturityModel(id="m", scale=mm.LevelScale.of("Basic"),
        ...     domains=[mm.Domain(id="d", items=[
        ...     mm.CapabilityItem(id="i", practices=[mm.Practice(id="p", level=1)])])])
        >>> result = mm.batch.compile(m).score([[1.0]])
        >>> result.to_frame().columns.tolist()
        ['score:m', 'score:d', 'score:i', 'level:m', 'level:d', 'level:i']
        >>> result.to_frame(subjects=["t"], dates=["2024-01-31"]).iloc[0, -4:].tolist()
        ['t', '2024-01-31', 'm', '']
        """
        from maturity_model._batch_frame import result_frame

        frame = result_frame(self.node_ids, self.scores, self.levels, index)
        if subjects is None and dates is None:
            return frame
        rows = len(self)
        model = self.compiled.model
        frame["subject"] = list(subjects) if subjects is not None else [""] * rows
        frame["date"] = ([d.isoformat() if isinstance(d, datetime.date) else d
                          for d in dates] if dates is not None else [None] * rows)
        frame["model"] = model.id
        frame["model_version"] = model.version
        return frame

    def __repr__(self) -> str:
        return f"BatchResult(assessments={len(self)}, nodes={len(self.node_ids)})"


@attrs.frozen(eq=False)
class ScoredRow:
    """One assessment of :func:`score_stream`: its place in a batch result.

    >>> import maturity_model as mm
    >>> m = mm.MaturityModel(id="m", scale=mm.LevelScale.of("Basic"),
    ...     domains=[mm.Domain(id="d", items=[
    ...     mm.CapabilityItem(id="i", practices=[mm.Practice(id="p", level=1)])])])
    >>> a = mm.Assessment(model="m", subject="t", answers={"p": True})
    >>> rows = mm.batch.score_stream(mm.batch.compile(m), [("x", a)])
    >>> [(key, row.profile().overall.score) for key, row in rows]
    [('x', 1.0)]
    """

    assessment: Assessment
    result: BatchResult
    index: int

    @property
    def scores(self) -> NDArray[np.float64]:
        """The row's scores, in :attr:`CompiledModel.node_ids` order."""
        scores: NDArray[np.float64] = self.result.scores[self.index]
        return scores

    @property
    def levels(self) -> NDArray[np.int16]:
        """The row's levels (-1 where not assessed)."""
        levels: NDArray[np.int16] = self.result.levels[self.index]
        return levels

    def profile(self) -> Profile:
        """The assessment's :class:`~maturity_model.Profile`.

        Its subject, date and tags, and the notes and evidence of its answers, are included.
        """
        profile = self.result.profile(self.index, subject=self.assessment.subject,
                                      date=self.assessment.date, tags=self.assessment.tags)
        return with_answer_details(profile, self.result.compiled._plan.model,
                                   self.assessment)

    def records(self) -> list[dict[str, Any]]:
        """One plain dict per node, as :meth:`Profile.to_records` gives."""
        return self.result.records(self.index, subject=self.assessment.subject,
                                   date=self.assessment.date)
