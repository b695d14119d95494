"""One progress bar for a build on a terminal: files read (and their pages and clauses, and the
texts embedded meanwhile), then the clause texts left to embed, each phase with its ETA; under
it, from the first scanned page on, the pages OCR reads (seconds a page). By default only when
stderr is a terminal."""

from __future__ import annotations

import sys
from typing import Any


class BuildProgress:
    """``reading(n)``, ``read_one`` per file, ``ocr_page`` per scanned page,
    ``embedded_early(k)``, ``embedding(n)``,
    ``embedded(k)``, ``close()``."""

    def __init__(self, enabled: bool | None) -> None:
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.files = self.files_total = self.pages = self.clauses = self.early = 0
        self.bar: Any = None
        self.ocr_bar: Any = None

    def _open(self, total: int, desc: str, unit: str) -> None:
        if self.bar is not None:
            self.bar.close()
        from tqdm import tqdm

        self.bar = tqdm(total=total, desc=desc, unit=unit, disable=not self.enabled,
                        file=sys.stderr, leave=False, dynamic_ncols=True)

    def _counts(self) -> str:
        embedded = f", embedded {self.early}" if self.early else ""
        return (f"files {self.files}/{self.files_total}, pages {self.pages}, "
                f"clauses {self.clauses}{embedded}")

    def reading(self, files: int) -> None:
        """The reading phase starts: ``files`` to parse."""
        self.files_total += files
        self._open(files, "reading", "file")

    def read_one(self, pages: int, clauses: int) -> None:
        """One file was read (or failed): its pages and clauses."""
        self.files += 1
        self.pages += pages
        self.clauses += clauses
        if self.bar is not None:
            self.bar.set_postfix_str(self._counts(), refresh=False)
            self.bar.update(1)

    def ocr_page(self, done: int, total: int) -> None:
        """OCR of a source: ``done`` 0 announces its ``total`` pages, then each page read."""
        if self.ocr_bar is None:
            from tqdm import tqdm

            self.ocr_bar = tqdm(total=0, desc="OCR", unit="page", disable=not self.enabled,
                                file=sys.stderr, leave=False, position=1, dynamic_ncols=True)
        if done == 0:
            self.ocr_bar.total += total
            self.ocr_bar.refresh()
        else:
            self.ocr_bar.update(1)

    def embedded_early(self, texts: int) -> None:
        """``texts`` clause texts were embedded while files are still being read."""
        self.early += texts
        if self.bar is not None:
            self.bar.set_postfix_str(self._counts())

    def embedding(self, texts: int) -> None:
        """The embedding phase starts: ``texts`` clause texts to embed."""
        self._open(texts, "embedding", "clause")
        self.bar.set_postfix_str(self._counts(), refresh=False)

    def embedded(self, texts: int) -> None:
        """``texts`` more clause texts were embedded."""
        if self.bar is not None:
            self.bar.update(texts)

    def close(self) -> None:
        """Remove the bars."""
        for bar in (self.ocr_bar, self.bar):
            if bar is not None:
                bar.close()
        self.bar = self.ocr_bar = None
