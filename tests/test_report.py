from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import attrs
import pytest

import maturity_model as mm
from maturity_model import standards
from maturity_model.report import render_html, render_markdown, write_report
from maturity_model.target import Target

PAYLOADS = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>')


@pytest.fixture(scope="module")
def caict() -> tuple[mm.MaturityModel, mm.Profile]:
    model = standards.load("caict-devops-cd")
    return model, mm.score(model, standards.example_assessment("caict-devops-cd"))


def small_model(tag: str = "") -> mm.MaturityModel:
    return mm.MaturityModel(
        id=f"m{tag}", name=f"Mini{tag}", version=f"1{tag}",
        description=f"desc{tag}",
        scale=mm.LevelScale((mm.Level(value=1, name=f"Basic{tag}", description=f"b{tag}"),
                             mm.Level(value=2, name=f"Good{tag}", description=f"g{tag}"))),
        domains=[mm.Domain(id=f"build{tag}", name=f"Build{tag}", description=f"d{tag}",
                           items=[mm.CapabilityItem(
                               id=f"ci{tag}", name=f"CI{tag}", description=f"i{tag}",
                               practices=[
                                   mm.Practice(id=f"ci.1{tag}", level=1, text=f"t1{tag}"),
                                   mm.Practice(id=f"ci.2{tag}", level=2, text=f"t2{tag}",
                                               requires=[f"ci.1{tag}"])])]),
                 mm.Domain(id=f"test{tag}", name=f"Test{tag}", items=[mm.CapabilityItem(
                     id=f"ut{tag}", name=f"Unit{tag}", practices=[
                         mm.Practice(id=f"ut.1{tag}", level=1, text=f"u1{tag}"),
                         mm.Practice(id=f"ut.2{tag}", level=2, text=f"u2{tag}")])])])


def small_profile(model: mm.MaturityModel, answers: dict[str, bool | float], tag: str = ""
                  ) -> mm.Profile:
    return mm.score(model, mm.Assessment(model=model.id, subject=f"team{tag}",
                                         answers={k + tag: v for k, v in answers.items()}))


def test_html_shows_overall_and_domains(caict: tuple[mm.MaturityModel, mm.Profile]) -> None:
    model, profile = caict
    page = render_html(model, profile)
    assert page.startswith("<!DOCTYPE html>")
    o = profile.overall
    assert o.level is not None and o.score is not None
    line = f"Overall: Level {o.level} ({profile.scale.name(o.level)}), score {o.score:.2f}"
    assert line in page
    assert "harbour-bank-payments" in page
    for domain in profile.domains():
        assert f"<code>{domain.node_id}</code>" in page
        assert domain.name in page
        assert domain.score is not None
        assert f"{domain.score:.2f}" in page
    # self-contained: no script, no external resource
    assert "<script" not in page.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)
    assert "@media print" in page
    assert page.count("<svg") == 2
    # the heat-map has one row label per item
    for item in profile.item_results():
        assert f"<title>{item.node_id}</title>" in page


def test_html_radar_has_one_axis_per_top_domain(
        caict: tuple[mm.MaturityModel, mm.Profile]) -> None:
    model, profile = caict
    page = render_html(model, profile)
    radar = page[page.index("<svg"):page.index("</svg>")]
    tops = [r for r in profile.domains() if r.parent == profile.model_id]
    assert radar.count("<line") == len(tops)
    assert radar.count("<circle") == len(tops)


def test_markdown_content(caict: tuple[mm.MaturityModel, mm.Profile]) -> None:
    model, profile = caict
    text = render_markdown(model, profile)
    o = profile.overall
    assert o.level is not None and o.score is not None
    assert (f"**Overall: Level {o.level} ({profile.scale.name(o.level)}), score "
            f"{o.score:.2f} — the level is that of the weakest of 49 assessed items; 9 are at "
            "level 1, e.g. cm.vc.artifact**") in text
    assert "| Configuration management | `cm` |" in text
    assert "## Coverage" in text
    # every table row has as many cells as its header
    for block in text.split("\n\n"):
        lines = [ln for ln in block.splitlines() if ln.startswith("|")]
        if lines:
            widths = {len(re.split(r"(?<!\\)\|", ln)) for ln in lines}
            assert len(widths) == 1, block


def test_markdown_escapes_pipes_and_markup() -> None:
    model = small_model("|x*y_<b>")
    profile = small_profile(model, {"ci.1": True}, "|x*y_<b>")
    text = render_markdown(model, profile, target=2)
    assert r"Build\|x\*y\_&lt;b&gt;" in text
    assert "<b>" not in text
    for line in text.splitlines():
        if line.startswith("| Build"):
            assert len(re.split(r"(?<!\\)\|", line)) == 11


def _hostile_model() -> tuple[mm.MaturityModel, mm.Profile, mm.Profile]:
    tag = "".join(PAYLOADS)
    model = small_model(tag)
    before = small_profile(model, {"ut.1": True}, tag)
    after = small_profile(model, {"ci.1": True, "ut.1": 0.5}, tag)
    return model, before, after


@pytest.mark.parametrize("target", [None, 2, "item"])
def test_injection_is_escaped_in_html(target: object) -> None:
    model, before, after = _hostile_model()
    wanted: Target | int | None = (
        Target.of({"ci" + "".join(PAYLOADS): 2}) if target == "item"
        else target)  # type: ignore[assignment]
    page = render_html(model, after, compare=before, target=wanted)
    lowered = page.lower()
    assert "<script" not in lowered
    assert "<img" not in lowered
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    text = render_markdown(model, after, compare=before, target=wanted)
    assert "<script" not in text.lower()
    assert "<img" not in text.lower()


