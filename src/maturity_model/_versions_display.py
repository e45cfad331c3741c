"""HTML and Markdown for model diffs and migration reports (display; see ``versions``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from maturity_model._escape import html_text, md_cell, md_code, md_text

if TYPE_CHECKING:
    from maturity_model.versions import ModelDiff

__all__ = ["model_diff_html", "model_diff_markdown"]

#: Notebooks show at most this many changes; the summary counts them all.
HTML_ROWS: Final = 200

_TD: Final = '<td style="padding:2px 8px;border-top:1px solid #e5e7eb;text-align:left">{}</td>'
_TH: Final = '<th style="padding:2px 8px;text-align:left">{}</th>'
_COLUMNS: Final = ("Change", "Node", "Old", "New", "Detail")


def _heading(diff: ModelDiff) -> str:
    return (f"{diff.old_model} {diff.old_version or '?'} → "
            f"{diff.new_model} {diff.new_version or '?'}")


def _counts(diff: ModelDiff) -> str:
    return ", ".join(f"{n} {k}" for k, n in diff.summary().items()) or "no changes"


def model_diff_html(diff: ModelDiff) -> str:
    """A model diff as a notebook shows it: the counts, then a table of the changes."""
    rows = []
    for change in diff.changes[:HTML_ROWS]:
        cells = (change.kind, change.node, change.old_id or "—", change.new_id or "—",
                 change.detail)
        rows.append("<tr>" + "".join(_TD.format(html_text(c)) for c in cells) + "</tr>")
    more = ""
    if len(diff.changes) > HTML_ROWS:
        more = (f'<tr><td colspan="{len(_COLUMNS)}" style="padding:2px 8px;color:#6b7280">'
                f"… {len(diff.changes) - HTML_ROWS} more changes not shown</td></tr>")
    head = "<tr>" + "".join(_TH.format(c) for c in _COLUMNS) + "</tr>"
    return ('<div style="font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;'
            f'line-height:1.4"><p><b>{html_text(_heading(diff))}</b><br>'
            f"{html_text(_counts(diff))}</p>"
            '<table style="border-collapse:collapse;font-size:12px">'
            f"{head}{''.join(rows)}{more}</table></div>")


def model_diff_markdown(diff: ModelDiff) -> str:
    """A model diff as Markdown: a heading, the counts, a table of every change."""
    lines = [f"# {md_text(_heading(diff))}", "", md_text(_counts(diff)), ""]
    if diff.changes:
        lines += ["| " + " | ".join(_COLUMNS) + " |", "|" + "---|" * len(_COLUMNS)]
        for change in diff.changes:
            lines.append("| " + " | ".join([
                change.kind, change.node,
                md_code(change.old_id) if change.old_id else "—",
                md_code(change.new_id) if change.new_id else "—",
                md_cell(change.detail)]) + " |")
    return "\n".join(lines) + "\n"
