"""Results and profiles: what scoring produces.

A :class:`Profile` holds one :class:`Result` per node (the model root, every domain, every
capability item) and one :class:`PracticeResult` per practice. It is immutable and
self-contained: it can be written to JSON and read back without the model.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final, Literal, TypeVar

import attrs

from maturity_model._display_registry import formatter
from maturity_model._lazy import LazyResults
from maturity_model._messages import translator
from maturity_model.errors import UnknownNodeError
from maturity_model.evidence import AnswerStatus, EvidenceGap, EvidenceRecord, tags_converter
from maturity_model.languages import TEXT, as_text, in_language
from maturity_model.levels import LevelScale

__all__ = [
    "IDENTITY_COLUMNS",
    "Blocked",
    "Counts",
    "NodeKind",
    "PracticeResult",
    "Profile",
    "Result",
    "Violation",
]

NodeKind = Literal["model", "domain", "item"]
V = TypeVar("V")

#: The columns that say whose result a row is, when, and against which model version.
#: Every table of results has them (records, frames, the CSV and Parquet of ``maturity
#: score``, long and wide): a table that already had some of them keeps its columns in
#: their order and appends the ones it lacked at its end, in this order.
IDENTITY_COLUMNS: Final = ("subject", "date", "model", "model_version")


def _frozen_map(values: Mapping[Any, Any] | None) -> Mapping[Any, Any]:
    if isinstance(values, MappingProxyType | LazyResults):
        return values
    return MappingProxyType(dict(values or {}))


def _tuple(values: Iterable[Any]) -> tuple[Any, ...]:
    return values if type(values) is tuple else tuple(values)


@attrs.frozen(kw_only=True)
class Counts:
    """How many practices have each kind of answer (after dependency enforcement).

    >>> c = Counts(met=3, partial=1, not_met=2, na=1, unknown=4)
    >>> c.total, c.evidenced
    (11, 6)
    """

    met: int = 0
    partial: int = 0
    not_met: int = 0
    na: int = 0
    unknown: int = 0

    @property
    def total(self) -> int:
        """All practices counted."""
        return self.met + self.partial + self.not_met + self.na + self.unknown

    @property
    def evidenced(self) -> int:
        """Practices with an answer other than N/A and unknown."""
        return self.met + self.partial + self.not_met

    def __add__(self, other: Counts) -> Counts:
        return Counts(met=self.met + other.met, partial=self.partial + other.partial,
                      not_met=self.not_met + other.not_met, na=self.na + other.na,
                      unknown=self.unknown + other.unknown)


@attrs.frozen(kw_only=True)
class Violation:
    """A practice with credit whose prerequisite is not met.

    :param practice: the practice that has a value above 0.
    :param requirement: the requirement as written (a practice id or ``item@L``).
    :param unmet: the prerequisite practices that are not met.
    """

    practice: str
    requirement: str
    unmet: tuple[str, ...] = attrs.field(converter=_tuple)

    def __str__(self) -> str:
        return (f"{self.practice} requires {self.requirement}, which is not met "
                f"({', '.join(self.unmet)})")


@attrs.frozen(kw_only=True)
class Blocked:
    """A practice counted as not met because its prerequisites are not (policy ``enforce``).

    :param by: its direct prerequisites that are not met or are blocked themselves.
    """

    practice: str
    by: tuple[str, ...] = attrs.field(converter=_tuple)

    def __str__(self) -> str:
        return f"{self.practice} is blocked by {', '.join(self.by)}"


@attrs.frozen(kw_only=True)
class PracticeResult:
    """One practice in a profile: its answer as given and the value that was scored.

    :param status: the resolved answer's status (before enforcement).
    :param value: the value scored (after enforcement); ``None`` for N/A.
    :param blocked_by: set when ``enforce`` counted the practice as not met.
    :param rating: the item rule's rating of the answer, for rules that rate single
        answers (``iso33020``: ``"N"``, ``"P"``, ``"L"`` or ``"F"``); else ``None``.
    :param mandatory: the model marks the practice mandatory (a certificate needs an
        answer to it).
    :param note: the note given with the answer.
    :param evidence: the evidence records given with the answer.
    :param evidence_gap: ``"missing"`` or ``"stale"`` when the practice needs evidence and
        its answer counted as unknown for want of it.
    """

    practice_id: str
    item_id: str
    level: int
    status: AnswerStatus
    value: float | None
    weight: float = 1.0
    blocked_by: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    rating: str | None = None
    mandatory: bool = False
    note: str = ""
    evidence: tuple[EvidenceRecord, ...] = attrs.field(default=(), converter=_tuple)
    evidence_gap: EvidenceGap | None = None

    @property
    def met(self) -> bool:
        """Fully met after enforcement."""
        return self.value is not None and self.value >= 1.0


#: The fields of a :class:`Result` that scoring may fill on first read.
_DEFERRED_FIELDS = frozenset({"coverage", "counts", "missing", "limited_by", "violations",
                              "blocked", "observed", "next_bound"})


# Not slotted: a result made by scoring holds its score and level at once and fills the
# rest (coverage, counts, why) from the scored row on the first read of any of them.
@attrs.frozen(kw_only=True, slots=False)
class Result:
    """The result of one node: score, level, coverage, counts and why.

    :param node_id: the node's id (the model id for the root).
    :param kind: ``"model"``, ``"domain"`` or ``"item"``.
    :param score: the score; ``None`` when not assessed.
    :param level: the level; ``None`` when not assessed.
    :param coverage: ``m(L)`` per scale level (for a domain: pooled over all practices
        below it); ``None`` where the level has no applicable practice.
    :param counts: answers by kind, over every practice at or below the node.
    :param missing: items: the practices that keep the item from the next level, those
        of that level not fully met (``iso33020``: also lower attributes not rated F).
    :param limited_by: domains: the assessed children at the lowest child level.
    :param violations: items: unmet prerequisites of practices with credit.
    :param blocked: items: practices ``enforce`` counted as not met.
    :param observed: ``metric-bands`` items: the observation scored.
    :param next_bound: ``metric-bands`` items: the bound of the next band up (``None``
        at the top or when not assessed).
    """

    node_id: str
    kind: NodeKind
    name: str = attrs.field(default="", converter=as_text, metadata=TEXT)
    parent: str | None = None
    rule: str = ""
    score: float | None = None
    level: int | None = None
    coverage: Mapping[int, float | None] = attrs.field(factory=dict, converter=_frozen_map,
                                                       hash=False)
    counts: Counts = attrs.field(factory=Counts)
    missing: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    limited_by: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    violations: tuple[Violation, ...] = attrs.field(default=(), converter=_tuple)
    blocked: tuple[Blocked, ...] = attrs.field(default=(), converter=_tuple)
    observed: float | None = None
    next_bound: float | None = None

    @property
    def assessed(self) -> bool:
        """Whether the node has a score (at least one answer other than N/A and unknown)."""
        return self.score is not None

    # A result may be made with only some fields (scoring does: ``object.__new__`` and a
    # ``__dict__`` set at once): every field but those of ``_DEFERRED_FIELDS``, converted,
    # and under ``"_complete"`` a function of that dict that adds those fields, converted,
    # removes any key of its own, and may run more than once.

    def _completed(self) -> dict[str, Any]:
        state = self.__dict__
        complete = state.get("_complete")
        if complete is not None:
            complete(state)
            state.pop("_complete", None)
        return state

    if not TYPE_CHECKING:  # to mypy, a field is a field

        def __getattr__(self, name: str) -> Any:
            if name in _DEFERRED_FIELDS and "_complete" in self.__dict__:
                return self._completed()[name]
            raise AttributeError(name)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self._completed())
        state["coverage"] = dict(state["coverage"])  # a mappingproxy does not pickle
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        object.__setattr__(self, "__dict__", {**state,
                                              "coverage": MappingProxyType(state["coverage"])})


@attrs.frozen(kw_only=True)
class Profile:
    """The results of every node for one assessment.

    ``profile[node_id]`` gives a :class:`Result`; ``profile.overall`` the root's.
    Iterating yields the results, root first, then every node parents before children.
    """

    model_id: str
    model_version: str = ""
    subject: str = ""
    date: datetime.date | None = None
    #: The assessment's tags (name → value), carried along and never scored.
    tags: Mapping[str, str] = attrs.field(factory=dict, converter=tags_converter, hash=False)
    dependencies: str = "report"
    scale: LevelScale = attrs.field(factory=lambda: LevelScale.range(1, 5))
    results: Mapping[str, Result] = attrs.field(converter=_frozen_map, hash=False)
    practices: Mapping[str, PracticeResult] = attrs.field(factory=dict, converter=_frozen_map,
                                                          hash=False)
    #: The metric observations the model reads, as they were scored (name → value).
    observations: Mapping[str, float] = attrs.field(factory=dict, converter=_frozen_map,
                                                    hash=False)

    @classmethod
    def _scored(cls, model_id: str, model_version: str, subject: str,
                date: datetime.date | None, tags: Mapping[str, str], dependencies: str,
                scale: LevelScale,
                results: LazyResults[Result], practices: LazyResults[PracticeResult],
                observations: Mapping[str, float]) -> Profile:
        """A profile straight from scoring, whose values need no conversion or check.

        ``results``, ``practices`` and ``observations`` are read-only mappings already.
        """
        (put_model_id, put_model_version, put_subject, put_date, put_tags, put_dependencies,
         put_scale, put_results, put_practices, put_observations) = _SLOT_SETTERS
        profile = object.__new__(cls)
        put_model_id(profile, model_id)
        put_model_version(profile, model_version)
        put_subject(profile, subject)
        put_date(profile, date)
        put_tags(profile, tags)
        put_dependencies(profile, dependencies)
        put_scale(profile, scale)
        put_results(profile, results)
        put_practices(profile, practices)
        put_observations(profile, observations)
        return profile

    def __reduce__(self) -> tuple[Any, tuple[dict[str, Any]]]:
        # A profile pickles as its values (every result built), not as the scoring state
        # and model behind results not read yet.
        fields = {f.name: getattr(self, f.name) for f in attrs.fields(Profile)}
        for name in ("tags", "results", "practices", "observations"):
            fields[name] = dict(fields[name])
        return _unpickle_profile, (fields,)

    @property
    def overall(self) -> Result:
        """The model root's result."""
        return self.results[self.model_id]

    def __getitem__(self, node_id: str) -> Result:
        try:
            return self.results[node_id]
        except KeyError:
            raise UnknownNodeError(node_id, "node") from None

    def __contains__(self, node_id: object) -> bool:
        return node_id in self.results

    def __iter__(self) -> Iterator[Result]:
        return iter(self.results.values())

    def __len__(self) -> int:
        return len(self.results)

    def item_results(self) -> tuple[Result, ...]:
        """The results of the capability items, in document order."""
        return tuple(r for r in self.results.values() if r.kind == "item")

    def items(self) -> tuple[Result, ...]:
        """Deprecated name of :meth:`item_results`.

        A profile reads like a mapping, where ``items()`` would give ``(id, value)``
        pairs; this gives the item results only, so it has a plain name now.

        :deprecated: call :meth:`item_results`; this alias warns and will go.
        """
        import warnings

        warnings.warn("Profile.items() is deprecated: call Profile.item_results()",
                      DeprecationWarning, stacklevel=2)
        return self.item_results()

    def domains(self) -> tuple[Result, ...]:
        """The results of the domains, parents before children."""
        return tuple(r for r in self.results.values() if r.kind == "domain")

    def children(self, node_id: str) -> tuple[Result, ...]:
        """The results of a node's children, in document order."""
        self[node_id]
        return tuple(r for r in self.results.values() if r.parent == node_id)

    @property
    def violations(self) -> tuple[Violation, ...]:
        """Every dependency violation, in document order."""
        return tuple(v for r in self.item_results() for v in r.violations)

    @property
    def blocked(self) -> tuple[Blocked, ...]:
        """Every practice that ``enforce`` counted as not met."""
        return tuple(b for r in self.item_results() for b in r.blocked)

    @property
    def counts(self) -> Counts:
        """Answers by kind over the whole model: how much of the profile rests on evidence."""
        return self.overall.counts

    def level_name(self, level: int | None, lang: str | None = None) -> str:
        """The scale's name for a level (``"not assessed"`` for ``None``).

        :param lang: a BCP 47 tag: the name in that language, with fallback to the
            model's default; the library's own words ("not assessed") follow it too.

        >>> import maturity_model as mm
        >>> p = mm.Profile(model_id="m", results={}, scale=mm.LevelScale([mm.Level(
        ...     value=1, name={"en": "Initial", "zh": "初始级"})]))
        >>> p.level_name(1), p.level_name(1, lang="zh"), p.level_name(None, lang="zh")
        ('Initial', '初始级', '未评估')
        """
        if level is None:
            return translator(lang).gettext("not assessed")
        try:
            return self.scale.name(level, lang=lang)
        except KeyError:
            return ""

    def identity(self) -> dict[str, Any]:
        """The :data:`IDENTITY_COLUMNS` of this profile's rows (the date in ISO 8601).

        >>> Profile(model_id="m", model_version="2021", subject="t", results={}).identity()
        {'subject': 't', 'date': None, 'model': 'm', 'model_version': '2021'}
        """
        return {"subject": self.subject,
                "date": None if self.date is None else self.date.isoformat(),
                "model": self.model_id, "model_version": self.model_version}

    def name(self, node_id: str, lang: str | None = None) -> str:
        """The name of a node in a language (the model's default when ``lang`` is omitted).

        >>> import maturity_model as mm
        >>> p = mm.Profile(model_id="m", results={"m": mm.Result(
        ...     node_id="m", kind="model", name={"en": "Delivery", "zh": "交付"})})
        >>> p.name("m", lang="zh")
        '交付'
        """
        return in_language(self[node_id].name, lang)

    def to_records(self, *, coverage: bool = False) -> list[dict[str, Any]]:
        """One plain dict per node (root first): ids, score, level and answer counts.

        The columns are ``subject``, the result's, the answer counts, the coverage when
        asked for, then ``date``, ``model`` and ``model_version`` (see
        :data:`IDENTITY_COLUMNS`).

        :param coverage: add ``coverage_<L>`` columns, one per scale level.

        >>> import maturity_model as mm
        >>> m = mm.MaturityModel(id="m", domains=[mm.Domain(id="d", items=[
        ...     mm.CapabilityItem(id="i", practices=[mm.Practice(id="p", level=1)])])])
        >>> mm.score(m, mm.Assessment(model="m", subject="t", answers={"p": 0.5})
        ...          ).to_records()[2]
        ... # doctest: +NORMALIZE_WHITESPACE
        {'subject': 't', 'node_id': 'i', 'kind': 'item', 'name': 'i', 'parent': 'd',
         'score': 0.5, 'level': 0, 'level_name': 'below level 1', 'met': 0, 'partial': 1,
         'not_met': 0, 'na': 0, 'unknown': 0, 'date': None, 'model': 'm',
         'model_version': ''}
        """
        result_record = formatter("result_record")
        identity = self.identity()
        del identity["subject"]
        records = []
        for result in self.results.values():
            c = result.counts
            record = {"subject": self.subject, **result_record(result, self.scale), "met": c.met,
                      "partial": c.partial, "not_met": c.not_met, "na": c.na,
                      "unknown": c.unknown}
            if coverage:
                for level in self.scale.values:
                    record[f"coverage_{level}"] = result.coverage.get(level)
            record.update(identity)
            records.append(record)
        return records

    def to_frame(self, *, coverage: bool = False) -> Any:
        """The records as a pandas DataFrame indexed by node id (needs the ``pandas`` extra).

        :raises MissingExtraError: pandas is not installed.
        """
        records = self.to_records(coverage=coverage)
        columns = list(records[0]) if records else ["node_id"]
        return formatter("frame")(records, columns).set_index("node_id")

    def practice_records(self) -> list[dict[str, Any]]:
        """One plain dict per practice: its answer, the value scored, note and evidence.

        ``evidence`` counts the records, ``evidence_links`` joins their links with
        ``"; "``, and ``evidence_gap`` says why a practice that needs evidence counted as
        unknown (``"missing"``, ``"stale"``).

        >>> import maturity_model as mm
        >>> m = mm.MaturityModel(id="m", domains=[mm.Domain(id="d", items=[
        ...     mm.CapabilityItem(id="i", practices=[mm.Practice(id="p", level=1)])])])
        >>> a = mm.Assessment(model="m", subject="t", answers={"p": 0.5}, details={
        ...     "p": mm.AnswerDetail(note="n", evidence=[mm.EvidenceRecord(url="https://x")])})
        >>> mm.score(m, a).practice_records()
        ... # doctest: +NORMALIZE_WHITESPACE
        [{'subject': 't', 'practice_id': 'p', 'item_id': 'i', 'level': 1,
          'status': 'partial', 'value': 0.5, 'note': 'n', 'evidence': 1,
          'evidence_links': 'https://x', 'evidence_gap': None}]
        """
        return [{"subject": self.subject, "practice_id": p.practice_id, "item_id": p.item_id,
                 "level": p.level, "status": p.status, "value": p.value, "note": p.note,
                 "evidence": len(p.evidence),
                 "evidence_links": "; ".join(r.link for r in p.evidence),
                 "evidence_gap": p.evidence_gap} for p in self.practices.values()]

    def practice_frame(self) -> Any:
        """:meth:`practice_records` as a DataFrame indexed by practice id (``pandas`` extra).

        :raises MissingExtraError: pandas is not installed.
        """
        records = self.practice_records()
        columns = list(records[0]) if records else ["practice_id"]
        return formatter("frame")(records, columns).set_index("practice_id")

    def explain(self, node_id: str | None = None, lang: str | None = None) -> str:
        """A short text a person can read: why the node has its level and score.

        :param node_id: the node; the model root when omitted.
        :param lang: a BCP 47 tag: names and the library's own words in that language,
            with fallback (``zh-Hans`` → ``zh`` → the model's default).
        """
        return str(formatter("explain")(
            self, self.model_id if node_id is None else node_id, lang))

    def _repr_html_(self) -> str:
        return str(formatter("profile_html")(self))

    def __repr__(self) -> str:
        o = self.overall
        score = "not assessed" if o.score is None else f"score {o.score:.2f}, level {o.level}"
        return (f"Profile(model={self.model_id!r}, version={self.model_version!r}, "
                f"subject={self.subject!r}, {score}, nodes={len(self.results)})")


#: The setters of a profile's slots, in the order ``Profile._scored`` unpacks them:
#: calling a slot's setter skips the lookup ``object.__setattr__`` makes for each field.
_SLOT_SETTERS: Final = tuple(vars(Profile)[name].__set__ for name in (
    "model_id", "model_version", "subject", "date", "tags", "dependencies", "scale",
    "results", "practices", "observations"))


def _unpickle_profile(fields: dict[str, Any]) -> Profile:
    return Profile(**fields)
