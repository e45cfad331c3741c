"""``--lang``: the language the ``maturity`` command writes model text and its own words in.

The option wins; else ``MATURITY_LANG`` from the environment; else the model's own
``language``. Names fall back from the asked tag to its language (``zh-Hans`` → ``zh``)
and then to the model's language, so a model without Chinese still prints in full.
"""

from __future__ import annotations

import argparse
import os

from maturity_model._cli_common import UsageError
from maturity_model._phrases import LANG_VARIABLE, normal_tag
from maturity_model.errors import shown
from maturity_model.languages import is_language_tag
from maturity_model.model import MaturityModel

__all__ = ["add_lang_option", "chosen_language"]


def add_lang_option(parser: argparse.ArgumentParser) -> None:
    """Give a command the ``--lang TAG`` option."""
    parser.add_argument("--lang", metavar="TAG",
                        help="language of names and words, a BCP 47 tag such as zh or en "
                             f"(default: ${LANG_VARIABLE}, else the model's language)")


def chosen_language(args: argparse.Namespace, model: MaturityModel | None) -> str:
    """The language to write in: ``--lang``, ``MATURITY_LANG``, the model's, or English.

    :raises UsageError: the tag given is not a BCP 47 tag (exit status 2).
    """
    given = getattr(args, "lang", None)
    source = "--lang"
    if given is None:
        given = os.environ.get(LANG_VARIABLE) or None
        source = LANG_VARIABLE
    if given is None:
        return model.language if model is not None else "en"
    tag = normal_tag(given)
    if not is_language_tag(tag):
        raise UsageError(f"{source}: {shown(given)} is not a language tag (write it like en, zh "
                         f"or zh-Hans)")
    return tag
