"""Build or update an index generation from contract files, reusing unchanged sources.

A source whose content hash is unchanged is neither re-parsed nor re-embedded: its clauses and
vectors are copied from the previous generation. Sources that fail are recorded, not fatal.
"""

from __future__ import annotations

import datetime as _dt
import secrets
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from . import store
from .encoders import Encoder
from .errors import SourceError
from .models import Clause, Contract
from .query import normalize_text
from .tokenize import DEFAULT_MODE, TokenMode, tokenize_parts
from .tokenize import preload as tokenize_preload

SUFFIXES = (".pdf", ".docx", ".txt", ".md")
# Found in folders so that they are reported with their reason rather than silently skipped.
REPORTED_SUFFIXES = (".doc", ".wps", ".rtf")
# Bump when the texts we index change (search/embedding text, normalisation): a build then
# re-parses and re-embeds everything instead of reusing the previous generation.
TEXT_VERSION = 4  # 4: use-multilingual tokenizes with C++ sentencepiece
CHILD_TEXT_LIMIT = 400  # characters of descendants' text a heading's embedding carries

Parser = Callable[[Path], Contract]


@dataclass(frozen=True)
class BuildReport:
    """What a build did: counts, failures, and how much was reused."""

    index_dir: Path
    generation: str
    contracts: int
    clauses: int
    failed: tuple[tuple[str, str], ...] = ()
    parsed: int = 0
    reused: int = 0
    embedded: int = 0
    sources: int = 0
    notes: tuple[tuple[str, str], ...] = ()  # (source, note): indexed, but changed (split)
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        """0 all indexed, 3 some skipped, 4 nothing indexed."""
        if self.contracts == 0:
            return 4
        return 3 if self.failed else 0

    def summary(self) -> str:
        """One line for logs and cron mail."""
        return (
            f"indexed {self.contracts} contracts, {self.clauses} clauses "
            f"({self.parsed} parsed, {self.reused} reused, {self.embedded} texts embedded); "
            f"{len(self.failed)} failed; generation {self.generation}"
        )


def _plain_reason(path: Path, reason: str) -> str:
    """A failure reason without a leading file name: reports print "<file name>: <reason>"."""
    for prefix in (f"{path.name}: ", f"{path.name} "):
        if reason.startswith(prefix):
            return reason[len(prefix) :]
    return reason


