"""Which files a build reads: files named directly, and every file found under folders.

Every file of a folder is a candidate, whatever its type: the plan stage asks extraction's kind
detection about each, so a file that is not indexed (a spreadsheet, an archive, an image while
there is no OCR) is named with its reason instead of being skipped silently. Hidden files and
folders (``.git``, ``.DS_Store``) are not part of a library.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

EMPTY_FOLDER = "empty folder: nothing to index"


def _hidden(path: Path, root: Path) -> bool:
    """True when ``path`` or a folder between it and ``root`` is hidden (a dot name)."""
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def collect_sources(sources: Sequence[Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Files named directly, and every file under folders (each file once, hidden ones left
    out); and (source, reason) for every source that does not exist or is an empty folder."""
    files: list[Path] = []
    skipped: list[tuple[str, str]] = []
    for src in sources:
        if src.is_dir():
            found = [p for p in sorted(src.rglob("*")) if p.is_file() and not _hidden(p, src)]
            files.extend(found)
            if not found:
                skipped.append((str(src), EMPTY_FOLDER))
        elif src.is_file():
            files.append(src)
        else:
            skipped.append((str(src), "no such file or folder"))
    unique: dict[Path, Path] = {}
    for f in files:
        unique.setdefault(f.resolve(), f)
    return list(unique.values()), skipped
