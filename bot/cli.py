"""The ``contractbot`` command line: parse, index build/status, ask, serve.

Each subcommand is one ``cmd_*`` function; domain errors become one plain line on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from index import ContractbotError, SearchResult

if TYPE_CHECKING:
    from index import Searcher

from .settings import Settings

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_BUSY = 75  # another build holds the index lock (EX_TEMPFAIL: try again later)


def _print_json(obj: object) -> None:
    print(json.dumps(obj, ensure_ascii=False))


def cmd_parse(args: argparse.Namespace, settings: Settings) -> int:
    """Print the clause tree of one contract file, readable or as JSON."""
    from index import parse_contract

    from .outline import format_tree

    contract = parse_contract(Path(args.file), rules_file=settings.rules_file)
    _report_failures((Path(args.file).name, f"note: {n}") for n in contract.notes)
    if args.json:
        _print_json(contract.as_json())
    else:
        print(format_tree(contract))
    return EXIT_OK


def _report_failures(failed: Iterable[tuple[str, str]]) -> None:
    """One ``<file name>: <reason>`` line on stderr per failed (or noted) source."""
    for source, reason in failed:
        print(f"{Path(source).name}: {reason}", file=sys.stderr)


def cmd_index_build(args: argparse.Namespace, settings: Settings) -> int:
    """Build or update the index from source files and folders.

    Exit 0 when every source was indexed, 3 when some were skipped, 4 when none could be,
    75 when another build is running (the index is left as it was).
    """
    from index import IndexBusyError, build_from_sources

    index_dir = Path(args.index_dir) if args.index_dir else settings.index_dir
    try:
        report = build_from_sources(
            [Path(s) for s in args.sources], index_dir, settings.embed_model,
            rules_file=settings.rules_file,
        )
    except IndexBusyError as err:
        print(f"contractbot: {err}; the index is unchanged, try again later", file=sys.stderr)
        return EXIT_BUSY
    _report_failures(report.failed)
    _report_failures((s, f"note: {n}") for s, n in report.notes)
    print(report.summary())
    return report.exit_code


def cmd_index_status(args: argparse.Namespace, settings: Settings) -> int:
    """Describe the index: contracts, clauses, encoder, failures, build time."""
    from index import index_status

    index_dir = Path(args.index_dir) if args.index_dir else settings.index_dir
    manifest = index_status(index_dir)
    if args.json:
        full = manifest.as_json()
        _print_json({
            **{k: full[k] for k in ("contracts", "clauses", "encoder", "dim", "built_at",
                                    "generation")},
            "index_dir": str(index_dir),
            **{k: full[k] for k in ("sources", "failed", "notes")},
        })
        return EXIT_OK
    print(f"index:     {index_dir}")
    print(f"built at:  {manifest.built_at} (generation {manifest.generation})")
    print(f"encoder:   {manifest.encoder} ({manifest.dim} dimensions)")
    print(f"contracts: {manifest.contracts}   clauses: {manifest.clauses}")
    for src in manifest.sources:
        print(f"  {src.contract}  《{src.title}》  {src.clauses} clauses  [{src.collection}]")
    for source, reason in manifest.failed:
        print(f"  failed: {Path(source).name}: {reason}")
    for source, note in manifest.notes:
        print(f"  note:   {Path(source).name}: {note}")
    return EXIT_OK


def format_answer(result: SearchResult) -> str:
    """A readable answer (the bot's composer as plain text): per hit 《title》 chapter › clause,
    then its text, with the party note and the unfilled-blank flag, in the question's script."""
    from .compose import compose, format_text

    return format_text(compose(result))


def _open_searcher(args: argparse.Namespace, settings: Settings) -> Searcher:
    """Open the index; with no index at the default place, build one from samples/ first."""
    from index import Searcher, build_from_sources, has_index

    index_dir = Path(args.index_dir) if args.index_dir else settings.index_dir
    if args.index_dir is None and not has_index(index_dir):
        from .settings import SAMPLES_DIR

        print(f"contractbot: no index at {index_dir}; building one from {SAMPLES_DIR} first",
              file=sys.stderr)
        report = build_from_sources([SAMPLES_DIR], index_dir, settings.embed_model,
                                    rules_file=settings.rules_file)
        _report_failures(report.failed)
    return Searcher.open(index_dir, settings.embed_model)


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    """Answer a question (or a batch of them) from the index."""
    from index import QueryError

    if args.batch is None and args.question is None:
        raise QueryError("give a question, or --batch FILE")
    searcher = _open_searcher(args, settings)
    collections = _collections(args)
    if args.batch is None:
        result = searcher.search(args.question, contract=args.contract, top_k=args.top_k,
                                 collections=collections)
        if args.json:
            _print_json(result.as_json())
        else:
            print(format_answer(result))
        return EXIT_OK
    status = EXIT_OK
    lines = Path(args.batch).read_text("utf-8").splitlines()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            question, contract = str(item["q"]), item.get("contract")
        except (ValueError, KeyError, TypeError):
            print(f"contractbot: {args.batch}:{number}: not a {{\"q\": ...}} line", file=sys.stderr)
            status = EXIT_ERROR
            continue
        try:
            result = searcher.search(question, contract=contract, top_k=args.top_k,
                                     collections=collections)
        except QueryError as err:
            _print_json({"question": question, "results": [], "error": str(err)})
            status = EXIT_ERROR
            continue
        if args.json:
            _print_json(result.as_json())
        else:
            print(f"Q: {question}\n{format_answer(result)}\n")
    return status


def _collections(args: argparse.Namespace) -> frozenset[str] | None:
    """The --collection names given (None: every collection)."""
    return frozenset(args.collection) if args.collection else None


def cmd_compare(args: argparse.Namespace, settings: Settings) -> int:
    """Ask one question of every contract: each contract's best clause, or 未约定."""
    from index import compare_contracts, detect_script

    from .comparing import comparison_lines

    searcher = _open_searcher(args, settings)
    comparison = compare_contracts(searcher, args.question, collections=_collections(args))
    if args.json:
        _print_json(comparison.as_json())
    else:
        print("\n".join(comparison_lines(comparison, detect_script(args.question))))
    return EXIT_OK


def cmd_feedback(args: argparse.Namespace, settings: Settings) -> int:
    """Recent 👎 answers and unanswered questions from the question log, with counts."""
    from .feedback import QuestionLog, format_summary

    index_dir = Path(args.index_dir) if args.index_dir else settings.index_dir
    log = QuestionLog.open(index_dir, days=settings.log_days)
    try:
        summary = log.summary(limit=args.limit)
    finally:
        log.close()
    if args.json:
        _print_json(summary.as_json())
    else:
        print(format_summary(summary))
    return EXIT_OK


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Run the Telegram bot (long polling, or a webhook when TELEGRAM_WEBHOOK_URL is set)."""
    import dataclasses
    import logging

    if not settings.telegram_token:
        print("contractbot: TELEGRAM_BOT_TOKEN is not set", file=sys.stderr)
        return EXIT_USAGE
    if args.index_dir:
        settings = dataclasses.replace(settings, index_dir=Path(args.index_dir))
    logging.basicConfig(level=settings.log_level,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from .access import AccessFileError
    from .app import run

    try:
        return run(settings)
    except AccessFileError as err:
        print(f"contractbot: CONTRACTBOT_ACCESS_FILE: {err}", file=sys.stderr)
        return EXIT_USAGE


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = argparse.ArgumentParser(
        prog="contractbot", description="Answer questions about Chinese contracts."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("parse", help="show the clause tree of a contract file")
    p.add_argument("file")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_parse)

    p_index = sub.add_parser("index", help="build or inspect the index")
    isub = p_index.add_subparsers(dest="index_command", required=True)
    b = isub.add_parser("build", help="index contract files and folders")
    b.add_argument("sources", nargs="+")
    b.add_argument("--index", dest="index_dir", default=None)
    b.set_defaults(func=cmd_index_build)
    s = isub.add_parser("status", help="describe the index")
    s.add_argument("--index", dest="index_dir", default=None)
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_index_status)

    a = sub.add_parser("ask", help="ask a question")
    a.add_argument("question", nargs="?")
    a.add_argument("--contract", default=None)
    a.add_argument("--top-k", type=int, default=5)
    a.add_argument("--json", action="store_true")
    a.add_argument("--batch", default=None, help="JSONL file of {q, contract} lines")
    a.add_argument("--index", dest="index_dir", default=None)
    a.add_argument("--collection", action="append", default=[],
                   help="search only this collection (repeatable; default: all)")
    a.set_defaults(func=cmd_ask)

    c = sub.add_parser("compare", help="ask one question of every contract")
    c.add_argument("question")
    c.add_argument("--collection", action="append", default=[],
                   help="compare only this collection's contracts (repeatable; default: all)")
    c.add_argument("--json", action="store_true")
    c.add_argument("--index", dest="index_dir", default=None)
    c.set_defaults(func=cmd_compare)

    f = sub.add_parser("feedback", help="recent 👎 answers and unanswered questions")
    f.add_argument("--json", action="store_true")
    f.add_argument("--limit", type=int, default=20, help="questions listed per kind")
    f.add_argument("--index", dest="index_dir", default=None)
    f.set_defaults(func=cmd_feedback)

    v = sub.add_parser("serve", help="run the Telegram bot")
    v.add_argument("--index", dest="index_dir", default=None)
    v.set_defaults(func=cmd_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``contractbot`` console script."""
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except ValueError as err:  # a setting that cannot be read: one line, not a traceback
        print(f"contractbot: {err}", file=sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.func(args, settings))
    except ContractbotError as err:
        print(f"contractbot: {err}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
