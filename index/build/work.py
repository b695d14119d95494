"""The per-file work of a build, as it runs in a worker process (local, or on a Dask worker):
read one source into its contract with the BM25 tokens of its texts, or embed a batch of texts.

Both take and return plain picklable records. A source travels as its path (a local worker
reads our disk and the index's OCR cache) or as its bytes with what OCR read of it before (a
cluster worker sees neither; what its OCR reads comes back for the cache). It goes through the
one parse pipeline (``index.parse.parse_contract``: extraction, OCR where it applies, cleaning,
clause tree). A source that cannot be read comes back with its reason; a MemoryError is left
to the fence (``fence.py``) to report.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from ..errors import SourceError
from ..models import Contract
from ..parse import cached_ocr, data_keys, keep_ocr, parse_contract
from ..store.encoders import load_encoder
from ..store.tokenize import TokenMode, load_dictionary, tokenize_parts
from .fence_child import report_progress
from .texts import clause_rows, title_parts

RawTokens = dict[str, tuple[list[str], list[str]]]  # text piece -> its raw tokens (tokenize)


@dataclass(frozen=True)
class ReadTask:
    """One source to read: its path, and its bytes when the worker cannot see our disk."""

    path: str
    mode: TokenMode | None  # the BM25 tokenizer's mode; None: no tokens (a parse alone)
    rules_file: str | None = None
    data: bytes | None = None  # the file, for a cluster worker
    rules: bytes | None = None  # the rules file, for a cluster worker
    ocr_cache: str | None = None  # where what OCR reads is kept (a local worker only)
    ocr_threads: int = 1  # cores OCR may use: the worker's share of the machine
    ocr_known: str | None = None  # what OCR read of this content before (a cluster worker)


@dataclass(frozen=True)
class ReadResult:
    """A source read: its contract and the tokens of its texts, or why it was not read."""

    contract: Contract | None
    reason: str | None = None
    tokens: RawTokens = field(default_factory=dict)
    pages: int = 0  # pages of a paged source (PDF) its clauses reach
    ocr_read: str | None = None  # what a cluster worker's OCR read, for the building process


@dataclass(frozen=True)
class EmbedTask:
    """Texts to embed with the encoder called ``encoder``."""

    encoder: str
    texts: tuple[str, ...]


def warm_up(task: object) -> None:
    """What reading needs once per worker process, loaded before the source's clock starts
    (``fence_child``): the tokenizer's dictionary, when the read wants tokens (0.6 s here,
    seconds on a busy machine: it made a quick file too slow under a small time limit)."""
    if isinstance(task, ReadTask) and task.mode:
        load_dictionary()


def read_source(task: ReadTask) -> ReadResult:
    """Parse one source and tokenize its search texts (the per-file function of a build)."""
    if task.data is None:
        return _read(Path(task.path), task.rules_file, task.mode, task.ocr_cache,
                     task.ocr_threads)
    with tempfile.TemporaryDirectory(prefix="contractbot-") as tmp:
        path = Path(tmp) / Path(task.path).name  # the name: its kind and the contract key
        path.write_bytes(task.data)
        rules = None
        if task.rules is not None:
            rules = str(Path(tmp) / ".rules.txt")
            Path(rules).write_bytes(task.rules)
        ocr = Path(tmp) / "ocr"  # the OCR cache of this one source, shipped both ways
        keys = data_keys(task.data)  # the keys reading the file written here gives it
        if task.ocr_known is not None:
            keep_ocr(ocr, keys[0], task.ocr_known)
        result = _read(path, rules, task.mode, str(ocr), task.ocr_threads)
        read = cached_ocr(ocr, keys)
        return replace(result, ocr_read=read) if read != task.ocr_known else result


def _read(path: Path, rules_file: str | None, mode: TokenMode | None,
          ocr_cache: str | None, ocr_threads: int) -> ReadResult:
    try:
        contract = parse_contract(path, rules_file=Path(rules_file) if rules_file else None,
                                  ocr_cache=Path(ocr_cache) if ocr_cache else None,
                                  on_page=_page_read, ocr_threads=ocr_threads)
    except MemoryError:
        raise
    except SourceError as err:
        return ReadResult(None, err.reason)
    except Exception as err:  # a parser bug in one file must not stop the others
        return ReadResult(None, f"could not be parsed ({type(err).__name__}: {err})")
    return ReadResult(contract, tokens=source_tokens(contract, mode) if mode else {},
                      pages=max((c.page or 0 for c in contract.clauses), default=0))


def _page_read(done: int, total: int) -> None:
    """OCR read a page: the fence gives the source a fresh time limit (a long scan is slow,
    not stuck) and the build's progress bar counts the page."""
    report_progress((done, total))


def source_tokens(contract: Contract, mode: TokenMode) -> RawTokens:
    """The raw tokens of every text piece of a contract's rows and titles (what
    ``make_rows`` tokenizes), so the building process finds them done."""
    memo: RawTokens = {}
    for _, parts, _ in clause_rows(contract):
        tokenize_parts(parts, mode, memo)
    for parts in title_parts(contract.clauses):
        tokenize_parts(parts, mode, memo)
    return memo


def embed_texts(task: EmbedTask) -> np.ndarray:
    """Unit vectors of ``task.texts``, on one thread (each worker is one core)."""
    return load_encoder(task.encoder, workers=1).encode(list(task.texts))
