"""Text renderings of profiles for the command line: table, Markdown, CSV, JSON.

The table and Markdown show each level with its name and the overall result in the words
of :func:`maturity_model._phrases.overall_sentence`; Markdown is escaped by
:mod:`maturity_model._escape`, as the Markdown report is.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from typing import Any

from maturity_model._escape import md_cell, md_code, md_text
from maturity_model._phrases import level_text, overall_sentence
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


def _level(profile: Profile, value: int | None) -> str:
    """``"2 (Foundation)"`` for a table cell; ``"-"`` when not assessed."""
    if value is None:
        return "-"
    name = profile.level_name(value)
    return f"{value} ({name})" if name else str(value)


def _rows(profile: Profile) -> list[tuple[int, Result]]:
    return [(_depth(profile, r), r) for r in profile]


def _evidence(profile: Profile) -> str:
    c = profile.overall.counts
    return (f"{c.evidenced} of {c.total} practices answered ({c.unknown} unknown, "
            f"{c.na} n/a)")


def _table(model: MaturityModel, profile: Profile, *, explain: bool) -> str:
    rows = _rows(profile)
    labels = [("  " * depth) + r.node_id for depth, r in rows]
    levels = [_level(profile, r.level) for _, r in rows]
    id_width = max(len(x) for x in [*labels, "node"])
    name_width = min(max(len(r.name) for _, r in rows), 48)
    level_width = max(len(x) for x in [*levels, "level"])
    header = (f"{'node':<{id_width}}  {'name':<{name_width}}  {'level':<{level_width}}  "
              "score  evidence")
    when = f", {profile.date.isoformat()}" if profile.date else ""
    lines = [f"{profile.subject or '(no subject)'} — {model.name} {profile.model_version}"
             f"{when}", header, "-" * len(header)]
    for label, level, (_, r) in zip(labels, levels, rows, strict=True):
        name = r.name if len(r.name) <= name_width else r.name[: name_width - 1] + "…"
        c = r.counts
        lines.append(f"{label:<{id_width}}  {name:<{name_width}}  {level:<{level_width}}  "
                     f"{_score(r.score):>5}  {c.evidenced}/{c.total}")
    lines.append("")
    lines.append(f"overall: {overall_sentence(profile)}; {_evidence(profile)}")
    if profile.violations:
        lines.append(f"{len(profile.violations)} dependency violation(s):")
        lines.extend(f"  {v}" for v in profile.violations)
    if explain:
        lines.append("")
        lines.extend(profile.explain(r.node_id) for _, r in rows)
    return "\n".join(lines) + "\n"


def _markdown(model: MaturityModel, profile: Profile, *, explain: bool) -> str:
    title = f"{md_text(profile.subject or 'Profile')} — {md_text(model.name)} " + md_text(
        profile.model_version)
    lines = [f"## {title.rstrip()}", "",
             f"**Overall: {md_text(overall_sentence(profile))}**; {_evidence(profile)}", "",
             "| node | name | level | score | answered |", "|---|---|---|---:|---:|"]
    for depth, r in _rows(profile):
        indent = "&nbsp;&nbsp;" * depth
        lines.append(f"| {indent}{md_code(r.node_id)} | {md_cell(r.name)} | "
                     f"{md_cell(level_text(profile, r.level))} | {_score(r.score)} | "
                     f"{r.counts.evidenced}/{r.counts.total} |")
    if profile.violations:
        lines += ["", f"{len(profile.violations)} dependency violation(s):", ""]
        lines += [f"- {md_code(v.practice)} requires {md_code(v.requirement)}, which is not "
                  f"met ({md_text(', '.join(v.unmet))})" for v in profile.violations]
    if explain:
        lines.append("")
        for _, r in _rows(profile):
            lines.extend(["```text", profile.explain(r.node_id).replace("`", "'"), "```"])
    return "\n".join(lines) + "\n"


def _csv(profiles: Sequence[Profile], *, safe: bool) -> str:
    from maturity_model._cli_batch import StreamWriter

    buffer = io.StringIO()
    writer = StreamWriter(buffer, "csv", csv_safe=safe)
    for profile in profiles:
        writer.write(profile)
    return buffer.getvalue()


def profile_document(profile: Profile) -> dict[str, Any]:
    """The profile's document (each result with a ``level_name`` beside its ``level``)."""
    from maturity_model.serialization import profile_to_dict

    return profile_to_dict(profile)


def profile_from_document(doc: Any) -> Profile:
    """A profile from its document, also one written by ``maturity score --json``."""
    from maturity_model.serialization import profile_from_dict

    return profile_from_dict(doc)


def render_profiles(model: MaturityModel, profiles: Sequence[Profile], fmt: str, *,
                    explain: bool = False, csv_safe: bool = True) -> str:
    """Render profiles in one of the command line's formats.

    :param csv_safe: CSV text cells that a spreadsheet would run as a formula get a
        leading ``'``.
    """
    if fmt == "json":
        docs = [profile_document(p) for p in profiles]
        data = docs[0] if len(docs) == 1 else docs
        return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    if fmt == "csv":
        return _csv(profiles, safe=csv_safe)
    render = _markdown if fmt == "markdown" else _table
    return "\n".join(render(model, p, explain=explain) for p in profiles)
