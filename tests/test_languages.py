"""Texts in several languages: reading, checking, choosing a language, the message catalogue."""

from __future__ import annotations

import gettext
import importlib.util
import pickle
import shutil
import subprocess
import sys
import warnings
from pathlib import Path
from types import ModuleType

import attrs
import pytest

import maturity_model as mm
from maturity_model import _plot_text, plots, standards
from maturity_model._messages import LOCALE_DIR, translator
from maturity_model.languages import LocalText, in_language, is_language_tag, local_text
from maturity_model.report import render_html, render_markdown
from maturity_model.serialization import loads_model, model_to_dict
from tests.cli_run import run

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"
EXAMPLE = ROOT / "src/maturity_model/standards/data/caict-devops-cd.example-assessment.yaml"

BILINGUAL = """\
format: maturity-model/1
id: mini
name: {en: Mini delivery, zh: 迷你交付}
language: en
languages: [en, zh]
scale:
  - {value: 1, name: {en: Initial, zh: 初始级}, description: {en: Ad hoc, zh: 随意}}
  - {value: 2, name: {en: Foundation, zh: 基础级}}
answer_sets:
  cov: [{label: {en: "No", zh: 否}, value: 0}, {label: {en: All, zh: 全部}, value: 1}]
domains:
  - id: cm
    name: {en: Configuration management, zh-Hans: 配置管理}
    items:
      - id: cm.vcs
        name: Version control
        practices:
          - {id: cm.vcs.1, level: 1, text: {en: Code is versioned, zh: 代码纳入版本管理}}
          - {id: cm.vcs.2, level: 2, text: Scripts are versioned, answer_set: cov}
"""


def _bilingual() -> mm.MaturityModel:
    return loads_model(BILINGUAL)


# --------------------------------------------------------------------------- LocalText


def test_a_plain_string_stays_a_plain_string() -> None:
    model = _bilingual()
    assert type(model.item("cm.vcs").name) is str
    assert model.item("cm.vcs").name == "Version control"


def test_a_mapping_becomes_a_local_text_valued_in_the_model_language() -> None:
    model = loads_model(BILINGUAL.replace("language: en", "language: zh").replace(
        "zh-Hans: 配置管理", "zh: 配置管理"))
    name = model.domain("cm").name
    assert isinstance(name, LocalText)
    assert (str(name), name.language, dict(name.texts)) == (
        "配置管理", "zh", {"en": "Configuration management", "zh": "配置管理"})
    assert str(model.scale[1].name) == "初始级"


def test_local_text_is_immutable_and_pickles() -> None:
    text = LocalText({"en": "Build", "zh": "构建"}, language="zh")
    with pytest.raises(AttributeError):
        text.language = "en"
    again = pickle.loads(pickle.dumps(text))
    assert again == text and again.language == "zh" and dict(again.texts) == dict(text.texts)


def test_texts_that_differ_in_a_translation_differ() -> None:
    a = LocalText({"en": "Build", "zh": "构建"})
    assert a != LocalText({"en": "Build", "zh": "建造"})
    assert a != LocalText({"en": "Build"})
    assert a == "Build" and a == "Build"
    assert hash(a) == hash("Build")


@pytest.mark.parametrize(("lang", "expected"), [
    ("zh", "配置管理"), ("zh-Hans", "配置管理"), ("zh-Hans-CN", "配置管理"), ("zh-CN", "配置管理"),
    ("en", "Configuration management"), ("fr", "Configuration management"),
    (None, "Configuration management")])
def test_lookup_falls_back_from_the_tag_to_its_language_to_the_model(
        lang: str | None, expected: str) -> None:
    assert _bilingual().text("cm", lang=lang) == expected


def test_text_reads_every_text_field_and_refuses_others() -> None:
    model = _bilingual()
    assert model.text("cm.vcs.1", field="text", lang="zh") == "代码纳入版本管理"
    assert model.text("mini", lang="zh") == "迷你交付"
    assert model.text("cm.vcs", field="description", lang="zh") == ""
    with pytest.raises(ValueError, match="text"):
        model.text("cm", field="weight")
    with pytest.raises(mm.UnknownNodeError):
        model.text("nope")


