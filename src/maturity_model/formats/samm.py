"""Import OWASP SAMM 2: the model from its ``core`` YAML folder, answers from its toolbox.

SAMM's `core` repository holds one YAML file per element of the model, linked by GUIDs
(``model/business_functions``, ``security_practices``, ``streams``, ``activities``,
``maturity_levels``, ``practice_levels``, ``answer_sets``, ``questions``).
:func:`load_model` reads them into a :class:`~maturity_model.MaturityModel`:

=====================  ===================================  ===========================
SAMM                   here                                 id
=====================  ===================================  ===========================
business function      top-level :class:`Domain`            ``G`` (its name's initial)
security practice      :class:`Domain` in the function      ``G-SM`` (+ ``shortName``)
stream                 :class:`CapabilityItem`              ``G-SM-A`` (+ ``letter``)
activity               :class:`Practice`, level 1..3        ``G-SM-1-A``
maturity level         scale level 1..3 (+ level 0 "none")
answer set             :class:`AnswerSet`, labels/values    the file name (``A``)
question               the activity's ``answer_set``
=====================  ===================================  ===========================

Functions, practices, streams and activities keep their file's GUID (its ``id``) as their
stable ``key``: the identifier SAMM's own files link them by.

SAMM's files hold no references into other standards. Each activity's ``refs`` holds the
code other standards cite it by, ``{"samm2": ["G-SM-A-1"]}`` (function, practice, stream,
level: the order DSOMM's ``samm2`` references and the toolbox's question ids use), so
:meth:`maturity_model.Crosswalk.from_refs` resolves DSOMM's references to SAMM activities.

Names and descriptions are read from the files at run time (the stream's and practice's
names, the activity's ``shortDescription`` as its text, else its ``title``); nothing of
SAMM's text is part of this library.

**Scoring** is the SAMM toolbox's formula: a stream's score is the sum of its activities'
answer values (:class:`~maturity_model.LevelSum`, so a stream scores 0..3 and a level-3
answer counts even when level 1 is not met), a practice is the mean of its two streams, a
function the mean of its practices, and the overall score the mean of the functions
(:class:`~maturity_model.Mean`).

**relatedActivities** become ``requires``. SAMM's activity template introduces the field as
the activities that are prerequisites of this one, and in SAMM 2 every such link points to
an activity at the same or a lower level, so they are read as true prerequisites. The
model's dependency policy stays ``report``: a profile lists an activity answered above 0
whose prerequisite is not met, but scores are never changed, so they stay equal to the
toolbox's.

**Version**: the functions' ``model`` field (``SAMM20``) gives ``"2.0"``; other values are
kept as written.

Bad input (a missing folder, a file that is not YAML, a missing key, a GUID that points
nowhere, a key SAMM files do not have) raises one
:class:`~maturity_model.ModelValidationError` listing every problem, each with a path such
as ``model/activities/G-SM-1-A.yml:$.level``; an unexpected key is an ``unknown-field``
warning only, and does not stop loading. :func:`check_folder` returns every problem,
warnings too, without raising.

:func:`load_toolbox` reads a filled-in SAMM toolbox workbook; see its documentation for how
rows, labels and blank cells are read. A toolbox made for an older release of the model
(the reference workbook holds SAMM 2.0.10 questions) offers other answer labels for some
activities than the newer model: :func:`migrate_toolbox` reads it against
:func:`toolbox_model` (the model as the workbook has it) and carries the answers to the
model through :func:`maturity_model.migrate`, listing the activities whose answers it
mapped by value.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Final, Literal

import attrs

from maturity_model.errors import Problem
from maturity_model.evidence import Assessment
from maturity_model.formats._samm_core import Reader, build, model_version
from maturity_model.formats._samm_toolbox import (
    activity_id,
    read_toolbox,
    read_toolbox_options,
)
from maturity_model.formats._sources import PathMap, collect, raise_for_errors
from maturity_model.model import (
    AnswerOption,
    AnswerSet,
    CapabilityItem,
    Domain,
    MaturityModel,
)

if TYPE_CHECKING:
    from maturity_model.migration import Migration

__all__ = [
    "MODEL_ID",
    "activity_id",
    "check_folder",
    "load_model",
    "load_toolbox",
    "migrate_toolbox",
    "model_version",
    "toolbox_model",
]

#: The id of every model this importer builds.
MODEL_ID: Final = "owasp-samm"


def _resolve_root(core_dir: Path) -> tuple[Path, str]:
    """The folder holding SAMM's element folders, and how problems name it."""
    if (core_dir / "model").is_dir():
        return core_dir / "model", "model/"
    return core_dir, ""


