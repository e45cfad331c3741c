"""The ``maturity`` command.

Every command has ``--json``. Exit status: 0 all good, 1 problems found (an invalid file,
an assessment that does not fit its model), 2 usage error or a file that cannot be read.
Bad input never produces a traceback. Every error line starts with ``maturity:`` and names
the file it is about (``maturity: error: team.yaml: $.answers['x']: ... [unknown-practice]``);
under ``--json`` a failure also prints ``{"valid": false, "problems": [...]}`` on standard
output, each problem with its ``code``, ``severity``, ``path``, ``message`` and ``file``.

The commands live in ``_cli_validate`` (validate, schema, import), ``_cli_results``
(score, compare, plan, graph, report, standards) and ``_cli_versions`` (diff, migrate);
this module holds the parser and the one place where failures become exit statuses.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence
from typing import NoReturn, TextIO

from maturity_model._cli_common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    FileProblems,
    UsageError,
    failure_document,
    one_line,
    print_json,
    problem_line,
    resolve_model,
)
from maturity_model._cli_crosswalk import add_parser as add_crosswalk_parser
from maturity_model._cli_files import (
    EXIT_TERMINATED,
    Terminated,
    file_arguments_problem,
    file_needing_extra,
    os_error_message,
    terminated_as_exception,
)
from maturity_model._cli_form import add_form_parser
from maturity_model._cli_help import explain_commands
from maturity_model._cli_history import add_parser as add_history_parser
from maturity_model._cli_lang import add_lang_option
from maturity_model._cli_portfolio import add_parser as add_portfolio_parser
from maturity_model._cli_results import (
    cmd_compare,
    cmd_graph,
    cmd_plan,
    cmd_report,
    cmd_score,
    cmd_standards,
)
from maturity_model._cli_validate import cmd_import, cmd_schema, cmd_validate
from maturity_model._cli_versions import add_parsers as add_version_parsers
from maturity_model.errors import (
    IncompatibleProfilesError,
    MaturityModelError,
    MissingExtraError,
    Problem,
    UnknownNodeError,
    ValidationError,
)

__all__ = ["build_parser", "main", "resolve_model"]


def version() -> str:
    """The installed version of the package; ``"unknown"`` when it is not installed.

    >>> version() != ""
    True
    """
    from importlib import metadata

    try:
        return metadata.version("maturity_model")
    except metadata.PackageNotFoundError:
        return "unknown"


class _Parser(argparse.ArgumentParser):
    """An argument parser whose mistakes go through :func:`main` like every other failure."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``maturity`` command."""
    parser = _Parser(
        prog="maturity",
        description="Define maturity models, score assessments, explain and compare profiles.")
    parser.add_argument("--version", action="version", version=f"maturity {version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("validate", help="check a model, assessment or profile file")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--model", metavar="MODEL",
                   help="check an assessment against this model (file or standard name)")
    p.add_argument("--kind", choices=["model", "assessment", "profile"],
                   help="what FILE is (detected from its 'format' otherwise)")
    p.add_argument("--format", choices=["native", "samm", "dsomm", "ciso-assistant"],
                   default="native",
                   help="FILE is in another tool's format")
    p.add_argument("--json", action="store_true", help="print {valid, problems} as JSON")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("schema", help="print the JSON Schema of model, assessment or "
                                      "portfolio or crosswalk files")
    p.add_argument("what", choices=["model", "assessment", "portfolio", "crosswalk"])
    p.add_argument("--json", action="store_true", help="(the output is always JSON)")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("score", help="score assessments against a model")
    p.add_argument("model", metavar="MODEL", help="model file or standard name")
    p.add_argument("assessments", metavar="ASSESSMENT", nargs="*",
                   help="assessment files, folders of them, or CSV / JSON-lines tables")
    p.add_argument("--format", choices=["table", "markdown", "csv", "json", "jsonl", "parquet"],
                   help="output format (default: from -o's suffix, else table)")
    p.add_argument("--wide", action="store_true",
                   help="one row per assessment, NODE.score and NODE.level columns "
                        "(csv, the default with it, or parquet, which is always wide)")
    p.add_argument("--reader", choices=["stdlib", "arrow"], default="stdlib",
                   help="read CSV tables with the csv module or with pyarrow (extra "
                        "'arrow': the same results, faster)")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="write to FILE (atomically) instead of standard output")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress counter")
    p.add_argument("--json", action="store_true", help="same as --format json")
    p.add_argument("--explain", action="store_true", help="add an explanation per node")
    p.add_argument("--lenient", action="store_true",
                   help="drop answers to practices the model lacks, with a warning")
    add_lang_option(p)
    p.add_argument("--no-formula-escape", action="store_true",
                   help="write CSV text cells that start with = + - @ tab or CR as they are "
                        "(by default they get a leading ' so spreadsheets show them as text)")
    p.set_defaults(func=cmd_score)

    p = sub.add_parser("compare", help="what changed between two profiles")
    p.add_argument("before", metavar="BEFORE", help="a profile (score --json) or assessment")
    p.add_argument("after", metavar="AFTER")
    p.add_argument("--model", metavar="MODEL", help="score assessments against this model")
    add_lang_option(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("plan", help="the practices, in waves, that reach a target level")
    p.add_argument("model", metavar="MODEL")
    p.add_argument("assessment", metavar="ASSESSMENT")
    p.add_argument("--target", metavar="LEVEL", help="the same level everywhere")
    p.add_argument("--target-file", metavar="FILE", help="a maturity-target/1 file")
    add_lang_option(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_plan)

    p = sub.add_parser("graph", help="export the practice dependency graph")
    p.add_argument("model", metavar="MODEL")
    p.add_argument("--format", choices=["dot", "mermaid", "graphml"], default="dot")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_graph)

    p = sub.add_parser("report", help="write a self-contained HTML or Markdown report")
    p.add_argument("model", metavar="MODEL")
    p.add_argument("assessment", metavar="ASSESSMENT")
    p.add_argument("-o", "--output", metavar="FILE", required=True,
                   help="report.html or report.md")
    p.add_argument("--compare", metavar="OTHER",
                   help="an earlier profile or assessment: show what changed")
    p.add_argument("--target", metavar="LEVEL",
                   help="show the gap to this level everywhere and the roadmap")
    p.add_argument("--history", metavar="DIR",
                   help="a history folder: add the subject's results over time")
    add_lang_option(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("import", help="convert another tool's model to a native model file")
    p.add_argument("kind", choices=["samm", "dsomm", "ciso-assistant"])
    p.add_argument("source", metavar="SOURCE", nargs="+",
                   help="a SAMM core folder, or DSOMM's generated/model.yaml; for "
                        "ciso-assistant, library files and audits (.csv or export)")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="write the model here (YAML, JSON or TOML by suffix); for "
                        "ciso-assistant, a folder to write every document to")
    p.add_argument("--to", choices=["yaml", "json", "toml"], default="yaml",
                   help="format on standard output (without -o)")
    p.add_argument("--json", action="store_true", help="print a summary as JSON")
    p.set_defaults(func=cmd_import)

    add_version_parsers(sub)  # diff, migrate
    add_crosswalk_parser(sub)

    p = sub.add_parser("standards", help="list bundled and installed standards, show one, "
                                         "print its example assessment")
    p.add_argument("action", choices=["list", "show", "example"])
    p.add_argument("name", nargs="?", metavar="NAME")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_standards)

    add_portfolio_parser(sub)
    add_history_parser(sub)
    add_form_parser(sub)
    explain_commands(parser)  # examples, and help for arguments declared without one
    return parser



