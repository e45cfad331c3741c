"""The changes between two model versions, node by node (private; see ``versions``).

:func:`changes` walks both models once: the model-wide settings, then every pair the
matcher made (domains, items, practices, in the old model's order), then what only one
side has. Each change keeps the raw value of both sides, and its ``detail`` is written
from those values alone (:func:`describe`), so the mirror of a change is the change the
other way round, detail included.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, Literal

from maturity_model._versions_match import Pairing, pair_nodes, similarity, suggestions
from maturity_model.model import MaturityModel
from maturity_model.nodes import AnswerSet, CapabilityItem, Domain, Practice, parse_requirement

__all__ = ["ChangeKind", "NodeKind", "describe", "mirror_kind", "raw_changes"]

ChangeKind = Literal[
    "added", "removed", "renamed", "moved", "relevelled", "reworded", "requirements",
    "answer-set", "mandatory", "metric", "weight", "rules", "scale", "dependency-policy",
    "suggested"]
NodeKind = Literal["model", "domain", "item", "practice", "answer-set"]

_MIRROR: Final[dict[str, str]] = {"added": "removed", "removed": "added"}


def mirror_kind(kind: ChangeKind) -> ChangeKind:
    """``added`` ↔ ``removed``; every other kind is its own mirror."""
    mirrored: Any = _MIRROR.get(kind, kind)
    return mirrored  # type: ignore[no-any-return]


def _short(value: object) -> str:
    text = " ".join(str(value).split())
    return repr(text if len(text) <= 60 else text[:59] + "…")


def describe(kind: ChangeKind, node: NodeKind, old: Any, new: Any) -> str:
    """The change in words, from the raw values of both sides (symmetric by construction).

    >>> describe("relevelled", "practice", 2, 1)
    'level 2 → 1'
    >>> describe("removed", "practice", ("ci", 2), None)
    "practice at level 2 of 'ci'"
    """
    if kind in ("added", "removed"):
        where, level = old if new is None else new
        if node == "practice":
            return f"practice at level {level} of {_short(where)}"
        if node == "answer-set":
            return "answer set " + ", ".join(f"{label!r}={value:g}" for label, value in where)
        return f"{node} under {_short(where)}"
    if kind == "reworded":
        return f"{node} text changed (similarity {similarity(str(old), str(new)):.2f})"
    if kind == "suggested":
        return f"similar text (similarity {similarity(str(old), str(new)):.2f}); not applied"
    if kind == "requirements":
        return f"requires [{', '.join(old)}] → [{', '.join(new)}]"
    if kind == "answer-set":
        def options(value: Any) -> str:
            name, pairs = value
            listed = ", ".join(f"{label!r}={v:g}" for label, v in pairs)
            return f"{name or '-'} ({listed})" if pairs else str(name or "-")
        return f"answers {options(old)} → {options(new)}"
    if kind == "relevelled":
        return f"level {old} → {new}"
    if kind == "renamed":
        return f"id {old!r} → {new!r}"
    if kind == "moved":
        return f"parent {old!r} → {new!r}"
    return f"{kind} {old} → {new}"


RawChange = tuple[ChangeKind, NodeKind, str | None, str | None, str | None, str | None,
                  Any, Any]


def _options(model: MaturityModel, set_id: str | None) -> tuple[tuple[str, float], ...]:
    if set_id is None:
        return ()
    for answer_set in model.answer_sets:
        if answer_set.id == set_id:
            return tuple((o.label, o.value) for o in answer_set.options)
    return ()


def _rule_text(rule: object) -> str | None:
    return None if rule is None else repr(rule)


class _Walk:
    """Collects the raw changes of one pair of models."""

    def __init__(self, old: MaturityModel, new: MaturityModel) -> None:
        self.old, self.new = old, new
        self.out: list[RawChange] = []
        o_idx, n_idx = old._index, new._index
        self.domains = pair_nodes(o_idx.domains, n_idx.domains)
        self.items = pair_nodes(o_idx.items, n_idx.items)
        self.practices = pair_nodes(tuple(o_idx.practices.values()),
                                    tuple(n_idx.practices.values()))
        self.old_practices = {o: n for o, (n, _) in self.practices.items()}
        self.old_items = {o: n for o, (n, _) in self.items.items()}
        self.new_practices = {n: o for o, (n, _) in self.practices.items()}
        self.new_items = {n: o for o, (n, _) in self.items.items()}
        self.node_map: dict[str, str] = {old.id: new.id}
        self.node_map.update({o: n for o, (n, _) in self.domains.items()})
        self.node_map.update({o: n for o, (n, _) in self.items.items()})

    def add(self, kind: ChangeKind, node: NodeKind, old_id: str | None, new_id: str | None,
            old_path: str | None, new_path: str | None, old_value: Any = None,
            new_value: Any = None) -> None:
        self.out.append((kind, node, old_id, new_id, old_path, new_path, old_value,
                         new_value))

    def model_wide(self) -> None:
        old, new = self.old, self.new
        if old.id != new.id:
            self.add("renamed", "model", old.id, new.id, "$.id", "$.id", old.id, new.id)
        o_scale = tuple((lv.value, lv.name) for lv in old.scale)
        n_scale = tuple((lv.value, lv.name) for lv in new.scale)
        if o_scale != n_scale:
            self.add("scale", "model", old.id, new.id, "$.scale", "$.scale",
                     ", ".join(f"{v} {n}".strip() for v, n in o_scale),
                     ", ".join(f"{v} {n}".strip() for v, n in n_scale))
        for part in ("item", "domain"):
            o_rule, n_rule = getattr(old.rules, part), getattr(new.rules, part)
            if o_rule != n_rule:
                self.add("rules", "model", old.id, new.id, f"$.rules.{part}",
                         f"$.rules.{part}", repr(o_rule), repr(n_rule))
        if old.dependencies != new.dependencies:
            self.add("dependency-policy", "model", old.id, new.id, "$.dependencies",
                     "$.dependencies", old.dependencies, new.dependencies)
        self._answer_sets(old.answer_sets, new.answer_sets)

    def _answer_sets(self, old: tuple[AnswerSet, ...], new: tuple[AnswerSet, ...]) -> None:
        new_at = {s.id: i for i, s in enumerate(new)}
        old_at = {s.id: i for i, s in enumerate(old)}
        for i, s in enumerate(old):
            j = new_at.get(s.id)
            pairs = tuple((o.label, o.value) for o in s.options)
            if j is None:
                self.add("removed", "answer-set", s.id, None, f"$.answer_sets[{i}]", None,
                         (pairs, None), None)
                continue
            other = tuple((o.label, o.value) for o in new[j].options)
            if pairs != other:
                self.add("answer-set", "answer-set", s.id, s.id, f"$.answer_sets[{i}]",
                         f"$.answer_sets[{j}]", (s.id, pairs), (s.id, other))
        for j, s in enumerate(new):
            if s.id not in old_at:
                self.add("added", "answer-set", None, s.id, None, f"$.answer_sets[{j}]",
                         None, (tuple((o.label, o.value) for o in s.options), None))

    def _common(self, node: NodeKind, o: Domain | CapabilityItem | Practice,
                n: Domain | CapabilityItem | Practice, o_parent: str, n_parent: str) -> None:
        op, np_ = self.old.path_of(o.id), self.new.path_of(n.id)
        if o.id != n.id:
            self.add("renamed", node, o.id, n.id, op, np_, o.id, n.id)
        parent_map = self.node_map
        if parent_map.get(o_parent) != n_parent:
            self.add("moved", node, o.id, n.id, op, np_, o_parent, n_parent)
        if o.weight != n.weight:
            self.add("weight", node, o.id, n.id, op, np_, o.weight, n.weight)

    def tree(self) -> None:
        old, new = self.old, self.new
        o_idx, n_idx = old._index, new._index
        for group, node in ((self.domains, "domain"), (self.items, "item")):
            for o_id, (n_id, _) in group.items():
                o, n = o_idx.nodes[o_id], n_idx.nodes[n_id]
                assert isinstance(o, Domain | CapabilityItem)
                assert isinstance(n, Domain | CapabilityItem)
                kind: NodeKind = "domain" if node == "domain" else "item"
                self._common(kind, o, n, o_idx.parent_of[o_id], n_idx.parent_of[n_id])
                op, np_ = old.path_of(o_id), new.path_of(n_id)
                if (o.name, o.description) != (n.name, n.description):
                    self.add("reworded", kind, o_id, n_id, op, np_,
                             f"{o.name}\n{o.description}", f"{n.name}\n{n.description}")
                if o.rule != n.rule:
                    self.add("rules", kind, o_id, n_id, op, np_, _rule_text(o.rule),
                             _rule_text(n.rule))
        for o_id, (n_id, _) in self.practices.items():
            self._practice(o_idx.practices[o_id], n_idx.practices[n_id])

    def _token(self, text: str, side: Literal["old", "new"]) -> tuple[object, ...]:
        """A requirement as the pair it names, the same token from either model.

        A requirement naming an unpaired (or unknown) id stays its text, on both sides,
        so the comparison is the same whichever model is old.
        """
        target, level = parse_requirement(text)
        if side == "old":
            found = (self.old_practices if level is None else self.old_items).get(target)
            pair = None if found is None else (target, found)
        else:
            found = (self.new_practices if level is None else self.new_items).get(target)
            pair = None if found is None else (found, target)
        return ("?", text) if pair is None else (*pair, level)

    def _practice(self, o: Practice, n: Practice) -> None:
        old, new = self.old, self.new
        op, np_ = old.path_of(o.id), new.path_of(n.id)
        self._common("practice", o, n, old._index.item_of[o.id], new._index.item_of[n.id])
        if o.level != n.level:
            self.add("relevelled", "practice", o.id, n.id, op, np_, o.level, n.level)
        if o.text != n.text:
            self.add("reworded", "practice", o.id, n.id, op, np_, o.text, n.text)
        if (sorted(map(repr, (self._token(r, "old") for r in o.requires)))
                != sorted(map(repr, (self._token(r, "new") for r in n.requires)))):
            self.add("requirements", "practice", o.id, n.id, op, np_, o.requires, n.requires)
        o_opts, n_opts = _options(old, o.answer_set), _options(new, n.answer_set)
        if o_opts != n_opts or (o.answer_set is None) != (n.answer_set is None):
            self.add("answer-set", "practice", o.id, n.id, op, np_, (o.answer_set, o_opts),
                     (n.answer_set, n_opts))
        if o.mandatory != n.mandatory:
            self.add("mandatory", "practice", o.id, n.id, op, np_, o.mandatory, n.mandatory)
        if o.metric != n.metric:
            self.add("metric", "practice", o.id, n.id, op, np_, _rule_text(o.metric),
                     _rule_text(n.metric))

    def one_sided(self) -> None:
        old, new = self.old, self.new
        o_idx, n_idx = old._index, new._index
        groups: tuple[tuple[NodeKind, Pairing, Mapping[str, Any], Mapping[str, Any]], ...] = (
            ("domain", self.domains, {d.id: d for d in o_idx.domains},
             {d.id: d for d in n_idx.domains}),
            ("item", self.items, {i.id: i for i in o_idx.items},
             {i.id: i for i in n_idx.items}),
            ("practice", self.practices, o_idx.practices, n_idx.practices))
        for node, pairs, o_nodes, n_nodes in groups:
            taken = {n for n, _ in pairs.values()}
            o_left = [o for o in o_nodes.values() if o.id not in pairs]
            n_left = [n for n in n_nodes.values() if n.id not in taken]
            for o in o_left:
                self.add("removed", node, o.id, None, old.path_of(o.id), None,
                         self._where(old, node, o), None)
            for n in n_left:
                self.add("added", node, None, n.id, None, new.path_of(n.id), None,
                         self._where(new, node, n))
            texts = _text if node == "practice" else _name
            for o_id, n_id, _ in suggestions([(o.id, texts(o)) for o in o_left],
                                             [(n.id, texts(n)) for n in n_left]):
                self.add("suggested", node, o_id, n_id, old.path_of(o_id),
                         new.path_of(n_id), texts(o_nodes[o_id]), texts(n_nodes[n_id]))

    @staticmethod
    def _where(model: MaturityModel, node: NodeKind, x: Any) -> tuple[str, int | None]:
        if node == "practice":
            return model._index.item_of[x.id], x.level
        return model._index.parent_of[x.id], None


def _text(node: Any) -> str:
    return str(node.text)


def _name(node: Any) -> str:
    return str(node.name)


def raw_changes(old: MaturityModel, new: MaturityModel) -> tuple[
        list[RawChange], dict[str, str], dict[str, str]]:
    """Every change, old node id → new node id (root included), old practice → new."""
    walk = _Walk(old, new)
    walk.model_wide()
    walk.tree()
    walk.one_sided()
    return (walk.out, dict(walk.node_map),
            {o: n for o, (n, _) in walk.practices.items()})
