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
