"""The ``contractbot`` command line: parse, index build/status, ask, serve.

Each subcommand is one ``cmd_*`` function; domain errors become one plain line on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from index.errors import ContractbotError

from .settings import Settings

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2


def _print_json(obj: object) -> None:
    print(json.dumps(obj, ensure_ascii=False))


def cmd_parse(args: argparse.Namespace, settings: Settings) -> int:
    """Print the clause tree of one contract file, readable or as JSON."""
    from index.parse import format_tree, parse_contract

    contract = parse_contract(Path(args.file), rules_file=settings.rules_file)
    if args.json:
        _print_json(contract.as_json())
    else:
        print(format_tree(contract))
    return EXIT_OK


def cmd_index_build(args: argparse.Namespace, settings: Settings) -> int:
    """Build or update the index from source files and folders."""
    raise ContractbotError("index build is not implemented yet")


def cmd_index_status(args: argparse.Namespace, settings: Settings) -> int:
    """Describe the index: contracts, clauses, encoder, failures, build time."""
    raise ContractbotError("index status is not implemented yet")


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    """Answer a question (or a batch of them) from the index."""
    raise ContractbotError("ask is not implemented yet")


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Run the Telegram bot."""
    raise ContractbotError("serve is not implemented yet")


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
    a.set_defaults(func=cmd_ask)

    v = sub.add_parser("serve", help="run the Telegram bot")
    v.add_argument("--index", dest="index_dir", default=None)
    v.set_defaults(func=cmd_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``contractbot`` console script."""
    args = build_parser().parse_args(argv)
    settings = Settings.from_env()
    try:
        return int(args.func(args, settings))
    except ContractbotError as err:
        print(f"contractbot: {err}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
