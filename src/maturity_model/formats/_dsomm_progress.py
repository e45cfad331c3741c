"""Reading the DSOMM app's team progress; see :func:`maturity_model.formats.dsomm.load_progress`.

The app keeps progress as ``progress: {activity uuid: {team: {state: date}}}`` and the
states with their scores in ``meta.yaml`` (``progressDefinition``). A team's value for an
activity is the score of the highest-scored state it has an entry for, as the app computes
it; the lowest state is never written.
"""

from __future__ import annotations

import datetime
import os
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from maturity_model.errors import AssessmentValidationError, Problem
from maturity_model.evidence import Assessment, RawAnswer
from maturity_model.formats._dsomm_terms import MODEL_ID, progress_score
from maturity_model.formats._dsomm_terms import fold as _fold
from maturity_model.formats._sources import key_path, read_yaml, shown, type_name
from maturity_model.model import MaturityModel

if TYPE_CHECKING:
    from maturity_model.migration import Migration

__all__ = ["carry_progress", "migrate_progress", "read_progress"]


def _date(value: object) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def _find_meta(progress: Path) -> Path | None:
    for folder in (progress.parent, *list(progress.parents)[1:3]):
        candidate = folder / "meta.yaml"
        if candidate.is_file():
            return candidate
    return None


def _document(path: Path, problems: list[Problem]) -> Any:
    docs, found = read_yaml(path, path.name)
    problems.extend(found)
    docs = [d for d in docs if d is not None]
    return docs[0] if docs else None


def _states(meta: Any, where: str, problems: list[Problem]) -> dict[str, float]:
    definition = meta.get("progressDefinition") if isinstance(meta, dict) else None
    if not isinstance(definition, dict) or not definition:
        problems.append(Problem.of("invalid-value", f"{where}.progressDefinition",
                                   "meta.yaml must define the progress states "
                                   "(progressDefinition)"))
        return {}
    states: dict[str, float] = {}
    for title, state in definition.items():
        at = key_path(f"{where}.progressDefinition", title)
        raw = state.get("score") if isinstance(state, dict) else None
        value = progress_score(raw)
        if value is None:
            problems.append(Problem.of("invalid-value", f"{at}.score",
                                       f"the score must be 0%..100% or 0..1, not {shown(raw)}"))
            continue
        states[str(title)] = value
    if states and (min(states.values()) != 0.0 or max(states.values()) != 1.0):
        problems.append(Problem.of(
            "invalid-value", f"{where}.progressDefinition",
            "the progress states must include one scored 0% and one scored 100%"))
    return states


def _teams(meta: Any, meta_path: Path) -> list[str]:
    """The teams meta.yaml declares (inline, or by ``$ref: file#/pointer``); [] if unclear."""
    teams = meta.get("teams") if isinstance(meta, dict) else None
    if isinstance(teams, dict) and isinstance(teams.get("$ref"), str):
        file, _, pointer = teams["$ref"].partition("#")
        target = meta_path.parent / file
        if not target.is_file():
            return []
        teams = _document(target, [])
        for part in (p for p in pointer.split("/") if p):
            teams = teams.get(part) if isinstance(teams, dict) else None
    if not isinstance(teams, list):
        return []
    return [str(t) for t in teams if isinstance(t, str | int) and not isinstance(t, bool)]


def read_progress(progress: str | os.PathLike[str], *, meta: str | os.PathLike[str] | None,
                  model: MaturityModel | None, unanswered: Literal["unknown", "not-met"],
                  strict: bool) -> dict[str, Assessment]:
    """Read a progress file; see :func:`maturity_model.formats.dsomm.load_progress`."""
    path = Path(progress)
    if not path.exists():
        raise FileNotFoundError(f"{os.fspath(progress)}: no such file")
    if path.is_dir():
        raise IsADirectoryError(f"{os.fspath(progress)}: is a folder, not a progress file")
    if unanswered == "not-met" and model is None:
        raise ValueError("unanswered='not-met' needs the model, to know every activity")
    problems: list[Problem] = []
    meta_path = Path(meta) if meta is not None else _find_meta(path)
    if meta_path is None or not meta_path.exists() or meta_path.is_dir():
        raise AssessmentValidationError([Problem.of(
            "invalid-value", f"{path.name}:$",
            "no meta.yaml with the progress states was found beside the progress file; "
            "pass meta=")])
    meta_doc = _document(meta_path, problems)
    states = _states(meta_doc, f"{meta_path.name}:$", problems)
    doc = _document(path, problems)
    if problems:
        raise AssessmentValidationError(problems)
    answers, dates = _progress(doc, path.name, states, model, problems, strict)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise AssessmentValidationError(errors)
    if problems:
        warnings.warn("; ".join(str(p) for p in problems), UserWarning, stacklevel=3)
    teams = list(dict.fromkeys([*_teams(meta_doc, meta_path), *answers]))
    result: dict[str, Assessment] = {}
    for team in teams:
        given: dict[str, RawAnswer] = dict(answers.get(team, {}))
        if unanswered == "not-met" and model is not None:
            given = {p.id: given.get(p.id, 0.0) for p in model.practices()}
        result[team] = Assessment(
            model=model.id if model is not None else MODEL_ID,
            model_version=model.version if model is not None else None,
            subject=team, date=max(dates[team]) if dates.get(team) else None,
            answers=given)
    return result


