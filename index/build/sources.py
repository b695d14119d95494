"""Which files a build reads: files named directly, and contract files found under folders.

A folder is a source root: nothing found inside it may lead outside it. Symbolic links inside
a root (to files or folders) are never followed, and a file that resolves outside its root, or
is not a regular file (a FIFO would hang the reader), is skipped with a reason. Hidden files and
folders (a leading dot: the bot's upload staging and replaced files, .git) are not sources.
Sources named directly are the operator's choice and are taken as given.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

SUFFIXES = (".pdf", ".docx", ".txt", ".md")
# Found in folders so that they are reported with their reason rather than silently skipped.
REPORTED_SUFFIXES = (".doc", ".wps", ".rtf")
SYMLINK = "symbolic link, not followed"
OUTSIDE = "resolves outside the source folder, skipped"
NOT_REGULAR = "not a regular file, skipped"


def collect_sources(sources: Sequence[Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Files named directly, and files with a supported suffix found under folders (each file
    once); and (source, reason) for every source that does not exist or was skipped."""
    files: list[Path] = []
    problems: list[tuple[str, str]] = []
    for src in sources:
        if src.is_dir():
            found: list[Path] = []
            for path, reason in _walk(src):
                if reason is None:
                    found.append(path)
                else:
                    problems.append((str(path), reason))
            files.extend(sorted(found))
        elif src.is_file():
            files.append(src)
        else:
            problems.append((str(src), "no such file or folder"))
    unique: dict[Path, Path] = {}
    for f in files:
        unique.setdefault(f.resolve(), f)
    return list(unique.values()), problems


def _walk(folder: Path) -> Iterator[tuple[Path, str | None]]:
    """Contract files under ``folder`` (reason None) and those skipped with their reason,
    without following any link."""
    root = folder.resolve()
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        here = Path(dirpath)
        kept = []
        for name in sorted(dirnames):
            if name.startswith("."):
                continue
            if (here / name).is_symlink():
                yield here / name, SYMLINK
            else:
                kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            path = here / name
            if name.startswith(".") or path.suffix.lower() not in SUFFIXES + REPORTED_SUFFIXES:
                continue
            yield path, _file_problem(path, root)


def _file_problem(path: Path, root: Path) -> str | None:
    """Why a contract file found under ``root`` must not be read, or None."""
    if path.is_symlink():
        return SYMLINK
    if not path.is_file():
        return NOT_REGULAR
    if not path.resolve().is_relative_to(root):
        return OUTSIDE
    return None
