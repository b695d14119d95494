"""The ``contractbot`` command line: parse, index build/status, ask, compare, feedback, serve.

Each subcommand is one ``cmd_*`` function (the index commands in ``indexing.py``, the question
commands in ``querying.py``, ``serve`` here). Every way out is one plain English line on stderr
and an exit status from the README's table, never a traceback; answers quote the contracts in
Chinese.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from contextlib import nullcontext
from typing import TYPE_CHECKING

# the rest is imported when a command runs (``_run``): Ctrl-C while it loads is then one exit
# status, not a traceback of an import, and a build's SIGTERM is held until it starts
from .exits import (
    EXIT_BROKEN_PIPE,
    EXIT_BUSY,
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_REFUSED,
    EXIT_TERMINATED,
    EXIT_USAGE,
    NOT_STARTED,
)
from .sigterm import end_by_sigterm, held, held_while_loading, started

if TYPE_CHECKING:
    from .settings import Settings

COMMANDS = ("parse", "index", "ask", "compare", "feedback", "serve")  # `contractbot COMMAND`
ENCODER_COMMANDS = ("index build", "ask", "compare", "serve")  # the commands that load the encoder
PRIVATE_UMASK = 0o077  # files and folders made by contractbot are its user's alone


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Run the Telegram bot (long polling, or a webhook when TELEGRAM_WEBHOOK_URL is set); with
    no index yet, it says so to askers until an admin uploads the first contract."""
    import dataclasses
    import logging

    from index import has_index

    from .arguments import UsageError, given_index, index_dir_of
    from .building import index_build
    from .settings import upload_folder_of

    if not settings.telegram_token:
        raise UsageError("TELEGRAM_BOT_TOKEN is not set")
    upload_folder_of(settings)
    settings = dataclasses.replace(settings, index_dir=index_dir_of(args, settings))
    if not has_index(settings.index_dir):  # a fresh install: the first upload builds it
        build = index_build(given_index(args))("SOURCES...")
        print(f"contractbot: warning: no index at {settings.index_dir} yet: the bot answers "
              f"that no contract is indexed until an admin sends one, or `{build}` builds it",
              file=sys.stderr)
    if not settings.allowed_chats and settings.access_file is None:
        who = "only admins, in private," if settings.admins else "no chat"
        print(f"contractbot: warning: CONTRACTBOT_ALLOWED_CHATS is empty, so {who} will get "
              "answers; set it to the chat ids that /start shows", file=sys.stderr)
    logging.basicConfig(level=settings.log_level,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from .access import AccessFileError
    from .app import run

    try:
        return run(settings)
    except AccessFileError as err:
        print(f"contractbot: CONTRACTBOT_ACCESS_FILE: {err}", file=sys.stderr)
        return EXIT_USAGE


# ----------------------------------------------------------------------------- entry point


def _command(args: argparse.Namespace) -> str:
    return " ".join(x for x in (args.command, getattr(args, "index_command", None)) if x)


def _run(argv: Sequence[str] | None) -> int:
    from index import (
        BuildRefusedError,
        ContractbotError,
        EncoderError,
        EncoderMismatchError,
        IndexBusyError,
        IndexDamagedError,
        IndexMissingError,
        RulesFileError,
    )

    from .arguments import UsageError, build_parser, given_index
    from .building import index_build, refusal
    from .errors import TokenRejectedError
    from .indexing import cmd_index_build, cmd_index_status, cmd_parse
    from .querying import cmd_ask, cmd_compare, cmd_feedback
    from .settings import Settings, SettingsError

    commands = {"parse": cmd_parse, "index build": cmd_index_build,
                "index status": cmd_index_status, "ask": cmd_ask, "compare": cmd_compare,
                "feedback": cmd_feedback, "serve": cmd_serve}
    try:
        settings: Settings | None = Settings.from_env()
        problem: SettingsError | None = None
    except SettingsError as err:
        settings, problem = None, err
    args = build_parser(settings).parse_args(argv)
    if problem is not None or settings is None:
        print(f"contractbot: {problem}", file=sys.stderr)
        return EXIT_USAGE
    build = index_build(given_index(args))  # each build a line suggests repeats the --index
    try:
        if _command(args) in ENCODER_COMMANDS:  # refuse an unknown encoder before any work
            from index import check_encoder_name

            check_encoder_name(settings.embed_model)
        if _command(args) in ("parse", "serve"):  # index build: run_build checks it
            from index import check_rules_file

            check_rules_file(settings.rules_file)
        return int(commands[_command(args)](args, settings))
    except (UsageError, SettingsError, EncoderError, TokenRejectedError) as err:
        print(f"contractbot: {err}", file=sys.stderr)
        return EXIT_USAGE
    except RulesFileError as err:
        print(f"contractbot: CONTRACTBOT_RULES_FILE: {err}", file=sys.stderr)
        return EXIT_USAGE
    except BuildRefusedError as err:  # a build not run by run_build (ask's first build)
        print(f"contractbot: {refusal(err, rerun='`contractbot index build`')}", file=sys.stderr)
        return EXIT_REFUSED
    except IndexBusyError as err:
        print(f"contractbot: {err}; the index is unchanged, try again later", file=sys.stderr)
        return EXIT_BUSY
    except IndexDamagedError as err:
        print(f"contractbot: {err}; rebuild it: {build()}", file=sys.stderr)
        return EXIT_ERROR
    except IndexMissingError as err:
        print(f"contractbot: {err.advised(build)}", file=sys.stderr)
        return EXIT_ERROR
    except EncoderMismatchError as err:  # name the setting to change
        print(f"contractbot: {err.advised(build, setting='CONTRACTBOT_EMBED_MODEL')}",
              file=sys.stderr)
        return EXIT_ERROR
    except ContractbotError as err:
        print(f"contractbot: {err}", file=sys.stderr)
        return EXIT_ERROR
    except OSError as err:  # the system refused: a folder that cannot be written ...
        if isinstance(err, BrokenPipeError):
            raise
        where = f": {err.filename}" if err.filename else ""
        print(f"contractbot: {err.strerror or err}{where}", file=sys.stderr)
        return EXIT_ERROR
    except Exception as err:  # a bug: still one line; the traceback at log level DEBUG
        if settings.log_level == "DEBUG":
            raise
        print(f"contractbot: unexpected error ({type(err).__name__}: {err}); "
              "CONTRACTBOT_LOG_LEVEL=DEBUG shows the traceback", file=sys.stderr)
        return EXIT_ERROR


def _silence_closed_pipes() -> None:
    """Point stdout and stderr at /dev/null, so that flushing at exit raises nothing."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        try:
            os.dup2(devnull, stream.fileno())
        except (OSError, ValueError, AttributeError):  # not a real file (tests capture it)
            pass


def _leave_unusable_working_dir() -> None:
    """Work from / when the working directory is gone (a release folder replaced under the
    shell) or this user may not enter it (`sudo -u contractbot …` from an admin's home): the
    build's worker processes start in it and could not, and .env is read from it. No relative
    path could be read there either."""
    try:
        if os.access(os.getcwd(), os.X_OK):
            return
    except OSError:  # deleted
        pass
    os.chdir("/")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``contractbot`` console script. Everything it creates (index,
    uploaded sources) is private to the user: umask 077 while it runs."""
    umask = os.umask(PRIVATE_UMASK)
    _leave_unusable_working_dir()
    words = list(sys.argv[1:] if argv is None else argv)
    build, serve = words[:2] == ["index", "build"], words[:1] == ["serve"]
    try:  # a SIGTERM while a build (or the bot) loads is held until it starts (sigterm.py)
        with held_while_loading() if build or serve else nullcontext():
            status = _run(argv)
            sys.stdout.flush()  # a closed pipe shows here, not at exit
            if status == EXIT_TERMINATED or (build and held()):  # stopped by SIGTERM: end by it
                end_by_sigterm()
        return status
    except BrokenPipeError:  # the reader went away (`ask --batch ... | head`): end quietly
        _silence_closed_pipes()
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        if build and not started():  # a build stopped part-way said what it left
            print(f"contractbot: {NOT_STARTED}", file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        os.umask(umask)


if __name__ == "__main__":
    sys.exit(main())
