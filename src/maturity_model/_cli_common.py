"""What every ``maturity`` command shares: exit statuses, failures that name their file, inputs.

An error line always has the shape ``maturity: <severity>: <file>: <what>``; under
``--json`` the same failures are printed on standard output as
``{"valid": false, "problems": [{code, severity, path, message, file}, ...]}``, so a tool
never needs to read standard error.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Final

from maturity_model._cli_files import did_you_mean, document_kind, is_stdin
from maturity_model.errors import Problem, ValidationError

EXIT_OK: Final = 0
EXIT_PROBLEMS: Final = 1
EXIT_USAGE: Final = 2

#: The problem code of a command-line mistake or an unreadable file (exit status 2).
USAGE: Final = "usage"


class UsageError(Exception):
    """A command-line mistake or an unreadable file: exit status 2.

    :param message: what is wrong, without the file.
    :param file: the file or argument it is about, when there is one.
    """

    def __init__(self, message: str, *, file: str | None = None) -> None:
        self.message = message
        self.file = file
        super().__init__(f"{file}: {message}" if file else message)

    @property
    def problem(self) -> Problem:
        """The mistake as a problem with the code ``usage``."""
        return Problem(code=USAGE, severity="error", path="$", message=self.message)


class FileProblems(Exception):  # noqa: N818 - a signal, not a failure of the program
    """Problems found in the user's files: exit status 1 once they were shown.

    :param found: ``(file, problem)`` pairs; ``file`` is the argument as given.
    """

    def __init__(self, found: Iterable[tuple[str | None, Problem]]) -> None:
        self.found = tuple(found)
        super().__init__("\n".join(problem_line(f, p) for f, p in self.found))

    @classmethod
    def of(cls, file: str | None, problems: Iterable[Problem]) -> FileProblems:
        """The problems of one file."""
        return cls((file, p) for p in problems)


def print_json(data: Any) -> None:
    """``data`` as indented JSON on standard output (never NaN or Infinity)."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n")


def problem_record(problem: Problem, file: str | None) -> dict[str, str | None]:
    """A problem as ``--json`` prints it: code, severity, path, message and file."""
    return {"code": problem.code, "severity": problem.severity, "path": problem.path,
            "message": problem.message, "file": file}


def one_line(text: str) -> str:
    r"""``text`` with its line breaks written ``\n``: every line of an error starts ``maturity:``.

    >>> print(one_line("a\nb.yaml"))
    a\nb.yaml
    """
    return text.replace("\r", "\\r").replace("\n", "\\n")


def problem_line(file: str | None, problem: Problem) -> str:
    """``maturity: error: team.yaml: $.answers['x']: ... [unknown-practice]``."""
    where = f"{file}: " if file else ""
    return one_line(f"maturity: {problem.severity}: {where}{problem}")


def failure_document(found: Sequence[tuple[str | None, Problem]]) -> dict[str, Any]:
    """``{"valid": false, "problems": [...]}``: what ``--json`` prints when a command fails."""
    return {"valid": not any(p.severity == "error" for _, p in found),
            "problems": [problem_record(p, f) for f, p in found]}


# --------------------------------------------------------------------------- inputs


def read_file(loader: Callable[[str], Any], spec: str) -> Any:
    """``loader(spec)`` for a file argument; its problems and read errors name the file.

    ``-`` is standard input.
    """
    path = Path(spec)
    if not is_stdin(spec) and not path.exists():
        raise UsageError(f"no such file{did_you_mean(spec)}", file=spec)
    if path.is_dir():
        raise UsageError("is a folder, not a file", file=spec)
    try:
        return loader(spec)  # the argument as given: "-" is standard input
    except OSError as exc:
        raise UsageError(f"cannot be read ({exc.strerror or exc})", file=spec) from None
    except ValidationError as exc:
        raise FileProblems.of(spec, exc.problems) from None


def import_model(kind: str, path: Path) -> Any:
    """A model from another tool's files (``samm``, ``dsomm``, ``ciso-assistant``)."""
    if kind == "ciso-assistant":
        from maturity_model.formats import ciso_assistant

        return ciso_assistant.only_model(path)
    if kind == "samm":
        from maturity_model.formats import samm

        return samm.load_model(path)
    from maturity_model.formats import dsomm

    return dsomm.load_model(path)


