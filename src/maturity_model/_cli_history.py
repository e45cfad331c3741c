"""``maturity history DIR``: each subject's dated results for one node, its journey, its falls.

The folder is read by :meth:`maturity_model.History.load` (``DIR/SUBJECT/DATE.yaml``, or
files with ``subject`` and ``date`` inside; profiles or assessments). Output formats:

- ``table`` (default) and ``markdown``: per subject, a row per date (level, score, change
  since the date before), the journey in one sentence, and the nodes that fell;
- ``csv``: one row per subject and date: ``subject, date, model, model_version, node_id,
  score, level``;
- ``json`` (or ``--json``): ``{model, model_version, node_id, subjects: [{subject, series,
  journey, velocity, regressions}]}``.
"""

from __future__ import annotations

import argparse
import csv
import io
import itertools
import json
from typing import TYPE_CHECKING, Any

from maturity_model._cli_common import EXIT_OK, FileProblems, UsageError, resolve_model
from maturity_model._csv_cells import csv_row
from maturity_model._escape import md_cell, md_code
from maturity_model.profile import IDENTITY_COLUMNS

if TYPE_CHECKING:
    from maturity_model.history import History

__all__ = ["add_parser", "cmd_history"]


def add_parser(sub: Any) -> None:
    """Register ``history`` on the command's sub-parsers."""
    p = sub.add_parser("history", help="dated results of each subject over time")
    p.add_argument("folder", metavar="DIR",
                   help="DIR/SUBJECT/DATE.yaml files, or files with subject and date inside")
    p.add_argument("--subject", metavar="S", help="only this subject")
    p.add_argument("--node", metavar="N", help="this node (default: the model root)")
    p.add_argument("--model", metavar="MODEL", action="append",
                   help="score assessments against this model (default: the standard each "
                        "assessment names); repeat it to give the model of each version "
                        "when the folder holds several")
    p.add_argument("--format", choices=["table", "markdown", "csv", "json"], default="table")
    p.add_argument("--json", action="store_true", help="same as --format json")
    p.set_defaults(func=cmd_history)


def load_history(folder: str, model_spec: str | list[str] | None) -> History:
    """The history in ``folder``.

    One model scores every assessment that names no other version of it; several are the
    models of the versions the folder holds (:meth:`History.load`'s ``models``). Its
    problems name their files (exit 1); a missing folder is a usage error (exit 2).
    """
    from maturity_model.errors import HistoryError
    from maturity_model.history import History

    specs = [model_spec] if isinstance(model_spec, str) else list(model_spec or [])
    models = [resolve_model(spec) for spec in specs]
    try:
        return History.load(folder, models[0] if len(models) == 1 else None, models=models)
    except FileNotFoundError:
        raise UsageError("no such folder", file=folder) from None
    except NotADirectoryError:
        raise UsageError("is a file, not a folder of assessments", file=folder) from None
    except HistoryError as exc:
        raise FileProblems(zip(exc.files, exc.problems, strict=True)) from None


def cmd_history(args: argparse.Namespace) -> int:
    history = load_history(args.folder, args.model)
    if args.subject is not None and args.subject not in history.subjects:
        raise UsageError(f"no subject {args.subject!r} in the history (subjects: "
                         f"{', '.join(history.subjects)})", file=args.folder)
    node = args.node if args.node is not None else history.model_id
    if node not in history.node_ids:
        raise UsageError(f"no node {node!r} in model {history.model_id!r}", file=args.folder)
    subjects = history.subjects if args.subject is None else (args.subject,)
    fmt = "json" if args.json else args.format
    render = {"json": _json, "csv": _csv, "markdown": _markdown}.get(fmt, _table)
    print(render(history, subjects, node), end="")
    return EXIT_OK


def score_text(score: float | None) -> str:
    """A score as the report writes it (imported when used: reports are heavy to load)."""
    from maturity_model._report_content import score_text as report_score

    return report_score(score)


def _velocity(history: History, subject: str, node: str) -> float | None:
    dates = history.dates(subject)
    return history.velocity(subject, node_id=node) if dates[0] < dates[-1] else None


def _changes(scores: tuple[float | None, ...]) -> list[str]:
    out = [""]
    for before, after in itertools.pairwise(scores):
        out.append("" if before is None or after is None else f"{after - before:+.2f}")
    return out


def _rows(history: History, subject: str, node: str) -> list[tuple[str, str, str, str]]:
    s = history.series(subject, node)
    return [(day.isoformat(), "-" if level is None else str(level), score_text(score), change)
            for day, score, level, change in zip(s.dates, s.scores, s.levels,
                                                 _changes(s.scores), strict=True)]


