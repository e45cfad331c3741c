"""Typed maturity models: define them, score assessments against them, explain and compare.

A model (:class:`MaturityModel`) is a level scale and a tree of domains and capability
items; each item has practices at levels of the scale. An :class:`Assessment` answers the
practices for one subject; :func:`score` turns it into a :class:`Profile`, a result per
node (score, level, coverage per level) that explains itself.

Where to start:

- ``standards.load("caict-devops-cd")``, ``standards.example_assessment(...)``: bundled
  models (``standards.available()`` lists them) and their example assessments;
- :func:`load_model`, :func:`load_assessment`, :func:`dump_model`: the files (YAML, JSON,
  TOML); :func:`check` lists every problem with a stable code;
- :func:`score`, then ``profile.overall``, ``profile["node-id"]``,
  ``profile.explain("node-id")``;
- :func:`compare` two profiles, :func:`gap` and :func:`plan` towards a :class:`Target`,
  :class:`Cohort` for many teams, :class:`History` over time, :class:`Portfolio` of
  certificates, :func:`diff_models` and :func:`migrate` across versions,
  :class:`Crosswalk` and :func:`project` across models;
- ``maturity_model.batch`` (numpy, many assessments at once), ``maturity_model.report``
  (HTML and Markdown), ``maturity_model.plots`` (extra ``plot``), ``maturity_model.formats``
  (OWASP SAMM, DSOMM, CISO Assistant), ``maturity_model.forms`` (extra ``xlsx``).

The ``maturity`` command does the same from a shell: ``maturity --help`` shows a first
session. The rules are in the documentation's *semantics* page; every problem code has a
page of its own.

>>> import maturity_model as mm
>>> model = mm.MaturityModel(id="mini", scale=mm.LevelScale.of("Basic", "Good"), domains=[
...     mm.Domain(id="build", items=[mm.CapabilityItem(id="ci", practices=[
...         mm.Practice(id="ci.1", level=1), mm.Practice(id="ci.2", level=2)])])])
>>> profile = mm.score(model, mm.Assessment(model="mini", answers={"ci.1": True, "ci.2": 0.5}))
>>> profile["ci"].level, profile["ci"].score
(1, 1.5)
"""

from typing import TYPE_CHECKING, Any

from maturity_model._display_wiring import wire_display as _wire_display
from maturity_model._pickling import register as _register_pickling
from maturity_model.crosswalk import Crosswalk, Mapping
from maturity_model.errors import (
    AssessmentValidationError,
    DependencyCycleError,
    IncompatibleProfilesError,
    MaturityModelError,
    MissingExtraError,
    ModelValidationError,
    Problem,
    UnknownNodeError,
    ValidationError,
)
from maturity_model.evidence import Answer, AnswerDetail, Assessment, EvidenceRecord
from maturity_model.languages import LocalText
from maturity_model.levels import Level, LevelScale
from maturity_model.model import (
    AnswerOption,
    AnswerSet,
    CapabilityItem,
    Domain,
    MaturityModel,
    MetricCriterion,
    ModelRules,
    Practice,
)
from maturity_model.profile import Counts, PracticeResult, Profile, Result, Violation
from maturity_model.rules import (
    ChildOutcome,
    Iso33020,
    ItemEvidence,
    LevelSum,
    Mean,
    MetricBands,
    Minimum,
    Outcome,
    Quantile,
    RuleRegistry,
    Staircase,
    Sum,
    default_registry,
    default_rule_registry,
)
from maturity_model.scoring import score
from maturity_model.target import Target
from maturity_model.validation import check