def test_level_names_in_a_language() -> None:
    model = _bilingual()
    assert [model.level_name(v, lang="zh") for v in (0, 1, 2)] == ["低于 1 级", "初始级", "基础级"]
    assert model.level_name(1) == "Initial"
    assert model.scale.name(1, lang="zh-TW") == "初始级"


def test_answer_labels_match_in_any_language() -> None:
    model = _bilingual()
    profile = mm.score(model, mm.Assessment(model="mini", answers={
        "cm.vcs.1": True, "cm.vcs.2": "全部"}))
    assert profile["cm.vcs"].level == 2
    assert model.answer_set("cov").labels == ("No", "All")


def test_local_text_from_a_default_and_translations() -> None:
    text = local_text("Govern", {"fr": "Gouverner", "de": " ", "en": "ignored"})
    assert isinstance(text, LocalText)
    assert dict(text.texts) == {"en": "Govern", "fr": "Gouverner"}
    assert local_text("Govern", None) == "Govern" and type(local_text("Govern")) is str
    zh = local_text("治理", {"en": "Govern"}, language="zh")
    assert isinstance(zh, LocalText) and str(zh) == "治理" and zh.get("en") == "Govern"


@pytest.mark.parametrize("tag", ["en", "zh-Hans", "pt-BR", "sr-Latn-RS", "es-419", "x-private",
                                 "de-CH-1996"])
def test_well_formed_tags(tag: str) -> None:
    assert is_language_tag(tag)


@pytest.mark.parametrize("tag", ["", "zh_CN", "e", "zh-", "-en", "en--GB", "中文", "en GB", 3])
def test_malformed_tags(tag: object) -> None:
    assert not is_language_tag(tag)


# --------------------------------------------------------------------------- files


def test_dump_writes_each_text_as_it_was_read() -> None:
    doc = model_to_dict(_bilingual())
    assert doc["name"] == {"en": "Mini delivery", "zh": "迷你交付"}
    assert doc["domains"][0]["items"][0]["name"] == "Version control"
    assert doc["languages"] == ["en", "zh"]
    assert doc["answer_sets"]["cov"][1]["label"] == {"en": "All", "zh": "全部"}


def test_the_default_language_comes_first_in_a_dumped_mapping() -> None:
    model = loads_model(BILINGUAL.replace("language: en", "language: zh").replace(
        "zh-Hans: 配置管理", "zh: 配置管理"))
    assert list(model_to_dict(model)["domains"][0]["name"]) == ["zh", "en"]


@pytest.mark.parametrize(("text", "code", "path"), [
    ("name: {en: Mini, zh_CN: 迷你}", "invalid-language-tag", "$.name.zh_CN"),
    ("name: {zh: 迷你}", "missing-default-text", "$.name"),
    ("name: {en: Mini, zh: '  '}", "empty-text", "$.name.zh"),
    ("name: {en: Mini}\nlanguage: en_GB", "invalid-language-tag", "$.language"),
    ("name: {en: Mini}\nlanguages: [en, zh_TW]", "invalid-language-tag", "$.languages[1]"),
    ("name: {}", "invalid-value", "$.name"),
    ("name: {en: 3}", "invalid-value", "$.name"),
    ("name: [Mini]", "invalid-value", "$.name"),
])
def test_bad_texts_are_problems_with_codes(text: str, code: str, path: str) -> None:
    source = f"format: maturity-model/1\nid: m\n{text}\n"
    with pytest.raises(mm.ModelValidationError) as info:
        loads_model(source)
    assert [(p.code, p.path) for p in info.value.problems] == [(code, path)]


def test_labels_must_be_unique_in_every_language() -> None:
    source = BILINGUAL.replace("{label: {en: All, zh: 全部}", "{label: {en: All, zh: 否}")
    with pytest.raises(mm.ModelValidationError) as info:
        loads_model(source)
    assert [(p.code, p.path) for p in info.value.problems] == [
        ("duplicate-id", "$.answer_sets['cov'][1].label")]


def test_the_schema_accepts_texts_in_languages() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    import yaml

    schema = mm.model_json_schema()
    jsonschema.validate(yaml.safe_load(BILINGUAL), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"id": "m", "name": {"en": ""}}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"id": "m", "name": {"zh_CN": "x"}}, schema)


