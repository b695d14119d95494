"""Files and folders the project creates are private to its user: folders 0700, files 0600.

The command line also sets umask 077; these explicit modes hold when the index is built from
Python (tests, scripts) under any umask.
"""

from __future__ import annotations

import os
from pathlib import Path

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
