"""``maturity crosswalk``: project a profile through a crosswalk onto another model.

``maturity crosswalk MAPPING PROFILE --target MODEL``: ``MAPPING`` is a crosswalk file,
``PROFILE`` a profile (``maturity score --json``) or an assessment, which is scored
against ``--source MODEL`` first. The crosswalk is checked against the target model (and
the source model, when given): errors stop the command with exit status 1, warnings
(``duplicate-mapping``) are printed and the projection goes on. ``-o FILE`` writes the
estimated assessment of the target model, ready for ``maturity score`` or ``report``.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from maturity_model._cli_common import (
    EXIT_OK,
    FileProblems,
    UsageError,
    print_json,
    problem_line,
    problem_record,
    read_document_once,
    read_file,
    resolve_model,
)
from maturity_model._cli_files import document_kind
from maturity_model.errors import ValidationError
from maturity_model.model import MaturityModel
from maturity_model.profile import Profile
from maturity_model.projection import Projection

__all__ = ["add_parser", "cmd_crosswalk"]


def add_parser(sub: Any) -> None:
    """Register ``crosswalk`` on the command's subparsers."""
    p = sub.add_parser("crosswalk", help="project a profile through a crosswalk onto "
                                         "another model")
    p.add_argument("mapping", metavar="MAPPING", help="a crosswalk file")
    p.add_argument("profile", metavar="PROFILE",
                   help="a profile (score --json) or an assessment of the source model")
    p.add_argument("--target", dest="target_model", metavar="MODEL", required=True,
                   help="the target model: a file, a standard name or a SAMM core folder")
    p.add_argument("--source", metavar="MODEL",
                   help="the source model: scores an assessment, and checks the "
                        "crosswalk's source ends")
    p.add_argument("--partial-cap", type=float, default=0.5, metavar="X",
                   help="the most a subset or intersect mapping carries (default 0.5)")
    p.add_argument("--min-strength", type=int, metavar="N",
                   help="leave out mappings with a stated strength below N")
    p.add_argument("--explain", action="append", default=[], metavar="NODE",
                   help="explain a target node or practice (may be repeated)")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="write the estimated assessment of the target model to FILE")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_crosswalk)


def _profile(spec: str, source: MaturityModel | None) -> Profile:
    from maturity_model.scoring import score
    from maturity_model.serialization import assessment_from_dict, profile_from_dict

    doc = read_document_once(spec)
    try:
        if document_kind(doc) == "profile":
            return profile_from_dict(doc)
        if source is None:
            raise UsageError("an assessment; give --source MODEL to score it (or pass a "
                             "profile written by 'maturity score --json')", file=spec)
        return score(source, assessment_from_dict(doc))
    except ValidationError as exc:
        raise FileProblems.of(spec, exc.problems) from None


def _document(projection: Projection, warnings: list[dict[str, Any]]) -> dict[str, Any]:
    from maturity_model.serialization import assessment_to_dict, profile_to_dict

    practices = [{
        "practice": p.practice_id, "answer": p.answer, "rule": p.rule,
        "sources": [{"source": c.source, "mapping_source": c.mapping.source,
                     "relationship": c.mapping.relationship, "strength": c.mapping.strength,
                     "status": c.status, "value": c.value, "carried": c.carried}
                    for c in p.sources]} for p in projection.practices.values()]
    return {"model": projection.model.id, "model_version": projection.model.version,
            "source_model": projection.source.model_id,
            "subject": projection.source.subject, "partial_cap": projection.partial_cap,
            "coverage": dict(projection.coverage), "unmapped": list(projection.unmapped),
            "practices": practices, "assessment": assessment_to_dict(projection.assessment),
            "profile": profile_to_dict(projection.profile), "problems": warnings}


def _text(projection: Projection) -> str:
    profile, coverage = projection.profile, projection.coverage
    model = projection.model
    lines = [f"{model.id} {model.version}".rstrip() + f" projected from "
             f"{projection.source.model_id} ({projection.source.subject or 'no subject'})",
             f"{'node':<28} {'score':>6} {'level':>5} {'mapped':>7}"]
    depth = {model.id: 0}
    for node_id in (model.id, *model.node_ids()):
        if node_id != model.id:
            depth[node_id] = depth[model.parent_of(node_id)] + 1
        result = profile[node_id]
        share = coverage[node_id]
        name = "  " * depth[node_id] + node_id
        lines.append(f"{name:<28} {'-' if result.score is None else f'{result.score:.2f}':>6} "
                     f"{'-' if result.level is None else result.level:>5} "
                     f"{'-' if share is None else f'{share:.0%}':>7}")
    unmapped = projection.unmapped
    lines.append(f"unknown (no mapping reaches them): {len(unmapped)} of "
                 f"{len(projection.practices)} practices"
                 + (f": {', '.join(unmapped)}" if unmapped else ""))
    return "\n".join(lines)


def cmd_crosswalk(args: argparse.Namespace) -> int:
    from maturity_model.crosswalk import check
    from maturity_model.projection import project
    from maturity_model.serialization import dump_assessment, load_crosswalk

    if not 0.0 <= args.partial_cap <= 1.0:
        raise UsageError(f"--partial-cap must be in [0, 1], not {args.partial_cap}")
    crosswalk = read_file(load_crosswalk, args.mapping)
    target = resolve_model(args.target_model)
    source = resolve_model(args.source) if args.source is not None else None
    profile = _profile(args.profile, source)
    problems = check(crosswalk, source, target)
    if any(p.severity == "error" for p in problems):
        raise FileProblems.of(args.mapping, problems)
    for problem in problems:
        print(problem_line(args.mapping, problem), file=sys.stderr)
    try:
        projection = project(profile, crosswalk, target, partial_cap=args.partial_cap,
                             min_strength=args.min_strength, source_model=source)
    except ValidationError as exc:  # the crosswalk joins other models than the profile's
        raise FileProblems.of(args.mapping, exc.problems) from None
    for node in args.explain:
        if node != target.id and node not in target:
            raise UsageError(f"the target model {target.id!r} has no node or practice "
                             f"{node!r}", file=args.target_model)
    if args.output is not None:
        dump_assessment(projection.assessment, args.output)
    if args.json:
        document = _document(projection, [problem_record(p, args.mapping) for p in problems])
        document["explain"] = {node: projection.explain(node) for node in args.explain}
        print_json(document)
    else:
        print(_text(projection))
        for node in args.explain:
            print()
            print(projection.explain(node))
    return EXIT_OK
