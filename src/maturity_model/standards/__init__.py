"""Standard maturity models by name: the bundled ones, and those other packages add.

>>> from maturity_model import standards
>>> model = standards.load("caict-devops-cd")
>>> len(model.items())
49

Bundled models are data files inside the package, read the first time they are asked
for. Another package adds its own through the entry-point group
``maturity_model.standards``: each entry point's name is the standard's name and its
object is a model file path, a :class:`~maturity_model.MaturityModel`, or a callable
returning either (or an iterable of models, one per version)::

    [project.entry-points."maturity_model.standards"]
    acme-platform = "acme_models:platform_model"

In code, :meth:`StandardsRegistry.register` does the same on a registry object you hold;
nothing is registered globally by importing anything.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

import attrs

from maturity_model.errors import MaturityModelError, UnknownNodeError, UnknownStandardError, shown
from maturity_model.evidence import Assessment
from maturity_model.model import MaturityModel

__all__ = [
    "ENTRY_POINT_GROUP",
    "StandardInfo",
    "StandardsRegistry",
    "available",
    "default_registry",
    "example_assessment",
    "info",
    "load",
    "register",
]

ENTRY_POINT_GROUP: Final = "maturity_model.standards"

Source = str | os.PathLike[str] | MaturityModel | Callable[[], Any]


def _frozen(values: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(values))


@attrs.frozen(kw_only=True)
class StandardInfo:
    """What the registry knows of one standard version.

    :param name: the name it is loaded by (usually the model id).
    :param version: the model version.
    :param title: the model's display name.
    :param origin: ``"bundled"``, ``"entry point <dist>"`` or ``"registered"``.
    :param metadata: the model's metadata (source, license, what is official, wording).
    """

    name: str
    version: str
    title: str = ""
    origin: str = "registered"
    metadata: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen, hash=False)


def _version_key(version: str) -> tuple[tuple[int, str], ...]:
    return tuple((int(part), "") if part.isdigit() else (-1, part)
                 for part in re.split(r"[.\-_]", version))


def _bundled_dir() -> Any:
    return resources.files("maturity_model.standards").joinpath("data")


class StandardsRegistry:
    """Standards by name and version; loads each model once, on first use.

    >>> registry = StandardsRegistry(include_bundled=False, include_entry_points=False)
    >>> import maturity_model as mm
    >>> registry.register(mm.MaturityModel(id="tiny", version="1"))
    >>> registry.load("tiny").version
    '1'
    """

    def __init__(self, *, include_bundled: bool = True,
                 include_entry_points: bool = True) -> None:
        self._sources: dict[str, dict[str, tuple[Source, str]]] = {}
        self._loaded: dict[tuple[str, str], MaturityModel] = {}
        self._pending: list[tuple[str, Source, str]] = []
        self._lock = threading.RLock()
        self._include_bundled = include_bundled
        self._include_entry_points = include_entry_points
        self._discovered = False

    # discovery --------------------------------------------------------------------

    def _discover(self) -> None:
        with self._lock:
            if self._discovered:
                return
            self._discovered = True
            if self._include_bundled:
                for entry in sorted(_bundled_dir().iterdir(), key=lambda e: e.name):
                    name = entry.name
                    if name.endswith(".yaml") and ".example" not in name:
                        self._pending.append((name[: -len(".yaml")], str(entry), "bundled"))
            if self._include_entry_points:
                from importlib.metadata import entry_points

                for ep in entry_points(group=ENTRY_POINT_GROUP):
                    dist = ep.dist.name if ep.dist is not None else "?"
                    self._pending.append((ep.name, ep.load, f"entry point {dist}"))
            pending, self._pending = self._pending, []
            for name, source, origin in pending:
                if origin == "bundled":
                    self._add(name, source, origin)
                    continue
                try:
                    self._add(name, source, origin)
                except Exception as exc:  # a broken plug-in must not hide the rest
                    import warnings

                    warnings.warn(f"standard {shown(name)} from {origin} could not be loaded: "
                                  f"{exc}",
                                  RuntimeWarning, stacklevel=3)

    def _add(self, name: str, source: Source, origin: str) -> None:
        models = self._resolve(source)
        for model in models:
            self._sources.setdefault(name, {})[model.version] = (model, origin)
            self._loaded[(name, model.version)] = model

    @staticmethod
    def _resolve(source: Source) -> list[MaturityModel]:
        from maturity_model.serialization import load_model

        value: Any = source
        if callable(value) and not isinstance(value, MaturityModel):
            value = value()
            if callable(value) and not isinstance(value, MaturityModel):
                value = value()
        if isinstance(value, MaturityModel):
            return [value]
        if isinstance(value, str | os.PathLike):
            return [load_model(Path(value))]
        if isinstance(value, Iterable):
            models = list(value)
            if all(isinstance(m, MaturityModel) for m in models):
                return models
        raise MaturityModelError(f"a standard must be a model, a model file or a callable "
                                 f"returning models, not {type(value).__name__}")

    # public -----------------------------------------------------------------------

    def register(self, model: Source, *, name: str | None = None) -> None:
        """Add a model (or a model file, or a callable returning models) under ``name``.

        ``name`` defaults to the model id. Registering the same name and version again
        replaces the earlier entry.
        """
        self._discover()
        with self._lock:
            models = self._resolve(model)
            for m in models:
                key = name or m.id
                self._sources.setdefault(key, {})[m.version] = (m, "registered")
                self._loaded[(key, m.version)] = m

    def names(self) -> tuple[str, ...]:
        """The standard names, sorted."""
        self._discover()
        return tuple(sorted(self._sources))

    def versions(self, name: str) -> tuple[str, ...]:
        """The versions of one standard, oldest first.

        :raises UnknownStandardError: no such standard (:attr:`~UnknownStandardError.known`
            lists the names there are).
        """
        self._discover()
        if name not in self._sources:
            raise UnknownStandardError(name, known=self.names())
        return tuple(sorted(self._sources[name], key=_version_key))

    def load(self, name: str, version: str | None = None) -> MaturityModel:
        """The model of a standard (its newest version unless ``version`` is given).

        :raises UnknownStandardError: no such standard, or not in that version
            (:attr:`~UnknownStandardError.known` lists the versions there are).

        >>> registry = StandardsRegistry(include_entry_points=False)
        >>> try:
        ...     registry.load("caict-devops-cd", "1999")
        ... except UnknownStandardError as err:
        ...     print(err.version, err.known)
        1999 ('2021',)
        """
        versions = self.versions(name)
        chosen = versions[-1] if version is None else version
        if chosen not in versions:
            raise UnknownStandardError(name, chosen, known=versions)
        return self._loaded[(name, chosen)]

    def info(self, name: str, version: str | None = None) -> StandardInfo:
        """What is known of a standard: title, version, origin and metadata."""
        model = self.load(name, version)
        origin = self._sources[name][model.version][1]
        return StandardInfo(name=name, version=model.version, title=model.name, origin=origin,
                            metadata=model.metadata)

    def available(self) -> tuple[StandardInfo, ...]:
        """Every standard version, sorted by name and version."""
        return tuple(self.info(name, version) for name in self.names()
                     for version in self.versions(name))


_DEFAULT: StandardsRegistry | None = None
_DEFAULT_LOCK = threading.Lock()


def default_registry() -> StandardsRegistry:
    """The process-wide registry: bundled models plus installed entry points (made on first use)."""
    global _DEFAULT  # noqa: PLW0603 - created lazily so importing has no side effects
    with _DEFAULT_LOCK:
        if _DEFAULT is None:
            _DEFAULT = StandardsRegistry()
        return _DEFAULT


def available() -> tuple[StandardInfo, ...]:
    """Every standard of the default registry.

    >>> "caict-devops-cd" in {s.name for s in available()}
    True
    """
    return default_registry().available()


def load(name: str, version: str | None = None) -> MaturityModel:
    """Load a standard by name from the default registry (newest version by default)."""
    return default_registry().load(name, version)


def info(name: str, version: str | None = None) -> StandardInfo:
    """Metadata of a standard in the default registry."""
    return default_registry().info(name, version)


def register(model: Source, *, name: str | None = None) -> None:
    """Add a model to the default registry (see :meth:`StandardsRegistry.register`)."""
    default_registry().register(model, name=name)


def example_assessment(name: str) -> Assessment:
    """The example assessment bundled with a standard.

    :raises UnknownNodeError: the standard has no bundled example.
    """
    from maturity_model.serialization import load_assessment

    entry = _bundled_dir().joinpath(f"{name}.example-assessment.yaml")
    if not entry.is_file():
        raise UnknownNodeError(name, "bundled example assessment for standard")
    with resources.as_file(entry) as path:
        return load_assessment(path)


def example_assessment_path(name: str) -> Path:
    """The file path of a bundled example assessment (for the command line)."""
    entry = _bundled_dir().joinpath(f"{name}.example-assessment.yaml")
    if not entry.is_file():
        raise UnknownNodeError(name, "bundled example assessment for standard")
    return Path(str(entry))
