"""``maturity portfolio`` and ``maturity schema portfolio``; the portfolio report and chart."""

from __future__ import annotations

import csv
import datetime
import io
import json
from pathlib import Path

import pytest

import maturity_model as mm
from maturity_model.report import portfolio_html, portfolio_markdown, write_portfolio_report
from tests.cli_run import run

EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "examples" / "portfolio.csv"


def test_the_default_table_counts_by_part(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "portfolio", EXAMPLE)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "part                      count",
        "caict-bizdevops               2",
        "caict-devops-cd               9",
        "caict-devops-measurement      1",
        "caict-devops-srm              4",
        "caict-devops-system-tool      9",
        "total                        25",
    ]


def test_json_counts_by_kind_and_year(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "portfolio", EXAMPLE, "--by", "kind,year", "--json")
    doc = json.loads(out)
    assert code == 0
    assert (doc["by"], doc["total"], doc["as_of"]) == (["kind", "year"], 25, None)
    assert {"kind": "joint-stock-bank", "year": 2024, "count": 16} in doc["counts"]
    assert sum(r["count"] for r in doc["counts"]) == 25


def test_csv_counts_and_formula_cells_are_quoted(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "p.csv"
    source.write_text("subject,model,level,date,issuer\n=cmd,cd,3,2024-01-02,x\n",
                      encoding="utf-8")
    code, out, _ = run(capsys, "portfolio", source, "--by", "subject,year", "--format", "csv")
    assert code == 0
    assert list(csv.reader(io.StringIO(out))) == [["subject", "year", "count"],
                                                  ["'=cmd", "2024", "1"]]


def test_as_of_counts_only_current_certificates(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "portfolio", EXAMPLE, "--by", "part", "--as-of", "2023-12-31",
                       "--json")
    doc = json.loads(out)
    assert code == 0
    # 2022-2023 certificates, none lapsed by the end of 2023
    assert {r["part"]: r["count"] for r in doc["counts"]} == {"caict-devops-cd": 4,
                                                               "caict-devops-srm": 2}
    assert doc["as_of"] == "2023-12-31"


def test_lapsing_before_lists_certificates_to_renew(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "portfolio", EXAMPLE, "--lapsing-before", "2026-07-01",
                       "--as-of", "2026-01-01", "--json")
    doc = json.loads(out)
    assert code == 0
    assert [(c["subject"], c["model"], c["expires"]) for c in doc["lapsing"]] == [
        ("east-state-bank", "caict-devops-srm", "2026-05-15"),
        ("harbour-bank", "caict-devops-srm", "2026-06-01")]
    code, out, _ = run(capsys, "portfolio", EXAMPLE, "--lapsing-before", "2026-07-01",
                       "--as-of", "2026-01-01")
    assert out.splitlines()[-3:] == [
        "lapsing before 2026-07-01:",
        "  2026-05-15  east-state-bank (payments)  caict-devops-srm level 4",
        "  2026-06-01  harbour-bank (core-payments)  caict-devops-srm level 3"]


@pytest.mark.parametrize(("name", "first"), [("report.md", "# Certificate portfolio"),
                                             ("report.html", "<!DOCTYPE html>")])
def test_the_report_format_follows_the_output_suffix(
        name: str, first: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_path = tmp_path / name
    code, out, _ = run(capsys, "portfolio", EXAMPLE, "--by", "part,year", "-o", out_path)
    assert (code, out) == (0, "")
    assert out_path.read_text(encoding="utf-8").startswith(first)


def test_an_unknown_by_name_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "portfolio", EXAMPLE, "--by", "part,colour", "--json")
    assert code == 2
    assert err.startswith(f"maturity: error: {EXAMPLE}: --by:")
    assert json.loads(out)["problems"][0]["code"] == "usage"


@pytest.mark.parametrize("option", ["--as-of", "--lapsing-before"])
def test_a_bad_date_is_a_usage_error(option: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "portfolio", EXAMPLE, option, "2024-02-30")
    assert code == 2
    assert err.startswith(f"maturity: error: {EXAMPLE}: {option}")


def test_bad_rows_are_problems_of_the_file(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "p.csv"
    source.write_text("subject,model,level,date,issuer\na,cd,x,2024-01-02,i\n"
                      "b,cd,3,2024-13-02,i\n", encoding="utf-8")
    code, out, err = run(capsys, "portfolio", source, "--json")
    assert code == 1
    assert [line.split(": $")[0] for line in err.splitlines()] == [
        f"maturity: error: {source}"] * 2
    doc = json.loads(out)
    assert [(p["code"], p["path"], p["file"]) for p in doc["problems"]] == [
        ("invalid-value", "$.certificates[0].level", str(source)),
        ("invalid-value", "$.certificates[1].date", str(source))]


def test_a_missing_file_is_a_usage_error(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "portfolio", tmp_path / "none.csv")
    assert code == 2
    assert err == f"maturity: error: {tmp_path / 'none.csv'}: no such file\n"


def test_the_output_may_not_replace_the_input(capsys: pytest.CaptureFixture[str],
                                              tmp_path: Path) -> None:
    source = tmp_path / "p.csv"
    source.write_bytes(EXAMPLE.read_bytes())
    code, _, _ = run(capsys, "portfolio", source, "--format", "csv", "-o", source)
    assert code == 2
    assert source.read_bytes() == EXAMPLE.read_bytes()


def test_schema_portfolio_prints_the_portfolio_schema(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schema", "portfolio")
    assert code == 0
    assert json.loads(out)["properties"]["format"] == {"const": "maturity-portfolio/1"}


# --------------------------------------------------------------------------- report, chart


def test_the_markdown_report_is_a_cross_table_with_totals() -> None:
    text = portfolio_markdown(mm.Portfolio.load(EXAMPLE).where(subject="harbour-bank"),
                              ["part", "year"])
    assert "| part / year | 2022 | 2023 | 2024 | Total |" in text
    assert "| caict-devops-system-tool | 0 | 0 | 8 | 8 |" in text
    assert "| Total | 1 | 1 | 16 | 18 |" in text


def test_the_html_report_escapes_file_text_and_draws_the_stacked_chart() -> None:
    p = mm.Portfolio([mm.Certificate(subject="<script>x</script>", model="<b>cd</b>",
                                     level=3, date="2024-01-02", issuer="i")])
    page = portfolio_html(p, ["part", "year"])
    assert "<script>" not in page and "<b>cd" not in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page
    assert page.count("<rect") == 2  # one segment, one legend swatch


def test_the_report_lists_what_lapses(tmp_path: Path) -> None:
    path = write_portfolio_report(tmp_path / "r.md", mm.Portfolio.load(EXAMPLE), "part",
                                  lapsing_before=datetime.date(2025, 12, 31))
    text = path.read_text(encoding="utf-8")
    lapsing = text.split("## Lapsing before 2025-12-31")[1]
    assert "| east-state-bank | payments | caict-devops-cd | 2021 | 4 |" in lapsing
    assert lapsing.count("\n| ") == 2  # header and one certificate


def test_the_portfolio_chart_stacks_parts_per_year() -> None:
    pytest.importorskip("matplotlib")
    from maturity_model.plots import portfolio_chart

    ax = portfolio_chart(mm.Portfolio.load(EXAMPLE))
    heights = {c.get_label(): [round(bar.get_height()) for bar in c] for c in ax.containers}
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2022", "2023", "2024"]
    assert heights["caict-devops-cd"] == [2, 2, 5]
    assert heights["caict-devops-system-tool"] == [0, 0, 9]
    assert [sum(col) for col in zip(*heights.values(), strict=True)] == [2, 4, 19]


def test_the_report_says_latest_without_a_date_and_current_with_one() -> None:
    p = mm.Portfolio.load(EXAMPLE)
    assert "## Latest certificate of each subject, project and part" in portfolio_markdown(p)
    dated = portfolio_markdown(p, as_of=datetime.date(2023, 12, 31))
    section = dated.split("## Current certificates on 2023-12-31")[1]
    assert section.count("| CAICT |") == 6
