"""Reports and frames show the notes and evidence of answers; only web links are clickable."""

from __future__ import annotations

import datetime

import pytest

import maturity_model as mm
from maturity_model.report import render_html, render_markdown

MODEL = mm.MaturityModel(id="m", domains=[mm.Domain(id="d", items=[mm.CapabilityItem(
    id="i", practices=[mm.Practice(id="p1", level=1), mm.Practice(id="p2", level=1),
                       mm.Practice(id="p3", level=1, evidence="required")])])])
ASSESSMENT = mm.Assessment(model="m", subject="t", answers={"p1": True, "p2": 0.5, "p3": True},
                           details={
    "p1": mm.AnswerDetail(note="a|b <i>", evidence=[
        mm.EvidenceRecord(title="CI [main]", url="https://ci.example.com/a_(b)",
                          date=datetime.date(2026, 10, 1), reviewer="ann"),
        mm.EvidenceRecord(title="Trick", url="javascript:alert(1)"),
        mm.EvidenceRecord(title="Minutes", path="audits/m.pdf")])})
PROFILE = mm.score(MODEL, ASSESSMENT)


def test_the_markdown_report_has_an_evidence_table_with_escaped_links() -> None:
    text = render_markdown(MODEL, PROFILE)
    section = text.split("## Evidence", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    assert rows == [
        "| `p1` | `i` | met | a\\|b &lt;i&gt; | [CI \\[main\\]](https://ci.example.com/a_%28b%29)"
        " (2026-10-01, ann); Trick: javascript:alert(1); Minutes: audits/m.pdf |",
        "| `p3` | `i` | unknown (evidence missing) |  |  |"]


def test_the_html_report_links_only_web_urls() -> None:
    page = render_html(MODEL, PROFILE)
    section = page.split("<h2>Evidence</h2>", 1)[1].split("<h2>", 1)[0]
    assert ('<a href="https://ci.example.com/a_(b)" rel="noopener noreferrer">CI [main]</a>'
            " (2026-10-01, ann)") in section
    assert "Trick: javascript:alert(1)" in section and 'href="javascript' not in page
    assert "a|b &lt;i&gt;" in section
    assert "unknown (evidence missing)" in section


def test_a_report_without_notes_or_evidence_has_no_evidence_section() -> None:
    plain = mm.score(MODEL, mm.Assessment(model="m", answers={"p1": True}))
    assert "Evidence</h2>" not in render_html(MODEL, plain)
    assert "## Evidence" not in render_markdown(MODEL, plain)


def test_practice_records_carry_notes_evidence_and_gaps() -> None:
    records = {r["practice_id"]: r for r in PROFILE.practice_records()}
    assert records["p1"]["evidence"] == 3
    assert records["p1"]["evidence_links"] == (
        "https://ci.example.com/a_(b); javascript:alert(1); audits/m.pdf")
    assert (records["p3"]["status"], records["p3"]["evidence_gap"]) == ("unknown", "missing")


def test_the_practice_frame_is_indexed_by_practice() -> None:
    pytest.importorskip("pandas")
    frame = PROFILE.practice_frame()
    assert list(frame.index) == ["p1", "p2", "p3"]
    assert frame.loc["p1", "note"] == "a|b <i>"
    assert frame.loc["p3", "evidence_gap"] == "missing"
