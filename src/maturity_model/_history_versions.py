"""Whether dated profiles are of one model version: the one check a history makes.

Private: :mod:`maturity_model.history` exports :func:`version_problems`. A history of
several versions of one model needs the model of every version (to migrate older
assessments, or to align older profiles through the model diff).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable

from maturity_model.errors import Problem, shown

__all__ = ["version_key", "version_problems"]


def version_problems(entries: Iterable[tuple[str, str, str | None]],
                     available: Collection[tuple[str, str]] = frozenset(),
                     ) -> list[tuple[str | None, Problem]]:
    """What stops ``(model id, model version, file)`` entries from making one history.

    Profiles of two model ids are ``model-mismatch``. Two versions of one model are
    ``mixed-versions`` unless the model of every one of its versions is ``available``
    (``(model id, version)`` pairs): the problem says to give the models (``models=``,
    ``maturity history --model``) or migrate the older ones first (``maturity migrate``).
    Each problem is reported once, on the first file of a version that is not the newest.

    >>> entries = [("m", "1", "a.json"), ("m", "2", "b.json")]
    >>> [p.code for _, p in version_problems(entries)]
    ['mixed-versions']
    >>> version_problems(entries, available={("m", "1"), ("m", "2")})
    []
    """
    first: dict[tuple[str, str], str | None] = {}
    for model_id, version, source in entries:
        first.setdefault((model_id, version), source)
    found: list[tuple[str | None, Problem]] = []
    ids = sorted({model_id for model_id, _ in first})
    if len(ids) > 1:
        source = next(s for (m, _), s in first.items() if m == ids[1])
        found.append((source, Problem.of(
            "model-mismatch", "$.model",
            f"a history holds one model; these profiles are of {', '.join(map(shown, ids))}")))
    for model_id in ids:
        versions = sorted((v for m, v in first if m == model_id), key=version_key)
        missing = [v for v in versions if (model_id, v) not in available]
        if len(versions) < 2 or not missing:
            continue
        lacking = ", ".join(map(shown, missing))
        for older in versions[:-1]:
            found.append((first[(model_id, older)], Problem.of(
                "mixed-versions", "$.model_version",
                f"version {shown(older)} of {shown(model_id)} in a history of version "
                f"{shown(versions[-1])}, without the model of version {lacking}: give "
                f"every version's model (models=, or maturity history --model) or "
                f"migrate it first (maturity migrate)")))
    return found


def version_key(version: str) -> tuple[tuple[int, str], ...]:
    """Order of versions: numeric parts as numbers (``"10"`` after ``"9"``)."""
    return tuple((int(p), "") if p.isdigit() else (-1, p) for p in re.split(r"[.\-]", version))
