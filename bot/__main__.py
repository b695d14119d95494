"""``python -m bot``: run the Telegram bot (same as ``contractbot serve``), or, given one of
its commands (``python -m bot index build …``, ``ask …``), run that command as ``contractbot``
does: those were refused as arguments of serve (``unrecognized arguments: index build``)."""

from __future__ import annotations

import sys

from .cli import COMMANDS, main

if __name__ == "__main__":
    args = sys.argv[1:]
    sys.exit(main(args if args[:1] and args[0] in COMMANDS else ["serve", *args]))
