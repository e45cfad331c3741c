"""Text in more than one language: :class:`LocalText` and the language fallback.

Every human text of a model (names, descriptions, practice texts, level names, answer
labels) is a string or a mapping from a BCP 47 language tag to a string. In memory both
are strings: a mapping becomes a :class:`LocalText`, a ``str`` whose value is the text in
the model's default language and which carries every translation. So code that treats a
name as a string keeps working, and code that wants another language asks for it:

>>> name = LocalText({"en": "Version control", "zh": "版本控制"}, language="en")
>>> name, name.get("zh-Hans"), name.get("fr")
(LocalText({'en': 'Version control', 'zh': '版本控制'}, language='en'), '版本控制', \
'Version control')
>>> name.upper()
'VERSION CONTROL'

A lookup tries the asked tag, then the tag without its last subtags (``zh-Hans-CN``,
``zh-Hans``, ``zh``), then any text in the same language (``zh`` finds ``zh-Hans``),
then the default. It never returns a tag or a mapping.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any, Final

__all__ = [
    "DEFAULT_LANGUAGE",
    "TEXT",
    "LocalText",
    "as_text",
    "in_language",
    "is_language_tag",
    "is_text_field",
    "language_chain",
    "local_text",
]

#: The language of a model that does not say.
DEFAULT_LANGUAGE: Final = "en"

# RFC 5646 (BCP 47) well-formed tags: language[-script][-region][-variant]*[-extension]*
# [-privateuse], or a private-use tag alone. Grandfathered irregular tags are left out.
_TAG: Final = re.compile(
    r"""(?:(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4}|[a-z]{5,8})   # language
        (?:-[a-z]{4})?                                           # script
        (?:-(?:[a-z]{2}|[0-9]{3}))?                              # region
        (?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*                 # variants
        (?:-[0-9a-wy-z](?:-[a-z0-9]{2,8})+)*                     # extensions
        (?:-x(?:-[a-z0-9]{1,8})+)?                               # private use
     |x(?:-[a-z0-9]{1,8})+)""",
    re.VERBOSE | re.IGNORECASE)


def is_language_tag(tag: object) -> bool:
    """Whether ``tag`` is a well-formed BCP 47 language tag.

    >>> is_language_tag("zh-Hans"), is_language_tag("en-GB"), is_language_tag("zh_CN")
    (True, True, False)
    >>> is_language_tag("e"), is_language_tag("zh-"), is_language_tag("")
    (False, False, False)
    """
    return isinstance(tag, str) and _TAG.fullmatch(tag) is not None


def language_chain(lang: str | None, default: str | None = None) -> tuple[str, ...]:
    """The tags a lookup of ``lang`` tries in order, ending with ``default``.

    >>> language_chain("zh-Hans-CN", "en")
    ('zh-Hans-CN', 'zh-Hans', 'zh', 'en')
    >>> language_chain(None, "zh")
    ('zh',)
    """
    chain: list[str] = []
    if lang:
        parts = lang.split("-")
        chain.extend("-".join(parts[:n]) for n in range(len(parts), 0, -1))
    if default and default not in chain:
        chain.append(default)
    return tuple(chain)


def _primary(tag: str) -> str:
    return tag.split("-", 1)[0].casefold()


class LocalText(str):
    """An immutable text with translations; as a ``str``, the default-language text.

    :param texts: a plain string (a text in no declared language) or a mapping from
        BCP 47 tag to text.
    :param language: the tag whose text is the string value; the mapping's first tag
        when omitted or absent from the mapping.

    Two local texts are equal when their value, language and translations all are, so
    models that differ only in a translation differ. Against a plain ``str`` a local text
    compares as the string it is (its default-language text), as any ``str`` subclass
    does, so ``name == "Initial"`` keeps working; the hash is the string's, as that
    equality needs.

    >>> LocalText("Build") == "Build", LocalText({"en": "Build"}) == "Build"
    (True, True)
    >>> LocalText({"en": "Build", "zh": "构建"}) == LocalText({"en": "Build", "zh": "建"})
    False
    >>> LocalText({"en": "Build", "zh": "构建"}, language="zh")
    LocalText({'en': 'Build', 'zh': '构建'}, language='zh')
    >>> str(LocalText({"en": "Build", "zh": "构建"}, language="zh"))
    '构建'
    """

    language: str | None
    texts: Mapping[str, str]

    def __new__(cls, texts: str | Mapping[str, str] = "",
                language: str | None = None) -> LocalText:
        if isinstance(texts, str):
            self = super().__new__(cls, texts)
            object.__setattr__(self, "language", None)
            object.__setattr__(self, "texts", MappingProxyType({}))
            return self
        table = dict(texts)
        if not table:
            raise ValueError("a text needs at least one language")
        chosen = language if language in table else next(iter(table))
        self = super().__new__(cls, table[chosen])
        object.__setattr__(self, "language", chosen)
        object.__setattr__(self, "texts", MappingProxyType(table))
        return self

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"LocalText is immutable: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"LocalText is immutable: cannot delete {name!r}")

    @property
    def languages(self) -> tuple[str, ...]:
        """The tags this text is written in, in document order (``()`` for a plain text)."""
        return tuple(self.texts)

    def get(self, lang: str | None, default: str | None = None) -> str:
        """The text in ``lang``, with fallback; never a tag or a mapping.

        :param lang: a BCP 47 tag, or ``None`` for the default text.
        :param default: a tag to try after ``lang`` (the model's language); the string
            value is the last fallback.

        >>> t = LocalText({"en": "Initial", "zh-Hans": "初始级"}, language="en")
        >>> t.get("zh"), t.get("zh-Hans-CN"), t.get("de"), t.get(None)
        ('初始级', '初始级', 'Initial', 'Initial')
        """
        if not self.texts:
            return str(self)
        folded = {tag.casefold(): text for tag, text in self.texts.items()}
        for tag in language_chain(lang):
            if tag.casefold() in folded:
                return folded[tag.casefold()]
        if lang:
            wanted = _primary(lang)
            for tag, text in self.texts.items():
                if _primary(tag) == wanted:
                    return text
        if default and default.casefold() in folded:
            return folded[default.casefold()]
        return str(self)

    def with_language(self, language: str) -> LocalText:
        """The same translations with ``language``'s text as the string value.

        >>> LocalText({"en": "Build", "zh": "构建"}).with_language("zh").language
        'zh'
        """
        return self if not self.texts else LocalText(self.texts, language=language)

    def to_document(self) -> str | dict[str, str]:
        """How the text is written in a file: a string, or a mapping tag → text.

        The default language comes first, so a reader that does not know the model's
        language takes the same default.

        >>> LocalText("Build").to_document(), LocalText({"zh": "构建"}).to_document()
        ('Build', {'zh': '构建'})
        >>> LocalText({"en": "Build", "zh": "构建"}, language="zh").to_document()
        {'zh': '构建', 'en': 'Build'}
        """
        if not self.texts or self.language is None:
            return str(self)
        return {self.language: str(self), **self.texts}

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LocalText):
            return (str.__eq__(self, other) and self.language == other.language
                    and dict(self.texts) == dict(other.texts))
        return str.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = str.__hash__

    def __iter__(self) -> Iterator[str]:
        return str.__iter__(self)

    def __repr__(self) -> str:
        if not self.texts:
            return str.__repr__(self)
        return f"LocalText({dict(self.texts)!r}, language={self.language!r})"

    def __str__(self) -> str:
        return str.__str__(self)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (str(self), dict(self.texts), self.language))


def _rebuild(value: str, texts: dict[str, str], language: str | None) -> LocalText:
    return LocalText(texts or value, language=language)


def local_text(default: str, translations: Mapping[str, str] | None = None, *,
               language: str = DEFAULT_LANGUAGE) -> str:
    """A text from its default-language value and a mapping of translations.

    What an importer calls when a source gives a text and its translations apart (CISO
    Assistant's ``translations``). Empty translations are left out; a plain string comes
    back when there is none.

    :param default: the text in ``language``.
    :param translations: tag → text in another language.
    :param language: the tag of ``default``.

    >>> local_text("Govern", {"fr": "Gouverner", "de": ""})
    LocalText({'en': 'Govern', 'fr': 'Gouverner'}, language='en')
    >>> local_text("Govern", {})
    'Govern'
    """
    texts = {tag: text for tag, text in (translations or {}).items()
             if isinstance(text, str) and text.strip() and tag != language}
    if not texts:
        return default
    return LocalText({language: default, **texts}, language=language)


def in_language(text: str, lang: str | None, default: str | None = None) -> str:
    """``text`` in ``lang`` when it is a :class:`LocalText`, else the text itself.

    The one function display code calls to show a model's text in a language.

    >>> in_language(LocalText({"en": "Build", "zh": "构建"}), "zh"), in_language("x", "zh")
    ('构建', 'x')
    """
    if isinstance(text, LocalText):
        return text.get(lang, default)
    return str(text)


def as_text(value: str | Mapping[str, str]) -> str:
    """The attrs converter of a text field: a mapping becomes a :class:`LocalText`.

    >>> as_text("Build"), as_text({"zh": "构建"}).language
    ('Build', 'zh')
    """
    if isinstance(value, str):
        return value
    return LocalText(value)


#: The attrs metadata that marks a field as a human text (read by the converter, the
#: schema and validation): ``attrs.field(default="", converter=as_text, metadata=TEXT)``.
TEXT: Final[Mapping[str, bool]] = MappingProxyType({"maturity_model.text": True})


def is_text_field(field: Any) -> bool:
    """Whether an attrs field holds a human text (it carries :data:`TEXT`)."""
    return bool(field.metadata.get("maturity_model.text"))
