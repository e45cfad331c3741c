"""The ``maturity`` command.

Every command has ``--json``. Exit status: 0 all good, 1 problems found (an invalid file,
an assessment that does not fit its model), 2 usage error or a file that cannot be read.
Bad input never produces a traceback: the message names the file and the problem.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any, NoReturn

from maturity_model.errors import MaturityModelError, Problem, ValidationError

__all__ = ["main"]

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2


class UsageError(Exception):
    """A command-line mistake or an unreadable file: exit status 2."""


class ProblemsFound(Exception):  # noqa: N818 - a signal, not a failure of the program
    """Problems in the user's files: exit status 1 after they were printed."""


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n")


def _problem_dict(problem: Problem) -> dict[str, str]:
    return {"code": problem.code, "severity": problem.severity, "path": problem.path,
            "message": problem.message}


# --------------------------------------------------------------------------- inputs


def resolve_model(spec: str, *, file_format: str | None = None) -> Any:
    """A model from a file path or a bundled/registered standard name."""
    from maturity_model import standards
    from maturity_model.serialization import load_model

    path = Path(spec)
    if path.is_file():
        if file_format in ("samm", "dsomm"):
            return _import_model(file_format, path)
        return load_model(path)
    if path.is_dir() and file_format == "samm":
        return _import_model("samm", path)
    name, _, version = spec.partition("@")
    if name in standards.default_registry().names():
        return standards.load(name, version or None)
    if path.exists():
        raise UsageError(f"{spec}: not a model file")
    known = ", ".join(standards.default_registry().names())
    raise UsageError(f"{spec}: no such file, and no standard of that name (known: {known})")


def _import_model(kind: str, path: Path) -> Any:
    if kind == "samm":
        from maturity_model.formats import samm

        return samm.load_model(path)
    from maturity_model.formats import dsomm

    return dsomm.load_model(path)


def _read(loader: Callable[[Path], Any], spec: str) -> Any:
    path = Path(spec)
    if not path.exists():
        raise UsageError(f"{spec}: no such file")
    if path.is_dir():
        raise UsageError(f"{spec}: is a folder, not a file")
    try:
        return loader(path)
    except OSError as exc:
        raise UsageError(f"{spec}: cannot be read ({exc.strerror or exc})") from None


# --------------------------------------------------------------------------- validate


def _detect_kind(path: Path) -> str:
    from maturity_model.serialization import read_document

    try:
        doc = read_document(path)
    except ValidationError:
        return "model"
    if isinstance(doc, dict):
        fmt = doc.get("format")
        if fmt == "maturity-assessment/1" or (fmt is None and "answers" in doc):
            return "assessment"
        if fmt == "maturity-profile/1":
            return "profile"
    return "model"


def _validate_problems(args: argparse.Namespace) -> list[Problem]:
    from maturity_model.evidence import check_assessment
    from maturity_model.serialization import (
        assessment_from_dict,
        load_profile,
        model_from_dict,
        read_document,
    )
    from maturity_model.validation import check

    path = Path(args.file)
    if not path.exists():
        raise UsageError(f"{args.file}: no such file or folder")
    if args.format in ("samm", "dsomm"):
        return _validate_import(args.format, path)
    if path.is_dir():
        raise UsageError(f"{args.file}: is a folder, not a file")
    try:
        kind = args.kind or _detect_kind(path)
        if kind == "profile":
            load_profile(path)
            return []
        doc = read_document(path)
        if kind == "assessment":
            assessment = assessment_from_dict(doc)
            if args.model is None:
                return []
            return list(check_assessment(resolve_model(args.model), assessment)[1])
        return list(check(model_from_dict(doc)))
    except OSError as exc:
        raise UsageError(f"{args.file}: cannot be read ({exc.strerror or exc})") from None
    except ValidationError as exc:
        return list(exc.problems)


def _validate_import(kind: str, path: Path) -> list[Problem]:
    if kind == "dsomm":
        from maturity_model.formats import dsomm

        return list(dsomm.check_file(path))
    from maturity_model.formats import samm

    return list(samm.check_folder(path))


def cmd_validate(args: argparse.Namespace) -> int:
    problems = _validate_problems(args)
    valid = not any(p.severity == "error" for p in problems)
    if args.json:
        _print_json({"valid": valid, "problems": [_problem_dict(p) for p in problems]})
    else:
        for p in problems:
            print(f"{args.file}: {p.severity}: {p}")
        for code in dict.fromkeys(p.code for p in problems):
            print(f"  {code}: see {Problem.error(code, '$', '').docs_url}")
        errors = sum(p.severity == "error" for p in problems)
        warnings = len(problems) - errors
        print(f"{args.file}: {'valid' if valid else 'invalid'}"
              f" ({errors} error{'s' * (errors != 1)}, {warnings} warning"
              f"{'s' * (warnings != 1)})")
    return EXIT_OK if valid else EXIT_PROBLEMS