def collect_sources(sources: Sequence[Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Files named directly, and files with a supported suffix found under folders."""
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


def _context(c: Clause, by_id: dict[str, Clause]) -> list[str]:
    """Titles on the path from the chapter down to this clause."""
    parts: list[str] = []
    if c.chapter_title:
        parts.append(c.chapter_title)
    chain: list[str] = []
    seen: set[str] = set()
    parent = c.parent
    while parent and parent in by_id and parent not in seen:
        seen.add(parent)
        p = by_id[parent]
        if p.title:
            chain.append(p.title)
        parent = p.parent
    parts.extend(reversed(chain))
    if c.title and c.title != c.text:
        parts.append(c.title)
    return [normalize_text(p) for p in parts]


def title_parts(clauses: Sequence[Clause]) -> list[list[str]]:
    """For each clause, the titles above and of it (chapter, headings): the title field."""
    by_contract: dict[str, dict[str, Clause]] = {}
    for c in clauses:
        by_contract.setdefault(c.contract, {}).setdefault(c.clause, c)
    out = []
    for c in clauses:
        parts = _context(c, by_contract[c.contract])
        if c.title and c.title == c.text:  # a heading whose text is its title
            parts.append(normalize_text(c.title))
        out.append(parts)
    return out


def title_texts(clauses: Sequence[Clause]) -> list[str]:
    """``title_parts`` joined: the text of each clause's title field."""
    return [" ".join(p) for p in title_parts(clauses)]


def clause_texts(contract: Contract) -> list[tuple[Clause, str, str]]:
    """For each clause: (clause, BM25 text, embedding text), both Simplified."""
    return [(c, " ".join(parts), embed) for c, parts, embed in clause_rows(contract)]


def clause_rows(contract: Contract) -> list[tuple[Clause, list[str], str]]:
    """For each clause: (clause, the parts of its BM25 text, its embedding text), Simplified.

    A clause's search text carries its chapter and heading titles and, for a heading, the text
    of its descendants, so a question about a heading's subject reaches it.
    """
    by_id = {c.clause: c for c in contract.clauses}
    own = {c.clause: normalize_text(c.text_simplified or c.text) for c in contract.clauses}
    children: dict[str, list[str]] = {}
    for c in contract.clauses:
        if c.parent:
            children.setdefault(c.parent, []).append(c.clause)

    def descendants(cid: str, depth: int = 0) -> list[str]:
        if depth > 6:
            return []
        out: list[str] = []
        for k in children.get(cid, []):
            out.append(own[k])
            out.extend(descendants(k, depth + 1))
        return out

    title = normalize_text(contract.title)
    rows = []
    for c in contract.clauses:
        ctx = _context(c, by_id)
        below = descendants(c.clause)
        child_text = " ".join(below)[:CHILD_TEXT_LIMIT]
        embed = f"{title} {' '.join(ctx)}：{own[c.clause]} {child_text}".strip()
        rows.append((c, [*ctx, own[c.clause], *below], embed))
    return rows


def _progress(total: int, enabled: bool | None, desc: str):
    from tqdm import tqdm

    if enabled is None:
        enabled = sys.stderr.isatty()
    return tqdm(total=total, desc=desc, disable=not enabled, file=sys.stderr, leave=False)


def build_index(
    sources: Sequence[Path],
    index_dir: Path,
    encoder: Encoder,
    parse: Parser,
    parse_salt: bytes = b"",
    progress: bool | None = None,
    lock: bool = True,
    mode: TokenMode = DEFAULT_MODE,
    ann_threshold: int | None = None,
) -> BuildReport:
    """Write a new generation for ``sources`` and make it live atomically.

    ``parse`` turns one file into a Contract (raising SourceError on bad files); ``parse_salt``
    is anything besides file content that changes parsing (e.g. the rules file), so a change
    there re-parses everything. ``ann_threshold`` overrides index.ann.ANN_THRESHOLD.
    """
    index_dir = Path(index_dir)
    args = (sources, index_dir, encoder, parse, parse_salt, progress, mode, ann_threshold)
    if lock:
        with store.build_lock(index_dir):
            return _build(*args)
    return _build(*args)


def _previous(index_dir: Path, encoder: Encoder, mode: str):
    """The previous generation's reusable contracts {(source, hash): (contract, gen_dir)}."""
    gen = store.current_generation(index_dir)
    if gen is None:
        return gen, {}, None
    gen_dir = store.generation_dir(index_dir, gen)
    man = store.read_manifest(gen_dir)
    if (man.get("format") != store.FORMAT_VERSION or man.get("encoder") != encoder.name
            or man.get("tokenizer") != mode or man.get("text_version") != TEXT_VERSION):
        return gen, {}, None
    reusable = {(c.source, h): c for c, h in store.read_contracts(gen_dir)}
    notes: dict[str, list[str]] = {}
    for item in man.get("notes", []):
        notes.setdefault(item["source"], []).append(item["note"])
    reusable = {k: replace(c, notes=tuple(notes.get(c.source, ()))) for k, c in reusable.items()}
    return gen, reusable, gen_dir


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


def _build(
    sources: Sequence[Path], index_dir: Path, encoder: Encoder, parse: Parser,
    parse_salt: bytes, progress: bool | None, mode: TokenMode, ann_threshold: int | None,
) -> BuildReport:
    files, failed = collect_sources([Path(s) for s in sources])
    loading = _preload(encoder, mode)
    prev_gen, reusable, prev_dir = _previous(index_dir, encoder, mode)
    prev_refs: list[store.RowRef] = []  # the previous generation's rows, in its order
    prev_rows: dict[str, list[store.RowRef]] = {}  # contract -> rows
    prev_vectors: np.ndarray | None = None  # row ``order`` of the previous generation
    if prev_dir is not None:
        prev_refs = store.read_row_refs(prev_dir)
        for r in prev_refs:
            prev_rows.setdefault(r.contract, []).append(r)
        prev_vectors = store.reconstruct(store.read_vectors(prev_dir), [r.id for r in prev_refs])
    from .bm25 import LexicalIndex, TermRow

    prev_lex = prev_titles = None
    if prev_dir is not None:
        prev_lex = LexicalIndex.load(prev_dir / store.BM25_DIR)
        prev_titles = LexicalIndex.load(prev_dir / store.TITLES_BM25_DIR)
    lex_docs: list[list[str] | TermRow] = []  # per row: tokens, or counts carried over
    title_docs: list[list[str] | TermRow | None] = []

    contracts: list[tuple[Contract, str]] = []
    rows: list[store.StoredClause | store.RowRef] = []  # new ones, and refs to carried ones
    new_rows: list[store.StoredClause] = []
    shifts: list[tuple[str, int]] = []  # carried contract -> its order shift
    vectors: list[np.ndarray] = []
    to_embed: list[tuple[int, str]] = []  # (row position, text)
    keys: set[str] = set()
    used: set[int] = set()  # clause ids taken so far
    notes: list[tuple[str, str]] = []
    memo: dict[str, tuple[list[str], list[str]]] = {}  # tokens of each distinct text piece
    parsed = reused = 0
    bar = _progress(len(files), progress, "parsing")
    for path in files:
        bar.update(1)
        source = str(path.resolve())
        try:
            digest = store.file_hash(path, parse_salt)
        except OSError as err:
            failed.append((str(path), f"cannot read file: {err.strerror or err}"))
            continue
        old = reusable.get((source, digest))
        if old is not None and old.key not in keys and prev_dir is not None:
            stored = prev_rows.get(old.key, [])
            keys.add(old.key)
            contracts.append((old, digest))
            notes.extend((str(path), n) for n in old.notes)
            assert prev_vectors is not None and prev_lex is not None and prev_titles is not None
            if stored:  # a contract's rows are contiguous in every generation we write
                assert stored[-1].order - stored[0].order == len(stored) - 1
                shifts.append((old.key, len(rows) - stored[0].order))
            for s in stored:
                used.add(s.id)
                lex_docs.append(prev_lex.row(s.order))
                title_docs.append(prev_titles.row(s.order))
                rows.append(s)
                vectors.append(prev_vectors[s.order])
            reused += 1
            continue
        try:
            contract = parse(path)
        except SourceError as err:
            failed.append((str(path), _plain_reason(path, err.reason)))
            continue
        except Exception as err:  # a parser bug in one file must not stop the others
            failed.append((str(path), f"could not be parsed ({type(err).__name__}: {err})"))
            continue
        if contract.key in keys:
            reason = f"another source already has the contract name {contract.key}"
            failed.append((str(path), reason))
            continue
        if not contract.clauses:
            failed.append((str(path), "no clauses found"))
            continue
        parsed += 1
        keys.add(contract.key)
        notes.extend((str(path), n) for n in contract.notes)
        meta = Contract(key=contract.key, title=contract.title, parties=contract.parties,
                        clauses=(), script=contract.script, source=source)
        contracts.append((meta, digest))
        for c, parts, embed in clause_rows(contract):
            salt, cid = 0, store.clause_id(c.contract, c.clause, c.text)
            while cid in used:
                salt += 1
                cid = store.clause_id(c.contract, c.clause, c.text, salt)
            used.add(cid)
            to_embed.append((len(rows), embed))
            new_rows.append(store.StoredClause(cid, len(rows), c, " ".join(parts), embed))
            rows.append(new_rows[-1])
            lex_docs.append(tokenize_parts(parts, mode, memo))
            title_docs.append(None)
            vectors.append(np.zeros(encoder.dim, dtype=np.float32))
    bar.close()

    for thread in loading:
        thread.join()
    embedded = _embed(to_embed, rows, vectors, encoder, prev_refs, prev_vectors, progress)

    gen = _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3)
    gen_dir = store.generation_dir(index_dir, gen)
    gen_dir.mkdir(parents=True)
    # carried rows bring their title tokens; new ones get theirs from their own contract
    titles = iter(title_parts([r.clause for r in new_rows]))
    title_rows = [d if d is not None else tokenize_parts(next(titles), mode, memo)
                  for d in title_docs]
    store.write_metadata(gen_dir, contracts, new_rows, prev_dir, shifts)
    matrix = np.vstack(vectors) if vectors else np.zeros((0, encoder.dim), dtype=np.float32)
    store.write_vectors(gen_dir, np.array([r.id for r in rows], dtype=np.int64), matrix,
                        encoder.dim, ann_threshold)
    LexicalIndex.build(lex_docs, prev_lex.vocab if prev_lex else ()).save(
        gen_dir / store.BM25_DIR)
    LexicalIndex.build(title_rows, prev_titles.vocab if prev_titles else ()).save(
        gen_dir / store.TITLES_BM25_DIR)
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.contract] = counts.get(row.contract, 0) + 1
    manifest: dict[str, object] = {
        "format": store.FORMAT_VERSION,
        "generation": gen,
        "encoder": encoder.name,
        "dim": encoder.dim,
        "tokenizer": mode,
        "text_version": TEXT_VERSION,
        "built_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "contracts": len(contracts),
        "clauses": len(rows),
        "sources": [
            {"source": c.source, "contract": c.key, "title": c.title, "hash": h,
             "clauses": counts.get(c.key, 0)}
            for c, h in contracts
        ],
        "failed": [{"source": s, "reason": r} for s, r in failed],
        "notes": [{"source": str(Path(s).resolve()), "note": n} for s, n in notes],
    }
    store.write_manifest(gen_dir, manifest)
    store.sync_dir(gen_dir)
    store.switch_generation(index_dir, gen)
    store.cleanup_generations(index_dir, [g for g in (gen, prev_gen) if g])
    return BuildReport(
        index_dir=index_dir, generation=gen, contracts=len(contracts), clauses=len(rows),
        failed=tuple(failed), parsed=parsed, reused=reused, embedded=embedded,
        sources=len(files), notes=tuple(notes),
    )



