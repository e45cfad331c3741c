"""Rich display: the HTML renderers behind ``_repr_html_`` and the short plain reprs."""

from __future__ import annotations

from html.parser import HTMLParser

import attrs
import pytest

import maturity_model as mm
from maturity_model import _html, standards
from maturity_model.comparison import compare
from maturity_model.planning import plan
from maturity_model.target import Target

INJECTIONS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "'><svg onload=alert(3)>",
    "</td></tr></table><iframe src=//evil.example>",
    "<style>*{display:none}</style>",
    "&lt;already escaped&gt; & <b>bold</b>",
)
ALLOWED_TAGS = {"div", "p", "b", "br", "code", "span", "table", "tr", "th", "td", "svg",
                "line", "rect"}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend(attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    parser.close()
    return parser


def rows(page: str) -> list[list[str]]:
    """The text of every table cell, row by row (header row included)."""
    class Cells(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.rows: list[list[str]] = []
            self.cell: list[str] | None = None

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "tr":
                self.rows.append([])
            elif tag in ("td", "th"):
                self.cell = []

        def handle_endtag(self, tag: str) -> None:
            if tag in ("td", "th") and self.cell is not None:
                self.rows[-1].append("".join(self.cell).strip())
                self.cell = None

        def handle_data(self, data: str) -> None:
            if self.cell is not None:
                self.cell.append(data)

    parser = Cells()
    parser.feed(page)
    return parser.rows


@pytest.fixture(scope="module")
def caict() -> tuple[mm.MaturityModel, mm.Profile, mm.Profile]:
    model = standards.load("caict-devops-cd")
    assessment = standards.example_assessment("caict-devops-cd")
    before = mm.score(model, assessment)
    after = mm.score(model, attrs.evolve(
        assessment, subject="after",
        answers={**assessment.answers, "cm.vc.branch.2.1": True, "cm.vc.vcs.2.1": False}))
    return model, before, after


def small_model() -> mm.MaturityModel:
    return mm.MaturityModel(
        id="mini", name="Mini", version="1", scale=mm.LevelScale.of("Basic", "Good", "Best"),
        domains=[mm.Domain(id="build", name="Build", items=[
            mm.CapabilityItem(id="ci", name="Continuous integration", practices=[
                mm.Practice(id="ci.1", level=1, text="Builds run on every commit"),
                mm.Practice(id="ci.2", level=2, text="Builds are reproducible",
                            requires=["vcs.1"]),
                mm.Practice(id="ci.3", level=2)]),
            mm.CapabilityItem(id="vcs", practices=[mm.Practice(id="vcs.1", level=1)])])])


# --------------------------------------------------------------------------- model


def test_model_html_counts_practices_per_level_and_sums_them_up() -> None:
    page = small_model()._repr_html_()
    table = rows(page)
    assert table[0] == ["node", "kind", "L1", "L2", "L3", "practices"]
    assert table[1] == ["Build build", "domain", "2", "2", "", "4"]
    assert table[2] == ["Continuous integration ci", "item", "1", "2", "", "3"]
    assert table[3] == ["vcs", "item", "1", "", "", "1"]
    text = "".join(parse(page).text)
    assert "1 domains, 2 items, 4 practices" in text
    assert "Scale: 1 Basic · 2 Good · 3 Best" in text
    assert "items staircase, domains mean; dependencies report" in text


def test_model_html_of_a_bundled_standard_lists_every_node(
        caict: tuple[mm.MaturityModel, mm.Profile, mm.Profile]) -> None:
    model, _, _ = caict
    table = rows(model._repr_html_())
    assert len(table) == 1 + len(model.node_ids())
    assert table[-1][-1] == str(len(model.items()[-1].practices))
    assert sum(int(r[-1]) for r in table[1:] if r[1] == "item") == len(list(model.practices()))


# --------------------------------------------------------------------------- profile


def test_profile_html_shows_the_overall_level_and_every_node(
        caict: tuple[mm.MaturityModel, mm.Profile, mm.Profile]) -> None:
    _, profile, _ = caict
    page = profile._repr_html_()
    text = "".join(parse(page).text)
    assert ("Overall: Level 1 (Initial), score 2.34 — the level is that of the weakest of 49 "
            "assessed items; 9 are at level 1, e.g. cm.vc.artifact") in text
    assert "260 of 335 practices answered (73 unknown, 2 n/a)" in text
    table = rows(page)
    assert len(table) == 1 + len(profile)
    assert table[0] == ["node", "level", "score", "L1", "L2", "L3", "L4", "L5", "answered"]
    vcs = next(r for r in table if r[0].endswith("cm.vc.vcs"))
    result = profile["cm.vc.vcs"]
    assert vcs[1] == str(result.level)
    assert vcs[2] == f"{result.score:.2f}"
    shares = [result.coverage[lv] for lv in range(1, 6)]
    assert vcs[3:8] == ["·" if v is None else f"{v * 100:.0f}" for v in shares]
    assert vcs[8] == f"{result.counts.evidenced}/{result.counts.total}"


def test_a_node_that_is_not_assessed_says_so_and_never_shows_zero() -> None:
    model = small_model()
    profile = mm.score(model, mm.Assessment(model="mini", answers={"ci.1": True}))
    table = rows(profile._repr_html_())
    vcs = next(r for r in table if r[0] == "vcs")
    assert vcs[1] == "—"
    assert vcs[2] == "not assessed"


def test_coverage_cells_are_shaded_from_pale_to_deep() -> None:
    assert _html.coverage_colour(0.0) == "#eff6ff"
    assert _html.coverage_colour(1.0) == "#1e40af"
    assert _html.coverage_colour(None) == _html.VACUOUS_COLOUR
    assert _html.coverage_colour(float("nan")) == _html.VACUOUS_COLOUR
    assert _html.coverage_text_colour(0.9) == "#ffffff"
    assert _html.coverage_text_colour(0.1) == "#111827"


# --------------------------------------------------------------------------- diff


def test_diff_html_lists_both_sides_the_change_and_the_status(
        caict: tuple[mm.MaturityModel, mm.Profile, mm.Profile]) -> None:
    _, before, after = caict
    diff = compare(before, after)
    page = _html.diff_html(diff)
    text = "".join(parse(page).text)
    assert "harbour-bank-payments → after" in text
    assert _html.summary_phrase(diff) in text
    table = rows(page)
    assert table[0] == ["node", "before", "after", "Δ score", "Δ level", "status"]
    assert len(table) == 1 + len(diff)
    branch = next(r for r in table if r[0].endswith("cm.vc.branch"))
    d = diff["cm.vc.branch"]
    assert branch[1:4] == [f"{d.before_score:.2f} (L{d.before_level})",
                           f"{d.after_score:.2f} (L{d.after_level})",
                           f"{d.delta_score:+.2f}"]
    assert branch[5] == "▲ improved"
    unchanged = next(r for r in table if r[0].endswith("bci.build.env"))
    assert unchanged[3:6] == ["", "", "= unchanged"]


def test_diff_html_shows_added_and_removed_nodes_with_one_side() -> None:
    one = mm.Profile(model_id="m", subject="a", results={
        "m": mm.Result(node_id="m", kind="model", score=1.0, level=1),
        "x": mm.Result(node_id="x", kind="item", parent="m", score=1.0, level=1)})
    two = mm.Profile(model_id="m", subject="a", results={
        "m": mm.Result(node_id="m", kind="model", score=1.0, level=1),
        "y": mm.Result(node_id="y", kind="item", parent="m", score=2.0, level=2)})
    table = rows(_html.diff_html(compare(one, two)))
    assert table[2] == ["x", "1.00 (L1)", "—", "", "", "− removed"]
    assert table[3] == ["y", "—", "2.00 (L2)", "", "", "+ added"]


# --------------------------------------------------------------------------- roadmap


def test_roadmap_html_has_a_block_per_wave_and_says_why_a_practice_is_there() -> None:
    model = small_model()
    profile = mm.score(model, mm.Assessment(model="mini", answers={"ci.1": True}))
    roadmap = plan(model, profile, Target.of({"ci": 2}))
    page = _html.roadmap_html(roadmap)
    table = rows(page)
    assert table[1] == ["Wave 1 (2 practices)"]
    assert table[2][:3] == ["vcs.1", "vcs", "1"]
    assert table[2][4] == "pulled in, needed by ci.2"
    assert table[4] == ["Wave 2 (1 practices)"]
    assert table[5][0] == "ci.2"
    assert table[5][3:] == ["Builds are reproducible", "after vcs.1"]
    assert _html.roadmap_headline(roadmap) in "".join(parse(page).text)


def test_an_empty_roadmap_says_there_is_nothing_to_do() -> None:
    model = small_model()
    profile = mm.score(model, mm.Assessment(model="mini", answers={"ci.1": True, "vcs.1": 1}))
    page = _html.roadmap_html(plan(model, profile, Target.uniform(1)))
    assert "Nothing to do: every item is at its target." in page


# --------------------------------------------------------------------------- cohort


def test_cohort_html_gives_the_spread_of_every_node(
        caict: tuple[mm.MaturityModel, mm.Profile, mm.Profile]) -> None:
    _, before, after = caict
    cohort = mm.Cohort([before, after, attrs.evolve(after, subject="third")])
    page = _html.cohort_html(cohort)
    table = rows(page)
    assert len(table) == 1 + len(cohort.node_ids)
    d = cohort.distribution("cm")
    cm = next(r for r in table if r[0].endswith(" cm"))
    assert cm[1:6] == ["3", f"{d.min:.2f}", f"{d.median:.2f}", f"{d.max:.2f}",
                       f"{d.mean:.2f}"]
    assert cm[7] == ", ".join(f"L{lv}: {n}" for lv, n in d.levels.items())
    assert page.count("<svg") == len(cohort.node_ids)
    assert "Cohort of 3 profiles" in "".join(parse(page).text)


# --------------------------------------------------------------------------- reprs


def test_plain_reprs_are_short_and_name_what_matters(
        caict: tuple[mm.MaturityModel, mm.Profile, mm.Profile]) -> None:
    model, before, after = caict
    diff = compare(before, after)
    assert _html.diff_repr(diff) == (
        "ProfileDiff(model='caict-devops-cd', 'harbour-bank-payments' → 'after', "
        + ", ".join(f"{s}={n}" for s, n in diff.summary.items()) + ")")
    roadmap = plan(model, before, Target.uniform(3))
    assert _html.roadmap_repr(roadmap) == (
        "Roadmap(model='caict-devops-cd', subject='harbour-bank-payments', "
        f"target='level 3 everywhere', practices={len(roadmap)}, "
        f"waves={len(roadmap.waves)}, pulled_in={len(roadmap.pulled_in)})")
    assert _html.cohort_repr(mm.Cohort([before])) == (
        "Cohort(model='caict-devops-cd', profiles=1, subjects=('harbour-bank-payments',))")
    four = mm.Cohort([attrs.evolve(before, subject=s) for s in "abcd"])
    assert _html.cohort_repr(four) == (
        "Cohort(model='caict-devops-cd', profiles=4, subjects=('a', 'b', 'c', ...))")


# --------------------------------------------------------------------------- hostile


def hostile(payload: str) -> tuple[mm.MaturityModel, mm.Assessment]:
    """A model and an assessment with ``payload`` in every text field and id."""
    def tag(text: str) -> str:
        return f"{text}{payload}"

    model = mm.MaturityModel(
        id=tag("m"), name=tag("M"), version=tag("v"), description=tag("desc"),
        metadata={tag("k"): tag("meta")},
        scale=mm.LevelScale((mm.Level(value=1, name=tag("L1"), description=tag("d1")),
                             mm.Level(value=2, name=tag("L2"), description=tag("d2")))),
        domains=[mm.Domain(id=tag("d"), name=tag("D"), description=tag("dd"), items=[
            mm.CapabilityItem(id=tag("i"), name=tag("I"), description=tag("id"), practices=[
                mm.Practice(id=tag("p1"), level=1, text=tag("T1")),
                mm.Practice(id=tag("p2"), level=2, text=tag("T2"), requires=[tag("q")])]),
            mm.CapabilityItem(id=tag("j"), name=tag("J"), practices=[
                mm.Practice(id=tag("q"), level=1, text=tag("Q"))])])])
    assessment = mm.Assessment(model=model.id, model_version=model.version,
                               subject=tag("S"), answers={tag("p1"): True})
    return model, assessment


@pytest.mark.parametrize("payload", INJECTIONS)
def test_every_renderer_escapes_every_text_field(payload: str) -> None:
    model, assessment = hostile(payload)
    profile = mm.score(model, assessment)
    other = mm.score(model, attrs.evolve(assessment, subject=f"O{payload}",
                                         answers={f"q{payload}": True}))
    roadmap = plan(model, profile, Target.of({f"d{payload}": 2}))
    pages = {
        "model": model._repr_html_(),
        "profile": profile._repr_html_(),
        "diff": _html.diff_html(compare(profile, other)),
        "roadmap": _html.roadmap_html(roadmap),
        "cohort": _html.cohort_html(mm.Cohort([profile, other])),
    }
    for name, page in pages.items():
        parsed = parse(page)
        assert set(parsed.tags) <= ALLOWED_TAGS, name
        assert not [a for a, _ in parsed.attributes if a.startswith("on")], name
        assert {a for a, _ in parsed.attributes} <= {
            "style", "title", "colspan", "xmlns", "width", "height", "viewbox", "x", "y",
            "x1", "x2", "y1", "y2", "fill", "stroke", "stroke-width"}, name
        assert payload in "".join(parsed.text), f"{name}: the payload is not shown as text"


def test_titles_escape_quotes() -> None:
    cell = _html.coverage_cell(1, 0.5)
    assert 'title="level 1: 50 % met"' in cell
    assert _html.esc('"><x>') == "&quot;&gt;&lt;x&gt;"


# --------------------------------------------------------------------------- limits


def test_long_tables_stop_after_max_rows_and_say_how_many_were_left_out() -> None:
    n = _html.MAX_ROWS + 30
    model = mm.MaturityModel(id="wide", domains=[mm.Domain(id="d", items=[
        mm.CapabilityItem(id=f"i{k}", practices=[mm.Practice(id=f"p{k}", level=1)])
        for k in range(n)])])
    profile = mm.score(model, mm.Assessment(model="wide", answers={"p0": True}))
    for page in (model._repr_html_(), profile._repr_html_()):
        table = rows(page)
        assert len(table) == 1 + _html.MAX_ROWS + 1
        assert table[-1][0].startswith("… ")
        assert table[-1][0].endswith(" more rows not shown")


def test_a_very_deep_tree_renders_without_recursion() -> None:
    node = mm.Domain(id="d0", items=[mm.CapabilityItem(id="leaf", practices=[
        mm.Practice(id="p", level=1)])])
    for k in range(1, 3000):
        node = mm.Domain(id=f"d{k}", domains=[node])
    model = mm.MaturityModel(id="deep", domains=[node])
    profile = mm.score(model, mm.Assessment(model="deep", answers={"p": True}))
    assert "leaf" not in model._repr_html_()  # beyond MAX_ROWS
    assert rows(model._repr_html_())[1][-1] == "1"  # the practice counted at the top
    assert "padding-left:200px" in profile._repr_html_()  # indentation is capped
    assert _html.depths({r.node_id: r.parent for r in profile})["leaf"] == 3001


def test_depths_survive_a_parent_cycle() -> None:
    assert _html.depths({"a": "b", "b": "a", "c": None}) == {"a": 1, "b": 0, "c": 0}