# --------------------------------------------------------------------------- schema


def cmd_schema(args: argparse.Namespace) -> int:
    from maturity_model._schema import assessment_json_schema, model_json_schema

    schema = model_json_schema() if args.what == "model" else assessment_json_schema()
    _print_json(schema)
    return EXIT_OK


# --------------------------------------------------------------------------- score


def cmd_score(args: argparse.Namespace) -> int:
    from maturity_model._cli_batch import EmptyFolderError, Progress, iter_assessments
    from maturity_model._cli_output import render_profiles
    from maturity_model.scoring import score

    model = resolve_model(args.model)
    if not args.assessments:
        raise UsageError("score needs at least one assessment file, folder or table")
    fmt = "json" if args.json else args.format
    if fmt is None:
        suffix = Path(args.output).suffix.lower() if args.output else ""
        fmt = {".csv": "csv", ".jsonl": "jsonl", ".json": "json", ".md": "markdown",
               ".parquet": "parquet"}.get(suffix, "csv" if args.wide else "table")
    if fmt == "parquet" and not args.output:
        raise UsageError("--format parquet writes a file: give -o FILE.parquet")
    if args.wide and fmt not in ("csv", "parquet"):
        raise UsageError(f"--wide is a form of csv or parquet output, not of {fmt}")
    progress = Progress(quiet=args.quiet)
    failures = 0

    def report(label: str, problems: Sequence[Problem]) -> None:
        nonlocal failures
        failures += 1
        progress.step(failed=True)
        for p in problems:
            print(f"maturity: {label}: {p.severity}: {p}", file=sys.stderr)

    def profiles() -> Iterator[Any]:
        try:
            for label, item in iter_assessments(args.assessments, model,
                                                strict=not args.lenient):
                error: ValidationError
                if isinstance(item, ValidationError):
                    error = item
                else:
                    try:
                        yield score(model, item, strict=not args.lenient)
                        progress.step()
                        continue
                    except ValidationError as exc:
                        error = exc
                report(label, error.problems)
        except FileNotFoundError as exc:
            raise UsageError(f"{exc.args[0]}: no such file or folder") from None
        except EmptyFolderError as exc:
            raise UsageError(f"{exc.args[0]}: no assessment files in the folder") from None

    def scored() -> Iterator[Any]:
        """Every assessment scored by the batch engine (equal to the bit), by chunks."""
        from maturity_model import batch
        from maturity_model._cli_tables import Failure, score_inputs

        try:
            for outcome in score_inputs(args.assessments, batch.compile(model),
                                        strict=not args.lenient, reader=args.reader,
                                        counts=not (args.wide or fmt == "parquet")):
                if isinstance(outcome, Failure):
                    report(outcome.label, outcome.problems)
                else:
                    yield outcome
                    for _ in outcome.rows:
                        progress.step()
        except FileNotFoundError as exc:
            raise UsageError(f"{exc.args[0]}: no such file or folder") from None
        except EmptyFolderError as exc:
            raise UsageError(f"{exc.args[0]}: no assessment files in the folder") from None

    def emit(out: IO[str]) -> None:
        from maturity_model._cli_batch import StreamWriter

        if args.wide or fmt == "parquet":
            from maturity_model import batch
            from maturity_model._cli_wide import WideWriter

            wide = WideWriter(out, fmt, batch.compile(model).node_ids,
                              csv_safe=not args.no_formula_escape)
            for chunk in scored():
                wide.write(chunk)
            wide.close()
            return
        if fmt == "csv":
            writer = StreamWriter(out, fmt, csv_safe=not args.no_formula_escape)
            for chunk in scored():
                writer.write_scored(chunk)
            return
        if fmt == "jsonl":
            writer = StreamWriter(out, fmt)
            for profile in profiles():
                writer.write(profile)
            return
        if fmt == "json":
            collected = list(profiles())
            if collected:
                out.write(render_profiles(model, collected, "json"))
            return
        first = True
        for profile in profiles():
            out.write(("" if first else "\n") + render_profiles(
                model, [profile], fmt, explain=args.explain))
            first = False

    try:
        if args.output:
            from maturity_model.serialization import write_atomic_stream

            with write_atomic_stream(args.output) as out:
                emit(out)
        else:
            emit(sys.stdout)
    finally:
        progress.close()
    return EXIT_PROBLEMS if failures else EXIT_OK


# --------------------------------------------------------------------------- standards


