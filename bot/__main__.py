"""``python -m bot``: run the Telegram bot (same as ``contractbot serve``), or, given one of
its commands (``python -m bot index build …``, ``ask …``), run that command as ``contractbot``
does: those were refused as arguments of serve (``unrecognized arguments: index build``).
``python -m bot --help`` lists the commands, as ``contractbot --help`` does (it showed serve's
help, which names none of them)."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from .cli import COMMANDS, main

HELP_FLAGS = ("-h", "--help")


def command_line(args: Sequence[str]) -> list[str]:
    """The ``contractbot`` command line ``python -m bot ARGS`` runs: ARGS when they start with
    a command or ask for help, else ``serve ARGS``."""
    if args[:1] and (args[0] in COMMANDS or args[0] in HELP_FLAGS):
        return list(args)
    return ["serve", *args]


if __name__ == "__main__":
    sys.exit(main(command_line(sys.argv[1:])))
