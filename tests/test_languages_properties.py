"""Properties of localised text (DESIGN §2, "Localised text"; invariant 3 with languages).

Every text of a generated model is given translations in several languages; dumping and
loading the model, or a profile scored with it, keeps every language of every text.
"""

from __future__ import annotations

from typing import Any

import attrs
from hypothesis import given
from hypothesis import strategies as st

import maturity_model as mm
from maturity_model.languages import LocalText, is_text_field, language_chain
from maturity_model.serialization import (
    dump_model,
    dump_profile,
    load_profile_text,
    loads_model,
)
from tests.strategies import assessments, models

TAGS = ("en", "zh", "zh-Hans", "pt-BR", "de", "ja", "sr-Latn-RS")

#: Letters, digits and punctuation of many scripts, never blank.
WORDS = st.text(st.characters(codec="utf-8", categories=("L", "N", "P")), min_size=1,
                max_size=10)


def _localise(draw: st.DrawFn, obj: Any, language: str) -> Any:
    """``obj`` with every text field (and every child's) in ``language`` and others."""
    changes: dict[str, Any] = {}
    for field in attrs.fields(type(obj)):
        value = getattr(obj, field.name)
        if is_text_field(field):
            others = draw(st.lists(st.sampled_from(TAGS), max_size=3, unique=True))
            # An answer label keeps its default text (assessments answer with it) and
            # stays unique in every language: its old label ends each translation.
            end = str(value) if isinstance(obj, mm.AnswerOption) else ""
            texts = {language: end or draw(WORDS),
                     **{tag: draw(WORDS) + end for tag in others if tag != language}}
            changes[field.name] = LocalText(texts, language=language)
        elif isinstance(value, tuple) and value and attrs.has(type(value[0])):
            changes[field.name] = tuple(_localise(draw, v, language) for v in value)
        elif isinstance(value, mm.LevelScale):
            changes[field.name] = mm.LevelScale(
                tuple(_localise(draw, level, language) for level in value.levels))
    return attrs.evolve(obj, **changes)


@st.composite
def multilingual_models(draw: st.DrawFn, base: mm.MaturityModel | None = None
                        ) -> mm.MaturityModel:
    """Generated models whose every text is written in one to four languages."""
    model = draw(models(max_items=4)) if base is None else base
    language = draw(st.sampled_from(TAGS))
    languages = sorted({language, *draw(st.lists(st.sampled_from(TAGS), max_size=3))})
    localised: mm.MaturityModel = _localise(draw, model, language)
    return attrs.evolve(localised, language=language, languages=languages)


def _texts(model: mm.MaturityModel) -> list[tuple[str, str | None, dict[str, str]]]:
    """Every text of the model: its value, language and translations, in document order."""
    found: list[tuple[str, str | None, dict[str, str]]] = []
    owners: list[Any] = [model, *model.scale.levels,
                         *(o for s in model.answer_sets for o in s.options),
                         *model.domains_preorder(), *model.items(), *model.practices()]
    for owner in owners:
        for field in attrs.fields(type(owner)):
            if is_text_field(field):
                text = getattr(owner, field.name)
                assert isinstance(text, LocalText)
                found.append((str(text), text.language, dict(text.texts)))
    return found


@given(multilingual_models(), st.sampled_from(["yaml", "json", "toml"]))
def test_dump_then_load_keeps_every_language(model: mm.MaturityModel, fmt: str) -> None:
    assert [p for p in mm.check(model) if p.severity == "error"] == []
    text = dump_model(model, file_format=fmt)  # type: ignore[arg-type]
    loaded = loads_model(text, fmt)  # type: ignore[arg-type]
    assert loaded == model
    assert _texts(loaded) == _texts(model)
    assert loaded.languages == model.languages and loaded.language == model.language
    assert dump_model(loaded, file_format=fmt) == text  # type: ignore[arg-type]


@given(st.data())
def test_a_profile_keeps_the_languages_of_names_and_levels(data: st.DataObject) -> None:
    base = data.draw(models(max_items=4))
    assessment = data.draw(assessments(base))  # labels as the base model writes them
    model = data.draw(multilingual_models(base))
    profile = mm.score(model, assessment)
    loaded = load_profile_text(dump_profile(profile))
    assert loaded == profile
    for result in profile:
        name = loaded[result.node_id].name
        assert isinstance(name, LocalText) and isinstance(result.name, LocalText)
        assert dict(name.texts) == dict(result.name.texts)
        assert name.language == result.name.language
    for level in profile.scale:
        for tag in (*TAGS, None):
            assert loaded.level_name(level.value, tag) == profile.level_name(level.value, tag)


@given(multilingual_models(), st.sampled_from([*TAGS, "zh-Hant-TW", "fr", "en-GB"]))
def test_a_lookup_never_shows_a_tag_or_a_mapping(model: mm.MaturityModel, lang: str) -> None:
    for node_id in (model.id, *model.node_ids()):
        shown = model.text(node_id, lang=lang)
        assert type(shown) is str and shown.strip()
        node = model if node_id == model.id else model.node(node_id)
        name = node.name
        assert isinstance(name, LocalText)
        texts = name.texts
        # The first tag of the fallback chain that the text has wins; else the default.
        wanted = next((texts[t] for t in language_chain(lang) if t in texts), None)
        if wanted is not None:
            assert shown == wanted
        elif not any(t.split("-")[0] == lang.split("-", maxsplit=1)[0] for t in texts):
            assert shown == texts[model.language]


@given(st.dictionaries(st.sampled_from(TAGS), WORDS, min_size=1), st.sampled_from(TAGS))
def test_equal_texts_hash_alike_and_compare_as_their_value(texts: dict[str, str],
                                                           language: str) -> None:
    language = language if language in texts else next(iter(texts))
    text = LocalText(texts, language=language)
    again = LocalText(dict(reversed(list(texts.items()))), language=language)
    assert text == again and hash(text) == hash(again)
    assert text == str(text) and hash(text) == hash(str(text))
    if len(texts) > 1:
        fewer = LocalText(dict(list(texts.items())[:-1]), language=text.language)
        assert fewer != text or fewer.texts == text.texts
