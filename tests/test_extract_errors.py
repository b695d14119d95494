"""Every way a source can fail gives a typed SourceError with its path and a plain reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.errors import (
    EmptySourceError,
    SourceError,
    UnreadableSourceError,
    UnsupportedFormatError,
)
from index.ingest import extract as extract_module
from index.ingest import pdf as pdf_module
from index.ingest.extract import extract_document
from index.limits import MAX_TEXT_BYTES

pytest.importorskip("reportlab")
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def _pdf(path: Path, text: str | None = "第一条 甲方应按期付款。", encrypt: str | None = None,
         pages: int = 1, *, size: tuple[float, float] = A4) -> Path:
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), invariant=1, encrypt=encrypt, pagesize=size)
    for _ in range(pages):
        if text is None:
            c.rect(100, 100, 300, 300, fill=1)  # a "scan": graphics, no text layer
        else:
            c.setFont("STSong-Light", 12)
            c.drawString(72, 700, text)
        c.showPage()
    c.save()
    return path


def _raises(path: Path, kind: type[SourceError], words: str) -> SourceError:
    with pytest.raises(kind) as err:
        extract_document(path)
    assert words in err.value.reason and path.name not in err.value.reason  # plain words only
    assert str(err.value) == f"{path.name}: {err.value.reason}"  # what reports print
    assert err.value.path == str(path)
    return err.value


def test_empty_files(tmp_path) -> None:
    for name in ("a.txt", "a.pdf", "a.docx"):
        path = tmp_path / name
        path.write_bytes(b"")
        _raises(path, EmptySourceError, "empty file")


def test_missing_file(tmp_path) -> None:
    _raises(tmp_path / "nope.txt", UnreadableSourceError, "no such file")


def test_legacy_doc_and_ole_named_docx(tmp_path) -> None:
    doc = tmp_path / "old.doc"
    doc.write_bytes(OLE)
    _raises(doc, UnsupportedFormatError, "legacy .doc: save it as .docx or PDF")
    short = tmp_path / "short.doc"
    short.write_bytes(b"\xd0\xcf\x11\xe0 legacy word file")
    _raises(short, UnsupportedFormatError, "legacy .doc")
    misnamed = tmp_path / "contract.docx"
    misnamed.write_bytes(OLE)
    _raises(misnamed, UnsupportedFormatError, "legacy .doc")


def test_unsupported_types(tmp_path) -> None:
    png = tmp_path / "scan.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)  # images are read, broken ones not
    _raises(png, UnreadableSourceError, "not a readable image")
    jpg = tmp_path / "photo.jpg"
    jpg.write_bytes("第一条 甲方".encode())
    _raises(jpg, UnreadableSourceError, "not a readable image")
    xlsx = tmp_path / "prices.xlsx"
    xlsx.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    _raises(xlsx, UnsupportedFormatError, "spreadsheets are not supported")
    other = tmp_path / "contract.xyz"
    other.write_bytes("第一条".encode())
    _raises(other, UnsupportedFormatError, "unsupported file type")


def test_misnamed_files_get_the_right_reader(tmp_path) -> None:
    pdf = _pdf(tmp_path / "real.pdf")
    misnamed = tmp_path / "contract.txt"
    misnamed.write_bytes(pdf.read_bytes())
    doc = extract_document(misnamed)
    assert doc.kind == "pdf" and doc.text == "第一条 甲方应按期付款。"
    import docx

    word = docx.Document()
    word.add_paragraph("第二条 乙方应按期交付。")
    as_pdf = tmp_path / "contract.pdf"
    word.save(str(as_pdf))
    doc = extract_document(as_pdf)
    assert doc.kind == "docx" and doc.text == "第二条 乙方应按期交付。"


def test_random_bytes(tmp_path) -> None:
    noise = bytes((i * 131 + 7) % 256 for i in range(3000))
    for name, words in (
        ("x.docx", "not a valid DOCX file"),
        ("x.pdf", "corrupt or truncated PDF"),
        ("x.txt", "binary file, not text"),
    ):
        path = tmp_path / name
        path.write_bytes(noise)
        _raises(path, UnreadableSourceError, words)


def test_truncated_and_corrupt_pdf(tmp_path) -> None:
    data = _pdf(tmp_path / "ok.pdf").read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[: len(data) // 3])
    with pytest.raises(SourceError) as err:
        extract_document(cut)
    assert str(err.value) == "cut.pdf: corrupt or truncated PDF"
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.4\n" + b"garbage " * 200)
    with pytest.raises(SourceError):
        extract_document(junk)


def test_encrypted_pdf(tmp_path) -> None:
    path = _pdf(tmp_path / "locked.pdf", encrypt="secret")
    _raises(path, UnreadableSourceError, "encrypted PDF")


def test_scanned_pdf_without_text_layer(tmp_path) -> None:
    # read by OCR, which finds no text (pages just larger than the drawing: less to look at)
    path = _pdf(tmp_path / "scan.pdf", text=None, pages=2, size=(420, 420))
    _raises(path, EmptySourceError, "scanned PDF: OCR found no text")
    blank = _pdf(tmp_path / "blank.pdf", text="", pages=2)
    _raises(blank, EmptySourceError, "the PDF holds no text")


def test_page_limit(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(pdf_module, "MAX_PAGES", 2)
    path = _pdf(tmp_path / "long.pdf", pages=3)
    _raises(path, UnsupportedFormatError, "3 pages, more than the 2")


def test_size_limit(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(extract_module, "MAX_BINARY_BYTES", 100)
    path = _pdf(tmp_path / "big.pdf")
    _raises(path, UnsupportedFormatError, "file too large")


def test_a_file_just_over_the_size_limit_does_not_read_as_the_limit(tmp_path) -> None:
    """10.5 MB of text was "file too large (10 MB, the limit is 10 MB)": its size is rounded
    up to a tenth of a MB, so it reads as over the limit."""
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:  # sparse: only the first bytes are written
        fh.write("第一条 甲方应按期付款。".encode())
        fh.truncate(MAX_TEXT_BYTES + 2**19)
    _raises(path, UnsupportedFormatError, "file too large (10.5 MB, the limit is 10 MB)")
    with path.open("r+b") as fh:
        fh.truncate(MAX_TEXT_BYTES + 1)
    _raises(path, UnsupportedFormatError, "file too large (10.1 MB, the limit is 10 MB)")
    with path.open("r+b") as fh:
        fh.truncate(5 * MAX_TEXT_BYTES)
    _raises(path, UnsupportedFormatError, "file too large (50 MB, the limit is 10 MB)")


def test_an_iphone_photo_in_heic_is_named_with_what_to_do(tmp_path) -> None:
    """An iPhone keeps its photos as HEIC: not read, and the reason says how to get a JPEG,
    not "send a PDF, DOCX or text file" (photos are read). A HEIC named .jpg says so too."""
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 100
    for name in ("IMG_0412.HEIC", "IMG_0413.heif", "IMG_0414.jpg"):
        path = tmp_path / name
        path.write_bytes(heic)
        _raises(path, UnsupportedFormatError, "HEIC photo: not read; save it as JPEG")
    other = tmp_path / "contract.xyz"
    other.write_bytes("第一条".encode())
    with pytest.raises(UnsupportedFormatError) as err:
        extract_document(other)
    assert "an image (PNG, JPEG" in err.value.reason


def test_an_unsupported_type_is_told_every_image_type_that_is_read(tmp_path) -> None:
    """``unsupported file type '.xyz'`` listed PNG, JPEG, TIFF, WEBP and BMP: GIF, which is
    read (README, and the bot's own list of what it takes), was left out."""
    from index.ingest.image import IMAGE_SUFFIXES

    other = tmp_path / "contract.xyz"
    other.write_bytes("第一条".encode())
    with pytest.raises(UnsupportedFormatError) as err:
        extract_document(other)
    named = str(err.value).rpartition("(")[2]
    for suffix in IMAGE_SUFFIXES - {".jpg", ".tif"}:  # .jpeg and .tiff name them
        assert suffix[1:].upper() in named, suffix
