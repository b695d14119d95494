"""Source file -> Document: dispatch on file type (PDF, DOCX, text/Markdown, images). OWNER:
extraction.

The type comes from the extension, checked against the file's magic bytes so that a misnamed
file gets the right reason (a .docx that is really a legacy .doc, a PDF named .txt ...).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import EmptySourceError, SourceError, UnreadableSourceError, UnsupportedFormatError
from ..limits import MAX_BINARY_BYTES, MAX_TEXT_BYTES
from ..models import Document
from .image import IMAGE_SUFFIXES
from .scans import OcrOptions

TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".text"})
# every file type read as a contract (its stem is the contract's key)
SOURCE_SUFFIXES = frozenset({".pdf", ".docx"}) | TEXT_SUFFIXES | IMAGE_SUFFIXES
# an iPhone's photos (and AVIF images): Pillow cannot open them without a plug-in
HEIC_REASON = ("HEIC photo: not read; save it as JPEG (on an iPhone: Settings > Camera > "
               "Formats > Most Compatible) or PNG")

_PDF_MAGIC = b"%PDF"
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # OLE compound file (legacy .doc, .xls, encrypted OOXML)
_KNOWN_UNSUPPORTED = {
    ".doc": "legacy .doc: save it as .docx or PDF",
    ".wps": "WPS document: save it as .docx or PDF",
    ".rtf": "RTF: save it as .docx or PDF",
    ".xls": "spreadsheets are not supported: save the contract as .docx or PDF",
    ".xlsx": "spreadsheets are not supported: save the contract as .docx or PDF",
    ".pptx": "presentations are not supported: save the contract as .docx or PDF",
    ".odt": "OpenDocument text: save it as .docx or PDF",
    ".html": "web pages are not supported: save the contract as .txt, .docx or PDF",
    ".htm": "web pages are not supported: save the contract as .txt, .docx or PDF",
    **dict.fromkeys((".csv", ".ods", ".et", ".numbers"),
                    "spreadsheets are not supported: save the contract as .docx or PDF"),
    **dict.fromkeys((".ppt", ".odp", ".key", ".dps"),
                    "presentations are not supported: save the contract as .docx or PDF"),
    **dict.fromkeys((".zip", ".rar", ".7z", ".tar", ".gz", ".tgz", ".bz2", ".xz"),
                    "archives are not read: unpack it and index the folder"),
    **dict.fromkeys((".heic", ".heif", ".avif"), HEIC_REASON),
}
_HEIC_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"avif")
_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"GIF87a", b"GIF89a")
_WEBP = (b"RIFF", b"WEBP")


def known_unsupported(suffix: str) -> str | None:
    """The reason a file of extension ``suffix`` (``.doc``, ``.XLSX``) is not read, with what
    to do instead, when it is a type we know and do not read; else None (a type we read, or
    one we know nothing of)."""
    return _KNOWN_UNSUPPORTED.get(suffix.lower())


def source_kind(path: Path) -> str:
    """How ``extract_document`` would read ``path``: "pdf", "docx", "image" or "text", from its
    first bytes and size only (cheap: a build checks every file of a folder with it before
    hashing). A SourceError with the reason when it would not be read (unsupported type,
    empty, too large), so every file that is not indexed is named with its reason."""
    path = Path(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(12)
    except FileNotFoundError as err:
        raise UnreadableSourceError(str(path), "no such file") from err
    except OSError as err:
        raise UnreadableSourceError(str(path), f"cannot be read ({err.strerror})") from err
    if size == 0:
        raise EmptySourceError(str(path), "empty file")
    kind = _detect_kind(path, head)
    limit = MAX_TEXT_BYTES if kind == "text" else MAX_BINARY_BYTES
    if size > limit:
        raise UnsupportedFormatError(
            str(path),
            f"file too large ({_megabytes(size, limit)} MB, the limit is {limit // 2**20} MB)",
        )
    return kind


def _megabytes(size: int, limit: int) -> str:
    """``size`` in whole MB, or to a tenth (rounded up) when whole MB would not exceed
    ``limit``: a file just over a limit never reads as the limit itself (10.5 MB of text was
    "10 MB, the limit is 10 MB")."""
    if size // 2**20 > limit // 2**20:
        return f"{size // 2**20}"
    tenths = -(-size * 10 // 2**20)
    return f"{tenths // 10}" if tenths % 10 == 0 else f"{tenths / 10:.1f}"


def extract_document(path: Path, *, ocr: OcrOptions | None = None) -> Document:
    """Read a contract source into pages of plain text; raise a SourceError when it can't.

    Scanned pages and images are read by OCR; ``ocr`` says where its results are cached."""
    path = Path(path)
    kind = source_kind(path)
    try:
        if kind == "pdf":
            from .pdf import extract_pdf

            return extract_pdf(path, ocr)
        if kind == "image":
            from .image import extract_image

            return extract_image(path, ocr or OcrOptions())
        if kind == "docx":
            from .docx import extract_docx

            return extract_docx(path, ocr)
        from .textfile import extract_text_file

        return extract_text_file(path)
    except SourceError:
        raise
    except Exception as err:  # never let a parser's own exception reach the user
        reason = f"cannot be read ({type(err).__name__})"
        raise UnreadableSourceError(str(path), reason) from err


def _detect_kind(path: Path, head: bytes) -> str:
    """"pdf", "docx", "image" or "text" from magic bytes first, then the extension; else
    raise."""
    suffix = path.suffix.lower()
    if head.startswith(_OLE_MAGIC):
        if suffix == ".docx":
            reason = "legacy .doc (or a password-protected document): save it as .docx or PDF"
        else:
            reason = _KNOWN_UNSUPPORTED.get(suffix, "legacy .doc: save it as .docx or PDF")
        raise UnsupportedFormatError(str(path), reason)
    if head.startswith(_PDF_MAGIC) or (suffix == ".pdf" and _PDF_MAGIC in _head(path, 1024)):
        return "pdf"
    if head.startswith(_ZIP_MAGIC):
        if suffix == ".docx" or _is_docx_zip(path):
            return "docx"  # a broken .docx package is reported by the DOCX reader
        reason = _KNOWN_UNSUPPORTED.get(
            suffix, "an archive or office file we do not read: send a PDF, DOCX or text"
        )
        raise UnsupportedFormatError(str(path), reason)
    if head[4:8] == b"ftyp" and head[8:12] in _HEIC_BRANDS:
        raise UnsupportedFormatError(str(path), HEIC_REASON)
    if (head.startswith(_IMAGE_MAGIC) or (head[:4], head[8:12]) == _WEBP
            or (suffix == ".bmp" and head.startswith(b"BM"))):
        return "image"
    if suffix in IMAGE_SUFFIXES:
        raise UnreadableSourceError(str(path), "not a readable image")
    if suffix == ".pdf":
        raise UnreadableSourceError(str(path), "corrupt or truncated PDF")
    if suffix == ".docx":
        raise UnreadableSourceError(str(path), "not a valid DOCX file")
    if suffix in _KNOWN_UNSUPPORTED:
        raise UnsupportedFormatError(str(path), _KNOWN_UNSUPPORTED[suffix])
    if suffix in TEXT_SUFFIXES or suffix == "":
        return "text"
    raise UnsupportedFormatError(
        str(path), f"unsupported file type {suffix!r}: send a PDF, DOCX or text file, or an "
                   "image (PNG, JPEG, TIFF, WEBP, BMP, GIF)"
    )


def _head(path: Path, n: int) -> bytes:
    with path.open("rb") as fh:
        return fh.read(n)


def _is_docx_zip(path: Path) -> bool:
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            return "word/document.xml" in zf.namelist()
    except (zipfile.BadZipFile, OSError):
        return False
