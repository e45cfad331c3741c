"""Text renderings of profiles for the command line: table, Markdown, CSV, JSON."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence

from maturity_model.model import MaturityModel
from maturity_model.profile import Profile, Result


def _depth(profile: Profile, result: Result) -> int:
    depth = 0
    parent = result.parent
    while parent is not None:
        depth += 1
        parent = profile.results[parent].parent if parent in profile.results else None
    return depth


def _score(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _level(value: int | None) -> str:
    return "-" if value is None else str(value)


def _rows(profile: Profile) -> list[tuple[int, Result]]:
    return [(_depth(profile, r), r) for r in profile]


def _table(model: MaturityModel, profile: Profile, *, explain: bool) -> str:
    rows = _rows(profile)
    labels = [("  " * depth) + r.node_id for depth, r in rows]
    id_width = max(len(x) for x in [*labels, "node"])
    name_width = min(max(len(r.name) for _, r in rows), 48)
    header = f"{'node':<{id_width}}  {'name':<{name_width}}  level  score  evidence"
    when = f", {profile.date.isoformat()}" if profile.date else ""
    lines = [f"{profile.subject or '(no subject)'} — {model.name} {profile.model_version}"
             f"{when}", header, "-" * len(header)]
    for label, (_, r) in zip(labels, rows, strict=True):
        name = r.name if len(r.name) <= name_width else r.name[: name_width - 1] + "…"
        c = r.counts
        lines.append(f"{label:<{id_width}}  {name:<{name_width}}  {_level(r.level):>5}  "
                     f"{_score(r.score):>5}  {c.evidenced}/{c.total}")
    o = profile.overall
    lines.append("")
    lines.append(f"overall: level {_level(o.level)} ({profile.level_name(o.level)}), "
                 f"score {_score(o.score)}; {o.counts.evidenced} of {o.counts.total} "
                 f"practices answered ({o.counts.unknown} unknown, {o.counts.na} n/a)")
    if profile.violations:
        lines.append(f"{len(profile.violations)} dependency violation(s):")
        lines.extend(f"  {v}" for v in profile.violations)
    if explain:
        lines.append("")
        lines.extend(profile.explain(r.node_id) for _, r in rows)
    return "\n".join(lines) + "\n"


def _markdown(model: MaturityModel, profile: Profile, *, explain: bool) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = [f"## {cell(profile.subject or 'Profile')} — {cell(model.name)} "
             f"{cell(profile.model_version)}", "",
             "| node | name | level | score | answered |", "|---|---|---:|---:|---:|"]
    for depth, r in _rows(profile):
        indent = "&nbsp;&nbsp;" * depth
        lines.append(f"| {indent}`{cell(r.node_id)}` | {cell(r.name)} | {_level(r.level)} | "
                     f"{_score(r.score)} | {r.counts.evidenced}/{r.counts.total} |")
    if explain:
        lines.append("")
        for _, r in _rows(profile):
            lines.extend(["```text", profile.explain(r.node_id), "```"])
    return "\n".join(lines) + "\n"


def _csv(profiles: Sequence[Profile], *, safe: bool) -> str:
    from maturity_model._cli_batch import StreamWriter

    buffer = io.StringIO()
    writer = StreamWriter(buffer, "csv", csv_safe=safe)
    for profile in profiles:
        writer.write(profile)
    return buffer.getvalue()


def render_profiles(model: MaturityModel, profiles: Sequence[Profile], fmt: str, *,
                    explain: bool = False, csv_safe: bool = True) -> str:
    """Render profiles in one of the command line's formats.

    :param csv_safe: CSV text cells that a spreadsheet would run as a formula get a
        leading ``'``.
    """
    if fmt == "json":
        from maturity_model.serialization import profile_to_dict

        docs = [profile_to_dict(p) for p in profiles]
        data = docs[0] if len(docs) == 1 else docs
        return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    if fmt == "csv":
        return _csv(profiles, safe=csv_safe)
    render = _markdown if fmt == "markdown" else _table
    return "\n".join(render(model, p, explain=explain) for p in profiles)
