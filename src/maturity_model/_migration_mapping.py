"""A person's mapping from old practices to new ones, for :func:`maturity_model.migrate`.

In YAML, JSON or TOML::

    format: maturity-migration-mapping/1        # optional
    practices:
      old-id: new-id                            # carry the answer to new-id
      old-id-2: {to: new-id-2, values: {"Some": "Partly", "Most": 0.75}}
      old-id-3: null                            # drop it on purpose
    values: {"Yes, for some": "Partly"}         # optional: for every practice

In CSV, a header ``old_id,new_id`` and optionally ``old_value,new_value``; a row with an
``old_value`` adds a value mapping for that practice, an empty ``new_id`` drops it.

Value keys are old answers as written (labels match ignoring case; ``true``, ``false`` and
numbers as written); a value is a label of the new practice's answer set, ``true``,
``false``, a number in [0, 1] or ``n/a``.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final

import attrs

from maturity_model._numbers import is_finite_number
from maturity_model._reading import decode_text, read_bounded, read_document
from maturity_model.errors import Problem, ValidationError, shown

__all__ = ["MAPPING_FORMAT", "MigrationMapping", "answer_key", "load_mapping"]

MAPPING_FORMAT: Final = "maturity-migration-mapping/1"

Value = bool | int | float | str


def answer_key(answer: object) -> str:
    """How an old answer is looked up in a value map.

    >>> answer_key(True), answer_key(0.50), answer_key(" Yes, for SOME ")
    ('true', '0.5', 'yes, for some')
    """
    if isinstance(answer, bool):
        return "true" if answer else "false"
    if isinstance(answer, int | float):
        return f"{answer:g}"
    return str(answer).strip().casefold()


def _values(values: Mapping[Any, Value] | None) -> Mapping[str, Value]:
    return MappingProxyType({answer_key(k): v for k, v in (values or {}).items()})


def _practices(values: Mapping[str, str | None] | None) -> Mapping[str, str | None]:
    return MappingProxyType(dict(values or {}))


def _per_practice(values: Mapping[str, Mapping[Any, Value]] | None
                  ) -> Mapping[str, Mapping[str, Value]]:
    return MappingProxyType({k: _values(v) for k, v in (values or {}).items()})


@attrs.frozen(kw_only=True)
class MigrationMapping:
    """Old practice id → new practice id (``None``: drop), and answer value maps.

    :param practices: old id → new id; overrides every match the diff made for it.
    :param values: old answer → new answer, for every practice.
    :param practice_values: old practice id → its own value map (wins over ``values``).

    >>> m = MigrationMapping(practices={"a": "b"}, values={"Some": "Partly"})
    >>> m.value_for("a", "some")
    'Partly'
    """

    practices: Mapping[str, str | None] = attrs.field(factory=dict, converter=_practices)
    values: Mapping[str, Value] = attrs.field(factory=dict, converter=_values)
    practice_values: Mapping[str, Mapping[str, Value]] = attrs.field(
        factory=dict, converter=_per_practice)

    def value_for(self, old_id: str, answer: object) -> Value | None:
        """The mapped answer for ``answer`` to ``old_id``; ``None`` when none is given."""
        key = answer_key(answer)
        own = self.practice_values.get(old_id, {})
        if key in own:
            return own[key]
        return self.values.get(key)


def _problem(path: str, message: str) -> Problem:
    return Problem.of("invalid-value", path, message)


def _check_value(value: object, path: str, problems: list[Problem]) -> bool:
    if isinstance(value, bool | str):
        return True
    if isinstance(value, int | float) and is_finite_number(value) and 0 <= value <= 1:
        return True
    problems.append(_problem(path, f"{shown(value)} is not an answer: use a label, true, "
                                   "false, a number in [0, 1] or 'n/a'"))
    return False


def _value_map(raw: object, path: str, problems: list[Problem]) -> dict[Any, Value]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        problems.append(_problem(path, "must map old answers to new answers"))
        return {}
    return {k: v for k, v in raw.items()
            if _check_value(v, f"{path}[{shown(k)}]", problems)}


def mapping_from_document(doc: object, problems: list[Problem]) -> MigrationMapping:
    """A mapping from a parsed YAML/JSON/TOML document; problems are appended."""
    if not isinstance(doc, dict):
        problems.append(_problem("$", "must be a mapping with 'practices'"))
        return MigrationMapping()
    for key in doc:
        if key not in ("format", "practices", "values"):
            problems.append(Problem.of("unknown-field", f"$.{key}",
                                       f"unknown field {shown(key)}: use practices, values"))
    if doc.get("format", MAPPING_FORMAT) != MAPPING_FORMAT:
        problems.append(_problem("$.format", f"must be {MAPPING_FORMAT!r}"))
    raw = doc.get("practices") or {}
    if not isinstance(raw, dict):
        problems.append(_problem("$.practices", "must map old practice ids to new ones"))
        raw = {}
    practices: dict[str, str | None] = {}
    own: dict[str, dict[Any, Value]] = {}
    for old, given in raw.items():
        path = f"$.practices[{shown(old)}]"
        target = given
        if isinstance(given, dict):
            extra = set(given) - {"to", "values"}
            if extra:
                problems.append(Problem.of("unknown-field", path,
                                           f"unknown field {shown(sorted(extra)[0])}: use "
                                           "to, values"))
            own[str(old)] = _value_map(given.get("values"), f"{path}.values", problems)
            target = given.get("to")
        if target is not None and not isinstance(target, str):
            problems.append(_problem(path, "must be a practice id of the new model or null"))
            continue
        practices[str(old)] = target
    values = _value_map(doc.get("values"), "$.values", problems)
    return MigrationMapping(practices=practices, values=values, practice_values=own)


def _csv_number(text: str) -> Value:
    lowered = text.strip().casefold()
    if lowered in ("true", "false"):
        return lowered == "true"
    try:
        return float(text)
    except ValueError:
        return text


#: The columns of a CSV mapping.
_CSV_COLUMNS: Final = ("old_id", "new_id", "old_value", "new_value")


def mapping_from_csv(text: str, problems: list[Problem]) -> MigrationMapping:
    """A mapping from CSV text (``old_id,new_id[,old_value,new_value]``)."""
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or "old_id" not in rows[0] or "new_id" not in rows[0]:
        problems.append(_problem("$", "the first row must name the columns old_id, new_id"
                                      " (and optionally old_value, new_value)"))
        return MigrationMapping()
    head = [h.strip() for h in rows[0]]
    for k, name in enumerate(head):  # a column the mapping does not read would be lost
        if name not in _CSV_COLUMNS:
            problems.append(Problem.of("unknown-field", f"$[1][{k}]", f"unknown column "
                                       f"{shown(name)}: use {', '.join(_CSV_COLUMNS)}"))
        elif head.index(name) != k:
            problems.append(Problem.of("duplicate-id", f"$[1][{k}]",
                                       f"column {shown(name)} appears more than once"))
    at = {name: head.index(name) for name in _CSV_COLUMNS if name in head}
    practices: dict[str, str | None] = {}
    first: dict[str, int] = {}
    own: dict[str, dict[Any, Value]] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(head) and any(cell.strip() for cell in row[len(head):]):
            problems.append(Problem.of("ragged-row", f"$[{number}]", f"the row has "
                                       f"{len(row)} cells, the header {len(head)}"))
            continue
        cell = {name: row[i].strip() if i < len(row) else "" for name, i in at.items()}
        old = cell["old_id"]
        if not old:
            problems.append(_problem(f"$[{number}]", "old_id is empty"))
            continue
        new = cell["new_id"] or None
        if old in practices and practices[old] != new:  # rows may repeat it for values
            problems.append(Problem.of(
                "duplicate-id", f"$[{number}].new_id", f"{shown(old)} is mapped to "
                f"{shown(practices[old])} on row {first[old]} already, not {shown(new)}"))
            continue
        practices[old] = new
        first.setdefault(old, number)
        if cell.get("old_value"):
            value = _csv_number(cell.get("new_value", ""))
            if _check_value(value, f"$[{number}].new_value", problems):
                own.setdefault(old, {})[cell["old_value"]] = value
    return MigrationMapping(practices=practices, practice_values=own)


def load_mapping(path: str | os.PathLike[str]) -> MigrationMapping:
    """Read a mapping file: CSV by its ``.csv`` suffix, else YAML, JSON or TOML.

    :raises ValidationError: listing every problem of the file.
    :raises OSError: the file cannot be read.

    >>> load_mapping("no-such-mapping.yaml")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    FileNotFoundError: no-such-mapping.yaml
    """
    problems: list[Problem] = []
    if os.fspath(path).lower().endswith(".csv"):
        mapping = mapping_from_csv(decode_text(read_bounded(path)), problems)
    else:
        mapping = mapping_from_document(read_document(path), problems)
    if problems:
        raise ValidationError(problems)
    return mapping
