"""Targets: the levels wanted, per node or everywhere, in code or in a small file.

A level applies to the node it names and to every node below it, unless a node below
names its own; the model id names the root, and ``default`` covers whatever no named node
covers. A target file (YAML, JSON or TOML) reads::

    format: maturity-target/1
    model: caict-devops-cd     # optional: checked against the profile
    default: 3                 # optional: the level for every node not named below
    levels:                    # optional: node id -> level
      cm: 3
      cm.vc.vcs: 4

:func:`maturity_model.planning.gap` and :func:`~maturity_model.planning.plan` take a
:class:`Target`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final

import attrs

from maturity_model._messages import translator
from maturity_model.errors import Problem, UnknownNodeError, ValidationError, shown

if TYPE_CHECKING:
    from maturity_model.profile import Profile
    from maturity_model.serialization import FileFormat

__all__ = ["TARGET_FORMAT", "Target"]

#: The ``format`` tag of target files.
TARGET_FORMAT: Final = "maturity-target/1"

_TARGET_FIELDS: Final = frozenset({"format", "model", "default", "levels"})


def _is_level(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _not_a_level(path: str, value: object) -> ValidationError:
    return ValidationError([Problem.of(
        "invalid-value", path, f"must be a level (an integer >= 0), not {shown(value)}")])


def _check_level(_: object, attribute: attrs.Attribute[Any], value: int | None) -> None:
    if value is not None and not _is_level(value):
        raise _not_a_level(f"$.{attribute.name}", value)


def _levels_converter(levels: Mapping[str, int] | None) -> Mapping[str, int]:
    result = dict(levels or {})
    for node_id, level in result.items():
        if not _is_level(level):
            raise _not_a_level(f"$.levels[{shown(node_id)}]", level)
    return MappingProxyType(result)


@attrs.frozen(kw_only=True)
class Target:
    """Wanted levels per node.

    :param levels: node id → level. A level applies to the node and everything below it
        unless a node below has its own; the model id stands for the root.
    :param default: the level for nodes that no entry of ``levels`` covers.
    :param model: the model id the target is for; checked against the profile when set.

    >>> Target.uniform(3).default
    3
    >>> t = Target.of({"cm": 3, "cm.vc.vcs": 4}, default=2)
    >>> t.levels["cm.vc.vcs"], t.default
    (4, 2)
    >>> str(t)
    'cm: 3, cm.vc.vcs: 4; default 2'

    A target file (YAML, JSON or TOML) holds the same fields::

        format: maturity-target/1
        model: caict-devops-cd     # optional
        default: 3                 # optional
        levels: {cm: 3, cm.vc.vcs: 4}
    """

    levels: Mapping[str, int] = attrs.field(factory=dict, converter=_levels_converter,
                                            hash=False)
    default: int | None = attrs.field(default=None, validator=_check_level)
    model: str | None = None

    @classmethod
    def uniform(cls, level: int, *, model: str | None = None) -> Target:
        """The same level for every node ("all items at level 3").

        >>> Target.uniform(3)
        Target(levels=mappingproxy({}), default=3, model=None)
        """
        return cls(default=level, model=model)

    @classmethod
    def of(cls, levels: Mapping[str, int], *, default: int | None = None,
           model: str | None = None) -> Target:
        """Levels per node, optionally with a default for the rest.

        >>> Target.of({"deploy": 3}).levels["deploy"]
        3
        """
        return cls(levels=levels, default=default, model=model)

    @classmethod
    def from_dict(cls, doc: Any) -> Target:
        """A target from a parsed document (the fields of a target file).

        :raises ValidationError: every problem, each with its JSON path.

        >>> Target.from_dict({"format": "maturity-target/1", "default": 3}).default
        3
        >>> Target.from_dict({"levels": {"cm": "high"}})
        Traceback (most recent call last):
        ...
        maturity_model.errors.ValidationError: 1 problem:
          $.levels['cm']: must be a level (an integer >= 0), not 'high' [invalid-value]
        """
        problems: list[Problem] = []

        def bad(path: str, message: str, code: str = "invalid-value") -> None:
            problems.append(Problem.of(code, path, message))

        if not isinstance(doc, Mapping):
            bad("$", f"a target must be a mapping, not {type(doc).__name__}")
            raise ValidationError(problems)
        for key in doc:
            if key not in _TARGET_FIELDS:
                bad(f"$.{key}", f"unknown field {shown(key)} (expected one of "
                    f"{', '.join(sorted(_TARGET_FIELDS))})", "unknown-field")
        if doc.get("format", TARGET_FORMAT) != TARGET_FORMAT:
            bad("$.format", f"expected format {shown(TARGET_FORMAT)}, not {doc['format']!r}")
        model = doc.get("model")
        if model is not None and not isinstance(model, str):
            bad("$.model", f"must be a model id (a string), not {shown(model)}")
        default = doc.get("default")
        if default is not None and not _is_level(default):
            bad("$.default", f"must be a level (an integer >= 0), not {shown(default)}")
        raw_levels = doc.get("levels") or {}
        levels: dict[str, int] = {}
        if not isinstance(raw_levels, Mapping):
            bad("$.levels", "must be a mapping of node id to level")
        else:
            for node_id, level in raw_levels.items():
                if not isinstance(node_id, str):
                    bad(f"$.levels[{shown(node_id)}]", "node ids must be strings")
                elif not _is_level(level):
                    bad(f"$.levels[{shown(node_id)}]",
                        f"must be a level (an integer >= 0), not {shown(level)}")
                else:
                    levels[node_id] = level
        if problems:
            raise ValidationError(problems)
        return cls(levels=levels, default=default, model=model)

    def to_dict(self) -> dict[str, Any]:
        """The target as a document; :meth:`from_dict` reads it back.

        >>> Target.of({"cm": 3}, default=2).to_dict()
        {'format': 'maturity-target/1', 'default': 2, 'levels': {'cm': 3}}
        """
        doc: dict[str, Any] = {"format": TARGET_FORMAT}
        if self.model is not None:
            doc["model"] = self.model
        if self.default is not None:
            doc["default"] = self.default
        if self.levels:
            doc["levels"] = dict(self.levels)
        return doc

    @classmethod
    def loads(cls, text: str, file_format: FileFormat = "yaml") -> Target:
        r"""A target from the text of a target file.

        >>> Target.loads("format: maturity-target/1\ndefault: 3\nlevels: {env: 2}\n")
        Target(levels=mappingproxy({'env': 2}), default=3, model=None)
        """
        from maturity_model.serialization import parse_text

        return cls.from_dict(parse_text(text, file_format))

    @classmethod
    def load(cls, path: str | os.PathLike[str], *,
             file_format: FileFormat | None = None) -> Target:
        """A target from a YAML, JSON or TOML file (format from the suffix, else YAML).

        Read with the same safe loader and limits as model files.

        :raises ValidationError: the file is not well-formed or not a valid target.
        :raises OSError: the file cannot be read.
        """
        from maturity_model.serialization import read_document

        return cls.from_dict(read_document(path, file_format))

    def level_for(self, profile: Profile, node_id: str) -> int | None:
        """The level this target sets for a node of ``profile`` (``None``: no target).

        The one reading of a target: the level of the nearest of the node and its
        ancestors that the target names, else :attr:`default`.

        :raises UnknownNodeError: ``profile`` has no node ``node_id``.

        >>> import maturity_model as mm
        >>> p = mm.Profile(model_id="m", results={
        ...     "m": mm.Result(node_id="m", kind="model"),
        ...     "cm": mm.Result(node_id="cm", kind="domain", parent="m"),
        ...     "vcs": mm.Result(node_id="vcs", kind="item", parent="cm")})
        >>> Target.of({"cm": 3}).level_for(p, "vcs"), Target.of({"cm": 3}).level_for(p, "m")
        (3, None)
        """
        if node_id not in profile.results:
            raise UnknownNodeError(node_id, "node")
        return self._resolve(profile, node_id, {})

    def levels_for(self, profile: Profile) -> Mapping[str, int | None]:
        """:meth:`level_for` of every node of ``profile`` at once, in the profile's order.

        >>> import maturity_model as mm
        >>> p = mm.Profile(model_id="m", results={
        ...     "m": mm.Result(node_id="m", kind="model"),
        ...     "cm": mm.Result(node_id="cm", kind="domain", parent="m")})
        >>> dict(Target.of({"cm": 3}, default=1).levels_for(p))
        {'m': 1, 'cm': 3}
        """
        memo: dict[str, int | None] = {}
        return MappingProxyType({node_id: self._resolve(profile, node_id, memo)
                                 for node_id in profile.results})

    def _resolve(self, profile: Profile, node_id: str, memo: dict[str, int | None]) -> (
            int | None):
        # Walk up without recursion (trees may be deep) and remember every node passed,
        # so that all nodes of a profile cost one walk in total. A parent chain that
        # loops or leaves the profile ends at the default.
        results = profile.results
        passed: list[str] = []
        on_path: set[str] = set()
        node: str | None = node_id
        found = self.default
        while node is not None and node in results and node not in on_path:
            if node in memo:
                found = memo[node]
                break
            if node in self.levels:
                found = self.levels[node]
                break
            passed.append(node)
            on_path.add(node)
            node = results[node].parent
        memo.update(dict.fromkeys(passed, found))
        return found

    def problems(self, profile: Profile) -> tuple[Problem, ...]:
        """What does not fit a profile: another model, unknown nodes, levels off the scale.

        >>> import maturity_model as mm
        >>> p = mm.Profile(model_id="m", scale=mm.LevelScale.range(1, 3),
        ...                results={"m": mm.Result(node_id="m", kind="model")})
        >>> for problem in Target.of({"cm": 4}).problems(p):
        ...     print(problem)
        $.levels['cm']: no node with id 'cm' in the model [unresolved-reference]
        $.levels['cm']: level 4 is above the scale's top (3) [level-off-scale]
        """
        problems: list[Problem] = []
        if self.model is not None and self.model != profile.model_id:
            problems.append(Problem.of(
                "model-mismatch", "$.model",
                f"the target is for model {shown(self.model)}, the profile for "
                f"{shown(profile.model_id)}"))
        top = profile.scale.top
        levels: list[tuple[str, int]] = list(self.levels.items())
        if self.default is not None:
            levels.append(("", self.default))
        for node_id, level in levels:
            path = f"$.levels[{shown(node_id)}]" if node_id else "$.default"
            if node_id and node_id not in profile.results:
                problems.append(Problem.of("unresolved-reference", path,
                                           f"no node with id {shown(node_id)} in the model"))
            if level > top:
                problems.append(Problem.of(
                    "level-off-scale", path,
                    f"level {level} is above the scale's top ({top})"))
        return tuple(problems)

    def __str__(self) -> str:
        return self.describe()

    def describe(self, lang: str | None = None) -> str:
        """The target in words (``str(target)``), in ``lang`` (a BCP 47 tag).

        >>> Target.uniform(3).describe(), Target.uniform(3).describe("zh")
        ('level 3 everywhere', '全部为第 3 级')
        """
        t = translator(lang)
        if not self.levels:
            return t.gettext("no target") if self.default is None else t.gettext(
                "level {level} everywhere").format(level=self.default)
        text = ", ".join(f"{k}: {v}" for k, v in self.levels.items())
        return text if self.default is None else t.gettext("{levels}; default {level}").format(
            levels=text, level=self.default)

