"""Strategies that break valid documents in the ways real files break (shared with tools/)."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import strategies as st

NASTY_SCALARS: list[Any] = [
    None, True, False, 0, -1, 1, 2, 10**30, -(10**30), 0.5, 1e308, -1e308,
    float("nan"), float("inf"), float("-inf"), "", " ", "n/a", "yes", "No", "\x00", "\u202e",
    "é" * 3, "<script>alert(1)</script>", "a" * 5000, "@", "x@", "@3", "x@99", "$.id",
    [], {}, [None], {"": None}, {"kind": "staircase"}, {"kind": None}, [[[]]],
]

scalars = st.one_of(
    st.sampled_from(NASTY_SCALARS),
    st.integers(), st.floats(), st.text(max_size=40), st.booleans(), st.none())
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)),
    max_leaves=12)


def paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(doc, dict):
        for key, value in doc.items():
            found.extend(paths(value, (*prefix, key)))
    elif isinstance(doc, list):
        for index, value in enumerate(doc):
            found.extend(paths(value, (*prefix, index)))
    return found


def _parent(doc: Any, path: tuple[Any, ...]) -> Any:
    node = doc
    for key in path[:-1]:
        node = node[key]
    return node


@st.composite
def mutated(draw: st.DrawFn, document: Any, max_mutations: int = 4) -> Any:
    """The document with a few random deletions, replacements, duplications and additions."""
    doc = copy.deepcopy(document)
    for _ in range(draw(st.integers(1, max_mutations))):
        candidates = [p for p in paths(doc) if p]
        if not candidates:
            break
        path = draw(st.sampled_from(candidates))
        parent = _parent(doc, path)
        key = path[-1]
        action = draw(st.sampled_from(["delete", "replace", "replace", "add", "duplicate"]))
        if action == "delete":
            del parent[key]
        elif action == "replace":
            parent[key] = copy.deepcopy(draw(values))
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.text(max_size=10))] = copy.deepcopy(draw(values))
        elif action == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))
    return doc
