#!/usr/bin/env python3
"""Rebuild the index after contracts changed: what a cron job runs.

    scripts/rebuild_index.py [SOURCES...] [--index DIR] [--replace]

The same build, with the same rules, as ``contractbot index build``: with no SOURCES it rebuilds the
ones the index remembers (and the bot's upload folder, when it holds files); a missing source, or a
build that would leave the index empty or drop more than half of its contracts or those of a folder
it was built from, or change its encoder, changes nothing. It takes the index lock without waiting
and prints one summary line. Exit status: 0 all sources indexed, 1 any other error, 2 a source does
not exist (or none given and none remembered), 3 some skipped (reasons on stderr), 4 nothing could
be indexed, 5 refused (pass --replace to allow it), 75 another build holds the lock, 130 interrupted
(Ctrl-C), 143 stopped by SIGTERM (both say what they left). Every way out is one line on stderr,
never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PROG = "rebuild_index"


def main(argv: Sequence[str] | None = None) -> int:
    """Run one incremental build and report it in one line; Ctrl-C before the build starts
    (while Python still imports the index code) is that line too, not a traceback."""
    from bot.exits import EXIT_INTERRUPTED, NOT_STARTED
    from bot.sigterm import started

    try:
        return _main(argv)
    except KeyboardInterrupt:  # a build stopped part-way said what it left
        if not started():
            print(f"{PROG}: {NOT_STARTED}", file=sys.stderr)
        return EXIT_INTERRUPTED


def _main(argv: Sequence[str] | None) -> int:
    from bot.arguments import REPLACE_HELP
    from bot.building import run_build
    from bot.exits import EXIT_ERROR, EXIT_USAGE
    from bot.settings import Settings, SettingsError, chosen_index
    from index import ContractbotError, EncoderError

    ap = argparse.ArgumentParser(
        prog=PROG, description="Rebuild the contractbot index (for cron).")
    ap.add_argument("sources", nargs="*", type=Path, metavar="SOURCES",
                    help="contract files and folders (default: the ones the index remembers, "
                    "and the upload folder, CONTRACTBOT_SOURCES_DIR, when it holds files)")
    ap.add_argument("--index", type=Path, default=None, metavar="DIR",
                    help="the index folder (default: CONTRACTBOT_INDEX_DIR, else "
                    "~/.local/share/contractbot/index)")
    ap.add_argument("--replace", action="store_true", help=REPLACE_HELP)
    args = ap.parse_args(argv)
    try:
        settings = Settings.from_env()
    except SettingsError as err:
        print(f"{PROG}: {err}", file=sys.stderr)
        return EXIT_USAGE
    try:
        index_dir = chosen_index(args.index, settings)
    except SettingsError as err:
        print(f"{PROG}: {err}", file=sys.stderr)
        return EXIT_USAGE
    try:
        status, report = run_build(args.sources or None, index_dir, settings,
                                   replace=args.replace, progress=False, prog=PROG,
                                   rerun="scripts/rebuild_index.py", index=args.index)
    except EncoderError as err:  # an unknown encoder: a setting to fix
        print(f"{PROG}: {err}", file=sys.stderr)
        return EXIT_USAGE
    except (ContractbotError, OSError) as err:  # an unreadable index, a folder not writable
        print(f"{PROG}: failed: {err}", file=sys.stderr)
        return EXIT_ERROR
    except Exception as err:  # a bug: still one line for the cron mail
        print(f"{PROG}: unexpected error ({type(err).__name__}: {err})", file=sys.stderr)
        return EXIT_ERROR
    if report is not None:
        print(f"{PROG}: {report.summary()}")
    return status

if __name__ == "__main__":
    import os

    from bot.exits import EXIT_TERMINATED
    from bot.sigterm import end_by_sigterm, held, held_while_loading

    os.umask(0o077)  # the index it writes is private to its user, as with `contractbot`
    with held_while_loading():  # a SIGTERM while it loads: the build raises it as it starts
        status = main()
        if status == EXIT_TERMINATED or held():  # stopped by SIGTERM, and said so: end by it
            end_by_sigterm()
    sys.exit(status)
