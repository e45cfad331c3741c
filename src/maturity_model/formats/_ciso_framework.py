"""A CISO Assistant framework to a model; see :mod:`maturity_model.formats.ciso_assistant`.

The reader walks ``requirement_nodes`` once, builds the tree from ``parent_urn`` (compared
case-insensitively; ``depth`` is never read) and records, for every part of the model it
builds, the place in the library file it came from, so :func:`~maturity_model.check`'s
problems point into the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import attrs

from maturity_model.errors import Problem
from maturity_model.formats._ciso_reading import Reader, as_int, urn_tail
from maturity_model.formats._sources import PathMap, shown, type_name
from maturity_model.languages import is_language_tag
from maturity_model.levels import LevelScale
from maturity_model.model import (
    AnswerOption,
    AnswerSet,
    CapabilityItem,
    Domain,
    MaturityModel,
    ModelRules,
    Practice,
)
from maturity_model.rules import Mean, Staircase

__all__ = ["COMPLIANCE", "COMPLIANCE_ANSWERS", "Framework", "read_framework"]

#: The answer set of a framework without a maturity scale: CISO Assistant's results.
COMPLIANCE: Final = "compliance"
#: Result → answer value, for frameworks without a maturity scale.
COMPLIANCE_ANSWERS: Final[Mapping[str, float]] = {
    "non_compliant": 0.0, "partially_compliant": 0.5, "compliant": 1.0}

# What marks a practice's id as one level of its item (``GV.OC-01#3``).
LEVEL_MARK: Final = "#"


@attrs.frozen(kw_only=True)
class Framework:
    """One framework read: the model, its URN → node id table and its translations."""

    urn: str
    model: MaturityModel
    ids: Mapping[str, str]  # lower-cased node URN -> item or domain id
    scored: bool  # whether the framework has a maturity scale
    translations: Mapping[str, Mapping[str, Mapping[str, str]]]


def _nodes(reader: Reader, framework: Mapping[str, Any], where: str) -> list[
        tuple[int, dict[str, Any]]]:
    """The nodes that can be placed in the tree, with their index in the list."""
    listed = framework.get("requirement_nodes")
    at = f"{where}.requirement_nodes"
    if not isinstance(listed, list) or not listed:
        reader.add("invalid-value", at, "a framework needs a non-empty list of "
                   f"requirement nodes, not {shown(listed) if not listed else type_name(listed)}")
        return []
    good: list[tuple[int, dict[str, Any]]] = []
    seen: dict[str, int] = {}
    for k, node in enumerate(listed):
        path = f"{at}[{k}]"
        if not isinstance(node, dict):
            reader.add("invalid-value", path,
                       f"a requirement node must be a mapping, not {type_name(node)}")
            continue
        urn = node.get("urn")
        if not isinstance(urn, str) or not urn.strip():
            reader.add("invalid-value", f"{path}.urn", "a requirement node needs a urn")
            continue
        folded = urn.strip().casefold()
        if folded in seen:
            reader.add("duplicate-id", f"{path}.urn",
                       f"{shown(urn)} is already the urn of requirement_nodes"
                       f"[{seen[folded]}]; the repeat is ignored")
            continue
        seen[folded] = k
        if not isinstance(node.get("assessable"), bool):
            reader.add("invalid-value", f"{path}.assessable",
                       f"must be true or false, not {shown(node.get('assessable'))}")
            continue
        parent = node.get("parent_urn")
        if parent is not None and not (isinstance(parent, str) and parent.strip()):
            reader.add("invalid-value", f"{path}.parent_urn",
                       f"must be the urn of another node, not {shown(parent)}")
            continue
        good.append((k, node))
    return good


class _Tree:
    """The tree of nodes by parent, and the ids given out."""

    def __init__(self, reader: Reader, model_id: str, scale: LevelScale, scored: bool,
                 groups: Mapping[str, str], at: str) -> None:
        self.reader = reader
        self.model_id = model_id
        self.scale = scale
        self.scored = scored
        self.groups = groups
        self.at = at
        self.used: set[str] = {model_id}
        self.ids: dict[str, str] = {}

    def new_id(self, node: Mapping[str, Any]) -> str:
        ref = node.get("ref_id")
        base = urn_tail(str(node["urn"]).strip()) or (str(ref) if ref is not None else "")
        # "@" and LEVEL_MARK have a meaning in ids: never part of a node's id.
        base = base.replace("@", "-").replace(LEVEL_MARK, "-").strip() or "node"
        candidate, n = base, 1
        while candidate in self.used:
            n += 1
            candidate = f"{base}-{n}"
        self.used.add(candidate)
        return candidate

    def common(self, k: int, node: Mapping[str, Any]) -> dict[str, Any]:
        path = f"{self.at}[{k}]"
        reader = self.reader
        ref = node.get("ref_id")
        ref_text = str(ref).strip() if isinstance(ref, str | int | float) and \
            not isinstance(ref, bool) else ""
        if ref is not None and not ref_text:
            reader.add("invalid-value", f"{path}.ref_id", f"must be text, not {shown(ref)}")
        refs: dict[str, tuple[str, ...]] = {}
        if ref_text:
            refs[self.model_id] = (ref_text,)
        for field in ("reference_controls", "threats"):
            listed = node.get(field)
            if listed is None:
                continue
            if not isinstance(listed, list) or not all(isinstance(u, str) for u in listed):
                reader.add("invalid-value", f"{path}.{field}", "must be a list of urns")
                continue
            if listed:
                refs[field.replace("_", "-")] = tuple(listed)
        tags: list[str] = []
        groups = node.get("implementation_groups")
        if groups is not None and not isinstance(groups, list):
            reader.add("invalid-value", f"{path}.implementation_groups",
                       f"must be a list of group ids, not {type_name(groups)}")
            groups = []
        for j, group in enumerate(groups or ()):
            if not isinstance(group, str) or not group.strip():
                reader.add("invalid-value", f"{path}.implementation_groups[{j}]",
                           f"must be a group id, not {shown(group)}")
            elif group not in self.groups:
                reader.add("unresolved-reference", f"{path}.implementation_groups[{j}]",
                           f"{shown(group)} is not an implementation group of the "
                           f"framework; it is kept as a tag", warning=True)
                tags.append(group)
            else:
                tags.append(group)
        importance = node.get("importance")
        if isinstance(importance, str) and importance.strip():
            tags.append(f"importance:{importance.strip()}")
        name = reader.text(node, "name", path) or ref_text
        urn = str(node["urn"]).strip()
        reader.keep_translations(urn, node, path)
        return {"key": urn, "name": name or None,
                "description": reader.text(node, "description", path),
                "refs": refs, "tags": tags}

    def weight(self, k: int, node: Mapping[str, Any]) -> float:
        weight = node.get("weight", 1)
        if as_int(weight) is None or weight <= 0:
            self.reader.add("invalid-value", f"{self.at}[{k}].weight",
                            f"must be a whole number above 0, not {shown(weight)}")
            return 1.0
        return float(weight)

    def item(self, k: int, node: Mapping[str, Any], item_id: str, native: str) -> CapabilityItem:
        path = f"{self.at}[{k}]"
        parts = self.common(k, node)
        for field in ("min_score", "max_score", "scores_definition_ref"):
            if node.get(field) is not None:
                self.reader.add("invalid-value", f"{path}.{field}",
                                "a node's own score scale is not read; the framework's "
                                "scale is used", warning=True)
        paths = self.reader.paths
        for suffix in ("", ".id", ".name", ".practices"):
            paths.add(native + suffix, path)
        label = parts["name"] or item_id
        practices: list[Practice] = []
        if self.scored:
            for level in self.scale.levels:
                if level.value < 1:
                    continue
                practices.append(Practice(
                    id=f"{item_id}{LEVEL_MARK}{level.value}", level=level.value,
                    text=f"{label}: {level.name or f'level {level.value}'}"))
        else:
            practices.append(Practice(id=f"{item_id}{LEVEL_MARK}1", level=1,
                                      text=parts["description"] or label,
                                      answer_set=COMPLIANCE))
        name = parts.pop("name")
        return CapabilityItem(id=item_id, **({"name": name} if name else {}),
                              weight=self.weight(k, node), practices=practices, **parts)

    def build(self, nodes: list[tuple[int, dict[str, Any]]]) -> list[Domain]:
        by_urn = {str(n["urn"]).strip().casefold(): (k, n) for k, n in nodes}
        children: dict[str | None, list[tuple[int, dict[str, Any]]]] = {}
        for k, node in nodes:
            self.ids[str(node["urn"]).strip().casefold()] = self.new_id(node)
            parent = node.get("parent_urn")
            folded = parent.strip().casefold() if isinstance(parent, str) else None
            if folded is not None and folded not in by_urn:
                self.reader.add("unresolved-reference", f"{self.at}[{k}].parent_urn",
                                f"{shown(parent)} is the urn of no node of the framework")
                continue
            children.setdefault(folded, []).append((k, node))
        roots = children.get(None, [])
        heads = [(k, n) for k, n in roots if str(n["urn"]).strip().casefold() in children]
        head_rows = {k for k, _ in heads}
        loose = [(k, n) for k, n in roots if k not in head_rows and n["assessable"]]
        reached: set[int] = set()
        domains: list[Domain] = []
        for k, node in heads:
            built = self.node(k, node, children, reached, f"$.domains[{len(domains)}]")
            assert isinstance(built, Domain)
            domains.append(built)
        if loose:
            # Top-level assessable nodes: the model's root holds domains only.
            native = f"$.domains[{len(domains)}]"
            items = [self.item(k, n, self.ids[str(n["urn"]).strip().casefold()],
                               f"{native}.items[{j}]") for j, (k, n) in enumerate(loose)]
            reached.update(k for k, _ in loose)
            root_id = self.new_id({"urn": f"{self.model_id}-requirements"})
            domains.append(Domain(id=root_id, name="Requirements", items=items))
        reached.update(k for k, n in roots)
        for k, node in nodes:
            if k not in reached and self.loops(node, by_urn):
                self.reader.add("invalid-value", f"{self.at}[{k}].parent_urn",
                                "the chain of parents loops back to this node")
        return domains

    @staticmethod
    def loops(node: Mapping[str, Any], by_urn: Mapping[str, tuple[int, dict[str, Any]]]) -> bool:
        start = str(node["urn"]).strip().casefold()
        seen: set[str] = set()
        parent = node.get("parent_urn")
        while isinstance(parent, str) and parent.strip().casefold() in by_urn:
            folded = parent.strip().casefold()
            if folded == start:
                return True
            if folded in seen:
                return False
            seen.add(folded)
            parent = by_urn[folded][1].get("parent_urn")
        return False

    def node(self, k: int, node: dict[str, Any],
             children: Mapping[str | None, list[tuple[int, dict[str, Any]]]],
             reached: set[int], native: str) -> Domain | CapabilityItem | None:
        reached.add(k)
        folded = str(node["urn"]).strip().casefold()
        node_id = self.ids[folded]
        below = children.get(folded, [])
        if not below:
            if node["assessable"]:
                return self.item(k, node, node_id, native)
            return None  # heading text with nothing to assess
        paths = self.reader.paths
        for suffix in ("", ".id", ".name"):
            paths.add(native + suffix, f"{self.at}[{k}]")
        sub_domains: list[Domain] = []
        items: list[CapabilityItem] = []
        if node["assessable"]:
            # An assessable node with children counts itself too, as upstream's flat mean.
            self_id = self.new_id({"urn": f"{node_id}/self"})
            items.append(self.item(k, node, self_id, f"{native}.items[0]"))
            self.ids[folded] = self_id
        domain_id = node_id
        for j, child in below:
            if j in reached:
                continue
            has_children = str(child["urn"]).strip().casefold() in children
            built = self.node(j, child, children, reached,
                              f"{native}.domains[{len(sub_domains)}]" if has_children
                              else f"{native}.items[{len(items)}]")
            if isinstance(built, Domain):
                sub_domains.append(built)
            elif built is not None:
                items.append(built)
        parts = self.common(k, node)
        if node["assessable"]:
            parts["key"] = None  # the urn names the item that is scored: keys are unique
        name = parts.pop("name")
        return Domain(id=domain_id, **({"name": name} if name else {}),
                      weight=self.weight(k, node), domains=sub_domains, items=items, **parts)


def read_framework(framework: Mapping[str, Any], where: str, library: Mapping[str, Any],
                   version: str, paths: PathMap, problems: list[Problem]) -> Framework | None:
    """Read one ``framework`` object into a model; ``None`` when it has no usable nodes."""
    locale = library.get("locale")
    language = locale.strip() if isinstance(locale, str) and locale.strip() else "en"
    reader = Reader(where.split(":", 1)[0], paths, problems,
                    language if is_language_tag(language) else "en")
    urn = framework.get("urn")
    if not isinstance(urn, str) or not urn.strip():
        reader.add("invalid-value", f"{where}.urn", "a framework needs a urn")
        return None
    if framework.get("ref_id") is None:
        reader.add("invalid-value", f"{where}.ref_id", "a framework needs a ref_id")
    urn = urn.strip()
    model_id = urn_tail(urn) or "framework"
    scale, scored, base = reader.scale(framework, where)
    groups: dict[str, str] = {}
    defined = framework.get("implementation_groups_definition")
    if defined is not None and not isinstance(defined, list):
        reader.add("invalid-value", f"{where}.implementation_groups_definition",
                   f"must be a list of groups, not {type_name(defined)}")
        defined = []
    for k, group in enumerate(defined or ()):
        ref = group.get("ref_id") if isinstance(group, dict) else None
        if not isinstance(ref, str) or not ref.strip():
            reader.add("invalid-value", f"{where}.implementation_groups_definition[{k}]",
                       "an implementation group needs a ref_id")
            continue
        groups[ref] = reader.text(group, "name", f"{where}.implementation_groups_definition[{k}]")
        reader.keep_translations(f"{urn}#group={ref}", group,
                                 f"{where}.implementation_groups_definition[{k}]")
    nodes = _nodes(reader, framework, where)
    if not nodes:
        return None
    tree = _Tree(reader, model_id, scale, scored, groups, f"{where}.requirement_nodes")
    domains = tree.build(nodes)
    reader.keep_translations(urn, framework, where)
    metadata = {"source": "CISO Assistant library", "urn": urn}
    if scored:  # what load_assessment turns a score into a level with
        metadata["score_offset"] = str(base)
    for key in ("urn", "ref_id", "copyright", "provider", "packager", "publication_date",
                "locale"):
        value = library.get(key)
        if isinstance(value, str | int) or hasattr(value, "isoformat"):
            metadata[f"library_{key}" if key == "urn" else key] = str(value)
    metadata["ref_id"] = str(framework.get("ref_id", metadata.get("ref_id", "")))
    dependencies = library.get("dependencies")
    if isinstance(dependencies, list) and all(isinstance(d, str) for d in dependencies):
        metadata["dependencies"] = ", ".join(dependencies)
    if groups:
        metadata["implementation_groups"] = ", ".join(f"{k}: {v}" if v else k
                                                      for k, v in groups.items())
    name = reader.text(framework, "name", where) or reader.text(
        library, "name", f"{reader.display}:$")
    paths.add("$.scale", f"{where}.scores_definition")
    model = MaturityModel(
        id=model_id, name=name or model_id, version=version,
        description=reader.text(framework, "description", where), scale=scale,
        rules=ModelRules(item=Staircase(), domain=Mean()),
        answer_sets=() if scored else (AnswerSet(id=COMPLIANCE, options=[
            AnswerOption(label=label, value=value)
            for label, value in COMPLIANCE_ANSWERS.items()]),),
        domains=domains, metadata=metadata, language=reader.language,
        languages=sorted(reader.languages | {reader.language}))
    return Framework(urn=urn, model=model, ids=dict(tree.ids), scored=scored,
                     translations=reader.translations)
