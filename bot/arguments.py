"""The ``contractbot`` command line's arguments: every option with its default in ``--help``, and
argument errors in one line (exit status 2)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import NoReturn

from index import (
    ClusterAddressError,
    ContractbotError,
    cluster_address,
    max_workers,
    workers_bound,
)

from .exits import EXIT_USAGE
from .settings import Settings, chosen_index, settings_help

REPLACE_HELP = ("allow a build that leaves the index empty, drops more than half of its "
                "contracts or those of a folder it was built from, moves contracts to another "
                "collection, or changes its encoder (default: refuse it)")


class UsageError(ContractbotError):
    """A wrong command line (exit status 2)."""


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (no usage block) with exit status 2."""

    def error(self, message: str) -> NoReturn:
        """Print ``prog: message`` and where to get help, then exit 2."""
        print(f"{self.prog}: {message} (see {self.prog} --help)", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def index_dir_of(args: argparse.Namespace, settings: Settings) -> Path:
    """The index folder: --index, else CONTRACTBOT_INDEX_DIR; a file there is a wrong argument
    (it said "File exists", or "no index …; build one", which could only fail)."""
    return chosen_index(args.index_dir, settings)


def given_index(args: argparse.Namespace) -> Path | None:
    """The ``--index DIR`` the operator gave (None: the settings' folder), which each command
    a message suggests repeats."""
    given = getattr(args, "index_dir", None)  # `parse` has none
    return Path(given) if given else None


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def worker_count(text: str) -> int:
    """An argparse type: build workers, 1 or more and at most what this machine can run."""
    value = positive_int(text)
    if value > max_workers():
        raise argparse.ArgumentTypeError(f"must be at most {workers_bound()}, not {value}")
    return value


def scheduler_address(text: str) -> str:
    """An argparse type: a Dask scheduler address, tcp://HOST:PORT, refused before any work."""
    try:
        return cluster_address(text)
    except ClusterAddressError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def build_parser(settings: Settings | None = None) -> argparse.ArgumentParser:
    """The argument parser of every subcommand; help shows each option's default."""
    index_default = (f"{settings.index_dir}" if settings else "~/.local/share/contractbot/index")
    index_help = f"the index folder (default: {index_default}; CONTRACTBOT_INDEX_DIR sets it)"
    parser = Parser(
        prog="contractbot", description="Answer questions about Chinese contracts by quoting "
        "the clauses that answer them.", epilog="Exit status: 0 done, 1 error, 2 wrong "
        "argument or setting, 3 some sources skipped, 4 nothing indexed, 5 build refused "
        "(the index is unchanged), 75 index busy, 130 interrupted, 141 output closed, 143 "
        "stopped by SIGTERM (the index is unchanged). Settings: README, 'Configuration'.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                parser_class=Parser)

    p = sub.add_parser("parse", help="show the clause tree of a contract file (or of each "
                       "file in a folder)", description="Show the clause tree of a contract "
                       "file, or of every file in a folder.")
    p.add_argument("path", metavar="PATH", help="a PDF, DOCX, text or image (a scan, a photo) "
                   "contract, or a folder")
    p.add_argument("--json", action="store_true",
                   help="print JSON, one line per contract (default: an indented tree)")

    p_index = sub.add_parser("index", help="build or inspect the index",
                             description="Build or inspect the index.")
    isub = p_index.add_subparsers(dest="index_command", required=True, metavar="COMMAND",
                                  parser_class=Parser)
    b = isub.add_parser("build", help="index contract files and folders",
                        description="Index contract files and folders (incrementally). With no "
                        "SOURCES, rebuild the ones the index remembers, and the bot's upload "
                        "folder (CONTRACTBOT_SOURCES_DIR) when it holds files. A build that would "
                        "leave the index empty, drop more than half of its contracts or those "
                        "of a folder it was built from, or change its encoder, changes nothing "
                        "and exits 5, unless --replace.")
    b.add_argument("sources", nargs="*", metavar="SOURCES",
                   help="contract files and folders (default: the ones the index was built "
                   "from, and the upload folder)")
    b.add_argument("--index", dest="index_dir", default=None, metavar="DIR", help=index_help)
    b.add_argument("--replace", action="store_true", help=REPLACE_HELP)
    workers = (f"{settings.build_workers}" if settings and settings.build_workers
               else "one per core")
    b.add_argument("--workers", type=worker_count, default=None, metavar="N",
                   help="worker processes that read and embed the sources, at most "
                   f"{workers_bound()} (default: {workers}; CONTRACTBOT_BUILD_WORKERS sets it)")
    b.add_argument("--cluster", type=scheduler_address, default=None, metavar="tcp://HOST:PORT",
                   help="send the per-file work to the workers of this Dask scheduler "
                   "(needs the 'cluster' extra; default: none, work on this machine)")
    s = isub.add_parser("status", help="describe the index",
                        description="Describe the index: contracts, clauses, encoder, sources.")
    s.add_argument("--index", dest="index_dir", default=None, metavar="DIR", help=index_help)
    s.add_argument("--json", action="store_true", help="print JSON (default: text)")

    a = sub.add_parser("ask", help="ask a question", description="Print the clauses that "
                       "answer a question. With no index at the default place (no --index, no "
                       "CONTRACTBOT_INDEX_DIR), one is built from the sample contracts first.")
    a.add_argument("question", nargs="?", metavar="QUESTION",
                   help="the question, in Chinese (or use --batch)")
    a.add_argument("--contract", default=None, metavar="KEY", help="search only this contract "
                   "(its key, as `index status` lists it, its file stem or collection/stem; "
                   "default: all contracts)")
    a.add_argument("--top-k", type=positive_int, default=5, metavar="N",
                   help="how many clauses to show, 1 or more (default: 5)")
    a.add_argument("--json", action="store_true", help="print JSON (default: text)")
    a.add_argument("--closest", action="store_true", help="when no clause seems to answer, "
                   "print the closest ones all the same, under a line that says so (default: "
                   "the 'no clause' line alone; JSON always lists them, with \"relevant\": "
                   "false)")
    a.add_argument("--batch", default=None, metavar="FILE", help='answer each {"q": question, '
                   '"contract": key or null} line of a JSONL file (default: one QUESTION)')
    a.add_argument("--index", dest="index_dir", default=None, metavar="DIR", help=index_help)
    a.add_argument("--collection", action="append", default=[], metavar="NAME",
                   help="search only this collection (repeatable; default: all collections)")

    c = sub.add_parser("compare", help="ask one question of every contract",
                       description="Print each contract's best clause for a question, or "
                       "未约定 where none answers it.")
    c.add_argument("question", metavar="QUESTION", help="the topic or question, in Chinese")
    c.add_argument("--collection", action="append", default=[], metavar="NAME",
                   help="compare only this collection's contracts (repeatable; default: all)")
    c.add_argument("--json", action="store_true", help="print JSON (default: text)")
    c.add_argument("--index", dest="index_dir", default=None, metavar="DIR", help=index_help)

    f = sub.add_parser("feedback", help="recent 👎 answers and unanswered questions",
                       description="List the recent answers voted 👎 and the questions that "
                       "got no clause, with counts, from the question log beside the index.")
    f.add_argument("--json", action="store_true", help="print JSON (default: text)")
    f.add_argument("--limit", type=positive_int, default=20, metavar="N",
                   help="questions listed per kind (default: 20)")
    f.add_argument("--index", dest="index_dir", default=None, metavar="DIR", help=index_help)

    v = sub.add_parser("serve", help="run the Telegram bot", description="Run the Telegram "
                       "bot: long polling, or a webhook when TELEGRAM_WEBHOOK_URL\nis set.",
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       epilog="settings (environment variables, or a .env file in the working "
                       "directory;\nREADME, 'Configuration', says more):\n" + settings_help())
    v.add_argument("--index", dest="index_dir", default=None, metavar="DIR", help=index_help)
    return parser
