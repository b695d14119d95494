"""One contract file -> Contract: extract, clean, split into clauses, find title and parties."""

from __future__ import annotations

from pathlib import Path

from .errors import EmptySourceError, NotAContractError, UnreadableSourceError
from .ingest.clean import clean_text
from .ingest.extract import IMAGE_SUFFIXES as IMAGE_SUFFIXES
from .ingest.extract import SOURCE_SUFFIXES as SOURCE_SUFFIXES
from .ingest.extract import TEXT_SUFFIXES as TEXT_SUFFIXES
from .ingest.extract import extract_document, source_kind
from .ingest.extract import known_unsupported as known_unsupported
from .ingest.rules import load_rules
from .ingest.scans import OcrOptions, PageProgress
from .ingest.scans import cached_ocr as cached_ocr  # for a build's cluster workers
from .ingest.scans import data_keys as data_keys
from .ingest.scans import drop_stray_writes as drop_stray_writes  # a build's, before its work
from .ingest.scans import keep_ocr as keep_ocr
from .models import Clause, Contract, Document
from .structure.clauses import split_clauses
from .structure.parties import find_parties, find_title
from .structure.recognize import looks_like_contract
from .structure.split import split_long_clauses
from .text import detect_script, to_simplified


def check_rules_file(rules_file: Path | None) -> None:
    """RulesFileError when the user's rules file cannot be read or holds a bad rule: said once,
    before any source is read, instead of as the reason every source fails."""
    load_rules(rules_file)


def contract_key(path: Path) -> str:
    """The key of the contract a source file holds: its file name without the extension (a
    build can tell the keys of a folder before reading it)."""
    return Path(path).stem


def parse_contract(path: Path, *, rules_file: Path | None = None, ocr_cache: Path | None = None,
                   on_page: PageProgress | None = None,
                   ocr_threads: int | None = None) -> Contract:
    """Parse a contract source file into its clause tree (key = file stem): extract the text,
    clean it, split it into clauses, read its title and party roles.

    Scanned pages and images are read by OCR; ``ocr_cache`` is a folder where what OCR read is
    kept by content hash (an unchanged scan is never read twice), ``on_page`` hears of each
    page OCR reads, ``ocr_threads`` is how many cores OCR uses (None: all). What reading
    noticed (a page read with low confidence, a clause split) is in the contract's notes."""
    path = Path(path)
    document, text = _read(path, rules_file, OcrOptions(ocr_cache, on_page, ocr_threads))
    key = contract_key(path)
    clauses = split_clauses(text, key, page_numbers=document.page_numbers)
    title, parties = find_title(text), find_parties(text)
    if _checked(document) and not looks_like_contract(text, clauses, title=title,
                                                      parties=parties):
        raise NotAContractError(str(path), "does not look like a contract")
    if not clauses:
        clauses = _paragraph_clauses(text, key)
    clauses, notes = split_long_clauses(clauses)
    return Contract(
        key=key,
        title=title or key,
        parties=parties,
        clauses=tuple(clauses),
        script=detect_script(text),
        source=str(path),
        notes=document.notes + tuple(notes),
    )


def check_source(path: Path) -> str:
    """The kind of a source file ("pdf", "docx", "image", "text") as extraction would read it,
    from its first bytes and size; a SourceError naming why it would not be read (a
    spreadsheet, an archive, an empty or too large file)."""
    return source_kind(Path(path))


def read_text(path: Path, *, rules_file: Path | None = None,
              ocr_cache: Path | None = None) -> str:
    """The cleaned text of a contract source, pages separated by form feeds: what the clause
    tree is built from."""
    return _read(Path(path), rules_file, OcrOptions(ocr_cache))[1]


def _read(path: Path, rules_file: Path | None, ocr: OcrOptions) -> tuple[Document, str]:
    if not path.is_file():
        raise UnreadableSourceError(str(path), "no such file")
    document = extract_document(path, ocr=ocr)
    text = clean_text(document.text, load_rules(rules_file), join_lines=document.kind == "text")
    if not text.strip():
        raise EmptySourceError(str(path), "holds no contract text")
    return document, text


def _checked(document: Document) -> bool:
    """Whether a source must look like a contract to be one: a text file (notes beside a
    library) or a photo (of something else), unless OCR read it with low confidence (then
    its note says to send a sharper one)."""
    return document.kind == "text" or (document.kind == "image" and not document.notes)


def _paragraph_clauses(text: str, key: str) -> list[Clause]:
    """Fallback for a contract without any numbering: one clause per paragraph ("第1段")."""
    paragraphs = [p.strip() for p in text.replace("\f", "\n").split("\n") if p.strip()]
    return [
        Clause(key, f"第{i}段", None, None, p, text_simplified=to_simplified(p))
        for i, p in enumerate(paragraphs, 1)
    ]