def cmd_standards(args: argparse.Namespace) -> int:
    from maturity_model import standards

    registry = standards.default_registry()
    if args.action == "list":
        infos = registry.available()
        if args.json:
            _print_json([{"name": i.name, "version": i.version, "title": i.title,
                          "origin": i.origin, "metadata": dict(i.metadata)} for i in infos])
        else:
            width = max((len(i.name) for i in infos), default=4)
            for i in infos:
                print(f"{i.name:<{width}}  {i.version:<10}  {i.title}")
        return EXIT_OK
    if not args.name:
        raise UsageError("standards show needs a NAME")
    name, _, version = args.name.partition("@")
    if name not in registry.names():
        raise UsageError(f"no standard {name!r} (known: {', '.join(registry.names())})")
    info = registry.info(name, version or None)
    model = registry.load(name, version or None)
    counts = {"domains": len(model.domains_preorder()), "items": len(model.items()),
              "practices": sum(1 for _ in model.practices())}
    if args.json:
        _print_json({"name": info.name, "version": info.version, "title": info.title,
                     "origin": info.origin, "metadata": dict(info.metadata),
                     "scale": [{"value": lv.value, "name": lv.name} for lv in model.scale],
                     **counts})
    else:
        print(f"{info.title} ({info.name} {info.version}, {info.origin})")
        print("scale: " + ", ".join(f"{lv.value} {lv.name}".strip() for lv in model.scale))
        print(", ".join(f"{v} {k}" for k, v in counts.items()))
        for key, value in info.metadata.items():
            print(f"{key}: {value}")
    return EXIT_OK


# --------------------------------------------------------------------------- compare, plan, graph


def _profile_from(spec: str, model_spec: str | None) -> Any:
    """A profile file, or an assessment scored against ``--model``."""
    from maturity_model.scoring import score
    from maturity_model.serialization import load_assessment, load_profile

    path = Path(spec)
    if not path.is_file():
        raise UsageError(f"{spec}: no such file")
    if _detect_kind(path) == "profile":
        return _read(load_profile, spec)
    if model_spec is None:
        raise UsageError(f"{spec}: an assessment; give --model MODEL to score it "
                         f"(or pass a profile written by 'maturity score --json')")
    return score(resolve_model(model_spec), _read(load_assessment, spec))


def cmd_compare(args: argparse.Namespace) -> int:
    from maturity_model.comparison import compare

    before = _profile_from(args.before, args.model)
    after = _profile_from(args.after, args.model)
    diff = compare(before, after)
    if args.json:
        _print_json({"model": diff.model_id, "summary": dict(diff.summary),
                     "nodes": diff.to_records()})
    else:
        print(diff.explain())
    return EXIT_OK


def cmd_plan(args: argparse.Namespace) -> int:
    from maturity_model.planning import plan
    from maturity_model.scoring import score
    from maturity_model.serialization import load_assessment
    from maturity_model.target import Target

    model = resolve_model(args.model)
    profile = score(model, _read(load_assessment, args.assessment))
    if (args.target is None) == (args.target_file is None):
        raise UsageError("plan needs --target LEVEL or --target-file FILE")
    target = (Target.uniform(args.target) if args.target is not None
              else _read(Target.load, args.target_file))
    roadmap = plan(model, profile, target)
    if args.json:
        _print_json({
            "percent_to_target": roadmap.gap.percent_to_target,
            "waves": [{"number": w.number, "practices": list(w.practices)}
                      for w in roadmap.waves],
            "pulled_in": list(roadmap.pulled_in),
            "steps": roadmap.to_records(), "gap": roadmap.gap.to_records()})
    else:
        print(roadmap.gap.explain())
        print()
        print(roadmap.explain())
    return EXIT_OK


def cmd_graph(args: argparse.Namespace) -> int:
    from maturity_model import graph

    model = resolve_model(args.model)
    render = {"dot": graph.to_dot, "mermaid": graph.to_mermaid, "graphml": graph.to_graphml}
    text = render[args.format](model)
    if args.json:
        _print_json({"format": args.format, "longest_chain": list(graph.longest_chain(model)),
                     "text": text})
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from maturity_model.report import write_report
    from maturity_model.scoring import score
    from maturity_model.serialization import load_assessment
    from maturity_model.target import Target

    model = resolve_model(args.model)
    profile = score(model, _read(load_assessment, args.assessment))
    compare = None
    if args.compare:
        compare = _profile_from(args.compare, args.model)
    target = Target.uniform(args.target) if args.target is not None else None
    if Path(args.output).suffix.lower() not in (".html", ".htm", ".md", ".markdown"):
        raise UsageError(f"{args.output}: the report is written as .html or .md")
    write_report(args.output, model, profile, compare=compare, target=target)
    if args.json:
        _print_json({"output": args.output, "overall_level": profile.overall.level,
                     "overall_score": profile.overall.score})
    else:
        print(f"wrote {args.output}")
    return EXIT_OK


