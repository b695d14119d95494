"""One question asked of every contract in scope: each contract's best clause, or none.

Each row is what the question gets when asked of that contract alone (its scoped search), so a
comparison agrees with /use and ``ask --contract``; a contract whose best clause is not
relevant has no clause (未约定 in the bot).
"""

from __future__ import annotations

from ..models import Comparison, ComparisonRow
from .question import check_question
from .reach import Collections
from .searcher import Searcher


def compare_contracts(searcher: Searcher, question: str, *,
                      collections: Collections = None) -> Comparison:
    """The best clause of each contract in ``collections`` (all when None) for ``question``,
    in build order; QueryError for a question that cannot be searched."""
    check_question(question)
    rows = []
    for info in searcher.contracts(collections=collections):
        result = searcher.search(question, info.key, 1, collections=collections)
        hit = result.hits[0] if result.relevant and result.hits else None
        rows.append(ComparisonRow(contract=info.key, title=info.title, hit=hit,
                                  source=info.source,
                                  shared_title=hit.shared_title if hit else False))
    shared = _repeated({r.title for r in rows}, [r.title for r in rows])
    return Comparison(question, tuple(
        ComparisonRow(r.contract, r.title, r.hit, r.source, r.title in shared) for r in rows))


def _repeated(titles: set[str], all_titles: list[str]) -> set[str]:
    return {t for t in titles if all_titles.count(t) > 1}
