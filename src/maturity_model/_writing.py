"""The one writer of output files: atomic for regular files, in place for devices and FIFOs.

What a path names decides how it is written:

* a regular file, or a name not yet taken: a temporary file in the same folder is written,
  flushed to disk and renamed over the target, so an error, an exception or a signal
  leaves the old file byte for byte and no temporary file behind; a file the caller may
  not write is refused, as a shell's ``>`` would refuse it;
* a symbolic link: followed; its target is written that way and the link stays a link;
* a character device (``/dev/null``, ``/dev/full``) or a FIFO: opened for writing and
  written in place, never replaced by a regular file;
* anything else (a folder, a block device, a socket): refused.

Every failure is an :class:`OSError` whose ``filename`` is the path the caller gave.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

__all__ = ["same_file", "write_atomic", "write_atomic_stream"]


def _error(exc: OSError, path: str) -> OSError:
    # Name the caller's path, never the temporary file's.
    found = type(exc)(exc.errno, exc.strerror or str(exc), path)
    found.__cause__ = None
    return found


def _refuse(path: str, code: int, reason: str) -> OSError:
    return OSError(code, reason, path)


def _target(path: str) -> tuple[str, os.stat_result | None]:
    """Where the bytes go and what is there now.

    A device or FIFO is opened by the given path (``/proc/self/fd/1`` names a pipe that
    has no path of its own); a regular file or a new name by the path with symbolic links
    followed, so a link keeps pointing at the file it named.
    """
    try:
        found = os.stat(path)
    except FileNotFoundError:
        return os.path.realpath(path), None
    if stat.S_ISCHR(found.st_mode) or stat.S_ISFIFO(found.st_mode):
        return path, found
    return os.path.realpath(path), found


class _Output(io.TextIOWrapper):
    """A UTF-8 text stream whose write errors name the output path the caller gave."""

    given = ""

    def write(self, text: str) -> int:
        try:
            return super().write(text)
        except OSError as exc:
            raise _error(exc, self.given) from None

    def flush(self) -> None:
        try:
            super().flush()
        except OSError as exc:
            raise _error(exc, self.given) from None


def _output(fd: int, given: str) -> _Output:
    handle = _Output(open(fd, "wb"), encoding="utf-8", newline="\n")  # noqa: SIM115
    handle.given = given
    return handle


def _discard(handle: IO[str]) -> None:
    with contextlib.suppress(OSError, ValueError):
        handle.close()


@contextlib.contextmanager
def write_atomic_stream(path: str | os.PathLike[str]) -> Iterator[IO[str]]:
    """A UTF-8 text stream to ``path`` that takes effect only when the block succeeds.

    :raises OSError: the path cannot be written (``filename`` is ``path``).

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> with write_atomic_stream(target) as out:
    ...     _ = out.write("done")
    >>> target.read_text()
    'done'
    """
    given = os.fspath(path)
    try:
        real, found = _target(given)
    except OSError as exc:
        raise _error(exc, given) from None
    if found is not None and (stat.S_ISCHR(found.st_mode) or stat.S_ISFIFO(found.st_mode)):
        try:
            handle = _output(os.open(real, os.O_WRONLY), given)
        except OSError as exc:
            raise _error(exc, given) from None
        try:
            yield handle
            handle.flush()
        finally:
            _discard(handle)
        return
    if found is not None and stat.S_ISDIR(found.st_mode):
        raise _refuse(given, errno.EISDIR, "is a folder")
    if found is not None and not stat.S_ISREG(found.st_mode):
        raise _refuse(given, errno.EINVAL,
                      "is not a regular file, a character device or a FIFO")
    if found is not None and not os.access(real, os.W_OK):
        # Renaming over it would succeed in a writable folder; a shell's ">" would not.
        raise _refuse(given, errno.EACCES, "Permission denied (the file is read-only)")
    folder = os.path.dirname(real) or "."
    name = os.path.basename(real)
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
    except OSError as exc:
        raise _error(exc, given) from None
    handle = _output(fd, given)
    try:
        yield handle
        handle.flush()
        try:
            os.fsync(handle.fileno())
            handle.close()
            os.chmod(tmp, found.st_mode & 0o777 if found is not None else 0o644)
            os.replace(tmp, real)
        except OSError as exc:
            raise _error(exc, given) from None
    finally:
        _discard(handle)
        # After a successful replace the temporary name is gone; otherwise drop it.
        Path(tmp).unlink(missing_ok=True)


def write_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to ``path`` with :func:`write_atomic_stream`.

    The text is encoded before anything is opened, so text that is not Unicode (a lone
    surrogate) raises :class:`UnicodeEncodeError` and touches nothing.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> write_atomic(target, "done")
    >>> target.read_text()
    'done'
    """
    text.encode("utf-8")
    with write_atomic_stream(path) as out:
        out.write(text)


def same_file(output: str | os.PathLike[str],
              inputs: Iterable[str | os.PathLike[str]]) -> str | None:
    """The first of ``inputs`` that is the file ``output`` names (through links too), if any.

    Files are the same when they have one device and inode; paths that do not exist
    match nothing.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "m.yaml").write_text("id: m")
    >>> same_file(folder / "." / "m.yaml", ["standard", folder / "m.yaml"]) == str(
    ...     folder / "m.yaml")
    True
    """
    try:
        out = os.stat(output)
    except (OSError, ValueError):
        return None
    for spec in inputs:
        try:
            found = os.stat(spec)
        except (OSError, ValueError):
            continue
        if (found.st_dev, found.st_ino) == (out.st_dev, out.st_ino):
            return os.fspath(spec)
    return None