def _read(core_dir: str | os.PathLike[str]) -> tuple[MaturityModel | None,
                                                    tuple[Problem, ...]]:
    root = Path(core_dir)
    if not root.is_dir():
        return None, (Problem.of("invalid-value", f"{os.fspath(core_dir)}:$",
                                 "is not a folder; give SAMM's core folder"
                                 if root.exists() else
                                 "the SAMM core folder does not exist"),)
    model_dir, prefix = _resolve_root(root)
    reader = Reader(model_dir, prefix)
    paths = PathMap(prefix.rstrip("/") or os.fspath(core_dir))
    model = build(reader, paths, MODEL_ID)
    return model, collect(model, reader.problems, paths)


def load_model(core_dir: str | os.PathLike[str]) -> MaturityModel:
    """Read SAMM 2's ``core`` folder (or its ``model`` subfolder) into a model.

    The mapping and the decisions are in the module documentation.

    :raises ModelValidationError: when any problem is an error; ``.problems`` holds every
        problem, warnings too, with paths into the files.

    >>> load_model("no/such/folder")
    Traceback (most recent call last):
    ...
    maturity_model.errors.ModelValidationError: 1 problem:
      no/such/folder:$: the SAMM core folder does not exist [invalid-value]
    """
    model, problems = _read(core_dir)
    raise_for_errors(model, problems)
    assert model is not None  # no errors means the model was built
    return model


def check_folder(core_dir: str | os.PathLike[str]) -> tuple[Problem, ...]:
    """Every problem of a SAMM core folder, errors and warnings; never raises for bad input.

    >>> [(p.code, p.path) for p in check_folder("no/such/folder")]
    [('invalid-value', 'no/such/folder:$')]
    """
    return _read(core_dir)[1]


def load_toolbox(xlsx_path: str | os.PathLike[str], *, model: MaturityModel | None = None,
                 unanswered: Literal["unknown", "not-met"] = "not-met") -> Assessment:
    """Read a filled-in SAMM toolbox workbook (``SAMM_spreadsheet.xlsx``) as an assessment.

    Needs the ``xlsx`` extra (openpyxl). Every row of the *Interview* sheet whose first
    cell holds a question id (``G-SM-A-1-1``: function, practice, stream, level, question)
    answers the activity ``G-SM-1-A``. Its *Answer* cell is read exactly as the workbook's
    own formulas read it, so our scores equal the workbook's:

    - the row's answer set is the one the hidden *imp-questions* sheet names for the id,
      and the label is looked up in the hidden *imp-answers* sheet like Excel's
      ``MATCH(..., 0)`` does: ignoring case, with ``*``, ``?`` and ``~`` as wildcards;
    - a matched label gives that answer set's value (``"Yes, for some"`` → 0.25);
    - a blank cell counts 0 in the workbook, and by default (``unanswered="not-met"``) it is
      read as an explicit 0 here too, so every score — also of a stream left entirely
      blank — equals the workbook's. With ``unanswered="unknown"`` blank cells are
      *unknown* instead (value 0, counted apart), and a stream whose every cell is blank
      is "not assessed" and left out of its practice's mean, as DESIGN §2 has it for
      evidence that says nothing;
    - text that matches no label counts 0 in the workbook and here, and a
      :class:`UserWarning` names the cell.

    Answers are written as the label when ``model`` is given and its answer set for the
    activity has that label with the same value, else as the value (workbooks of older
    SAMM releases have labels that later releases reworded).

    :param model: the SAMM model (from :func:`load_model`) to check the rows against and
        to take the model id and version from.
    :raises AssessmentValidationError: the file is not a SAMM toolbox workbook, or (with
        ``model``) it answers activities the model does not have. The workbook's zip is
        checked before openpyxl reads it: a file over 64 MiB, a "zip bomb" and XML parts
        that declare entities are refused, and a broken part is a problem too.
    :raises MissingExtraError: openpyxl is not installed.
    :raises OSError: the file is missing, a folder, or cannot be read.

    >>> load_toolbox("no-such-workbook.xlsx")
    Traceback (most recent call last):
    ...
    FileNotFoundError: no-such-workbook.xlsx: no such file
    """
    return read_toolbox(Path(xlsx_path), model=model, unanswered=unanswered,
                        model_id=MODEL_ID)


