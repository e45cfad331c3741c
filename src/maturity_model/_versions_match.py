"""How nodes of two model versions are paired (private; :mod:`maturity_model.versions`).

Nodes of one kind (domains with domains, items with items, practices with practices) are
paired in three rounds, each over what the earlier rounds left: the same ``id``; the same
``key``; a ``replaces`` entry naming the other node's id or key, read in either direction
(a new node replacing an old one, or an old one listing the new id). A round pairs two
nodes only when each is the other's one candidate, so a split or a merge stays unpaired
and every pairing is the same whichever model comes first: the mirror property of
:func:`maturity_model.versions.diff_models` rests on that.

Text similarity never pairs anything; :func:`suggestions` proposes pairs of the nodes
left over, for a person to confirm.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from difflib import SequenceMatcher
from typing import Final, Literal, Protocol

__all__ = ["MatchedBy", "Pairing", "pair_nodes", "similarity", "suggestions"]

MatchedBy = Literal["id", "key", "replaces"]

#: The least similarity for a suggestion.
SUGGEST_THRESHOLD: Final = 0.6
#: Above this many leftover pairs no suggestions are computed (similarity is quadratic).
SUGGEST_LIMIT: Final = 250_000


class _Identified(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def key(self) -> str | None: ...

    @property
    def replaces(self) -> tuple[str, ...]: ...


Pairing = dict[str, tuple[str, MatchedBy]]


def _names(node: _Identified) -> set[str]:
    return {node.id} if node.key is None else {node.id, node.key}


def _unique_pairs(links: Mapping[str, set[str]]) -> list[tuple[str, str]]:
    """The pairs ``(old, new)`` where each is the other's only candidate."""
    back: dict[str, set[str]] = {}
    for old, news in links.items():
        for new in news:
            back.setdefault(new, set()).add(old)
    return [(old, next(iter(news))) for old, news in links.items()
            if len(news) == 1 and len(back[next(iter(news))]) == 1]


def pair_nodes(old: Sequence[_Identified], new: Sequence[_Identified]) -> Pairing:
    """Old id → (new id, how it was matched), for the nodes of one kind."""
    pairs: Pairing = {}
    new_ids = {n.id for n in new}
    for node in old:
        if node.id in new_ids and node.id not in pairs:
            pairs[node.id] = (node.id, "id")
    taken = {n_id for n_id, _ in pairs.values()}
    old_left = [o for o in old if o.id not in pairs]
    new_left = [n for n in new if n.id not in taken]

    by_key: dict[str, set[str]] = {}
    for n in new_left:
        if n.key is not None:
            by_key.setdefault(n.key, set()).add(n.id)
    links = {o.id: set(by_key.get(o.key, ())) for o in old_left if o.key is not None}
    for o_id, n_id in _unique_pairs({k: v for k, v in links.items() if v}):
        pairs[o_id] = (n_id, "key")
    taken = {n_id for n_id, _ in pairs.values()}
    old_left = [o for o in old_left if o.id not in pairs]
    new_left = [n for n in new_left if n.id not in taken]

    new_by_name: dict[str, set[str]] = {}
    for n in new_left:
        for name in _names(n):
            new_by_name.setdefault(name, set()).add(n.id)
    replaced_by: dict[str, set[str]] = {}
    for n in new_left:
        for name in n.replaces:
            replaced_by.setdefault(name, set()).add(n.id)
    links = {}
    for o in old_left:
        found: set[str] = set()
        for name in _names(o):
            found |= replaced_by.get(name, set())
        for name in o.replaces:
            found |= new_by_name.get(name, set())
        if found:
            links[o.id] = found
    for o_id, n_id in _unique_pairs(links):
        pairs[o_id] = (n_id, "replaces")
    return pairs


def similarity(a: str, b: str) -> float:
    """How alike two texts are, in [0, 1]; the same whichever comes first.

    >>> similarity("Build in a pipeline", "Build in a pipeline")
    1.0
    >>> round(similarity("abc", "abd"), 2), similarity("", "x")
    (0.67, 0.0)
    """
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    return max(SequenceMatcher(None, a, b, autojunk=False).ratio(),
               SequenceMatcher(None, b, a, autojunk=False).ratio())


def suggestions(old: Iterable[tuple[str, str]], new: Iterable[tuple[str, str]]
                ) -> list[tuple[str, str, float]]:
    """``(old id, new id, similarity)`` for leftover nodes that are each other's best match.

    Each argument gives ``(id, text)`` of the nodes left unpaired. A node's best match is
    the most similar node of the other side at or above :data:`SUGGEST_THRESHOLD`, ties
    going to the smaller id; only mutual best matches are suggested, so the suggestions
    are the same whichever side is old.
    """
    olds = [(i, t.casefold()) for i, t in old if t]
    news = [(i, t.casefold()) for i, t in new if t]
    if not olds or not news or len(olds) * len(news) > SUGGEST_LIMIT:
        return []
    scores: dict[tuple[str, str], float] = {}
    for oid, otext in olds:
        for nid, ntext in news:
            matcher = SequenceMatcher(None, otext, ntext, autojunk=False)
            if matcher.real_quick_ratio() < SUGGEST_THRESHOLD:
                continue
            score = similarity(otext, ntext)
            if score >= SUGGEST_THRESHOLD:
                scores[(oid, nid)] = score
    best_old: dict[str, tuple[float, str]] = {}
    best_new: dict[str, tuple[float, str]] = {}

    def better(current: tuple[float, str] | None, score: float, other: str) -> bool:
        return current is None or score > current[0] or (
            score == current[0] and other < current[1])

    for (oid, nid), score in scores.items():
        if better(best_old.get(oid), score, nid):
            best_old[oid] = (score, nid)
        if better(best_new.get(nid), score, oid):
            best_new[nid] = (score, oid)
    return [(oid, nid, score) for oid, (score, nid) in best_old.items()
            if best_new[nid][1] == oid]
