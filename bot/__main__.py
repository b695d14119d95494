"""``python -m bot``: run the Telegram bot (same as ``contractbot serve``)."""

from __future__ import annotations

import sys

from .cli import main

if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["serve"]:  # `python -m bot serve`, as `contractbot serve` is written
        args = args[1:]
    sys.exit(main(["serve", *args]))
