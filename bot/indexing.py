"""The index commands of ``contractbot``: ``parse`` (a contract's clause tree), ``index build``
and ``index status`` (what the index holds, and whether every part of it can be read)."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

from index import IndexDamagedError, IndexMissingError

from .access import AccessFileError
from .arguments import given_index, index_dir_of
from .building import index_build, report_failures, run_build
from .chats_read import ChatReads, access_table, chat_lines, chats_read
from .exits import EXIT_ERROR, EXIT_NOTHING, EXIT_OK, EXIT_SKIPPED, EXIT_USAGE
from .output import print_json
from .settings import Settings


def cmd_parse(args: argparse.Namespace, settings: Settings) -> int:
    """Print the clause tree of a contract file, or of every file in a folder.

    Each file is read in a worker process within the build's limits. Scans and photos are read
    by OCR (a progress bar on a terminal); what it reads is kept in the index's OCR cache, so
    building the index afterwards does not read them again."""
    from index import (
        EMPTY_FOLDER,
        collect_sources,
        missing_sources,
        ocr_cache_dir,
        read_contracts,
    )

    from .outline import format_tree

    path = Path(args.path)
    if not path.exists():
        print(f"contractbot: {missing_sources([path])}", file=sys.stderr)
        return EXIT_USAGE
    files, skipped = collect_sources([path]) if path.is_dir() else ([path], [])
    if path.is_dir() and not files and skipped == [(str(path), EMPTY_FOLDER)]:
        print(f"contractbot: no contract files in {path} (parse reads {_suffixes()})",
              file=sys.stderr)
        return EXIT_NOTHING
    report_failures(skipped)
    parsed = failed = 0
    read = read_contracts(files, rules_file=settings.rules_file,
                          ocr_cache=ocr_cache_dir(settings.index_dir),
                          reading=settings.reading(), progress=None)
    for file in files:
        contract = read[file]
        if isinstance(contract, str):
            report_failures([(str(file), contract)])
            failed += 1
            continue
        parsed += 1
        report_failures((str(file), f"note: {n}") for n in contract.notes)
        if args.json:
            print_json(contract.as_json())
        else:
            print(("\n" if parsed > 1 else "") + format_tree(contract))
    if not parsed:
        if path.is_dir():
            print(f"contractbot: no contract could be parsed in {path}", file=sys.stderr)
        return EXIT_NOTHING
    return EXIT_SKIPPED if failed else EXIT_OK


def _suffixes() -> str:
    """The file suffixes a contract is read from, documents first: ``.pdf, .docx, .md, …``."""
    from index import SOURCE_SUFFIXES, TEXT_SUFFIXES

    documents = {".pdf", ".docx"}
    order = [documents, TEXT_SUFFIXES, SOURCE_SUFFIXES - documents - TEXT_SUFFIXES]
    return ", ".join(s for group in order for s in sorted(group & SOURCE_SUFFIXES))


def cmd_index_build(args: argparse.Namespace, settings: Settings) -> int:
    """Build or update the index from source files and folders (none: the remembered ones)."""
    sources = [Path(s) for s in args.sources] if args.sources else None
    status, report = run_build(sources, index_dir_of(args, settings), settings,
                               replace=args.replace,
                               index=given_index(args),
                               reading=settings.reading(cluster=args.cluster,
                                                        workers=args.workers))
    if report is not None:
        print(report.summary())
    return status


def cmd_index_status(args: argparse.Namespace, settings: Settings) -> int:
    """Describe the index: contracts, clauses, encoder, sources, failures, build time; exit 1
    when a part of it is missing or cannot be read (a damaged index that `index build`
    repairs)."""
    from index import (
        index_damage,
        index_faults,
        index_status,
        name_in,
        redone_after_upgrade,
        revision_why,
        source_names,
    )

    index_dir = index_dir_of(args, settings)
    try:
        manifest = index_status(index_dir)
    except (IndexMissingError, IndexDamagedError) as err:  # the CLI says why, exit 1
        if args.json:  # a script still gets an object to read
            print_json(_undescribed_status(index_dir, err))
        raise
    missing = index_damage(index_dir)
    faults = index_faults(index_dir)
    redone = redone_after_upgrade(manifest)
    chats = _chats(settings, Counter(src.collection for src in manifest.sources))
    if args.json:
        full = manifest.as_json()
        print_json({
            "exists": True,
            **{k: full[k] for k in ("contracts", "clauses", "encoder", "dim")},
            "encoder_fingerprint": manifest.encoder_fingerprint or None,
            **{k: full[k] for k in ("built_at", "generation")},
            "index_dir": str(index_dir),
            **{k: full[k] for k in ("roots", "sources", "failed", "notes", "revisions")},
            "missing": list(missing),
            "damaged": [{"part": part, "reason": reason} for part, reason in faults],
            "outdated": redone,
            "chats": [row.as_json() for row in chats] if chats is not None else None,
        })
        return _damaged(manifest.generation, missing, faults, index=given_index(args))
    print(f"index:     {index_dir}")
    print(f"built at:  {manifest.built_at} (generation {manifest.generation})")
    print(f"sources:   {', '.join(manifest.roots) or '(not recorded)'}")
    files = (f"; model files {manifest.encoder_fingerprint}" if manifest.encoder_fingerprint
             else "")
    print(f"encoder:   {manifest.encoder} ({manifest.dim} dimensions{files})")
    print(f"contracts: {manifest.contracts}   clauses: {manifest.clauses}")
    for src in manifest.sources:
        print(f"  {src.contract}  《{src.title}》  {src.clauses} clauses  [{src.collection}]")
    said = [*(s for s, _ in (*manifest.failed, *manifest.notes)),
            *(s for r in manifest.revisions for s in (r.first, r.second))]
    names = source_names(said, among=[*(s.source for s in manifest.sources), *said],
                         roots=manifest.roots)
    for source, reason in manifest.failed:
        print(f"  failed: {name_in(names, source)}: {reason}")
    for source, note in manifest.notes:
        print(f"  note:   {name_in(names, source)}: {note}")
    for pair in manifest.revisions:  # both answer: the build named them when first seen
        print(f"  versions: {name_in(names, pair.first)} and {name_in(names, pair.second)} look "
              f"like two versions of one contract ({revision_why(pair)})")
    if redone:
        print("upgrade:   built by another version of contractbot; the next `contractbot index "
              f"build` {redone}")
    if chats:
        print("chats:     who may ask the bot, and what each reads")
        print("\n".join(chat_lines(chats)))
    return _damaged(manifest.generation, missing, faults, index=given_index(args))


def _chats(settings: Settings, counts: Mapping[str, int]) -> list[ChatReads] | None:
    """The chats that may ask and what each reads (``chats_read``); None, with one line on
    stderr, when the access file cannot be read (serve would not start on it)."""
    try:
        table = access_table(settings)
    except AccessFileError as err:
        print(f"contractbot: CONTRACTBOT_ACCESS_FILE: {err} (serve refuses to start on it)",
              file=sys.stderr)
        return None
    return chats_read(settings, table, counts)


def _undescribed_status(index_dir: Path,
                        err: IndexMissingError | IndexDamagedError) -> dict[str, object]:
    """``index status --json`` of an index with no live generation to describe: the keys of a
    whole one, ``exists`` false and nothing held when there is no index, or where it is
    damaged under ``damaged`` (a pointer naming a generation that is gone, or none; a garbled
    manifest)."""
    from index import undescribed_part

    damaged = isinstance(err, IndexDamagedError)
    return {"exists": damaged, "contracts": 0, "clauses": 0, "encoder": None, "dim": None,
            "encoder_fingerprint": None, "built_at": None, "generation": None,
            "index_dir": str(index_dir), "roots": [], "sources": [], "failed": [], "notes": [],
            "revisions": [],
            "missing": [],
            "damaged": ([{"part": undescribed_part(index_dir), "reason": str(err)}] if damaged
                        else []),
            "outdated": None, "chats": []}


def _damaged(generation: str, missing: Sequence[str], faults: Sequence[tuple[str, str]], *,
             index: Path | None) -> int:
    """EXIT_ERROR, with one line on stderr, when parts of the live generation are missing or
    cannot be read."""
    if not missing and not faults:
        return EXIT_OK
    why = [f"{', '.join(missing)} missing"] if missing else []
    why += [f"{part} cannot be read: {reason}" for part, reason in faults]
    print(f"contractbot: the index generation {generation} is damaged ({'; '.join(why)}); "
          f"rebuild it: {index_build(index)()}", file=sys.stderr)
    return EXIT_ERROR
