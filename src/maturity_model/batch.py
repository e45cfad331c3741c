"""The compiled batch engine: many assessments at once, with numpy.

:func:`compile` turns a model into arrays once; :meth:`CompiledModel.score` then scores an
``(assessments × practices)`` array of answer values and returns a :class:`BatchResult`
with score, level and per-level coverage for every node. Every built-in rule of DESIGN §2
and every dependency policy is computed as :func:`maturity_model.score` computes it, to
the bit (DESIGN invariant 6): ``result.profile(i)`` is the profile of row ``i``.

>>> import numpy as np
>>> import maturity_model as mm
>>> from maturity_model import batch
>>> model = mm.MaturityModel(id="m", scale=mm.LevelScale.range(1, 3), domains=[
...     mm.Domain(id="d", items=[mm.CapabilityItem(id="vcs", practices=[
...         mm.Practice(id="vcs.1", level=1), mm.Practice(id="vcs.2", level=2),
...         mm.Practice(id="vcs.3", level=3)])])])
>>> compiled = batch.compile(model)
>>> compiled.practice_ids, compiled.node_ids
(('vcs.1', 'vcs.2', 'vcs.3'), ('m', 'd', 'vcs'))
>>> result = compiled.score(np.array([[1.0, 1.0, 0.5], [1.0, np.nan, 0.0]]))
>>> result.scores.tolist(), result.levels.tolist()
([[2.5, 2.5, 2.5], [1.0, 1.0, 1.0]], [[2, 2, 2], [1, 1, 1]])

**Input.** Columns are :attr:`CompiledModel.practice_ids` (document order). A cell is the
answer value in [0, 1]; NaN is unknown (counts as 0, but is not evidence); the boolean
mask ``na`` marks N/A (it wins over the cell). Labels, ``yes``/``no`` and practices judged
from a metric are resolved before the array is built: :func:`from_assessments` does that
with :func:`~maturity_model.evidence.resolve_answers`, :meth:`CompiledModel.score_frame`
for a pandas frame, :meth:`CompiledModel.judge_metrics` for raw arrays. ``observations``
is an ``(assessments × metrics)`` array, columns :attr:`CompiledModel.metric_names`, NaN
where nothing was observed; ``metric-bands`` items read it.

**Output.** Columns are :attr:`CompiledModel.node_ids`: the model root first, then every
node in the order of :attr:`maturity_model.Profile.results`. ``scores`` is NaN and
``levels`` is -1 where a node is not assessed.

**Memory.** Rows are scored a chunk at a time (``chunk_size`` rows, by default about
2 MiB of work arrays), so beyond the inputs and the outputs scoring holds a few arrays of
one chunk. :meth:`CompiledModel.score_iter` streams: it scores an iterable of chunks
and yields one result per chunk, so a million assessments never need to be in memory
at once.

**Custom rules.** A rule registered by the user (any rule that is not one of the built-in
classes) is computed through the object path: the engine builds its
:class:`~maturity_model.rules.ItemEvidence` or :class:`~maturity_model.rules.ChildOutcome`
list row by row and calls the rule. It is correct and slow.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from maturity_model._batch_input import BatchInput, from_assessments, score_stream
from maturity_model._batch_kernel import (
    COUNT_FIELDS,
    Outputs,
    Workspace,
    aggregate,
    judge_metrics,
    score_items,
)
from maturity_model._batch_plan import Plan, build_plan
from maturity_model._batch_profile import node_kinds
from maturity_model._batch_result import BatchResult, ScoredRow
from maturity_model.errors import AssessmentValidationError, Problem
from maturity_model.evidence import Assessment
from maturity_model.model import MaturityModel

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "COUNT_FIELDS",
    "BatchInput",
    "BatchResult",
    "CompiledModel",
    "ScoredRow",
    "compile",
    "from_assessments",
    "score_stream",
]

_WORK_BYTES = 2 << 20  # one chunk of float64 answers: about the size of a core's L2
_NODE_BYTES = 2 << 20  # node results aggregated at once


class CompiledModel:
    """A model turned into arrays once, ready to score many assessments.

    Build one with :func:`compile`. It is immutable, can be shared between threads, and
    pickles (for dask or multiprocessing) as its model document.
    """

    def __init__(self, plan: Plan) -> None:
        self._plan = plan
        self._info = node_kinds(plan)
        self._node_index = {node_id: k for k, node_id in enumerate(plan.node_ids)}

    @property
    def model(self) -> MaturityModel:
        """The model this was compiled from."""
        return self._plan.model

    @property
    def practice_ids(self) -> tuple[str, ...]:
        """Input columns: every practice id in document order."""
        return self._plan.practice_ids

    @property
    def node_ids(self) -> tuple[str, ...]:
        """Output columns: the model id (the root), then every node as a profile orders them."""
        return self._plan.node_ids

    @property
    def metric_names(self) -> tuple[str, ...]:
        """Columns of ``observations``: every metric the model names, first use first."""
        return self._plan.metric_names

    @property
    def scale_values(self) -> tuple[int, ...]:
        """The last axis of :attr:`BatchResult.coverage`: the scale's level values."""
        return self._plan.scale_values

    def node_index(self, node_id: str) -> int:
        """The output column of a node (0 is the model root).

        >>> import maturity_model as mm
        >>> m = mm.MaturityModel(id="m", scale=mm.LevelScale.of("Basic"),
        ...     domains=[mm.Domain(id="d", items=[
        ...     mm.CapabilityItem(id="i", practices=[mm.Practice(id="p", level=1)])])])
        >>> compile(m).node_index("i")
        2
        """
        try:
            return self._node_index[node_id]
        except KeyError:
            from maturity_model.errors import UnknownNodeError

            raise UnknownNodeError(node_id, "node") from None

    def chunk_rows(self) -> int:
        """The default number of rows per chunk for this model (about 2 MiB of work arrays).

        >>> import maturity_model as mm
        >>> compile(mm.MaturityModel(id="m")).chunk_rows()
        4096
        """
        return int(min(4096, max(16, _WORK_BYTES // (8 * max(1, self._plan.n_practices)))))

    def score(self, values: Any, na: Any = None, observations: Any = None, *,
              coverage: bool = True, counts: bool = False,
              chunk_size: int | None = None) -> BatchResult:
        """Score every row of ``values``; see the module docs for the layout.

        :param values: ``(assessments × practices)`` numbers in [0, 1], NaN for unknown.
        :param na: optional boolean mask of the same shape; true means N/A.
        :param observations: optional ``(assessments × metrics)`` floats, NaN for none.
        :param coverage: also compute per-level coverage of every node.
        :param counts: also count answers by kind per node (:data:`COUNT_FIELDS`).
        :param chunk_size: rows scored at once; the default keeps work arrays near 2 MiB.
        :raises AssessmentValidationError: a value outside [0, 1] or an infinite
            observation (the first 20 listed by row and practice).
        :raises ValueError: an array of the wrong shape.

        The result keeps references to the inputs, to explain rows in
        :meth:`BatchResult.profile`.

        >>> import numpy as np
        >>> import maturity_model as mm
        >>> m = mm.MaturityModel(id="m", scale=mm.LevelScale.of("Basic"),
        ...     domains=[mm.Domain(id="d", items=[
        ...     mm.CapabilityItem(id="i", practices=[mm.Practice(id="p", level=1),
        ...                                          mm.Practice(id="q", level=1)])])])
        >>> r = compile(m).score([[1, 0.5], [np.nan, np.nan]], na=[[False, True], [0, 0]])
        >>> r.scores[:, 2].tolist(), r.levels[:, 2].tolist()
        ([1.0, nan], [1, -1])
        """
        values, na, observations = self._check(values, na, observations)
        rows = values.shape[0]
        step = chunk_size if chunk_size is not None else self.chunk_rows()
        if step < 1:
            raise ValueError(f"chunk_size must be at least 1, not {step}")
        plan = self._plan
        out = Outputs.allocate(plan, rows, coverage=coverage, counts=counts)
        work = Workspace()
        # Items chunk by chunk (the answers stay in cache); domains over several chunks at
        # once, as their steps are many and small.
        span = step * max(1, _NODE_BYTES // (8 * plan.n_nodes * step))
        for first in range(0, rows, span):
            last = min(rows, first + span)
            node_levels = work.take("node_levels", (plan.n_nodes, last - first))
            for start in range(first, last, step):
                stop = min(last, start + step)
                score_items(
                    plan, values[start:stop], None if na is None else na[start:stop],
                    None if observations is None else observations[start:stop],
                    out.rows(start, stop), node_levels[:, start - first:stop - first],
                    row_offset=start, work=work)
            aggregate(plan, out.rows(first, last), node_levels)
        return BatchResult(self, out, (values, na, observations))

    def score_iter(self, chunks: Iterable[Any], *, coverage: bool = True,
                   counts: bool = False, chunk_size: int | None = None,
                   ) -> Iterator[BatchResult]:
        """Score a stream of chunks, yielding one :class:`BatchResult` per chunk.

        Each chunk is a ``values`` array, a ``(values, na)`` or
        ``(values, na, observations)`` tuple, or a :class:`BatchInput`. Only the chunk
        being scored and its result are held, so memory stays bounded however many
        assessments flow through.

        >>> import numpy as np
        >>> import maturity_model as mm
        >>> m = mm.MaturityModel(id="m", scale=mm.LevelScale.of("Basic"),
        ...     domains=[mm.Domain(id="d", items=[
        ...     mm.CapabilityItem(id="i", practices=[mm.Practice(id="p", level=1)])])])
        >>> chunks = (np.full((1000, 1), k / 4) for k in range(5))
        >>> [float(r.scores[:, 0].mean()) for r in compile(m).score_iter(chunks)]
        [0.0, 0.25, 0.5, 0.75, 1.0]
        """
        for chunk in chunks:
            if isinstance(chunk, tuple):
                yield self.score(*chunk, coverage=coverage, counts=counts,
                                 chunk_size=chunk_size)
            else:
                yield self.score(chunk, coverage=coverage, counts=counts,
                                 chunk_size=chunk_size)

    def from_assessments(self, assessments: Iterable[Assessment], *, strict: bool = True,
                         as_of: datetime.date | None = None) -> BatchInput:
        """The arrays of :meth:`score` for these assessments: :func:`from_assessments`.

        >>> import maturity_model as mm
        >>> m = mm.MaturityModel(id="m", scale=mm.LevelScale.of("Basic"),
        ...     domains=[mm.Domain(id="d", items=[
        ...     mm.CapabilityItem(id="i", practices=[mm.Practice(id="p", level=1)])])])
        >>> c = compile(m)
        >>> c.score(*c.from_assessments([mm.Assessment(model="m", answers={"p": "yes"})])
        ...         ).levels.tolist()
        [[1, 1, 1]]
        """
        return from_assessments(self, assessments, strict=strict, as_of=as_of)

    def judge_metrics(self, values: Any, observations: Any, na: Any = None,
                      ) -> NDArray[np.float64]:
        """A copy of ``values`` with unknown cells of metric practices judged from observations.

        The object engine judges a practice with a ``metric`` criterion from the
        observation when it has no explicit answer; :meth:`score` never does (it takes
        resolved values), so call this first when your array leaves those cells NaN.
        Cells marked N/A stay as they are.

        >>> import numpy as np
        >>> import maturity_model as mm
        >>> m = mm.MaturityModel(id="m", scale=mm.LevelScale.of("Basic"),
        ...     domains=[mm.Domain(id="d", items=[
        ...     mm.CapabilityItem(id="i", practices=[mm.Practice(
        ...         id="cov", level=1, metric=mm.MetricCriterion(name="cov_pct",
        ...                                                      threshold=80))])])])
        >>> compile(m).judge_metrics([[np.nan], [np.nan], [0.5]], [[85.0], [70.0], [90.0]])
        array([[1. ],
               [0. ],
               [0.5]])
        """
        out = np.array(values, dtype=np.float64)
        obs = np.asarray(observations, dtype=np.float64)
        missing = np.isnan(out)
        if na is not None:
            missing &= ~np.asarray(na, dtype=np.bool_)
        judge_metrics(self._plan, out, obs, missing)
        return out

    def score_frame(self, frame: pd.DataFrame, *, strict: bool = True,
                    na: Any = None) -> pd.DataFrame:
        """Score a pandas DataFrame: one row an assessment, one column a practice.

        Cells are what a CSV table accepts: numbers in [0, 1], booleans, numeric strings,
        ``"n/a"`` (any case), ``"yes"``/``"no"``, labels of the practice's answer set, or
        None/NaN/NA (unknown); any pandas dtype (object, categorical, nullable, ``str``,
        pyarrow strings).
        Columns named like :attr:`metric_names` are observations; a practice judged from
        a metric takes its value from them where its own cell is empty. Returns a frame
        with the input's index and columns ``score:<node id>`` (float, NaN not assessed)
        then ``level:<node id>`` (nullable ``Int16``). Under dask::

            ddf.map_partitions(compiled.score_frame, meta=compiled.frame_meta())

        :param strict: reject columns that are neither practices nor metrics (a typo
            would otherwise silently make a practice unknown); false ignores them.
        :param na: a boolean frame (aligned by index and columns) or array shaped like
            ``frame``, true where the answer is N/A, whatever the cell holds; ``False``
            says there is no N/A beyond what the cells say. Without it, NaN in a text
            column warns :class:`~maturity_model.errors.NaNAnswerWarning`: pandas'
            ``read_csv`` reads ``n/a`` as NaN unless given ``keep_default_na=False``.
        :raises AssessmentValidationError: bad answers, listed by column and value.
        :raises MissingExtraError: pandas is not installed.

        >>> import pandas as pd
        >>> import maturity_model as mm
        >>> m = mm.MaturityModel(id="m", scale=mm.LevelScale.range(1, 2), domains=[
        ...     mm.Domain(id="d", items=[mm.CapabilityItem(id="i", practices=[
        ...         mm.Practice(id="p1", level=1), mm.Practice(id="p2", level=2)])])])
        >>> df = pd.DataFrame({"p1": ["yes", "n/a", None], "p2": [0.5, 1.0, None]},
        ...                   index=["payments", "cards", "loans"])
        >>> compile(m).score_frame(df)[["score:i", "level:i"]]
                  score:i  level:i
        payments      1.5        1
        cards         2.0        2
        loans         NaN     <NA>
        """
        from maturity_model._batch_frame import frame_input

        values, na_mask, observations = frame_input(self._plan, frame, strict=strict, na=na)
        return self.score(values, na_mask, observations, coverage=False).to_frame(
            index=frame.index)

    def frame_meta(self) -> pd.DataFrame:
        """An empty frame shaped like :meth:`score_frame`'s output (dask's ``meta``).

        >>> import maturity_model as mm
        >>> m = mm.MaturityModel(id="m", scale=mm.LevelScale.of("Basic"),
        ...     domains=[mm.Domain(id="d", items=[
        ...     mm.CapabilityItem(id="i", practices=[mm.Practice(id="p", level=1)])])])
        >>> compile(m).frame_meta().dtypes.astype(str).tolist()
        ['float64', 'float64', 'float64', 'Int16', 'Int16', 'Int16']
        """
        return self.score(np.empty((0, self._plan.n_practices)), coverage=False).to_frame()

    def _check(self, values: Any, na: Any, observations: Any) -> tuple[Any, Any, Any]:
        values = np.asarray(values)
        n_practices = self._plan.n_practices
        if values.ndim != 2 or values.shape[1] != n_practices:
            raise ValueError(f"values must have shape (assessments, {n_practices}), "
                             f"not {values.shape}")
        if values.dtype.kind not in "biuf":
            raise ValueError(f"values must be numbers, not {values.dtype}; resolve labels "
                             "with from_assessments or score_frame")
        if na is not None:
            na = np.asarray(na, dtype=np.bool_)
            if na.shape != values.shape:
                raise ValueError(f"na must have the shape of values, {values.shape}, "
                                 f"not {na.shape}")
        if observations is not None:
            observations = np.asarray(observations, dtype=np.float64)
            expected = (values.shape[0], len(self._plan.metric_names))
            if observations.shape != expected:
                raise ValueError(f"observations must have shape {expected} (columns: "
                                 f"metric_names), not {observations.shape}")
            if np.isinf(observations).any():
                rows, cols = np.nonzero(np.isinf(observations))
                raise AssessmentValidationError([Problem.of(
                    "invalid-value",
                    f"observations[{int(r)}, {self._plan.metric_names[int(c)]!r}]",
                    "an observation must be a finite number")
                    for r, c in zip(rows[:20], cols[:20], strict=True)])
        return values, na, observations

    def __reduce__(self) -> tuple[Any, ...]:
        from maturity_model.rules import (
            BUILTIN_AGGREGATION_RULES,
            BUILTIN_ITEM_RULES,
            default_rule_registry,
        )
        from maturity_model.serialization import model_to_dict

        model = self._plan.model
        builtin = (*BUILTIN_ITEM_RULES, *BUILTIN_AGGREGATION_RULES)
        rules: list[Any] = [model.item_rule(item) for item in model.items()]
        rules += [model.domain_rule(d) for d in (None, *model.domains_preorder())]
        custom = tuple(dict.fromkeys(type(r) for r in rules if type(r) not in builtin))
        registry = default_rule_registry()
        for cls in custom:
            registry.register(cls)
        extra = self._plan.metric_names
        return (_restore, (model_to_dict(model, registry=registry), custom, extra))

    def __repr__(self) -> str:
        return (f"CompiledModel(model={self.model.id!r}, practices={len(self.practice_ids)}, "
                f"nodes={len(self.node_ids)})")


def _restore(doc: dict[str, Any], custom: tuple[type[Any], ...],
             metrics: tuple[str, ...]) -> CompiledModel:
    from maturity_model.rules import default_rule_registry
    from maturity_model.serialization import model_from_dict

    registry = default_rule_registry()
    for cls in custom:
        registry.register(cls)
    return compile(model_from_dict(doc, registry=registry), metrics=metrics)


def compile(model: MaturityModel, *, metrics: Iterable[str] = ()) -> CompiledModel:
    """Turn ``model`` into arrays once, for :meth:`CompiledModel.score`.

    :param metrics: more observation columns, for custom rules that read metrics the
        model does not name.
    :raises ModelValidationError: the model has error-level problems.

    >>> import maturity_model as mm
    >>> m = mm.MaturityModel(id="m", domains=[mm.Domain(id="d", items=[
    ...     mm.CapabilityItem(id="i", rule=mm.MetricBands(metric="lead_time", better="lower",
    ...                                                   bounds={2: 24, 1: 168}))])])
    >>> compile(m).metric_names
    ('lead_time',)
    """
    return CompiledModel(build_plan(model, metrics))
