"""Build or update an index generation: plan → rows → embed → write.

A source whose content hash is unchanged is neither re-parsed nor re-embedded: its rows, vectors
and BM25 counts are carried over from the previous generation. Sources that fail are recorded,
not fatal. The plan stage's safety rules (``guard``) run before anything is written: a missing
source, or a build that would empty the index, drop most of it or move its contracts to other
collections, leaves the index as it was.
With the standard parser (a contract's key follows from its file's name: ``keys``) the rule on
dropping is first tried on the file names: a build it refuses there (a wrong folder) reads its
files only to name those that cannot be read, and embeds nothing before it is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from ..errors import IndexDamagedError
from ..parse import contract_key, drop_stray_writes
from ..store import (
    build_lock,
    newest_readable_manifest,
    ocr_cache_dir,
    remove_unused,
    require_writable,
)
from ..store.embed_cache import EmbedCache, clear_embed_caches
from ..store.encoders import (
    Encoder,
    check_encoder_name,
    identity_of,
    load_encoder,
)
from ..store.tokenize import DEFAULT_MODE, TokenMode
from . import versions
from .collections import DEFAULT_COLLECTION, assign_collections, collection_of, flat_roots
from .embed import Embedder, embed_rows
from .fence import BuildStopped
from .guard import (
    check_drops,
    check_encoder,
    check_moves,
    drop_refusal,
    dropped_sources,
    held_empty,
    live_manifest,
    move_refusal,
    moved_contracts,
    resolve_roots,
    root_names,
)
from .keys import Named, assign_keys
from .parallel import Reading, SourceReader, make_runner, workers_can_load
from .plan import Parsed, Parser, plan_build
from .preload import preload
from .previous import indexed_later, reusable_previous, whole_previous
from .progress import BuildProgress
from .report import BuildReport, source_names
from .revisions import held_contracts, new_pairs, revision_pairs
from .rows import make_rows
from .runner import Runner
from .sources import collect_sources, empty_collections
from .versions import contract_parser
from .write import generation_manifest, new_generation_name, write_generation


def build_index(
    sources: Sequence[Path] | None, index_dir: Path, encoder: Encoder, *,
    parse: Parser | None = None, salt: bytes = b"", progress: bool | None = None,
    lock: bool = True, mode: TokenMode = DEFAULT_MODE, ann_threshold: int | None = None,
    replace: bool = False, rules_file: Path | None = None, reading: Reading | None = None,
) -> BuildReport:
    """Write a new generation for ``sources`` (None: the ones the index remembers) and make it
    live atomically.

    ``parse`` turns one file into a Contract in this process, raising SourceError on bad files;
    without it, the standard parser (with ``rules_file``) reads each source in a worker
    process within its limits, in parallel, as ``reading`` says (default: one worker per core),
    and the same workers embed the texts; what OCR reads is kept in the index's cache
    (``<index>/cache/ocr``). ``salt`` is anything besides file content that changes parsing
    (e.g. the rules file), so a change there re-parses everything.
    ``ann_threshold`` overrides index.store.vectors.ANN_THRESHOLD. Nothing is written, and the
    error says why, when a source does not exist (MissingSourceError) or when the build would
    leave the index empty or drop more than half of its contracts (WouldDropError), or move
    contracts it holds to another collection (WouldMoveError), unless ``replace``. Vectors
    embedded before a build is killed or stopped are kept in the index's cache and not
    embedded again by the next build.
    """
    index_dir = Path(index_dir)
    roots = resolve_roots(sources, index_dir)  # before the lock: a typo creates nothing
    options = _Options(parse, salt, progress, mode, ann_threshold, replace, rules_file,
                       reading or Reading())
    _check_stop(options.reading)
    # a parser of the caller's runs here; the workers (a cluster: reached before anything is
    # created, so an unreachable scheduler changes nothing) read with the standard one
    runner = make_runner(options.reading) if parse is None else None
    created = not index_dir.exists()
    try:
        if lock:
            with build_lock(index_dir):
                return _build(roots, index_dir, encoder, options, runner)
        return _build(roots, index_dir, encoder, options, runner)
    finally:
        if runner is not None:
            runner.close()
        if created:
            remove_unused(index_dir)  # a refused first build leaves no folder behind


@dataclass(frozen=True)
class _Options:
    parse: Parser | None
    salt: bytes
    progress: bool | None
    mode: TokenMode
    ann_threshold: int | None
    replace: bool
    rules_file: Path | None
    reading: Reading


def _build(roots: Sequence[Path], index_dir: Path, encoder: Encoder, options: _Options,
           runner: Runner | None) -> BuildReport:
    require_writable(index_dir)  # before any work: a read-only folder failed at the switch
    drop_stray_writes(ocr_cache_dir(index_dir))  # what OCR's killed writes left in its cache
    progress = BuildProgress(options.progress)
    parse, salt = options.parse, options.salt
    if parse is None:
        parse, salt = contract_parser(options.rules_file, ocr_cache=ocr_cache_dir(index_dir),
                                      on_page=progress.ocr_page)
    try:
        return _build_with(roots, index_dir, encoder, options, parse, salt, runner, progress)
    finally:
        progress.close()


def _build_with(roots: Sequence[Path], index_dir: Path, encoder: Encoder, options: _Options,
                parse: Parser, salt: bytes, runner: Runner | None,
                progress: BuildProgress) -> BuildReport:
    mode = options.mode
    files, missing = collect_sources(roots)
    own = index_dir.resolve()  # an index inside a source folder is not a source of itself
    files = [f for f in files if own not in f.resolve().parents]
    embed_runner = runner if runner is not None and workers_can_load(encoder) else None
    # with workers, they embed and tokenize: this process loads neither model nor dictionary
    loading = preload(encoder if embed_runner is None else None,
                       mode if runner is None else None)
    try:
        damaged = ""  # why the live generation could not be read, if it could not
        try:
            live = guarded = live_manifest(index_dir)
        except IndexDamagedError as err:  # nothing of it can be reused: the contracts of the
            live, damaged = None, str(err)  # newest whole generation are protected instead
            guarded = newest_readable_manifest(index_dir)
        recorded = root_names(roots)
        check_encoder(guarded, encoder.name, replace=options.replace)
        # a collection folder found empty whose contracts the index holds: a failure of this
        # build, which the rule on dropping refuses (one not held yet is nothing to say)
        missing = [*missing, *held_empty(empty_collections(roots, files, missing), guarded)]
        # the standard parser's keys are known from the names: a build refused on them is
        # refused below whatever reading gives; its files are still read (each one that cannot
        # be is named) but none of their texts is embedded
        known = {s.source: s.contract for s in guarded.sources} if guarded else {}
        collection = partial(collection_of, roots=list(roots))
        named = [Named(str(f.resolve()), collection(f), contract_key(f)) for f in files]
        doomed = options.parse is None and (drop_refusal(
            {k for k in assign_keys(named, known) if k is not None}, guarded, roots=recorded,
            replace=options.replace, failed=missing) is not None or move_refusal(
            [(n.source, n.collection) for n in named], guarded,
            replace=options.replace) is not None)
        try:  # the texts' version read now, from the one home the manifest is written from
            vectors_of = reusable_previous(index_dir, live, encoder=identity_of(encoder),
                                           text_version=versions.TEXT_VERSION)
            # built with another tokenizer: every source is read again, its vectors serve
            previous = vectors_of if vectors_of and vectors_of.tokenizer == mode else None
        except IndexDamagedError as err:  # every source is read and embedded again
            previous, vectors_of, damaged = None, None, str(err)
        if damaged:  # unless a whole generation before it serves
            vectors_of = whole_previous(index_dir, encoder=identity_of(encoder),
                                        text_version=versions.TEXT_VERSION)
            previous = vectors_of if vectors_of and vectors_of.tokenizer == mode else None
        cache = EmbedCache.open(index_dir, identity_of(encoder), encoder.dim)
        embedder = Embedder(encoder, vectors_of, cache)
        reader = None
        if runner is not None:
            reader = SourceReader(runner, mode=mode, rules_file=options.rules_file,
                                  progress=progress,
                                  embedder=(embedder if embed_runner is not None and not doomed
                                            else None),
                                  ocr_cache=ocr_cache_dir(index_dir))
        plan = plan_build(files, previous, parse, salt=salt, failed=missing,
                          progress=options.progress, reader=reader, collection=collection,
                          known_keys=known,
                          indexed=indexed_later(index_dir, guarded) if previous is None else None,
                          stem_of=contract_key if options.parse is None else None)
        plan = assign_collections(plan, list(roots))
        kept = {item.contract.key for item in plan.items}
        # a move first: files of one name that it puts in one collection clash, and the one
        # refused there would be dropped, which the move explains
        check_moves([(str(i.path.resolve()), i.contract.collection) for i in plan.items],
                    guarded, replace=options.replace, failed=plan.failed, roots=recorded)
        check_drops(kept, guarded, roots=recorded, replace=options.replace,
                    failed=plan.failed)
        parsed = sum(1 for item in plan.items if isinstance(item, Parsed) and not item.again)
        if not kept and (guarded is None or not guarded.sources):  # nothing to index or lose
            return BuildReport(index_dir=index_dir, generation="", contracts=0, clauses=0,
                               failed=plan.failed, parsed=parsed, sources=len(files),
                               held_none=live is not None,
                               names=_names(plan.failed, (), (), files, recorded))
        rows = make_rows(plan, previous, dim=encoder.dim, mode=mode,
                         memo=reader.tokens if reader is not None else None)
    finally:  # also when refused: a model still loading in a thread must not be cut off
        for thread in loading:
            thread.join()
    vectors, embedded, cached = embed_rows(rows, embedder, runner=embed_runner,
                                           progress=progress)
    _check_stop(options.reading)
    gen = new_generation_name()
    # a report only: files that look like two versions of one contract (both answer)
    revisions = revision_pairs(held_contracts(plan.items, previous.dir if previous else None))
    manifest = generation_manifest(gen, rows, encoder, mode, plan.failed, plan.notes, recorded,
                                   revisions=revisions)
    write_generation(index_dir, gen, rows, vectors, manifest, previous=previous,
                     ann_threshold=options.ann_threshold)
    cache.clear()  # the generation holds the vectors now
    if guarded is not None and guarded.encoder_identity != identity_of(encoder):  # the index
        # changed encoder, or its model's files changed:
        clear_embed_caches(index_dir)  # what other encoders' killed builds left is useless
    # each said with its reason
    failed_at = {str(Path(s).resolve()) for s, _ in (*plan.failed, *plan.lost)}
    dropped = tuple(s.source for s in dropped_sources({c.key for c, _ in rows.contracts}, guarded)
                    if s.source not in failed_at)
    # a move --replace allowed was asked for (its refusal named each): said only when unasked
    moved = () if options.replace else moved_contracts((c for c, _ in rows.contracts), guarded)
    return BuildReport(
        index_dir=index_dir, generation=gen, contracts=len(rows.contracts),
        clauses=len(rows.rows), failed=plan.failed, parsed=parsed,
        reused=len(plan.items) - parsed, embedded=embedded, cached=cached, sources=len(files),
        notes=tuple(plan.notes), dropped=dropped, moved=moved, repaired=damaged,
        kept=plan.kept,
        lost=plan.lost,
        revisions=new_pairs(revisions, guarded.revisions if guarded else ()),
        flat_roots=flat_roots([item.path for item in plan.items], roots,
                              {s.source for s in guarded.sources
                               if s.collection == DEFAULT_COLLECTION} if guarded else ()),
        names=_names(plan.failed, (*plan.kept, *plan.lost), plan.notes, files, recorded,
                     dropped=(*dropped, *(source for source, _, _ in moved),
                              *(s for r in revisions for s in (r.first, r.second)))),
    )


def _names(failed: Sequence[tuple[str, str]], kept: Sequence[tuple[str, str]],
           notes: Sequence[tuple[str, str]], files: Sequence[Path], roots: Sequence[str], *,
           dropped: Sequence[str] = ()) -> tuple[tuple[str, str], ...]:
    """How the sources a build's messages name are named (report.source_names)."""
    said = [*(s for s, _ in (*failed, *kept, *notes)), *dropped]
    return source_names(said, among=[*map(str, files), *said], roots=roots)


def _check_stop(reading: Reading) -> None:
    if reading.stop is not None and reading.stop.is_set():
        raise BuildStopped("the build was stopped")


def build_from_sources(sources: Sequence[Path] | None, index_dir: Path, encoder_name: str, *,
                       rules_file: Path | None = None, progress: bool | None = None,
                       replace: bool = False, reading: Reading | None = None) -> BuildReport:
    """Build the index at ``index_dir`` from ``sources`` (None: the ones it remembers) with the
    standard parser, each source read in a worker process as ``reading`` says; the encoder
    name and the sources are checked before the model loads, and what OCR reads is kept in
    the index's cache (``<index>/cache/ocr``)."""
    check_encoder_name(encoder_name)
    roots = resolve_roots(sources, Path(index_dir))
    return build_index(roots, index_dir, load_encoder(encoder_name), rules_file=rules_file,
                       progress=progress, replace=replace, reading=reading)
