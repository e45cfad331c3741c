"""The rows of a history, by origin: given profiles, or assessments scored in a batch.

Private: :class:`maturity_model.History` builds itself from these blocks.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
from numpy.typing import NDArray

from maturity_model._lazy import LazyResults
from maturity_model.errors import Problem, shown
from maturity_model.profile import NodeKind, Profile

if TYPE_CHECKING:
    from maturity_model.batch import BatchResult
    from maturity_model.evidence import Assessment
    from maturity_model.model import MaturityModel

NodeInfo = tuple[NodeKind, str, str | None]  # kind, name, parent


def as_date(value: datetime.date | str) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(value)


def where(source: str | None, index: int) -> str:
    return shown(source) if source is not None else f"profile {index}"


def model_keys(blocks: Sequence[Block]) -> list[tuple[str, str, str | None]]:
    """Each block's distinct (model id, version), with the first file of each."""
    keys: list[tuple[str, str, str | None]] = []
    for b in blocks:
        if len(set(b.versions)) == 1:
            keys.append((*b.versions[0], b.sources[0]))
        else:
            keys += [(m, v, s) for (m, v), s in zip(b.versions, b.sources, strict=True)]
    return keys


def ordinals_of(dates: Sequence[datetime.date | None]) -> NDArray[np.int64]:
    """Proleptic Gregorian ordinals of dates (none is missing by now)."""
    return np.fromiter((d.toordinal() for d in dates),  # type: ignore[union-attr]
                       dtype=np.int64, count=len(dates))


@attrs.frozen(kw_only=True, eq=False)
class Block:
    """Rows of one origin (given profiles, or one batch of scored assessments)."""

    node_ids: tuple[str, ...]
    info: tuple[NodeInfo, ...]
    subjects: Sequence[str]
    dates: Sequence[datetime.date | None]
    versions: Sequence[tuple[str, str]]  # (model id, model version) per row
    scores: NDArray[np.float64]
    levels: NDArray[np.int16]
    sources: Sequence[str | None]
    make: Callable[[int], Profile]



def standard(model_id: str, version: str | None) -> MaturityModel | None:
    from maturity_model import standards
    from maturity_model.errors import UnknownStandardError

    try:
        return standards.load(model_id, version)
    except UnknownStandardError:
        return None


def profile_block(profiles: Sequence[Profile], sources: Sequence[str | None]) -> Block:
    order = sorted(range(len(profiles)), key=lambda k: (
        profiles[k].subject, profiles[k].date or datetime.date.min, sources[k] or ""))
    info: dict[str, NodeInfo] = {}
    for k in order:
        for r in profiles[k].results.values():
            info.setdefault(r.node_id, (r.kind, r.name, r.parent))
    node_ids = tuple(info)
    scores = np.full((len(profiles), len(node_ids)), np.nan)
    levels = np.full(scores.shape, -1, dtype=np.int16)
    for row, profile in enumerate(profiles):
        for column, node_id in enumerate(node_ids):
            result = profile.results.get(node_id)
            if result is not None and result.score is not None and result.level is not None:
                scores[row, column] = result.score
                levels[row, column] = result.level
    return Block(node_ids=node_ids, info=tuple(info.values()),
                  subjects=[p.subject for p in profiles], dates=[p.date for p in profiles],
                  versions=[(p.model_id, p.model_version) for p in profiles],
                  scores=scores, levels=levels, sources=list(sources),
                  make=lambda row: profiles[row])


def profile_blocks(profiles: Sequence[Profile], sources: Sequence[str | None]) -> list[Block]:
    """The profiles in blocks, one per model id and version."""
    groups: dict[tuple[str, str], list[int]] = {}
    for k, p in enumerate(profiles):
        groups.setdefault((p.model_id, p.model_version), []).append(k)
    return [profile_block([profiles[k] for k in ks], [sources[k] for k in ks])
            for _, ks in sorted(groups.items())]


