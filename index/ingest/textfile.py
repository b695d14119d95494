"""Text and Markdown sources: detect the encoding (BOM, UTF-8, GB18030, Big5, UTF-16), decode."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from ..errors import EmptySourceError, UnreadableSourceError
from ..models import Document, Page

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
        raise EmptySourceError(str(path), "empty file")
    text = decode_bytes(data, str(path))
    text = _normalise_newlines(text)
    if path.suffix.lower() in (".md", ".markdown"):
        text = strip_markdown(text)
    if not text.strip():
        raise EmptySourceError(str(path), "empty file")
    return Document(source=str(path), kind="text", pages=(Page(None, text),))


def decode_bytes(data: bytes, source: str = "") -> str:
    """Decode ``data`` to text, trying BOMs, UTF-16, UTF-8 and Chinese codepages in turn.

    A cut-off last character or a few damaged bytes do not make a file unreadable.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text = data.decode(codec, errors="replace")
            if _few_replacements(text) and _plausible(text, tolerate_replacements=True):
                return text
            raise UnreadableSourceError(source, f"broken {codec} text")
    utf16 = _guess_utf16(data)
    if utf16 is not None:
        text = data[: len(data) // 2 * 2].decode(utf16, errors="replace")
        if _few_replacements(text) and _plausible(text, tolerate_replacements=True):
            return text
    utf8 = _utf8(data)
    if utf8 is not None:
        if _plausible(utf8, tolerate_replacements=True):
            return utf8
        raise UnreadableSourceError(source, "binary file, not text")
    ranked = _ranked_candidates(data) if b"\x00" not in data else []
    for cut in (0, 1):  # the last double-byte character may be cut off
        for codec in ranked:
            decoded = _try_decode(data[: len(data) - cut], codec)
            if decoded is not None and _plausible(decoded):
                return decoded
    # A few damaged bytes: the encoding that needs the fewest replacement characters.
    best = min(
        (data.decode(codec, errors="replace") for codec in ["utf-8", *ranked]),
        key=lambda t: t.count("\ufffd"),
    )
    if _few_replacements(best) and _plausible(best, tolerate_replacements=True):
        return best
    raise UnreadableSourceError(source, "binary file, not text")


def _utf8(data: bytes) -> str | None:
    """UTF-8 text, allowing a cut-off last character and a few damaged sequences, else None."""
    text = _try_decode(data, "utf-8")
    if text is not None:
        return text
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        return decoder.decode(data, final=False)  # only the last character is incomplete
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    multibyte = sum(1 for ch in text if ord(ch) > 0x7F) - broken
    if _few_replacements(text) and multibyte >= 10 * broken:
        return text
    return None


def _few_replacements(text: str) -> bool:
    return text.count("\ufffd") <= max(3, _MAX_REPLACEMENT_SHARE * len(text))


def _guess_utf16(data: bytes) -> str | None:
    """UTF-16 without BOM: zero bytes in the text; the byte order that reads as better text."""
    sample = data[:4096]
    zeros = sample.count(0)
    if len(sample) < 4 or zeros < 2:
        return None
    sample = sample[: len(sample) // 2 * 2]
    scored = []
    for codec in ("utf-16-le", "utf-16-be"):
        text = sample.decode(codec, errors="replace")
        scored.append((_text_score(text), codec))
    score, codec = max(scored)
    # Mostly-CJK UTF-16 has few zero bytes; then the text itself must be convincing.
    return codec if score >= (0.6 if zeros >= len(sample) // 20 else 0.9) else None


def _text_score(text: str) -> float:
    """Share of characters that are CJK ideographs, printable ASCII, whitespace or punctuation."""
    if not text:
        return 0.0
    good = sum(
        1
        for ch in text
        if ("\u4e00" <= ch <= "\u9fff") or (" " <= ch <= "~") or ch in "\n\r\t"
        or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef" or "\u2000" <= ch <= "\u2bff"
    )
    return good / len(text)


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


def _plausible(text: str, tolerate_replacements: bool = False) -> bool:
    """Mostly CJK, ASCII printable text and whitespace; few control or replacement chars."""
    sample = text[:100_000]
    if not sample:
        return False
    bad = sum(
        1
        for ch in sample
        if (ord(ch) < 32 and ch not in "\t\n\r\f\v")
        or (ch == "\ufffd" and not tolerate_replacements)
    )
    if bad > max(3, 0.01 * len(sample)):
        return False
    good = sum(
        1
        for ch in sample
        if ch.isascii() or _TEXTUAL_RE.match(ch) or ch.isspace() or ch == "\ufffd"
    )
    return good / len(sample) >= 0.9


def _normalise_newlines(text: str) -> str:
    """Unify line ends, drop a BOM and form feeds (a form feed means a page break downstream)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    return text.replace("\f", "\n")


_MD_LINE_RE = re.compile(r"^[ \t]{0,3}(?:#{1,6}[ \t]+|>[ \t]?|[-*+][ \t]+(?=\S))")
_MD_EMPHASIS_RE = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_MD_RULE_RE = re.compile(r"^[ \t]*(?:[-*_][ \t]*){3,}$")


def strip_markdown(text: str) -> str:
    """Markdown markup off a contract: "## 第一章 总则" -> "第一章 总则", "**甲方**" -> "甲方"."""
    lines = []
    for line in text.split("\n"):
        if _MD_RULE_RE.match(line):
            lines.append("")
            continue
        if line.lstrip(" \t").startswith("#"):
            line = re.sub(r"[ \t]+#+[ \t]*$", "", line)  # closing hashes of a heading
        line = _MD_LINE_RE.sub("", line)
        lines.append(_MD_EMPHASIS_RE.sub(r"\2", line))
    return "\n".join(lines)
