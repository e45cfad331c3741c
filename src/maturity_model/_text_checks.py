"""The language checks of a model: tags, the default-language text, empty texts.

Part of :func:`maturity_model.check`. Every human text of the model (the fields marked
with :data:`maturity_model.languages.TEXT`) is walked once; a text written as a mapping
must use BCP 47 tags, have a text in the model's ``language`` and no empty text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import attrs

from maturity_model.errors import Problem, shown
from maturity_model.languages import LocalText, is_language_tag, is_text_field
from maturity_model.model import CapabilityItem, MaturityModel
from maturity_model.nodes import walk

__all__ = ["text_problems"]


def _tag_path(path: str, tag: str) -> str:
    plain = len(tag) <= 60 and re.fullmatch(r"[A-Za-z0-9_-]+", tag) is not None
    return f"{path}.{tag}" if plain else f"{path}[{shown(tag)}]"


def _owners(model: MaturityModel) -> Iterator[tuple[Any, str]]:
    """Every object that holds texts, with its JSON path."""
    yield model, "$"
    for i, level in enumerate(model.scale.levels):
        yield level, f"$.scale[{i}]"
    for answer_set in model.answer_sets:
        for j, option in enumerate(answer_set.options):
            yield option, f"$.answer_sets[{shown(answer_set.id)}][{j}]"
    for node, path in walk(model.domains):
        yield node, path
        if isinstance(node, CapabilityItem):
            for j, practice in enumerate(node.practices):
                yield practice, f"{path}.practices[{j}]"


def _text_fields(cls: type[Any], cache: dict[type[Any], tuple[str, ...]]) -> tuple[str, ...]:
    names = cache.get(cls)
    if names is None:
        names = cache[cls] = tuple(f.name for f in attrs.fields(cls) if is_text_field(f))
    return names


def text_problems(model: MaturityModel) -> list[Problem]:
    """The problems of the model's language tags and localised texts.

    >>> from maturity_model import Domain, MaturityModel
    >>> m = MaturityModel(id="m", language="en", domains=[
    ...     Domain(id="a", name={"zh_CN": "配置"}), Domain(id="b", name={"en": " "})])
    >>> for p in text_problems(m):
    ...     print(p.code, p.path)
    invalid-language-tag $.domains[0].name.zh_CN
    missing-default-text $.domains[0].name
    empty-text $.domains[1].name.en
    """
    problems: list[Problem] = []
    default = model.language
    default_ok = is_language_tag(default)
    if not default_ok:
        problems.append(Problem.of("invalid-language-tag", "$.language",
                                   f"{shown(default)} is not a BCP 47 language tag "
                                   f"(write it like en, zh, zh-Hans or pt-BR)"))
    for i, tag in enumerate(model.languages):
        if not is_language_tag(tag):
            problems.append(Problem.of("invalid-language-tag", f"$.languages[{i}]",
                                       f"{shown(tag)} is not a BCP 47 language tag"))
    cache: dict[type[Any], tuple[str, ...]] = {}
    folded_default = default.casefold() if isinstance(default, str) else ""
    for owner, path in _owners(model):
        for name in _text_fields(type(owner), cache):
            text = getattr(owner, name)
            if not isinstance(text, LocalText) or not text.texts:
                continue
            field_path = f"{path}.{name}"
            for tag, value in text.texts.items():
                if not is_language_tag(tag):
                    problems.append(Problem.of(
                        "invalid-language-tag", _tag_path(field_path, tag),
                        f"{shown(tag)} is not a BCP 47 language tag "
                        f"(write it like en, zh, zh-Hans or pt-BR)"))
                if not value.strip():
                    problems.append(Problem.of(
                        "empty-text", _tag_path(field_path, tag),
                        f"the {shown(tag)} text is empty: leave the language out instead"))
            if default_ok and folded_default not in {t.casefold() for t in text.texts}:
                problems.append(Problem.of(
                    "missing-default-text", field_path,
                    f"has no text in the model's language {shown(default)} (it has "
                    f"{', '.join(shown(t) for t in text.texts)})"))
    return problems