def resolve_model(spec: str, *, file_format: str | None = None) -> Any:
    """A model from a file path or a bundled/registered standard name."""
    from maturity_model import standards
    from maturity_model.formats import detect
    from maturity_model.serialization import load_model

    path = Path(spec)
    if is_stdin(spec):
        return read_file(load_model, spec)
    if path.exists() and not path.is_dir():  # a file, a device or a FIFO (<(cat m.yaml))
        if file_format in ("samm", "dsomm", "ciso-assistant"):
            return read_file(lambda p: import_model(file_format, Path(p)), spec)
        try:
            return read_file(load_model, spec)
        except FileProblems:
            # Not a native model: DSOMM's generated model.yaml and a CISO Assistant
            # library of one framework are read by their importers.
            found = detect(path) if file_format is None else None
            if found in ("dsomm-model", "ciso-library"):
                kind = "dsomm" if found == "dsomm-model" else "ciso-assistant"
                return read_file(lambda p: import_model(kind, Path(p)), spec)
            raise
    if path.is_dir() and (file_format == "samm" or detect(path) == "samm-core"):
        try:
            return import_model("samm", path)
        except ValidationError as exc:
            raise FileProblems.of(spec, exc.problems) from None
    name, _, version = spec.partition("@")
    if name in standards.default_registry().names():
        return standard(name, version, spec)
    if path.exists():
        raise UsageError("not a model file", file=spec)
    names = standards.default_registry().names()
    raise UsageError(f"no such file, and no standard of that name (known: {', '.join(names)})"
                     f"{did_you_mean(spec, names)}", file=spec)


def standard(name: str, version: str, spec: str) -> Any:
    """A registered standard; a version that is not there is a usage error."""
    from maturity_model import standards
    from maturity_model.errors import UnknownStandardError

    try:
        return standards.load(name, version or None)
    except UnknownStandardError as exc:
        raise UsageError(str(exc), file=spec) from None


def read_document_once(spec: str) -> Any:
    """The parsed document of a file argument, read once (``-``: standard input)."""
    from maturity_model.serialization import read_document

    return read_file(read_document, spec)


def score_file(model: Any, spec: str) -> Any:
    """The profile of the assessment file ``spec``; its problems name the file."""
    from maturity_model.scoring import score
    from maturity_model.serialization import load_assessment

    if Path(spec).suffix.lower() == ".xlsx":
        from maturity_model._cli_batch import xlsx_assessment

        assessment = read_file(lambda s: xlsx_assessment(model, s), spec)
    else:
        assessment = read_file(load_assessment, spec)
    try:
        return score(model, assessment)
    except ValidationError as exc:
        raise FileProblems.of(spec, exc.problems) from None


def profile_from(spec: str, model_spec: str | None) -> Any:
    """A profile file, or an assessment scored against ``--model``; read once."""
    from maturity_model._cli_output import profile_from_document
    from maturity_model.scoring import score
    from maturity_model.serialization import assessment_from_dict

    doc = read_document_once(spec)
    try:
        if document_kind(doc) == "profile":
            return profile_from_document(doc)
        if model_spec is None:
            raise UsageError("an assessment; give --model MODEL to score it (or pass a "
                             "profile written by 'maturity score --json')", file=spec)
        model = resolve_model(model_spec)
        return score(model, assessment_from_dict(doc))
    except ValidationError as exc:
        raise FileProblems.of(spec, exc.problems) from None


#: The format each output suffix names (``-o report.xlsx`` asks for a workbook).
OUTPUT_SUFFIXES: Final = {
    ".txt": "table", ".csv": "csv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html",
    ".parquet": "parquet", ".xlsx": "xlsx", ".xls": "xlsx", ".ods": "ods", ".svg": "svg",
    ".png": "png", ".pdf": "pdf", ".yaml": "yaml", ".yml": "yaml", ".toml": "toml",
}


def output_format(output: str | None, writes: Sequence[str], default: str) -> str:
    """The format of ``-o``'s suffix, ``default`` for no or an unknown suffix.

    >>> output_format("teams.md", ("table", "markdown"), "table")
    'markdown'
    >>> try:
    ...     output_format("teams.xlsx", ("table", "markdown"), "table")
    ... except UsageError as exc:
    ...     print(exc.message[:59])
    a .xlsx file is xlsx, which this command does not write: it

    :raises UsageError: the suffix names a format the command does not write, which would
        otherwise be written as text under a name that promises something else.
    """
    if not output:
        return default
    fmt = OUTPUT_SUFFIXES.get(Path(output).suffix.lower())
    if fmt is None:
        return default
    if fmt not in writes:
        raise UsageError(f"a {Path(output).suffix} file is {fmt}, which this command does "
                         f"not write: it writes {', '.join(writes[:-1])} or {writes[-1]} "
                         "(or give --format)", file=output)
    return fmt

