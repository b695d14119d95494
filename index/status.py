"""What an index holds, as ``index status`` and the bot report it, without loading it."""

from __future__ import annotations

from pathlib import Path

from .errors import IndexDamagedError
from .store import (
    HUBS,
    MANIFEST,
    POINTER,
    Fault,
    Manifest,
    current_generation,
    missing_parts,
    named_generation,
    read_manifest,
    remembered_roots,
    require_generation,
    unreadable_parts,
)
from .store.embed_cache import unfinished_texts


def has_index(index_dir: Path) -> bool:
    """True when ``index_dir`` holds a live generation, or a pointer to one that is gone (a
    damaged index, which nothing may build over as if it were none)."""
    return named_generation(Path(index_dir)) is not None


def live_generation(index_dir: Path) -> str | None:
    """The generation the index's pointer names (None: no index): what a build that stopped
    part-way is checked against, to say whether it changed the index."""
    return named_generation(Path(index_dir))


def unfinished_vectors(index_dir: Path) -> int:
    """How many texts' vectors builds that did not finish (stopped, killed) keep in the index's
    cache for the next build, which does not embed them again."""
    return unfinished_texts(Path(index_dir))


def index_status(index_dir: Path) -> Manifest:
    """The manifest of the live generation; IndexMissingError when there is none."""
    return read_manifest(require_generation(Path(index_dir)))


def undescribed_part(index_dir: Path) -> str:
    """Where a damaged index that ``index_status`` cannot describe is damaged: its pointer
    (``CURRENT``) when that names no generation or one that is gone, else the live
    generation's manifest (garbled, or not a JSON object)."""
    return MANIFEST if current_generation(Path(index_dir)) is not None else POINTER


def index_damage(index_dir: Path) -> tuple[str, ...]:
    """The parts of the live generation that are missing (none for a whole index), read from
    the folder, and the hubness file when its manifest records one (a generation built
    before stop 42 has none); IndexMissingError when there is no index."""
    gen_dir = require_generation(Path(index_dir))
    missing = missing_parts(gen_dir)
    try:
        recorded = read_manifest(gen_dir).hubness is not None
    except IndexDamagedError:  # said where the manifest is read: index_status
        recorded = False
    return (*missing, HUBS) if recorded and not (gen_dir / HUBS).exists() else missing


def index_faults(index_dir: Path) -> tuple[Fault, ...]:
    """The parts of the live generation that are there but cannot be read (corrupt, cut
    short, not holding the manifest's clauses), each with why: read from their headers and
    pages, without loading the index; IndexMissingError when there is no index."""
    gen_dir = require_generation(Path(index_dir))
    return unreadable_parts(gen_dir, read_manifest(gen_dir).clauses)


def remembered_sources(index_dir: Path) -> tuple[Path, ...]:
    """The source roots the live generation was built from (what ``index build`` without
    SOURCES rebuilds); empty when there is no index or it does not record them."""
    return tuple(Path(r) for r in remembered_roots(Path(index_dir)))
