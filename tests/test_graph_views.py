"""Graph views: the longest prerequisite chain, DOT, Mermaid and GraphML exports."""

from __future__ import annotations

import io
import itertools
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given

import maturity_model as mm
from maturity_model.graph import (
    dependents,
    longest_chain,
    prerequisites,
    requirement_map,
    to_dot,
    to_graphml,
    to_mermaid,
)
from maturity_model.planning import Roadmap, Target, plan
from tests.strategies import models

PLANNING = Path(__file__).parent / "data" / "planning"


def cd_model() -> mm.MaturityModel:
    return mm.load_model(PLANNING / "cd-model.yaml")


def deploy_roadmap() -> tuple[mm.MaturityModel, Roadmap]:
    model = cd_model()
    profile = mm.score(model, mm.load_assessment(PLANNING / "team-before.yaml"))
    return model, plan(model, profile, Target.of({"deploy": 3}))


def tiny(*practices: mm.Practice) -> mm.MaturityModel:
    return mm.MaturityModel(id="m", domains=[mm.Domain(id="d", items=[
        mm.CapabilityItem(id="i", practices=practices)])])


# --------------------------------------------------------------------------- chains


def test_longest_chain_of_the_example_model() -> None:
    # Two chains of five: the one ending first in document order wins.
    assert longest_chain(cd_model()) == (
        "vcs.2.1", "env.2.1", "env.2.2", "deploy.3.1", "deploy.3.2")


def test_longest_chain_edge_cases() -> None:
    assert longest_chain(mm.MaturityModel(id="m")) == ()
    assert longest_chain(tiny(mm.Practice(id="a", level=1),
                              mm.Practice(id="b", level=1))) == ("a",)
    # Equal prerequisites: the earlier one in document order.
    model = tiny(mm.Practice(id="a", level=1), mm.Practice(id="b", level=1),
                 mm.Practice(id="c", level=1, requires=["b", "a"]))
    assert longest_chain(model) == ("a", "c")


def test_longest_chain_refuses_a_cycle() -> None:
    model = tiny(mm.Practice(id="a", level=1, requires=["b"]),
                 mm.Practice(id="b", level=1, requires=["a"]))
    with pytest.raises(mm.DependencyCycleError) as caught:
        longest_chain(model)
    assert caught.value.cycle == ("a", "b", "a")


def test_prerequisites_and_dependents_of_the_example() -> None:
    model = cd_model()
    assert prerequisites(model, "deploy.3.2", transitive=False) == ("deploy.3.1",)
    assert prerequisites(model, "deploy.3.2") == (
        "vcs.1.1", "vcs.2.1", "vcs.2.2", "ci.3.2", "deploy.3.1", "env.2.1", "env.2.2")
    assert dependents(model, "env.2.2") == (
        "test.3.1", "deploy.3.1", "deploy.3.2", "env.3.1", "env.3.2")


@given(models())
def test_longest_chain_is_a_chain_as_long_as_the_longest_path(model: mm.MaturityModel) -> None:
    chain = longest_chain(model)
    requirements = requirement_map(model)
    for before, after in itertools.pairwise(chain):
        assert before in requirements[after]
    graph = nx.DiGraph()
    graph.add_nodes_from(requirements)
    graph.add_edges_from((q, p) for p, qs in requirements.items() for q in qs)
    expected = nx.dag_longest_path_length(graph) + 1 if requirements else 0
    assert len(chain) == expected


# --------------------------------------------------------------------------- exports


def test_dot_of_the_whole_model() -> None:
    text = to_dot(cd_model())
    assert text.startswith('digraph "cd-example" {\n  rankdir=LR;\n')
    assert text.count("subgraph") == 5
    assert '    label="Environment provisioning";' not in text  # clusters are item ids
    assert '    label="env.provision";' in text
    assert '    "deploy.3.1" [label="deploy.3.1\\nlevel 3"];' in text
    assert text.count(" -> ") == sum(len(v) for v in requirement_map(cd_model()).values())
    assert '  "env.2.2" -> "deploy.3.1";' in text


def test_dot_quotes_awkward_ids() -> None:
    model = tiny(mm.Practice(id='say "hi"', level=1),
                 mm.Practice(id="back\\slash", level=1, requires=['say "hi"']))
    text = to_dot(model)
    assert '"say \\"hi\\"" -> "back\\\\slash";' in text


