"""Photos sent together (a Telegram album) are the pages of one contract: they are gathered
until the album is complete and saved as one image-only PDF, pages in the order sent."""

from __future__ import annotations

import asyncio
import io
import time
from dataclasses import dataclass, field
from typing import BinaryIO

from telegram import Message

ALBUM_WAIT = 1.5  # seconds without a new photo after which an album is taken as complete
MAX_ALBUM_PHOTOS = 50  # photos of one album read as pages; Telegram sends at most 10 an album
PDF_DPI = 200  # the resolution the PDF gives its pages: read back pixel for pixel (OCR_DPI)


@dataclass
class Album:
    """The photos of one album received so far, and when the last one came."""

    messages: list[Message] = field(default_factory=list)
    last: float = field(default_factory=time.monotonic)

    @property
    def caption(self) -> str | None:
        """The album's caption: Telegram keeps it on the photo it was written under."""
        return next((m.caption for m in self.pages if m.caption), None)

    @property
    def pages(self) -> list[Message]:
        """The photos in the order they were sent."""
        return sorted(self.messages, key=lambda m: m.message_id)[:MAX_ALBUM_PHOTOS]

    @property
    def size(self) -> int:
        """Bytes of the photos, as Telegram gives their sizes (0 for unknown)."""
        return sum(m.photo[-1].file_size or 0 for m in self.pages if m.photo)

    async def complete(self) -> None:
        """Wait until no photo has joined the album for ``ALBUM_WAIT`` seconds."""
        while (left := self.last + ALBUM_WAIT - time.monotonic()) > 0:
            await asyncio.sleep(left)

    async def write_pdf(self, out: BinaryIO) -> None:
        """Download the photos and write them to ``out`` as one PDF, a page each."""
        images = []
        for message in self.pages:
            data = io.BytesIO()
            await (await message.photo[-1].get_file()).download_to_memory(out=data)
            images.append(data.getvalue())
        await asyncio.to_thread(_write_pdf, images, out)


@dataclass
class Albums:
    """The albums being received, by chat and album id."""

    pending: dict[tuple[int, str], Album] = field(default_factory=dict)

    def add(self, message: Message) -> Album | None:
        """Add a photo of an album; the album when the photo is its first (its handler then
        waits for the rest and takes the upload), else None."""
        key = (message.chat_id, str(message.media_group_id))
        album = self.pending.get(key)
        if album is not None:
            album.messages.append(message)
            album.last = time.monotonic()
            return None
        self.pending[key] = album = Album([message])
        return album

    def done(self, message: Message) -> None:
        """Forget the album of ``message`` (a later photo with its id starts a new one)."""
        self.pending.pop((message.chat_id, str(message.media_group_id)), None)


def _write_pdf(images: list[bytes], out: BinaryIO) -> None:
    from PIL import Image, ImageOps

    pages = [ImageOps.exif_transpose(Image.open(io.BytesIO(b))).convert("RGB") for b in images]
    pages[0].save(out, format="PDF", save_all=True, append_images=pages[1:],
                  resolution=PDF_DPI)
