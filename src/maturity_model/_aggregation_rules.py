"""The built-in aggregation rules, each defined once for both engines (private).

:mod:`maturity_model.rules` re-exports them. Each rule's ``aggregate_columns`` is its
definition: it reads one column per child (scores, levels, weights, and whether the child
is assessed) and uses only arithmetic and the few operations of an :class:`Ops` — plain
Python for one assessment (:data:`PY_OPS`, where every child given is assessed), numpy in
the batch engine, where a column holds every domain of one height and every row.
``aggregate`` (the public protocol) calls it on one node's assessed children.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import reduce
from typing import Any, ClassVar, Literal

import attrs

from maturity_model._rule_base import ChildOutcome, Outcome

__all__ = ["PY_OPS", "Mean", "Minimum", "Ops", "Quantile", "Sum", "quantile_linear",
           "quantile_lower"]


@attrs.frozen
class Ops:
    """The operations aggregation kernels use beyond arithmetic.

    :param where: ``where(condition, a, b)``.
    :param minimum: the smaller of two values; one not assessed (NaN) is ignored.
    :param quantile: ``quantile(columns, valid, q, lower)`` over the valid children.
    """

    where: Callable[[Any, Any, Any], Any]
    minimum: Callable[[Any, Any], Any]
    quantile: Callable[[Sequence[Any], Sequence[Any], float, bool], Any]


def _py_quantile(columns: Sequence[Any], valid: Sequence[Any], q: float, lower: bool) -> Any:
    values = [c for c, ok in zip(columns, valid, strict=True) if ok]
    return quantile_lower(values, q) if lower else quantile_linear(values, q)


#: One assessment: plain floats and ints, every child given is assessed.
PY_OPS = Ops(where=lambda c, a, b: a if c else b, minimum=min, quantile=_py_quantile)


def _lowest(levels: Sequence[Any], ops: Ops) -> Any:
    return reduce(ops.minimum, levels)


def _columns(children: Sequence[ChildOutcome]) -> tuple[list[float], list[int],
                                                         list[float], list[bool]]:
    return ([c.score for c in children], [c.level for c in children],
            [c.weight for c in children], [True] * len(children))


@attrs.frozen(kw_only=True)
class Mean:
    """The weighted mean of the children's scores.

    The level is the minimum child level, or ``floor(score)`` with ``level="floor"``.

    >>> kids = [ChildOutcome(node_id="a", score=2.5, level=2),
    ...         ChildOutcome(node_id="b", score=3.5, level=3, weight=3)]
    >>> Mean().aggregate(kids)
    Outcome(score=3.25, level=2)
    >>> Mean(level="floor").aggregate(kids).level
    3
    """

    kind: ClassVar[str] = "mean"
    level: Literal["min", "floor"] = "min"

    def aggregate_columns(self, scores: Sequence[Any], levels: Sequence[Any],
                          weights: Sequence[Any], valid: Sequence[Any],
                          ops: Ops) -> tuple[Any, Any]:
        """``(score, level)``: the definition both engines run."""
        total: Any = 0.0
        weighted: Any = 0.0
        for s, w, ok in zip(scores, weights, valid, strict=True):  # left to right
            counted = w * ok  # 0 for a child left out
            total = total + counted
            weighted = weighted + counted * ops.where(ok, s, 0.0)
        score = weighted / total
        if self.level == "floor":
            return score, score // 1  # floor of the score as reported (DESIGN §2)
        return score, _lowest(levels, ops)

    def aggregate(self, children: Sequence[ChildOutcome]) -> Outcome:
        """Aggregate by the weighted mean."""
        score, level = self.aggregate_columns(*_columns(children), PY_OPS)
        return Outcome(score=score, level=int(level))


@attrs.frozen(kw_only=True)
class Minimum:
    """The weakest link: score and level are the minimum over the children.

    >>> Minimum().aggregate([ChildOutcome(node_id="a", score=2.6, level=2),
    ...                      ChildOutcome(node_id="b", score=1.5, level=1)])
    Outcome(score=1.5, level=1)
    """

    kind: ClassVar[str] = "minimum"

    def aggregate_columns(self, scores: Sequence[Any], levels: Sequence[Any],
                          weights: Sequence[Any], valid: Sequence[Any],
                          ops: Ops) -> tuple[Any, Any]:
        """``(score, level)``: the definition both engines run."""
        return _lowest(scores, ops), _lowest(levels, ops)

    def aggregate(self, children: Sequence[ChildOutcome]) -> Outcome:
        """Aggregate by the minimum."""
        score, level = self.aggregate_columns(*_columns(children), PY_OPS)
        return Outcome(score=score, level=int(level))


def _lerp(a: float, b: float, t: float) -> float:
    # The same two-sided form numpy uses, so results agree with np.quantile to the bit.
    diff = b - a
    if t >= 0.5:
        return b - diff * (1.0 - t)
    return a + diff * t


def quantile_linear(values: Sequence[float], q: float) -> float:
    """The q-quantile with linear interpolation (numpy's default method).

    >>> quantile_linear([1.0, 2.0, 3.0, 4.0], 0.25)
    1.75
    """
    xs = sorted(values)
    position = (len(xs) - 1) * q
    lower = math.floor(position)
    if lower >= len(xs) - 1:
        return xs[-1]
    return _lerp(xs[lower], xs[lower + 1], position - lower)


def quantile_lower(values: Sequence[int], q: float) -> int:
    """The q-quantile by numpy's ``method="lower"``.

    >>> quantile_lower([1, 2, 3, 4], 0.5)
    2
    """
    xs = sorted(values)
    return xs[min(math.floor((len(xs) - 1) * q), len(xs) - 1)]


@attrs.frozen(kw_only=True)
class Quantile:
    """The q-quantile of the children's scores (linear) and levels (numpy ``lower``).

    Weights are not used. Sorting is the one step that is not arithmetic: ``ops.quantile``
    is :func:`quantile_linear` / :func:`quantile_lower` on one assessment and a sort along
    the children axis in the batch engine (the property tests hold the two equal).

    >>> Quantile(q=0.25).aggregate([ChildOutcome(node_id=str(i), score=s, level=int(s))
    ...                              for i, s in enumerate([1.0, 2.0, 3.0, 4.0])])
    Outcome(score=1.75, level=1)
    """

    kind: ClassVar[str] = "quantile"
    q: float = 0.5

    def aggregate_columns(self, scores: Sequence[Any], levels: Sequence[Any],
                          weights: Sequence[Any], valid: Sequence[Any],
                          ops: Ops) -> tuple[Any, Any]:
        """``(score, level)``: the definition both engines run."""
        return (ops.quantile(scores, valid, self.q, False),
                ops.quantile(levels, valid, self.q, True))

    def aggregate(self, children: Sequence[ChildOutcome]) -> Outcome:
        """Aggregate by a quantile."""
        score, level = self.aggregate_columns(*_columns(children), PY_OPS)
        return Outcome(score=score, level=int(level))


@attrs.frozen(kw_only=True)
class Sum:
    """The sum of the children's scores; the level is the minimum child level.

    >>> Sum().aggregate([ChildOutcome(node_id="a", score=0.5, level=0),
    ...                  ChildOutcome(node_id="b", score=1.25, level=1)])
    Outcome(score=1.75, level=0)
    """

    kind: ClassVar[str] = "sum"

    def aggregate_columns(self, scores: Sequence[Any], levels: Sequence[Any],
                          weights: Sequence[Any], valid: Sequence[Any],
                          ops: Ops) -> tuple[Any, Any]:
        """``(score, level)``: the definition both engines run."""
        total: Any = 0.0
        for s, ok in zip(scores, valid, strict=True):  # left to right
            total = total + ops.where(ok, s, 0.0)
        return total, _lowest(levels, ops)

    def aggregate(self, children: Sequence[ChildOutcome]) -> Outcome:
        """Aggregate by the sum."""
        score, level = self.aggregate_columns(*_columns(children), PY_OPS)
        return Outcome(score=score, level=int(level))
