"""Importers for other tools' maturity model files.

- :mod:`maturity_model.formats.samm` — OWASP SAMM 2: the model from its ``core`` YAML
  folder, assessments from a filled-in SAMM toolbox workbook (needs the ``xlsx`` extra).
- :mod:`maturity_model.formats.dsomm` — OWASP DSOMM: the model from its generated
  ``model.yaml``, assessments from the app's team progress file.
- :mod:`maturity_model.formats.ciso_assistant` — CISO Assistant libraries: frameworks as
  models, mapping sets as crosswalks, audits (CSV or export) as assessments.

Each importer returns the library's own objects (:class:`~maturity_model.MaturityModel`,
:class:`~maturity_model.Assessment`) and reports bad input as one
:class:`~maturity_model.ModelValidationError` listing every problem, with paths into the
source files. The submodules are imported on first use, so ``import
maturity_model.formats`` stays cheap.

:func:`~maturity_model.formats.detect` tells which importer reads a file or folder, for
the ``maturity`` command.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from types import ModuleType
from typing import Literal

__all__ = ["ciso_assistant", "detect", "dsomm", "samm"]

Kind = Literal["samm-core", "dsomm-model", "dsomm-progress", "ciso-library"]


def detect(path: str | os.PathLike[str]) -> Kind | None:
    """Which of the other tools' files ``path`` is, from its layout; ``None`` if none.

    - ``"samm-core"``: a folder with SAMM's ``business_functions`` folder (or a ``model``
      folder holding it);
    - ``"dsomm-model"``: YAML whose first document is DSOMM's ``meta:`` header;
    - ``"dsomm-progress"``: YAML whose top level has ``progress`` and no ``format``, as the
      DSOMM app exports team progress.
    - ``"ciso-library"``: YAML whose top level has a ``urn`` and ``objects`` and no
      ``format``: a CISO Assistant library.

    A file that cannot be read or parsed is ``None``: reading it the native way then says
    what is wrong with it.

    >>> detect("no/such/file.yaml") is None
    True
    """
    from maturity_model.formats._sources import read_yaml

    where = Path(path)
    if where.is_dir():
        found = any((folder / "business_functions").is_dir()
                    for folder in (where, where / "model"))
        return "samm-core" if found else None
    if not where.is_file():
        return None
    docs, problems = read_yaml(where, where.name)
    docs = [d for d in docs if d is not None]
    if problems or not docs or not isinstance(docs[0], dict) or "format" in docs[0]:
        return None
    first = docs[0]
    if isinstance(first.get("meta"), dict) and ((len(docs) == 2 and set(first) == {"meta"})
                                                or len(docs) == 1):
        return "dsomm-model"
    if len(docs) == 1 and "progress" in first:
        return "dsomm-progress"
    if len(docs) == 1 and isinstance(first.get("objects"), dict) and "urn" in first:
        return "ciso-library"
    return None


def __getattr__(name: str) -> ModuleType:
    if name in __all__:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
