"""Whole files or nothing, and never damage what is at the path.

A report replaces a regular file atomically: it is written to a temporary file beside
the file it replaces, fsynced, then renamed over it, keeping the old file's mode. What
is *at* the path decides where that is:

- a symbolic link: its target is replaced (beside the target), the link stays a link;
- a device, a FIFO or a socket: written to directly (``-o /dev/null`` as root must not
  replace the system's ``/dev/null`` with a file);
- a directory: refused before anything is evaluated (``check_target``).

Several outputs of one run are all or nothing: every temporary file is written and
synced before the first rename; if a rename fails, the files the earlier renames replaced
are put back (they are kept as hard links until every rename is done); a failure removes
every temporary file.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from compliance.errors import OutputError, UsageError


@dataclass(frozen=True)
class _Target:
    asked: Path  # what the user wrote after -o
    real: Path  # where the bytes go: the link's target, or the path itself
    direct: bool  # a device or FIFO: written to, never replaced
    mode: int | None  # the existing file's permission bits, kept
    owner: tuple[int, int] | None


def check_target(path: Path) -> None:
    """Refuse an output path that cannot be a report (a directory, a symlink loop)."""
    _resolve(path)


def _resolve(path: Path) -> _Target:
    real = Path(os.path.realpath(path))
    try:
        st = os.stat(real)
    except FileNotFoundError:
        return _Target(path, real, False, None, None)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UsageError(f"-o {str(path)!r}: symbolic link loop") from None
        raise _failed(str(path), exc) from None
    if stat.S_ISDIR(st.st_mode):
        raise UsageError(f"-o {str(path)!r} is a directory; give a file name")
    direct = not stat.S_ISREG(st.st_mode)
    return _Target(path, real, direct, stat.S_IMODE(st.st_mode), (st.st_uid, st.st_gid))


def write_atomic(path: Path, data: str | bytes) -> None:
    """Replace a file of the program's own (a cache) whole or not at all; raises OSError."""
    tmp = _stage(_Target(path, path, False, None, None), _bytes(data))
    try:
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_all(outputs: list[tuple[Path, str | bytes]]) -> None:
    """Write every output or none: a failure leaves every previous file as it was.

    Raises ``OutputError`` (exit 4) for an I/O failure and ``UsageError`` (exit 2) for a
    path that cannot take a report.
    """
    targets = [(_resolve(path), _bytes(data)) for path, data in outputs]
    staged: list[tuple[str, _Target]] = []
    current = targets[0][0] if targets else None
    try:
        for current, payload in targets:
            if not current.direct:
                staged.append((_stage(current, payload), current))
        _swap_in(staged)
        for current, payload in targets:
            if current.direct:
                _write_direct(current.real, payload)
    except OSError as exc:
        raise _failed(str(current.asked) if current else "?", exc) from None
    finally:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)  # already gone when it was renamed


def _swap_in(staged: list[tuple[str, _Target]]) -> None:
    """Rename every staged file into place; if one rename fails, put back the files the
    earlier ones replaced (kept as hard links until then) and remove the new ones."""
    done: list[tuple[_Target, str | None]] = []
    try:
        for tmp, target in staged:
            done.append((target, _keep(target.real)))
            os.replace(tmp, target.real)
    except OSError:
        for target, kept in reversed(done[:-1]):  # the last one was not replaced
            if kept is not None:
                os.replace(kept, target.real)
            else:
                target.real.unlink(missing_ok=True)
        raise
    finally:
        for _, kept in done:
            if kept is not None:
                Path(kept).unlink(missing_ok=True)


def _keep(path: Path) -> str | None:
    """A hard link to the file about to be replaced, or None when there is none."""
    if not path.exists():
        return None
    kept = str(path.with_name(f".{path.name}.{os.getpid()}.previous"))
    Path(kept).unlink(missing_ok=True)
    try:
        os.link(path, kept)
    except OSError:  # a file system without hard links: a copy does the same job
        shutil.copy2(path, kept)
    return kept


def _failed(asked: str, exc: OSError) -> OutputError:
    return OutputError(f"cannot write {asked!r}: {exc.strerror or exc}; "
                       "no output of this run replaced its previous file")


def _stage(target: _Target, payload: bytes) -> str:
    folder = target.real.parent
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.real.name}.", suffix=".tmp", dir=folder)
    try:
        # mkstemp makes 0600: an existing file keeps its mode, a new one is an ordinary file.
        os.fchmod(fd, target.mode if target.mode is not None else 0o666 & ~_umask())
        if target.owner is not None and os.geteuid() == 0:
            os.fchown(fd, *target.owner)  # root replacing a clerk's file must not take it over
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


def _write_direct(path: Path, payload: bytes) -> None:
    # No O_CREAT, no O_TRUNC: a device or FIFO is written to as it is.
    fd = os.open(path, os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
    try:
        view = memoryview(payload)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def _bytes(data: str | bytes) -> bytes:
    return data.encode("utf-8") if isinstance(data, str) else data


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
