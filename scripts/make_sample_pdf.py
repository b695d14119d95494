#!/usr/bin/env python3
"""Generate bot/samples/数据平台技术服务合同.pdf from scripts/sample_pdf_source.txt.

Uses reportlab's built-in CID font STSong-Light (no font file needed), so it runs on a machine
without CJK fonts. The layout exercises the PDF extractor: justified lines broken mid-sentence,
a letter-spaced title, a running header and "第 N 页" footers. The output is reproducible
(reportlab invariant mode). Usage: python scripts/make_sample_pdf.py [source.txt] [out.pdf]
"""

from __future__ import annotations

import sys
from pathlib import Path

from bot.settings import SAMPLES_DIR

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "scripts" / "sample_pdf_source.txt"
OUTPUT = SAMPLES_DIR / "数据平台技术服务合同.pdf"

FONT = "STSong-Light"
SIZE = 12.0
LEADING = 24.0
MARGIN_X = 90.0
MARGIN_TOP = 100.0
MARGIN_BOTTOM = 90.0
INDENT = 2  # paragraphs of running text start two glyphs in


def main(argv: list[str]) -> int:
    """Write the sample PDF; return a process exit code."""
    from reportlab import rl_config

    rl_config.invariant = 1
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    source = Path(argv[1]) if len(argv) > 1 else SOURCE
    output = Path(argv[2]) if len(argv) > 2 else OUTPUT
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    lines = source.read_text(encoding="utf-8").splitlines()
    title, paragraphs = lines[0].strip(), [ln.strip() for ln in lines[1:] if ln.strip()]

    width, height = A4
    text_width = width - 2 * MARGIN_X
    c = canvas.Canvas(str(output), pagesize=A4, invariant=1)
    c.setTitle(title)
    page = 1
    y = height - MARGIN_TOP

    def furniture() -> None:
        c.setFont(FONT, 9)
        c.drawCentredString(width / 2, height - 50, f"{title}（示范样本）")
        c.drawCentredString(width / 2, 45, f"第 {page} 页")

    def new_page() -> float:
        nonlocal page
        furniture()
        c.showPage()
        page += 1
        return height - MARGIN_TOP

    # Letter-spaced title, centred.
    c.setFont(FONT, 18)
    spaced = " ".join(title)
    c.drawCentredString(width / 2, y, spaced)
    y -= 2 * LEADING
    for para in paragraphs:
        heading = para.startswith("第") and "条" in para[:6] and len(para) <= 12
        indent = 0 if _is_label_start(para) or heading or "：" in para[:8] else INDENT
        for i, line in enumerate(_wrap(para, text_width, indent, pdfmetrics)):
            if y < MARGIN_BOTTOM:
                y = new_page()
            c.setFont(FONT, SIZE)
            x = MARGIN_X + (indent * SIZE if i == 0 else 0)
            c.drawString(x, y, line)
            y -= LEADING
    furniture()
    c.showPage()
    c.save()
    print(f"wrote {output} ({page} pages)")
    return 0


def _is_label_start(para: str) -> bool:
    return para.startswith(("第", "（", "("))


def _wrap(text: str, width: float, indent: int, pdfmetrics: object) -> list[str]:
    """Break ``text`` into lines filling ``width`` (first line indented), glyph by glyph."""
    string_width = pdfmetrics.stringWidth  # type: ignore[attr-defined]
    lines: list[str] = []
    line = ""
    avail = width - indent * SIZE
    for ch in text:
        if string_width(line + ch, FONT, SIZE) > avail and line:
            if ch in "，。；：、）”":  # no line may start with closing punctuation
                line += ch
                lines.append(line)
                line = ""
                avail = width
                continue
            lines.append(line)
            line = ""
            avail = width
        line += ch
    if line:
        lines.append(line)
    return lines


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