def _progress(doc: Any, name: str, states: Mapping[str, float], model: MaturityModel | None,
              problems: list[Problem], strict: bool) -> tuple[
        dict[str, dict[str, RawAnswer]], dict[str, list[datetime.date]]]:
    root = f"{name}:$"
    entries = doc.get("progress") if isinstance(doc, dict) else None
    if doc is not None and not isinstance(doc, dict):
        problems.append(Problem.of("invalid-value", root,
                                   f"must be a mapping with 'progress', not "
                                   f"{type_name(doc)}"))
    if entries is None:
        return {}, {}
    if not isinstance(entries, dict):
        problems.append(Problem.of("invalid-value", f"{root}.progress",
                                   "must map activity uuids to teams"))
        return {}, {}
    severity: Literal["error", "warning"] = "error" if strict else "warning"
    by_name: dict[str, str] = {}
    known: set[str] = set()
    if model is not None:
        for practice in model.practices():
            known.add(practice.id)
            by_name.setdefault(_fold(practice.text), practice.id)
    answers: dict[str, dict[str, RawAnswer]] = {}
    dates: dict[str, list[datetime.date]] = {}
    for activity, teams in entries.items():
        where = key_path(f"{root}.progress", activity)
        activity_id = str(activity)
        if model is not None and activity_id not in known:
            found = by_name.get(_fold(activity_id))
            if found is None:
                problems.append(Problem(
                    code="unknown-practice", severity=severity, path=where,
                    message=f"model {model.id!r} has no activity {activity_id!r}"
                            + ("" if strict else "; its progress is dropped")))
                continue
            activity_id = found
        if not isinstance(teams, dict):
            problems.append(Problem.of("invalid-value", where,
                                       "must map team names to progress states"))
            continue
        for team, reached in teams.items():
            team_where = key_path(where, team)
            if not isinstance(reached, dict):
                problems.append(Problem.of("invalid-value", team_where,
                                           "must map progress states to dates"))
                continue
            values: list[float] = []
            for title, when in reached.items():
                if str(title) not in states:
                    problems.append(Problem(
                        code="invalid-value", severity=severity,
                        path=key_path(team_where, title),
                        message=f"{shown(title)} is not a progress state of meta.yaml ("
                                + ", ".join(repr(s) for s in states) + ")"))
                    continue
                values.append(states[str(title)])
                day = _date(when)
                if day is not None:
                    dates.setdefault(str(team), []).append(day)
            if values:
                answers.setdefault(str(team), {})[activity_id] = max(values)
            else:
                answers.setdefault(str(team), {})
    return answers, dates


def migrate_progress(progress: str | os.PathLike[str], old: MaturityModel,
                     new: MaturityModel, *, meta: str | os.PathLike[str] | None = None,
                     strict: bool = True) -> dict[str, Migration]:
    """Carry a team progress file recorded against release ``old`` to release ``new``.

    The progress is read against ``old`` (as :func:`load_progress` does), then every
    team's assessment goes through :func:`maturity_model.migrate`: DSOMM keeps an
    activity's uuid across releases, so renamed, moved and re-levelled activities keep
    their progress, re-levelled ones are flagged ``review``, and the progress of an
    activity the new release dropped stays in the report as ``dropped``.

    :returns: team → :class:`~maturity_model.migration.Migration`.
    :raises AssessmentValidationError: as :func:`load_progress`.

    >>> migrate_progress("no-such-progress.yaml", None, None)
    Traceback (most recent call last):
    ...
    FileNotFoundError: no-such-progress.yaml: no such file
    """
    from maturity_model.migration import migrate

    teams = read_progress(progress, meta=meta, model=old, unanswered="unknown",
                          strict=strict)
    return {team: migrate(assessment, old, new) for team, assessment in teams.items()}


def carry_progress(progress: str | os.PathLike[str], old: MaturityModel, new: MaturityModel,
                   *, meta: str | os.PathLike[str] | None, strict: bool,
                   ) -> dict[str, Assessment]:
    """:func:`migrate_progress`'s assessments, warning once about answers to review or dropped."""
    migrations = migrate_progress(progress, old, new, meta=meta, strict=strict)
    flagged = {team: m.report.summary() for team, m in migrations.items()}
    noted = [f"{team}: {c['review']} to review, {c['dropped']} dropped"
             for team, c in flagged.items() if c["review"] or c["dropped"]]
    if noted:
        warnings.warn(f"progress carried from {old.id} {old.version} to {new.version}: "
                      + "; ".join(noted), UserWarning, stacklevel=3)
    return {team: m.assessment for team, m in migrations.items()}
