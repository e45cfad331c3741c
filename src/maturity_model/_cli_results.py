"""``maturity score``, ``compare``, ``plan``, ``graph``, ``report`` and ``standards``."""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from maturity_model._cli_common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    FileProblems,
    UsageError,
    failure_document,
    one_line,
    output_format,
    print_json,
    problem_line,
    profile_from,
    read_file,
    resolve_model,
    score_file,
    standard,
)
from maturity_model._cli_files import did_you_mean
from maturity_model._cli_lang import chosen_language
from maturity_model.errors import IncompatibleProfilesError, Problem, ValidationError


class _NotWritten(Exception):  # noqa: N818 - a signal inside cmd_score
    """Some inputs failed: the output file is left as it was."""


def cmd_score(args: argparse.Namespace) -> int:
    from maturity_model._cli_batch import EmptyFolderError, Progress, iter_assessments
    from maturity_model._cli_output import render_profiles
    from maturity_model.scoring import score

    model = resolve_model(args.model)
    lang = chosen_language(args, model)
    if not args.assessments:
        raise UsageError("score needs at least one assessment file, folder or table")
    fmt = "json" if args.json else args.format
    if fmt is None:
        fmt = output_format(args.output, ("table", "markdown", "csv", "json", "jsonl",
                                          "parquet"), "csv" if args.wide else "table")
    if fmt == "parquet" and not args.output:
        raise UsageError("--format parquet writes a file: give -o FILE.parquet")
    if args.wide and fmt not in ("csv", "parquet"):
        raise UsageError(f"--wide is a form of csv or parquet output, not of {fmt}")
    progress = Progress(quiet=args.quiet)
    failed: list[tuple[str | None, Problem]] = []
    unprinted: list[Any] = []

    def fail(label: str, problems: Sequence[Problem]) -> None:
        progress.step(failed=True)
        for p in problems:
            failed.append((label, p))
            print(problem_line(label, p), file=sys.stderr)

    def dropped(label: str, item: Any) -> None:
        """With --lenient, each dropped answer is a warning line naming its file."""
        from maturity_model.evidence import Assessment, check_assessment

        if args.lenient and isinstance(item, Assessment):
            for p in check_assessment(model, item, strict=False)[1]:
                if p.severity == "warning":
                    print(problem_line(label, p), file=sys.stderr)

    def assessments() -> Iterator[tuple[str, Any]]:
        for label, item in iter_assessments(args.assessments, model,
                                            strict=not args.lenient):
            dropped(label, item)
            yield label, item

    def profiles() -> Iterator[Any]:
        try:
            for label, item in assessments():
                if isinstance(item, ValidationError):
                    fail(label, item.problems)
                    continue
                try:
                    yield score(model, item, strict=not args.lenient)
                except ValidationError as exc:
                    fail(label, exc.problems)
                    continue
                progress.step()
        except FileNotFoundError as exc:
            missing = str(exc.args[0])
            raise UsageError(f"no such file or folder{did_you_mean(missing)}",
                             file=missing) from None
        except EmptyFolderError as exc:
            raise UsageError("no assessment files in the folder",
                             file=str(exc.args[0])) from None

    def scored() -> Iterator[Any]:
        """Every assessment scored by the batch engine (equal to the bit), by chunks."""
        from maturity_model import batch
        from maturity_model._cli_tables import Failure, score_inputs

        try:
            for outcome in score_inputs(args.assessments, batch.compile(model),
                                        strict=not args.lenient, reader=args.reader,
                                        counts=not (args.wide or fmt == "parquet"),
                                        inspect=dropped):
                if isinstance(outcome, Failure):
                    fail(outcome.label, outcome.problems)
                else:
                    yield outcome
                    progress.step(count=len(outcome.rows))
        except FileNotFoundError as exc:
            missing = str(exc.args[0])
            raise UsageError(f"no such file or folder{did_you_mean(missing)}",
                             file=missing) from None
        except EmptyFolderError as exc:
            raise UsageError("no assessment files in the folder",
                             file=str(exc.args[0])) from None

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
            if failed and args.json and out is sys.stdout:
                # Under --json a failure is a document too: the problems and what did score.
                unprinted.extend(collected)
            elif collected:
                out.write(render_profiles(model, collected, "json"))
            return
        first = True
        for profile in profiles():
            out.write(("" if first else "\n") + render_profiles(
                model, [profile], fmt, explain=args.explain, lang=lang))
            first = False

    try:
        with warnings.catch_warnings():
            if args.lenient:  # its dropped answers were shown as lines by assessments()
                warnings.simplefilter("ignore", UserWarning)
            if args.output:
                from maturity_model.serialization import write_atomic_stream

                try:
                    with write_atomic_stream(args.output) as out:
                        emit(out)
                        # A failed run leaves the previous output as it was; a streamed
                        # table keeps the rows that scored (the others are listed).
                        streamed = fmt in ("csv", "jsonl", "parquet")
                        partial = streamed and progress.count > progress.failed
                        if failed and not partial:
                            raise _NotWritten
                except _NotWritten:
                    print(one_line(f"maturity: error: {args.output}: not written, "
                                   f"{len(failed)} input(s) failed"), file=sys.stderr)
            else:
                emit(sys.stdout)
    finally:
        progress.close()
    if not failed:
        return EXIT_OK
    if args.json:
        document = failure_document(failed)
        if unprinted:
            from maturity_model._cli_output import profile_document

            document["profiles"] = [profile_document(p) for p in unprinted]
        print_json(document)
    return EXIT_PROBLEMS


