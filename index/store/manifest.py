"""The manifest of a generation: what it was built with and from, shared by build, status and reuse.

Written as ``manifest.json`` beside the generation's files (plain JSON, no pickle).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import IndexDamagedError
from .generations import (
    FORMAT_VERSION,
    MANIFEST,
    current_generation,
    generation_dir,
    readable,
    whole_generations,
)
from .hubs import StoredHubness
from .model_files import encoder_identity


@dataclass(frozen=True)
class SourceEntry:
    """One indexed source file: its contract key and title, content hash, clause count and
    collection (the first folder below its source root; "default" for files in the root)."""

    source: str
    contract: str
    title: str
    hash: str
    clauses: int
    collection: str = "default"

    def as_json(self) -> dict[str, object]:
        """The entry as the manifest and ``index status --json`` write it."""
        return {"source": self.source, "contract": self.contract, "title": self.title,
                "hash": self.hash, "clauses": self.clauses, "collection": self.collection}


@dataclass(frozen=True)
class Revision:
    """Two files of one collection that look like two versions of one contract (``合同.docx``
    and ``合同_v2.docx``, a PDF and its Word original): both are indexed and both answer.
    ``same`` of the ``of`` clause texts of the shorter are word for word the other's;
    ``by_name``: one's file name is the other's with a version marker."""

    first: str  # source paths, a name without version marker first
    second: str
    same: int
    of: int
    by_name: bool = False

    def as_json(self) -> dict[str, object]:
        """The pair as the manifest and ``index status --json`` write it."""
        return {"sources": [self.first, self.second], "same_clauses": self.same,
                "of_clauses": self.of, "by_name": self.by_name}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Revision:
        """Read a pair the manifest wrote."""
        first, second = data["sources"]
        return cls(str(first), str(second), int(data.get("same_clauses") or 0),
                   int(data.get("of_clauses") or 0), bool(data.get("by_name")))


@dataclass(frozen=True)
class Manifest:
    """A generation's description: encoder, tokenizer, sources, failures and notes."""

    generation: str
    encoder: str
    dim: int
    tokenizer: str
    text_version: int
    built_at: str
    sources: tuple[SourceEntry, ...] = ()
    failed: tuple[tuple[str, str], ...] = ()  # (source path, reason)
    notes: tuple[tuple[str, str], ...] = ()  # (source path, note): indexed, but changed
    # The files and folders it was built from (absolute): ``index build`` without SOURCES
    # rebuilds them. A list of paths, nothing more, so later kinds of roots fit too.
    roots: tuple[str, ...] = ()
    format: int = FORMAT_VERSION
    parse_version: int = 0  # the standard parser's (0: a version that did not record it)
    # the model files of a sentence-transformers encoder (``model_files``): '' for a built-in
    # one, and for a model indexed by a version that did not record it
    encoder_fingerprint: str = ""
    # files that look like two versions of one contract (index/build/revisions.py)
    revisions: tuple[Revision, ...] = ()
    # each clause's hubness, stored by the build (``hubs``): None for a generation built
    # before stop 42, whose hubness the load computes
    hubness: StoredHubness | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)  # unknown keys, kept
    # False when read from a manifest written before collections were recorded (its sources
    # read "default"): what a build puts in collections then was never in another one
    collections_recorded: bool = field(default=True, compare=False)

    @property
    def contracts(self) -> int:
        """How many contracts the generation holds."""
        return len(self.sources)

    @property
    def clauses(self) -> int:
        """How many clauses the generation holds."""
        return sum(s.clauses for s in self.sources)

    @property
    def encoder_identity(self) -> str:
        """The encoder its vectors were embedded with: name and model files' fingerprint."""
        return encoder_identity(self.encoder, self.encoder_fingerprint)

    def reusable_for(self, *, encoder: str, text_version: int) -> bool:
        """Whether a build with these settings (``encoder``: an encoder identity) may reuse
        this generation (its rows too when it tokenizes as this one did)."""
        return (self.format == FORMAT_VERSION and self.encoder_identity == encoder
                and self.text_version == text_version)

    def as_json(self) -> dict[str, object]:
        """The JSON object written to ``manifest.json``."""
        return {
            **self.extra,
            "format": self.format,
            "generation": self.generation,
            "encoder": self.encoder,
            **({"encoder_fingerprint": self.encoder_fingerprint}
               if self.encoder_fingerprint else {}),
            "dim": self.dim,
            "tokenizer": self.tokenizer,
            "text_version": self.text_version,
            "parse_version": self.parse_version,
            "built_at": self.built_at,
            "contracts": self.contracts,
            "clauses": self.clauses,
            "sources": [s.as_json() for s in self.sources],
            "failed": [{"source": s, "reason": r} for s, r in self.failed],
            "notes": [{"source": s, "note": n} for s, n in self.notes],
            "roots": list(self.roots),
            "revisions": [r.as_json() for r in self.revisions],
            **({"hubness": self.hubness.as_json()} if self.hubness is not None else {}),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Manifest:
        """Read a manifest object; keys this version does not know are kept in ``extra``."""
        known = {"format", "generation", "encoder", "dim", "tokenizer", "text_version",
                 "parse_version", "built_at", "contracts", "clauses", "sources", "failed",
                 "notes", "roots", "encoder_fingerprint", "revisions", "hubness"}
        return cls(
            generation=str(data.get("generation") or ""),
            encoder=str(data.get("encoder") or ""),
            dim=int(data.get("dim") or 0),
            tokenizer=str(data.get("tokenizer") or ""),
            text_version=int(data.get("text_version") or 0),
            built_at=str(data.get("built_at") or ""),
            sources=tuple(SourceEntry(**{k: s[k] for k in ("source", "contract", "title",
                                                           "hash", "clauses")},
                                      collection=str(s.get("collection") or "default"))
                          for s in data.get("sources", [])),
            failed=tuple((f["source"], f["reason"]) for f in data.get("failed", [])),
            notes=tuple((n["source"], n["note"]) for n in data.get("notes", [])),
            roots=tuple(str(r) for r in data.get("roots", [])),
            format=int(data.get("format") or 0),
            parse_version=int(data.get("parse_version") or 0),
            encoder_fingerprint=str(data.get("encoder_fingerprint") or ""),
            revisions=tuple(Revision.from_json(r) for r in data.get("revisions", [])),
            hubness=(StoredHubness.from_json(data["hubness"])
                     if isinstance(data.get("hubness"), dict) else None),
            extra={k: v for k, v in data.items() if k not in known},
            collections_recorded=all("collection" in s for s in data.get("sources", [])),
        )


def read_manifest(gen_dir: Path) -> Manifest:
    """The manifest of a generation; IndexDamagedError when it is missing or garbled."""
    with readable(gen_dir):
        data = json.loads((gen_dir / MANIFEST).read_text("utf-8"))
        if not isinstance(data, dict):  # edited by hand, or another file copied over it
            raise ValueError(f"{MANIFEST} is not a JSON object")
        return Manifest.from_json(data)


def newest_readable_manifest(index_dir: Path) -> Manifest | None:
    """The manifest of the live generation, or, when it is gone or cannot be read, that of
    the newest whole generation before it that reads: what a build protects and keeps, and
    where the sources to rebuild are remembered. None when there is none."""
    live = current_generation(index_dir)
    for gen in ([live] if live else []) + whole_generations(index_dir):
        try:
            return read_manifest(generation_dir(index_dir, gen))
        except IndexDamagedError:
            continue
    return None


def remembered_roots(index_dir: Path) -> tuple[str, ...]:
    """The source roots ``newest_readable_manifest`` records: what a rebuild without SOURCES
    reads. Empty when none records them."""
    manifest = newest_readable_manifest(index_dir)
    return manifest.roots if manifest is not None else ()


def write_manifest(gen_dir: Path, manifest: Manifest) -> None:
    """Write a generation's manifest."""
    (gen_dir / MANIFEST).write_text(
        json.dumps(manifest.as_json(), ensure_ascii=False, indent=1), "utf-8"
    )
