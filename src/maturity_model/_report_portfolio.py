"""The portfolio report: counts of certificates as published statistics show them.

One content builder (:func:`portfolio_content`) decides what the report says; the HTML
and Markdown renderers only lay it out. With two ``by`` fields the counts are a cross
table (the first field down, the second across, with totals), and the HTML page adds a
stacked bar chart of it; with one or three and more they are a list. The current
certificates follow, and, when asked, the ones that lapse before a date. Every text from
the portfolio file is escaped by :mod:`maturity_model._escape`.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final

import attrs

from maturity_model._escape import html_text as _e
from maturity_model._escape import md_cell
from maturity_model._report_content import html_cell_text, text_width, truncate
from maturity_model._report_html import _CSS, _table

if TYPE_CHECKING:
    from maturity_model.portfolio import Certificate, CountTable, Portfolio

__all__ = ["cell_text", "portfolio_content", "portfolio_html", "portfolio_markdown"]

#: How a missing value (a certificate without the tag) is shown.
MISSING: Final = "—"
CERTIFICATE_HEADERS: Final = ("Subject", "Project", "Part", "Version", "Level", "Grade",
                              "Issued", "Expires", "Issuer")
_PALETTE: Final = ("#1f5fa8", "#e07b39", "#2e9e5b", "#b04a8f", "#8a6d3b", "#5b6775",
                   "#c9a227", "#3aa6b9")


def cell_text(value: object) -> str:
    """A counted value as text: dates in ISO form, a missing value as a dash.

    >>> cell_text(None), cell_text(datetime.date(2024, 1, 2)), cell_text(3)
    ('—', '2024-01-02', '3')
    """
    if value is None:
        return MISSING
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


@attrs.frozen(kw_only=True)
class Cross:
    """Counts of two fields as a cross table: ``rows`` down, ``columns`` across."""

    row_field: str
    column_field: str
    rows: tuple[Any, ...]
    columns: tuple[Any, ...]
    cells: tuple[tuple[int, ...], ...]

    def row_totals(self) -> tuple[int, ...]:
        return tuple(sum(r) for r in self.cells)

    def column_totals(self) -> tuple[int, ...]:
        return tuple(sum(r[j] for r in self.cells) for j in range(len(self.columns)))


@attrs.frozen(kw_only=True)
class PortfolioContent:
    """What the portfolio report says, before it is laid out."""

    title: str
    summary: str
    counts: CountTable
    cross: Cross | None
    current: tuple[Certificate, ...]
    as_of: datetime.date | None
    lapsing: tuple[Certificate, ...] | None
    lapsing_before: datetime.date | None


def _cross(counts: CountTable) -> Cross | None:
    if len(counts.by) != 2:
        return None
    found = dict(counts.rows)
    rows = tuple(dict.fromkeys(k[0] for k in found))
    columns = tuple(sorted({k[1] for k in found}, key=lambda v: (v is None, str(v))))
    cells = tuple(tuple(found.get((r, c), 0) for c in columns) for r in rows)
    return Cross(row_field=counts.by[0], column_field=counts.by[1], rows=rows,
                 columns=columns, cells=cells)


def _summary(portfolio: Portfolio) -> str:
    n = len(portfolio)
    subjects = len({c.subject for c in portfolio})
    parts = len({c.part for c in portfolio})
    years = sorted({c.year for c in portfolio})
    span = "" if not years else (f", issued in {years[0]}" if len(years) == 1
                                 else f", issued {years[0]}–{years[-1]}")
    return (f"{n} certificate{'s' if n != 1 else ''} of {subjects} "
            f"subject{'s' if subjects != 1 else ''} in {parts} part{'s' if parts != 1 else ''}"
            f"{span}.")


def portfolio_content(portfolio: Portfolio, by: str | Sequence[str] = ("part", "year"), *,
                      as_of: datetime.date | None = None,
                      lapsing_before: datetime.date | None = None,
                      title: str = "Certificate portfolio") -> PortfolioContent:
    """What the report of ``portfolio`` says: counts ``by`` these fields, current ones.

    :raises ValidationError: a ``by`` name is neither a field nor a tag.
    """
    counts = portfolio.counts(by=by)
    return PortfolioContent(
        title=title, summary=_summary(portfolio), counts=counts, cross=_cross(counts),
        current=portfolio.current(as_of).certificates, as_of=as_of,
        lapsing=None if lapsing_before is None else portfolio.lapsing(lapsing_before,
                                                                      as_of=as_of),
        lapsing_before=lapsing_before)


def _certificate_cells(c: Certificate) -> tuple[str, ...]:
    return (c.subject, cell_text(c.project), c.part, c.model_version or MISSING,
            str(c.level), c.grade or MISSING, c.date.isoformat(), cell_text(c.expires),
            c.issuer)


def _current_heading(c: PortfolioContent) -> str:
    # Without a date nothing can be said about expiry: the latest ones, expired or not.
    return ("Latest certificate of each subject, project and part" if c.as_of is None
            else f"Current certificates on {c.as_of.isoformat()}")


# --------------------------------------------------------------------------- Markdown


def _md_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(md_cell(h) for h in headers) + " |",
             "|" + "---|" * len(headers)]
    lines.extend("| " + " | ".join(md_cell(cell) for cell in row) + " |" for row in rows)
    return "\n".join(lines)


def _md_counts(c: PortfolioContent) -> str:
    x = c.cross
    if x is not None:
        rows = [[cell_text(r), *map(str, cells), str(total)]
                for r, cells, total in zip(x.rows, x.cells, x.row_totals(), strict=True)]
        rows.append(["Total", *map(str, x.column_totals()), str(c.counts.total)])
        return _md_table([f"{x.row_field} / {x.column_field}", *map(cell_text, x.columns),
                          "Total"], rows)
    by = c.counts.by
    rows = [[*(cell_text(r[name]) for name in by), str(r["count"])]
            for r in c.counts.to_records()]
    if by:
        rows.append(["Total", *[""] * (len(by) - 1), str(c.counts.total)])
    return _md_table([*by, "count"], rows)


def portfolio_markdown(portfolio: Portfolio, by: str | Sequence[str] = ("part", "year"), *,
                       as_of: datetime.date | None = None,
                       lapsing_before: datetime.date | None = None) -> str:
    """The portfolio report as Markdown: a summary, the counts, the latest certificates.

    >>> import maturity_model as mm
    >>> p = mm.Portfolio([mm.Certificate(subject="a|b", model="cd", level=3,
    ...                                  date="2024-03-01", issuer="x")])
    >>> print(portfolio_markdown(p, by=["part"]).splitlines()[6:10])
    ['| part | count |', '|---|---|', '| cd | 1 |', '| Total | 1 |']
    """
    c = portfolio_content(portfolio, by, as_of=as_of, lapsing_before=lapsing_before)
    parts = [f"# {c.title}", "", md_cell(c.summary), "",
             f"## Certificates by {', '.join(c.counts.by) or 'nothing'}", "", _md_counts(c),
             "", f"## {_current_heading(c)}", "",
             _md_table(CERTIFICATE_HEADERS, [_certificate_cells(x) for x in c.current])]
    if c.lapsing is not None and c.lapsing_before is not None:
        parts += ["", f"## Lapsing before {c.lapsing_before.isoformat()}", "",
                  _md_table(CERTIFICATE_HEADERS, [_certificate_cells(x) for x in c.lapsing])
                  if c.lapsing else "Nothing lapses before then."]
    return "\n".join(parts) + "\n"


# --------------------------------------------------------------------------- HTML


def stacked_svg(x: Cross, *, width: int = 560, height: int = 300) -> str:
    """An inline SVG of the cross table: a bar per column value, stacked by row value.

    ``width`` holds a legend of 150 px; longer row names widen the chart, never cut.

    >>> x = Cross(row_field="part", column_field="year", rows=("cd", "<s>"),
    ...           columns=(2023, 2024), cells=((1, 4), (0, 2)))
    >>> svg = stacked_svg(x)
    >>> svg.count("<rect"), "&lt;s&gt;" in svg
    (5, True)
    >>> 'width="560"' in stacked_svg(attrs.evolve(x, rows=("caict-devops-system-tool", "x")))
    False
    """
    left, bottom, top_pad = 40, 30, 18
    plot_w, plot_h = width - left - 150, height - bottom - top_pad
    # The legend is as wide as its longest label, so that no name is cut off.
    labels = [truncate(cell_text(row), 48) for row in x.rows]
    legend = max(150, 26 + round(max((text_width(t, 11) for t in labels), default=0)) + 6)
    width = left + plot_w + legend
    totals = x.column_totals()
    top = max(totals, default=0) or 1
    step = plot_w / max(len(x.columns), 1)
    bar_w = step * 0.6
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" role="img" aria-label="counts by '
           f'{_e(x.column_field)} and {_e(x.row_field)}">']
    base_y = top_pad + plot_h
    out.append(f'<line x1="{left}" y1="{base_y}" x2="{left + plot_w}" y2="{base_y}" '
               'stroke="#5b6775"/>')
    for j, column in enumerate(x.columns):
        cx = left + step * j + (step - bar_w) / 2
        y = float(base_y)
        for i in range(len(x.rows)):
            n = x.cells[i][j]
            if n == 0:
                continue
            h = plot_h * n / top
            y -= h
            out.append(f'<rect x="{cx:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                       f'fill="{_PALETTE[i % len(_PALETTE)]}"><title>{_e(cell_text(x.rows[i]))}'
                       f", {_e(cell_text(column))}: {n}</title></rect>")
        out.append(f'<text x="{cx + bar_w / 2:.1f}" y="{y - 3:.1f}" font-size="11" '
                   f'text-anchor="middle">{totals[j]}</text>')
        out.append(f'<text x="{cx + bar_w / 2:.1f}" y="{base_y + 16}" font-size="11" '
                   f'text-anchor="middle">{_e(cell_text(column))}</text>')
    for i, row in enumerate(x.rows):
        ly = top_pad + 16 * i
        out.append(f'<rect x="{left + plot_w + 12}" y="{ly}" width="10" height="10" '
                   f'fill="{_PALETTE[i % len(_PALETTE)]}"/>')
        out.append(f'<text x="{left + plot_w + 26}" y="{ly + 9}" font-size="11">'
                   f"<title>{_e(cell_text(row))}</title>{_e(labels[i])}</text>")
    out.append("</svg>")
    return "".join(out)


def _html_counts(c: PortfolioContent) -> str:
    x = c.cross
    if x is not None:
        headers = [f"{x.row_field} / {x.column_field}", *map(cell_text, x.columns), "Total"]
        rows = [[_e(cell_text(r)), *map(str, cells), str(total)]
                for r, cells, total in zip(x.rows, x.cells, x.row_totals(), strict=True)]
        rows.append(["<strong>Total</strong>", *map(str, x.column_totals()),
                     f"<strong>{c.counts.total}</strong>"])
        table = _table(headers, rows, numeric=range(1, len(headers)))
        return (f"{table}<figure>{stacked_svg(x)}<figcaption>Certificates per "
                f"{_e(x.column_field)}, stacked by {_e(x.row_field)}</figcaption></figure>")
    records = c.counts.to_records()
    rows = [[*(_e(cell_text(r[name])) for name in c.counts.by), str(r["count"])]
            for r in records]
    if c.counts.by:
        rows.append(["<strong>Total</strong>", *[""] * (len(c.counts.by) - 1),
                     f"<strong>{c.counts.total}</strong>"])
    return _table([*c.counts.by, "count"], rows, numeric=(len(c.counts.by),))


def _html_certificates(certificates: Sequence[Certificate]) -> str:
    return _table(CERTIFICATE_HEADERS,
                  [[html_cell_text(cell) for cell in _certificate_cells(x)]
                   for x in certificates],
                  numeric=(4,))


def portfolio_html(portfolio: Portfolio, by: str | Sequence[str] = ("part", "year"), *,
                   as_of: datetime.date | None = None,
                   lapsing_before: datetime.date | None = None) -> str:
    """The portfolio report as one self-contained HTML page (no script, inline CSS/SVG).

    >>> import maturity_model as mm
    >>> p = mm.Portfolio([mm.Certificate(subject="<a>", model="cd", level=3,
    ...                                  date="2024-03-01", issuer="x")])
    >>> page = portfolio_html(p)
    >>> "&lt;a&gt;" in page, "<a>" in page, "<svg" in page
    (True, False, True)
    """
    c = portfolio_content(portfolio, by, as_of=as_of, lapsing_before=lapsing_before)
    body = [f"<h1>{_e(c.title)}</h1>", f'<p class="meta">{_e(c.summary)}</p>',
            f"<h2>Certificates by {_e(', '.join(c.counts.by) or 'nothing')}</h2>",
            _html_counts(c), f"<h2>{_e(_current_heading(c))}</h2>",
            _html_certificates(c.current)]
    if c.lapsing is not None and c.lapsing_before is not None:
        body.append(f"<h2>Lapsing before {_e(c.lapsing_before.isoformat())}</h2>")
        body.append(_html_certificates(c.lapsing) if c.lapsing
                    else "<p>Nothing lapses before then.</p>")
    body.append("<footer>Generated by maturity_model.</footer>")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "style-src 'unsafe-inline'; img-src data:\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{_e(c.title)}</title><style>{_CSS}</style></head><body>"
            + "\n".join(body) + "</body></html>\n")
