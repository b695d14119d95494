"""Characters drawn with a symbol font -> Unicode: the check boxes and ticks of Wingdings and
Wingdings 2, so that a form's options read □同意 □不同意 in every format, and the Symbol font
(Greek letters, operators, bracket pieces of old Word equations).

Chinese Word templates draw □ as Wingdings 2 0xA3 and ☑ as Wingdings 2 "R". A DOCX names
the font and the code (``<w:sym w:font="Wingdings 2" w:char="00A3"/>``); a PDF gives the code
as a private-use character (U+F0A3) in a font named ``ABCDEF+Wingdings2``. Without a known
font, nothing is mapped: U+F0A3 is □ in Wingdings 2 but ≤ in the Symbol font.
"""

from __future__ import annotations

import re
from typing import Any

_BOXES = {
    "wingdings2": {0xA3: "□", 0x2A: "□", 0x52: "☑", 0x53: "☒", 0x54: "☒", 0x50: "✓", 0x4F: "✗"},
    "wingdings": {0x6F: "□", 0x71: "□", 0xA8: "□", 0xFE: "☑", 0xFD: "☒", 0x78: "☒",
                  0xFC: "✓", 0xFB: "✗"},
}
# The Symbol font (Adobe's Symbol encoding), 0x20-0x7E and 0xA0-0xFE: Greek, operators and the
# pieces of tall brackets that Word's old equations are drawn with (ΔP = P0 × …).
_SYMBOL_LOW = (" !∀#∃%&∋()∗+,−./0123456789:;<=>?≅ΑΒΧΔΕΦΓΗΙϑΚΛΜΝΟΠΘΡΣΤΥςΩΞΨΖ[∴]⊥_‾"
               "αβχδεφγηιϕκλμνοπθρστυϖωξψζ{|}∼")
_SYMBOL_HIGH = ("€ϒ′≤⁄∞ƒ♣♦♥♠↔←↑→↓°±″≥×∝∂•÷≠≡≈…⏐⎯↵ℵℑℜ℘⊗⊕∅∩∪⊃⊇⊄⊂⊆∈∉∠∇®©™∏√⋅¬∧∨⇔⇐⇑⇒⇓"
                "◊〈®©™∑⎛⎜⎝⎡⎢⎣⎧⎨⎩⎪ 〉∫⌠⎮⌡⎞⎟⎠⎤⎥⎦⎫⎬⎭")
_BOXES["symbol"] = {0x20 + k: c for k, c in enumerate(_SYMBOL_LOW)} | {
    0xA0 + k: c for k, c in enumerate(_SYMBOL_HIGH) if c != " "}
_BOXES["mtextra"] = {0x4C: "⋯"}  # MathType's extra font: the ellipsis of B1 + ⋯ + Bn
_SUBSET = re.compile(r"^[A-Z]{6}\+")  # a PDF's subset prefix
_STYLE = re.compile(r"[-,](regular|normal|bold|italic)$")


def symbol_char(font: str | None, code: int) -> str | None:
    """The character ``font`` draws at ``code`` (0x20-0xFF, or as private use U+F020-U+F0FF):
    a box or tick of Wingdings, anything of Symbol; None for other codes and fonts."""
    table = _BOXES.get(_family(font or ""))
    if table is None or not (0x20 <= code <= 0xFF or 0xF020 <= code <= 0xF0FF):
        return None
    return table.get(code & 0xFF)


def has_private_symbols(text: str) -> bool:
    """Whether ``text`` holds a private-use character a symbol font may draw (U+F020-U+F0FF)."""
    return any("\uf020" <= ch <= "\uf0ff" for ch in text)


def symbol_text(font: str | None, text: str) -> str:
    """``text`` in ``font`` with the characters the font draws as Unicode (others as they are)."""
    return "".join(symbol_char(font, ord(ch)) or ch for ch in text)


def symbols_in_pdf_chars(chars: list[dict[str, Any]]) -> None:
    """pdfplumber's chars drawn with a symbol font as Unicode, in place (the page's table
    finder and line extraction then both read them)."""
    for char in chars:
        text = char.get("text") or ""
        if has_private_symbols(text):
            char["text"] = symbol_text(char.get("fontname"), text)


def _family(font: str) -> str:
    """"QJLWVE+Wingdings2", "Wingdings 2", "Wingdings-Regular" -> "wingdings2", "wingdings"."""
    name = _STYLE.sub("", _SUBSET.sub("", font.strip()).lower())
    return name.replace(" ", "").replace("-", "")
