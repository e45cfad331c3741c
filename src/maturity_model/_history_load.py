"""Reading a history folder: profiles and assessments, each with its subject and date.

Private: :meth:`maturity_model.History.load` calls :func:`read_folder`.

The layout is ``FOLDER/SUBJECT/DATE.yaml`` (``.yml``, ``.json`` and ``.toml`` too), or any
files below ``FOLDER`` that carry ``subject`` and ``date`` themselves. A value written in
the file wins; the layout fills a blank one: the subject from the file's folder right below
``FOLDER``, the date from a file name that is an ISO 8601 date (``2024-03-31.yaml``).
A file with a ``format: maturity-profile/1`` is a profile; any other is an assessment.
Files and folders whose names start with ``.`` are skipped; a table or workbook
(``.csv``, ``.jsonl``, ``.parquet``, ``.xlsx``) is a problem, since its assessments
would be left out.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import attrs

from maturity_model._history_across import Group, ModelPool, score_groups
from maturity_model._history_blocks import Block, profile_blocks, unscored_block
from maturity_model._limits import DEFAULT_LIMITS, Limits
from maturity_model.errors import Problem, ValidationError, shown
from maturity_model.evidence import Assessment
from maturity_model.profile import Profile

if TYPE_CHECKING:
    from maturity_model.migration import Migration
    from maturity_model.model import MaturityModel

__all__ = ["FolderContents", "load_blocks", "read_folder"]

SUFFIXES: Final = frozenset({".yaml", ".yml", ".json", ".toml"})


@attrs.frozen(kw_only=True)
class FolderContents:
    """What a history folder holds, each document with the file it came from."""

    profiles: tuple[tuple[str, Profile], ...]
    assessments: tuple[tuple[str, Assessment], ...]
    problems: tuple[tuple[str, Problem], ...]


#: Files of assessments that a history does not read (a table holds many): each is a
#: problem, never passed over in silence.
TABLE_SUFFIXES: Final = frozenset({".csv", ".jsonl", ".ndjson", ".parquet", ".xlsx"})


def _files(root: Path) -> Iterator[Path]:
    """The regular files below ``root`` a history reads or refuses, in name order.

    A FIFO or a device is passed over: opening one would wait for a writer.
    """
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(folder, name)
            if not name.startswith(".") and path.suffix.lower() in (
                    SUFFIXES | TABLE_SUFFIXES) and path.is_file():
                yield path


def _layout(root: Path, path: Path) -> tuple[str, datetime.date | None]:
    """The subject and date that the file's place in the folder says (blank if none)."""
    parts = path.relative_to(root).parts
    subject = parts[0] if len(parts) > 1 else ""
    try:
        day: datetime.date | None = datetime.date.fromisoformat(path.stem)
    except ValueError:
        day = None
    return subject, day


def _document(path: Path, limits: Limits) -> tuple[str, Any]:
    """``("profile" | "assessment", the built object)``.

    :raises ValidationError: the file is not a valid profile or assessment.
    """
    from maturity_model._documents import as_kind
    from maturity_model._profile_documents import PROFILE_FORMAT, profile_from_dict
    from maturity_model._reading import read_document
    from maturity_model.serialization import assessment_from_dict

    doc = read_document(path, limits=limits)
    if isinstance(doc, dict) and doc.get("format") == PROFILE_FORMAT:
        return "profile", profile_from_dict(doc, limits=limits)
    return "assessment", as_kind(ValidationError,
                                 lambda: assessment_from_dict(doc, limits=limits))


