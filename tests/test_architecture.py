"""The package's shape: imports run one way, the core never imports display code, modules stay short.

Every module under ``src/maturity_model`` is parsed with :mod:`ast`; every import
statement counts, wherever it stands (module level, inside a function or a method), and so
does ``importlib.import_module("maturity_model....")`` with a literal name. Imports under
``if TYPE_CHECKING:`` never run, so they are left out of the cycle check; they still count
for the core-never-imports-display check.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = "maturity_model"
SOURCE = Path(__file__).resolve().parent.parent / "src" / PACKAGE

#: The core: objects, evidence, rules, both engines, results, compare, plan, history.
CORE = frozenset({
    "model", "rules", "evidence", "scoring", "profile", "comparison", "cohort", "planning",
    "history", "portfolio", "versions", "migration", "crosswalk", "projection",
    "levels", "errors", "validation", "graph", "target", "batch", "ids", "languages",
})
#: Private helpers of the core, by the prefix of their name or by name.
CORE_PREFIXES = ("_row_", "_batch_", "_planning_", "_rule_", "_history_")
CORE_PRIVATE = frozenset({
    "_dependencies", "_numbers", "_aggregation_rules", "_display_registry", "_limits",
    "_identity", "_versions_match", "_versions_changes", "_migration_mapping",
    "_compare_versions", "_references", "_answer_details", "_messages", "_text_checks",
    "_lazy",
})
#: Display: formatting for people (HTML, tables, text, reports, plots, the command line).
DISPLAY = frozenset({
    "_html", "_tables", "_explain", "_phrases", "_escape", "_display_wiring", "report", "plots",
    "cli", "_versions_display", "_plot_text",
})
DISPLAY_PREFIXES = ("_report_", "_cli_")

MAX_LINES = 500

#: Import circles not broken yet; the list may only shrink.
KNOWN_CYCLES: frozenset[frozenset[str]] = frozenset()


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SOURCE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(SOURCE.rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _walk(node: ast.AST, type_checking: bool) -> Iterator[tuple[ast.AST, bool]]:
    """Every node under ``node``, each with whether it sits under ``if TYPE_CHECKING:``."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child.test):
            yield child, type_checking
            for statement in child.body:
                yield statement, True
                yield from _walk(statement, True)
            for statement in child.orelse:
                yield statement, type_checking
                yield from _walk(statement, type_checking)
            continue
        yield child, type_checking
        yield from _walk(child, type_checking)


def _imported_names(module: str, is_package: bool, tree: ast.Module) -> Iterator[tuple[str, bool]]:
    """The dotted names ``module`` imports, each with whether only type checkers see it."""
    for node, type_checking in _walk(tree, False):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, type_checking
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                if not is_package:
                    base = base[:-1]
                base = base[: len(base) - (node.level - 1)]
                stem = ".".join([*base, node.module] if node.module else base)
            else:
                stem = node.module or ""
            yield stem, type_checking
            for alias in node.names:
                yield f"{stem}.{alias.name}", type_checking
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr == "import_module" and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            yield node.args[0].value, type_checking


def _graph(*, with_type_checking: bool) -> nx.DiGraph[str]:
    modules = _modules()
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_nodes_from(modules)
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for name, type_checking in _imported_names(module, path.name == "__init__.py", tree):
            if type_checking and not with_type_checking:
                continue
            # ``from maturity_model import batch`` names the submodule, not the package.
            if name in modules and name != module:
                graph.add_edge(module, name)
            elif name.rpartition(".")[0] in modules and name.rpartition(".")[0] != module:
                graph.add_edge(module, name.rpartition(".")[0])
    return graph


def _short(module: str) -> str:
    return module.removeprefix(f"{PACKAGE}.")


def _is_core(module: str) -> bool:
    name = _short(module)
    return name in CORE or name in CORE_PRIVATE or name.startswith(CORE_PREFIXES)


def _is_display(module: str) -> bool:
    name = _short(module)
    return name in DISPLAY or name.startswith(DISPLAY_PREFIXES)


def test_the_graph_sees_imports_inside_functions() -> None:
    graph = _graph(with_type_checking=False)
    # ``_cli_batch`` imports ``batch`` inside a function only.
    assert graph.has_edge(f"{PACKAGE}._cli_batch", f"{PACKAGE}.batch")
    assert graph.has_edge(PACKAGE, f"{PACKAGE}._display_wiring")


def test_the_graph_reads_import_module_calls_and_relative_imports() -> None:
    tree = ast.parse(
        "import importlib\n"
        "from . import sibling\n"
        "from .other import thing\n"
        "def f():\n"
        "    importlib.import_module('maturity_model.batch')\n"
        "if TYPE_CHECKING:\n"
        "    from maturity_model.profile import Profile\n")
    names = set(_imported_names(f"{PACKAGE}.here", False, tree))
    assert (f"{PACKAGE}.batch", False) in names
    assert (f"{PACKAGE}.sibling", False) in names
    assert (f"{PACKAGE}.other", False) in names
    assert (f"{PACKAGE}.profile", True) in names


def test_every_module_is_sorted_into_core_or_display_or_neither_but_not_both() -> None:
    both = [module for module in _modules() if _is_core(module) and _is_display(module)]
    assert both == []
    for name in CORE | CORE_PRIVATE | DISPLAY:
        assert f"{PACKAGE}.{name}" in _modules(), name


def test_no_import_circle_among_the_packages_modules() -> None:
    graph = _graph(with_type_checking=False)
    # Modules that reach each other form one strongly connected component (a module that
    # imports itself, a self-loop): each such group is an import circle.
    circles = {frozenset(_short(module) for module in component)
               for component in nx.strongly_connected_components(graph)
               if len(component) > 1 or any(graph.has_edge(m, m) for m in component)}
    assert circles == KNOWN_CYCLES


def test_the_core_never_imports_display_code() -> None:
    graph = _graph(with_type_checking=True)
    reaching_up = sorted((_short(source), _short(target)) for source, target in graph.edges
                         if _is_core(source) and _is_display(target))
    assert reaching_up == []


@pytest.mark.parametrize("module", sorted(_modules()))
def test_no_module_is_longer_than_500_lines(module: str) -> None:
    lines = _modules()[module].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES


def test_every_formatter_the_core_asks_for_is_registered() -> None:
    from maturity_model import _display_registry

    asked: set[str] = set()
    for module, path in _modules().items():
        if not _is_core(module):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "formatter" and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                asked.add(node.args[0].value)
    assert asked >= {"frame", "model_html", "roadmap_repr"}
    for name in sorted(asked):
        assert callable(_display_registry.formatter(name)), name
