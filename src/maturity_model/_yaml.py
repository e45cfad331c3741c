"""The library's safe YAML loader: YAML 1.2 booleans, no repeated keys, bounded while built.

The loader counts values while it builds the document, aliases counted as often as they
are used, and refuses a document as soon as it holds more values or is nested deeper than
its :class:`~maturity_model._limits.Limits` allow, for every kind of YAML collection
(mappings, sequences, ``!!set``, ``!!omap``, ``!!pairs``) and for merge keys (``<<``).
So an alias "bomb" stops within a second, and a large flat file costs one pass.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from maturity_model._limits import DEFAULT_LIMITS, Limits
from maturity_model.errors import shown

__all__ = ["LimitExceeded", "SafeDumper", "SafeLoader"]

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_SCALAR = (1, 0)


class LimitExceeded(Exception):  # noqa: N818 - a signal caught by the reader
    """The document passed a limit while it was built; ``what`` says which one."""

    def __init__(self, what: str) -> None:
        self.what = what
        super().__init__(what)


class SafeLoader(_BaseLoader):  # type: ignore[valid-type, misc]
    """A safe loader with YAML 1.2 booleans, an error for repeated keys and value limits.

    It uses libyaml's parser when PyYAML was built with it, and PyYAML's safe constructor
    either way. Set :attr:`limits` on an instance (or a subclass) to change the limits.
    """

    limits: Limits | None = None

    def construct_document(self, node: yaml.Node) -> Any:
        self._limits = self.limits or DEFAULT_LIMITS
        self._values = 0
        self._depth = 0
        # collection node -> (values it stands for, height); a scalar is (1, 0)
        self._measured: dict[yaml.Node, tuple[int, int]] = {}
        return super().construct_document(node)

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        # Always deep: a collection is finished before its parent goes on, which is what
        # lets the counts below be exact. The depth limit bounds the recursion.
        limits = self._limits
        if node in self.constructed_objects:  # an alias: count what it stands for, again
            values, height = self._measured.get(node, _SCALAR)
            self._values += values
            if self._values > limits.max_values:
                raise LimitExceeded("values")
            if self._depth + height > limits.max_depth:
                raise LimitExceeded("depth")
            return self.constructed_objects[node]
        if type(node) is yaml.ScalarNode:
            self._values += 1
            if self._values > limits.max_values:
                raise LimitExceeded("values")
            return super().construct_object(node, deep=True)
        before = self._values
        self._depth += 1
        if self._depth > limits.max_depth:
            raise LimitExceeded("depth")
        try:
            data = super().construct_object(node, deep=True)
        finally:
            self._depth -= 1
        self._values += 1
        if self._values > limits.max_values:
            raise LimitExceeded("values")
        measured = self._measured
        height = 1 + max((measured.get(child, _SCALAR)[1] for child in _children(node)),
                         default=0)
        measured[node] = (self._values - before, height)
        return data

    def new_mapping(self) -> dict[Any, Any]:
        """The mapping a YAML mapping is built into."""
        return {}

    def repeated_key(self, mapping: dict[Any, Any], key: Any, key_node: yaml.Node) -> None:
        """A key written twice in one mapping: an error here; a reader may record it."""
        raise yaml.constructor.ConstructorError(
            None, None, f"duplicate key {shown(key)}", key_node.start_mark)

    def flatten_mapping(self, node: yaml.MappingNode) -> None:
        # Merge keys copy pairs into the merging mapping; nested merges can double them
        # at every level, so the copies are bounded like values.
        super().flatten_mapping(node)
        if len(node.value) > self._limits.max_values:
            raise LimitExceeded("values")


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return list(node.value)


SafeLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
SafeLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"))


def _construct_mapping(loader: SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    # Pairs merged in with "<<" come first after flattening; the mapping's own keys
    # override them, and only an own key written twice is an error.
    own = sum(1 for key, _ in node.value if key.tag != "tag:yaml.org,2002:merge")
    loader.flatten_mapping(node)
    merged = len(node.value) - own
    result = loader.new_mapping()
    seen: set[Any] = set()
    for position, (key_node, value_node) in enumerate(node.value):
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark
            ) from None
        if position >= merged:
            if key in seen:
                loader.repeated_key(result, key, key_node)
                continue
            seen.add(key)
        result[key] = loader.construct_object(value_node, deep=True)
    return result


SafeLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def _construct_timestamp(loader: SafeLoader, node: yaml.ScalarNode) -> Any:
    # A date that looks right but is not one (2026-02-30) fails inside the constructor,
    # where PyYAML would lose the place: name the line and column, as for other errors.
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError as exc:
        raise yaml.constructor.ConstructorError(
            None, None, f"{shown(node.value)} is not a date: {exc}", node.start_mark
        ) from None


SafeLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def load_yaml(text: str, limits: Limits) -> Any:
    """Parse one YAML document within ``limits``.

    :raises yaml.YAMLError: the text is not well-formed.
    :raises LimitExceeded: the document passed a limit.
    """
    loader = SafeLoader(text)
    loader.limits = limits
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


class SafeDumper(yaml.SafeDumper):
    r"""The safe dumper, writing a string that holds a Unicode line break double-quoted.

    In a plain or single-quoted scalar a reader folds NEL (U+0085), LS and PS like a line
    break, so such a text would not read back; double-quoted, they are escaped.

    >>> yaml.dump({"k": "a\x85b"}, Dumper=SafeDumper, allow_unicode=True)
    'k: "a\\Nb"\n'
    """


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    style = '"' if any(c in data for c in "\x85\u2028\u2029") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


SafeDumper.add_representer(str, _represent_str)
