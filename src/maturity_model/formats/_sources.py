"""What the importers share: reading other tools' YAML, and problems that point into it.

Other tools' files are read with the library's safe YAML loader (YAML 1.2 booleans, so an
unquoted ``No`` label stays the string ``"No"``), except that a key written twice in one
mapping is not an error of the whole file: the first value is kept and the repeat is
recorded on the mapping (:class:`SourceMapping`), so an importer can report it at its place.

An importer builds a :class:`~maturity_model.MaturityModel` and a :class:`PathMap` from the
model's JSON paths to the places in the source files they came from; :func:`collect` runs
:func:`maturity_model.check` on the model and rewrites every path, so each problem names
the source file and the place in it (``model/activities/G-SM-1-A.yml:$.level``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs
import yaml

from maturity_model._converter import type_name
from maturity_model._reading import limit_error
from maturity_model._reading import read_bounded as _read_bounded
from maturity_model._yaml import LimitExceeded
from maturity_model.errors import (
    ModelValidationError,
    Problem,
    ValidationError,
    shown,
)
from maturity_model.languages import DEFAULT_LANGUAGE, LocalText, is_language_tag
from maturity_model.model import MaturityModel
from maturity_model.serialization import (
    DEFAULT_LIMITS,
    Limits,
    _SafeLoader,
    check_limits,
)

__all__ = [
    "PathMap",
    "SourceMapping",
    "collect",
    "has_errors",
    "key_path",
    "parse_yaml",
    "raise_for_errors",
    "read_bounded",
    "read_yaml",
    "shown",
    "slug",
    "tagged_text",
    "type_name",
]


class SourceMapping(dict[Any, Any]):
    r"""A mapping read from YAML; :attr:`duplicates` lists keys written again, with lines.

    >>> docs, problems = parse_yaml("a: 1\na: 2\nb: No\n", "x.yml")
    >>> docs[0], docs[0].duplicates, problems
    ({'a': 1, 'b': 'No'}, (('a', 2),), [])
    """

    duplicates: tuple[tuple[Any, int], ...] = ()


class _Loader(_SafeLoader):
    """The library's safe loader, recording repeated keys instead of refusing the file."""

    def new_mapping(self) -> SourceMapping:
        return SourceMapping()

    def repeated_key(self, mapping: dict[Any, Any], key: Any, key_node: yaml.Node) -> None:
        assert isinstance(mapping, SourceMapping)
        mapping.duplicates = (*mapping.duplicates, (key, key_node.start_mark.line + 1))


def _guard(tag: str, what: str) -> None:
    """Make a scalar of ``tag`` that cannot be built a YAML error at its place.

    ``2024-02-30``, an int of 5000 digits or ``!!float abc`` raise a bare ``ValueError``
    in PyYAML's constructors; this turns it into a problem with a line and column.
    """
    build = _Loader.yaml_constructors[tag]

    def construct(loader: _Loader, node: yaml.ScalarNode) -> Any:
        try:
            return build(loader, node)
        except (ValueError, OverflowError, TypeError):
            raise yaml.constructor.ConstructorError(
                None, None, f"{shown(str(node.value))} is not a valid {what}",
                node.start_mark) from None

    _Loader.add_constructor(tag, construct)


for _tag, _what in (("int", "integer (at most 4300 digits)"), ("float", "number"),
                    ("timestamp", "date or time")):
    _guard(f"tag:yaml.org,2002:{_tag}", _what)


