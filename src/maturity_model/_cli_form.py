"""``maturity form MODEL -o form.xlsx``: write a fillable assessment form."""

from __future__ import annotations

import argparse
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
from maturity_model._cli_lang import add_lang_option, chosen_language
from maturity_model.errors import ValidationError


def add_form_parser(sub: Any) -> None:
    """Register the ``form`` command on the parser's subcommands."""
    p = sub.add_parser("form", help="write a fillable .xlsx assessment form for a model")
    p.add_argument("model", metavar="MODEL", help="model file or standard name")
    p.add_argument("-o", "--output", metavar="FILE", required=True, help="form.xlsx")
    p.add_argument("--assessment", metavar="FILE",
                   help="pre-fill the form with this assessment's answers, notes, evidence")
    p.add_argument("--target", metavar="LEVEL",
                   help="add the target level, the levels to go and what is needed")
    p.add_argument("--target-file", metavar="FILE", help="a maturity-target/1 file")
    add_lang_option(p)
    p.add_argument("--sheets", choices=["domains", "one"], default="domains",
                   help="a sheet per top-level domain (default) or one sheet")
    p.add_argument("--rows", choices=["practices", "items"], default="practices",
                   help="a row per practice (default) or per item with a column per level")
    p.add_argument("--json", action="store_true", help="print a summary as JSON")
    p.set_defaults(func=cmd_form)


def cmd_form(args: argparse.Namespace) -> int:
    """Write the form; a bad assessment or target names its file."""
    from maturity_model._cli_results import target_of
    from maturity_model.evidence import Assessment
    from maturity_model.forms import write_form
    from maturity_model.scoring import score
    from maturity_model.serialization import load_assessment

    if Path(args.output).suffix.lower() != ".xlsx":
        raise UsageError("the form is written as .xlsx", file=args.output)
    if args.target is not None and args.target_file is not None:
        raise UsageError("give --target or --target-file, not both")
    model = resolve_model(args.model)
    assessment = None
    if args.assessment is not None:
        assessment = read_file(load_assessment, args.assessment)
    target: Any = None
    if args.target is not None or args.target_file is not None:
        # checked as plan checks it: the model's nodes and scale, whatever the answers
        blank = score(model, Assessment(model=model.id))
        target = target_of(args.target, args.target_file, blank)
    try:
        write_form(model, args.output, assessment=assessment, target=target,
                   lang=chosen_language(args, model),
                   sheets=args.sheets, rows=args.rows)
    except ValidationError as exc:
        raise FileProblems.of(args.assessment, exc.problems) from None
    except ValueError as exc:  # an assessment that one row per item cannot hold
        raise UsageError(str(exc), file=args.assessment) from None
    if args.json:
        print_json({"output": args.output, "model": model.id, "model_version": model.version,
                    "practices": sum(1 for _ in model.practices())})
    else:
        print(f"wrote {args.output}")
    return EXIT_OK
