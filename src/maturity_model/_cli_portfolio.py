"""``maturity portfolio``: count a portfolio's certificates as published statistics do.

``maturity portfolio FILE --by part,year`` reads a portfolio (CSV, or a
``maturity-portfolio/1`` YAML / JSON / TOML document) and prints how many certificates
share each combination of the ``--by`` fields: a text table, Markdown or HTML (the
portfolio report), CSV or JSON. ``--as-of DATE`` counts the certificates current on that
day only; ``--lapsing-before DATE`` adds the current certificates that expire before it.
Bad rows are problems of the file (exit 1); an unknown ``--by`` name or a bad date is a
usage error (exit 2).
"""

from __future__ import annotations

import argparse
import csv
import datetime
import io
import sys
from typing import TYPE_CHECKING, Any, Final

from maturity_model._certificate import COUNT_FIELDS, parse_date
from maturity_model._cli_common import (
    EXIT_OK,
    UsageError,
    output_format,
    print_json,
    read_file,
)
from maturity_model._csv_cells import csv_row
from maturity_model._report_portfolio import cell_text, portfolio_html, portfolio_markdown

if TYPE_CHECKING:
    from maturity_model.portfolio import Certificate, CountTable, Portfolio

__all__ = ["add_parser", "cmd_portfolio"]

FORMATS: Final = ("table", "markdown", "csv", "html", "json")
def add_parser(sub: Any) -> None:
    """Register ``maturity portfolio`` on the command's sub-parsers."""
    p = sub.add_parser("portfolio", help="count certificates by part, year, level or tag")
    p.add_argument("file", metavar="FILE",
                   help="a portfolio: CSV, or a maturity-portfolio/1 YAML/JSON/TOML file")
    p.add_argument("--by", metavar="FIELDS", default="part",
                   help="fields or tags to count by, comma-separated (default: part; "
                        "e.g. part,year or kind,year)")
    p.add_argument("--format", choices=FORMATS,
                   help="output format (default: from -o's suffix, else table)")
    p.add_argument("--as-of", metavar="DATE",
                   help="count only the certificates current on DATE (YYYY-MM-DD)")
    p.add_argument("--lapsing-before", metavar="DATE",
                   help="also list the current certificates that expire before DATE")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="write to FILE (atomically) instead of standard output")
    p.add_argument("--json", action="store_true", help="same as --format json")
    p.set_defaults(func=cmd_portfolio)


def _date(value: str | None, option: str, file: str) -> datetime.date | None:
    if value is None:
        return None
    day = parse_date(value)
    if day is None:
        raise UsageError(f"{option} must be a date (YYYY-MM-DD), not {value!r}", file=file)
    return day


def _json_value(value: object) -> object:
    return value.isoformat() if isinstance(value, datetime.date) else value


def _certificate_record(c: Certificate) -> dict[str, Any]:
    record = c.to_record()
    return {k: _json_value(v) for k, v in record.items()}


def _text_table(counts: CountTable) -> str:
    header = [*counts.by, "count"]
    rows = [[*(cell_text(r[name]) for name in counts.by), str(r["count"])]
            for r in counts.to_records()]
    rows.append(["total", *[""] * (len(counts.by) - 1), str(counts.total)]
                if counts.by else [str(counts.total)])
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(cell.rjust(w) if i == len(header) - 1 else cell.ljust(w)
                       for i, (cell, w) in enumerate(zip(row, widths, strict=True))).rstrip()
             for row in [header, *rows]]
    return "\n".join(lines) + "\n"


def _lapsing_lines(lapsing: tuple[Certificate, ...], before: datetime.date) -> str:
    if not lapsing:
        return f"\nnothing lapses before {before.isoformat()}\n"
    lines = [f"\nlapsing before {before.isoformat()}:"]
    lines += [f"  {c.expires}  {c.subject}" + (f" ({c.project})" if c.project else "")
              + f"  {c.part} level {c.level}" for c in lapsing]
    return "\n".join(lines) + "\n"


def _csv(counts: CountTable) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(csv_row([*counts.by, "count"]))
    for record in counts.to_records():
        writer.writerow(csv_row([_json_value(v) for v in record.values()]))
    return out.getvalue()


def _render(fmt: str, portfolio: Portfolio, counted: Portfolio, args: argparse.Namespace,
            by: tuple[str, ...], as_of: datetime.date | None,
            before: datetime.date | None) -> str:
    counts = counted.counts(by=by)
    lapsing = None if before is None else portfolio.lapsing(before, as_of=as_of)
    if fmt == "markdown":
        return portfolio_markdown(counted, by, as_of=as_of, lapsing_before=before)
    if fmt == "html":
        return portfolio_html(counted, by, as_of=as_of, lapsing_before=before)
    if fmt == "csv":
        return _csv(counts)
    if fmt == "json":
        import json

        doc: dict[str, Any] = {
            "file": args.file, "by": list(by), "as_of": _json_value(as_of),
            "total": counts.total,
            "counts": [{k: _json_value(v) for k, v in r.items()} for r in counts.to_records()]}
        if lapsing is not None:
            doc["lapsing_before"] = _json_value(before)
            doc["lapsing"] = [_certificate_record(c) for c in lapsing]
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    text = _text_table(counts)
    if lapsing is not None and before is not None:
        text += _lapsing_lines(lapsing, before)
    return text


def cmd_portfolio(args: argparse.Namespace) -> int:
    """Run ``maturity portfolio``."""
    from maturity_model.portfolio import Portfolio

    portfolio = read_file(Portfolio.load, args.file)
    by = tuple(name.strip() for name in args.by.split(",") if name.strip())
    if not by:
        raise UsageError("--by needs at least one field or tag name", file=args.file)
    as_of = _date(args.as_of, "--as-of", args.file)
    before = _date(args.lapsing_before, "--lapsing-before", args.file)
    fmt = "json" if args.json else args.format
    if fmt is None:
        fmt = output_format(args.output, ("table", "markdown", "csv", "html", "json"),
                            "table")
    unknown = [name for name in by if name not in COUNT_FIELDS
               and name not in portfolio.tag_names]
    if unknown and len(portfolio):
        tags = ", ".join(sorted(portfolio.tag_names)) or "none"
        raise UsageError(f"--by: no certificate has a field or tag {unknown[0]!r} (fields: "
                         f"{', '.join(sorted(COUNT_FIELDS))}; tags: {tags})", file=args.file)
    counted = portfolio if as_of is None else portfolio.current(as_of)
    text = _render(fmt, portfolio, counted, args, by, as_of, before)
    if args.output:
        from maturity_model._writing import write_atomic

        write_atomic(args.output, text)
        if args.json:
            print_json({"output": args.output, "total": counted.counts(by=by).total})
    else:
        sys.stdout.write(text)
    return EXIT_OK
