"""Contract ingestion, clause trees and retrieval. No Telegram and no environment reads here.

This module is the public API: ``bot/`` and ``scripts/`` import only the names in ``__all__``.
"""

from __future__ import annotations

from .build import BuildReport, build_from_sources, build_index, contract_parser
from .encoders import DEFAULT_ENCODER, Encoder, load_encoder
from .errors import (
    ContractbotError,
    EmptyQuestionError,
    EmptySourceError,
    EncoderMismatchError,
    IndexBusyError,
    IndexMissingError,
    NoWordsError,
    QueryError,
    QuestionTooLongError,
    SourceError,
    UnknownContractError,
    UnreadableSourceError,
    UnsupportedFormatError,
)
from .models import Clause, Contract, ContractInfo, Document, Hit, Page, Script, SearchResult
from .normalize import detect_script, to_simplified, to_traditional
from .parse import parse_contract
from .search import SearchConfig, Searcher


def to_script(text: str, script: Script) -> str:
    """``text`` in ``script``: Traditional (Taiwan standard) or Simplified."""
    return to_traditional(text) if script == "traditional" else to_simplified(text)


__all__ = [
    "DEFAULT_ENCODER", "BuildReport", "Clause", "Contract", "ContractInfo", "ContractbotError",
    "Document", "EmptyQuestionError", "EmptySourceError", "Encoder", "EncoderMismatchError",
    "Hit", "IndexBusyError", "IndexMissingError", "NoWordsError", "Page", "QueryError",
    "QuestionTooLongError", "Script", "SearchConfig", "SearchResult", "Searcher", "SourceError",
    "UnknownContractError", "UnreadableSourceError", "UnsupportedFormatError",
    "build_from_sources", "build_index", "contract_parser", "detect_script", "load_encoder",
    "parse_contract", "to_script", "to_simplified", "to_traditional",
]
