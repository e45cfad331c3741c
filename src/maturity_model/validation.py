"""``check``: every problem of a model (and optionally an assessment) at once.

Each :class:`~maturity_model.Problem` has a stable code, a severity and the JSON path of
the place in the model document where it is (``$.domains[0].items[2].practices[1].level``),
the same path whether the model came from a file or was built in code.
"""

from __future__ import annotations

import datetime
from typing import Any, Final

from maturity_model._dependencies import cycle_problems
from maturity_model._identity import identity_problems
from maturity_model._numbers import is_finite_number
from maturity_model._references import reference_problems
from maturity_model._text_checks import text_problems
from maturity_model.errors import Problem, shown
from maturity_model.evidence import Assessment, check_assessment
from maturity_model.ids import ITEM_LEVEL_SEPARATOR, confusable_key, invisible_in
from maturity_model.model import (
    CapabilityItem,
    Domain,
    MaturityModel,
    Practice,
    parse_requirement,
)
from maturity_model.nodes import walk
from maturity_model.rules import (
    MetricBands,
    Quantile,
    Staircase,
)

__all__ = ["MAX_EXPANDED_REQUIREMENTS", "check"]

#: The most practice-to-practice edges a model's ``requires`` may stand for once every
#: ``item@L`` is expanded (``item@L`` counts the item's practices at levels ``<= L``).
#: Real models stay in the thousands; a small file can ask for billions (every practice
#: of a big item required by every practice of another), so more is refused with an
#: ``invalid-value`` problem before anything is built.
MAX_EXPANDED_REQUIREMENTS: Final = 1_000_000


def _is_number(value: object) -> bool:
    return is_finite_number(value)