__all__ = [
    "Answer",
    "AnswerDetail",
    "AnswerOption",
    "AnswerSet",
    "Assessment",
    "AssessmentValidationError",
    "CapabilityItem",
    "Certificate",
    "Change",
    "ChildOutcome",
    "Cohort",
    "Counts",
    "Crosswalk",
    "DependencyCycleError",
    "Domain",
    "EvidenceRecord",
    "Gap",
    "History",
    "IncompatibleProfilesError",
    "Iso33020",
    "ItemEvidence",
    "Level",
    "LevelScale",
    "LevelSum",
    "Limits",
    "LocalText",
    "Mapping",
    "MaturityModel",
    "MaturityModelError",
    "Mean",
    "MetricBands",
    "MetricCriterion",
    "Migration",
    "Minimum",
    "MissingExtraError",
    "ModelDiff",
    "ModelRules",
    "ModelValidationError",
    "NodeDiff",
    "Outcome",
    "Portfolio",
    "Practice",
    "PracticeResult",
    "Problem",
    "Profile",
    "ProfileDiff",
    "Projection",
    "Quantile",
    "Result",
    "Roadmap",
    "RuleRegistry",
    "Staircase",
    "Sum",
    "Target",
    "UnknownNodeError",
    "ValidationError",
    "Violation",
    "Wave",
    "assessment_json_schema",
    "certify",
    "check",
    "compare",
    "default_registry",
    "default_rule_registry",
    "diff_models",
    "dump_assessment",
    "dump_crosswalk",
    "dump_model",
    "dump_profile",
    "gap",
    "load_assessment",
    "load_crosswalk",
    "load_model",
    "load_profile",
    "migrate",
    "model_json_schema",
    "plan",
    "project",
    "score",
]

if TYPE_CHECKING:
    from maturity_model.cohort import Cohort
    from maturity_model.comparison import NodeDiff, ProfileDiff, compare
    from maturity_model.history import History
    from maturity_model.migration import Migration, migrate
    from maturity_model.planning import Gap, Roadmap, Wave, gap, plan
    from maturity_model.portfolio import Certificate, Portfolio, certify
    from maturity_model.projection import Projection, project
    from maturity_model.schema import assessment_json_schema, model_json_schema
    from maturity_model.serialization import (
        Limits,
        dump_assessment,
        dump_crosswalk,
        dump_model,
        dump_profile,
        load_assessment,
        load_crosswalk,
        load_model,
        load_profile,
    )
    from maturity_model.versions import Change, ModelDiff, diff_models

# File reading pulls in cattrs and PyYAML, and scoring needs none of cohorts, comparing
# or planning: loaded on first use to keep the import fast.
_LAZY = {
    "Certificate": "maturity_model.portfolio",
    "Portfolio": "maturity_model.portfolio",
    "certify": "maturity_model.portfolio",
    "Cohort": "maturity_model.cohort",
    "Gap": "maturity_model.planning",
    "History": "maturity_model.history",
    "Limits": "maturity_model.serialization",
    "NodeDiff": "maturity_model.comparison",
    "ProfileDiff": "maturity_model.comparison",
    "Roadmap": "maturity_model.planning",
    "Wave": "maturity_model.planning",
    "assessment_json_schema": "maturity_model.schema",
    "compare": "maturity_model.comparison",
    "gap": "maturity_model.planning",
    "plan": "maturity_model.planning",
    "Projection": "maturity_model.projection",
    "project": "maturity_model.projection",
    "dump_crosswalk": "maturity_model.serialization",
    "load_crosswalk": "maturity_model.serialization",
    "dump_assessment": "maturity_model.serialization",
    "dump_model": "maturity_model.serialization",
    "dump_profile": "maturity_model.serialization",
    "load_assessment": "maturity_model.serialization",
    "load_model": "maturity_model.serialization",
    "load_profile": "maturity_model.serialization",
    "model_json_schema": "maturity_model.schema",
    "Change": "maturity_model.versions",
    "ModelDiff": "maturity_model.versions",
    "diff_models": "maturity_model.versions",
    "Migration": "maturity_model.migration",
    "migrate": "maturity_model.migration",
}


# Display code sits on top of the core: wire it in here, so the core never imports it.
_wire_display()
# Models, assessments and profiles hold read-only mappings: let them pickle.
_register_pickling()

_SUBMODULES = frozenset({"batch", "cohort", "comparison", "crosswalk", "formats", "graph",
                         "history", "migration", "planning", "plots", "portfolio",
                         "projection", "report", "schema", "standards", "target",
                         "versions"})


def __getattr__(name: str) -> Any:
    import importlib

    if name in _SUBMODULES:
        return importlib.import_module(f"maturity_model.{name}")
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'maturity_model' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})

