"""The one escaper: hostile texts come out as text in HTML and in every Markdown output."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import maturity_model as mm
from maturity_model._cli_output import render_profiles
from maturity_model._escape import html_attr, html_text, md_cell, md_code, md_text
from maturity_model.report import render_markdown

SRC = Path(__file__).resolve().parents[1] / "src" / "maturity_model"

HOSTILE = [
    ("a|b", r"a\|b"),
    ("`tick`", r"\`tick\`"),
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("one\ntwo\r\nthree", "one two three"),
    ("[x](javascript:alert(1))", r"\[x\](javascript:alert(1))"),
    ("# heading", r"\# heading"),
    ("- item", r"\- item"),
    ("3. third", r"3\. third"),
    ("![img](http://evil)", r"\!\[img\](http://evil)"),
    ("a & b", "a &amp; b"),
    ("*em* _u_ ~s~", r"\*em\* \_u\_ \~s\~"),
]


@pytest.mark.parametrize(("text", "escaped"), HOSTILE)
def test_md_text_escapes_hostile_texts(text: str, escaped: str) -> None:
    assert md_text(text) == escaped
    assert md_cell(text) == escaped


def test_html_text_and_attr() -> None:
    assert html_text("<a href='x'>\"&\"</a>") == (
        "&lt;a href=&#x27;x&#x27;&gt;&quot;&amp;&quot;&lt;/a&gt;")
    assert html_attr("a\n<b>") == "a &lt;b&gt;"


def test_md_code_shows_the_text_or_falls_back_to_escaped_text() -> None:
    assert md_code("cm.vc_x*") == "`cm.vc_x*`"
    assert md_code("a``b") == "```a``b```"
    assert md_code("`x") == "`` `x ``"
    assert md_code("a|b") == r"`a\|b`"
    assert md_code("<script>") == "&lt;script&gt;"


@given(st.text(max_size=40))
def test_md_cell_never_leaves_a_cell_a_line_or_a_tag_open(text: str) -> None:
    cell = md_cell(text)
    assert "\n" not in cell and "\r" not in cell
    assert "<" not in cell and ">" not in cell
    assert not re.search(r"(?<!\\)\|", cell)
    assert not re.search(r"(?<!\\)[\[\]`]", cell)


@given(st.text(max_size=40))
def test_html_text_leaves_no_markup(text: str) -> None:
    escaped = html_text(text)
    assert not set("<>\"'") & set(escaped)


def test_nothing_else_in_the_package_escapes_by_hand() -> None:
    offenders = []
    for path in SRC.rglob("*.py"):
        if path.name == "_escape.py":
            continue
        source = path.read_text(encoding="utf-8")
        if "html.escape" in source or 'replace("|"' in source:
            offenders.append(path.name)
    assert offenders == []


def test_cli_markdown_escapes_exactly_like_the_report() -> None:
    name = "x | `y` <script>\n# z [l](javascript:1)"
    model = mm.MaturityModel(id="m", name=name, domains=[mm.Domain(id="d", name=name, items=[
        mm.CapabilityItem(id="i", name=name, practices=[mm.Practice(id="i.1", level=1)])])])
    profile = mm.score(model, mm.Assessment(model="m", subject=name, answers={"i.1": True}))
    cli = render_profiles(model, [profile], "markdown")
    report = render_markdown(model, profile)
    expected = md_cell(name)
    assert f"| {expected} |" in cli and f"| {expected} |" in report
    for text in (cli, report):
        assert "<script" not in text
        assert "](javascript" not in text.replace(r"\](javascript", "")
        assert not any(line.startswith("# z") for line in text.splitlines())
