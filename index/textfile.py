"""Text and Markdown sources: detect the encoding (BOM, UTF-8, GB18030, Big5, UTF-16), decode."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from .errors import EmptySourceError, UnreadableSourceError
from .models import Document, Page

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Chinese legacy encodings worth trying, most likely first (GB18030 is a superset of GBK/GB2312).
_CANDIDATES = ("gb18030", "big5", "big5hkscs")
# Text we expect in a contract: CJK, CJK/full-width punctuation, Latin-1, general punctuation,
# symbols and box drawing (tables drawn with ┌─┐).
_TEXTUAL_RE = re.compile(
    r"[\u00a0-\u024f\u2000-\u2bff\u3000-\u303f\u3040-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    r"\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]"
)
_MAX_REPLACEMENT_SHARE = 0.01  # a few U+FFFD already in the source are tolerated


def extract_text_file(path: Path) -> Document:
    """Read a .txt/.md file as one page of text, whatever its (Chinese) encoding."""
    data = path.read_bytes()
    if not data.strip():
        raise EmptySourceError(str(path), f"{path.name}: empty file")
    text = decode_bytes(data, str(path))
    text = _normalise_newlines(text)
    if not text.strip():
        raise EmptySourceError(str(path), f"{path.name}: empty file")
    return Document(source=str(path), kind="text", pages=(Page(None, text),))


def decode_bytes(data: bytes, source: str = "") -> str:
    """Decode ``data`` to text, trying BOMs, strict UTF-8, UTF-16 and Chinese codepages."""
    name = Path(source).name or "file"
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as err:
                raise UnreadableSourceError(source, f"{name}: broken {codec} text") from err
    utf16 = _guess_utf16(data)
    if utf16 is not None:
        text = _try_decode(data, utf16)
        if text is not None and _plausible(text):
            return text
    text = _try_decode(data, "utf-8")
    if text is not None:
        if _plausible(text):
            return text
        raise UnreadableSourceError(source, f"{name}: binary file, not text")
    if b"\x00" not in data:
        for codec in _ranked_candidates(data):
            text = _try_decode(data, codec)
            if text is not None and _plausible(text):
                return text
    # Mostly UTF-8 with a few broken sequences (U+FFFD already in the source, a cut-off byte).
    text = data.decode("utf-8", errors="replace")
    if text.count("\ufffd") <= max(3, _MAX_REPLACEMENT_SHARE * len(text)) and _plausible(text):
        return text
    raise UnreadableSourceError(source, f"{name}: binary file, not text")


def _guess_utf16(data: bytes) -> str | None:
    """UTF-16 without BOM: many zero bytes on one side of each pair."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0) / max(1, len(sample[0::2]))
    odd = sample[1::2].count(0) / max(1, len(sample[1::2]))
    if odd > 0.3 and even < 0.05:
        return "utf-16-le"
    if even > 0.3 and odd < 0.05:
        return "utf-16-be"
    if b"\x00" not in sample:
        return None
    # CJK UTF-16 has few zero bytes; decide by which byte order yields CJK text.
    for codec in ("utf-16-le", "utf-16-be"):
        text = _try_decode(data[: len(data) // 2 * 2], codec)
        if text is not None and _plausible(text):
            return codec
    return None


def _ranked_candidates(data: bytes) -> list[str]:
    """Chinese codepages ordered by charset-normalizer's opinion, then our default order."""
    ranked: list[str] = []
    try:
        from charset_normalizer import from_bytes

        matches = from_bytes(data[:200_000], cp_isolation=list(_CANDIDATES))
        ranked = [m.encoding for m in matches if m.encoding in _CANDIDATES]
    except Exception:
        ranked = []
    return ranked + [c for c in _CANDIDATES if c not in ranked]


def _try_decode(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _plausible(text: str) -> bool:
    """Mostly CJK, ASCII printable text and whitespace; few control or replacement chars."""
    sample = text[:100_000]
    if not sample:
        return False
    bad = sum(
        1
        for ch in sample
        if (ord(ch) < 32 and ch not in "\t\n\r\f\v") or ch == "\ufffd"
    )
    if bad > max(3, 0.01 * len(sample)):
        return False
    good = sum(1 for ch in sample if ch.isascii() or _TEXTUAL_RE.match(ch) or ch.isspace())
    return good / len(sample) >= 0.9


def _normalise_newlines(text: str) -> str:
    """Unify line ends, drop a BOM and form feeds (a form feed means a page break downstream)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    return text.replace("\f", "\n")