def parse_yaml(text: str, display: str) -> tuple[list[Any], list[Problem]]:
    """Every YAML document in ``text``; a syntax error is one problem at ``display:$``."""
    where = f"{display}:$"
    try:
        docs = list(yaml.load_all(text, Loader=_Loader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = (getattr(exc, "problem", None) or str(exc)).splitlines()[0]
        return [], [Problem.of("invalid-value", where, f"not valid YAML{at}: {problem}")]
    except RecursionError:
        return [], [Problem.of("invalid-value", where,
                               "the document is nested too deeply to read")]
    except LimitExceeded as exc:
        return [], [attrs.evolve(p, path=where) for p in limit_error(exc).problems]
    except (ValueError, OverflowError, TypeError) as exc:  # a constructor not guarded above
        return [], [Problem.of("invalid-value", where,
                               f"holds a value that cannot be read ({type(exc).__name__})")]
    for doc in docs:
        try:
            check_limits(doc)
        except ValidationError as exc:
            return [], [attrs.evolve(p, path=where) for p in exc.problems]
    return docs, []


def read_bounded(path: Path, max_bytes: int) -> bytes | None:
    """The bytes of a file, or ``None`` when it holds more than ``max_bytes``.

    The library's one bounded reader (:func:`maturity_model.serialization.read_bounded`):
    ``/dev/zero`` and a pipe that never ends are refused as well as a file too large.

    :raises OSError: the file cannot be read.

    >>> read_bounded(Path("/dev/zero"), 4) is None
    True
    """
    try:
        return _read_bounded(path, Limits(max_bytes=max_bytes))
    except ValidationError:
        return None

def read_yaml(path: Path, display: str) -> tuple[list[Any], list[Problem]]:
    """Read a YAML file: its documents, or the problems that stop it being read.

    ``display`` is how problems name the file (``model/activities/G-SM-1-A.yml``).
    """
    where = f"{display}:$"
    try:
        data = read_bounded(path, DEFAULT_LIMITS.max_bytes)
    except OSError as exc:
        return [], [Problem.of("invalid-value", where,
                               f"cannot be read ({exc.strerror or exc})")]
    if data is None:
        return [], [Problem.of(
            "invalid-value", where, f"the file is larger than {DEFAULT_LIMITS.max_bytes} bytes")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return [], [Problem.of(
            "invalid-value", where,
            f"the file is not UTF-8 text ({exc.reason} at byte {exc.start})")]
    return parse_yaml(text, display)


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def key_path(base: str, key: object) -> str:
    """The JSON path of ``key`` inside the mapping at ``base``.

    >>> key_path("$", "level"), key_path("$", "Build and Deployment"), key_path("$.a", 3)
    ('$.level', "$['Build and Deployment']", '$.a[3]')
    """
    if isinstance(key, str) and _IDENTIFIER.fullmatch(key):
        return f"{base}.{key}"
    return f"{base}[{key!r}]"


# A native JSON path inside a message ("is already used at $.domains[0].items[1].id").
_NATIVE_PATH = re.compile(r"\$(?:\.[A-Za-z_]+|\[[^\]\s]+\])+")


class PathMap:
    """Where each part of an imported model came from: native JSON path → source path.

    A native path is translated through its longest registered prefix; what is left of
    it is appended as it is.

    >>> paths = PathMap("model.yaml")
    >>> paths.add("$.domains[0].items[1].practices[2]", "model.yaml:$['B']['Build']['x']")
    >>> paths.add("$.domains[0].items[1].practices[2].id",
    ...           "model.yaml:$['B']['Build']['x'].uuid")
    >>> paths.source("$.domains[0].items[1].practices[2].level")
    "model.yaml:$['B']['Build']['x'].level"
    >>> paths.source("$.domains[0].items[1].practices[2].id")
    "model.yaml:$['B']['Build']['x'].uuid"
    >>> paths.source("$.scale")
    'model.yaml:$.scale'
    """

    def __init__(self, fallback: str) -> None:
        self._fallback = fallback
        self._paths: dict[str, str] = {}

    def add(self, native: str, source: str) -> None:
        """Record that the model's ``native`` path came from ``source``."""
        self._paths[native] = source

    def source(self, native: str) -> str:
        """The source path of a native path."""
        candidate = native
        while True:
            found = self._paths.get(candidate)
            if found is not None:
                return found + native[len(candidate):]
            cut = max(candidate.rfind("."), candidate.rfind("["))
            if cut <= 0:
                return f"{self._fallback}:{native}"
            candidate = candidate[:cut]

    def message(self, text: str) -> str:
        """``text`` with every native path in it translated."""
        return _NATIVE_PATH.sub(lambda m: self.source(m.group(0)), text)


def collect(model: MaturityModel, found: Iterable[Problem], paths: PathMap, *,
            skip: Iterable[str] = ()) -> tuple[Problem, ...]:
    """The importer's own problems, then :func:`maturity_model.check`'s, in source paths.

    ``skip`` names codes the importer reports itself. A problem already listed (same code
    and path) is listed once.
    """
    from maturity_model.validation import check

    problems = list(found)
    seen = {(p.code, p.path) for p in problems}
    skipped = set(skip)
    for problem in check(model):
        if problem.code in skipped:
            continue
        moved = attrs.evolve(problem, path=paths.source(problem.path),
                             message=paths.message(problem.message))
        if (moved.code, moved.path) not in seen:
            seen.add((moved.code, moved.path))
            problems.append(moved)
    return tuple(problems)


def raise_for_errors(model: MaturityModel | None, problems: tuple[Problem, ...]) -> None:
    """Raise one :class:`ModelValidationError` with every problem if any is an error.

    A dependency cycle raises its subclass :class:`DependencyCycleError`, naming the cycle.
    """
    if not any(p.severity == "error" for p in problems):
        return
    if model is not None:
        from maturity_model.graph import cycle_error

        raise cycle_error(model, problems)
    raise ModelValidationError(problems)


def has_errors(problems: Iterable[Problem]) -> bool:
    """Whether any problem is an error (not a warning)."""
    return any(p.severity == "error" for p in problems)


def slug(text: str) -> str:
    """A lower-case id from a display name.

    >>> slug("Build and Deployment"), slug("Test-Intensity"), slug("  ")
    ('build-and-deployment', 'test-intensity', '')
    """
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")




def tagged_text(value: Any, *, strip: bool = False,
                language: str = DEFAULT_LANGUAGE) -> Any:
    """A source's text field as a model text: a mapping of language tags keeps them all.

    A mapping whose keys are all BCP 47 tags and whose values are strings (``{en: Govern,
    es: Gobernar}``, as translated copies of a model write it) becomes a
    :class:`~maturity_model.languages.LocalText` with ``language`` as its default, empty
    texts left out; a string is kept (stripped with ``strip``); anything else comes back
    as it is, for the importer to report.

    >>> tagged_text({"en": " Govern ", "es": "Gobernar", "fr": ""}).texts
    mappingproxy({'en': 'Govern', 'es': 'Gobernar'})
    >>> tagged_text(" Govern ", strip=True), tagged_text(3)
    ('Govern', 3)
    """
    if isinstance(value, str):
        return value.strip() if strip else value
    if isinstance(value, dict) and value and all(
            is_language_tag(tag) and isinstance(text, str) for tag, text in value.items()):
        texts = {tag: text.strip() for tag, text in value.items() if text.strip()}
        if texts:
            return LocalText(texts, language=language)
    return value