def _embed(
    to_embed: list[tuple[int, str]], rows: Sequence[store.StoredClause | store.RowRef],
    vectors: list[np.ndarray], encoder: Encoder, prev_refs: Sequence[store.RowRef],
    prev_vectors: np.ndarray | None, progress: bool | None,
) -> int:
    """Fill ``vectors`` at the positions of ``to_embed``; returns how many texts were encoded.

    A text is encoded once however many clauses share it (template clauses repeat across a
    library), and not at all when a reused clause or the previous generation already has it.
    """
    if not to_embed:
        return 0
    pending = {pos for pos, _ in to_embed}
    known: dict[str, np.ndarray] = {
        r.embed_text: vectors[i] for i, r in enumerate(rows) if i not in pending
    }
    if prev_vectors is not None:  # rows of the previous generation: ``order`` is theirs there
        wanted = {t for _, t in to_embed} - known.keys()
        known.update((r.embed_text, prev_vectors[r.order]) for r in prev_refs
                     if r.embed_text in wanted)
    new = list(dict.fromkeys(t for _, t in to_embed if t not in known))
    ebar = _progress(len(new), progress, "embedding")
    batch = 512  # the encoder spreads each chunk over the cores; the bar moves per chunk
    for i in range(0, len(new), batch):
        chunk = new[i : i + batch]
        known.update(zip(chunk, encoder.encode(chunk), strict=True))
        ebar.update(len(chunk))
    ebar.close()
    for pos, text in to_embed:
        vectors[pos] = known[text]
    return len(new)


def contract_parser(rules_file: Path | None = None) -> tuple[Parser, bytes]:
    """The standard parser (index.parse.parse_contract with ``rules_file``) and its salt."""
    from .parse import parse_contract

    salt = rules_file.read_bytes() if rules_file is not None and rules_file.is_file() else b""

    def parse(path: Path) -> Contract:
        return parse_contract(path, rules_file=rules_file)

    return parse, salt


def build_from_sources(
    sources: Sequence[Path], index_dir: Path, encoder_name: str,
    rules_file: Path | None = None, progress: bool | None = None,
) -> BuildReport:
    """Build the index at ``index_dir`` from ``sources`` with the standard parser."""
    from .encoders import load_encoder

    parse, salt = contract_parser(rules_file)
    return build_index(sources, index_dir, load_encoder(encoder_name), parse, salt, progress)
