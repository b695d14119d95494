"""The name an uploaded contract is filed under: the name as sent, without what a file
system cannot hold, and why a name cannot be used at all."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from . import texts

MAX_NAME = 80  # characters of a saved file name
# bytes of a saved file's stem: a file system takes 255 for a name, and the folder a replaced
# file is kept in adds a time stamp and a token (23 bytes) to the stem; the 77 CJK characters
# MAX_NAME leaves beside an extension are 231 bytes, 58 characters outside the BMP are 232
MAX_STEM_BYTES = 232
_UNSAFE = re.compile(r'[<>:"|?*\x00-\x1f\x7f]')  # not in a file name on Windows, or anywhere
_LEADING = re.compile(r"^(?:[.\s]|~\$)+")  # hidden files and Office lock files are not sources
_TRAILING = re.compile(r"[.\s]+$")
_DEVICES = frozenset({"con", "prn", "aux", "nul", *(f"{d}{i}" for d in ("com", "lpt")
                                                     for i in range(1, 10))})


def safe_name(name: str) -> str:
    """The name an upload is saved under: the name as sent, without its folders (CJK letters,
    full-width brackets, 、 and inner spaces kept: the admin finds it by that name), with what
    a file name cannot hold on Linux, macOS or Windows replaced by ``_`` (``<>:"|?*`` and
    control characters); leading dots and spaces (a hidden file is not a source), an Office
    lock file's ``~$`` and trailing dots and spaces (Windows drops them) taken off, and a
    Windows device name (CON, NUL ...) given a ``_``; the extension in lower case."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    stem = filed_stem(stem)
    ext = re.sub(r"[^A-Za-z0-9]", "", ext).lower()
    return f"{stem}.{ext}" if ext else stem


def filed_stem(stem: str) -> str:
    """The stem of a file name as ``safe_name`` saves it (``a:b`` is filed as ``a_b``)."""
    stem = _TRAILING.sub("", _LEADING.sub("", _UNSAFE.sub("_", stem)))
    first, dot_, rest = stem.partition(".")
    if first.rstrip().lower() in _DEVICES:
        stem = f"{first}_{dot_}{rest}"
    return stem or "contract"


def renamed(raw: str, name: str) -> bool:
    """Whether the upload sent as ``raw`` is saved (as ``name``) under another stem than the
    one it was sent with (its folders and the case of its extension aside): the admin finds it
    by the new one."""
    base = raw.replace("\\", "/").rsplit("/", 1)[-1]
    return Path(name).stem != (base.rpartition(".")[0] if "." in base else base)


def upload_name(raw: str) -> tuple[str, str | None]:
    """The name an upload is saved under, and why it cannot be used (or None): too long (in
    characters, or in bytes for a file system), with control or invisible characters, or
    without a letter or digit."""
    base = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = safe_name(base)
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") for ch in base):
        return name, texts.NAME_ODD.format(why=texts.NAME_CONTROL)
    if len(name) > MAX_NAME:
        return name, texts.NAME_TOO_LONG.format(length=len(name), limit=MAX_NAME)
    if len(Path(name).stem.encode("utf-8")) > MAX_STEM_BYTES:
        return name, texts.NAME_TOO_LONG_BYTES
    stem = base.rpartition(".")[0] if "." in base else base
    if not any(ch.isalnum() for ch in stem):
        return name, texts.NAME_ODD.format(why=texts.NAME_NO_WORDS)
    return name, None
