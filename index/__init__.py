"""Contract ingestion, clause trees and retrieval. No Telegram and no environment reads here.

This module is the public API: ``bot/`` and ``scripts/`` import only the names in ``__all__``.
The stages behind it (``ingest``, ``structure``, ``store``, ``search``, and the ``parse`` and
``build`` pipelines) are internal; the README's "How the code is laid out" lists their layers.
"""

from __future__ import annotations

from .build import (
    BuildReport,
    BuildStopped,
    ClusterError,
    Limits,
    Reading,
    build_from_sources,
    build_index,
    collect_sources,
    contract_parser,
    read_contracts,
)
from .errors import (
    ContractbotError,
    EmptyQuestionError,
    EmptySourceError,
    EncoderError,
    EncoderMismatchError,
    IndexBusyError,
    IndexError_,
    IndexMissingError,
    MissingSourceError,
    NoSourcesError,
    NotAContractError,
    NoWordsError,
    QueryError,
    QuestionTooLongError,
    SourceError,
    UnknownContractError,
    UnknownEncoderError,
    UnreadableSourceError,
    UnsupportedFormatError,
    WouldDropError,
)
from .limits import MAX_BINARY_BYTES, MAX_CLAUSE_CHARS, MAX_PAGES, MAX_QUESTION, MAX_TEXT_BYTES
from .models import (
    Clause,
    Comparison,
    ComparisonRow,
    Contract,
    ContractInfo,
    Document,
    Hit,
    Page,
    Script,
    SearchResult,
)
from .parse import parse_contract, read_text
from .roles import PARTIES
from .search import Collections, SearchConfig, Searcher, Signals, compare_contracts
from .status import has_index, index_status, remembered_sources
from .store import Manifest, SourceEntry, ocr_cache_dir
from .store.encoders import (
    DEFAULT_ENCODER,
    Encoder,
    check_encoder_name,
    known_encoders,
    load_encoder,
)
from .store.private import private_dir
from .text import detect_script, normalize_text, to_script, to_simplified, to_traditional

__all__ = [
    "DEFAULT_ENCODER",
    "MAX_BINARY_BYTES",
    "MAX_CLAUSE_CHARS",
    "MAX_PAGES",
    "MAX_QUESTION",
    "MAX_TEXT_BYTES",
    "PARTIES",
    "BuildReport",
    "BuildStopped",
    "Clause",
    "ClusterError",
    "Collections",
    "Comparison",
    "ComparisonRow",
    "Contract",
    "ContractInfo",
    "ContractbotError",
    "Document",
    "EmptyQuestionError",
    "EmptySourceError",
    "Encoder",
    "EncoderError",
    "EncoderMismatchError",
    "Hit",
    "IndexBusyError",
    "IndexError_",
    "IndexMissingError",
    "Limits",
    "Manifest",
    "MissingSourceError",
    "NoSourcesError",
    "NoWordsError",
    "NotAContractError",
    "Page",
    "QueryError",
    "QuestionTooLongError",
    "Reading",
    "Script",
    "SearchConfig",
    "SearchResult",
    "Searcher",
    "Signals",
    "SourceEntry",
    "SourceError",
    "UnknownContractError",
    "UnknownEncoderError",
    "UnreadableSourceError",
    "UnsupportedFormatError",
    "WouldDropError",
    "build_from_sources",
    "build_index",
    "check_encoder_name",
    "collect_sources",
    "compare_contracts",
    "contract_parser",
    "detect_script",
    "has_index",
    "index_status",
    "known_encoders",
    "load_encoder",
    "normalize_text",
    "ocr_cache_dir",
    "parse_contract",
    "private_dir",
    "read_contracts",
    "read_text",
    "remembered_sources",
    "to_script",
    "to_simplified",
    "to_traditional",
]
