"""Building an index generation from contract files: plan → rows → embed → write."""

from __future__ import annotations

from .pipeline import TEXT_VERSION, build_from_sources, build_index, contract_parser
from .plan import PageBar, Parser
from .report import BuildReport
from .sources import collect_sources
from .texts import clause_texts, title_texts

__all__ = ["TEXT_VERSION", "BuildReport", "PageBar", "Parser", "build_from_sources", "build_index",
           "clause_texts", "collect_sources", "contract_parser", "title_texts"]