class _Checker:
    def __init__(self, model: MaturityModel) -> None:
        self.model = model
        self.problems: list[Problem] = []
        self.scale_values = set(model.scale.values)

    def add(self, code: str, path: str, message: str) -> None:
        self.problems.append(Problem.of(code, path, message))

    def string(self, value: object, path: str, *, empty_ok: bool = False) -> bool:
        if not isinstance(value, str):
            self.add("invalid-value", path, f"must be a string, not {shown(value)}")
            return False
        if not empty_ok and not value.strip():
            self.add("invalid-value", path, "must not be empty")
            return False
        return True

    def weight(self, value: object, path: str) -> None:
        if not _is_number(value) or value <= 0:  # type: ignore[operator]
            self.add("invalid-value", path,
                     f"weight must be a finite number > 0, not {shown(value)}")

    def scale(self) -> None:
        levels = self.model.scale.levels
        if not levels:
            self.add("invalid-value", "$.scale", "the scale has no levels")
            return
        for i, level in enumerate(levels):
            if not isinstance(level.value, int) or isinstance(level.value, bool):
                self.add("invalid-value", f"$.scale[{i}].value",
                         f"a level value must be an integer, not {shown(level.value)}")
            self.string(level.name, f"$.scale[{i}].name", empty_ok=True)
        if not self.model.scale.is_consecutive():
            values = ", ".join(str(v) for v in self.model.scale.values)
            self.add("invalid-value", "$.scale",
                     f"level values must be consecutive integers starting at 0 or 1, "
                     f"not {values}")

    def rule(self, rule: Any, path: str, *, role: str) -> None:
        method = "evaluate_item" if role == "item" else "aggregate"
        if not hasattr(rule, method):
            kind = getattr(rule, "kind", type(rule).__name__)
            self.add("invalid-value", f"{path}.kind",
                     f"{shown(kind)} is not an {role} rule")
            return
        if isinstance(rule, Staircase):
            t = rule.threshold
            if not _is_number(t) or not 0 < t <= 1:
                self.add("invalid-value", f"{path}.threshold",
                         f"threshold must be in (0, 1], not {shown(t)}")
        elif isinstance(rule, Quantile):
            if not _is_number(rule.q) or not 0 <= rule.q <= 1:
                self.add("invalid-value", f"{path}.q", f"q must be in [0, 1], not {shown(rule.q)}")
        elif isinstance(rule, MetricBands):
            self.string(rule.metric, f"{path}.metric")
            if rule.better not in ("higher", "lower"):
                self.add("invalid-value", f"{path}.better",
                         f"better must be 'higher' or 'lower', not {shown(rule.better)}")
            if not rule.bounds:
                self.add("invalid-value", f"{path}.bounds", "bounds must name at least one level")
            for level, bound in rule.bounds.items():
                if level not in self.scale_values:
                    self.add("level-off-scale", f"{path}.bounds[{level}]",
                             f"{level} is not on the scale {self.scale_text()}")
                if not _is_number(bound):
                    self.add("invalid-value", f"{path}.bounds[{level}]",
                             f"a bound must be a number, not {shown(bound)}")

    def identifier(self, identifier: str, path: str, what: str,
                   looks: dict[str, tuple[str, str]]) -> None:
        """The rules every id follows beyond being unique: no ``@``, nothing confusable."""
        if ITEM_LEVEL_SEPARATOR in identifier:
            self.add("invalid-value", path,
                     f"{what} id {shown(identifier)} contains '@', which separates an item "
                     f"id from a level in requirements ('item-id@2')")
        hidden = invisible_in(identifier)
        key = confusable_key(identifier)
        first = looks.setdefault(key, (identifier, path))
        if first[0] != identifier:
            self.add("confusable-id", path,
                     f"{what} id {shown(identifier)} differs from {shown(first[0])} "
                     f"(at {first[1]}) only by case, Unicode normalisation or invisible characters")
        elif hidden:
            self.add("confusable-id", path,
                     f"{what} id {shown(identifier)} contains invisible characters "
                     f"({', '.join(hidden)})")

    def scale_text(self) -> str:
        values = self.model.scale.values
        return f"{values[0]}..{values[-1]}" if values else "(empty)"

    def answer_sets(self) -> set[str]:
        ids: set[str] = set()
        for i, answer_set in enumerate(self.model.answer_sets):
            path = f"$.answer_sets[{shown(answer_set.id)}]"
            if answer_set.id in ids:
                self.add("duplicate-id", path,
                         f"answer set {shown(answer_set.id)} is defined twice")
            ids.add(answer_set.id)
            if not answer_set.options:
                self.add("invalid-value", path, "an answer set needs at least one label")
            labels: set[str] = set()
            for j, option in enumerate(answer_set.options):
                if not self.string(option.label, f"{path}[{j}].label"):
                    continue
                # A label written in several languages must be unique in each of them.
                spellings = {str(option.label), *(f"{tag}\0{text}" for tag, text in getattr(
                    option.label, "texts", {}).items())}
                if spellings & labels:
                    self.add("duplicate-id", f"{path}[{j}].label",
                             f"label {shown(option.label)} appears twice")
                labels |= spellings
                v = option.value
                if not _is_number(v) or not 0 <= v <= 1:
                    self.add("invalid-value", f"{path}[{j}].value",
                             f"value must be in [0, 1], not {shown(v)}")
            del i
        return ids

    def run(self) -> list[Problem]:
        model = self.model
        self.string(model.id, "$.id")
        self.string(model.version, "$.version", empty_ok=True)
        self.scale()
        self.rule(model.rules.item, "$.rules.item", role="item")
        self.rule(model.rules.domain, "$.rules.domain", role="aggregation")
        if model.dependencies not in ("ignore", "report", "enforce"):
            self.add("invalid-value", "$.dependencies",
                     f"must be 'ignore', 'report' or 'enforce', not {shown(model.dependencies)}")
        answer_set_ids = self.answer_sets()
        seen: dict[str, str] = {}
        looks: dict[str, tuple[str, str]] = {}  # confusable key -> (first id, its path)

        def claim(identifier: object, path: str, what: str) -> None:
            if not self.string(identifier, path):
                return
            assert isinstance(identifier, str)
            if identifier in seen:
                self.add("duplicate-id", path,
                         f"{what} id {shown(identifier)} is already used at {seen[identifier]}")
                return
            seen[identifier] = path
            self.identifier(identifier, path, what, looks)

        if isinstance(model.id, str) and model.id.strip():
            seen[model.id] = "$.id"
            self.identifier(model.id, "$.id", "model", looks)

        items: list[tuple[CapabilityItem, str]] = []
        for node, path in walk(model.domains):
            claim(node.id, f"{path}.id", "domain" if isinstance(node, Domain) else "item")
            self.string(node.name, f"{path}.name", empty_ok=True)
            self.weight(node.weight, f"{path}.weight")
            if isinstance(node, Domain):
                if node.rule is not None:
                    self.rule(node.rule, f"{path}.rule", role="aggregation")
                continue
            items.append((node, path))
            if node.rule is not None:
                self.rule(node.rule, f"{path}.rule", role="item")
            rule = model.item_rule(node)
            if not node.practices and not isinstance(rule, MetricBands):
                self.add("empty-item", f"{path}.practices",
                         f"item {shown(node.id)} has no practices and can never be assessed")
            for j, practice in enumerate(node.practices):
                ppath = f"{path}.practices[{j}]"
                claim(practice.id, f"{ppath}.id", "practice")
                level = practice.level
                if not isinstance(level, int) or isinstance(level, bool):
                    self.add("invalid-value", f"{ppath}.level",
                             f"level must be an integer, not {shown(level)}")
                elif level not in self.scale_values:
                    self.add("level-off-scale", f"{ppath}.level",
                             f"{level} is not on the scale {self.scale_text()}")
                self.string(practice.text, f"{ppath}.text", empty_ok=True)
                self.weight(practice.weight, f"{ppath}.weight")
                mandatory: object = practice.mandatory
                if not isinstance(mandatory, bool):
                    self.add("invalid-value", f"{ppath}.mandatory",
                             f"mandatory must be true or false, not {shown(practice.mandatory)}")
                if practice.answer_set is not None and practice.answer_set not in answer_set_ids:
                    self.add("unresolved-reference", f"{ppath}.answer_set",
                             f"no answer set {shown(practice.answer_set)}")
                if practice.effort is not None and (
                        not _is_number(practice.effort)
                        or practice.effort < 0):
                    self.add("invalid-value", f"{ppath}.effort",
                             f"effort must be a finite number >= 0, not {shown(practice.effort)}")
                if practice.metric is not None:
                    self.string(practice.metric.name, f"{ppath}.metric.name")
                    t = practice.metric.threshold
                    if not _is_number(t):
                        self.add("invalid-value", f"{ppath}.metric.threshold",
                                 f"threshold must be a finite number, not {shown(t)}")
                    if practice.metric.better not in ("higher", "lower"):
                        self.add("invalid-value", f"{ppath}.metric.better",
                                 "better must be 'higher' or 'lower'")
                self.evidence_policy(practice, ppath)
        self.problems += identity_problems(model)
        self.problems += reference_problems(model)
        self.requirements(items)
        return self.problems

    def evidence_policy(self, practice: Practice, path: str) -> None:
        if practice.evidence not in (None, "required"):
            self.add("invalid-value", f"{path}.evidence",
                     f"evidence must be 'required' or left out, not {shown(practice.evidence)}")
        months: object = practice.evidence_max_age_months
        if months is None:
            return
        if isinstance(months, bool) or not isinstance(months, int) or months < 1:
            self.add("invalid-value", f"{path}.evidence_max_age_months",
                     f"evidence_max_age_months must be a whole number >= 1, not "
                     f"{shown(months)}")
        elif practice.evidence != "required":
            self.add("invalid-value", f"{path}.evidence_max_age_months",
                     "evidence_max_age_months needs 'evidence: required' on the practice")

    def requirements(self, items: list[tuple[CapabilityItem, str]]) -> None:
        model = self.model
        index = model._index
        # Practices per item at levels <= L, for every L on the scale: what item@L costs.
        up_to: dict[str, dict[int, int]] = {}
        for item in index.items:
            if item.id in up_to:
                continue
            counts = dict.fromkeys(self.scale_values, 0)
            for practice in item.practices:
                for value in counts:
                    if isinstance(practice.level, int) and practice.level <= value:
                        counts[value] += 1
            up_to[item.id] = counts
        expanded = 0
        too_many: str | None = None
        for item, path in items:
            for j, practice in enumerate(item.practices):
                requires: tuple[object, ...] = practice.requires
                for k, requirement in enumerate(requires):
                    rpath = f"{path}.practices[{j}].requires[{k}]"
                    if not isinstance(requirement, str):
                        self.add("invalid-value", rpath,
                                 f"a requirement must be a string, not {shown(requirement)}")
                        continue
                    if requirement in index.practices:
                        required_level = index.practices[requirement].level
                        expanded += 1
                    else:
                        level = self.item_level(requirement, rpath)
                        if level is None:
                            continue
                        required_level = level
                        expanded += up_to[parse_requirement(requirement)[0]][level]
                    if too_many is None and expanded > MAX_EXPANDED_REQUIREMENTS:
                        too_many = rpath
                    if (isinstance(required_level, int) and isinstance(practice.level, int)
                            and required_level > practice.level):
                        self.add("level-inversion", rpath,
                                 f"{shown(practice.id)} (level {practice.level}) requires "
                                 f"{shown(requirement)} at level {required_level}")
        if too_many is not None:
            self.add("invalid-value", too_many,
                     f"the model's requirements stand for {expanded} practice-to-practice "
                     f"dependencies once every 'item@level' is expanded, more than "
                     f"{MAX_EXPANDED_REQUIREMENTS}")
            return
        if any(p.requires for p in model.practices()):
            self.problems.extend(cycle_problems(model))

    def item_level(self, requirement: str, path: str) -> int | None:
        """The level of a valid ``item@L`` requirement; ``None`` after reporting why not."""
        target, level = parse_requirement(requirement)
        if level is None:
            if ITEM_LEVEL_SEPARATOR in requirement:
                self.add("invalid-value", path,
                         f"{shown(requirement)} is neither a practice id nor 'item-id@level' "
                         f"with a level in digits 0-9")
            else:
                self.add("unresolved-reference", path,
                         f"no practice {shown(requirement)} (an item is required as "
                         f"'item-id@level')")
            return None
        if not isinstance(self.model._index.nodes.get(target), CapabilityItem):
            self.add("unresolved-reference", path,
                     f"no capability item {shown(target)} for {shown(requirement)}")
            return None
        if level not in self.scale_values:
            self.add("level-off-scale", path,
                     f"{level} in {shown(requirement)} is not on the scale {self.scale_text()}")
            return None
        return level


