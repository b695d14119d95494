"""The question commands of ``contractbot``: ``ask`` (one question, or a batch), ``compare``
(one question of every contract) and ``feedback`` (the bot's question log)."""

from __future__ import annotations

import argparse
import dataclasses
import functools
import shlex
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from index import IndexMissingError, SearchResult

from .arguments import UsageError, index_dir_of
from .batch import answer_batch, batch_lines
from .building import report_failures
from .exits import EXIT_ERROR, EXIT_OK
from .naming import close_names
from .output import print_json
from .settings import Settings

if TYPE_CHECKING:
    from index import Searcher

NOTHING_FOUND = "No clause in the index answers this question."
CLOSEST = "None of these clauses seemed to answer the question; they are the closest:"
# after NOTHING_FOUND for a question in no Chinese (the encoders read English poorly)
ASK_IN_CHINESE = "The contracts are in Chinese: ask in Chinese, for example: {question}"


def format_answer(result: SearchResult, *, closest: bool = False,
                  example: Callable[[], str] | None = None) -> str:
    """A readable answer (the bot's composer as plain text): per hit 《title》 chapter › clause,
    then its text, with the party note and the unfilled-blank flag, in the question's script;
    one English line when no clause answers (naming the cited clause numbers that are not
    there; to a question in no Chinese, ``example``'s question to ask instead, called only
    then), or with ``closest`` that line and the closest clauses all the same."""
    from .compose import compose, foreign_question, format_text

    answer = compose(result)
    if answer.found:
        return format_text(answer)
    nothing = NOTHING_FOUND
    if result.uncited:
        nothing = f"No {_cited_names(result.uncited)} in scope. {NOTHING_FOUND}"
    elif example is not None and foreign_question(result.question):
        nothing = f"{NOTHING_FOUND} {ASK_IN_CHINESE.format(question=example())}"
    if closest and result.hits:
        shown = compose(dataclasses.replace(result, relevant=True, uncited=()))
        return f"{nothing}\n{CLOSEST}\n\n{format_text(shown)}"
    return nothing


def _cited_names(cited: tuple[str, ...]) -> str:
    """What a question cites that no contract in scope has, each named as what it is: clause
    第99条, chapter 第九章, part 第五部分, annex 附件八 (a chapter is not a clause)."""
    def kind(written: str) -> str:
        return "chapter" if written.endswith("章") else "part" if written.endswith(
            ("部分", "篇")) else "annex" if written.startswith("附件") else "clause"
    return ", ".join(f"{kind(c)} {c}" for c in cited)


def open_searcher(args: argparse.Namespace, settings: Settings) -> Searcher:
    """Open the index; with no index at the default place (neither --index nor
    CONTRACTBOT_INDEX_DIR), build one from samples/ first, unless a bot already uses that
    folder (its question log or chat settings are there: it waits for its first upload)."""
    from index import Searcher, build_from_sources, has_index

    index_dir = index_dir_of(args, settings)
    if (args.index_dir is None and settings.default_index and not has_index(index_dir)
            and not _served(index_dir)):
        from .settings import SAMPLES_DIR

        print(f"contractbot: no index at {index_dir}; building one from {SAMPLES_DIR} first",
              file=sys.stderr)
        report = build_from_sources([SAMPLES_DIR], index_dir, settings.embed_model,
                                    rules_file=settings.rules_file)
        report_failures(report.failed)
    searcher = Searcher.open(index_dir, settings.embed_model)
    if not searcher.contracts():  # emptied (index build EMPTY --replace): as index status says
        raise IndexMissingError(f"the index at {index_dir} holds no contracts",
                                advice="build it from your contracts")
    return searcher