def read_folder(folder: str | os.PathLike[str], *,
                limits: Limits = DEFAULT_LIMITS) -> FolderContents:
    """Every profile and assessment below ``folder``, in file-name order.

    :raises FileNotFoundError: there is no such folder.
    :raises NotADirectoryError: ``folder`` is a file.
    """
    root = Path(folder)
    if not root.exists():
        raise FileNotFoundError(str(folder))
    if not root.is_dir():
        raise NotADirectoryError(str(folder))
    profiles: list[tuple[str, Profile]] = []
    assessments: list[tuple[str, Assessment]] = []
    problems: list[tuple[str, Problem]] = []
    for path in _files(root):
        source = str(path)
        if path.suffix.lower() in TABLE_SUFFIXES:
            problems.append((source, Problem.of(
                "invalid-value", "$", "a history reads one assessment or profile per YAML, "
                "JSON or TOML file (SUBJECT/DATE.yaml), not tables or workbooks: "
                "give each assessment in it its own file, or move it out of the folder")))
            continue
        try:
            kind, built = _document(path, limits)
        except ValidationError as exc:
            problems.extend((source, p) for p in exc.problems)
            continue
        subject, day = _layout(root, path)
        filled = attrs.evolve(built, subject=built.subject or subject,
                              date=built.date or day)
        if not filled.subject:
            problems.append((source, Problem.of(
                "invalid-value", "$.subject",
                "no subject: write 'subject: NAME' in the file or put it in a folder named "
                "after its subject")))
            continue
        if filled.date is None:
            problems.append((source, Problem.of(
                "invalid-value", "$.date",
                f"no date: write 'date: YYYY-MM-DD' in the file or name it like "
                f"2024-03-31{path.suffix} ({shown(path.name)} is not a date)")))
            continue
        if kind == "profile":
            profiles.append((source, filled))
        else:
            assessments.append((source, filled))
    return FolderContents(profiles=tuple(profiles), assessments=tuple(assessments),
                          problems=tuple(problems))


def load_blocks(folder: str | os.PathLike[str], model: MaturityModel | None,
                limits: Limits, pool: ModelPool,
                ) -> tuple[list[Block], list[tuple[str | None, Problem]], list[Migration]]:
    """The blocks of a history folder, every problem of its files, and the migrations.

    An assessment is scored against ``model`` when it names no version or ``model``'s (or
    another model id); otherwise against the model of its version from ``pool`` (the
    models given, then the standards registry). Assessments of an older version are
    migrated to the newest version first (:func:`score_groups`).
    """
    contents = read_folder(folder, limits=limits)
    found: list[tuple[str | None, Problem]] = list(contents.problems)
    if not (contents.profiles or contents.assessments or found):
        found.append((str(folder), Problem.of(
            "no-assessments", "$", "no profile or assessment files in the folder")))
    blocks: list[Block] = profile_blocks([p for _, p in contents.profiles],
                                         [s for s, _ in contents.profiles])
    groups: dict[tuple[str, str | None], list[tuple[str | None, Assessment]]] = {}
    for source, a in contents.assessments:
        groups.setdefault((a.model, a.model_version), []).append((source, a))
    versions: dict[str, set[str]] = {}
    for model_id, version in [*groups, *((p.model_id, p.model_version)
                                         for _, p in contents.profiles)]:
        fallback = model.version if model is not None else ""
        versions.setdefault(model_id, set()).add(version or fallback)
    scoring: list[Group] = []
    unscored: set[tuple[str, str]] = set()
    for (model_id, version), members in sorted(groups.items(), key=lambda g: (
            g[0][0], g[0][1] or "")):
        chosen = model
        if model is None or (model_id == model.id and version not in (None, model.version)):
            chosen = pool.find(model_id, version)
        if chosen is None and len(versions.get(model_id, ())) > 1 and (
                model is not None or pool.knows(model_id)):
            blocks.append(unscored_block(members))  # reported: mixed-versions
            unscored.add((model_id, version or ""))
            continue
        if chosen is None and model is not None:
            chosen = model  # one version only: scoring says it is not the model's
        if chosen is None:
            found += [(s, Problem.of(
                "unresolved-reference", "$.model",
                f"no model was given for {shown(model_id)}"
                + ("" if version is None else f" in version {shown(version)}")
                + " and no standard has it")) for s, _ in members]
            continue
        scoring.append((chosen, members))
    seen = unscored | {(p.model_id, p.model_version) for _, p in contents.profiles}
    scored, problems, migrations = score_groups(scoring, True, pool, seen)
    return blocks + scored, found + problems, migrations