def test_dot_of_a_roadmap_draws_waves_and_pulled_in_practices() -> None:
    model, roadmap = deploy_roadmap()
    text = to_dot(model, roadmap)
    assert text.count("subgraph") == 4
    assert '    label="Wave 2";' in text
    assert '    "env.2.2" [label="env.2.2\\nlevel 2", style=dashed];' in text
    assert '    "deploy.2.2" [label="deploy.2.2\\nlevel 2"];' in text
    assert text.count(" -> ") == 4
    assert "vcs.1.1" not in text


def test_mermaid_of_a_roadmap() -> None:
    model, roadmap = deploy_roadmap()
    text = to_mermaid(model, roadmap)
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    assert '  subgraph g0["Wave 1"]' in lines
    names = {pid: f"p{i}" for i, pid in enumerate(p.id for p in model.practices())}
    assert f'    {names["env.2.2"]}["env.2.2 (level 2)"]' in lines
    assert f"  {names['env.2.1']} --> {names['env.2.2']}" in lines
    assert lines[-1] == (f"  class {names['env.2.1']},{names['ci.3.2']},{names['env.2.2']} "
                         "pulled")


def test_mermaid_escapes_labels() -> None:
    text = to_mermaid(tiny(mm.Practice(id='a"<b>&', level=1)))
    assert 'p0["a#quot;#lt;b#gt;#amp; (level 1)"]' in text


def test_graphml_reads_back_with_attributes() -> None:
    model = cd_model()
    graph = nx.read_graphml(io.StringIO(to_graphml(model)))
    assert list(graph.nodes) == [p.id for p in model.practices()]
    assert graph.number_of_edges() == sum(len(v) for v in requirement_map(model).values())
    assert graph.has_edge("env.2.2", "deploy.3.1")
    assert graph.nodes["deploy.3.1"] == {
        "item": "deploy.release", "level": 3, "weight": 1.0, "mandatory": False,
        "text": "One-click deployment to every environment"}


def test_graphml_of_a_roadmap() -> None:
    model, roadmap = deploy_roadmap()
    graph = nx.read_graphml(io.StringIO(to_graphml(model, roadmap)))
    assert list(graph.nodes) == list(roadmap.practices)
    assert graph.nodes["env.2.2"]["wave"] == 2
    assert graph.nodes["env.2.2"]["pulled_in"] is True
    assert graph.number_of_edges() == 4


def _texts_model(text: str, practice_id: str = "a") -> mm.MaturityModel:
    return mm.MaturityModel(id="m\x02", domains=[mm.Domain(id="d", items=[
        mm.CapabilityItem(id="i\x0b", practices=[
            mm.Practice(id=practice_id, level=1, text=text),
            mm.Practice(id="b", level=2, requires=[practice_id], text="ok & <b>")])])])


@pytest.mark.parametrize("text", ["x\x01y", "tab\x0bbed", "not\ufffea char", "lone\ud800",
                                  "\x00", "fine\ttext\nhere"])
def test_graphml_parses_whatever_the_texts_hold(text: str) -> None:
    from xml.etree import ElementTree

    root = ElementTree.fromstring(to_graphml(_texts_model(text)))
    ns = "{http://graphml.graphdrawing.org/xmlns}"
    keys = {k.get("id"): k.get("attr.name") for k in root.iter(f"{ns}key")}
    nodes = {n.get("id"): {keys[d.get("key")]: d.text for d in n.iter(f"{ns}data")}
             for n in root.iter(f"{ns}node")}
    written = nodes["a"]["text"]
    assert written == "".join(c if c in "\t\n" or " " <= c < "\ud800" else
                              f"\\u{ord(c):04x}" for c in text)
    assert nodes["a"]["item"] == "i\\u000b"
    assert nodes["b"]["text"] == "ok & <b>"
    assert [(e.get("source"), e.get("target")) for e in root.iter(f"{ns}edge")] == [
        ("a", "b")]


def test_graphml_refuses_a_practice_id_xml_cannot_carry() -> None:
    with pytest.raises(mm.ModelValidationError) as info:
        to_graphml(_texts_model("", practice_id="a\x01"))
    assert [(p.code, p.path) for p in info.value.problems] == [
        ("invalid-value", "$.domains[0].items[0].practices[0].id")]
