"""Hostile and broken input: limits, safe loading, determinism, threads."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import maturity_model as mm
from maturity_model.serialization import (
    Limits,
    dump_profile,
    loads_assessment,
    loads_model,
    model_from_dict,
)

SRC = Path(mm.__file__).parent
DATA = Path(__file__).parent / "data"

BOMB = "\n".join(
    [f'l0: &l0 [{", ".join(["lol"] * 9)}]']
    + [f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]" for n in range(1, 10)])


def test_yaml_alias_bomb_is_refused_quickly() -> None:
    with pytest.raises(mm.ModelValidationError) as info:
        loads_model(BOMB)
    assert "once its aliases are expanded" in info.value.problems[0].message


def test_recursive_alias_is_refused() -> None:
    with pytest.raises(mm.ValidationError):
        loads_model("id: m\nmetadata: &a {x: *a}\n")


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_very_deep_domain_tree_is_refused_cleanly(fmt: str) -> None:
    depth = 3000
    if fmt == "json":
        text = '{"id": "m", "domains": ' + '[{"id": "x", "domains": ' * depth + "[]" + "}]" * depth + "}"
    else:
        text = "id: m\ndomains: " + "[{id: x, domains: " * depth + "[]" + "}]" * depth
    with pytest.raises(mm.ModelValidationError) as info:
        loads_model(text, fmt)  # type: ignore[arg-type]
    # The library's own problem, whichever guard (libyaml's, json's recursion) stopped it.
    assert [(p.code, p.path, p.message) for p in info.value.problems] == [
        ("invalid-value", "$", "the document is nested deeper than 64 levels")]


def test_depth_limit_is_configurable() -> None:
    text = "id: m\ndomains: " + "[{id: x, domains: " * 40 + "[]" + "}]" * 40
    with pytest.raises(mm.ModelValidationError, match="deeper than 64"):
        loads_model(text)
    with pytest.raises(mm.ModelValidationError, match="duplicate-id"):
        loads_model(text, limits=Limits(max_depth=200))


def test_deep_model_built_in_code_scores_without_recursion() -> None:
    node = mm.Domain(id="d0", items=[mm.CapabilityItem(id="leaf", practices=[
        mm.Practice(id="p", level=1)])])
    for n in range(1, 3000):
        node = mm.Domain(id=f"d{n}", domains=[node])
    model = mm.MaturityModel(id="deep", domains=[node])
    assert mm.check(model) == ()
    profile = mm.score(model, mm.Assessment(model="deep", answers={"p": True}))
    assert profile.overall.level == 5
    with pytest.raises(mm.ModelValidationError, match="nested too deeply"):
        mm.dump_model(model)


def test_size_limit_is_checked_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("id: m\n" + "#" * 2000 + "\n")
    with pytest.raises(mm.ModelValidationError, match="more than 1000"):
        mm.load_model(path, limits=Limits(max_bytes=1000))


def _calls(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name):
                names.add(func.id)
            elif isinstance(func, ast.Attribute):
                base = func.value.id if isinstance(func.value, ast.Name) else "?"
                names.add(f"{base}.{func.attr}")
        elif isinstance(node, ast.Import | ast.ImportFrom):
            module = node.module if isinstance(node, ast.ImportFrom) else None
            for alias in node.names:
                names.add(f"import {module or alias.name}")
    return names


def test_no_code_execution_or_network_in_the_package() -> None:
    forbidden = {"eval", "exec", "__import__", "pickle.loads", "pickle.load",
                 "marshal.loads", "yaml.unsafe_load", "yaml.full_load",
                 "import pickle", "import marshal", "import socket", "import urllib.request",
                 "import http.client", "import requests", "import shelve"}
    for path in sorted(SRC.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        found = _calls(ast.parse(source)) & forbidden
        assert not found, f"{path.name}: {found}"
        for line in source.splitlines():
            if "yaml.load(" in line:
                assert "Loader=_SafeLoader" in line, f"{path.name}: {line.strip()}"
            assert "yaml.Loader" not in line and "UnsafeLoader" not in line, path.name


def test_output_is_byte_identical_whatever_the_hash_seed() -> None:
    outputs = set()
    for seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run(
            [sys.executable, "-m", "maturity_model.cli", "score", str(DATA / "valid-model.yaml"),
             str(DATA / "valid-assessment.yaml"), "--json"],
            capture_output=True, check=True, env=env)
        outputs.add(result.stdout)
    assert len(outputs) == 1
    assert json.loads(outputs.pop())["subject"] == "payments-team"


def test_scoring_from_many_threads_gives_identical_profiles() -> None:
    model = mm.load_model(DATA / "valid-model.yaml")
    assessments = [loads_assessment(f"model: mini-cd\nsubject: t{n}\nanswers: "
                                    f"{{cm.vcs.1.1: {n % 2 == 0}, build.ci.1.1: {n / 40}}}")
                   for n in range(40)]
    expected = [dump_profile(mm.score(model, a)) for a in assessments]
    fresh = mm.load_model(DATA / "valid-model.yaml")  # caches filled concurrently
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(lambda a: dump_profile(mm.score(fresh, a)), assessments * 5))
    assert got == expected * 5


def test_a_dependency_chain_thousands_long_needs_no_recursion() -> None:
    from maturity_model import graph

    n = 5000
    practices = [mm.Practice(id=f"p{i}", level=1, requires=[f"p{i - 1}"] if i else [])
                 for i in range(n)]
    model = mm.MaturityModel(id="chain", scale=mm.LevelScale.range(1, 2),
                             dependencies="enforce",
                             domains=[mm.Domain(id="d", items=[mm.CapabilityItem(
                                 id="i", practices=practices)])])
    assert mm.check(model) == ()
    profile = mm.score(model, mm.Assessment(model="chain", answers={"p0": 0.5, f"p{n - 1}": True}))
    assert len(profile.blocked) == n - 1
    assert len(graph.longest_chain(model)) == n
    assert len(graph.prerequisites(model, f"p{n - 1}")) == n - 1
    assert graph.to_dot(model).count("->") == n - 1
    assert len(mm.plan(model, profile, mm.Target.uniform(1)).waves) == n
    ring = mm.MaturityModel(id="ring", domains=[mm.Domain(id="d", items=[mm.CapabilityItem(
        id="i", practices=[mm.Practice(id=f"p{i}", level=1, requires=[f"p{(i + 1) % n}"])
                           for i in range(n)])])])
    (problem,) = mm.check(ring)
    assert problem.code == "dependency-cycle"
    assert problem.message.count("→") == n


def test_messages_never_render_an_unbounded_value() -> None:
    long_id = "x" * 100_000
    doc = {"id": "m", "domains": [{"id": "d", "items": [{"id": "i", "practices": [
        {"id": long_id, "level": 1}, {"id": long_id, "level": 1, "requires": [long_id + "@"]},
    ]}]}]}
    with pytest.raises(mm.ModelValidationError) as info:
        model_from_dict(doc)
    assert info.value.problems
    assert all(len(p.message) < 400 for p in info.value.problems)
    with pytest.raises(mm.AssessmentValidationError) as answered:
        mm.score(mm.load_model(DATA / "valid-model.yaml"),
                 mm.Assessment(model="mini-cd", answers={long_id: True}))
    assert all(len(p.message) < 400 for p in answered.value.problems)
