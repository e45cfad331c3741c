"""Sphinx configuration for the maturity_model docs."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

project = "maturity_model"
author = "maturity_model developers"
copyright = "2026, maturity_model developers"
release = "0.1.0"

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.doctest",
    "sphinx.ext.viewcode",
]
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "show-inheritance": False}
html_theme = "furo"
html_title = "maturity_model"
html_static_path: list[str] = []
exclude_patterns = ["_build"]
doctest_global_setup = "import maturity_model as mm"
suppress_warnings = ["config.cache"]
doctest_test_doctest_blocks = ""  # docstrings are run by pytest --doctest-modules


def _run_example_notebooks(app: object) -> None:
    """Execute docs/examples/*.ipynb and write a page per notebook with its outputs.

    The notebooks are the project's own; a failing cell fails the docs build.
    """
    import contextlib
    import io
    import json

    examples = Path(__file__).parent / "examples"
    for notebook in sorted(examples.glob("*.ipynb")):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        namespace: dict[str, object] = {"__name__": "__notebook__"}
        lines: list[str] = []
        title_done = False
        for cell in cells:
            source = "".join(cell["source"])
            if cell["cell_type"] == "markdown":
                for text in source.splitlines():
                    if text.startswith("# ") and not title_done:
                        lines += [text[2:], "=" * len(text[2:]), ""]
                        title_done = True
                    else:
                        lines.append(text.replace("`", "``"))
                lines.append("")
                continue
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                exec(compile(source, f"{notebook.name}", "exec"), namespace)
            lines += [".. code-block:: python", ""]
            lines += [f"   {line}" for line in source.splitlines()]
            lines.append("")
            if out.getvalue().strip():
                lines += [".. code-block:: text", ""]
                lines += [f"   {line}" for line in out.getvalue().rstrip().splitlines()]
                lines.append("")
        lines += [f"Download the notebook: :download:`{notebook.name} <{notebook.name}>`.", ""]
        target = examples / f"{notebook.stem}.rst"
        text = "\n".join(lines)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")


def _draw_gallery(app: object) -> None:
    """Draw the gallery's pictures into _static/gallery (docs/_scripts/make_gallery.py)."""
    import importlib.util

    script = Path(__file__).parent / "_scripts" / "make_gallery.py"
    spec = importlib.util.spec_from_file_location("make_gallery", script)
    if spec is None or spec.loader is None:
        raise RuntimeError(f"cannot load {script}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main()


def setup(app: object) -> None:
    app.connect("builder-inited", _run_example_notebooks)  # type: ignore[attr-defined]
    app.connect("builder-inited", _draw_gallery)  # type: ignore[attr-defined]
