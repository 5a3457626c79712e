"""Output directories: never destroy what this tool did not make.

``check_out(DIR)`` refuses, before any work, an output directory that is the current directory, one of its
parents, the home directory or the root (also when reached through a symlink or ``..``), and a place that
cannot be written (probed by creating and removing a small file in the nearest existing folder).
``replace_directory`` builds a new output in a temporary folder beside the old one and swaps the two by
rename, so readers see the old or the new directory, never half of one; it replaces only a directory that
``owned`` recognises as an earlier output of the same kind. Outputs are readable by group and others as far
as the umask allows (a temporary folder is created 0700).
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from sim.scenario.errors import ScenarioError

CLI = "<command line>"
RENAME_EXCHANGE = 2  # renameat2(2) flag: swap two paths atomically (Linux 3.15+)
AT_FDCWD = -100


def _refuse(message: str, key: str = "--out") -> ScenarioError:
    return ScenarioError(message, file=CLI, key_path=key)


def protected(path: Path) -> str | None:
    """Why ``path`` must never be an output directory (it would hold the user's own files), or None."""
    target = Path(os.path.realpath(path))
    cwd = Path(os.path.realpath(os.getcwd()))
    home = Path(os.path.realpath(Path.home()))
    if target == Path(target.anchor):
        return "the root directory"
    if target == home:
        return "the home directory"
    if target == cwd:
        return "the current directory"
    if target in cwd.parents:
        return "a parent of the current directory"
    if target in home.parents:
        return "a parent of the home directory"
    return None


STAGING_EXTRA_BYTES = 14  # ".NAME.new-" and mkdtemp's 8 characters: the staging folder's name is this much longer
INSIDE_BYTES = 256  # room for the longest path an output holds inside (parts/growth_accounting/.RUN.parquet.PID.tmp)


def check_name_lengths(out: Path, key: str = "--out", extra_bytes: int = 0) -> None:
    """Refuse a path the file system would refuse only when the outputs are written (after the run): a name
    longer than NAME_MAX (255 bytes on Linux) less ``extra_bytes`` (a staging folder's longer name), or a path
    near PATH_MAX."""
    folder = next((p for p in Path(os.path.abspath(out)).parents if _exists(p)), Path("/"))
    name_max, path_max = _limit(folder, "PC_NAME_MAX", 255), _limit(folder, "PC_PATH_MAX", 4096)
    parts = Path(out).parts
    for i, part in enumerate(parts):
        room = name_max - (extra_bytes if i == len(parts) - 1 else 0)
        if len(os.fsencode(part)) > room:
            raise _refuse(f"the name {part[:40]!r}... is {len(os.fsencode(part))} bytes; the file system allows "
                          f"{room} here (NAME_MAX {name_max}" + (", less the temporary folder's suffix)" if extra_bytes else ")"), key)
    if len(os.fsencode(os.path.abspath(out))) + INSIDE_BYTES > path_max:
        raise _refuse(f"the path is {len(os.fsencode(os.path.abspath(out)))} bytes; with the files an output "
                      f"holds it would pass the file system's PATH_MAX of {path_max}", key)


def check_links(out: Path, key: str = "--out") -> None:
    """Refuse a symlink loop or a symlink to nothing on the way to ``out`` (making the folder would fail only
    after the run, with "File exists" or "Too many levels of symbolic links")."""
    from sim.scenario.files import resolve

    resolve(out, file=CLI, key_path=key)  # a loop: "cannot resolve path: symlink loop"
    for path in (out, *out.parents):
        if path.is_symlink() and not _exists(path):
            raise _refuse(f"{path} is a symlink to {os.readlink(path)}, which does not exist; create it or "
                          "choose another directory", key)


def _exists(path: Path) -> bool:
    try:
        os.stat(path)
        return True
    except (OSError, ValueError):
        return False


def _limit(folder: Path, name: str, default: int) -> int:
    try:
        return os.pathconf(folder, name)
    except (OSError, ValueError):
        return default


def check_out(out: Path, key: str = "--out", extra_bytes: int = 0, probe: bool = True) -> None:
    """Refuse ``out`` now, before any work: a protected directory, a file in the way, (``probe``) no write
    access, or a name too long (``extra_bytes``: the name is also written that much longer)."""
    out = Path(out)
    check_name_lengths(out, key, extra_bytes)
    check_links(out, key)
    reason = protected(out)
    if reason is not None:
        raise _refuse(f"{out} is {reason}; outputs go into a directory of their own (e.g. runs/NAME)", key)
    for path in (out, *out.parents):
        if path.exists() and not path.is_dir():
            raise _refuse(f"{path} exists and is not a directory", key)
    if probe:
        probe_writable(out, key)


def probe_writable(out: Path, key: str = "--out") -> None:
    """Create and remove a small file where ``out`` will be written; a one-line error if that fails."""
    folder = next(p for p in (Path(out), *Path(out).parents) if p.exists())
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".xinhui-probe-") as handle:
            handle.write(b"\0" * 65536)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        raise _refuse(f"cannot write into {folder}: {os.strerror(exc.errno) if exc.errno else exc}", key) from None


