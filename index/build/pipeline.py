"""Build or update an index generation: plan → rows → embed → write.

A source whose content hash is unchanged is neither re-parsed nor re-embedded: its rows, vectors
and BM25 counts are carried over from the previous generation. Sources that fail are recorded,
not fatal.
"""

from __future__ import annotations

import datetime as _dt
import threading
from collections.abc import Sequence
from pathlib import Path

from ..models import Contract
from ..store import Manifest, SourceEntry, build_lock
from ..store.encoders import Encoder, load_encoder
from ..store.tokenize import DEFAULT_MODE, TokenMode
from ..store.tokenize import preload as tokenize_preload
from .collections import assign_collections
from .embed import embed_rows
from .plan import Parsed, Parser, plan_build
from .previous import reusable_previous
from .report import BuildReport
from .rows import Rows, make_rows
from .sources import collect_sources
from .write import new_generation_name, write_generation

# Bump when the texts we index change (search/embedding text, normalisation): a build then
# re-parses and re-embeds everything instead of reusing the previous generation.
TEXT_VERSION = 4  # 4: use-multilingual tokenizes with C++ sentencepiece


def build_index(
    sources: Sequence[Path], index_dir: Path, encoder: Encoder, *, parse: Parser | None = None,
    salt: bytes = b"", progress: bool | None = None, lock: bool = True,
    mode: TokenMode = DEFAULT_MODE, ann_threshold: int | None = None,
) -> BuildReport:
    """Write a new generation for ``sources`` and make it live atomically.

    ``parse`` turns one file into a Contract, raising SourceError on bad files (default: the
    standard parser); ``salt`` is anything besides file content that changes parsing (e.g. the
    rules file), so a change there re-parses everything. ``ann_threshold`` overrides
    index.store.vectors.ANN_THRESHOLD.
    """
    index_dir = Path(index_dir)
    if lock:
        with build_lock(index_dir):
            return _build(sources, index_dir, encoder, parse=parse, salt=salt,
                          progress=progress, mode=mode, ann_threshold=ann_threshold)
    return _build(sources, index_dir, encoder, parse=parse, salt=salt, progress=progress,
                  mode=mode, ann_threshold=ann_threshold)


def _build(sources: Sequence[Path], index_dir: Path, encoder: Encoder, *, parse: Parser | None,
           salt: bytes, progress: bool | None, mode: TokenMode,
           ann_threshold: int | None) -> BuildReport:
    if parse is None:
        parse, salt = contract_parser()
    files, missing = collect_sources([Path(s) for s in sources])
    loading = _preload(encoder, mode)
    previous = reusable_previous(index_dir, encoder=encoder.name, tokenizer=mode,
                                 text_version=TEXT_VERSION)
    plan = plan_build(files, previous, parse, salt=salt, failed=missing, progress=progress)
    plan = assign_collections(plan, [Path(s) for s in sources])
    rows = make_rows(plan, previous, dim=encoder.dim, mode=mode)
    for thread in loading:
        thread.join()
    vectors, embedded = embed_rows(rows, encoder, previous, progress=progress)
    gen = new_generation_name()
    manifest = _manifest(gen, rows, encoder, mode, plan.failed, plan.notes)
    write_generation(index_dir, gen, rows, vectors, manifest, previous=previous,
                     ann_threshold=ann_threshold)
    parsed = sum(1 for item in plan.items if isinstance(item, Parsed))
    return BuildReport(
        index_dir=index_dir, generation=gen, contracts=len(rows.contracts),
        clauses=len(rows.rows), failed=plan.failed, parsed=parsed,
        reused=len(plan.items) - parsed, embedded=embedded, sources=len(files),
        notes=tuple(plan.notes),
    )


def _manifest(gen: str, rows: Rows, encoder: Encoder, mode: TokenMode,
              failed: Sequence[tuple[str, str]], notes: Sequence[tuple[str, str]]) -> Manifest:
    counts: dict[str, int] = {}
    for row in rows.rows:
        counts[row.contract] = counts.get(row.contract, 0) + 1
    return Manifest(
        generation=gen, encoder=encoder.name, dim=encoder.dim, tokenizer=mode,
        text_version=TEXT_VERSION,
        built_at=_dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        sources=tuple(SourceEntry(c.source, c.key, c.title, h, counts.get(c.key, 0),
                                  collection=c.collection)
                      for c, h in rows.contracts),
        failed=tuple(failed),
        notes=tuple((str(Path(s).resolve()), n) for s, n in notes),
    )


def _preload(encoder: Encoder, mode: TokenMode) -> list[threading.Thread]:
    """Load jieba's dictionary and the encoder's weights in the background while the previous
    generation is read and the sources are hashed and parsed: in a one-file rebuild these two
    loads are most of the time (docs/performance.md). Already-loaded ones cost nothing."""
    threads = [tokenize_preload()] if mode in ("jieba", "both") else []
    load = getattr(encoder, "load", None)  # encoders that load lazily have one
    if callable(load):
        def load_quietly() -> None:
            try:
                load()
            except Exception:  # the build's own first encode reports it properly
                pass

        threads.append(threading.Thread(target=load_quietly, name="encoder-preload",
                                        daemon=True))
        threads[-1].start()
    return threads


def contract_parser(rules_file: Path | None = None) -> tuple[Parser, bytes]:
    """The standard parser (index.parse.parse_contract with ``rules_file``) and its salt."""
    from ..parse import parse_contract

    salt = rules_file.read_bytes() if rules_file is not None and rules_file.is_file() else b""

    def parse(path: Path) -> Contract:
        return parse_contract(path, rules_file=rules_file)

    return parse, salt


def build_from_sources(sources: Sequence[Path], index_dir: Path, encoder_name: str, *,
                       rules_file: Path | None = None,
                       progress: bool | None = None) -> BuildReport:
    """Build the index at ``index_dir`` from ``sources`` with the standard parser."""
    parse, salt = contract_parser(rules_file)
    return build_index(sources, index_dir, load_encoder(encoder_name), parse=parse, salt=salt,
                       progress=progress)
