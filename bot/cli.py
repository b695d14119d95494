"""The ``contractbot`` command line: parse, index build/status, ask, compare, feedback, serve.

Each subcommand is one ``cmd_*`` function. Every way out is one plain English line on stderr
and an exit status from the README's table, never a traceback; answers quote the contracts in
Chinese.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from index import (
    BuildRefusedError,
    ContractbotError,
    EncoderError,
    IndexBusyError,
    IndexDamagedError,
    IndexMissingError,
    RulesFileError,
    SearchResult,
)

from .arguments import UsageError, build_parser
from .batch import answer_batch, batch_lines
from .building import (
    EXIT_BUSY,
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_NOTHING,
    EXIT_OK,
    EXIT_REFUSED,
    EXIT_SKIPPED,
    EXIT_USAGE,
    refusal,
    report_failures,
    run_build,
)
from .errors import TokenRejectedError
from .settings import Settings, SettingsError, chosen_index

if TYPE_CHECKING:
    from index import Searcher

EXIT_BROKEN_PIPE = 141  # what a shell reports for a command whose reader went away (| head)
NOTHING_FOUND = "No clause in the index answers this question."
ENCODER_COMMANDS = ("index build", "ask", "serve")  # the commands that load the encoder
PRIVATE_UMASK = 0o077  # files and folders made by contractbot are its user's alone


def _print_json(obj: object) -> None:
    print(json.dumps(obj, ensure_ascii=False))


def _index_dir(args: argparse.Namespace, settings: Settings) -> Path:
    """The index folder: --index, else CONTRACTBOT_INDEX_DIR; a file there is a wrong argument
    (it said "File exists", or "no index …; build one", which could only fail)."""
    return chosen_index(args.index_dir, settings)


def cmd_parse(args: argparse.Namespace, settings: Settings) -> int:
    """Print the clause tree of a contract file, or of every file in a folder.

    Each file is read in a worker process within the build's limits. Scans and photos are read
    by OCR (a progress bar on a terminal); what it reads is kept in the index's OCR cache, so
    building the index afterwards does not read them again."""
    from index import collect_sources, ocr_cache_dir, read_contracts

    from .outline import format_tree

    path = Path(args.path)
    if not path.exists():
        print(f"contractbot: no such file or folder: {path}", file=sys.stderr)
        return EXIT_USAGE
    files, skipped = collect_sources([path]) if path.is_dir() else ([path], [])
    report_failures(skipped)
    parsed = failed = 0
    read = read_contracts(files, rules_file=settings.rules_file,
                          ocr_cache=ocr_cache_dir(settings.index_dir),
                          reading=settings.reading(), progress=None)
    for file in files:
        contract = read[file]
        if isinstance(contract, str):
            report_failures([(str(file), contract)])
            failed += 1
            continue
        parsed += 1
        report_failures((str(file), f"note: {n}") for n in contract.notes)
        if args.json:
            _print_json(contract.as_json())
        else:
            print(("\n" if parsed > 1 else "") + format_tree(contract))
    if not parsed:
        if path.is_dir():
            print(f"contractbot: no contract could be parsed in {path}", file=sys.stderr)
        return EXIT_NOTHING
    return EXIT_SKIPPED if failed else EXIT_OK


def cmd_index_build(args: argparse.Namespace, settings: Settings) -> int:
    """Build or update the index from source files and folders (none: the remembered ones)."""
    sources = [Path(s) for s in args.sources] if args.sources else None
    status, report = run_build(sources, _index_dir(args, settings), settings,
                               replace=args.replace,
                               reading=settings.reading(cluster=args.cluster,
                                                        workers=args.workers))
    if report is not None:
        print(report.summary())
    return status


def cmd_index_status(args: argparse.Namespace, settings: Settings) -> int:
    """Describe the index: contracts, clauses, encoder, sources, failures, build time; exit 1
    when a part of it is missing or cannot be read (a damaged index that `index build`
    repairs)."""
    from index import index_damage, index_faults, index_status, redone_after_upgrade

    index_dir = _index_dir(args, settings)
    manifest = index_status(index_dir)
    missing = index_damage(index_dir)
    faults = index_faults(index_dir)
    redone = redone_after_upgrade(manifest)
    if args.json:
        full = manifest.as_json()
        _print_json({
            **{k: full[k] for k in ("contracts", "clauses", "encoder", "dim", "built_at",
                                    "generation")},
            "index_dir": str(index_dir),
            **{k: full[k] for k in ("roots", "sources", "failed", "notes")},
            "missing": list(missing),
            "damaged": [{"part": part, "reason": reason} for part, reason in faults],
            "outdated": redone,
        })
        return _damaged(manifest.generation, missing, faults)
    print(f"index:     {index_dir}")
    print(f"built at:  {manifest.built_at} (generation {manifest.generation})")
    print(f"sources:   {', '.join(manifest.roots) or '(not recorded)'}")
    print(f"encoder:   {manifest.encoder} ({manifest.dim} dimensions)")
    print(f"contracts: {manifest.contracts}   clauses: {manifest.clauses}")
    for src in manifest.sources:
        print(f"  {src.contract}  《{src.title}》  {src.clauses} clauses  [{src.collection}]")
    for source, reason in manifest.failed:
        print(f"  failed: {Path(source).name}: {reason}")
    for source, note in manifest.notes:
        print(f"  note:   {Path(source).name}: {note}")
    if redone:
        print("upgrade:   built by another version of contractbot; the next `contractbot index "
              f"build` {redone}")
    return _damaged(manifest.generation, missing, faults)


def _damaged(generation: str, missing: Sequence[str],
             faults: Sequence[tuple[str, str]]) -> int:
    """EXIT_ERROR, with one line on stderr, when parts of the live generation are missing or
    cannot be read."""
    if not missing and not faults:
        return EXIT_OK
    why = [f"{', '.join(missing)} missing"] if missing else []
    why += [f"{part} cannot be read: {reason}" for part, reason in faults]
    print(f"contractbot: the index generation {generation} is damaged ({'; '.join(why)}); "
          "rebuild it: contractbot index build", file=sys.stderr)
    return EXIT_ERROR


def format_answer(result: SearchResult) -> str:
    """A readable answer (the bot's composer as plain text): per hit 《title》 chapter › clause,
    then its text, with the party note and the unfilled-blank flag, in the question's script;
    one English line when no clause answers (naming the cited clause numbers that are not
    there)."""
    from .compose import compose, format_text

    answer = compose(result)
    if answer.found:
        return format_text(answer)
    if result.uncited:
        return f"No clause {', '.join(result.uncited)} in scope. {NOTHING_FOUND}"
    return NOTHING_FOUND


def _open_searcher(args: argparse.Namespace, settings: Settings) -> Searcher:
    """Open the index; with no index at the default place (neither --index nor
    CONTRACTBOT_INDEX_DIR), build one from samples/ first."""
    from index import Searcher, build_from_sources, has_index

    index_dir = _index_dir(args, settings)
    if args.index_dir is None and settings.default_index and not has_index(index_dir):
        from .settings import SAMPLES_DIR

        print(f"contractbot: no index at {index_dir}; building one from {SAMPLES_DIR} first",
              file=sys.stderr)
        report = build_from_sources([SAMPLES_DIR], index_dir, settings.embed_model,
                                    rules_file=settings.rules_file)
        report_failures(report.failed)
    return Searcher.open(index_dir, settings.embed_model)


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    """Answer a question (or a batch of them) from the index."""
    if args.batch is None and args.question is None:
        raise UsageError("give a QUESTION, or --batch FILE")
    if args.batch is not None and args.question is not None:
        raise UsageError("give a QUESTION or --batch FILE, not both")
    lines = batch_lines(args.batch) if args.batch is not None else []
    searcher = _open_searcher(args, settings)
    collections = _collections(args)
    if args.contract is not None and not searcher.reaches(args.contract,
                                                          collections=collections):
        raise UsageError(f"no contract named {args.contract} is indexed (--contract takes a "
                         "key that `contractbot index status` lists)")
    if args.batch is None:
        result = searcher.search(args.question, contract=args.contract, top_k=args.top_k,
                                 collections=collections)
        print(json.dumps(result.as_json(), ensure_ascii=False) if args.json
              else format_answer(result))
        return EXIT_OK
    answered = answer_batch(searcher, lines, name=args.batch, as_json=args.json,
                            top_k=args.top_k, collections=collections, render=format_answer)
    return EXIT_OK if answered else EXIT_ERROR


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
    """Recent 👎 answers and unanswered questions from the question log, with counts; read
    only: a missing index is an error (as for `index status`), nothing is created."""
    from index import has_index

    from .feedback import LOG_FILE, format_summary, read_summary

    index_dir = _index_dir(args, settings)
    if not has_index(index_dir) and not (index_dir / LOG_FILE).is_file():
        raise IndexMissingError(f"no index at {index_dir}; build one with: contractbot index "
                                "build SOURCES...")
    summary = read_summary(index_dir, days=settings.log_days, limit=args.limit)
    if args.json:
        _print_json(summary.as_json())
    else:
        print(format_summary(summary))
    return EXIT_OK


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Run the Telegram bot (long polling, or a webhook when TELEGRAM_WEBHOOK_URL is set); with
    no index yet, it says so to askers until an admin uploads the first contract."""
    import dataclasses
    import logging

    from index import has_index

    if not settings.telegram_token:
        raise UsageError("TELEGRAM_BOT_TOKEN is not set")
    settings = dataclasses.replace(settings, index_dir=_index_dir(args, settings))
    if not has_index(settings.index_dir):  # a fresh install: the first upload builds it
        print(f"contractbot: warning: no index at {settings.index_dir} yet: the bot answers "
              "that no contract is indexed until an admin sends one, or `contractbot index "
              "build SOURCES...` builds it", file=sys.stderr)
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


COMMANDS = {"parse": cmd_parse, "index build": cmd_index_build, "index status": cmd_index_status,
            "ask": cmd_ask, "compare": cmd_compare, "feedback": cmd_feedback, "serve": cmd_serve}


def _run(argv: Sequence[str] | None) -> int:
    try:
        settings: Settings | None = Settings.from_env()
        problem: SettingsError | None = None
    except SettingsError as err:
        settings, problem = None, err
    args = build_parser(settings).parse_args(argv)
    if problem is not None or settings is None:
        print(f"contractbot: {problem}", file=sys.stderr)
        return EXIT_USAGE
    try:
        if _command(args) in ENCODER_COMMANDS:  # refuse an unknown encoder before any work
            from index import check_encoder_name

            check_encoder_name(settings.embed_model)
        if _command(args) in ("parse", "serve"):  # index build: run_build checks it
            from index import check_rules_file

            check_rules_file(settings.rules_file)
        return int(COMMANDS[_command(args)](args, settings))
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
        print(f"contractbot: {err}; rebuild it: contractbot index build", file=sys.stderr)
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
    try:
        status = _run(argv)
        sys.stdout.flush()  # a closed pipe shows here, not at exit
        return status
    except BrokenPipeError:  # the reader went away (`ask --batch ... | head`): end quietly
        _silence_closed_pipes()
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    finally:
        os.umask(umask)


if __name__ == "__main__":
    sys.exit(main())