def cmd_standards(args: argparse.Namespace) -> int:
    from maturity_model import standards

    registry = standards.default_registry()
    if args.action == "list":
        infos = registry.available()
        if args.json:
            print_json([{"name": i.name, "version": i.version, "title": i.title,
                         "origin": i.origin, "metadata": dict(i.metadata)} for i in infos])
        else:
            width = max((len(i.name) for i in infos), default=4)
            for i in infos:
                print(f"{i.name:<{width}}  {i.version:<10}  {i.title}")
        return EXIT_OK
    known = ", ".join(registry.names())
    if not args.name:
        raise UsageError(f"standards {args.action} needs a NAME (known: {known})")
    name, _, version = args.name.partition("@")
    if name not in registry.names():
        raise UsageError(f"no such standard (known: {known})", file=name)
    if args.action == "example":
        return _print_example(name, as_json=args.json)
    model = standard(name, version, args.name)
    info = registry.info(name, model.version)
    counts = {"domains": len(model.domains_preorder()), "items": len(model.items()),
              "practices": sum(1 for _ in model.practices())}
    if args.json:
        print_json({"name": info.name, "version": info.version, "title": info.title,
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


def _print_example(name: str, *, as_json: bool) -> int:
    """The bundled example assessment of a standard, as its file is (YAML) or as JSON."""
    from maturity_model import standards
    from maturity_model.errors import UnknownNodeError
    from maturity_model.serialization import dump_assessment

    try:
        path = standards.example_assessment_path(name)
    except UnknownNodeError:
        raise UsageError("this standard has no bundled example assessment", file=name) from None
    if as_json:
        sys.stdout.write(dump_assessment(standards.example_assessment(name), file_format="json"))
    else:
        sys.stdout.write(path.read_text(encoding="utf-8"))
    return EXIT_OK


def cmd_compare(args: argparse.Namespace) -> int:
    from maturity_model.comparison import compare

    before = profile_from(args.before, args.model)
    after = profile_from(args.after, args.model)
    lang = chosen_language(args, None if args.model is None else resolve_model(args.model))
    try:
        diff = compare(before, after)
    except IncompatibleProfilesError as exc:
        raise FileProblems.of(f"{args.before}, {args.after}", [
            Problem.of("model-mismatch", "$.model", str(exc))]) from None
    if args.json:
        print_json({"model": diff.model_id, "summary": dict(diff.summary),
                    "nodes": diff.to_records()})
    else:
        print(diff.explain(lang=lang))
    return EXIT_OK


def target_of(level: str | None, spec: str | None, profile: Any) -> Any:
    """The target of ``--target LEVEL`` or ``--target-file FILE``, checked against ``profile``.

    A bad ``--target`` is a usage error; a target file's problems are the file's problems.
    """
    from maturity_model.target import Target

    if spec is not None:
        target = read_file(Target.load, spec)
        problems = list(target.problems(profile))
        if problems:
            raise FileProblems.of(spec, problems)
        return target
    assert level is not None
    if not (level.isascii() and level.isdigit()):
        raise UsageError("not a level (a whole number >= 0)", file=f"--target {level}")
    target = Target.uniform(int(level))
    for problem in target.problems(profile):
        raise UsageError(problem.message, file=f"--target {level}")
    return target


def cmd_plan(args: argparse.Namespace) -> int:
    from maturity_model.planning import plan

    model = resolve_model(args.model)
    lang = chosen_language(args, model)
    profile = score_file(model, args.assessment)
    if (args.target is None) == (args.target_file is None):
        raise UsageError("plan needs --target LEVEL or --target-file FILE")
    roadmap = plan(model, profile, target_of(args.target, args.target_file, profile))
    if args.json:
        print_json({
            "percent_to_target": roadmap.gap.percent_to_target,
            "waves": [{"number": w.number, "practices": list(w.practices)}
                      for w in roadmap.waves],
            "pulled_in": list(roadmap.pulled_in),
            "steps": roadmap.to_records(), "gap": roadmap.gap.to_records()})
    else:
        print(roadmap.gap.explain(lang))
        print()
        print(roadmap.explain(lang))
    return EXIT_OK


def cmd_graph(args: argparse.Namespace) -> int:
    from maturity_model import graph

    model = resolve_model(args.model)
    render = {"dot": graph.to_dot, "mermaid": graph.to_mermaid, "graphml": graph.to_graphml}
    text = render[args.format](model)
    if args.json:
        print_json({"format": args.format, "longest_chain": list(graph.longest_chain(model)),
                    "text": text})
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from maturity_model.report import write_report

    model = resolve_model(args.model)
    lang = chosen_language(args, model)
    profile = score_file(model, args.assessment)
    compare = None
    if args.compare:
        compare = profile_from(args.compare, args.model)
    target = target_of(args.target, None, profile) if args.target is not None else None
    if Path(args.output).suffix.lower() not in (".html", ".htm", ".md", ".markdown"):
        raise UsageError("the report is written as .html or .md", file=args.output)
    history = None
    if getattr(args, "history", None):
        from maturity_model._cli_history import load_history

        history = load_history(args.history, args.model)
        if profile.subject not in history.subjects:
            # The page would only say "No history": say why while the user is here.
            print(f"maturity: warning: {args.history}: no assessment of subject "
                  f"{profile.subject!r} (subjects: {', '.join(history.subjects) or 'none'});"
                  f" the report's history section stays empty", file=sys.stderr)
    try:
        write_report(args.output, model, profile, compare=compare, target=target,
                     history=history, lang=lang)
    except IncompatibleProfilesError as exc:
        raise FileProblems.of(args.compare, [
            Problem.of("model-mismatch", "$.model", str(exc))]) from None
    if args.json:
        print_json({"output": args.output, "overall_level": profile.overall.level,
                    "overall_level_name": profile.level_name(profile.overall.level, lang),
                    "overall_score": profile.overall.score})
    else:
        print(f"wrote {args.output}")
    return EXIT_OK
