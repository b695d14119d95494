"""Script and width normalisation, and sentences: the one home of text tools every stage shares.

The only place an OpenCC converter is built. Parsing folds full-width digits, Latin letters,
the ideographic space and number-like punctuation (． － ／ ％ ＋) to ASCII but keeps Chinese
punctuation (。，、；：（）“”) as written, since quotes must read like the contract; search
(``normalize_text``) folds everything, and converts to Simplified.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any, Literal

from .models import Script

_FOLD: dict[int, int | str] = {0x3000: " "}
_FOLD.update({c: c - 0xFEE0 for c in range(ord("０"), ord("９") + 1)})
_FOLD.update({c: c - 0xFEE0 for c in range(ord("Ａ"), ord("Ｚ") + 1)})
_FOLD.update({c: c - 0xFEE0 for c in range(ord("ａ"), ord("ｚ") + 1)})
_FOLD.update({ord(c): ord(c) - 0xFEE0 for c in "．－／％＋＝＜＞＃＠＆＊"})
_FOLD_ALL = dict(_FOLD)
_FOLD_ALL.update({ord(c): ord(c) - 0xFEE0 for c in "（）：；，！？［］"})
# What counts as a Chinese character, for every stage: CJK unified ideographs and extension A
# (first, last code point). ``HAN`` is the same set inside a regex class (``f"[{HAN}]"``).
HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF))
HAN = "".join(f"{chr(first)}-{chr(last)}" for first, last in HAN_RANGES)
# Compatibility ideographs (豈 … 﫿): a PDF's glyph map can give them; NFKC folds them to HAN.
HAN_COMPAT = "\uf900-\ufaff"
_HAN_RE = re.compile(f"[{HAN}]")
_BLANKS_RE = re.compile(r"\s+")
# Orthographic variants common in contracts (older or Taiwan usage after t2s) -> one form.
_VARIANTS = (("帐", "账"), ("部份", "部分"), ("其它", "其他"), ("资讯", "信息"), ("签属", "签署"))
# OpenCC's slips into Traditional that are never right: 未获准 came out 未獲準 (準: standard).
_TRADITIONAL_FIXES = (("獲準", "獲准"),)
# Where a sentence (or a clause part) may end: after 。！？； and a line break.
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;\n])")


@lru_cache(maxsize=4)
def _converter(config: str) -> Any:
    import opencc

    return opencc.OpenCC(config)


def to_halfwidth(text: str, punctuation: bool = False) -> str:
    """Fold full-width digits, letters and number punctuation to ASCII (or all punctuation)."""
    return text.translate(_FOLD_ALL if punctuation else _FOLD)


def to_simplified(text: str) -> str:
    """Traditional -> Simplified (OpenCC t2s); Simplified text is returned unchanged."""
    return str(_converter("t2s").convert(text)) if text else text


def to_mainland(text: str) -> str:
    """Taiwan wording -> mainland Simplified wording (OpenCC tw2sp: 軟體 -> 软件, 資料 -> 数据,
    遠端 -> 远程): the other reading of a question asked in Taiwan words, whose t2s reading
    (软体) is not the contracts' word."""
    return str(_converter("tw2sp").convert(text)) if text else text


def to_traditional(text: str, variant: Literal["tw", "t"] = "tw") -> str:
    """Simplified -> Traditional: Taiwan standard (s2tw) by default, or generic (s2t). A text
    written in Traditional keeps every character that is Traditional already: OpenCC reads
    words into it (租金表, a rent table, came out 租金錶, a watch: 金表 is "gold watch"), and
    only its Simplified ones (售后 -> 售後) are the converter's to change."""
    if not text:
        return text
    config = "s2tw" if variant == "tw" else "s2t"
    out = str(_converter(config).convert(text))
    if out != text and len(out) == len(text) and detect_script(text) == "traditional":
        out = "".join(a if a != b and _stays(a, config) else b
                      for a, b in zip(text, out, strict=True))
    for wrong, right in _TRADITIONAL_FIXES:
        out = out.replace(wrong, right)
    return out


@lru_cache(maxsize=8192)
def _stays(char: str, config: str) -> bool:
    """Whether ``char`` alone is Traditional already (表, not 后 or 发)."""
    return bool(_converter(config).convert(char) == char)


def to_script(text: str, script: Script) -> str:
    """``text`` in ``script``: Traditional (Taiwan standard) or Simplified."""
    return to_traditional(text) if script == "traditional" else to_simplified(text)


def han_characters(text: str) -> str:
    """The Chinese characters of ``text``, in order (what tells its script)."""
    return "".join(_HAN_RE.findall(text))


def printed_length(text: str) -> int:
    """The characters of ``text``, a run of blanks counted as one: the same wording measures
    the same from a PDF (a blank to fill in read as one space) and from a DOCX (the blank's
    many spaces)."""
    return len(_BLANKS_RE.sub(" ", text))


def detect_script(text: str) -> Script:
    """"traditional" when enough CJK characters change under t2s conversion, else "simplified"."""
    sample = han_characters(text)[:5000]
    if not sample:
        return "simplified"
    converted = to_simplified(sample)
    changed = sum(1 for a, b in zip(sample, converted, strict=False) if a != b)
    return "traditional" if changed >= max(1, len(sample) * 0.03) else "simplified"


def dominant_script(text: str) -> Script | None:
    """The script most of ``text``'s distinctive characters are in, None for a tie (押金 is
    both): for a text of the bot's own, where a file name in the other script (設備採購合同.txt
    in a Simplified reply) must not turn it, as one Traditional character turns a question
    (``detect_script``)."""
    han = han_characters(text)
    traditional = sum(a != b for a, b in zip(han, to_simplified(han), strict=False))
    simplified = sum(a != b for a, b in zip(han, to_traditional(han), strict=False))
    if traditional == simplified:
        return None
    return "traditional" if traditional > simplified else "simplified"


def normalize_text(text: str) -> str:
    """Text as search sees it: full-width -> half-width, Traditional -> Simplified, common
    variants unified, runs of spaces collapsed."""
    if len(text) <= 64:  # titles and questions repeat: every search normalises all titles
        return _normalize_short(text)
    return _normalize(text)


def normalize_number(number: str) -> str:
    """A clause number as lookups compare it: normalised, without spaces (第 七 條 -> 第七条),
    so a clause's stored number and one a user types meet."""
    return normalize_text(number).replace(" ", "")


@lru_cache(maxsize=8192)
def _normalize_short(text: str) -> str:
    return _normalize(text)


def _normalize(text: str) -> str:
    text = "".join(
        chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else (" " if c == "\u3000" else c)
        for c in text
    )
    text = unicodedata.normalize("NFC", text)
    text = to_simplified(text)
    for variant, standard in _VARIANTS:
        text = text.replace(variant, standard)
    return re.sub(r"[ \t]+", " ", text).strip()


def split_sentences(text: str) -> list[str]:
    """``text`` cut after each 。！？； and line break; the pieces join back to ``text``."""
    return [s for s in _SENTENCE_END.split(text) if s]
