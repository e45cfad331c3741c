"""SAMM 2's vocabulary: the document kinds of its ``core`` folder and its model tags."""

from __future__ import annotations

import re
from typing import Final

__all__ = ["ANSWER_KEYS", "KINDS", "model_version"]

# Folder -> (the document ``type`` its files declare, the keys SAMM 2 files have).
KINDS: Final[dict[str, tuple[str, frozenset[str]]]] = {
    "business_functions": ("Function", frozenset(
        {"model", "id", "name", "description", "color", "logo", "order", "type"})),
    "security_practices": ("Practice", frozenset(
        {"function", "id", "name", "shortName", "shortDescription", "longDescription",
         "order", "assignee", "progress", "type"})),
    "streams": ("Stream", frozenset(
        {"practice", "id", "name", "letter", "description", "order", "type"})),
    "maturity_levels": ("MaturityLevel", frozenset(
        {"id", "number", "name", "description", "type"})),
    "practice_levels": ("PracticeLevel", frozenset(
        {"practice", "maturityLevel", "id", "objective", "type"})),
    "activities": ("Activity", frozenset(
        {"stream", "level", "id", "title", "benefit", "shortDescription", "longDescription",
         "results", "metrics", "costs", "personnel", "notes", "relatedActivities", "type"})),
    "answer_sets": ("AnswerSet", frozenset({"id", "values", "type"})),
    "questions": ("Question", frozenset(
        {"activity", "answerSet", "id", "text", "order", "quality", "type"})),
}
ANSWER_KEYS: Final = frozenset({"text", "value", "weight", "order"})


def model_version(tag: str) -> str:
    """The model version a SAMM ``model`` tag stands for.

    >>> model_version("SAMM20"), model_version("SAMM21"), model_version("2.2")
    ('2.0', '2.1', '2.2')
    """
    match = re.fullmatch(r"SAMM(\d)(\d+)", tag.strip(), flags=re.IGNORECASE)
    return f"{match.group(1)}.{match.group(2)}" if match else tag.strip()
