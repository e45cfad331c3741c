"""Reading the library's own files: bounded bytes, UTF-8 text, YAML / JSON / TOML documents.

Every reader bounds the bytes it takes before it parses anything, also for files that
report no size (pipes, ``/dev/zero``, standard input), and parsing is bounded by
:class:`Limits` (values once aliases are expanded, nesting). A path of ``-`` is standard
input. Problems are :class:`~maturity_model.ValidationError` with ``invalid-value``
problems; only a file that cannot be opened or read raises :class:`OSError`.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Final, Literal

import yaml

from maturity_model._limits import DEFAULT_LIMITS, MAX_FILE_SIZE, Limits
from maturity_model._yaml import LimitExceeded, load_yaml
from maturity_model.errors import Problem, ValidationError, cut, shown

__all__ = [
    "DEFAULT_LIMITS",
    "MAX_FILE_SIZE",
    "STDIN",
    "FileFormat",
    "Limits",
    "check_limits",
    "decode_text",
    "format_of",
    "parse_text",
    "read_bounded",
    "read_document",
]

FileFormat = Literal["yaml", "json", "toml"]

#: The path that names standard input.
STDIN: Final = "-"


def _problem(message: str, path: str = "$") -> ValidationError:
    return ValidationError([Problem.of("invalid-value", path, message)])


# A parser gives up (libyaml at 1000 levels, Python's recursion well above 100) only
# deeper than this; below it, the library's own depth limit has already spoken.
_PARSER_DEPTH: Final = 100


def _too_deep(limits: Limits, *, by_parser: bool = False) -> ValidationError:
    if by_parser and limits.max_depth >= _PARSER_DEPTH:
        return _problem(f"the document is nested too deeply to read (a depth limit of "
                        f"{limits.max_depth} is more than the parser takes)")
    return _problem(f"the document is nested deeper than {limits.max_depth} levels")


def limit_error(exc: LimitExceeded, limits: Limits = DEFAULT_LIMITS) -> ValidationError:
    """The problem for a limit the YAML loader met while it built a document."""
    return _too_deep(limits) if exc.what == "depth" else _too_many(limits)


def _too_many(limits: Limits) -> ValidationError:
    return _problem(f"the document holds more than {limits.max_values} values once its "
                    f"aliases are expanded")


_RECURSIVE = "the document contains itself (a recursive alias)"
_CONTAINERS = (dict, list, tuple, set, frozenset)


def check_limits(doc: Any, limits: Limits = DEFAULT_LIMITS) -> None:
    r"""Refuse a document that is too deep, too large, contains itself or is not Unicode.

    "Too large" counts values once YAML aliases are expanded; "contains itself" is a
    recursive alias. Mappings, lists, tuples and sets all count. A string with a lone
    surrogate (JSON's ``"\udfff"``) cannot be written as UTF-8: it is a problem at its
    path, found here so that it never breaks an output half-way.

    Shared sub-documents (YAML aliases) are measured once and counted as often as they
    are used, so the check is linear in the parsed size.

    :raises ValidationError: with ``invalid-value`` problems.

    >>> check_limits({"a": [1, 2, {"b": 3}]})
    >>> check_limits([[[[1]]]], Limits(max_depth=3))
    Traceback (most recent call last):
    ...
    maturity_model.errors.ValidationError: 1 problem:
      $: the document is nested deeper than 3 levels [invalid-value]
    """
    sizes: dict[int, tuple[int, int]] = {}  # id -> (expanded values, depth)
    unicode_ok = True
    on_path: set[int] = set()
    stack: list[tuple[Any, bool]] = [(doc, False)]
    keep_alive: list[Any] = []
    while stack:
        node, done = stack.pop()
        if not isinstance(node, _CONTAINERS):
            continue
        key = id(node)
        if done:
            on_path.discard(key)
            count, depth = 1, 1
            for child in _members(node):
                if isinstance(child, _CONTAINERS):
                    c, d = sizes[id(child)]
                    count += c
                    depth = max(depth, d + 1)
                else:
                    count += 1
                    if isinstance(child, str) and not child.isascii():
                        unicode_ok = unicode_ok and _encodable(child)
            if depth > limits.max_depth:
                raise _too_deep(limits)
            if count > limits.max_values:
                raise _too_many(limits)
            sizes[key] = (count, depth)
            continue
        if key in sizes:
            continue
        if key in on_path:
            raise _problem(_RECURSIVE)
        if len(on_path) >= limits.max_depth:
            raise _too_deep(limits)
        on_path.add(key)
        keep_alive.append(node)
        stack.append((node, True))
        stack.extend((child, False) for child in _members(node)
                     if isinstance(child, _CONTAINERS))
    if not unicode_ok:
        raise ValidationError([Problem.of(
            "invalid-value", path,
            f"the text holds a lone surrogate ({shown(value)}), which is not Unicode text")
            for path, value in _unencodable(doc)])


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _members(node: Any) -> Iterator[Any]:
    if isinstance(node, dict):
        yield from node.keys()
        yield from node.values()
    else:
        yield from node


# --------------------------------------------------------------------------- bytes


def read_bounded(path: str | os.PathLike[str], limits: Limits = DEFAULT_LIMITS) -> bytes:
    r"""The bytes of a file, refused when it has more than ``limits.max_bytes``.

    At most ``max_bytes + 1`` bytes are read, whatever size the file reports, so
    ``/dev/zero``, pipes and endless FIFOs are refused too. ``-`` reads standard input.

    :raises OSError: the file cannot be opened or read.
    :raises ValidationError: the file is too large (one ``invalid-value`` problem at ``$``).

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "m.yaml"
    >>> _ = path.write_text("id: m\n")
    >>> read_bounded(path)
    b'id: m\n'
    >>> read_bounded(path, Limits(max_bytes=3))
    Traceback (most recent call last):
    ...
    maturity_model.errors.ValidationError: 1 problem:
      $: the file has 6 bytes, more than 3 [invalid-value]
    """
    if os.fspath(path) == STDIN:
        return _read_at_most(sys.stdin.buffer, limits.max_bytes)
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > limits.max_bytes:
            raise _problem(f"the file has {size} bytes, more than {limits.max_bytes}")
        return _read_at_most(handle, limits.max_bytes)


def _read_at_most(handle: IO[bytes], limit: int) -> bytes:
    chunks: list[bytes] = []
    left = limit + 1
    while left > 0:
        chunk = handle.read(min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    if left <= 0:
        raise _problem(f"the file has more than {limit} bytes")
    return b"".join(chunks)


def decode_text(data: bytes) -> str:
    r"""UTF-8 text from bytes (a byte-order mark is dropped).

    :raises ValidationError: the bytes are not UTF-8.

    >>> decode_text(b"\xef\xbb\xbfid: m")
    'id: m'
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _problem(f"the file is not UTF-8 text ({exc.reason} at byte "
                       f"{exc.start})") from None


# --------------------------------------------------------------------------- documents


def _json_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {shown(key)}")
        result[key] = value
    return result


def _json_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _yaml_message(exc: yaml.YAMLError, limits: Limits) -> ValidationError:
    # a ReaderError (a NUL byte, say) has no problem of its own: its text is two lines,
    # the second naming "<unicode string>", which says nothing about the file
    problem = str(getattr(exc, "problem", None) or exc).splitlines()[0]
    if "nesting depth" in problem:  # libyaml's own guard, far above ours
        return _too_deep(limits, by_parser=True)
    if "recursive" in problem:
        return _problem(_RECURSIVE)
    mark = getattr(exc, "problem_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    # The scanner and parser stop where the structure breaks, which a person mostly sees
    # as a line indented unlike its neighbours, or a lost ':' or quote.
    hint = (f"; {_STRUCTURE_HINT}"
            if isinstance(exc, yaml.scanner.ScannerError | yaml.parser.ParserError) else "")
    return _problem(f"not valid YAML{where}: {cut(problem, _MESSAGE_LENGTH)}{hint}")


_STRUCTURE_HINT: Final = ("look at that line and the one above it for an indentation unlike "
                          "the lines around them, or a missing ':' or closing quote")


# A parser's message may quote the file (a tag, a key): it is cut like a quoted value.
_MESSAGE_LENGTH: Final = 200


def parse_text(text: str, file_format: FileFormat, *,
               limits: Limits = DEFAULT_LIMITS) -> Any:
    r"""Parse a document; a syntax error becomes one ``invalid-value`` problem at ``$``.

    A string that cannot be written back as UTF-8 (a lone surrogate such as JSON's
    ``"\udfff"``) is an ``invalid-value`` problem at the path of the value.

    :raises ValidationError: the text is not well-formed or passes a limit.

    >>> parse_text('{"a": [1, 2]}', "json")
    {'a': [1, 2]}
    >>> parse_text('{"a": "\\udfff"}', "json")
    Traceback (most recent call last):
    ...
    maturity_model.errors.ValidationError: 1 problem:
      $.a: the text holds a lone surrogate ('\udfff'), which is not Unicode text [invalid-value]
    """
    try:
        if file_format == "yaml":
            doc = load_yaml(text, limits)
        elif file_format == "json":
            doc = json.loads(text, object_pairs_hook=_json_pairs,
                             parse_constant=_json_constant)
        else:
            doc = tomllib.loads(text)
    except yaml.YAMLError as exc:
        raise _yaml_message(exc, limits) from None
    except LimitExceeded as exc:
        raise limit_error(exc, limits) from None
    except RecursionError:
        raise _too_deep(limits, by_parser=True) from None
    except ValueError as exc:
        reason = cut(str(exc), _MESSAGE_LENGTH)
        raise _problem(f"not valid {file_format.upper()}: {reason}") from None
    if _MAY_HOLD_SURROGATES.search(text):
        check_limits(doc, limits)  # refuses strings that are not Unicode text
    return doc


# An escape that may stand for a surrogate, or a surrogate in the text itself.
_MAY_HOLD_SURROGATES: Final = re.compile(r"\\(?:u|U0000)[dD][89a-fA-F]|[\ud800-\udfff]")
_IDENTIFIER: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_MAX_REPORTED: Final = 20


def _unencodable(doc: Any) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    stack: list[tuple[str, Any]] = [("$", doc)]
    while stack and len(found) < _MAX_REPORTED:
        path, value = stack.pop()
        if isinstance(value, str):
            if not value.isascii() and not _encodable(value):
                found.append((path, value))
        elif isinstance(value, dict):
            for key, item in reversed(value.items()):
                inner = _key_path(path, key)
                stack.append((inner, item))
                stack.append((inner, key))
        elif isinstance(value, list | tuple | set | frozenset):
            stack.extend((f"{path}[{n}]", item)
                         for n, item in reversed(list(enumerate(value))))
    return found


def _key_path(base: str, key: object) -> str:
    if isinstance(key, str) and _IDENTIFIER.fullmatch(key):
        return f"{base}.{key}"
    return f"{base}[{shown(key)}]"


_SUFFIXES: Final[dict[str, FileFormat]] = {
    ".yaml": "yaml", ".yml": "yaml", ".json": "json", ".toml": "toml"}


def format_of(path: str | os.PathLike[str], explicit: FileFormat | None = None) -> FileFormat:
    """The file format from an explicit choice or the file's suffix (default YAML).

    Standard input (``-``) and files without a known suffix are read as YAML, which
    also reads JSON documents.

    >>> format_of("team.json"), format_of("model.yml"), format_of("x.txt", "toml")
    ('json', 'yaml', 'toml')
    """
    if explicit is not None:
        return explicit
    return _SUFFIXES.get(Path(path).suffix.lower(), "yaml")


def read_document(path: str | os.PathLike[str], file_format: FileFormat | None = None, *,
                  limits: Limits = DEFAULT_LIMITS) -> Any:
    """Read and parse a file (``-``: standard input), bounded by ``limits``.

    :raises OSError: the file cannot be read.
    :raises ValidationError: the file is too large, not UTF-8 or not well-formed.
    """
    text = decode_text(read_bounded(path, limits))
    return parse_text(text, format_of(path, file_format), limits=limits)
