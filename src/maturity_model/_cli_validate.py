"""``maturity validate``, ``schema`` and ``import``: checking and converting files.

``validate`` shows every problem it can find at once: warnings next to errors, and the
problems of a later stage (the checks of a structured model, an assessment against its
model) wherever an earlier stage leaves a usable document — a field nobody knows is
reported and then set aside, so a model with an unknown field and a dependency cycle
reports both.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from maturity_model._cli_common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    FileProblems,
    UsageError,
    failure_document,
    import_model,
    print_json,
    problem_line,
    read_document_once,
    resolve_model,
)
from maturity_model._cli_files import did_you_mean, document_kind, is_stdin
from maturity_model.errors import Problem, ValidationError

# ``.name``, ``[3]`` or ``['key']``: the steps of a problem's JSON path.
_STEP = re.compile(r"\.([^.\[\]]+)|\[(\d+)\]|\[('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")\]")


def _steps(path: str) -> list[str | int] | None:
    """The keys and indexes of ``$.a[0]['b']``; ``None`` when the path is not of that form."""
    if not path.startswith("$"):
        return None
    steps: list[str | int] = []
    at = 1
    while at < len(path):
        match = _STEP.match(path, at)
        if match is None:
            return None
        name, index, quoted = match.groups()
        if name is not None:
            steps.append(name)
        elif index is not None:
            steps.append(int(index))
        else:
            steps.append(str(ast.literal_eval(quoted)))
        at = match.end()
    return steps


def without_unknown_fields(doc: Any, problems: Sequence[Problem]) -> Any | None:
    """A copy of ``doc`` without the fields ``unknown-field`` problems name.

    ``None`` when there is nothing to set aside or a path cannot be followed; the
    document itself is never changed.

    >>> without_unknown_fields({"id": "m", "colour": 1},
    ...     [Problem.of("unknown-field", "$.colour", "unknown field 'colour'")])
    {'id': 'm'}
    """
    import copy

    found = [_steps(p.path) for p in problems if p.code == "unknown-field"]
    paths = [steps for steps in found if steps]
    if not paths or len(paths) != len(found):
        return None
    cleaned = copy.deepcopy(doc)
    for steps in paths:
        node = cleaned
        for step in steps[:-1]:
            try:
                node = node[step]
            except (KeyError, IndexError, TypeError):
                return None
        if not isinstance(node, dict) or steps[-1] not in node:
            return None
        del node[steps[-1]]
    return cleaned


def _later(first: Sequence[Problem], later: Sequence[Problem]) -> list[Problem]:
    return [*first, *(p for p in later if p not in first)]


def model_problems(doc: Any) -> list[Problem]:
    """Every problem of a model document: its structure, then the checks of the tree."""
    from maturity_model.errors import ModelValidationError
    from maturity_model.model import MaturityModel
    from maturity_model.serialization import check_limits, converter_for, model_from_dict
    from maturity_model.validation import check

    try:
        return list(check(model_from_dict(doc)))
    except ModelValidationError as exc:
        first = list(exc.problems)
    try:
        check_limits(doc)
    except ValidationError:
        return first
    usable = doc if isinstance(doc, dict) else None
    if usable is not None and any(p.code == "unknown-field" for p in first):
        usable = without_unknown_fields(doc, first)
    if usable is None:
        return first
    body = {k: v for k, v in usable.items() if k != "format"}
    try:
        # The structure alone, without the checks load_model adds: they run below, in full.
        model = converter_for(None).structure(body, MaturityModel)
    except Exception:  # a tree that does not structure has no later stage
        return first
    return _later(first, check(model))


def assessment_problems(doc: Any, model_spec: str | None) -> list[Problem]:
    """Every problem of an assessment document, and against ``--model`` when given."""
    from maturity_model.evidence import check_assessment
    from maturity_model.serialization import assessment_from_dict

    first: list[Problem] = []
    try:
        assessment = assessment_from_dict(doc)
    except ValidationError as exc:
        first = list(exc.problems)
        usable = without_unknown_fields(doc, first)
        if usable is None:
            return first
        try:
            assessment = assessment_from_dict(usable)
        except ValidationError:
            return first
    if model_spec is None:
        import datetime

        from maturity_model.evidence import evidence_problems

        return [*first, *evidence_problems(assessment.details, datetime.date.today())]
    return _later(first, check_assessment(resolve_model(model_spec), assessment)[1])


def _validate_problems(args: argparse.Namespace) -> list[Problem]:
    from maturity_model._cli_output import profile_from_document

    path = Path(args.file)
    if not is_stdin(args.file) and not path.exists():
        raise UsageError(f"no such file or folder{did_you_mean(args.file)}", file=args.file)
    if args.format in ("samm", "dsomm", "ciso-assistant"):
        return _validate_import(args.format, path)
    if path.is_dir():
        raise UsageError("is a folder, not a file", file=args.file)
    if path.suffix.lower() == ".xlsx" and not is_stdin(args.file):
        return _workbook_problems(args.file, args.model)
    try:
        doc = read_document_once(args.file)  # read once: standard input cannot be read twice
    except FileProblems as exc:
        return [p for _, p in exc.found]
    try:
        kind = args.kind or document_kind(doc)
        if kind == "profile":
            profile_from_document(doc)
            return []
        if kind == "assessment":
            return assessment_problems(doc, args.model)
        return model_problems(doc)
    except ValidationError as exc:
        return list(exc.problems)


def _workbook_problems(spec: str, model_spec: str | None) -> list[Problem]:
    """The problems of a filled-in form (or SAMM toolbox) against ``--model``."""
    from maturity_model._cli_batch import xlsx_assessment
    from maturity_model.evidence import check_assessment

    if model_spec is None:
        raise UsageError("a workbook is an assessment: give --model MODEL to check it",
                         file=spec)
    model = resolve_model(model_spec)
    try:
        assessment = xlsx_assessment(model, spec)
    except ValidationError as exc:
        return list(exc.problems)
    except OSError as exc:
        raise UsageError(f"cannot be read ({exc.strerror or exc})", file=spec) from None
    return list(check_assessment(model, assessment)[1])


def _validate_import(kind: str, path: Path) -> list[Problem]:
    if kind == "ciso-assistant":
        from maturity_model.formats import ciso_assistant

        return list(ciso_assistant.check_file(path))
    if kind == "dsomm":
        from maturity_model.formats import dsomm

        return list(dsomm.check_file(path))
    from maturity_model.formats import samm

    return list(samm.check_folder(path))


def cmd_validate(args: argparse.Namespace) -> int:
    problems = _validate_problems(args)
    found = [(args.file, p) for p in problems]
    document = failure_document(found)
    valid = bool(document["valid"])
    if args.json:
        print_json(document)
    else:
        for file, p in found:
            print(problem_line(file, p))
        for code in dict.fromkeys(p.code for p in problems):
            print(f"  {code}: see {Problem.of(code, '$', '').docs_url}")
        errors = sum(p.severity == "error" for p in problems)
        warnings = len(problems) - errors
        print(f"{args.file}: {'valid' if valid else 'invalid'}"
              f" ({errors} error{'s' * (errors != 1)}, {warnings} warning"
              f"{'s' * (warnings != 1)})")
    return EXIT_OK if valid else EXIT_PROBLEMS


def cmd_schema(args: argparse.Namespace) -> int:
    from maturity_model.schema import (
        assessment_json_schema,
        crosswalk_json_schema,
        model_json_schema,
        portfolio_json_schema,
    )

    schemas = {"model": model_json_schema, "assessment": assessment_json_schema,
               "portfolio": portfolio_json_schema, "crosswalk": crosswalk_json_schema}
    print_json(schemas[args.what]())
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from maturity_model.serialization import dump_model
    from maturity_model.validation import check

    if args.kind == "ciso-assistant":
        from maturity_model._cli_ciso import cmd_import_ciso

        return cmd_import_ciso(args)
    if len(args.source) != 1:
        raise UsageError(f"import {args.kind} reads one source, not {len(args.source)}")
    args.source = args.source[0]
    path = Path(args.source)
    if not path.exists():
        raise UsageError("no such file or folder", file=args.source)
    try:
        model = import_model(args.kind, path)
    except OSError as exc:
        raise UsageError(f"cannot be read ({exc.strerror or exc})", file=args.source) from None
    except ValidationError as exc:
        raise FileProblems.of(args.source, exc.problems) from None
    warnings = [p for p in check(model) if p.severity == "warning"]
    text = dump_model(model, args.output) if args.output else dump_model(
        model, file_format=args.to)
    counts = {"domains": len(model.domains_preorder()), "items": len(model.items()),
              "practices": sum(1 for _ in model.practices())}
    if args.json:
        print_json({**failure_document([(args.source, p) for p in warnings]),
                    "model": model.id, "version": model.version, **counts,
                    "output": args.output})
    elif args.output:
        print(f"{args.source}: imported {model.id} {model.version} "
              f"({counts['domains']} domains, {counts['items']} items, "
              f"{counts['practices']} practices) to {args.output}")
        for p in warnings:
            print(problem_line(args.source, p), file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK
