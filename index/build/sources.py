"""Which files a build reads: files named directly, and every file found under folders.

Every file of a folder is a candidate, whatever its type: the plan stage asks extraction's kind
detection about each, so a file that is not indexed (a spreadsheet, an archive) is named with its
reason instead of being skipped silently. A folder is a source root: nothing found inside it may
lead outside it. Symbolic links inside a root (to files or folders) are never followed, and a
file that resolves outside its root, or is not a regular file (a FIFO would hang the reader), is
skipped with a reason. A folder that cannot be listed (its permissions) is named with its
reason, not taken for an empty one. Hidden files and folders (a leading dot: the bot's upload
staging and replaced files, .git, .DS_Store) are not sources, nor are the files systems and
programs leave beside documents (Thumbs.db, desktop.ini, an Office lock file ``~$合同.docx``): a
folder holding only such files is an empty one. Sources named directly are the operator's
choice and are taken as given.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from ..errors import MissingSourceError

EMPTY_FOLDER = "empty folder: nothing to index"
MISSING = "no such file or folder"
SYMLINK = "symbolic link, not followed"
OUTSIDE = "resolves outside the source folder, skipped"
NOT_REGULAR = "not a regular file, skipped"
CANNOT_READ = "cannot be read"
# files that systems and programs leave beside documents: never a contract (lower case)
SYSTEM_FILES = frozenset({"thumbs.db", "ehthumbs.db", "desktop.ini"})


def not_a_source(name: str) -> bool:
    """Whether a file or folder of this name found in a folder is left out: hidden (a leading
    dot), a system file (Thumbs.db, desktop.ini) or an Office lock file (``~$合同.docx``)."""
    return name.startswith((".", "~$")) or name.lower() in SYSTEM_FILES


def missing_sources(paths: Sequence[Path]) -> MissingSourceError:
    """The error for ``paths``, sources that do not exist: each symbolic link among them that
    leads back to itself (``contracts -> contracts``, or round a chain) is said to be a loop."""
    return MissingSourceError(tuple(str(p) for p in paths),
                              loops=tuple(str(p) for p in paths if _is_loop(p)))


def _is_loop(path: Path) -> bool:
    """Whether ``path`` is a symbolic link that never leads to a file (a loop)."""
    try:
        os.stat(path)
    except OSError as err:
        return err.errno == errno.ELOOP
    return False


def collect_sources(sources: Sequence[Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Files named directly, and every file under folders (each file once, hidden ones left
    out); and (source, reason) for every source that does not exist, is an empty folder, or was
    skipped to keep the folder confined."""
    files: list[Path] = []
    problems: list[tuple[str, str]] = []
    for src in sources:
        if src.is_dir():
            found: list[Path] = []
            listed = True
            for path, reason in _walk(src):
                if reason is None:
                    found.append(path)
                else:
                    problems.append((str(path), reason))
                    listed = listed and path != src
            files.extend(sorted(found))
            if not found and listed:
                problems.append((str(src), EMPTY_FOLDER))
        elif src.is_file():
            files.append(src)
        else:
            problems.append((str(src), MISSING))
    unique: dict[Path, Path] = {}
    for f in files:
        unique.setdefault(f.resolve(), f)
    return list(unique.values()), problems


def empty_collections(roots: Sequence[Path], files: Sequence[Path],
                      problems: Sequence[tuple[str, str]]) -> list[Path]:
    """The collection folders (the folders directly in a folder root) that hold no source
    now: nothing at all, or only files that are not sources (``not_a_source``): the mount
    point of a disk that is not mounted, a folder a sync emptied. ``files`` and ``problems``
    are what ``collect_sources`` found in ``roots``: a folder with a file skipped or a folder it
    could not list is not one, and neither is one named already (a root found empty)."""
    held = {d for f in files for d in f.resolve().parents}  # the folders holding a source
    held.update(d for s, _ in problems for p in [Path(os.path.abspath(s))]
                for d in (p, *p.parents))  # ... or something skipped, or they are unlisted
    out: list[Path] = []
    for root in roots:
        try:
            entries = sorted(root.iterdir()) if root.is_dir() else []
        except OSError:  # named with its reason by collect_sources
            continue
        for sub in entries:
            if not_a_source(sub.name) or sub.is_symlink() or not sub.is_dir():
                continue
            where = Path(os.path.abspath(sub))
            if where not in held and sub.resolve() not in held:
                out.append(sub)
    return out


def _walk(folder: Path) -> Iterator[tuple[Path, str | None]]:
    """Files under ``folder`` (reason None) and those skipped with their reason, without
    following any link; folders that cannot be listed come last, with theirs."""
    root = folder.resolve()
    unlisted: list[OSError] = []
    for dirpath, dirnames, filenames in os.walk(folder, onerror=unlisted.append,
                                                followlinks=False):
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
            if not not_a_source(name):
                yield here / name, _file_problem(here / name, root)
    for err in unlisted:
        yield Path(err.filename), f"{CANNOT_READ} ({err.strerror or type(err).__name__})"


def _file_problem(path: Path, root: Path) -> str | None:
    """Why a file found under ``root`` must not be read, or None."""
    if path.is_symlink():
        return SYMLINK
    if not path.is_file():
        return NOT_REGULAR
    if not path.resolve().is_relative_to(root):
        return OUTSIDE
    return None