# --------------------------------------------------------------------------- import


def cmd_import(args: argparse.Namespace) -> int:
    from maturity_model.serialization import dump_model
    from maturity_model.validation import check

    path = Path(args.source)
    if not path.exists():
        raise UsageError(f"{args.source}: no such file or folder")
    try:
        model = _import_model(args.kind, path)
    except OSError as exc:
        raise UsageError(f"{args.source}: cannot be read ({exc.strerror or exc})") from None
    except ValidationError as exc:
        if args.json:
            _print_json({"valid": False,
                         "problems": [_problem_dict(p) for p in exc.problems]})
        else:
            for p in exc.problems:
                print(f"{args.source}: {p.severity}: {p}", file=sys.stderr)
        return EXIT_PROBLEMS
    warnings = [p for p in check(model) if p.severity == "warning"]
    text = dump_model(model, args.output) if args.output else dump_model(
        model, file_format=args.to)
    counts = {"domains": len(model.domains_preorder()), "items": len(model.items()),
              "practices": sum(1 for _ in model.practices())}
    if args.json:
        _print_json({"valid": True, "problems": [_problem_dict(p) for p in warnings],
                     "model": model.id, "version": model.version, **counts,
                     "output": args.output})
    elif args.output:
        print(f"{args.source}: imported {model.id} {model.version} "
              f"({counts['domains']} domains, {counts['items']} items, "
              f"{counts['practices']} practices) to {args.output}")
        for p in warnings:
            print(f"{args.source}: warning: {p}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK


# --------------------------------------------------------------------------- main


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``maturity`` command."""
    parser = argparse.ArgumentParser(
        prog="maturity",
        description="Define maturity models, score assessments, explain and compare profiles.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("validate", help="check a model, assessment or profile file")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--model", metavar="MODEL",
                   help="check an assessment against this model (file or standard name)")
    p.add_argument("--kind", choices=["model", "assessment", "profile"],
                   help="what FILE is (detected from its 'format' otherwise)")
    p.add_argument("--format", choices=["native", "samm", "dsomm"], default="native",
                   help="FILE is in another tool's format")
    p.add_argument("--json", action="store_true", help="print {valid, problems} as JSON")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("schema", help="print the JSON Schema of model or assessment files")
    p.add_argument("what", choices=["model", "assessment"])
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
    p.add_argument("--no-formula-escape", action="store_true",
                   help="write CSV text cells that start with = + - @ tab or CR as they are "
                        "(by default they get a leading ' so spreadsheets show them as text)")
    p.set_defaults(func=cmd_score)

    p = sub.add_parser("compare", help="what changed between two profiles")
    p.add_argument("before", metavar="BEFORE", help="a profile (score --json) or assessment")
    p.add_argument("after", metavar="AFTER")
    p.add_argument("--model", metavar="MODEL", help="score assessments against this model")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("plan", help="the practices, in waves, that reach a target level")
    p.add_argument("model", metavar="MODEL")
    p.add_argument("assessment", metavar="ASSESSMENT")
    p.add_argument("--target", type=int, metavar="LEVEL", help="the same level everywhere")
    p.add_argument("--target-file", metavar="FILE", help="a maturity-target/1 file")
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
    p.add_argument("--target", type=int, metavar="LEVEL",
                   help="show the gap to this level everywhere and the roadmap")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("import", help="convert another tool's model to a native model file")
    p.add_argument("kind", choices=["samm", "dsomm"])
    p.add_argument("source", metavar="SOURCE",
                   help="a SAMM core folder, or DSOMM's generated/model.yaml")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="write the model here (YAML, JSON or TOML by suffix)")
    p.add_argument("--to", choices=["yaml", "json", "toml"], default="yaml",
                   help="format on standard output (without -o)")
    p.add_argument("--json", action="store_true", help="print a summary as JSON")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("standards", help="list or show bundled and installed standards")
    p.add_argument("action", choices=["list", "show"])
    p.add_argument("name", nargs="?", metavar="NAME")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_standards)
    return parser


def _fail(message: str) -> NoReturn:
    print(f"maturity: error: {message}", file=sys.stderr)
    raise SystemExit(EXIT_USAGE)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``maturity`` command; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except UsageError as exc:
        _fail(str(exc))
    except ValidationError as exc:
        for p in exc.problems:
            print(f"{p.severity}: {p}", file=sys.stderr)
        return EXIT_PROBLEMS
    except MaturityModelError as exc:
        print(f"maturity: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
