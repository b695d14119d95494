"""The exit statuses of ``contractbot`` and ``scripts/rebuild_index.py`` (the README's table),
in a module that imports nothing: the command line says how it ended even when it is stopped
while it is still importing the rest."""

from __future__ import annotations

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2  # a wrong argument or setting: a missing source, an unknown encoder ...
EXIT_SKIPPED = 3  # some sources were not indexed
EXIT_NOTHING = 4  # nothing could be indexed
EXIT_REFUSED = 5  # the build would empty the index, drop most of it, move contracts to other
# collections or change its encoder
EXIT_BUSY = 75  # another build holds the index lock (EX_TEMPFAIL: try again later)
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT)
EXIT_TERMINATED = 143  # SIGTERM (128 + SIGTERM): `kill`, `timeout`, a service manager
EXIT_BROKEN_PIPE = 141  # what a shell reports for a command whose reader went away (| head)

# Ctrl-C while a build still loads (imports, settings): nothing of the index was read or written
NOT_STARTED = "the build was interrupted before it started: the index is untouched"
