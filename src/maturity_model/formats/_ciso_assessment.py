"""Audits of a CISO Assistant framework.

See :func:`maturity_model.formats.ciso_assistant.load_assessment`.
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from maturity_model.errors import AssessmentValidationError, Problem
from maturity_model.evidence import Assessment, RawAnswer
from maturity_model.formats._ciso_framework import COMPLIANCE, COMPLIANCE_ANSWERS
from maturity_model.formats._sources import (
    key_path,
    read_bounded,
    read_yaml,
    shown,
    type_name,
)
from maturity_model.model import CapabilityItem, MaturityModel
from maturity_model.serialization import DEFAULT_LIMITS

__all__ = ["read_assessment"]

#: Every result CISO Assistant writes.
RESULTS: Final = ("not_assessed", "non_compliant", "partially_compliant", "compliant",
                  "not_applicable")
_FALSE: Final = frozenset({"false", "no", "0", "n"})


def _cell(row: Mapping[str, Any], *names: str) -> Any:
    for name in names:
        value = row.get(name)
        if value is not None and not (isinstance(value, str) and not value.strip()):
            return value.strip() if isinstance(value, str) else value
    return None


class _Answers:
    def __init__(self, model: MaturityModel) -> None:
        self.model = model
        self.problems: list[Problem] = []
        self.answers: dict[str, RawAnswer] = {}
        self.answered: dict[str, str] = {}  # item id -> where it was answered
        self.by_ref: dict[str, CapabilityItem] = {}
        self.by_urn: dict[str, CapabilityItem] = {}
        self.by_id: dict[str, CapabilityItem] = {}
        for item in model.items():
            self.by_id[item.id] = item
            if item.key:
                self.by_urn.setdefault(item.key.casefold(), item)
            for ref in item.refs.get(model.id, ()):
                self.by_ref.setdefault(ref.casefold(), item)
        offset = model.metadata.get("score_offset")
        self.offset = int(offset) if offset is not None and offset.isdigit() else 0

    def add(self, code: str, path: str, message: str, *, warning: bool = False) -> None:
        self.problems.append(Problem(code=code, severity="warning", path=path, message=message)
                             if warning else Problem.of(code, path, message))

    def item(self, row: Mapping[str, Any], where: str) -> CapabilityItem | None:
        ref, urn = _cell(row, "ref_id"), _cell(row, "urn", "requirement")
        if ref is None and urn is None:
            self.add("invalid-value", where, "names no requirement (ref_id or urn)")
            return None
        found = None
        if ref is not None:
            found = self.by_ref.get(str(ref).casefold()) or self.by_id.get(str(ref))
        if found is None and isinstance(urn, str):
            found = self.by_urn.get(urn.casefold())
        if found is None:
            named = ref if ref is not None else urn
            self.add("unknown-practice", where,
                     f"{shown(named)} is no assessable requirement of {self.model.id}")
        return found

    def row(self, row: Mapping[str, Any], where: str) -> None:
        assessable = _cell(row, "assessable")
        if assessable is False or (isinstance(assessable, str)
                                   and assessable.casefold() in _FALSE):
            return
        item = self.item(row, where)
        result = _cell(row, "result", "compliance_result")
        if result is not None and result not in RESULTS:
            self.add("invalid-value", key_path(where, "result"),
                     f"must be one of {', '.join(RESULTS)}, not {shown(result)}")
            return
        if item is None:
            return
        if item.id in self.answered:
            self.add("duplicate-id", where, f"{item.id} is answered again (first at "
                     f"{self.answered[item.id]})")
            return
        self.answered[item.id] = where
        practices = item.practices
        if len(practices) == 1 and practices[0].answer_set == COMPLIANCE:
            if result == "not_applicable":
                self.answers[practices[0].id] = "n/a"
            elif result in COMPLIANCE_ANSWERS:
                self.answers[practices[0].id] = result
            return
        score = _cell(row, "score")
        if score is None:
            if result == "not_applicable":
                self.answers.update({p.id: "n/a" for p in practices})
            elif result == "non_compliant":
                self.answers.update({p.id: False for p in practices})
            return
        if result == "not_applicable":
            self.answers.update({p.id: "n/a" for p in practices})
            return
        value = self.score(score, key_path(where, "score"))
        if value is not None:
            self.answers.update({p.id: p.level <= value for p in practices})

    def score(self, score: Any, where: str) -> int | None:
        if isinstance(score, str):
            with contextlib.suppress(ValueError):
                score = float(score)
        if isinstance(score, float) and score.is_integer():
            score = int(score)
        if not isinstance(score, int) or isinstance(score, bool):
            self.add("invalid-value", where, f"a score is a whole number, not {shown(score)}")
            return None
        scale = self.model.scale
        low, high = scale.first + self.offset, scale.top + self.offset
        if not low <= score <= high:
            self.add("level-off-scale", where,
                     f"score {score} is outside the scale {low}..{high}; it is read as "
                     f"{min(max(score, low), high)}", warning=True)
        return min(max(score, low), high) - self.offset


def _rows_csv(path: Path, display: str, found: _Answers) -> None:
    data = read_bounded(path, DEFAULT_LIMITS.max_bytes)
    if data is None:
        found.add("invalid-value", f"{display}:$",
                  f"the file is larger than {DEFAULT_LIMITS.max_bytes} bytes")
        return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        found.add("bad-encoding", f"{display}:$",
                  f"the file is not UTF-8 text ({exc.reason} at byte {exc.start})")
        return
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        # CISO Assistant's own exports title their columns ("Result", "Score").
        header = [h.strip().casefold().replace(" ", "_") for h in reader.fieldnames or []]
        if not {"ref_id", "urn"} & set(header):
            found.add("invalid-value", f"{display}:$[0]",
                      "the header row must name a ref_id or urn column")
            return
        repeated = [k for k, name in enumerate(header) if name and header.index(name) != k]
        for k in repeated:  # only one of the two would be read
            found.add("duplicate-id", f"{display}:$[0][{k}]",
                      f"column {header[k]!r} appears more than once")
        if repeated:
            return
        reader.fieldnames = header
        for number, row in enumerate(reader, start=2):
            stray = row.pop(None, None)
            if stray and any(str(cell).strip() for cell in stray):
                found.add("ragged-row", f"{display}:$[{number - 1}]", f"the row has "
                          f"{len(header) + len(stray)} cells, the header {len(header)}")
                continue
            found.row(row, f"{display}:$[{number - 1}]")
    except csv.Error as exc:
        found.add("invalid-value", f"{display}:$", f"not valid CSV ({exc})")


def _rows_export(path: Path, display: str, found: _Answers) -> str | None:
    docs, problems = read_yaml(path, display)
    found.problems.extend(problems)
    docs = [d for d in docs if d is not None]
    if problems:
        return None
    where = f"{display}:$"
    if len(docs) != 1 or not isinstance(docs[0], dict):
        found.add("invalid-value", where, "an export is one mapping with "
                  "requirement_assessments")
        return None
    listed = docs[0].get("requirement_assessments")
    if not isinstance(listed, list):
        found.add("invalid-value", f"{where}.requirement_assessments",
                  f"must be a list of requirement assessments, not {type_name(listed)}")
        return None
    for k, row in enumerate(listed):
        if isinstance(row, dict):
            found.row(row, f"{where}.requirement_assessments[{k}]")
        else:
            found.add("invalid-value", f"{where}.requirement_assessments[{k}]",
                      f"must be a mapping, not {type_name(row)}")
    subject = _cell(docs[0], "name", "perimeter")
    return subject if isinstance(subject, str) else None


def read_assessment(path: Path, model: MaturityModel, subject: str | None) -> tuple[
        Assessment, tuple[Problem, ...]]:
    """The answers of an audit file, for ``model``, and the warnings reading it gave.

    :raises AssessmentValidationError: any problem is an error.
    """
    display = path.name or str(path)
    if path.is_dir():
        raise IsADirectoryError(f"{display}: is a folder, not an audit file")
    if not path.exists():
        raise FileNotFoundError(f"{display}: no such file")
    found = _Answers(model)
    named = None
    if path.suffix.lower() == ".csv":
        _rows_csv(path, display, found)
    else:
        named = _rows_export(path, display, found)
    if any(p.severity == "error" for p in found.problems):
        raise AssessmentValidationError(found.problems)
    return Assessment(model=model.id, model_version=model.version or None,
                      subject=subject or named or path.stem,
                      answers=found.answers), tuple(found.problems)
