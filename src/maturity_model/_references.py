"""References and tags on domains, items and practices: the checks on ``refs`` and ``tags``.

``refs`` maps a scheme name (``samm2``, ``iso27001-2022``, a framework URN) to the ids a
node cites in that scheme; ``tags`` are free labels. Neither changes a score: they are
what crosswalks are derived from (:meth:`maturity_model.Crosswalk.from_refs`) and what
reports and filters read. Only their form is checked here, since the schemes they name
live outside the model: non-empty strings, none twice in one list.
"""

from __future__ import annotations

import re
from typing import Final

from maturity_model._identity import _things
from maturity_model.errors import Problem, shown
from maturity_model.model import MaturityModel

__all__ = ["reference_problems"]

# A scheme name written after a dot in a path; anything else is quoted in brackets.
_PLAIN: Final = re.compile(r"[A-Za-z0-9_:-]{1,60}")


def _list_problems(values: object, path: str, what: str) -> list[Problem]:
    if not isinstance(values, tuple):
        return [Problem.of("invalid-value", path, f"must be a list of {what}s, not "
                                                  f"{shown(values)}")]
    problems: list[Problem] = []
    seen: set[str] = set()
    for j, value in enumerate(values):
        if not isinstance(value, str) or not value.strip():
            message = f"a {what} must be a non-empty string, not {shown(value)}"
        elif value in seen:
            message = f"{what} {shown(value)} is listed twice"
        else:
            seen.add(value)
            continue
        problems.append(Problem.of("invalid-value", f"{path}[{j}]", message))
    return problems


def _scheme_path(path: str, scheme: object) -> str:
    if isinstance(scheme, str) and _PLAIN.fullmatch(scheme):
        return f"{path}.refs.{scheme}"
    return f"{path}.refs[{shown(scheme)}]"


def reference_problems(model: MaturityModel) -> list[Problem]:
    """Problems of the ``refs`` and ``tags`` fields of a model's nodes and practices.

    An empty scheme name, an empty id or tag, or one listed twice is ``invalid-value``.

    >>> from maturity_model import CapabilityItem, Domain, MaturityModel, Practice
    >>> item = CapabilityItem(id="ci", tags=["a", "a"], practices=[
    ...     Practice(id="ci.1", level=1, refs={"samm2": ["I-SB-A-1", ""]})])
    >>> model = MaturityModel(id="m", domains=[Domain(id="d", items=[item])])
    >>> [(p.code, p.path) for p in reference_problems(model)]
    [('invalid-value', '$.domains[0].items[0].tags[1]'), \
('invalid-value', '$.domains[0].items[0].practices[0].refs.samm2[1]')]
    """
    problems: list[Problem] = []
    for thing, path, _what in _things(model):
        for scheme, ids in thing.refs.items():
            if not isinstance(scheme, str) or not scheme.strip():
                problems.append(Problem.of(
                    "invalid-value", _scheme_path(path, scheme),
                    f"a scheme name must be a non-empty string, not {shown(scheme)}"))
                continue
            problems += _list_problems(ids, _scheme_path(path, scheme), "reference id")
        problems += _list_problems(thing.tags, f"{path}.tags", "tag")
    return problems
