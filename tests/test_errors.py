"""Every exception class keeps its data through pickle (a worker can send it back)."""

from __future__ import annotations

import pickle

import pytest

from maturity_model import errors
from maturity_model.errors import (
    AssessmentValidationError,
    CertificationError,
    CrosswalkValidationError,
    DependencyCycleError,
    HistoryError,
    IncompatibleProfilesError,
    MaturityModelError,
    MissingExtraError,
    ModelValidationError,
    PortfolioValidationError,
    Problem,
    ProfileValidationError,
    UnknownNodeError,
    UnknownStandardError,
    ValidationError,
)

PROBLEMS = (Problem.of("dependency-cycle", "$.domains[0].items[0].practices[0].requires",
                       "dependency cycle: a → b → a"),
            Problem.of("empty-item", "$.domains[0].items[1].practices", "no practices"))


def _round_trip(err: BaseException) -> BaseException:
    copy = pickle.loads(pickle.dumps(err))
    assert type(copy) is type(err)
    assert str(copy) == str(err)
    assert copy.args == err.args
    return copy


@pytest.mark.parametrize("cls", [ValidationError, ModelValidationError,
                                 AssessmentValidationError, ProfileValidationError,
                                 PortfolioValidationError, CertificationError,
                                 CrosswalkValidationError])
def test_validation_errors_pickle_with_their_problems(cls: type[ValidationError]) -> None:
    copy = _round_trip(cls(PROBLEMS))
    assert isinstance(copy, cls)
    assert copy.problems == PROBLEMS
    assert copy.codes == ("dependency-cycle", "empty-item")


def test_history_error_pickles_with_its_problems_and_files() -> None:
    copy = _round_trip(HistoryError(PROBLEMS, ["a.yaml", None]))
    assert isinstance(copy, HistoryError)
    assert (copy.problems, copy.files) == (PROBLEMS, ("a.yaml", None))
    assert HistoryError(PROBLEMS).files == (None, None)


def test_dependency_cycle_error_pickles_with_its_cycle_and_problems() -> None:
    copy = _round_trip(DependencyCycleError(["a", "b", "a"], PROBLEMS))
    assert isinstance(copy, DependencyCycleError)
    assert copy.cycle == ("a", "b", "a")
    assert copy.problems == PROBLEMS


def test_unknown_node_error_pickles_with_id_and_kind() -> None:
    copy = _round_trip(UnknownNodeError("cm.x", "practice"))
    assert isinstance(copy, UnknownNodeError)
    assert (copy.node_id, copy.what) == ("cm.x", "practice")


def test_unknown_standard_error_pickles_with_name_version_and_known() -> None:
    err = UnknownStandardError("caict-devops-cd", "1999", known=("2021",))
    copy = _round_trip(err)
    assert isinstance(copy, UnknownStandardError)
    assert (copy.name, copy.version, copy.known) == ("caict-devops-cd", "1999", ("2021",))
    assert isinstance(copy, LookupError) and isinstance(copy, MaturityModelError)


def test_unknown_standard_name_lists_the_known_names() -> None:
    copy = _round_trip(UnknownStandardError("nope", known=("dora", "slsa")))
    assert isinstance(copy, UnknownStandardError)
    assert (copy.version, copy.known) == (None, ("dora", "slsa"))


def test_missing_extra_error_pickles_with_module_and_extra() -> None:
    copy = _round_trip(MissingExtraError("matplotlib", "plot"))
    assert isinstance(copy, MissingExtraError)
    assert (copy.module, copy.extra) == ("matplotlib", "plot")


@pytest.mark.parametrize("cls", [MaturityModelError, IncompatibleProfilesError])
def test_message_only_errors_pickle(cls: type[MaturityModelError]) -> None:
    assert _round_trip(cls("profiles of models 'a' and 'b'")).args == (
        "profiles of models 'a' and 'b'",)


def test_notes_survive_pickling() -> None:
    err = UnknownNodeError("x")
    err.add_note("while reading team.yaml")
    assert getattr(_round_trip(err), "__notes__", None) == ["while reading team.yaml"]


def test_every_exception_class_is_covered_here() -> None:
    classes = {name for name in errors.__all__
               if isinstance(getattr(errors, name), type)
               and issubclass(getattr(errors, name), BaseException)}
    assert classes == {"AssessmentValidationError", "CertificationError",
                       "CrosswalkValidationError", "DependencyCycleError", "HistoryError",
                       "IncompatibleProfilesError", "MaturityModelError",
                       "MissingExtraError", "ModelValidationError", "NaNAnswerWarning",
                       "PortfolioValidationError", "ProfileValidationError",
                       "UnknownNodeError", "UnknownStandardError",
                       "ValidationError"}


def test_nan_answer_warning_keeps_its_columns() -> None:
    from maturity_model.errors import NaNAnswerWarning

    copy = _round_trip(NaNAnswerWarning(("a", "b")))
    assert isinstance(copy, NaNAnswerWarning)
    assert copy.columns == ("a", "b")
    assert str(copy) == str(NaNAnswerWarning(("a", "b")))


def test_problem_of_takes_the_severity_from_the_codes_table() -> None:
    assert Problem.of("empty-item", "$.x", "no practices").severity == "warning"
    assert Problem.of("duplicate-id", "$.x", "again").severity == "error"
    assert Problem.of("no-such-code", "$.x", "odd").severity == "error"


def test_problem_error_is_a_deprecated_alias_of_problem_of() -> None:
    with pytest.warns(DeprecationWarning, match=r"Problem\.of\(\)"):
        old = Problem.error("empty-item", "$.x", "no practices")
    assert old == Problem.of("empty-item", "$.x", "no practices")
    assert old.severity == "warning"
