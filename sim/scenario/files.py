"""Input files read safely: only regular files, never blocking, never more than a limit, every OS error one line.

A FIFO, ``/dev/zero`` or a directory given as a scenario is refused without reading from it (opened with
``O_NONBLOCK`` and checked with ``fstat``); a symlink loop or an over-long name becomes a ScenarioError, not a
RuntimeError or OSError traceback.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from sim.scenario.errors import ScenarioError

_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def resolve(path: Path, file: str | None = None, line: int | None = None, key_path: str | None = None) -> Path:
    """``path.resolve()`` with a symlink loop or an impossible name reported at (file, line, key)."""
    try:
        return Path(path).resolve()
    except (RuntimeError, OSError, ValueError) as exc:
        raise ScenarioError(f"cannot resolve path: {_reason(exc)}", file=file or str(path), line=line,
                            key_path=key_path) from None


def problem(path: Path) -> str | None:
    """None for a regular file (after symlinks); else why it cannot be read ("not found", "a FIFO", ...)."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError) as exc:
        return _reason(exc)
    return None if stat.S_ISREG(mode) else _kind(mode)


def read_text(path: Path, max_bytes: int, limit: str) -> str:
    """The UTF-8 text of a regular file of at most ``max_bytes`` (the constant named ``limit``); else ScenarioError."""
    where = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except (OSError, ValueError) as exc:
        raise ScenarioError(_reason(exc) if _missing(exc) else f"cannot read file: {_reason(exc)}",
                            file=where) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise ScenarioError(f"cannot read file: it is {_kind(mode)}, not a regular file", file=where)
        data = _read_up_to(fd, max_bytes + 1)
    except OSError as exc:
        raise ScenarioError(f"cannot read file: {_reason(exc)}", file=where) from None
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise ScenarioError(f"file is larger than the limit of {max_bytes:,} bytes ({limit})",
                            file=where)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ScenarioError(f"not UTF-8 text: byte 0x{data[exc.start]:02x} at offset {exc.start}", file=where,
                            line=line) from None


def _read_up_to(fd: int, count: int) -> bytes:
    chunks, size = [], 0
    while size < count:
        chunk = os.read(fd, min(count - size, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def _missing(exc: BaseException) -> bool:
    return isinstance(exc, FileNotFoundError)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ValueError):  # embedded NUL
        return "the path contains a NUL character"
    if isinstance(exc, RuntimeError) or getattr(exc, "errno", None) == errno.ELOOP:
        return "symlink loop"
    if isinstance(exc, FileNotFoundError):
        return "file not found"
    if getattr(exc, "errno", None) == errno.ENAMETOOLONG:
        return "file name too long"
    return getattr(exc, "strerror", None) or type(exc).__name__
