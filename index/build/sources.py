"""Which files a build reads: files named directly, and contract files found under folders."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

SUFFIXES = (".pdf", ".docx", ".txt", ".md",
            # photos and scans, read by OCR
            ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp")
# Found in folders so that they are reported with their reason rather than silently skipped.
REPORTED_SUFFIXES = (".doc", ".wps", ".rtf")


def collect_sources(sources: Sequence[Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Files named directly, and files with a supported suffix found under folders (each file
    once); and (source, reason) for every source that does not exist."""
    files: list[Path] = []
    missing: list[tuple[str, str]] = []
    for src in sources:
        if src.is_dir():
            files.extend(
                p for p in sorted(src.rglob("*"))
                if p.is_file() and p.suffix.lower() in SUFFIXES + REPORTED_SUFFIXES
                and not p.name.startswith(".")
            )
        elif src.is_file():
            files.append(src)
        else:
            missing.append((str(src), "no such file or folder"))
    unique: dict[Path, Path] = {}
    for f in files:
        unique.setdefault(f.resolve(), f)
    return list(unique.values()), missing
