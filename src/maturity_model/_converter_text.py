"""Reading and writing the human texts of documents: a string or language tag → string.

The converter (:mod:`maturity_model._converter`) gives every attrs class with text fields
(marked with :data:`maturity_model.languages.TEXT`) hooks from here: a text is read as a
string or, written as a mapping, as a :class:`~maturity_model.languages.LocalText` whose
string value is the text in the document's default language; it is written back the way
it came.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from maturity_model.errors import shown
from maturity_model.languages import LocalText, is_text_field

__all__ = ["text_hooks", "text_language"]


#: The default language of the document being read: the string value of a text written
#: as a mapping is its text in this language.
_LANGUAGE: ContextVar[str | None] = ContextVar("maturity_model_text_language", default=None)


@contextmanager
def text_language(language: object) -> Iterator[None]:
    """Read texts written as mappings with ``language`` as their default, inside the block."""
    token = _LANGUAGE.set(language if isinstance(language, str) else None)
    try:
        yield
    finally:
        _LANGUAGE.reset(token)


def _structure_text(value: Any, _: type) -> str:
    """A text: a string, or a mapping from language tag to string (checked by ``check``)."""
    if isinstance(value, str):
        return value
    if not isinstance(value, Mapping):
        hint = f' (write it quoted: "{shown(value)}")' if isinstance(value, int | float) else ""
        raise ValueError(f"must be a string or a mapping from language tag to string, not "
                         f"{shown(value)}{hint}")
    for key, text in value.items():
        if not isinstance(key, str) or not isinstance(text, str):
            raise ValueError(f"a language tag and its text must be strings, not "
                             f"{shown(key)}: {shown(text)}")
    if not value:
        raise ValueError("a text written as a mapping needs at least one language")
    return LocalText(value, language=_LANGUAGE.get())


def _unstructure_text(text: str) -> Any:
    return text.to_document() if isinstance(text, LocalText) else str(text)


def text_hooks(converter: cattrs.Converter) -> None:
    """Text fields (marked with ``languages.TEXT``) read and write strings or mappings."""

    def has_text(cls: Any) -> bool:
        return attrs.has(cls) and any(is_text_field(f) for f in attrs.fields(cls))

    def structure_fn(cls: Any) -> Any:
        texts: dict[str, Any] = {f.name: override(struct_hook=_structure_text)
                 for f in attrs.fields(cls) if is_text_field(f)}
        return make_dict_structure_fn(cls, converter, _cattrs_forbid_extra_keys=True,
                                      **texts)

    def unstructure_fn(cls: Any) -> Any:
        texts: dict[str, Any] = {f.name: override(unstruct_hook=_unstructure_text)
                 for f in attrs.fields(cls) if is_text_field(f)}
        return make_dict_unstructure_fn(cls, converter, _cattrs_omit_if_default=True,
                                        **texts)

    converter.register_structure_hook_factory(has_text, structure_fn)
    converter.register_unstructure_hook_factory(has_text, unstructure_fn)
