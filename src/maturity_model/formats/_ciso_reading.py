"""Reading CISO Assistant objects: texts, translations, the score scale.

See :mod:`maturity_model.formats.ciso_assistant`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from maturity_model.errors import Problem
from maturity_model.formats._sources import PathMap, key_path, shown, type_name
from maturity_model.languages import LocalText, is_language_tag, local_text
from maturity_model.levels import Level, LevelScale

__all__ = ["Reader", "as_int", "localised_text", "translations_of", "urn_tail"]


def translations_of(translations: object, field: str) -> dict[str, str]:
    """One field's texts from CISO Assistant ``translations``: language → text.

    Languages without the field, or with an empty text, are left out.

    >>> translations_of({"fr": {"name": "Gouverner"}, "es": {"name": None}}, "name")
    {'fr': 'Gouverner'}
    """
    if not isinstance(translations, dict):
        return {}
    return {str(lang): text.strip() for lang, fields in translations.items()
            if isinstance(fields, dict) and isinstance(text := fields.get(field), str)
            and text.strip()}


def localised_text(default: str, translations: object, field: str, language: str) -> str:
    """The text a model field gets from a CISO Assistant object and its ``translations``.

    The one place that turns a field and its translations into model text: a
    :class:`~maturity_model.LocalText` holding ``default`` (the text in ``language``, the
    library's ``locale``) and every translation whose tag is BCP 47, or the plain text
    when there is none. All translations also stay in :attr:`Library.translations
    <maturity_model.formats.ciso_assistant.Library>`.

    >>> text = localised_text("Govern", {"fr": {"name": "Gouverner"}}, "name", "en")
    >>> str(text), text.texts["fr"]
    ('Govern', 'Gouverner')
    >>> localised_text("Govern", None, "name", "en")
    'Govern'
    """
    found = {tag: text for tag, text in translations_of(translations, field).items()
             if is_language_tag(tag) and tag != language}
    if not default or not found:
        return default
    return local_text(default, found, language=language)


def urn_tail(urn: str) -> str:
    """The last part of a URN, which CISO Assistant builds from the node's reference.

    >>> urn_tail("urn:intuitem:risk:req_node:nist-csf-2.0:gv.oc-01")
    'gv.oc-01'
    """
    return urn.rsplit(":", 1)[-1]


def as_int(value: object) -> int | None:
    """``value`` when it is an integer (never a bool), else ``None``.

    >>> as_int(3), as_int(True), as_int("3")
    (3, None, None)
    """
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class Reader:
    """Problems, paths and translations gathered while one framework is read."""

    def __init__(self, display: str, paths: PathMap, problems: list[Problem],
                 language: str = "en") -> None:
        self.display = display
        self.language = language
        self.paths = paths
        self.problems = problems
        self.translations: dict[str, dict[str, dict[str, str]]] = {}
        #: the languages the model's texts were given in besides ``language``
        self.languages: set[str] = set()

    def add(self, code: str, path: str, message: str, *, warning: bool = False) -> None:
        problem = Problem(code=code, severity="warning", path=path, message=message) \
            if warning else Problem.of(code, path, message)
        if problem not in self.problems:  # a node read as a domain and an item: once
            self.problems.append(problem)

    def text(self, data: Mapping[str, Any], field: str, where: str) -> str:
        value = data.get(field)
        if value is None:
            return ""
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str):
            self.add("invalid-value", key_path(where, field),
                     f"must be text, not {type_name(value)}")
            return ""
        text = localised_text(value.strip(), data.get("translations"), field, self.language)
        if isinstance(text, LocalText):
            self.languages.update(text.texts)
        return text

    def keep_translations(self, key: str, data: Mapping[str, Any], where: str) -> None:
        """Keep an object's translations, and its own texts the model has no field for."""
        kept: dict[str, dict[str, str]] = {}
        # Texts a model node has no place for are kept in the base language too.
        own = {field: text.strip() for field in ("annotation", "typical_evidence")
               if isinstance(text := data.get(field), str) and text.strip()}
        if own:
            kept[self.language] = own
        found = data.get("translations")
        if found is not None and not isinstance(found, dict):
            self.add("invalid-value", f"{where}.translations",
                     f"must map a language code to texts, not {type_name(found)}")
            found = None
        for lang, texts in (found or {}).items():
            if not isinstance(lang, str) or not isinstance(texts, dict):
                self.add("invalid-value", key_path(f"{where}.translations", lang),
                         "must map a language code to a mapping of field → text")
                continue
            fields = {str(k): v for k, v in texts.items() if isinstance(v, str) and v.strip()}
            if fields:
                kept.setdefault(lang, {}).update(fields)
        if kept:
            self.translations[key] = kept

    # the scale -----------------------------------------------------------------------

    def scale(self, framework: Mapping[str, Any], where: str) -> tuple[LevelScale, bool, int]:
        """The scale, whether the framework is scored, and the score of level 0 or 1."""
        definition = framework.get("scores_definition")
        labels: Any = definition
        if isinstance(definition, dict):
            labels = definition.get("scale")
            where_labels = f"{where}.scores_definition.scale"
            if definition.get("alternatives"):
                self.add("invalid-value", f"{where}.scores_definition.alternatives",
                         "alternative score scales are not read; nodes use the main scale",
                         warning=True)
        else:
            where_labels = f"{where}.scores_definition"
        low, high = framework.get("min_score"), framework.get("max_score")
        for name, value in (("min_score", low), ("max_score", high)):
            if value is not None and as_int(value) is None:
                self.add("invalid-value", f"{where}.{name}",
                         f"must be an integer, not {shown(value)}")
        low, high = as_int(low), as_int(high)
        if not labels:
            if labels is not None and not isinstance(labels, list):
                self.add("invalid-value", where_labels,
                         f"must be a list of scores, not {type_name(labels)}")
            return LevelScale([Level(value=1, name="Compliant")]), False, 1
        if not isinstance(labels, list):
            self.add("invalid-value", where_labels,
                     f"must be a list of scores, not {type_name(labels)}")
            return LevelScale([Level(value=1, name="Compliant")]), False, 1
        named: dict[int, tuple[str, str, int]] = {}
        for k, entry in enumerate(labels):
            at = f"{where_labels}[{k}]"
            score = as_int(entry.get("score")) if isinstance(entry, dict) else None
            if score is None:
                self.add("invalid-value", f"{at}.score" if isinstance(entry, dict) else at,
                         "a score label needs an integer score")
                continue
            if score in named:
                self.add("duplicate-id", f"{at}.score",
                         f"score {score} is labelled again; the first label is kept",
                         warning=True)
                continue
            named[score] = (self.text(entry, "name", at), self.text(entry, "description", at),
                            k)
        if not named:
            return LevelScale([Level(value=1, name="Compliant")]), False, 1
        if low is None or high is None:
            if framework.get("min_score") is None and framework.get("max_score") is None:
                self.add("invalid-value", where,
                         f"labels scores without min_score and max_score; the scale is read "
                         f"as {min(named)}..{max(named)}, the labels' range", warning=True)
            low = min(named) if low is None else low
            high = max(named) if high is None else high
        if not 0 <= low < high:
            self.add("invalid-value", where,
                     f"the scale must satisfy 0 <= min_score < max_score, not {low}..{high}")
            return LevelScale([Level(value=1, name="Compliant")]), False, 1
        for score, (_, _, k) in sorted(named.items()):
            if not low <= score <= high:
                self.add("level-off-scale", f"{where_labels}[{k}].score",
                         f"score {score} is outside {low}..{high}; its label is dropped",
                         warning=True)
        # Scores stand for levels one to one; a scale that starts above 1 is shifted so
        # its lowest score is level 1.
        base = 0 if low in (0, 1) else low - 1
        framework_urn = str(framework.get("urn", ""))
        levels = []
        for score in range(low, high + 1):
            name, description, k = named.get(score, ("", "", -1))
            if k >= 0 and isinstance(labels[k], dict):
                self.keep_translations(f"{framework_urn}#score={score}", labels[k],
                                       f"{where_labels}[{k}]")
            levels.append(Level(value=score - base, name=name, description=description))
        return LevelScale(levels), True, base

    # the tree ------------------------------------------------------------------------

