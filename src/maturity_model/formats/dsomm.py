"""Import OWASP DSOMM: the model from its generated ``model.yaml``, progress from the app.

:func:`load_model` reads DSOMM's generated model file (a ``meta:`` document, then
dimension → sub-dimension → activity; files without the ``meta`` document are read too):

=================  ======================================  ================================
DSOMM              here                                    id
=================  ======================================  ================================
dimension          top-level :class:`Domain`               ``build-and-deployment``
sub-dimension      :class:`CapabilityItem`                 ``build-and-deployment.build``
activity           :class:`Practice` at its ``level`` 1-5  the activity's ``uuid``
``dependsOn``      ``requires``                            by uuid, or by activity name
``references``     the practice's ``refs``                 scheme → ids (``samm2``, ISO)
``tags``           the practice's ``tags``                 (DSOMM's placeholder ``none``
                                                           is left out)
=================  ======================================  ================================

Activities keep DSOMM's uuids as ids, since progress files, ``dependsOn`` and custom
activity files all refer to activities by uuid, and names change between releases; the
uuid is also the practice's stable ``key``, and the activity's name is its text. The
scale is DSOMM's levels 1..5; the model's version is ``meta.version``.

An activity's ``references`` are kept as they are, ids as text (YAML reads an unquoted
ISO control ``8.25`` as a number; it comes back as ``"8.25"``). Its ``samm2`` references
name SAMM 2 streams and levels (``I-SB-A-1``: Implementation, Secure Build, stream A,
level 1), which :meth:`maturity_model.Crosswalk.from_refs` turns into a crosswalk onto
the SAMM model.

**Rules.** Items use :class:`~maturity_model.Staircase` (threshold 1: a sub-dimension is at
level L when every activity of levels 1..L is implemented) and domains
:class:`~maturity_model.Mean`. Every activity weighs 1 by default, so an item's
``coverage`` per level is the share of that level's activities implemented, progress
states counted by their score: exactly the cells of DSOMM's heat-map.

**usefulness** (1-5) is not a weight by default, because weighting would change the
heat-map's coverage; ``load_model(path, weights="usefulness")`` makes it the practice's
weight (so more useful activities count more, and come first in a roadmap wave).

**difficultyOfImplementation** has three ratings, ``knowledge``, ``time`` and ``resources``
(1-5 each); a practice's ``effort`` is their mean (of those present), so it stays on the
same 1-5 scale and orders roadmaps by overall difficulty.

**Defects of older releases** are reported, each with a path such as
``model.yaml:$['Build and Deployment']['Build']['Pinning of artifacts'].dependsOn[0]``:
dependency cycles (``dependency-cycle``), references to activities that do not exist
(``unresolved-reference``), duplicate uuids (``duplicate-id``) and activities requiring
higher-level ones (``level-inversion``, a warning). A ``dependsOn`` entry that names an
activity only when case (and spacing) is ignored is resolved to it, with an
``unresolved-reference`` *warning* saying so: such typos are common in older files and the
intended activity is unambiguous. :func:`load_model` raises one
:class:`~maturity_model.ModelValidationError` when any problem is an error;
:func:`check_file` returns every problem, errors and warnings, without raising.

:func:`load_progress` reads the DSOMM app's team progress file, see its documentation.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal, cast

import attrs

if TYPE_CHECKING:
    pass

from maturity_model._numbers import is_finite_number
from maturity_model.errors import Problem
from maturity_model.evidence import Assessment
from maturity_model.formats._dsomm_progress import (
    carry_progress,
    migrate_progress,
    read_progress,
)
from maturity_model.formats._dsomm_terms import MODEL_ID as DSOMM_MODEL_ID
from maturity_model.formats._dsomm_terms import fold as _fold
from maturity_model.formats._dsomm_terms import progress_score
from maturity_model.formats._sources import (
    PathMap,
    collect,
    key_path,
    raise_for_errors,
    read_yaml,
    shown,
    slug,
    type_name,
)
from maturity_model.levels import LevelScale
from maturity_model.model import CapabilityItem, Domain, MaturityModel, ModelRules, Practice
from maturity_model.rules import Mean, Staircase

__all__ = ["MODEL_ID", "check_file", "effort", "load_model", "load_progress",
           "migrate_progress", "progress_score"]

#: The id of every model this importer builds.
MODEL_ID: Final = DSOMM_MODEL_ID

Weights = Literal["equal", "usefulness"]
_DIFFICULTY: Final = ("knowledge", "time", "resources")


def effort(difficulty: Mapping[str, object]) -> float | None:
    """A practice's effort: the mean of DSOMM's difficulty ratings that are numbers.

    >>> effort({"knowledge": 2, "time": 3, "resources": 1})
    2.0
    >>> effort({"time": 4}), effort({})
    (4.0, None)
    """
    values = [float(cast(float, v)) for k in _DIFFICULTY
              if _is_number(v := difficulty.get(k)) and cast(float, v) >= 0]
    return sum(values) / len(values) if values else None


def _is_number(value: object) -> bool:
    return is_finite_number(value)


@attrs.define
class _Activity:
    name: str
    source: str  # its path in the file
    native: str  # its path in the model document
    item: str  # its item's id
    item_native: str  # its item's path in the model document
    data: Mapping[str, Any]
    id: str = ""
    key: str | None = None  # its uuid, on the first activity that has it


class _Reader:
    def __init__(self, display: str, weights: Weights) -> None:
        self.display = display
        self.weights = weights
        self.problems: list[Problem] = []
        self.paths = PathMap(display)
        self.by_id: dict[str, _Activity] = {}
        self.by_name: dict[str, _Activity] = {}
        self.folded: dict[str, _Activity] = {}

    def add(self, code: str, path: str, message: str) -> None:
        self.problems.append(Problem.of(code, path, message))

    def mapping(self, value: object, path: str, what: str) -> bool:
        if isinstance(value, dict):
            for key, line in getattr(value, "duplicates", ()):
                self.add("duplicate-id", key_path(path, key),
                         f"{key!r} appears again at line {line}; the repeat is ignored")
            return True
        self.add("invalid-value", path, f"{what} must be a mapping, not {type_name(value)}")
        return False

    def read(self, docs: list[Any]) -> MaturityModel | None:
        docs = [d for d in docs if d is not None]
        root = f"{self.display}:$"
        meta: object = {}
        if len(docs) == 2 and isinstance(docs[0], dict) and "meta" in docs[0]:
            meta, data = docs[0]["meta"], docs[1]
        elif len(docs) == 1:
            data = docs[0]
            if isinstance(data, dict) and isinstance(data.get("meta"), dict):
                meta = data["meta"]
                data = {k: v for k, v in data.items() if k != "meta"}
        else:
            self.add("invalid-value", root,
                     f"a DSOMM model file holds a meta document and the model, not "
                     f"{len(docs)} documents")
            return None
        if not self.mapping(data, root, "the model"):
            return None
        version = meta.get("version", "") if isinstance(meta, dict) else ""
        if not isinstance(version, str | int | float) or isinstance(version, bool):
            self.add("invalid-value", f"{root}.meta.version",
                     f"must be a version string, not {type_name(version)}")
            version = ""
        self.paths.add("$.version", f"{root}.meta.version")
        activities: list[_Activity] = []
        domains = self.dimensions(data, root, activities)
        self.resolve(activities)
        for at, domain in enumerate(domains):
            domains[at] = attrs.evolve(domain, items=[
                attrs.evolve(item, practices=[self.practice(a) for a in activities
                                              if a.item_native == f"$.domains[{at}].items[{k}]"])
                for k, item in enumerate(domain.items)])
        metadata = {"source": "OWASP DevSecOps Maturity Model (https://dsomm.owasp.org/)"}
        if isinstance(meta, dict):
            metadata.update({str(k): str(v) for k, v in meta.items()
                             if k in ("released", "publisher") and v is not None})
        return MaturityModel(id=MODEL_ID, name="OWASP DSOMM", version=str(version),
                             description="OWASP DevSecOps Maturity Model, read from its "
                                         "generated model file",
                             scale=LevelScale.range(1, 5), domains=domains,
                             rules=ModelRules(item=Staircase(), domain=Mean()),
                             metadata=metadata)

    def dimensions(self, data: Mapping[Any, Any], root: str,
                   activities: list[_Activity]) -> list[Domain]:
        domains: list[Domain] = []
        for name, subs in data.items():
            where = key_path(root, name)
            if not isinstance(name, str) or not name.strip():
                self.add("invalid-value", where, "a dimension name must be a non-empty string")
                continue
            if not self.mapping(subs, where, f"dimension {name!r}"):
                continue
            native = f"$.domains[{len(domains)}]"
            for suffix in ("", ".id", ".name"):
                self.paths.add(native + suffix, where)
            domain_id = slug(name) or name
            items: list[CapabilityItem] = []
            for sub_name, listed in subs.items():
                sub_where = key_path(where, sub_name)
                if not isinstance(sub_name, str) or not sub_name.strip():
                    self.add("invalid-value", sub_where,
                             "a sub-dimension name must be a non-empty string")
                    continue
                acts = {} if listed is None else listed
                if not self.mapping(acts, sub_where, f"sub-dimension {sub_name!r}"):
                    continue
                item_native = f"{native}.items[{len(items)}]"
                for suffix in ("", ".id", ".name", ".practices"):
                    self.paths.add(item_native + suffix, sub_where)
                item_id = f"{domain_id}.{slug(sub_name) or sub_name}"
                count = 0
                for act_name, act in acts.items():
                    act_where = key_path(sub_where, act_name)
                    if not isinstance(act_name, str) or not act_name.strip():
                        self.add("invalid-value", act_where,
                                 "an activity name must be a non-empty string")
                        continue
                    if not self.mapping(act, act_where, f"activity {act_name!r}"):
                        continue
                    activities.append(_Activity(
                        name=act_name.strip(), source=act_where,
                        native=f"{item_native}.practices[{count}]", item=item_id,
                        item_native=item_native, data=act))
                    count += 1
                items.append(CapabilityItem(id=item_id, name=sub_name.strip()))
            domains.append(Domain(id=domain_id, name=name.strip(), items=items))
        return domains

    def resolve(self, activities: list[_Activity]) -> None:
        """Give every activity its id (its uuid) and fill the lookup tables."""
        for activity in activities:
            uuid = activity.data.get("uuid")
            if isinstance(uuid, int) and not isinstance(uuid, bool):
                uuid = str(uuid)
            if not isinstance(uuid, str) or not uuid.strip():
                self.add("invalid-value", f"{activity.source}.uuid",
                         f"activity {activity.name!r} has no uuid (a string)")
                uuid = f"{activity.item}/{activity.name}"  # keeps the graph checkable
            else:
                activity.key = uuid.strip()
            activity.id = uuid.strip()
            if self.by_id.setdefault(activity.id, activity) is not activity:
                activity.key = None  # the duplicate uuid is reported once, at the id
            self.by_name.setdefault(activity.name, activity)
            self.folded.setdefault(_fold(activity.id), activity)
            self.folded.setdefault(_fold(activity.name), activity)

    def requirement(self, entry: object, where: str) -> str | None:
        if isinstance(entry, int) and not isinstance(entry, bool):
            entry = str(entry)
        if not isinstance(entry, str) or not entry.strip():
            self.add("invalid-value", where,
                     f"an entry of dependsOn must be an activity uuid or name, not "
                     f"{type_name(entry)}")
            return None
        ref = entry.strip()
        target = self.by_id.get(ref) or self.by_name.get(ref)
        if target is not None:
            return target.id
        target = self.folded.get(_fold(ref))
        if target is not None:
            self.problems.append(Problem(
                code="unresolved-reference", severity="warning", path=where,
                message=f"{shown(ref)} names no activity exactly; it is read as "
                        f"{target.name!r} ({target.id}), which matches when case is "
                        f"ignored"))
            return target.id
        self.add("unresolved-reference", where,
                 f"{shown(ref)} is neither the uuid nor the name of an activity")
        return None

    def practice(self, activity: _Activity) -> Practice:
        data, source, native = activity.data, activity.source, activity.native
        self.paths.add(native, source)
        self.paths.add(f"{native}.id", f"{source}.uuid")
        self.paths.add(f"{native}.key", f"{source}.uuid")
        self.paths.add(f"{native}.level", f"{source}.level")
        self.paths.add(f"{native}.text", source)
        self.paths.add(f"{native}.requires", f"{source}.dependsOn")
        self.paths.add(f"{native}.weight", f"{source}.usefulness")
        self.paths.add(f"{native}.effort", f"{source}.difficultyOfImplementation")
        depends = data.get("dependsOn")
        requires: list[str] = []
        if depends is not None and not isinstance(depends, list):
            self.add("invalid-value", f"{source}.dependsOn",
                     f"must be a list of activity uuids, not {type_name(depends)}")
            depends = None
        for k, entry in enumerate(depends or []):
            where = f"{source}.dependsOn[{k}]"
            target = self.requirement(entry, where)
            if target is not None and target not in requires:
                self.paths.add(f"{native}.requires[{len(requires)}]", where)
                requires.append(target)
        difficulty = data.get("difficultyOfImplementation")
        cost: float | None = None
        if isinstance(difficulty, dict):
            for key in _DIFFICULTY:
                value = difficulty.get(key)
                if value is not None and (not _is_number(value) or value < 0):
                    self.add("invalid-value", f"{source}.difficultyOfImplementation.{key}",
                             f"must be a number >= 0, not {shown(value)}")
            cost = effort(difficulty)
        elif difficulty is not None:
            self.add("invalid-value", f"{source}.difficultyOfImplementation",
                     f"must be a mapping of {', '.join(_DIFFICULTY)}, not "
                     f"{type_name(difficulty)}")
        usefulness = data.get("usefulness")
        if usefulness is not None and (not _is_number(usefulness) or usefulness <= 0):
            self.add("invalid-value", f"{source}.usefulness",
                     f"must be a number > 0, not {shown(usefulness)}")
            usefulness = None
        weight = float(usefulness) if self.weights == "usefulness" and usefulness else 1.0
        self.paths.add(f"{native}.refs", f"{source}.references")
        self.paths.add(f"{native}.tags", f"{source}.tags")
        # The raw level goes in as written: check() reports a missing, non-integer or
        # off-scale level at its place, and leaves it out of level comparisons.
        return Practice(id=activity.id, level=cast(int, data.get("level")),
                        text=activity.name, weight=weight, effort=cost, requires=requires,
                        key=activity.key, refs=self.references(data, source),
                        tags=self.tags(data.get("tags"), f"{source}.tags"))

    def references(self, data: Mapping[str, Any], source: str) -> dict[str, list[str]]:
        """``references`` (scheme → ids), ids as text: YAML reads ``8.25`` as a number."""
        value = data.get("references")
        if value is None or not self.mapping(value, f"{source}.references", "references"):
            return {}
        refs: dict[str, list[str]] = {}
        for scheme, ids in value.items():
            where = key_path(f"{source}.references", scheme)
            if not isinstance(scheme, str) or not scheme.strip():
                self.add("invalid-value", where,
                         f"a reference scheme must be a name, not {shown(scheme)}")
                continue
            kept = refs.setdefault(scheme.strip(), [])
            for k, ref in enumerate(ids if isinstance(ids, list) else [ids]):
                text = _text(ref)
                if text is None:
                    self.add("invalid-value", f"{where}[{k}]",
                             f"a reference must be a string or number, not {shown(ref)}")
                elif text not in kept:
                    kept.append(text)
        return {scheme: ids for scheme, ids in refs.items() if ids}

    def tags(self, value: object, where: str) -> list[str]:
        """The activity's tags; DSOMM's placeholder tag ``none`` means no tags."""
        if value is None:
            return []
        if not isinstance(value, list):
            self.add("invalid-value", where, f"must be a list of tags, not {type_name(value)}")
            return []
        tags: list[str] = []
        for k, tag in enumerate(value):
            text = _text(tag)
            if text is None:
                self.add("invalid-value", f"{where}[{k}]",
                         f"a tag must be a string, not {shown(tag)}")
            elif text != "none" and text not in tags:
                tags.append(text)
        return tags


def _text(value: object) -> str | None:
    """A reference id or tag as text (numbers as YAML wrote them), ``None`` if neither."""
    if isinstance(value, str):
        return value.strip() or None
    if _is_number(value):
        return str(value)
    return None


def _read(path: str | os.PathLike[str], weights: Weights) -> tuple[
        MaturityModel | None, tuple[Problem, ...]]:
    file = Path(path)
    display = file.name or os.fspath(path)
    if file.is_dir():
        return None, (Problem.of("invalid-value", f"{display}:$",
                                 "is a folder; give DSOMM's generated model.yaml"),)
    if not file.exists():
        return None, (Problem.of("invalid-value", f"{display}:$", "no such file"),)
    docs, problems = read_yaml(file, display)
    if problems:
        return None, tuple(problems)
    reader = _Reader(display, weights)
    model = reader.read(docs)
    if model is None:
        return None, tuple(reader.problems)
    return model, collect(model, reader.problems, reader.paths)


def load_model(path: str | os.PathLike[str], *, weights: Weights = "equal") -> MaturityModel:
    """Read DSOMM's generated ``model.yaml`` into a model.

    The mapping and the decisions are in the module documentation.

    :param weights: ``"equal"`` (every activity weighs 1, as in DSOMM's heat-map) or
        ``"usefulness"`` (an activity's weight is its ``usefulness``).
    :raises ModelValidationError: when any problem is an error; ``.problems`` holds every
        problem, warnings too.

    >>> load_model("no-such-model.yaml")
    Traceback (most recent call last):
    ...
    maturity_model.errors.ModelValidationError: 1 problem:
      no-such-model.yaml:$: no such file [invalid-value]
    """
    model, problems = _read(path, weights)
    raise_for_errors(model, problems)
    assert model is not None  # no errors means the model was built
    return model


def check_file(path: str | os.PathLike[str]) -> tuple[Problem, ...]:
    """Every problem of a DSOMM model file, errors and warnings; never raises for bad input.

    >>> [p.code for p in check_file("no-such-model.yaml")]
    ['invalid-value']
    """
    return _read(path, "equal")[1]


def load_progress(progress: str | os.PathLike[str], *,
                  meta: str | os.PathLike[str] | None = None,
                  model: MaturityModel | None = None,
                  unanswered: Literal["unknown", "not-met"] = "unknown",
                  strict: bool = True,
                  from_model: MaturityModel | None = None) -> dict[str, Assessment]:
    """Read the DSOMM app's team progress file: one assessment per team.

    The file (``team-progress.yaml``, as the app exports it) maps activity uuid → team →
    progress state → the date the team reached it. The states and their scores come from
    the app's ``meta.yaml`` (``progressDefinition``, e.g. ``"20%"``); by default the
    ``meta.yaml`` beside the progress file or up to two folders above it is used.

    - A team's answer to an activity is the score of the highest-scored state it has
      reached, as the app computes it (a 20% state gives 0.2, a 100% state gives 1).
    - An activity a team has no entry for is unknown (value 0, counted apart); the app
      shows it at the lowest state, which it never writes to the file. Pass
      ``unanswered="not-met"`` (needs ``model``) to record it as 0 instead.
    - An entry may name the activity by uuid or, given ``model``, by name (case ignored).
    - Each assessment's date is the latest date of its team's entries; the teams meta.yaml
      declares get an assessment even when they have no entry yet.

    :param meta: the app's ``meta.yaml``.
    :param model: the DSOMM model, to check activity ids against and to take the model id
        and version from.
    :param strict: when false, entries for unknown activities or states are dropped with a
        :class:`UserWarning` instead of being errors.
    :param from_model: the DSOMM release the progress was recorded against, when it is
        older (or newer) than ``model``: the progress is read against it and carried to
        ``model`` by :func:`migrate_progress`, activity by activity through their uuids.
        A :class:`UserWarning` counts the answers flagged for review or dropped; call
        :func:`migrate_progress` for the full reports.
    :raises AssessmentValidationError: listing every problem, with paths into the files.
    :raises OSError: the progress file is missing or a folder.

    >>> load_progress("no-such-progress.yaml")
    Traceback (most recent call last):
    ...
    FileNotFoundError: no-such-progress.yaml: no such file
    """
    if from_model is not None:
        if model is None:
            raise ValueError("from_model needs model, the release to carry the progress to")
        return carry_progress(progress, from_model, model, meta=meta, strict=strict)
    return read_progress(progress, meta=meta, model=model, unanswered=unanswered,
                         strict=strict)