def test_target_adds_gap_and_waves() -> None:
    model = small_model()
    profile = small_profile(model, {"ci.1": True})
    page = render_html(model, profile, target=2)
    assert "Gap to the target (default 2)" in page or "Gap to the target" in page
    assert "<h3>Wave 1</h3>" in page
    roadmap = mm.plan(model, profile, Target.uniform(2))
    for pid in roadmap.practices:
        assert f"<code>{pid}</code>" in page
    text = render_markdown(model, profile, target=Target.uniform(2))
    assert "## Roadmap" in text
    assert "### Wave 1" in text
    assert "`ci.2`" in text


def test_target_reached_says_so() -> None:
    model = small_model()
    profile = small_profile(model, {"ci.1": True, "ut.1": True})
    page = render_html(model, profile, target=1)
    assert "Every item is at its target." in page


def test_compare_shows_what_changed() -> None:
    model = small_model()
    before = small_profile(model, {"ci.1": True})
    after = small_profile(model, {"ci.1": True, "ci.2": True, "ut.1": True})
    page = render_html(model, after, compare=before)
    assert "<h2>What changed</h2>" in page
    assert 'class="improved"' in page
    assert "+1.00" in page
    text = render_markdown(model, after, compare=before)
    assert "## What changed" in text
    assert "improved" in text
    same = render_html(model, after, compare=after)
    assert "No node changed." in same


def test_other_model_is_refused() -> None:
    model = small_model()
    other = small_model("x")
    with pytest.raises(mm.errors.IncompatibleProfilesError):
        render_html(model, small_profile(other, {}, "x"))


def test_bad_target_type() -> None:
    model = small_model()
    with pytest.raises(TypeError):
        render_html(model, small_profile(model, {}), target="3")  # type: ignore[arg-type]


@pytest.mark.parametrize(("name", "marker"), [("r.html", "<!DOCTYPE html>"),
                                              ("r.htm", "<!DOCTYPE html>"),
                                              ("r.md", "# Maturity report"),
                                              ("r.MARKDOWN", "# Maturity report")])
def test_write_report_by_suffix(tmp_path: Path, name: str, marker: str) -> None:
    model = small_model()
    out = write_report(tmp_path / name, model, small_profile(model, {"ci.1": True}),
                       target=2)
    assert out.read_text(encoding="utf-8").startswith(marker)
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_write_report_failure_keeps_old_file(tmp_path: Path) -> None:
    model = small_model()
    out = tmp_path / "r.html"
    out.write_text("old", encoding="utf-8")
    with pytest.raises(TypeError):
        write_report(out, model, small_profile(model, {}), target=1.5)  # type: ignore[arg-type]
    assert out.read_text(encoding="utf-8") == "old"


INJECTIONS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "'><svg onload=alert(3)>",
    "</td></tr></table><iframe src=//evil.example>",
    "</style><style>*{display:none}</style>",
    "]]><![CDATA[<script>x</script>",
    "<!--", "<a href=javascript:alert(4)>link</a>",
)
REPORT_TAGS = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p",
               "strong", "code", "span", "bdi", "br", "table", "thead", "tbody", "tr", "th", "td",
               "div", "figure", "figcaption", "footer", "svg", "polygon", "line", "text",
               "tspan", "circle", "rect"}


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes.update(name for name, _ in attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.mark.parametrize("payload", INJECTIONS)
def test_every_text_field_renders_as_text_whatever_it_carries(payload: str) -> None:
    model = small_model(payload)
    model = attrs.evolve(model, description=payload, metadata={payload: payload})
    before = small_profile(model, {"ut.1": True}, payload)
    after = small_profile(model, {"ci.1": True, "ut.1": 0.5}, payload)
    page = render_html(model, after, compare=before, target=Target.of({"ci" + payload: 2}))
    parsed = _Elements()
    parsed.feed(page)
    parsed.close()
    assert parsed.tags <= REPORT_TAGS
    assert not {a for a in parsed.attributes if a.startswith("on")}
    assert "href" not in parsed.attributes and "src" not in parsed.attributes
    text = "".join(parsed.text)
    for shown in (f"Build{payload}", f"team{payload}", f"t2{payload}", f"Basic{payload}"):
        assert shown in text, shown
    markdown = render_markdown(model, after, compare=before, target=2)
    assert "<" not in markdown.replace("&lt;", "")


def test_the_page_may_run_and_fetch_nothing(caict: tuple[mm.MaturityModel, mm.Profile]) -> None:
    model, profile = caict
    page = render_html(model, profile)
    assert ("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "style-src 'unsafe-inline'; img-src data:\">") in page


def test_radar_leaves_out_a_domain_that_is_not_assessed() -> None:
    model = small_model()
    profile = small_profile(model, {"ci.1": True})
    assert profile["test"].score is None
    page = render_html(model, profile, target=2)
    radar = page[page.index("<svg"):page.index("</svg>")]
    (scores,) = re.findall(r'<polygon points="([^"]*)" fill="#1f5fa8"', radar)
    (target,) = re.findall(r'<polygon points="([^"]*)" fill="none" stroke="#b42318"', radar)
    assert len(scores.split()) == 1  # only the assessed domain has a point
    assert len(target.split()) == 2
    assert radar.count("<circle") == 1
