"""Assessments into the batch engine's arrays, all at once or streamed in chunks (private).

See :mod:`maturity_model.batch`, which exports these names.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

import numpy as np
from numpy.typing import NDArray

from maturity_model._batch_plan import Plan
from maturity_model._batch_result import ScoredRow
from maturity_model.errors import AssessmentValidationError
from maturity_model.evidence import Assessment, resolve_answers

if TYPE_CHECKING:
    from maturity_model.batch import CompiledModel

__all__ = ["BatchInput", "from_assessments", "score_stream"]

K = TypeVar("K")
E = TypeVar("E", bound=BaseException)


class BatchInput(NamedTuple):
    """The arrays :meth:`CompiledModel.score` takes: ``compiled.score(*batch_input)``.

    :param values: ``(assessments × practices)`` float64 answer values, NaN unknown.
    :param na: boolean mask of the same shape, true for N/A.
    :param observations: ``(assessments × metrics)`` float64, NaN where not observed.
    """

    values: NDArray[np.float64]
    na: NDArray[np.bool_]
    observations: NDArray[np.float64]


def _fill_row(plan: Plan, assessment: Assessment, values: Any, na: Any, observations: Any,
              *, strict: bool, as_of: datetime.date | None = None) -> None:
    answers = resolve_answers(plan.model, assessment, strict=strict, as_of=as_of)
    for j, pid in enumerate(plan.practice_ids):
        answer = answers[pid]
        if answer.status == "n/a":
            na[j] = True
        elif answer.status != "unknown":
            values[j] = answer.value
    for k, name in enumerate(plan.metric_names):
        observed = assessment.observations.get(name)
        if observed is not None:
            observations[k] = float(observed)


def from_assessments(compiled: CompiledModel, assessments: Iterable[Assessment], *,
                     strict: bool = True, as_of: datetime.date | None = None) -> BatchInput:
    """The arrays of :meth:`CompiledModel.score` for these assessments, one row each.

    ``as_of`` stands for today where evidence age is measured, as in
    :func:`maturity_model.score`.

    Answers are resolved by :func:`~maturity_model.evidence.resolve_answers`, exactly as
    :func:`maturity_model.score` resolves them: labels, ``yes``/``no``, ``n/a`` and
    practices judged from a metric observation.

    :raises AssessmentValidationError: the first assessment with problems (all listed).

    >>> import maturity_model as mm
    >>> m = mm.MaturityModel(id="m", scale=mm.LevelScale.of("Basic"),
    ...     domains=[mm.Domain(id="d", items=[
    ...     mm.CapabilityItem(id="i", practices=[mm.Practice(id="p", level=1),
    ...                                          mm.Practice(id="q", level=1)])])])
    >>> c = mm.batch.compile(m)
    >>> x = from_assessments(c, [mm.Assessment(model="m", answers={"p": "yes", "q": "n/a"})])
    >>> x.values.tolist(), x.na.tolist()
    ([[1.0, nan]], [[False, True]])
    >>> c.score(*x).scores.tolist()
    [[1.0, 1.0, 1.0]]
    """
    plan = compiled._plan
    batch = list(assessments)
    values = np.full((len(batch), plan.n_practices), np.nan)
    na = np.zeros(values.shape, dtype=np.bool_)
    observations = np.full((len(batch), len(plan.metric_names)), np.nan)
    for row, assessment in enumerate(batch):
        _fill_row(plan, assessment, values[row], na[row], observations[row], strict=strict,
                  as_of=as_of)
    return BatchInput(values, na, observations)


def score_stream(compiled: CompiledModel, items: Iterable[tuple[K, Assessment | E]], *,
                 chunk_size: int = 1024, strict: bool = True, coverage: bool = False,
                 counts: bool = True,
                 ) -> Iterator[tuple[K, ScoredRow | E | AssessmentValidationError]]:
    """Score ``(key, assessment)`` pairs in chunks, yielding ``(key, outcome)`` in order.

    This is what ``maturity score`` over many files or table rows calls. The outcome is
    a :class:`ScoredRow` (``.records()`` for a CSV row per node, ``.profile()`` for
    JSON), the :class:`AssessmentValidationError` of an assessment that does not resolve,
    or the item itself when it is an exception already (a file that did not load), so
    one bad input never stops the stream. At most ``chunk_size`` assessments are held.

    >>> import maturity_model as mm
    >>> m = mm.MaturityModel(id="m", scale=mm.LevelScale.of("Basic"),
    ...     domains=[mm.Domain(id="d", items=[
    ...     mm.CapabilityItem(id="i", practices=[mm.Practice(id="p", level=1)])])])
    >>> items = [("a.yaml", mm.Assessment(model="m", answers={"p": 0.5})),
    ...          ("b.yaml", mm.Assessment(model="m", answers={"p": 7}))]
    >>> for key, outcome in mm.batch.score_stream(mm.batch.compile(m), items):
    ...     print(key, outcome.scores.tolist() if isinstance(outcome, ScoredRow)
    ...           else outcome.codes)
    a.yaml [0.5, 0.5, 0.5]
    b.yaml ('invalid-value',)
    """
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be at least 1, not {chunk_size}")
    pending: list[tuple[K, Assessment | E]] = []
    held = 0
    for key, item in items:
        pending.append((key, item))
        if isinstance(item, Assessment):
            held += 1
            if held >= chunk_size:
                yield from _flush(compiled, pending, strict=strict, coverage=coverage,
                                  counts=counts)
                pending, held = [], 0
    yield from _flush(compiled, pending, strict=strict, coverage=coverage, counts=counts)


def _flush(compiled: CompiledModel, pending: Sequence[tuple[K, Assessment | E]], *,
           strict: bool, coverage: bool, counts: bool,
           ) -> Iterator[tuple[K, ScoredRow | E | AssessmentValidationError]]:
    plan = compiled._plan
    n = sum(isinstance(item, Assessment) for _, item in pending)
    values = np.full((n, plan.n_practices), np.nan)
    na = np.zeros(values.shape, dtype=np.bool_)
    observations = np.full((n, len(plan.metric_names)), np.nan)
    outcomes: list[int | AssessmentValidationError | E] = []
    row = 0
    for _, item in pending:
        if not isinstance(item, Assessment):
            outcomes.append(item)
            continue
        try:
            _fill_row(plan, item, values[row], na[row], observations[row], strict=strict)
        except AssessmentValidationError as exc:
            outcomes.append(exc)
            continue
        outcomes.append(row)
        row += 1
    result = compiled.score(values[:row], na[:row], observations[:row], coverage=coverage,
                            counts=counts)
    for (key, item), outcome in zip(pending, outcomes, strict=True):
        if isinstance(outcome, int):
            assert isinstance(item, Assessment)
            yield key, ScoredRow(assessment=item, result=result, index=outcome)
        else:
            yield key, outcome
