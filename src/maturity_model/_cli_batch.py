"""Many assessments for ``maturity score``: files, folders, CSV and JSON-lines tables.

Inputs are read lazily and profiles are written as they are computed, so a table of a
million rows streams with bounded memory (except ``--format json``, which prints one
JSON array).
"""

from __future__ import annotations

import csv
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from maturity_model.errors import AssessmentValidationError, Problem, ValidationError
from maturity_model.evidence import Assessment, RawAnswer
from maturity_model.model import MaturityModel
from maturity_model.profile import Profile

ASSESSMENT_SUFFIXES = (".yaml", ".yml", ".json", ".toml", ".csv", ".jsonl", ".xlsx")
_WORDS = {"true": True, "false": False}


def _cell(text: str) -> RawAnswer:
    value = text.strip()
    if not value:
        return None
    folded = value.casefold()
    if folded in _WORDS:
        return _WORDS[folded]
    try:
        return float(value)
    except ValueError:
        return value


def _csv_rows(path: Path, model: MaturityModel) -> Iterator[
        tuple[str, Assessment | ValidationError]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        for number, row in enumerate(reader, start=2):
            label = f"{path}:{number}"
            subject = (row.pop("subject", None) or "").strip() or f"row {number - 1}"
            date = (row.pop("date", None) or "").strip() or None
            answers = {key: _cell(value or "") for key, value in row.items() if key}
            doc: dict[str, Any] = {"model": model.id, "subject": subject, "answers": answers}
            if date:
                doc["date"] = date
            yield label, _assessment(doc)


def _jsonl_rows(path: Path, model: MaturityModel) -> Iterator[
        tuple[str, Assessment | ValidationError]]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            label = f"{path}:{number}"
            try:
                doc = json.loads(line)
            except ValueError as exc:
                yield label, AssessmentValidationError([Problem.error(
                    "invalid-value", "$", f"not valid JSON: {exc}")])
                continue
            if isinstance(doc, dict):
                doc.setdefault("model", model.id)
            yield label, _assessment(doc)


def _assessment(doc: Any) -> Assessment | ValidationError:
    from maturity_model.serialization import assessment_from_dict

    try:
        return assessment_from_dict(doc)
    except ValidationError as exc:
        return exc


def _toolbox(path: Path, model: MaturityModel) -> Assessment | ValidationError:
    from maturity_model.formats import samm

    try:
        return samm.load_toolbox(path, model=model)
    except ValidationError as exc:
        return exc


def _is_dsomm_progress(path: Path, model: MaturityModel) -> bool:
    from maturity_model.formats import detect, dsomm

    return model.id == dsomm.MODEL_ID and detect(path) == "dsomm-progress"


def _dsomm_progress(path: Path, model: MaturityModel) -> Iterator[
        tuple[str, Assessment | ValidationError]]:
    """The DSOMM app's team progress file: one assessment per team."""
    from maturity_model.formats import dsomm

    try:
        teams = dsomm.load_progress(path, model=model)
    except ValidationError as exc:
        yield str(path), exc
        return
    for team, assessment in teams.items():
        yield f"{path}[{team}]", assessment


def iter_assessments(specs: list[str], model: MaturityModel) -> Iterator[
        tuple[str, Assessment | ValidationError]]:
    """Every assessment named on the command line, with a label saying where it came from."""
    from maturity_model.serialization import load_assessment

    for spec in specs:
        path = Path(spec)
        if spec == "-":  # standard input: one assessment document
            try:
                yield spec, load_assessment(spec)
            except ValidationError as exc:
                yield spec, exc
            continue
        if not path.exists():
            raise FileNotFoundError(spec)
        if path.is_dir():
            files = sorted(p for p in path.iterdir()
                           if p.is_file() and p.suffix.lower() in ASSESSMENT_SUFFIXES)
        else:
            files = [path]
        for file in files:
            suffix = file.suffix.lower()
            if suffix == ".csv":
                yield from _csv_rows(file, model)
            elif suffix in (".jsonl", ".ndjson"):
                yield from _jsonl_rows(file, model)
            elif suffix == ".xlsx":
                yield str(file), _toolbox(file, model)
            elif _is_dsomm_progress(file, model):
                yield from _dsomm_progress(file, model)
            else:
                try:
                    yield str(file), load_assessment(file)
                except ValidationError as exc:
                    yield str(file), exc


class Progress:
    """A one-line counter on stderr, shown only on a terminal and not with ``--quiet``."""

    def __init__(self, *, quiet: bool) -> None:
        self.enabled = not quiet and sys.stderr.isatty()
        self.count = 0
        self.failed = 0
        self.started = time.monotonic()
        self._last = 0.0

    def step(self, *, failed: bool = False) -> None:
        self.count += 1
        self.failed += failed
        now = time.monotonic()
        if self.enabled and now - self._last > 0.1:
            self._last = now
            rate = self.count / max(now - self.started, 1e-9)
            sys.stderr.write(f"\rscored {self.count} ({self.failed} failed), {rate:,.0f}/s ")
            sys.stderr.flush()

    def close(self) -> None:
        if self.enabled and self.count:
            sys.stderr.write("\n")


class StreamWriter:
    """Writes profiles in a streaming format: ``csv`` (one row per node) or ``jsonl``."""

    def __init__(self, out: IO[str], fmt: str) -> None:
        self.fmt = fmt
        self.out = out
        self._csv = csv.writer(out, lineterminator="\n") if fmt == "csv" else None
        if self._csv is not None:
            self._csv.writerow(["subject", "node_id", "kind", "name", "level", "score", "met",
                                "partial", "not_met", "na", "unknown"])

    def write(self, profile: Profile) -> None:
        if self._csv is None:
            from maturity_model.serialization import profile_to_dict

            self.out.write(json.dumps(profile_to_dict(profile), ensure_ascii=False,
                                      allow_nan=False, separators=(",", ":")) + "\n")
            return
        for r in profile:
            c = r.counts
            self._csv.writerow([profile.subject, r.node_id, r.kind, r.name,
                                "" if r.level is None else r.level,
                                "" if r.score is None else repr(r.score),
                                c.met, c.partial, c.not_met, c.na, c.unknown])

    def write_records(self, records: list[dict[str, Any]]) -> None:
        """CSV rows from the batch engine's records, the same as :meth:`write` gives."""
        assert self._csv is not None
        for r in records:
            self._csv.writerow([r["subject"], r["node_id"], r["kind"], r["name"],
                                "" if r["level"] is None else r["level"],
                                "" if r["score"] is None else repr(r["score"]),
                                r["met"], r["partial"], r["not_met"], r["na"],
                                r["unknown"]])
