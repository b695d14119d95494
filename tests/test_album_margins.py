"""Photos of the pages of one contract, each framed its own way (an album the bot saves as one
PDF), read by the real OCR engine: their text blocks are lined up before their lines are
joined into paragraphs."""

from __future__ import annotations

from pathlib import Path

from scans import crop, image_pdf, render_page, scanned

from index.ingest.layout import TextLine, aligned
from index.parse import read_text

LABOUR = "劳动合同.pdf"


def test_photos_framed_apart_are_lined_up_before_their_lines_are_joined(
        shared: Path, tmp_path: Path) -> None:
    """Two photos of page 5: its top down to 四、劳动报酬, then from 第六条 to 第八条 taken
    with more desk on its left, so that its lines start and end 200 pixels further right. With
    one right margin for both (the second's: it has more long lines), 第五条's full first line
    ended short of it and stayed a line of its own ("…婚丧假、产" / "假等假期。"); in a whole
    contract photographed so, the clause tree took such a line for the clause's title
    (乙方依法享有法定节假日、带薪年休假、婚丧假、产) and 假等假期。 for its text."""
    from PIL import ImageOps

    real = shared / "contracts-real" / LABOUR
    first = scanned(crop(render_page(real, 5), 0.11, 0.43), angle=0.5)
    second = ImageOps.expand(scanned(crop(render_page(real, 5), 0.43, 0.80), angle=-0.5),
                             border=(200, 0, 0, 0), fill=255)
    album = image_pdf([first, second], tmp_path / "劳动合同相片.pdf")
    lines = read_text(album).replace(" ", "").splitlines()
    assert "第五条乙方依法享有法定节假日、带薪年休假、婚丧假、产假等假期。" in lines
    assert "第四条甲方安排乙方加班的，应依法安排补休或支付加班工资。" in lines
    # the second photo's lines are joined by its margins as before
    assert "第八条甲方应合理调整乙方的工资待遇。乙方从甲方获得的工资依法承担的个人所得税" \
        "由甲方从其工资中代扣代缴。" in lines


def _line(text: str, x0: float, x1: float, top: float) -> TextLine:
    return TextLine(text, x0, x1, top, top + 12, 10, x1)


def test_pages_are_lined_up_by_the_left_edge_of_their_long_lines() -> None:
    """A page is moved by where its long lines start (the second furthest left: one set out
    in the margin does not count), not by where they end: a form's lines stop short of its
    right margin. A page with fewer than three long lines stays where it is."""
    body = [_line("甲方应当按时支付全部合同价款和利息", 80, 520, 100 + 20 * k) for k in range(4)]
    shifted = [_line("甲方应当按时支付全部合同价款和利息", 140, 580, 100 + 20 * k)
               for k in range(3)] + [_line("（签字）", 300, 360, 200)]
    form = [_line("证件类型：□居民身份证 □护照", 110, 400, 100 + 20 * k) for k in range(3)]
    form.append(_line("附：本页另有十二个字的说明文字", 40, 400, 300))  # set out in the margin
    cover = [_line("劳动合同（通用文本）封面页", 200, 400, 100)]
    out = aligned([body, shifted, form, cover])
    assert [ln.x0 for ln in out[0]] == [110] * 4  # the median of 80, 140 and 110
    assert [(ln.x0, ln.x1, ln.text_x1) for ln in out[1]] == [(110, 550, 550)] * 3 + [
        (270, 330, 330)]
    assert [ln.x0 for ln in out[2]] == [110, 110, 110, 40]
    assert out[3] == cover
