"""The package face: import cost, no side effects, a curated namespace."""

from __future__ import annotations

import subprocess
import sys

import maturity_model as mm


def test_import_loads_neither_numpy_nor_networkx() -> None:
    code = ("import sys, maturity_model; "
            "print(sorted(m for m in ('numpy', 'networkx', 'pandas', 'matplotlib') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_public_names_are_sorted_and_exist() -> None:
    assert list(mm.__all__) == sorted(mm.__all__)
    for name in mm.__all__:
        assert hasattr(mm, name), name
