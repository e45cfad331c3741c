"""Import CISO Assistant libraries: frameworks as models, mapping sets as crosswalks.

:func:`load_library` reads one library file of CISO Assistant (the YAML files under its
``backend/library/libraries``); :func:`load_assessment` reads an audit of one framework,
exported from CISO Assistant or written as a CSV of ``ref_id, result, score``.

=============================  ===========================================================
CISO Assistant                 here
=============================  ===========================================================
``objects.framework``          a :class:`~maturity_model.MaturityModel`; its id is the last
                               part of the framework's urn (``nist-csf-2.0``), its version
                               the library's ``version``
node with children             a :class:`~maturity_model.Domain`
assessable node                a :class:`~maturity_model.CapabilityItem`; when the node
                               also has children, the item ``<id>/self`` is the first of
                               its domain and holds the urn (the domain has no key)
non-assessable leaf            nothing: a heading with nothing to assess
node id                        the last part of the node's urn (``gv.oc-01``), which is
                               what mapping sets name; made unique with ``-2``, ``-3``
``urn``                        the node's ``key``
``ref_id``                     ``refs[<model id>]`` (``{nist-csf-2.0: [GV.OC-01]}``); the
                               name when the node has none
``reference_controls``,        ``refs["reference-controls"]``, ``refs["threats"]``: urns,
``threats``                    kept unresolved
``implementation_groups``      ``tags`` (``importance`` adds ``importance:<value>``)
``weight``                     the item's or domain's weight
``scores_definition``          the scale (see below)
``requirement_mapping_sets``   a :class:`~maturity_model.Crosswalk` per set (or the one
                               ``requirement_mapping_set``)
``translations``               :attr:`Library.translations` (see below)
=============================  ===========================================================

**Scale.** A framework with ``scores_definition`` (a maturity scale: NIST CSF tiers 1–4,
SCF 0–5) gets one level per score from ``min_score`` to ``max_score``, named by its label
(levels without a label have no name). Each item has one practice per level ``L >= 1``,
``<item>#L``, met when the node's score is at least ``L``; items use
:class:`~maturity_model.Staircase`, so an item's level and score are exactly its node's
score, and domains and the root take the :class:`~maturity_model.Mean` of their children,
as CISO Assistant's flat average does. Scores stand for levels one to one; a scale whose
``min_score`` is above 1 is shifted so that ``min_score`` is level 1. Labels are matched to
levels by their ``score``, never by their order, so a scale whose labels run downwards
(1 = fully implemented) keeps each label at its value.

**A framework without a maturity scale** (ISO 27001, ASVS: no ``scores_definition``) is
scored by compliance: the scale has the one level ``1 Compliant``, and each item has one
practice ``<item>#1`` answered with CISO Assistant's result through the answer set
``compliance``: ``compliant`` 1, ``partially_compliant`` 0.5, ``non_compliant`` 0,
``not_applicable`` N/A, ``not_assessed`` unknown. An item's score is then 1, 0.5 or 0 and a
domain's score is its share of compliance. A ``score`` given for such a node is not read.

**Mapping sets.** Each entry maps one requirement to another; duplicates (same source
and target urns) are reported and the first is kept. The ends are node ids: the last part
of each urn, or, when the frameworks are known (``frameworks=``, or given to ``maturity
import ciso-assistant`` with the mapping library), the ids of the framework's model, and
its version. A mapping says two requirements overlap, not how mature either is, so from a
framework with a maturity scale it starts at the node's first level practice
(``gv.oc-01#1``: the outcome is in place): a projection carries that, never the tier,
unless both frameworks have the same scale, where each level maps to the same level
(``x#3`` to ``y#3``), as CISO Assistant copies a score only between identical scales.
Without the frameworks, ends are whole items, and :func:`maturity_model.project` reads an
item as all of its practices.

**Translations** are kept, not lost: :attr:`Library.translations` maps the urn of each
object (the library, the framework, a node: the node's ``key``) to ``{language: {field:
text}}``; a node's ``annotation`` and ``typical_evidence``, which a model node has no
field for, are kept there in the base language too; a score label is under
``<framework urn>#score=<score>`` and an implementation group under
``<framework urn>#group=<ref_id>``. Model texts are localised: the library's base language
(``locale``) is the model's ``language`` and every translation with a BCP 47 tag is a
language of the text (:class:`~maturity_model.LocalText`).

**Problems.** What the format forbids is an error, with a path into the file
(``nist-csf-2.0.yaml:$.objects.framework.requirement_nodes[3].parent_urn``): a missing
``urn``, ``ref_id``, ``version`` or ``assessable``, a ``parent_urn`` that names no node
(``unresolved-reference``) or loops, a urn given twice (``duplicate-id``), a scale that is not
``0 <= min_score < max_score``, a relationship outside ``equal``, ``subset``,
``superset``, ``intersect``, ``not_related``. What real files do is a warning: a ``version``
written as a string, labels without ``min_score``/``max_score`` (the labels' range is used),
labels outside the scale (dropped), an implementation group nobody defines (kept as a tag),
a strength outside 0–10 (left out), and a mapping listed twice (``duplicate-mapping``; the
first is kept). Scores out of range in an audit are warnings too, and are clamped to the scale.
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

import attrs

from maturity_model.crosswalk import Crosswalk
from maturity_model.errors import ModelValidationError, Problem
from maturity_model.evidence import Assessment
from maturity_model.formats._ciso_framework import Framework, read_framework
from maturity_model.formats._ciso_mappings import read_mapping_set
from maturity_model.formats._sources import (
    PathMap,
    collect,
    has_errors,
    raise_for_errors,
    read_yaml,
    shown,
    type_name,
)
from maturity_model.model import CapabilityItem, Domain, MaturityModel

__all__ = ["Library", "check_file", "load_assessment", "load_library", "only_model",
           "read_library"]

# urn:<packager>:<domain>:<kind>[:<x>]:<id>
_LIBRARY_URN: Final = re.compile(r"urn:[^:\s]+:[^:\s]+:[^:\s]+(?::[^:\s]+)?:[^:\s]+",
                                 re.IGNORECASE)


def _tuple(values: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(values)


def _frozen(values: Mapping[str, Mapping[str, Mapping[str, str]]]) -> Mapping[
        str, Mapping[str, Mapping[str, str]]]:
    return MappingProxyType({key: MappingProxyType({
        lang: MappingProxyType(dict(fields)) for lang, fields in by_lang.items()})
        for key, by_lang in values.items()})


@attrs.frozen(kw_only=True)
class Library:
    """One CISO Assistant library: its frameworks as models, its mapping sets as crosswalks.

    :param urn: the library's urn, lower-cased as CISO Assistant stores it.
    :param name: its name.
    :param version: its ``version``, as text.
    :param locale: the language of its texts (``en``).
    :param models: one model per framework, in file order.
    :param crosswalks: one crosswalk per mapping set, in file order.
    :param translations: urn (or ``<framework urn>#score=<n>``, ``#group=<id>``) →
        language → field → text.
    :param warnings: what was tolerated while reading it.

    >>> from maturity_model import MaturityModel
    >>> library = Library(urn="urn:x:risk:library:demo", models=[MaturityModel(id="demo")])
    >>> library.model().id, library.crosswalks
    ('demo', ())
    """

    urn: str
    name: str = ""
    version: str = ""
    locale: str = "en"
    models: tuple[MaturityModel, ...] = attrs.field(default=(), converter=_tuple)
    crosswalks: tuple[Crosswalk, ...] = attrs.field(default=(), converter=_tuple)
    translations: Mapping[str, Mapping[str, Mapping[str, str]]] = attrs.field(
        factory=dict, converter=_frozen, hash=False)
    warnings: tuple[Problem, ...] = attrs.field(default=(), converter=_tuple)

    def model(self, model_id: str | None = None) -> MaturityModel:
        """The library's model with this id, or its only model.

        :raises KeyError: no such model, or no id given and not exactly one model.
        """
        if model_id is None and len(self.models) == 1:
            return self.models[0]
        for model in self.models:
            if model.id == model_id:
                return model
        raise KeyError(model_id)


def _version(library: Mapping[str, Any], problems: list[Problem], display: str) -> str:
    version = library.get("version")
    where = f"{display}:$.version"
    if isinstance(version, int) and not isinstance(version, bool):
        return str(version)
    if isinstance(version, str) and version.strip():
        problems.append(Problem(code="invalid-value", severity="warning", path=where,
                                message=f"the version should be an integer, not the text "
                                        f"{shown(version)}; it is kept as written"))
        return version.strip()
    problems.append(Problem.of("invalid-value", where,
                               f"a library needs an integer version, not {shown(version)}"))
    return ""


def _listed(objects: Mapping[str, Any], one: str, many: str, root: str,
            problems: list[Problem]) -> list[tuple[str, Any]]:
    """The objects under ``one`` (a dict) or ``many`` (a list), never both."""
    if one in objects and many in objects:
        problems.append(Problem.of("invalid-value", f"{root}.{many}",
                                   f"a library holds {one} or {many}, not both"))
        return []
    if one in objects:
        return [(f"{root}.{one}", objects[one])]
    if many in objects:
        found = objects[many]
        if not isinstance(found, list):
            problems.append(Problem.of("invalid-value", f"{root}.{many}",
                                       f"must be a list, not {type_name(found)}"))
            return []
        return [(f"{root}.{many}[{k}]", v) for k, v in enumerate(found)]
    return []


def read_library(path: str | os.PathLike[str], *,
                 frameworks: Iterable[MaturityModel] = ()) -> tuple[
        Library | None, tuple[Problem, ...]]:
    """A library and every problem found reading it; never raises for bad input.

    The library is ``None`` when any problem is an error. ``frameworks`` is as for
    :func:`load_library`.

    >>> read_library("no-such-library.yaml")[0] is None
    True
    """
    file = Path(path)
    display = file.name or os.fspath(path)
    root = f"{display}:$"
    if file.is_dir():
        return None, (Problem.of("invalid-value", root,
                                 "is a folder; give a library file (.yaml)"),)
    if not file.exists():
        return None, (Problem.of("invalid-value", root, "no such file"),)
    docs, problems = read_yaml(file, display)
    if problems:
        return None, tuple(problems)
    docs = [d for d in docs if d is not None]
    if len(docs) != 1 or not isinstance(docs[0], dict):
        what = type_name(docs[0]) if len(docs) == 1 else f"{len(docs)} documents"
        return None, (Problem.of("invalid-value", root,
                                 f"a library is one YAML mapping, not {what}"),)
    library: dict[str, Any] = docs[0]
    urn = library.get("urn")
    if not isinstance(urn, str) or not _LIBRARY_URN.fullmatch(urn.strip()):
        problems.append(Problem.of("invalid-value", f"{root}.urn",
                                   f"must be a urn:<packager>:<domain>:<kind>:<id>, not "
                                   f"{shown(urn)}"))
    for key in ("ref_id", "name"):
        if library.get(key) is None:
            problems.append(Problem.of("invalid-value", f"{root}.{key}",
                                       f"a library needs a {key}"))
    version = _version(library, problems, display)
    objects = library.get("objects")
    if not isinstance(objects, dict):
        problems.append(Problem.of("invalid-value", f"{root}.objects",
                                   f"must be a mapping of objects, not {type_name(objects)}"))
        return None, tuple(problems)
    tables: dict[str, tuple[MaturityModel, Mapping[str, str]]] = {}
    for model in frameworks:
        nodes: tuple[Domain | CapabilityItem, ...] = (*model.domains_preorder(), *model.items())
        table = {n.key.casefold(): n.id for n in nodes if n.key}
        tables[str(model.metadata.get("urn", model.id)).casefold()] = (model, table)
    models: list[MaturityModel] = []
    translations: dict[str, Mapping[str, Mapping[str, str]]] = {}
    lib_urn = urn.strip().casefold() if isinstance(urn, str) else ""
    for where, data in _listed(objects, "framework", "frameworks", f"{root}.objects",
                               problems):
        if not isinstance(data, dict):
            problems.append(Problem.of("invalid-value", where,
                                       f"a framework must be a mapping, not {type_name(data)}"))
            continue
        paths = PathMap(display)
        found: list[Problem] = []
        framework: Framework | None = read_framework(data, where, library, version, paths,
                                                     found)
        if framework is None:
            problems.extend(found)
            continue
        problems.extend(collect(framework.model, found, paths))
        models.append(framework.model)
        translations.update(framework.translations)
        tables[framework.urn.casefold()] = (framework.model, framework.ids)
    crosswalks = [c for where, data in _listed(objects, "requirement_mapping_set",
                                               "requirement_mapping_sets", f"{root}.objects",
                                               problems)
                  if (c := read_mapping_set(data, where, tables, problems)) is not None]
    if not models and not crosswalks and not has_errors(problems):
        problems.append(Problem(code="invalid-value", severity="warning",
                                path=f"{root}.objects",
                                message="holds no framework and no mapping set: nothing "
                                        "is imported from it"))
    own = library.get("translations")
    if isinstance(own, dict) and lib_urn:
        translations[lib_urn] = {str(k): {str(f): t for f, t in v.items() if isinstance(t, str)}
                                 for k, v in own.items() if isinstance(v, dict)}
    if has_errors(problems):
        return None, tuple(problems)
    name = library.get("name")
    locale = library.get("locale")
    return Library(urn=lib_urn, name=name.strip() if isinstance(name, str) else "",
                   version=version, locale=locale if isinstance(locale, str) else "en",
                   models=models, crosswalks=crosswalks, translations=translations,
                   warnings=problems), tuple(problems)


def load_library(path: str | os.PathLike[str], *,
                 frameworks: Iterable[MaturityModel] = ()) -> Library:
    """Read a CISO Assistant library file: its frameworks and mapping sets.

    The mapping and the decisions are in the module documentation.

    :param frameworks: models read from other libraries (by this function); a mapping
        set whose framework is among them names that model's node ids and versions, and
        a requirement urn it lacks is an ``unresolved-reference``. Without them a mapping
        names each node by the last part of its urn, as the importer does.
    :raises ModelValidationError: when any problem is an error; ``.problems`` holds every
        problem, warnings too.

    >>> load_library("no-such-library.yaml")
    Traceback (most recent call last):
    ...
    maturity_model.errors.ModelValidationError: 1 problem:
      no-such-library.yaml:$: no such file [invalid-value]
    """
    library, problems = read_library(path, frameworks=frameworks)
    raise_for_errors(None, problems)
    assert library is not None  # no errors means it was read
    return library


def only_model(path: str | os.PathLike[str]) -> MaturityModel:
    """The model of a library that holds exactly one framework.

    What the ``maturity`` command reads when a library file is given as a model.

    :raises ModelValidationError: the library has problems, or not exactly one framework
        (``invalid-value`` at ``$.objects``).

    >>> only_model("no-such-library.yaml")
    Traceback (most recent call last):
    ...
    maturity_model.errors.ModelValidationError: 1 problem:
      no-such-library.yaml:$: no such file [invalid-value]
    """
    library = load_library(path)
    if len(library.models) != 1:
        raise ModelValidationError([Problem.of(
            "invalid-value", f"{Path(path).name}:$.objects",
            "holds no framework" if not library.models else
            f"holds {len(library.models)} frameworks, not one; convert them with "
            f"maturity import ciso-assistant")])
    return library.models[0]


def check_file(path: str | os.PathLike[str], *,
               frameworks: Iterable[MaturityModel] = ()) -> tuple[Problem, ...]:
    """Every problem of a library file, errors and warnings; never raises for bad input.

    >>> [p.code for p in check_file("no-such-library.yaml")]
    ['invalid-value']
    """
    return read_library(path, frameworks=frameworks)[1]


def load_assessment(path: str | os.PathLike[str], model: MaturityModel, *,
                    subject: str | None = None) -> Assessment:
    """Read an audit of one framework: a compliance-assessment export or a CSV.

    - **CSV** (``.csv``): a header row naming ``ref_id`` or ``urn`` (both may be
      given; ``ref_id`` is tried first), then ``result`` (or ``compliance_result``) and
      ``score``, in any case (``Result``, ``Score``); other columns (``name``,
      ``description``, ``observations`` ...) are not read, and a row whose ``assessable``
      column is false is skipped, as CISO Assistant's audit import does.
    - **Export** (YAML or JSON): a mapping with ``requirement_assessments``, a list of
      mappings with the same keys (``requirement`` may stand for ``urn``); ``name`` or
      ``perimeter`` gives the subject when ``subject`` is not given.

    A score out of range is a :class:`UserWarning` naming the row.

    How a result and a score become answers:

    - on a framework with a maturity scale, a score ``s`` meets the node's practices at
      levels ``1..s`` and leaves the others not met; a score outside the scale is a
      warning and is clamped. Without a score, ``not_applicable`` makes every practice
      N/A, ``non_compliant`` leaves them all not met, and any other result says nothing
      about the level: the node stays unknown;
    - on a framework without one, the result answers the node's one practice (see the
      module documentation); the score is not read;
    - ``not_assessed`` or an empty result leaves the node unknown.

    :param model: the framework's model (:func:`load_library`, or its native file).
    :param subject: who was assessed (default: the export's name, else the file's stem).
    :raises AssessmentValidationError: listing every problem (an unknown requirement is
        ``unknown-practice``, a result that is not one of CISO Assistant's is
        ``invalid-value``), with paths into the file.
    :raises OSError: the file cannot be read.

    >>> from maturity_model import MaturityModel
    >>> load_assessment("no-such-audit.csv", MaturityModel(id="m"))
    Traceback (most recent call last):
    ...
    FileNotFoundError: no-such-audit.csv: no such file
    """
    from maturity_model.formats._ciso_assessment import read_assessment

    assessment, found = read_assessment(Path(path), model, subject)
    for problem in found:
        warnings.warn(f"{problem} (see {problem.docs_url})", UserWarning, stacklevel=2)
    return assessment
