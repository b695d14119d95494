"""Files and folders the project creates are private to its user: folders 0700, files 0600.

The command line also sets umask 077; these explicit modes hold when the index is built from
Python (tests, scripts) under any umask.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def private_dir(path: Path) -> Path:
    """Create ``path`` and any missing parents, each created one private (like ``mkdir -p``
    with mode 0700); folders that exist keep their mode. Returns ``path``."""
    path = Path(path)
    missing: list[Path] = []
    for p in (path, *path.parents):
        if p.is_dir():
            break
        missing.append(p)
    for p in reversed(missing):
        try:
            p.mkdir(mode=PRIVATE_DIR)
        except FileExistsError:
            if not p.is_dir():
                raise
        else:
            os.chmod(p, PRIVATE_DIR)  # mkdir's mode is masked by the umask
    return path


def make_private(path: Path) -> None:
    """Make ``path`` and everything below it private (links are left alone)."""
    for item in [path, *path.rglob("*")]:
        if item.is_symlink():
            continue
        os.chmod(item, PRIVATE_DIR if item.is_dir() else PRIVATE_FILE)


def write_atomic(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Write ``path`` whole or not at all: ``write`` fills a private temporary file beside it,
    which is flushed to disk and renamed over ``path``."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, PRIVATE_FILE)
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    os.replace(tmp, path)