# --------------------------------------------------------------------------- display


def _caict_profile() -> tuple[mm.MaturityModel, mm.Profile]:
    model = standards.load("caict-devops-cd")
    return model, mm.score(model, standards.example_assessment("caict-devops-cd"))


def test_explain_in_chinese_and_english() -> None:
    _, profile = _caict_profile()
    assert profile.explain("cm.vc.vcs", lang="zh").splitlines() == [
        "cm.vc.vcs（版本控制系统）：第 2 级（基础级），得分 2.67",
        "  第 1 级：满足 100 %",
        "  第 2 级：满足 100 %",
        "  第 3 级达成 67 %：缺少 cm.vc.vcs.3.1",
        "  证据：5 项满足，0 项部分满足，4 项不满足，0 项不适用，3 项未知",
    ]
    assert profile.explain("cm.vc.vcs").splitlines()[0] == (
        "cm.vc.vcs (Version control system): level 2 (Foundation), score 2.67")
    assert profile.explain("cm.vc.vcs", lang="fr") == profile.explain("cm.vc.vcs")


def test_level_name_of_a_profile_follows_lang() -> None:
    _, profile = _caict_profile()
    assert [profile.level_name(v, lang="zh") for v in range(6)] == [
        "低于 1 级", "初始级", "基础级", "全面级", "优秀级", "卓越级"]
    assert profile.level_name(None, lang="zh") == "未评估"
    assert profile.name("cm", lang="zh-Hans") == "配置管理"


def test_reports_in_chinese_show_no_tag_and_no_mapping() -> None:
    model, profile = _caict_profile()
    for page in (render_html(model, profile, target=3, lang="zh"),
                 render_markdown(model, profile, target=3, lang="zh")):
        assert "初始级" in page and "配置管理" in page and "路线图" in page
        assert "Configuration management" not in page
        assert "{'en'" not in page and "LocalText" not in page
    english = render_html(model, profile, target=3)
    assert "Configuration management" in english and "配置管理" not in english


def test_the_html_report_declares_its_language_and_cjk_fonts() -> None:
    model, profile = _caict_profile()
    page = render_html(model, profile, lang="zh")
    assert page.startswith('<!DOCTYPE html>\n<html lang="zh">')
    assert '"Noto Sans CJK SC"' in page and "svg text { font-family: var(--fonts); }" in page


def test_notebook_display_follows_maturity_lang(monkeypatch: pytest.MonkeyPatch) -> None:
    model, profile = _caict_profile()
    monkeypatch.setenv("MATURITY_LANG", "zh_CN.UTF-8")
    assert "配置管理" in profile._repr_html_() and "初始级" in model._repr_html_()
    monkeypatch.setenv("MATURITY_LANG", "not a tag")
    assert "Configuration management" in profile._repr_html_()
    monkeypatch.delenv("MATURITY_LANG")
    assert "配置管理" not in model._repr_html_()


def test_plots_draw_chinese_names_in_a_cjk_font() -> None:
    _, profile = _caict_profile()
    if _plot_text.cjk_font() is None:
        pytest.skip("no CJK font installed")
    ax = plots.radar(profile, lang="zh")
    labels = ax.get_xticklabels()
    assert labels[0].get_text() == "配置管理"
    assert labels[0].get_fontfamily()[0] == _plot_text.cjk_font()


def test_plots_fall_back_to_ids_once_without_a_cjk_font(
        monkeypatch: pytest.MonkeyPatch) -> None:
    _, profile = _caict_profile()
    monkeypatch.setattr(_plot_text, "cjk_font", lambda: None)
    monkeypatch.setitem(_plot_text._STATE, "warned", False)
    with pytest.warns(_plot_text.MissingFontWarning):
        ax = plots.coverage_heatmap(profile, nodes="domains", lang="zh")
    assert ax.get_yticklabels()[0].get_text() == "cm"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ax = plots.radar(profile, lang="zh")  # the second plot does not warn again
    assert ax.get_xticklabels()[0].get_text() == "cm"
    assert plots.radar(profile).get_xticklabels()[0].get_text() == "Configuration management"


# --------------------------------------------------------------------------- the catalogue


