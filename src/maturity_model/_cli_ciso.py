"""``maturity import ciso-assistant FILE... [-o DIR]``: CISO Assistant libraries and audits.

Every file is read before anything is written: libraries first (frameworks, then mapping
sets, which then name the frameworks' node ids), then audits (a ``.csv``, or a YAML/JSON
export with ``requirement_assessments``), each read against the first framework given
that it fits without an error (else its problems against the one it fits best are shown).
With ``-o DIR`` each model is written to ``DIR/<model id>.yaml``, each crosswalk to
``DIR/<source>-to-<target>.yaml`` and each audit to ``DIR/<file stem>.assessment.yaml``
(``--to`` picks the format; names keep letters, digits, ``.``, ``_`` and ``-``, and a name
met twice gets ``-2``); without it, a single document goes to standard output.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from maturity_model._cli_common import (
    EXIT_OK,
    FileProblems,
    UsageError,
    failure_document,
    print_json,
    problem_line,
)
from maturity_model.errors import Problem, ValidationError

__all__ = ["cmd_import_ciso", "file_name", "is_audit"]


def is_audit(path: Path) -> bool:
    """Whether a file is an audit (CSV, or an export with ``requirement_assessments``).

    >>> is_audit(Path("results.csv")), is_audit(Path("no-such-library.yaml"))
    (True, False)
    """
    if path.suffix.lower() == ".csv":
        return True
    from maturity_model.formats._sources import read_yaml

    if not path.is_file():
        return False
    docs, problems = read_yaml(path, path.name)
    return not problems and len(docs) == 1 and isinstance(docs[0], dict) and \
        "requirement_assessments" in docs[0] and "objects" not in docs[0]


def file_name(name: str, taken: set[str]) -> str:
    """A file name for a document named ``name``: safe characters only, once per run.

    Names come from urns in the user's files, so a ``/`` or a leading ``.`` never reaches
    the file system; a second document of the same name gets ``-2``.

    >>> taken = set()
    >>> file_name("../etc/passwd", taken), file_name("a b", taken), file_name("a b", taken)
    ('etc-passwd', 'a-b', 'a-b-2')
    """
    base = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip(".-") or "document"
    candidate, n = base, 1
    while candidate.casefold() in taken:
        n += 1
        candidate = f"{base}-{n}"
    taken.add(candidate.casefold())
    return candidate


def _read(sources: list[str]) -> tuple[list[tuple[str, Any]], list[tuple[str, Any]],
                                        list[tuple[str, Problem]]]:
    from maturity_model.formats import ciso_assistant
    from maturity_model.formats._ciso_assessment import read_assessment

    found: list[tuple[str, Problem]] = []
    read: dict[str, tuple[Any, tuple[Problem, ...]]] = {}
    audits: list[str] = []
    for source in sources:
        if is_audit(Path(source)):
            audits.append(source)
        else:
            read[source] = ciso_assistant.read_library(source)
    models = [m for library, _ in read.values() if library is not None for m in library.models]
    for source, (library, _) in read.items():
        if models and (library is None or library.crosswalks):
            # Read again with the frameworks: mappings then name their node ids.
            read[source] = ciso_assistant.read_library(source, frameworks=models)
    for source, (_, problems) in read.items():
        found += [(source, p) for p in problems]
    libraries = [(source, library) for source, (library, _) in read.items()
                 if library is not None]
    assessments: list[tuple[str, Any]] = []
    if audits and not models:
        raise UsageError("an audit is read against a framework; give the framework's "
                         "library with it", file=audits[0])
    for source in audits:
        best: tuple[Problem, ...] | None = None
        for model in models:  # the framework whose requirements the audit names
            try:
                assessment, problems = read_assessment(Path(source), model, None)
            except ValidationError as exc:
                if best is None or len(exc.problems) < len(best):
                    best = exc.problems
                continue
            except OSError as exc:
                raise UsageError(f"cannot be read ({exc.strerror or exc})",
                                 file=source) from None
            found += [(source, p) for p in problems]
            assessments.append((source, assessment))
            break
        else:
            found += [(source, p) for p in best or ()]
    return libraries, assessments, found


def cmd_import_ciso(args: argparse.Namespace) -> int:
    """Run ``maturity import ciso-assistant``."""
    from maturity_model.serialization import dump_assessment, dump_crosswalk, dump_model

    sources: list[str] = list(args.source)
    for source in sources:
        if not Path(source).exists():
            raise UsageError("no such file or folder", file=source)
    libraries, assessments, found = _read(sources)
    if any(p.severity == "error" for _, p in found):
        raise FileProblems(found)
    documents: list[tuple[str, str, Any]] = []  # (name, kind, object)
    for _, library in libraries:
        documents += [(m.id, "model", m) for m in library.models]
        documents += [(f"{c.source_model}-to-{c.target_model}", "crosswalk", c)
                      for c in library.crosswalks]
    documents += [(f"{Path(s).stem}.assessment", "assessment", a) for s, a in assessments]
    dump: dict[str, Callable[..., str]] = {
        "model": dump_model, "crosswalk": dump_crosswalk, "assessment": dump_assessment}
    written: list[str] = []
    if args.output:
        folder = Path(args.output)
        if folder.exists() and not folder.is_dir():
            raise UsageError("is a file; -o names a folder for ciso-assistant", file=args.output)
        folder.mkdir(parents=True, exist_ok=True)
        taken: set[str] = set()
        for name, kind, thing in documents:
            target = os.path.join(args.output, f"{file_name(name, taken)}.{args.to}")
            dump[kind](thing, target)
            written.append(target)
    elif not documents:
        pass  # a library of reference controls only: its warning says so
    elif len(documents) == 1:
        name, kind, thing = documents[0]
        if not args.json:
            sys.stdout.write(dump[kind](thing, file_format=args.to))
    else:
        raise UsageError(f"makes {len(documents)} documents; give -o DIR to write them")
    warnings_found = [(f, p) for f, p in found if p.severity == "warning"]
    if args.json:
        print_json({**failure_document(warnings_found),
                    "models": [m.id for _, lib in libraries for m in lib.models],
                    "crosswalks": [f"{c.source_model}-to-{c.target_model}"
                                   for _, lib in libraries for c in lib.crosswalks],
                    "assessments": [a.subject for _, a in assessments],
                    "written": written})
        return EXIT_OK
    for file, problem in warnings_found:
        print(problem_line(file, problem), file=sys.stderr)
    for target in written:
        print(f"wrote {target}")
    return EXIT_OK