def _falls(history: History, subject: str) -> list[str]:
    return [f"{r.node_id} {r.before.isoformat()} → {r.after.isoformat()}: "
            f"{r.score_before:.2f} → {r.score_after:.2f} (level {r.level_before} → "
            f"{r.level_after})" for r in history.regressions(subject)]


def _journey(history: History, subject: str, node: str) -> str:
    from maturity_model._report_history import journey_sentence

    journey = history.journey(subject)
    if node == history.model_id:
        return journey_sentence(journey, _velocity(history, subject, node))
    n = journey[node]
    return (f"{node}: {score_text(n.start_score)} → {score_text(n.end_score)} from "
            f"{journey.start.isoformat()} to {journey.end.isoformat()}; "
            f"{len(n.practices)} practices changed below it.")


def _versions(history: History, subject: str) -> list[str]:
    """The model version of each of the subject's profiles, oldest first."""
    return [p.model_version for p in history.profiles(subject)]


def _version_text(history: History, subject: str) -> str:
    return " → ".join(dict.fromkeys(_versions(history, subject)))


def _notes(history: History, subject: str, node: str) -> list[str]:
    """The model changes behind the node's journey, when it crossed versions."""
    note = history.journey(subject)[node].note
    return [f"model changes: {note}"] if note else []


def _table(history: History, subjects: tuple[str, ...], node: str) -> str:
    out = []
    for subject in subjects:
        out += [f"{subject} — {history.model_id} {_version_text(history, subject)}, "
                f"node {node}",
                f"{'date':<10}  {'level':>5}  {'score':>5}  change"]
        out += [f"{d:<10}  {lv:>5}  {s:>5}  {c}".rstrip() for d, lv, s, c in
                _rows(history, subject, node)]
        out.append(_journey(history, subject, node))
        out += _notes(history, subject, node)
        falls = _falls(history, subject)
        if falls:
            out.append(f"{len(falls)} node(s) fell:")
            out += [f"  {f}" for f in falls]
        out.append("")
    return "\n".join(out)


def _markdown(history: History, subjects: tuple[str, ...], node: str) -> str:
    out = []
    for subject in subjects:
        out += [f"## {md_cell(subject)}", "",
                f"{md_cell(history.model_id)} {md_cell(_version_text(history, subject))}, node "
                f"{md_code(node)}", "", "| date | level | score | change |", "|---|---:|---:|---:|"]
        out += [f"| {d} | {lv} | {s} | {c} |" for d, lv, s, c in _rows(history, subject, node)]
        out += ["", md_cell(_journey(history, subject, node)), ""]
        out += [md_cell(n) for n in _notes(history, subject, node)]
        out += [""] if _notes(history, subject, node) else []
        falls = _falls(history, subject)
        if falls:
            out += [f"- {md_cell(f)}" for f in falls] + [""]
    return "\n".join(out)


def _csv(history: History, subjects: tuple[str, ...], node: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*IDENTITY_COLUMNS, "node_id", "score", "level"])
    for subject in subjects:
        s = history.series(subject, node)
        for day, score, level, version in zip(s.dates, s.scores, s.levels,
                                              _versions(history, subject), strict=True):
            writer.writerow(csv_row([subject, day.isoformat(), history.model_id,
                                     version, node, score, level]))
    return buffer.getvalue()


def _json(history: History, subjects: tuple[str, ...], node: str) -> str:
    entries = []
    for subject in subjects:
        journey = history.journey(subject)
        n = journey[node]
        entries.append({
            "subject": subject,
            "series": [{"date": p.date.isoformat(), "score": p.score, "level": p.level,
                        "model_version": version} for p, version in zip(
                           history.series(subject, node), _versions(history, subject),
                           strict=True)],
            "journey": {"start": journey.start.isoformat(), "end": journey.end.isoformat(),
                        "assessments": journey.assessments, "start_score": n.start_score,
                        "end_score": n.end_score, "start_level": n.start_level,
                        "end_level": n.end_level, "practices_changed": list(n.practices),
                        "note": n.note},
            "velocity": _velocity(history, subject, node),
            "regressions": [r.to_record() for r in history.regressions(subject)]})
    return json.dumps({"model": history.model_id, "model_version": history.model_version,
                       "versions": list(history.versions),
                       "node_id": node, "subjects": entries}, indent=2, ensure_ascii=False,
                      allow_nan=False) + "\n"