def _compiler() -> ModuleType:
    spec = importlib.util.spec_from_file_location("compile_messages",
                                                  ROOT / "tools" / "compile_messages.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("compile_messages", module)
    spec.loader.exec_module(module)
    return module


def test_every_shipped_mo_holds_what_its_po_says(tmp_path: Path) -> None:
    compiler = _compiler()
    catalogues = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/maturity_model.po"))
    assert [p.parts[-3] for p in catalogues] == ["zh_Hans"]
    for po in catalogues:
        wanted = compiler.read_po(po.read_text(encoding="utf-8"))
        mo = po.with_suffix(".mo")
        assert mo.read_bytes() == compiler.mo_bytes(wanted)
        with mo.open("rb") as file:
            shipped = gettext.GNUTranslations(file)
        for msgid, msgstr in wanted.items():
            if msgid and "\0" not in msgid:
                assert shipped.gettext(msgid) == msgstr
        assert shipped.ngettext("{count} is at level {level}, e.g. {example}",
                                "{count} are at level {level}, e.g. {example}", 3) == (
            "{count} 个处于第 {level} 级，例如 {example}")
        msgfmt = shutil.which("msgfmt")
        if msgfmt is not None:  # GNU gettext reads the .po the same way
            subprocess.run([msgfmt, "--check", "-o", str(tmp_path / "gnu.mo"), str(po)],
                           check=True, timeout=60)
            with (tmp_path / "gnu.mo").open("rb") as file:
                gnu = gettext.GNUTranslations(file)
            assert gnu._catalog == shipped._catalog  # type: ignore[attr-defined]


def test_every_word_the_source_marks_is_translated() -> None:
    compiler = _compiler()
    wanted = compiler.read_po(
        (LOCALE_DIR / "zh_Hans/LC_MESSAGES/maturity_model.po").read_text(encoding="utf-8"))
    assert sorted(compiler.source_messages() - set(wanted)) == []


def test_translations_keep_every_placeholder() -> None:
    import string

    compiler = _compiler()
    wanted = compiler.read_po(
        (LOCALE_DIR / "zh_Hans/LC_MESSAGES/maturity_model.po").read_text(encoding="utf-8"))
    for msgid, msgstr in wanted.items():
        if not msgid:
            continue
        fields = {f for _, f, _, _ in string.Formatter().parse(msgid.split("\0")[0]) if f}
        for form in msgstr.split("\0"):
            assert {f for _, f, _, _ in string.Formatter().parse(form) if f} == fields, msgid


def test_chinese_tags_find_the_simplified_catalogue() -> None:
    for tag in ("zh", "zh-Hans", "zh-CN", "zh-Hans-SG"):
        assert translator(tag).gettext("not assessed") == "未评估"
    others: tuple[str | None, ...] = ("zh-TW", "zh-Hant", "en", "fr", None)
    for other in others:
        assert translator(other).gettext("not assessed") == "not assessed"


# --------------------------------------------------------------------------- the command


def test_score_lang_zh_prints_chinese_names(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "score", "caict-devops-cd", EXAMPLE, "--lang", "zh")
    assert code == 0
    lines = out.splitlines()
    assert lines[1].split() == ["节点", "名称", "级别", "得分", "证据"]
    assert lines[4].split()[:3] == ["cm", "配置管理", "1（初始级）"]
    assert "总体：第 1 级（初始级），得分 2.34" in out


def test_score_lang_from_the_environment(capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MATURITY_LANG", "zh-Hans")
    code, out, _ = run(capsys, "score", "caict-devops-cd", EXAMPLE, "--format", "markdown")
    assert code == 0 and "| &nbsp;&nbsp;`cm` | 配置管理 | 第 1 级（初始级） |" in out
    code, out, _ = run(capsys, "score", "caict-devops-cd", EXAMPLE, "--lang", "en")
    assert code == 0 and "Configuration management" in out and "配置管理" not in out


def test_score_explains_in_the_language(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "score", "caict-devops-cd", EXAMPLE, "--lang", "zh",
                       "--explain")
    assert code == 0 and "cm.vc.vcs（版本控制系统）：第 2 级（基础级），得分 2.67" in out


@pytest.mark.parametrize(("args", "env"), [(["--lang", "zh CN"], None),
                                           (["--lang", ""], None), ([], "中文")])
def test_a_bad_language_is_a_usage_error(capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch,
                                         args: list[str], env: str | None) -> None:
    if env is not None:
        monkeypatch.setenv("MATURITY_LANG", env)
    code, out, err = run(capsys, "score", "caict-devops-cd", EXAMPLE, *args)
    assert code == 2 and out == ""
    assert err.startswith("maturity: error: ") and "not a language tag" in err


def test_report_lang_zh(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out_file = tmp_path / "report.md"
    code, out, _ = run(capsys, "report", "caict-devops-cd", EXAMPLE, "-o", out_file,
                       "--lang", "zh", "--json")
    assert code == 0
    assert '"overall_level_name": "初始级"' in out
    text = out_file.read_text(encoding="utf-8")
    assert text.startswith("# 成熟度报告：研发运营一体化（DevOps）能力成熟度模型 第3部分：持续交付")


def test_a_model_without_chinese_falls_back_whole(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "score", DATA / "valid-model.yaml",
                       DATA / "valid-assessment.yaml", "--lang", "zh")
    assert code in (0, 1)
    model = mm.load_model(DATA / "valid-model.yaml")
    assert str(model.domains[0].name) in out


def test_in_language_gives_plain_strings() -> None:
    text = LocalText({"en": "A", "zh": "甲"})
    assert type(in_language(text, "zh")) is str and type(in_language(text, None)) is str
    assert attrs.evolve(mm.Level(value=1, name=text)).name == text


def test_plot_words_follow_lang_when_a_cjk_font_draws_them(
        monkeypatch: pytest.MonkeyPatch) -> None:
    model, profile = _caict_profile()
    roadmap = mm.plan(model, profile, mm.Target.uniform(3))
    if _plot_text.cjk_font() is not None:
        ax = plots.roadmap_waves(roadmap, lang="zh")
        assert ax.get_ylabel() == "实践数"
        assert [t.get_text() for t in ax.get_xticklabels()] == ["第 1 批", "第 2 批"]
    monkeypatch.setattr(_plot_text, "cjk_font", lambda: None)
    ax = plots.roadmap_waves(roadmap, lang="zh")  # no font: English words, not boxes
    assert ax.get_ylabel() == "practices"
    assert ax.get_title() == "Roadmap: 57 practices in 2 waves"


def test_plan_lang_zh(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "plan", "caict-devops-cd", EXAMPLE, "--target", "3",
                       "--lang", "zh")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == ("与目标（全部为第 3 级）的差距（harbour-bank-payments）：已达目标的 77 %，"
                        "40 个能力项低于目标，57 项实践未满足")
    assert lines[1] == "  cm.vc.vcs：第 2 级，得分 2.67，目标 3"
    assert "  - cm.vc.vcs.3.1（cm.vc.vcs，第 3 级）：构建、部署和配置脚本与代码一起纳入版本管理" in lines
    code, out, _ = run(capsys, "plan", "caict-devops-cd", EXAMPLE, "--target", "3")
    assert out.startswith("Gap for harbour-bank-payments to the target (level 3 everywhere)")


def test_a_comparison_explains_itself_in_chinese(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    model, after = _caict_profile()
    answers = dict(standards.example_assessment("caict-devops-cd").answers)
    answers["cm.vc.vcs.3.1"] = 1.0
    better = mm.score(model, mm.Assessment(model=model.id, answers=answers, subject="t"))
    diff = mm.compare(after, better)
    english, chinese = diff.explain(), diff.explain(lang="zh")
    assert "improved" in english and "improved" not in chinese
    assert "提升" in chinese.splitlines()[0]
    assert "  cm.vc.vcs: 提升, 2.67 (L2) → 3.00 (L3), +0.33" in chinese.splitlines()
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    mm.dump_profile(after, first)
    mm.dump_profile(better, second)
    code, out, _ = run(capsys, "compare", first, second, "--lang", "zh")
    assert code == 0 and out.strip() == chinese
    code, _, err = run(capsys, "compare", first, second, "--lang", "not a tag")
    assert code == 2 and err.startswith("maturity: error:")
