"""``maturity diff`` and ``maturity migrate``: model versions on the command line.

``diff OLD NEW`` prints what changed (text, ``--format markdown`` or ``--json``) and exits
0 whatever changed: changes between releases are not problems in the user's files.
``migrate OLD NEW ASSESSMENT...`` carries assessments to the new version: with ``-o DIR``
each is written there under its own file name (format by suffix), without it the one
assessment goes to standard output and the counts to standard error. ``--report FILE``
writes every entry of every migration (``.json`` or ``.csv``). An assessment made for
another model, or for a version other than OLD's, is a ``model-mismatch`` (exit 1).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path
from typing import Any

from maturity_model._cli_common import (
    EXIT_OK,
    FileProblems,
    UsageError,
    print_json,
    read_file,
    resolve_model,
)
from maturity_model._csv_cells import csv_row
from maturity_model._writing import write_atomic
from maturity_model.errors import Problem, ValidationError, shown

__all__ = ["add_parsers", "cmd_diff", "cmd_migrate"]

_REPORT_SUFFIXES = (".json", ".csv")


def add_parsers(sub: Any) -> None:
    """Add ``diff`` and ``migrate`` to the ``maturity`` command's subparsers."""
    p = sub.add_parser("diff", help="what changed between two versions of a model")
    p.add_argument("old", metavar="OLD", help="the old model (file or standard name)")
    p.add_argument("new", metavar="NEW", help="the new model")
    p.add_argument("--format", choices=["text", "markdown"], default="text",
                   help="text (default) or a Markdown table")
    p.add_argument("--json", action="store_true", help="print the changes as JSON")
    p.set_defaults(func=cmd_diff)

    p = sub.add_parser("migrate", help="carry assessments to a new version of their model")
    p.add_argument("old", metavar="OLD", help="the model the assessments were made for")
    p.add_argument("new", metavar="NEW", help="the model to carry them to")
    p.add_argument("assessments", metavar="ASSESSMENT", nargs="+", help="assessment files")
    p.add_argument("-o", "--output", metavar="DIR",
                   help="write the migrated assessments into this folder")
    p.add_argument("--report", metavar="FILE",
                   help="write every practice's outcome here (.json or .csv)")
    p.add_argument("--mapping", metavar="FILE",
                   help="old practice id → new id, and answer value maps (YAML, JSON, "
                        "TOML or CSV); overrides the matching")
    p.add_argument("--json", action="store_true", help="print the outcome as JSON")
    p.set_defaults(func=cmd_migrate)


def cmd_diff(args: argparse.Namespace) -> int:
    from maturity_model.versions import diff_models

    diff = diff_models(resolve_model(args.old), resolve_model(args.new))
    if args.json:
        print_json({"old": {"model": diff.old_model, "version": diff.old_version},
                    "new": {"model": diff.new_model, "version": diff.new_version},
                    "summary": dict(diff.summary()), "changes": diff.to_records()})
    elif args.format == "markdown":
        sys.stdout.write(diff.to_markdown())
    else:
        print(diff.explain())
    return EXIT_OK


def _mismatch(assessment: Any, old: Any) -> list[Problem]:
    problems = []
    if assessment.model != old.id:
        problems.append(Problem.of(
            "model-mismatch", "$.model",
            f"the assessment is for model {shown(assessment.model)}, but OLD is "
            f"{shown(old.id)}"))
    elif assessment.model_version is not None and assessment.model_version != old.version:
        problems.append(Problem.of(
            "model-mismatch", "$.model_version",
            f"the assessment is for version {shown(assessment.model_version)}, but OLD is "
            f"version {shown(old.version)}"))
    return problems


def _output_folder(spec: str | None, count: int) -> Path | None:
    if spec is None:
        if count > 1:
            raise UsageError("several assessments need -o DIR to be written into")
        return None
    folder = Path(spec)
    if folder.exists() and not folder.is_dir():
        raise UsageError("is a file; -o names a folder for the migrated assessments",
                         file=spec)
    return folder


def _cell(value: object) -> object:
    # Answers as a file writes them: true / false, not Python's True / False.
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _report_text(path: str, runs: list[dict[str, Any]]) -> str:
    if path.lower().endswith(".json"):
        return json.dumps({"assessments": runs}, indent=2, ensure_ascii=False,
                          allow_nan=False) + "\n"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    columns = ("status", "old_id", "new_id", "old_answer", "new_answer", "reasons", "detail")
    writer.writerow(("file", "subject", *columns))
    for run in runs:
        for entry in run["entries"]:
            cells = [_cell(entry[c]) for c in columns]
            writer.writerow(csv_row([run["file"], run["subject"], *cells]))
    return out.getvalue()


def cmd_migrate(args: argparse.Namespace) -> int:
    from maturity_model.migration import load_mapping, migrate
    from maturity_model.serialization import dump_assessment, load_assessment

    if args.report is not None and not args.report.lower().endswith(_REPORT_SUFFIXES):
        raise UsageError("the report is written as .json or .csv", file=args.report)
    folder = _output_folder(args.output, len(args.assessments))
    old, new = resolve_model(args.old), resolve_model(args.new)
    mapping = read_file(load_mapping, args.mapping) if args.mapping else None
    migrations = []
    for spec in args.assessments:
        assessment = read_file(load_assessment, spec)
        problems = _mismatch(assessment, old)
        if problems:
            raise FileProblems.of(spec, problems)
        try:
            migrations.append((spec, migrate(assessment, old, new, mapping=mapping)))
        except ValidationError as exc:
            raise FileProblems.of(args.mapping, exc.problems) from None
    runs: list[dict[str, Any]] = []
    for spec, migration in migrations:
        output = None
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
            output = str(folder / Path(spec).name)
            dump_assessment(migration.assessment, output)
        runs.append({"file": spec, "output": output, "subject": migration.report.subject,
                     "summary": dict(migration.report.summary()),
                     "entries": migration.report.to_records()})
    if args.report is not None:
        write_atomic(args.report, _report_text(args.report, runs))
    if args.json:
        if folder is None:
            runs[0]["assessment"] = json.loads(dump_assessment(
                migrations[0][1].assessment, file_format="json"))
        print_json({"old": {"model": old.id, "version": old.version},
                    "new": {"model": new.id, "version": new.version},
                    "assessments": runs})
        return EXIT_OK
    for run in runs:
        counts = ", ".join(f"{n} {s}" for s, n in run["summary"].items())
        target = f" → {run['output']}" if run["output"] else ""
        line = f"{run['file']}{target}: {counts}"
        if folder is None:
            print(f"maturity: {line}", file=sys.stderr)
        else:
            print(line)
    if folder is None:
        sys.stdout.write(dump_assessment(migrations[0][1].assessment))
    return EXIT_OK
