"""The library's exception tree and the :class:`Problem` record that validation reports.

Every error raised for bad input carries data: a :class:`ValidationError` holds every
:class:`Problem` found (never just the first), a :class:`DependencyCycleError` names the
cycle, an :class:`UnknownNodeError` names the id that was asked for. Each error pickles
with its data (a worker process can send it back to its parent).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any, Final, Literal

import attrs

__all__ = [
    "DOCS_URL",
    "PROBLEM_CODES",
    "AssessmentValidationError",
    "CertificationError",
    "CrosswalkValidationError",
    "DependencyCycleError",
    "HistoryError",
    "IncompatibleProfilesError",
    "MaturityModelError",
    "MissingExtraError",
    "ModelValidationError",
    "NaNAnswerWarning",
    "PortfolioValidationError",
    "Problem",
    "ProfileValidationError",
    "Severity",
    "UnknownNodeError",
    "UnknownStandardError",
    "ValidationError",
    "cut",
    "shown",
]

Severity = Literal["error", "warning"]

#: The longest rendering of a user's value in a message (see :func:`shown`).
SHOWN_LENGTH: Final = 80

#: Where the documentation is published; problem pages live under ``/problems/``.
DOCS_URL: Final = "https://maturity-model.readthedocs.io/en/latest"

#: The stable problem codes, with the severity each is reported at.
PROBLEM_CODES: Final[dict[str, Severity]] = {
    "invalid-value": "error",
    "unknown-field": "error",
    "duplicate-id": "error",
    "unresolved-reference": "error",
    "dependency-cycle": "error",
    "level-inversion": "warning",
    "level-off-scale": "error",
    "empty-item": "warning",
    "unknown-practice": "error",
    "model-mismatch": "error",
    "confusable-id": "warning",
    "duplicate-mapping": "warning",
    "invalid-language-tag": "error",
    "missing-default-text": "error",
    "empty-text": "error",
    "usage": "error",
    "missing-extra": "error",

    # tables (CSV, JSON lines, frames)
    "ragged-row": "error",
    "blank-header": "error",
    "bad-encoding": "error",
    "too-large": "error",
    "no-assessments": "error",

    # certificates
    "incomplete-profile": "error",

    # histories
    "duplicate-date": "error",
    "mixed-versions": "error",

    # evidence on answers and filled-in forms
    "invalid-url": "error",
    "future-date": "error",
    "missing-row": "error",
    "cell-format": "error",
}


@attrs.frozen(kw_only=True)
class Problem:
    """One thing wrong (or worth a warning) in a model, assessment or profile document.

    :param code: one of :data:`PROBLEM_CODES`, stable across releases.
    :param severity: ``"error"`` or ``"warning"``.
    :param path: where, as a JSON path into the document (``$.domains[0].items[2].id``).
    :param message: what is wrong, in a sentence a person can act on.

    >>> p = Problem(code="duplicate-id", severity="error", path="$.domains[1].id",
    ...             message="id 'cm' is used again")
    >>> str(p)
    "$.domains[1].id: id 'cm' is used again [duplicate-id]"
    """

    code: str
    severity: Severity
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message} [{self.code}]"

    @property
    def docs_url(self) -> str:
        """The page that explains this problem's code, with an example and how to fix it.

        >>> Problem.of("empty-item", "$", "no practices").docs_url
        'https://maturity-model.readthedocs.io/en/latest/problems/empty-item.html'
        """
        return f"{DOCS_URL}/problems/{self.code}.html"

    @classmethod
    def of(cls, code: str, path: str, message: str) -> Problem:
        """A problem at the severity its code has in :data:`PROBLEM_CODES`.

        A code missing from the table is an error.

        >>> Problem.of("empty-item", "$.x", "no practices").severity
        'warning'
        >>> Problem.of("duplicate-id", "$.x", "id 'a' is used again").severity
        'error'
        """
        return cls(code=code, severity=PROBLEM_CODES.get(code, "error"), path=path,
                   message=message)

    @classmethod
    def error(cls, code: str, path: str, message: str) -> Problem:
        """Deprecated alias of :meth:`of` (the name misled: the severity is the code's).

        :deprecated: call :meth:`of`; this alias warns and will go.

        >>> import warnings
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter("always")
        ...     severity = Problem.error("empty-item", "$.x", "no practices").severity
        >>> severity, caught[0].category.__name__
        ('warning', 'DeprecationWarning')
        """
        import warnings

        warnings.warn("Problem.error() is deprecated: call Problem.of(), which gives the "
                      "severity the code has", DeprecationWarning, stacklevel=2)
        return cls.of(code, path, message)


class MaturityModelError(Exception):
    """Base class of every error this library raises on purpose."""

    def _reduce_args(self) -> tuple[Any, ...]:
        return self.args

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuild through __init__ with the data it was given (not the formatted message),
        # and carry along anything set on the instance since (notes, ...).
        return type(self), self._reduce_args(), self.__dict__ or None


class ValidationError(MaturityModelError, ValueError):
    """A document or object has problems; :attr:`problems` holds every one of them.

    >>> err = ValidationError([Problem.of("invalid-value", "$.id", "must be a string")])
    >>> print(err)
    1 problem:
      $.id: must be a string [invalid-value]
    """

    subject = "document"

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        count = len(self.problems)
        lines = [f"{count} problem{'s' if count != 1 else ''}:"]
        lines.extend(f"  {p}" for p in self.problems)
        super().__init__("\n".join(lines))

    def _reduce_args(self) -> tuple[Any, ...]:
        return (self.problems,)

    @property
    def codes(self) -> tuple[str, ...]:
        """The problem codes, in the order the problems were found."""
        return tuple(p.code for p in self.problems)


class ModelValidationError(ValidationError):
    """A maturity model (file, importer input or object) has error-level problems."""


class DependencyCycleError(ModelValidationError):
    """The practice dependency graph has a cycle; :attr:`cycle` lists it, first id repeated last.

    >>> err = DependencyCycleError(["a", "b", "a"], [])
    >>> err.cycle
    ('a', 'b', 'a')
    """

    def __init__(self, cycle: Iterable[str], problems: Iterable[Problem]) -> None:
        self.cycle: tuple[str, ...] = tuple(cycle)
        super().__init__(problems)

    def _reduce_args(self) -> tuple[Any, ...]:
        return (self.cycle, self.problems)


class AssessmentValidationError(ValidationError):
    """An assessment has problems: bad answers, unknown practices, another model."""


class ProfileValidationError(ValidationError):
    """A profile document cannot be read back."""


class PortfolioValidationError(ValidationError):
    """A portfolio of certificates (a file or certificates given in Python) has problems."""


class CertificationError(ValidationError):
    """A profile cannot be certified; :attr:`problems` says why (``incomplete-profile``, ...).

    >>> err = CertificationError([Problem.of("incomplete-profile", "$.overall",
    ...                                      "the overall result is not assessed")])
    >>> err.codes
    ('incomplete-profile',)
    """


class HistoryError(ValidationError):
    """Dated profiles that do not make one history; :attr:`files` names each problem's file.

    :param files: one entry per problem: the file it is about, or ``None``.

    >>> err = HistoryError([Problem.of("duplicate-date", "$.date", "two on 2024-01-01")],
    ...                    ["a/2024-01-01.yaml"])
    >>> err.codes, err.files
    (('duplicate-date',), ('a/2024-01-01.yaml',))
    """

    def __init__(self, problems: Iterable[Problem],
                 files: Iterable[str | None] | None = None) -> None:
        super().__init__(problems)
        listed = tuple(files) if files is not None else ()
        self.files: tuple[str | None, ...] = (
            listed + (None,) * (len(self.problems) - len(listed)))[:len(self.problems)]

    def _reduce_args(self) -> tuple[Any, ...]:
        return (self.problems, self.files)


class CrosswalkValidationError(ValidationError):
    """A crosswalk file cannot be read, or does not fit the models it joins."""


class UnknownNodeError(MaturityModelError, KeyError):
    """No node, item or practice has the id that was asked for.

    >>> str(UnknownNodeError("cm.x", "node"))
    "no node with id 'cm.x'"
    """

    def __init__(self, node_id: str, what: str = "node") -> None:
        self.node_id = node_id
        self.what = what
        super().__init__(node_id)

    def _reduce_args(self) -> tuple[Any, ...]:
        return (self.node_id, self.what)

    def __str__(self) -> str:
        return f"no {self.what} with id {self.node_id!r}"


class UnknownStandardError(UnknownNodeError):
    """No standard of that name, or not in that version; :attr:`known` lists what there is.

    :attr:`known` holds the versions of the standard when only the version is missing,
    else the known standard names.

    >>> err = UnknownStandardError("caict-devops-cd", "1999", known=("2021",))
    >>> str(err)
    "no version '1999' of standard 'caict-devops-cd' (known versions: 2021)"
    >>> isinstance(err, LookupError)
    True
    """

    def __init__(self, name: str, version: str | None = None, *,
                 known: Iterable[str] = ()) -> None:
        self.name = name
        self.version = version
        self.known: tuple[str, ...] = tuple(known)
        super().__init__(name if version is None else f"{name}@{version}",
                         "standard" if version is None else "standard version")

    def _reduce_args(self) -> tuple[Any, ...]:
        return (self.name, self.version)

    def __str__(self) -> str:
        known = ", ".join(self.known) or "none"
        if self.version is None:
            return f"no standard {self.name!r} (known: {known})"
        return (f"no version {self.version!r} of standard {self.name!r} "
                f"(known versions: {known})")


class IncompatibleProfilesError(MaturityModelError, ValueError):
    """Profiles of different models were given to an operation that needs one model."""


class MissingExtraError(MaturityModelError, ImportError):
    """An optional dependency is needed; the message names the extra that installs it.

    >>> print(MissingExtraError("pandas", "pandas"))
    this needs the optional dependency 'pandas': install the 'pandas' extra (pip install \
'.[pandas]' in a checkout of maturity_model, or pip install 'maturity_model[pandas]')
    """

    def __init__(self, module: str, extra: str) -> None:
        self.module = module
        self.extra = extra
        super().__init__(
            f"this needs the optional dependency {module!r}: install the {extra!r} extra "
            f"(pip install '.[{extra}]' in a checkout of maturity_model, or "
            f"pip install 'maturity_model[{extra}]')"
        )

    def _reduce_args(self) -> tuple[Any, ...]:
        return (self.module, self.extra)


def shown(value: object, limit: int = SHOWN_LENGTH) -> str:
    """How a user's value appears in a message: its ``repr``, cut to ``limit`` characters.

    Every message that quotes a value from a file renders it through this function (or
    :func:`cut` for text that is already a message), so a 2 MB string in a file never
    becomes a 2 MB message, and a number too long for ``str()`` is described instead.

    >>> shown("cm.vc")
    "'cm.vc'"
    >>> shown("x" * 200)[-6:], len(shown("x" * 200))
    ('xxxxx…', 80)
    >>> shown(10**5000)
    '<a number of about 5000 digits>'
    """
    if isinstance(value, str) and type(value) is not str:
        value = str(value)  # a text in several languages is quoted as its default text
    # A long string is cut before repr() so that rendering it costs O(limit).
    long = isinstance(value, str) and len(value) > limit
    try:
        text = repr(value[:limit] if long else value)  # type: ignore[index]
    except ValueError:  # an int past the digit limit of str()
        if not isinstance(value, int):
            return f"<{type(value).__name__}>"
        return f"<a number of about {round(value.bit_length() * math.log10(2))} digits>"
    return text[: limit - 1] + "…" if long else cut(text, limit)


def cut(text: str, limit: int = SHOWN_LENGTH) -> str:
    """``text`` cut to ``limit`` characters, the last one an ellipsis when it was longer.

    >>> cut("abcdef", 4), cut("abc", 4)
    ('abc…', 'abc')
    """
    return text if len(text) <= limit else text[: limit - 1] + "…"


class NaNAnswerWarning(UserWarning):
    """A frame has NaN in text columns where its author may have written ``n/a``.

    pandas' ``read_csv`` turns ``n/a``, ``NA`` and ``N/A`` into NaN unless it is told
    ``keep_default_na=False``; the batch engine would then count those cells as unknown
    (not met) instead of leaving them out. :attr:`columns` names the columns.

    >>> print(NaNAnswerWarning(("cm.vc.vcs.1.1",)))
    column 'cm.vc.vcs.1.1' holds NaN in text cells: if they were 'n/a', read the file with \
keep_default_na=False (or pass na=...); NaN counts as unknown
    """

    def __init__(self, columns: tuple[str, ...]) -> None:
        self.columns = columns
        names = ", ".join(repr(c) for c in columns)
        super().__init__(f"column{'s' if len(columns) > 1 else ''} {names} "
                         f"hold{'' if len(columns) > 1 else 's'} NaN in text cells: if they "
                         "were 'n/a', read the file with keep_default_na=False (or pass "
                         "na=...); NaN counts as unknown")

    def __reduce__(self) -> tuple[type[NaNAnswerWarning], tuple[tuple[str, ...]]]:
        return (type(self), (self.columns,))
