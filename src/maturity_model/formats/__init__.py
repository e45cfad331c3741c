"""Importers for other tools' maturity model files.

- :mod:`maturity_model.formats.samm` — OWASP SAMM 2: the model from its ``core`` YAML
  folder, assessments from a filled-in SAMM toolbox workbook (needs the ``xlsx`` extra).
- :mod:`maturity_model.formats.dsomm` — OWASP DSOMM: the model from its generated
  ``model.yaml``, assessments from the app's team progress file.

Each importer returns the library's own objects (:class:`~maturity_model.MaturityModel`,
:class:`~maturity_model.Assessment`) and reports bad input as one
:class:`~maturity_model.ModelValidationError` listing every problem, with paths into the
source files. The submodules are imported on first use, so ``import
maturity_model.formats`` stays cheap.
"""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["dsomm", "samm"]


def __getattr__(name: str) -> ModuleType:
    if name in __all__:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
