"""Rebuild the index after contracts changed: what a cron job runs.

    scripts/rebuild_index.py SOURCES... [--index DIR]

Takes the index lock without waiting (busy: says so, exit 75), builds incrementally, prints one
summary line. Exit status: 0 all sources indexed, 3 some skipped (reasons on stderr),
4 nothing could be indexed, 75 another build holds the lock, 1 any other error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

EXIT_BUSY = 75  # EX_TEMPFAIL: try again later


def main(argv: Sequence[str] | None = None) -> int:
    """Run one incremental build and report it in one line."""
    from bot.settings import Settings
    from index import ContractbotError, IndexBusyError, build_from_sources

    ap = argparse.ArgumentParser(description="Rebuild the contractbot index (for cron).")
    ap.add_argument("sources", nargs="+", type=Path)
    ap.add_argument("--index", type=Path, default=None, help="index dir (default: settings)")
    args = ap.parse_args(argv)
    settings = Settings.from_env()
    index_dir = args.index or settings.index_dir
    try:
        report = build_from_sources(args.sources, index_dir, settings.embed_model,
                                    rules_file=settings.rules_file, progress=False)
    except IndexBusyError:
        print(f"rebuild_index: busy: another build is running on {index_dir}")
        return EXIT_BUSY
    except ContractbotError as err:
        print(f"rebuild_index: failed: {err}")
        return 1
    for source, reason in report.failed:
        print(f"{Path(source).name}: {reason}", file=sys.stderr)
    print(f"rebuild_index: {report.summary()}")
    return report.exit_code


if __name__ == "__main__":
    import os

    os.umask(0o077)  # the index it writes is private to its user, as with `contractbot`
    sys.exit(main())
