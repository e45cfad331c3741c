"""Stable identity of domains, items and practices: the checks on ``key`` and ``replaces``.

``key`` is a stable external identifier (a DSOMM activity's uuid, a SAMM document id, a
framework URN): a non-empty string, unique among the keys of one model. Keys are their own
namespace, so a key may equal an id (the DSOMM importer keeps uuids as both).

``replaces`` lists the ids or keys of earlier versions that a node continues. One model
cannot say whether those exist (they live in the older version), so only its form is
checked here: non-empty strings, none twice, never the node's own id or key. Matching
``replaces`` against an older model is the model diff's work.
"""

from __future__ import annotations

from collections.abc import Iterator

from maturity_model.errors import Problem, shown
from maturity_model.model import CapabilityItem, Domain, MaturityModel, Practice

__all__ = ["identity_problems"]

_Thing = Domain | CapabilityItem | Practice


def _things(model: MaturityModel) -> Iterator[tuple[_Thing, str, str]]:
    """Every domain, item and practice with its JSON path and what it is, in document order."""
    stack: list[tuple[_Thing, str]] = [
        (d, f"$.domains[{i}]") for i, d in reversed(list(enumerate(model.domains)))]
    while stack:
        thing, path = stack.pop()
        if isinstance(thing, Domain):
            yield thing, path, "domain"
            pending: list[tuple[_Thing, str]] = [
                (d, f"{path}.domains[{i}]") for i, d in enumerate(thing.domains)]
            pending += [(it, f"{path}.items[{i}]") for i, it in enumerate(thing.items)]
            stack.extend(reversed(pending))
        elif isinstance(thing, CapabilityItem):
            yield thing, path, "item"
            stack.extend(reversed([(p, f"{path}.practices[{j}]")
                                   for j, p in enumerate(thing.practices)]))
        else:
            yield thing, path, "practice"


def identity_problems(model: MaturityModel) -> list[Problem]:
    """Problems of the ``key`` and ``replaces`` fields of a model's nodes and practices.

    A key used twice is ``duplicate-id`` at the second one; a malformed key or
    ``replaces`` entry is ``invalid-value``.

    >>> from maturity_model import CapabilityItem, Domain, MaturityModel, Practice
    >>> item = CapabilityItem(id="ci", key="K", practices=[
    ...     Practice(id="ci.1", level=1, key="K", replaces=["ci.1"])])
    >>> model = MaturityModel(id="m", domains=[Domain(id="d", items=[item])])
    >>> [(p.code, p.path) for p in identity_problems(model)]
    [('duplicate-id', '$.domains[0].items[0].practices[0].key'), \
('invalid-value', '$.domains[0].items[0].practices[0].replaces[0]')]
    """
    problems: list[Problem] = []
    keys: dict[str, str] = {}  # key -> path of its first use
    for thing, path, what in _things(model):
        key: object = thing.key
        if key is not None:
            if not isinstance(key, str) or not key.strip():
                problems.append(Problem.of(
                    "invalid-value", f"{path}.key",
                    f"a key must be a non-empty string, not {shown(key)}"))
                key = None
            elif key in keys:
                problems.append(Problem.of(
                    "duplicate-id", f"{path}.key",
                    f"{what} key {shown(key)} is already used at {keys[key]}"))
            else:
                keys[key] = f"{path}.key"
        own = {thing.id, key}
        seen: set[str] = set()
        replaces: object = thing.replaces
        if not isinstance(replaces, tuple):
            problems.append(Problem.of("invalid-value", f"{path}.replaces",
                                       f"must be a list of ids or keys, not {shown(replaces)}"))
            continue
        for j, entry in enumerate(replaces):
            where = f"{path}.replaces[{j}]"
            if not isinstance(entry, str) or not entry.strip():
                message = f"an entry must be a non-empty id or key, not {shown(entry)}"
            elif entry in seen:
                message = f"{shown(entry)} is listed twice"
            elif entry in own:
                message = f"{what} {shown(thing.id)} cannot replace itself ({shown(entry)})"
            else:
                seen.add(entry)
                continue
            problems.append(Problem.of("invalid-value", where, message))
    return problems