def toolbox_model(xlsx_path: str | os.PathLike[str], model: MaturityModel) -> MaturityModel:
    """``model`` as a toolbox workbook has it: each activity with the workbook's answers.

    Where the workbook offers an activity other labels or values than ``model``, the
    activity gets an answer set ``toolbox-<n>`` with the workbook's options; its version
    is ``"<workbook version> toolbox"`` (``"2.0.10 toolbox"``). Reading a toolbox
    against this model and migrating to ``model`` is what :func:`migrate_toolbox` does.

    :raises AssessmentValidationError: the file is not a SAMM toolbox workbook.
    :raises OSError: the file is missing or cannot be read.

    >>> toolbox_model("no-such-workbook.xlsx", None)
    Traceback (most recent call last):
    ...
    FileNotFoundError: no-such-workbook.xlsx: no such file
    """
    options, version = read_toolbox_options(Path(xlsx_path))
    sets: dict[tuple[tuple[str, float], ...], str] = {}
    practice_sets: dict[str, str] = {}
    for practice in model.practices():
        offered = options.get(practice.id)
        if offered is None:
            continue
        current: tuple[tuple[str, float], ...] = ()
        if practice.answer_set is not None:
            try:
                current = tuple((o.label, o.value)
                                for o in model.answer_set(practice.answer_set).options)
            except KeyError:
                current = ()
        if offered != current:
            practice_sets[practice.id] = sets.setdefault(offered, f"toolbox-{len(sets) + 1}")

    def item(node: CapabilityItem) -> CapabilityItem:
        return attrs.evolve(node, practices=[
            attrs.evolve(p, answer_set=practice_sets.get(p.id, p.answer_set))
            for p in node.practices])

    def domain(node: Domain) -> Domain:
        return attrs.evolve(node, domains=[domain(d) for d in node.domains],
                            items=[item(i) for i in node.items])

    added = [AnswerSet(id=set_id, options=[AnswerOption(label=label, value=value)
                                           for label, value in offered])
             for offered, set_id in sets.items()]
    return attrs.evolve(model, version=f"{version or model.version} toolbox",
                        answer_sets=[*model.answer_sets, *added],
                        domains=[domain(d) for d in model.domains])


def migrate_toolbox(xlsx_path: str | os.PathLike[str], model: MaturityModel, *,
                    unanswered: Literal["unknown", "not-met"] = "not-met") -> Migration:
    """Read a toolbox workbook made for an older SAMM release, and carry it to ``model``.

    The workbook is read against :func:`toolbox_model` (its own labels, so every label
    answer is read as its workbook value), then :func:`maturity_model.migrate` moves
    each answer to ``model``: a label whose activity has other options in ``model`` goes
    to the label with the same value, or is written as the value when no label has it,
    and its entry in ``.report`` is ``review`` with the reason ``answer-set`` — those are
    the activities whose answers changed. Scores are the workbook's either way.

    :param unanswered: as for :func:`load_toolbox`.
    :raises AssessmentValidationError: as :func:`load_toolbox`.
    :raises MissingExtraError: openpyxl is not installed.

    >>> migrate_toolbox("no-such-workbook.xlsx", None)
    Traceback (most recent call last):
    ...
    FileNotFoundError: no-such-workbook.xlsx: no such file
    """
    from maturity_model.migration import migrate

    old = toolbox_model(xlsx_path, model)
    assessment = read_toolbox(Path(xlsx_path), model=old, unanswered=unanswered,
                              model_id=MODEL_ID)
    return migrate(assessment, old, model)