def _served(index_dir: Path) -> bool:
    """Whether a bot uses ``index_dir`` (its question log or chat settings are there)."""
    from .feedback import LOG_FILE
    from .persistence import STATE_FILE

    return any((index_dir / name).exists() for name in (LOG_FILE, STATE_FILE))


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    """Answer a question (or a batch of them) from the index."""
    if args.batch is None and args.question is None:
        raise UsageError("give a QUESTION, or --batch FILE")
    if args.batch is not None and args.question is not None:
        raise UsageError("give a QUESTION or --batch FILE, not both")
    lines = batch_lines(args.batch) if args.batch is not None else []
    searcher = open_searcher(args, settings)
    collections = _collections(args, searcher)
    contract = _contract_named(searcher, args.contract, collections)
    render = functools.partial(format_answer, closest=args.closest,
                               example=_example(searcher, collections, contract))
    if args.batch is None:
        result = searcher.search(args.question, contract=contract, top_k=args.top_k,
                                 collections=collections)
        if args.json:
            print_json(result.as_json())
        else:
            print(render(result))
        return EXIT_OK
    answered = answer_batch(searcher, lines, name=args.batch, as_json=args.json,
                            top_k=args.top_k, collections=collections, render=render)
    return EXIT_OK if answered else EXIT_ERROR


def _example(searcher: Searcher, collections: frozenset[str] | None,
             contract: str | None) -> Callable[[], str]:
    """The question of the contracts asked (within ``collections``, or ``contract`` alone)
    that the bot's picker would give as an example, picked at the first call (it reads every
    clause) and kept."""
    from .examples import library_examples

    return functools.cache(lambda: library_examples(searcher, (collections, contract)).question)


def _contract_named(searcher: Searcher, name: str | None,
                    collections: frozenset[str] | None) -> str | None:
    """The key of the contract ``--contract NAME`` names within ``collections`` (a key, a file
    stem, or ``collection/stem`` where two collections have the stem); a wrong argument when it
    names none or several."""
    from index import AmbiguousContractError, UnknownContractError

    if name is None:
        return None
    try:
        return searcher.contract_named(name, collections=collections)
    except UnknownContractError:
        near = close_names(searcher.contracts(collections=collections), name)
        closest = f"; the closest: {', '.join(shlex.quote(c.key) for c in near)}" if near else ""
        raise UsageError(f"no contract named {name} is indexed (--contract takes a key that "
                         f"`contractbot index status` lists){closest}") from None
    except AmbiguousContractError as err:
        raise UsageError(f"--contract {err}") from None


def _collections(args: argparse.Namespace, searcher: Searcher) -> frozenset[str] | None:
    """The --collection names given (None: every collection); a wrong argument when one holds
    no indexed contract (a typo such as ``custmer-a`` found nothing, and said so as if no
    clause answered)."""
    if not args.collection:
        return None
    names = frozenset(args.collection)
    known = {c.collection for c in searcher.contracts()}
    unknown = sorted(names - known)
    if unknown:
        raise UsageError(f"--collection {unknown[0]}: no contract of that collection is indexed "
                         f"(collections: {', '.join(sorted(known)) or 'none'})")
    return names


def cmd_compare(args: argparse.Namespace, settings: Settings) -> int:
    """Ask one question of every contract: each contract's best clause, or 未约定."""
    from index import compare_contracts, detect_script

    from .comparing import comparison_lines

    searcher = open_searcher(args, settings)
    comparison = compare_contracts(searcher, args.question,
                                   collections=_collections(args, searcher))
    if args.json:
        print_json(comparison.as_json())
    else:
        print("\n".join(comparison_lines(comparison, detect_script(args.question))))
    return EXIT_OK


def cmd_feedback(args: argparse.Namespace, settings: Settings) -> int:
    """Recent 👎 answers and unanswered questions from the question log, with counts; read
    only: a missing index is an error (as for `index status`), nothing is created."""
    from index import has_index

    from .feedback import LOG_FILE, format_summary, read_summary

    index_dir = index_dir_of(args, settings)
    if not has_index(index_dir) and not (index_dir / LOG_FILE).is_file():
        raise IndexMissingError(f"no index at {index_dir}")
    summary = read_summary(index_dir, days=settings.log_days, limit=args.limit)
    if args.json:
        print_json(summary.as_json())
    else:
        print(format_summary(summary))
    return EXIT_OK
