"""What this version of contractbot indexes and how it reads sources: the versions a manifest
records, what the next build does again when they changed (an upgrade), and the standard parser
with its salt (the parse version and the rules file: a change of either reads every source
again)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..models import Contract
from ..store import Manifest, file_hash
from ..store.encoders import is_builtin
from .plan import Parser

# Bump when the texts we index change (search/embedding text, normalisation): a build then
# re-parses and re-embeds everything instead of reusing the previous generation.
TEXT_VERSION = 6  # 6: tables as rows, sentences joined, OCR, clause-tree fixes; quantity tokens
# Bump when the standard parser reads the same file differently, or its BM25 tokens change: a
# build then reads every source again (the version is in the salt of its hash), and reuses the
# vectors of the texts it already has.
# 2: tables in scans; 3: check boxes (□); 4: sums of money; 5: Symbol font; 6: photographed
# sheets flattened, OCR's 一 for a dash in page numbers; 7: tables of contents only before the
# first numbered sentence, numbering that skips; 8: scans stamped with a line of text read by OCR;
# 9: a DOCX label merged down names every row; 10: a PDF one too; 11: a scanned one too;
# 12: an image that is not a contract is refused; 13: a DOCX of pictures read by OCR; 14: JPEGs
# over 60 MP read; 15: the pictures of pages among a DOCX's text read by OCR; 16: a DOCX
# table nested in a cell keeps its rows; 17: a list 1. 2. under 12.4.6 when chapters are 1. 2.;
# 18: an annex given in parts (附件一A, 附件一B) is a clause 附件一 over them; 19: a chapter whose
# text announces what follows (…包括下列文件：) is the parent of its clauses; 20: roles from
# "乙方委託甲方" in a preamble; 21: the lines after a list that are its parent's (第 2 种方式：,
# B. after A., a closing paragraph of 上述 items) go back to it; 22: a blank item is a line of
# the clause before it at its level, not of its parent; 23: an annex's heading is the parent of
# the clauses under it; 24: headings with topics between semicolons, a heading of the 目录 cut
# from its text, a web page's footer dropped, an annex's lettered sections, list items sized
# with blank runs as one character and split when a list of provisions runs over 400; 25:
# letter-spaced fields naming their party ("出 租 方（甲方）：") or with a spaced-off colon joined,
# a drawn table's first column written down it (委/托/方) a title over its rows, an annex heading
# without title titled by the contract's list of annexes; 26: such a first column with more than
# one character a line (委托/方), or one character over its rows (甲), is a title too; 27: pages
# from mid-way (第六条, 第七条 …) resume the count there, the lines above them the clause before;
# an item label OCR read with its bracket twice ("（(三）") is one; 28: a whole contract whose
# 第一条 heading OCR lost keeps its preamble (27 made it a 第一条); 29: the scanned pages of a
# PDF are moved sideways to line their text blocks up (an album's photos are framed apart). What
# OCR read is cached by the file's content, not by this version: a bump parses scans again
# without OCR.
PARSE_VERSION = 29


def redone_after_upgrade(manifest: Manifest) -> str | None:
    """What the next build does again because this version indexes texts or reads sources
    differently from the one that built ``manifest`` (None: nothing)."""
    if manifest.text_version != TEXT_VERSION:
        return "reads every source again and embeds every clause again"
    if not manifest.encoder_fingerprint and not is_builtin(manifest.encoder):
        return ("reads every source again and embeds every clause again (the files of its "
                "model were not fingerprinted)")
    if manifest.parse_version != PARSE_VERSION:
        return "reads every source again (the vectors are kept)"
    return None


def contract_parser(
    rules_file: Path | None = None, *, ocr_cache: Path | None = None,
    on_page: Callable[[int, int], None] | None = None,
) -> tuple[Parser, bytes]:
    """The standard parser (index.parse.parse_contract with ``rules_file``, OCR results kept in
    ``ocr_cache``, ``on_page`` told of each page OCR reads) and its salt."""
    from ..parse import parse_contract

    salt = _salt(rules_file)

    def parse(path: Path) -> Contract:
        return parse_contract(path, rules_file=rules_file, ocr_cache=ocr_cache, on_page=on_page)

    return parse, salt


def _salt(rules_file: Path | None) -> bytes:
    """What besides a file's bytes changes how the standard parser reads it: its version and
    the rules file."""
    rules = rules_file.read_bytes() if rules_file is not None and rules_file.is_file() else b""
    return f"parse {PARSE_VERSION}\0".encode() + rules


def source_hash(path: Path, *, rules_file: Path | None = None) -> str:
    """The hash a build with the standard parser (and ``rules_file``) records for the file at
    ``path`` in its manifest: equal to an entry's, the index holds what that file holds."""
    return file_hash(path, _salt(rules_file))