def unscored_block(members: Sequence[tuple[str | None, Assessment]]) -> Block:
    """Assessments of another version of the model: there only to be reported."""
    return Block(node_ids=(), info=(), subjects=[a.subject for _, a in members],
                  dates=[a.date for _, a in members],
                  versions=[(a.model, a.model_version or "") for _, a in members],
                  scores=np.empty((len(members), 0)),
                  levels=np.empty((len(members), 0), dtype=np.int16),
                  sources=[s for s, _ in members], make=_never)


def _never(row: int) -> Profile:
    raise AssertionError("a history never holds profiles of two versions")


def scored_block(model: MaturityModel, assessments: Sequence[Assessment],
                  sources: Sequence[str | None] | None, strict: bool,
                  ) -> tuple[list[Block], list[tuple[str | None, Problem]]]:
    from maturity_model import batch
    from maturity_model.errors import ValidationError
    from maturity_model.scoring import score

    listed = list(sources) if sources is not None else [None] * len(assessments)
    compiled = batch.compile(model)
    kept: list[int] = []
    rows: list[Any] = []
    found: list[tuple[str | None, Problem]] = []
    for k, outcome in batch.score_stream(compiled, list(enumerate(assessments)),
                                         strict=strict, counts=False):
        if isinstance(outcome, ValidationError):
            found += [(listed[k], p) for p in outcome.problems]
        else:
            kept.append(k)
            rows.append(outcome)
    if not kept:
        return [], found
    chosen = [assessments[k] for k in kept]
    info = tuple((kind, name, parent) for kind, name, parent, _ in compiled._info)
    block = Block(node_ids=compiled.node_ids, info=info,  # type: ignore[arg-type]
                   subjects=[a.subject for a in chosen], dates=[a.date for a in chosen],
                   versions=[(model.id, model.version)] * len(chosen),
                   scores=np.stack([r.scores for r in rows]),
                   levels=np.stack([r.levels for r in rows]),
                   sources=[listed[k] for k in kept],
                   make=lambda row: score(model, chosen[row], strict=strict))
    return [block], found


def deferred(result: BatchResult, row: int, keys: Mapping[str, None],
              practices: Mapping[str, None], *, subject: str, date: datetime.date,
              tags: Mapping[str, str]) -> Profile:
    """Row ``row`` as a profile whose results are built from the batch when first read."""
    from maturity_model._batch_rules import observations_of

    built: list[Profile] = []

    def full() -> Profile:
        if not built:
            built.append(result.profile(row, subject=subject, date=date, tags=tags))
        return built[0]

    model = result.compiled.model
    return Profile(model_id=model.id, model_version=model.version, subject=subject, date=date,
                   tags=tags, dependencies=model.dependencies, scale=model.scale,
                   results=LazyResults(keys, lambda node_id: full().results[node_id]),
                   practices=LazyResults(practices, lambda pid: full().practices[pid]),
                   observations=observations_of(result.compiled._plan, result._inputs[2], row))


def batch_block(result: BatchResult, subjects: Sequence[str], dates: Sequence[datetime.date],
                tags: Sequence[Mapping[str, str]] | None,
                sources: Sequence[str | None] | None) -> Block:
    """The rows of a batch result; row ``k`` is ``subjects[k]`` on ``dates[k]``."""
    rows = len(result)
    model = result.compiled.model
    keys: dict[str, None] = dict.fromkeys(result.node_ids)
    practices: dict[str, None] = dict.fromkeys(result.compiled.practice_ids)

    def make(row: int) -> Profile:
        return deferred(result, row, keys, practices, subject=subjects[row], date=dates[row],
                        tags=tags[row] if tags is not None else {})

    info = tuple((kind, name, parent) for kind, name, parent, _ in result.compiled._info)
    return Block(node_ids=result.node_ids, info=info,  # type: ignore[arg-type]
                 subjects=subjects, dates=dates, versions=[(model.id, model.version)] * rows,
                 scores=result.scores, levels=result.levels,
                 sources=list(sources) if sources is not None else [None] * rows, make=make)
