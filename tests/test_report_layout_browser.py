"""The HTML reports as a browser lays them out: nothing cut off, names in order, print pages.

A harness page (with a script; the reports themselves have none) loads a report in a frame
and writes what it measures into its own DOM, which ``chromium --dump-dom`` prints.
Needs Debian's chromium (``apt-get install -y chromium``); skipped when it is absent.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import maturity_model as mm
from maturity_model import standards
from maturity_model._report_html import _CSS
from maturity_model.report import portfolio_html, render_html
from tests.browser import chromium, needs_chromium

pytestmark = needs_chromium


def _measure(tmp_path: Path, page: str, script: str, *, width: int = 1200) -> Any:
    """Load ``page`` in a frame ``width`` px wide; ``script``, a function body over
    ``doc``, returns what to measure as JSON."""
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    harness = tmp_path / "harness.html"
    harness.write_text(
        f'<!DOCTYPE html><html><body><iframe id="f" src="page.html" width="{width}" '
        'height="900"></iframe><pre id="out">pending</pre><script>'
        "document.getElementById('f').onload = function () {"
        "  const doc = document.getElementById('f').contentDocument;"
        f"  const result = (function (doc) {{ {script} }})(doc);"
        "  document.getElementById('out').textContent = JSON.stringify(result);"
        "};</script></body></html>", encoding="utf-8")
    run = chromium(tmp_path, "--allow-file-access-from-files", "--virtual-time-budget=10000",
                    "--dump-dom", harness.as_uri())
    found = re.search(r'<pre id="out">(.*?)</pre>', run.stdout.decode("utf-8", "replace"),
                      re.DOTALL)
    assert found is not None and found.group(1) != "pending", run.stderr.decode()[-2000:]
    return json.loads(found.group(1).replace("&lt;", "<").replace("&gt;", ">")
                      .replace("&quot;", '"').replace("&amp;", "&"))


def test_portfolio_chart_legend_shows_long_part_names_whole(tmp_path: Path) -> None:
    parts = ("caict-devops-measurement", "caict-devops-system-tool", "cd")
    portfolio = mm.Portfolio([
        mm.Certificate(subject=f"bank-{i}", model=part, level=3, issuer="CAICT",
                       date=f"{2023 + i % 2}-05-0{1 + i}")
        for i, part in enumerate(parts)])
    overflow = _measure(tmp_path, portfolio_html(portfolio, by=("part", "year")), """
        const svg = doc.querySelector('figure svg');
        const right = svg.getBoundingClientRect().right;
        return [...svg.querySelectorAll('text')].map(
            t => [t.lastChild.textContent, t.getBoundingClientRect().right - right]);
    """)
    shown = dict(overflow)
    assert set(parts) <= set(shown)
    assert all(spill <= 0 for spill in shown.values()), shown


def test_right_to_left_model_and_subject_keep_their_order_in_the_heading(
        tmp_path: Path) -> None:
    model = mm.MaturityModel(
        id="rtl", version="1", name="أساسيات التسليم", scale=mm.LevelScale.of("a", "b"),
        domains=[mm.Domain(id="d", items=[mm.CapabilityItem(id="i", practices=[
            mm.Practice(id="i.1", level=1, text="x")])])])
    profile = mm.score(model, mm.Assessment(model="rtl", subject="فريق المدفوعات",
                                            answers={"i.1": True}))
    found = _measure(tmp_path, render_html(model, profile), """
        const h1 = doc.querySelector('h1');
        const at = (text) => {
            const node = [...h1.querySelectorAll('*')].find(e => e.textContent === text);
            return node ? node.getBoundingClientRect().left : null;
        };
        return {model: at('أساسيات التسليم'), subject: at('فريق المدفوعات'),
                title: doc.title};
    """)
    # The page reads left to right: "Maturity report: MODEL — SUBJECT".
    assert found["model"] is not None and found["subject"] is not None
    assert found["model"] < found["subject"]
    assert found["title"] == "Maturity report: \u2068أساسيات التسليم\u2069 — \u2068فريق المدفوعات\u2069"


def _pdf_pages(tmp_path: Path, name: str, page: str) -> int:
    source = tmp_path / f"{name}.html"
    source.write_text(page, encoding="utf-8")
    pdf = tmp_path / f"{name}.pdf"
    run = chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
                    source.as_uri())
    assert pdf.is_file(), run.stderr.decode(errors="replace")[-2000:]
    return len(re.findall(rb"/Type\s*/Page\b", pdf.read_bytes()))


def test_printed_report_lets_long_tables_run_on_instead_of_leaving_pages_blank(
        tmp_path: Path) -> None:
    model = standards.load("caict-devops-cd")
    page = render_html(model, mm.score(model, standards.example_assessment("caict-devops-cd")),
                       target=4)
    # The same page with every table kept whole, as the print style once asked.
    whole = page.replace(_CSS, _CSS + "@media print { table { break-inside: avoid; } }")
    assert _pdf_pages(tmp_path, "report", page) < _pdf_pages(tmp_path, "whole", whole)


def test_print_style_repeats_table_headers_and_keeps_headings_with_their_text() -> None:
    print_rules = _CSS[_CSS.index("@media print"):]
    assert "thead { display: table-header-group; }" in print_rules
    assert "h2, h3 { break-after: avoid; }" in print_rules
    assert not re.search(r"(^|[\s,])table[\s,][^{]*\{[^}]*break-inside: avoid", print_rules)


def test_report_on_a_phone_scrolls_tables_not_the_page(tmp_path: Path) -> None:
    model = standards.load("caict-devops-cd")
    page = render_html(model, mm.score(model, standards.example_assessment("caict-devops-cd")),
                       target=3, lang="zh")
    found = _measure(tmp_path, page, """
        const root = doc.documentElement;
        const heads = [...doc.querySelectorAll('th')].map(th => th.getBoundingClientRect().height);
        return {page: root.scrollWidth - root.clientWidth, tallest_header: Math.max(...heads),
                svg: Math.max(...[...doc.querySelectorAll('svg')].map(
                    s => s.getBoundingClientRect().right - root.clientWidth))};
    """, width=420)
    assert found["page"] <= 0, found
    assert found["svg"] <= 0, found
    assert found["tallest_header"] < 40, found  # one line: headers are not squeezed to a column


def test_dates_in_report_tables_stay_on_one_line(tmp_path: Path) -> None:
    portfolio = mm.Portfolio.load(Path(__file__).resolve().parents[1]
                                  / "docs/examples/portfolio.csv")
    lines = _measure(tmp_path, portfolio_html(portfolio), r"""
        return [...doc.querySelectorAll('td')]
            .filter(td => /^\d{4}-\d{2}-\d{2}$/.test(td.textContent))
            .map(td => {
                const range = doc.createRange();
                range.selectNodeContents(td);
                return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
            });
    """, width=800)
    assert lines and set(lines) == {1}, lines
