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
from maturity_model._messages import translator
from maturity_model._phrases import level_text, overall_sentence
from maturity_model.languages import in_language
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


def _level(profile: Profile, value: int | None, lang: str | None = None) -> str:
    """``"2 (Foundation)"`` for a table cell; ``"-"`` when not assessed."""
    if value is None:
        return "-"
    name = profile.level_name(value, lang)
    return translator(lang).gettext("{value} ({name})").format(value=value, name=name) if (
        name) else str(value)


def _width(text: str) -> int:
    """Columns a text takes in a terminal: East Asian wide characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _cut(text: str, width: int) -> str:
    if _width(text) <= width:
        return text
    while _width(text) > width - 1:
        text = text[:-1]
    return text + "…"


def _rows(profile: Profile) -> list[tuple[int, Result]]:
    return [(_depth(profile, r), r) for r in profile]


def _evidence(profile: Profile, lang: str | None = None) -> str:
    c = profile.overall.counts
    return translator(lang).gettext(
        "{evidenced} of {total} practices answered ({unknown} unknown, {na} n/a)").format(
            evidenced=c.evidenced, total=c.total, unknown=c.unknown, na=c.na)


def _table(model: MaturityModel, profile: Profile, *, explain: bool,
           lang: str | None = None) -> str:
    t = translator(lang)
    rows = _rows(profile)
    labels = [("  " * depth) + r.node_id for depth, r in rows]
    levels = [_level(profile, r.level, lang) for _, r in rows]
    names = [in_language(r.name, lang) for _, r in rows]
    words = (t.gettext("node"), t.gettext("name"), t.gettext("level"))
    id_width = max(_width(x) for x in [*labels, words[0]])
    name_width = min(max(_width(x) for x in [*names, words[1]]), 48)
    level_width = max(_width(x) for x in [*levels, words[2]])
    header = (f"{_pad(words[0], id_width)}  {_pad(words[1], name_width)}  "
              f"{_pad(words[2], level_width)}  "
              + t.gettext("score  evidence"))
    when = f", {profile.date.isoformat()}" if profile.date else ""
    subject = profile.subject or t.gettext("(no subject)")
    lines = [f"{subject} — {in_language(model.name, lang)} {profile.model_version}{when}",
             header, "-" * _width(header)]
    for label, level, name, (_, r) in zip(labels, levels, names, rows, strict=True):
        c = r.counts
        lines.append(f"{_pad(label, id_width)}  {_pad(_cut(name, name_width), name_width)}  "
                     f"{_pad(level, level_width)}  {_score(r.score):>5}  "
                     f"{c.evidenced}/{c.total}")
    lines.append("")
    lines.append(t.gettext("overall: {sentence}; {evidence}").format(
        sentence=overall_sentence(profile, lang), evidence=_evidence(profile, lang)))
    if profile.violations:
        lines.append(t.gettext("{count} dependency violation(s):").format(
            count=len(profile.violations)))
        lines.extend(f"  {v}" for v in profile.violations)
    if explain:
        lines.append("")
        lines.extend(profile.explain(r.node_id, lang=lang) for _, r in rows)
    return "\n".join(lines) + "\n"


def _markdown(model: MaturityModel, profile: Profile, *, explain: bool,
              lang: str | None = None) -> str:
    t = translator(lang)
    title = (f"{md_text(profile.subject or t.gettext('Profile'))} — "
             f"{md_text(in_language(model.name, lang))} " + md_text(profile.model_version))
    overall = t.gettext("Overall: {sentence}").format(sentence=overall_sentence(profile, lang))
    lines = [f"## {title.rstrip()}", "",
             f"**{md_text(overall)}**; {md_text(_evidence(profile, lang))}", "",
             "| " + " | ".join(md_cell(w) for w in (
                 t.gettext("node"), t.gettext("name"), t.gettext("level"),
                 t.gettext("score"), t.gettext("answered"))) + " |",
             "|---|---|---|---:|---:|"]
    for depth, r in _rows(profile):
        indent = "&nbsp;&nbsp;" * depth
        lines.append(f"| {indent}{md_code(r.node_id)} | {md_cell(in_language(r.name, lang))} | "
                     f"{md_cell(level_text(profile, r.level, lang))} | {_score(r.score)} | "
                     f"{r.counts.evidenced}/{r.counts.total} |")
    if profile.violations:
        lines += ["", t.gettext("{count} dependency violation(s):").format(
            count=len(profile.violations)), ""]
        lines += [f"- {md_code(v.practice)} requires {md_code(v.requirement)}, which is not "
                  f"met ({md_text(', '.join(v.unmet))})" for v in profile.violations]
    if explain:
        lines.append("")
        for _, r in _rows(profile):
            lines.extend(["```text", profile.explain(r.node_id, lang=lang).replace("`", "'"),
                          "```"])
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
                    explain: bool = False, csv_safe: bool = True,
                    lang: str | None = None) -> str:
    """Render profiles in one of the command line's formats.

    :param csv_safe: CSV text cells that a spreadsheet would run as a formula get a
        leading ``'``.
    :param lang: the language of names and words in the table and Markdown (JSON keeps
        every language of a text, CSV the model's default).
    """
    if fmt == "json":
        docs = [profile_document(p) for p in profiles]
        data = docs[0] if len(docs) == 1 else docs
        return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    if fmt == "csv":
        return _csv(profiles, safe=csv_safe)
    render = _markdown if fmt == "markdown" else _table
    return "\n".join(render(model, p, explain=explain, lang=lang) for p in profiles)