def check_replaceable(out: Path, owned: Callable[[Path], bool], kind: str, probe: bool = True) -> None:
    """``check_out``, and refuse a non-empty ``out`` that ``owned`` does not recognise as ``kind``."""
    check_out(out, extra_bytes=STAGING_EXTRA_BYTES, probe=probe)  # replace_directory stages beside it
    if Path(out).is_dir() and any(Path(out).iterdir()) and not owned(Path(out)):
        raise _refuse(f"{out} is not empty and is not {kind}; it is left as it is: choose another directory or "
                      "empty it yourself")


def umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def make_dir(path: Path) -> Path:
    """``mkdtemp``-made or not, a directory with the permissions a plain mkdir would give it."""
    os.chmod(path, 0o777 & ~umask())
    return path


def replace_directory(out_dir: Path, fill: Callable[[Path], None], owned: Callable[[Path], bool],
                      kind: str) -> Path:
    """Build a directory with ``fill(staging)`` beside ``out_dir``, then swap it in by rename and remove the
    old one. ``out_dir`` may be missing, empty, or an earlier output (``owned(out_dir)``); anything else is
    refused with a ScenarioError before ``fill`` runs. A failure or kill leaves the old directory intact."""
    out_dir = Path(out_dir)
    if out_dir.is_symlink():  # the user's link stays a link: the output it points to is the one replaced
        out_dir = Path(os.path.realpath(out_dir))
    # the staging folder made beside ``out_dir`` is the write probe here (``probe_writable``'s 64 KiB and fsync
    # cost a default run's writing several milliseconds): a folder that cannot be written is refused alike
    check_replaceable(out_dir, owned, kind, probe=False)
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        staging = make_dir(Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=out_dir.parent)))
    except OSError as exc:
        folder = next(p for p in (out_dir.parent, *out_dir.parent.parents) if p.exists())
        raise _refuse(f"cannot write into {folder}: {os.strerror(exc.errno) if exc.errno else exc}") from None
    old = None
    try:
        fill(staging)
        if out_dir.is_dir() and _exchange(staging, out_dir):
            shutil.rmtree(staging)  # it now holds the old output
        elif out_dir.is_dir():
            old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
            os.replace(out_dir, old / out_dir.name)  # killed here: the old output is intact in `old`
            os.replace(staging, out_dir)
            shutil.rmtree(old)
        else:
            os.replace(staging, out_dir)
    except BaseException:
        if old is not None and (old / out_dir.name).is_dir() and not out_dir.exists():
            os.replace(old / out_dir.name, out_dir)  # interrupted between the renames: put the old output back
            shutil.rmtree(old, ignore_errors=True)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out_dir


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories in one atomic step where the system can (Linux renameat2); else False."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE)
    if result == 0:
        return True
    if ctypes.get_errno() in (errno.EINVAL, errno.ENOSYS, errno.EPERM):  # no support on this file system
        return False
    raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()), str(b))
