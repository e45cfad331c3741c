"""Histories shown: the maturity history command, report sections and plots."""

from __future__ import annotations

import csv
import datetime
import io
import json
import shutil
from pathlib import Path

import pytest

import maturity_model as mm
from maturity_model.report import render_html, render_markdown
from tests.cli_run import run

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "history"
TEAM = "harbour-payments"
ROOT = "caict-devops-cd"


@pytest.fixture(scope="module")
def history() -> mm.History:
    return mm.History.load(EXAMPLES)


# --------------------------------------------------------------------------- command


def test_history_table_shows_each_date_the_journey_and_the_falls(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "history", EXAMPLES)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"{TEAM} — {ROOT} 2021, node {ROOT}"
    assert lines[2:5] == ["2024-01-15      1   1.80", "2024-06-14      2   2.53  +0.73",
                          "2024-11-15      3   3.00  +0.47"]
    assert lines[5].startswith("3 assessments from 2024-01-15 to 2024-11-15: overall "
                               "1.80 → 3.00 (level 1 → 3), +0.12 levels per month")
    assert "  cm.vc.vcs 2024-06-14 → 2024-11-15: 4.00 → 3.00 (level 4 → 3)" in lines


def test_history_csv_has_identity_columns_and_one_row_per_date(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "history", EXAMPLES, "--format", "csv", "--node", "cm.vc.vcs")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["subject", "date", "model", "model_version", "node_id", "score",
                             "level"]
    assert [(r["date"], r["node_id"], r["level"]) for r in rows] == [
        ("2024-01-15", "cm.vc.vcs", "2"), ("2024-06-14", "cm.vc.vcs", "4"),
        ("2024-11-15", "cm.vc.vcs", "3")]


def test_history_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "history", EXAMPLES, "--json", "--subject", TEAM)
    assert code == 0
    doc = json.loads(out)
    assert (doc["model"], doc["model_version"], doc["node_id"]) == (ROOT, "2021", ROOT)
    [entry] = doc["subjects"]
    assert [p["level"] for p in entry["series"]] == [1, 2, 3]
    assert entry["journey"]["start_level"] == 1 and entry["journey"]["end_level"] == 3
    assert entry["velocity"] == pytest.approx((3.0 - 88 / 49) / (305 / (365.2425 / 12)))
    assert [r["node_id"] for r in entry["regressions"]] == ["cm", "cm.vc", "cm.vc.vcs"]


def test_history_markdown_escapes_and_tabulates(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "history", EXAMPLES, "--format", "markdown")
    assert code == 0
    assert "| 2024-06-14 | 2 | 2.53 | +0.73 |" in out
    assert out.startswith(f"## {TEAM}\n")


def test_history_with_a_model_file_and_profiles(capsys: pytest.CaptureFixture[str],
                                                tmp_path: Path) -> None:
    model = mm.standards.load(ROOT)
    for path in sorted((EXAMPLES / TEAM).iterdir()):
        (tmp_path / "t").mkdir(exist_ok=True)
        mm.dump_profile(mm.score(model, mm.load_assessment(path)),
                        tmp_path / "t" / (path.stem + ".json"))
    code, out, _ = run(capsys, "history", tmp_path, "--format", "csv")
    assert code == 0
    assert [r["level"] for r in csv.DictReader(io.StringIO(out))] == ["1", "2", "3"]


def test_history_problems_exit_1_with_their_files(capsys: pytest.CaptureFixture[str],
                                                  tmp_path: Path) -> None:
    shutil.copytree(EXAMPLES, tmp_path / "h")
    twin = tmp_path / "h" / TEAM / "twin.yaml"
    shutil.copy(EXAMPLES / TEAM / "2024-01-15.yaml", twin)
    code, out, err = run(capsys, "history", tmp_path / "h", "--json")
    assert code == 1
    problems = json.loads(out)["problems"]
    assert [(p["code"], Path(p["file"]).name) for p in problems] == [
        ("duplicate-date", "twin.yaml")]
    assert err.startswith(f"maturity: error: {twin}: $.date: ")


# --------------------------------------------------------------------------- reports


def test_the_report_gains_a_history_section(history: mm.History) -> None:
    model = mm.standards.load(ROOT)
    profile = history.as_of("2024-12-31")[0]
    md = render_markdown(model, profile, history=history)
    section = md[md.index("## History"):]
    assert "overall 1.80 → 3.00 (level 1 → 3)" in section
    assert "| 2024-01-15 | 1 | 1.80 | 2.00 |" in section
    assert "| `cm.vc.vcs` | 2024-06-14 | 2024-11-15 | 4.00 → 3.00 | 4 → 3 |" in section
    page = render_html(model, profile, history=history)
    assert "<h2>History</h2>" in page and "<polyline" in page
    assert "## History" not in render_markdown(model, profile)
    assert "<h2>History</h2>" not in render_html(model, profile)


def test_a_subject_the_history_lacks_says_so(history: mm.History) -> None:
    model = mm.standards.load(ROOT)
    other = mm.score(model, mm.Assessment(model=ROOT, subject="<b>other</b>"))
    assert "No history for &lt;b&gt;other&lt;/b&gt;." in render_html(model, other,
                                                                    history=history)
    assert "No history for" in render_markdown(model, other, history=history)


def test_history_text_is_escaped_in_reports() -> None:
    m = mm.MaturityModel(id="m", domains=[mm.Domain(id="d", name="<script>x</script>", items=[
        mm.CapabilityItem(id="i", practices=[mm.Practice(id="p", level=1)])])])
    profiles = [mm.score(m, mm.Assessment(model="m", subject="<t>|x",
                                          date=datetime.date(2024, month, 1),
                                          answers={"p": month > 1})) for month in (1, 2)]
    h = mm.History(profiles)
    page = render_html(m, profiles[-1], history=h)
    assert "<script>x" not in page and "&lt;script&gt;" in page
    md = render_markdown(m, profiles[-1], history=h)
    assert "<script>" not in md


def test_report_command_takes_a_history(capsys: pytest.CaptureFixture[str],
                                        tmp_path: Path) -> None:
    out = tmp_path / "r.md"
    code, _, _ = run(capsys, "report", ROOT, EXAMPLES / TEAM / "2024-11-15.yaml", "-o", out,
                     "--history", EXAMPLES)
    assert code == 0
    assert "## History" in out.read_text()


# --------------------------------------------------------------------------- plots


def test_trend_draws_one_line_per_subject(history: mm.History) -> None:
    pytest.importorskip("matplotlib")
    from maturity_model import plots

    ax = plots.trend(history)
    [line] = ax.get_lines()
    assert line.get_label() == TEAM
    assert [round(y, 2) for y in line.get_ydata()] == [1.8, 2.53, 3.0]
    assert tuple(map(float, ax.get_ylim())) == (0.0, 5.0)


def test_journey_chart_has_a_row_per_top_level_domain(history: mm.History) -> None:
    pytest.importorskip("matplotlib")
    from maturity_model import plots

    ax = plots.journey_chart(history, TEAM)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0] == "Configuration management" and len(labels) == 7
    assert ax.get_title().startswith(f"{TEAM}: 1.80 → 3.00")
