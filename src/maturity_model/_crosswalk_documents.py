"""Crosswalks as documents: to and from dicts, text and files (YAML, JSON, TOML).

A crosswalk file (``format: maturity-crosswalk/1``)::

    format: maturity-crosswalk/1
    source_model: owasp-dsomm
    source_version: "4.3.1"
    target_model: owasp-samm
    target_version: "2.0"
    mappings:
      - {source: build.1, target: I-SB-1-A, relationship: subset, strength: 7,
         rationale: "..."}

Reading checks the form only (every problem with its path, nothing half-loaded); whether
the ids exist in the two models is :func:`maturity_model.crosswalk.check`'s work.
"""

from __future__ import annotations

import os
from typing import Any

from maturity_model._converter import converter_for, structure
from maturity_model._documents import as_kind, dumps_document, parse_bounded, take_format
from maturity_model._reading import DEFAULT_LIMITS, FileFormat, Limits, format_of, read_document
from maturity_model._writing import write_atomic
from maturity_model.crosswalk import CROSSWALK_FORMAT, Crosswalk
from maturity_model.errors import CrosswalkValidationError

__all__ = [
    "crosswalk_from_dict",
    "crosswalk_to_dict",
    "dump_crosswalk",
    "load_crosswalk",
    "loads_crosswalk",
]


def crosswalk_from_dict(doc: Any, *, limits: Limits = DEFAULT_LIMITS) -> Crosswalk:
    """Build a crosswalk from a parsed document.

    :raises CrosswalkValidationError: listing every problem of the document's form.

    >>> cw = crosswalk_from_dict({"source_model": "a", "target_model": "b", "mappings": [
    ...     {"source": "a.1", "target": "b.1", "relationship": "equal"}]})
    >>> cw.mappings[0].relationship
    'equal'
    >>> crosswalk_from_dict({"source_model": "a", "target_model": "b", "mappings": [
    ...     {"source": "a.1", "target": "b.1", "relationship": "same"}]}).mappings
    Traceback (most recent call last):
    ...
    maturity_model.errors.CrosswalkValidationError: 1 problem:
      $.mappings[0].relationship: ...
    """
    body = take_format(doc, CROSSWALK_FORMAT, CrosswalkValidationError, limits)
    return structure(body, Crosswalk, converter_for(None), CrosswalkValidationError)


def crosswalk_to_dict(crosswalk: Crosswalk) -> dict[str, Any]:
    """The document form of a crosswalk (defaults left out).

    >>> from maturity_model.crosswalk import Mapping
    >>> crosswalk_to_dict(Crosswalk(source_model="a", target_model="b",
    ...                             mappings=[Mapping("a.1", "b.1", "equal", 5)]))
    {'format': 'maturity-crosswalk/1', 'source_model': 'a', 'target_model': 'b', \
'mappings': [{'source': 'a.1', 'target': 'b.1', 'relationship': 'equal', 'strength': 5}]}
    """
    body = converter_for(None).unstructure(crosswalk)
    order = ("source_model", "source_version", "target_model", "target_version", "name",
             "description", "mappings")
    return {"format": CROSSWALK_FORMAT, **{k: body[k] for k in order if k in body}}


def loads_crosswalk(text: str, file_format: FileFormat = "yaml", *,
                    limits: Limits = DEFAULT_LIMITS) -> Crosswalk:
    r"""Read a crosswalk from text.

    >>> loads_crosswalk("source_model: a\ntarget_model: b\nmappings: []").target_model
    'b'
    """
    return as_kind(CrosswalkValidationError, lambda: crosswalk_from_dict(
        parse_bounded(text, file_format, limits), limits=limits))


def load_crosswalk(path: str | os.PathLike[str], *, file_format: FileFormat | None = None,
                   limits: Limits = DEFAULT_LIMITS) -> Crosswalk:
    """Read a crosswalk file (YAML, JSON or TOML, by suffix or ``file_format``).

    :raises OSError: the file cannot be read.
    :raises CrosswalkValidationError: the file is malformed (every problem listed).
    """
    return as_kind(CrosswalkValidationError, lambda: crosswalk_from_dict(
        read_document(path, file_format, limits=limits), limits=limits))


def dump_crosswalk(crosswalk: Crosswalk, path: str | os.PathLike[str] | None = None, *,
                   file_format: FileFormat | None = None) -> str:
    """Serialize a crosswalk; write it to ``path`` (atomically) when given. Returns the text.

    >>> from maturity_model.crosswalk import Mapping
    >>> print(dump_crosswalk(Crosswalk(source_model="a", target_model="b",
    ...                                mappings=[Mapping("a.1", "b.1", "subset")])), end="")
    format: maturity-crosswalk/1
    source_model: a
    target_model: b
    mappings:
    - source: a.1
      target: b.1
      relationship: subset
    """
    fmt = format_of(path, file_format) if path is not None else (file_format or "yaml")
    text = dumps_document(crosswalk_to_dict(crosswalk), fmt)
    if path is not None:
        write_atomic(path, text)
    return text
