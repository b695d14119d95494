"""Source file -> Document: dispatch on file type (PDF, DOCX, text/Markdown). OWNER: extraction."""

from __future__ import annotations

from pathlib import Path

from .models import Document


def extract_document(path: Path) -> Document:
    """Read a contract source into pages of plain text; raise a SourceError when it can't."""
    raise NotImplementedError