def _code_of(exc: MaturityModelError) -> str:
    if isinstance(exc, IncompatibleProfilesError):
        return "model-mismatch"
    if isinstance(exc, UnknownNodeError):
        return "unresolved-reference"
    return "invalid-value"


def _report(found: Sequence[tuple[str | None, Problem]], *, as_json: bool) -> None:
    for file, problem in found:
        print(problem_line(file, problem), file=sys.stderr)
    if as_json:
        print_json(failure_document(found))


def _show_warning(message: Warning | str, category: type[Warning], filename: str,
                  lineno: int, file: TextIO | None = None, line: str | None = None) -> None:
    """A warning (a toolbox answer that matches no label, say) as one ``maturity:`` line."""
    print(one_line(f"maturity: warning: {message}"), file=sys.stderr)


def _warn_as_lines() -> None:
    """Warnings as Python shows them by default, each as one ``maturity: warning:`` line."""
    warnings.simplefilter("default")
    for quiet in (DeprecationWarning, PendingDeprecationWarning, ImportWarning,
                  ResourceWarning):
        warnings.simplefilter("ignore", quiet)
    warnings.showwarning = _show_warning


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``maturity`` command; returns the exit status."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    as_json = "--json" in arguments
    args: argparse.Namespace | None = None
    try:
        try:
            args = build_parser().parse_args(arguments)
        except SystemExit as exc:  # --help and --version
            return int(exc.code or 0) if not isinstance(exc.code, str) else EXIT_USAGE
        with terminated_as_exception(), warnings.catch_warnings():
            _warn_as_lines()
            problem = file_arguments_problem(args)  # before anything is read or written
            if problem is not None:
                raise UsageError(problem)
            return int(args.func(args))
    except UsageError as exc:
        print(one_line(f"maturity: error: {exc}"), file=sys.stderr)
        if as_json:
            print_json(failure_document([(exc.file, exc.problem)]))
        return EXIT_USAGE
    except FileProblems as exc:
        _report(exc.found, as_json=as_json)
        return EXIT_PROBLEMS
    except ValidationError as exc:
        _report([(None, p) for p in exc.problems], as_json=as_json)
        return EXIT_PROBLEMS
    except MissingExtraError as exc:  # the installation lacks a part, not the user's files
        file = None if args is None else file_needing_extra(args, exc.extra)
        print(f"maturity: error: {file + ': ' if file else ''}{exc}", file=sys.stderr)
        if as_json:
            print_json(failure_document([(file, Problem.of("missing-extra", "$", str(exc)))]))
        return EXIT_USAGE
    except MaturityModelError as exc:
        _report([(None, Problem.of(_code_of(exc), "$", str(exc)))], as_json=as_json)
        return EXIT_PROBLEMS
    except BrokenPipeError:
        return EXIT_OK
    except OSError as exc:  # an output that cannot be written, an input that vanished
        message = os_error_message(exc)
        print(one_line(f"maturity: error: {message}"), file=sys.stderr)
        if as_json:  # the file in "file", as for every other problem
            where = None if exc.filename is None else str(exc.filename)
            reason = message if where is None else (exc.strerror or str(exc))
            print_json(failure_document([(where, UsageError(reason).problem)]))
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except Terminated:
        return EXIT_TERMINATED


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