def check(model: MaturityModel, assessment: Assessment | None = None, *,
          strict: bool = True, as_of: datetime.date | None = None) -> tuple[Problem, ...]:
    """Every problem of ``model`` (and of ``assessment`` against it), errors and warnings.

    Nothing is raised for problems in the model: they are returned. With an assessment,
    its problems (paths into the assessment document) follow the model's; ``as_of``
    stands in for today when evidence dates are checked.

    >>> from maturity_model import CapabilityItem, Domain, MaturityModel, Practice
    >>> m = MaturityModel(id="m", domains=[Domain(id="d", items=[
    ...     CapabilityItem(id="i", practices=[Practice(id="p", level=9, requires=["q"])]),
    ...     CapabilityItem(id="i")])])
    >>> for p in check(m):
    ...     print(p.code, p.path)
    level-off-scale $.domains[0].items[0].practices[0].level
    duplicate-id $.domains[0].items[1].id
    empty-item $.domains[0].items[1].practices
    unresolved-reference $.domains[0].items[0].practices[0].requires[0]
    """
    problems = _Checker(model).run()
    problems.extend(text_problems(model))
    if assessment is not None:
        _, assessment_problems = check_assessment(model, assessment, strict=strict,
                                                 as_of=as_of)
        problems.extend(assessment_problems)
    return tuple(problems)


def model_errors(model: MaturityModel) -> tuple[Problem, ...]:
    """The error-level problems of a model, computed once per model object."""
    cached = model._index.errors
    if cached is None:
        cached = model._index.errors = tuple(
            p for p in check(model) if p.severity == "error")
    return cached
