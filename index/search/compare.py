"""One question asked of every contract in scope: each contract's best clause, or none.

Each row starts from what the question gets when asked of that contract alone (its scoped
search): its first ``CANDIDATES`` clauses. Since a scoped search always has a closest clause,
a clause counts only when it (with its titles and sub-clauses) also holds most of the
question's content words (``compare_words``: directly, as two words written apart in one
heading, 合同期限 in 合同性质与期限, in the contract's own kind word, 委托期限 in a 委托合同, or
through the thesaurus, 押金 as 保证金 but not as the 质量保证金 a contract names in its
headings), or is the clause the question cites by number (第十一条); otherwise the contract
has no clause on it (未约定 in the bot). Of the clauses that count (below a first clause that
does not, only those their headings name, or the one the first is part of: 5.3 over its 5.3.1),
the row quotes the one holding most of the words, then one not in an annex on another thing (a
guarantee form's 争议解决), then one whose headings name them (协议期限 over a clause that
mentions 维护服务期限; not 争议解决条款效力, which names the clause on it), then one holding them
itself (not through its sub-clauses), then the first, or a sibling as good that says them as
written (``compare_words.Holding``; 本合同保密条款 cites the clause, it does not say 保密): /use
and ``ask --contract`` quote the same clause unless a heading says better what a clause is
about.
Whether the question is about contracts at all (not 天气如何) is judged once, over all the
compared contracts: a contract that says it in a few words (租房押金：…元) has a weak vector
match of its own, which alone would call the row 未约定 although its clause holds the words.
"""

from __future__ import annotations

from ..models import Comparison, ComparisonRow, Hit, names_among, shown_source
from .compare_words import Holding
from .question import check_question
from .reach import Collections
from .searcher import Searcher

MIN_SHARE = 0.5  # a found clause holds more than this share of the question's content words
CANDIDATES = 8  # the clauses of a contract's scoped search a row is chosen among


def _chosen(found: list[tuple[Hit, Holding]]) -> Hit | None:
    """The clause a row quotes among ``found`` (in ranking order): the first holding most of
    the words, not in an annex on another thing (``Holding.aside``), and named best
    (``Holding.order`` but ``own``); then, of it and its siblings as good, one saying the words
    as written (``own``): a clause elsewhere that mentions them does not beat the ranking's
    (20.3.3 on a review board's decision over 第三部分 20.4 仲裁或诉讼, for 争议解决)."""
    if not found:
        return None

    def named(f: tuple[Hit, Holding]) -> tuple[object, ...]:
        return f[1].share, not f[1].aside, f[1].order[1:-1]

    best = max(found, key=named)
    return max((f for f in found if named(f) == named(best)
                and f[0].clause.parent == best[0].clause.parent),
               key=lambda f: f[1].own)[0]


def compare_contracts(searcher: Searcher, question: str, *,
                      collections: Collections = None) -> Comparison:
    """The best clause of each contract in ``collections`` (all when None) for ``question``,
    in build order; QueryError for a question that cannot be searched, or that names in 《》 a
    contract not indexed (as ``search`` does). The question is parsed and encoded once, then
    ranked within each contract."""
    infos = searcher.contracts(collections=collections)
    if not infos:
        check_question(question)
        return Comparison(question, ())
    asked = searcher.signals(question, collections=collections)
    on_topic = searcher.rank(asked, 1).relevant
    hits: list[Hit | None] = []
    for info in infos:
        scoped = searcher.scoped(asked, info.key)
        result = searcher.rank(scoped, 1 if asked.cited is not None else CANDIDATES)
        if result.cited:
            hits.append(result.hits[0])
            continue
        held = [(hit, searcher.holding(scoped, hit)) for hit in result.hits]
        found = [(at, hit, h) for at, (hit, h) in enumerate(held)
                 if (on_topic and h.share >= 1.0) or (result.relevant and h.share > MIN_SHARE)]
        if found and found[0][0] > 0:  # below a first clause that does not count: named
            first = result.hits[0].clause.clause  # only, or the clause that first is part of
            found = [f for f in found if f[2].titled or (f[2].itself and any(
                c.clause == first for c in f[1].children))]
        hits.append(_chosen([(hit, h) for _, hit, h in found]))
    titles = [i.title for i in infos]
    names = names_among([(i.collection, i.key) for i in infos])
    return Comparison(question, tuple(
        ComparisonRow(info.key, info.title, hit, shown_source(name, info.source),
                      titles.count(info.title) > 1)
        for info, hit, name in zip(infos, hits, names, strict=True)))
