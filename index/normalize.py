"""Character-level normalisation: full-width -> half-width, Traditional <-> Simplified.

For parsing we fold full-width digits, Latin letters, the ideographic space and the
number-like punctuation (． － ／ ％ ＋) to ASCII; Chinese punctuation (。，、；：（）“”) is kept
as the source has it, since quotes must read like the contract.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

import opencc

from .models import Script

_FOLD: dict[int, int | str] = {0x3000: " "}
_FOLD.update({c: c - 0xFEE0 for c in range(ord("０"), ord("９") + 1)})
_FOLD.update({c: c - 0xFEE0 for c in range(ord("Ａ"), ord("Ｚ") + 1)})
_FOLD.update({c: c - 0xFEE0 for c in range(ord("ａ"), ord("ｚ") + 1)})
_FOLD.update({ord(c): ord(c) - 0xFEE0 for c in "．－／％＋＝＜＞＃＠＆＊"})
_FOLD_ALL = dict(_FOLD)
_FOLD_ALL.update({ord(c): ord(c) - 0xFEE0 for c in "（）：；，！？［］"})
_CJK = re.compile(r"[\u3400-\u9fff]")


@lru_cache(maxsize=8)
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_halfwidth(text: str, punctuation: bool = False) -> str:
    """Fold full-width digits, letters and number punctuation to ASCII (or all punctuation)."""
    return text.translate(_FOLD_ALL if punctuation else _FOLD)


def to_simplified(text: str) -> str:
    """Traditional -> Simplified (OpenCC t2s); Simplified text is returned unchanged."""
    return str(_converter("t2s").convert(text)) if text else text


def to_traditional(text: str, variant: Literal["tw", "t"] = "tw") -> str:
    """Simplified -> Traditional: Taiwan standard (s2tw) by default, or generic (s2t)."""
    return str(_converter("s2tw" if variant == "tw" else "s2t").convert(text)) if text else text


def detect_script(text: str) -> Script:
    """"traditional" when enough CJK characters change under t2s conversion, else "simplified"."""
    sample = "".join(_CJK.findall(text))[:5000]
    if not sample:
        return "simplified"
    converted = to_simplified(sample)
    changed = sum(1 for a, b in zip(sample, converted, strict=False) if a != b)
    return "traditional" if changed >= max(1, len(sample) * 0.03) else "simplified"


def normalize_query(text: str) -> str:
    """A question as search sees it: half-width, Simplified, spaces collapsed."""
    return re.sub(r"\s+", " ", to_simplified(to_halfwidth(text, punctuation=True))).strip()
