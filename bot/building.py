"""An index build as the command line and cron run it: the same rules, and one line for each
outcome (exit codes in the README's table).

A missing source, a build that would empty the index, drop most of it, move its contracts to
other collections or change its encoder, and a busy index all leave the index as it was; the
last line says why and what to do.
"""

from __future__ import annotations

import os
import re
import shlex
import sys
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from pathlib import Path

from index import (
    REVISION_ADVICE,
    BuildRefusedError,
    BuildReport,
    ClusterAddressError,
    ClusterError,
    ContractbotError,
    IndexBusyError,
    IndexWriteError,
    Manifest,
    MissingSourceError,
    NoIndexToRebuildError,
    NoSourcesError,
    Reading,
    RulesFileError,
    WouldChangeEncoderError,
    WouldDropError,
    WouldMoveError,
    build_from_sources,
    check_rules_file,
    has_index,
    index_status,
    live_generation,
    name_in,
    not_a_source,
    remembered_sources,
    revision_why,
)

from .exits import (
    EXIT_BUSY,
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_REFUSED,
    EXIT_TERMINATED,
    EXIT_USAGE,
)
from .interrupts import interrupted
from .settings import SAMPLES_DIR, Settings
from .sigterm import Terminated, terminated_as_interrupt
from .uploads import inside


def report_failures(failed: Iterable[tuple[str, str]], *,
                    name: Callable[[str], str] = lambda source: Path(source).name) -> None:
    """One ``<file name>: <reason>`` line on stderr per failed (or noted) source, each named by
    ``name`` (a build's: its path from its source root when another source has its name)."""
    for source, reason in failed:
        print(f"{name(source)}: {reason}", file=sys.stderr)


def unchanged(index_dir: Path) -> str:
    """What a build that stopped before writing did to ``index_dir``: left the index as it
    was, or, when there was none, built nothing (an index that does not exist cannot be
    unchanged)."""
    try:
        return "the index is unchanged" if has_index(index_dir) else "nothing was built"
    except OSError:  # it cannot be read: say what holds for an index that is there
        return "the index is unchanged"


def suggested(rerun: str, *words: str | Path, index: Path | None = None) -> str:
    """A command a message suggests: ``rerun`` with ``words`` (SOURCES, options) and, when the
    build was given one, its ``--index``, so that it builds this index, not the default one."""
    more = ("--index", index) if index is not None else ()
    return " ".join([rerun.strip("`"), *(_arg(w) for w in (*words, *more))])


def index_build(index: Path | None) -> Callable[..., str]:
    """The build an error's reason suggests (its ``advised``), as ``build(*words)``:
    ``contractbot index build`` with ``words`` and the operator's ``--index``."""
    return partial(suggested, "contractbot index build", index=index)


def no_sources(rerun: str, *, index: Path | None = None) -> str:
    """``rerun`` with no SOURCES (and this build's ``--index``): a rebuild of every source the
    index remembers."""
    return f"{rerun} with no SOURCES" + (f" and --index {_arg(index)}" if index else "")


def _arg(word: str | Path) -> str:
    """A word of a command line, quoted when a shell would split or expand it (Chinese stays
    as it is)."""
    text = str(word)
    return shlex.quote(text) if re.search(r"[\s'\"$`\\!*?&;|<>(){}#~]", text) else text


def not_remembered(given: Sequence[Path], remembered: Sequence[Path]) -> list[Path]:
    """The SOURCES of ``given`` that lie in none of the ``remembered`` ones: what a rebuild
    with no SOURCES would not read."""
    def inside(path: Path, root: Path) -> bool:
        return any(p == r or r in p.parents for p in (Path(os.path.abspath(path)),
                                                      Path(os.path.realpath(path)))
                   for r in (Path(os.path.abspath(root)), Path(os.path.realpath(root))))

    return [g for g in given if not any(inside(g, r) for r in remembered)]


def refusal(err: BuildRefusedError, *, rerun: str, index: Path | None = None,
            remembered: Sequence[Path] = (), adding: Sequence[Path] = ()) -> str:
    """The line that says why a build was refused and how to get what the user wants: each
    command it suggests builds this index (``index``: the --index it was given), and keeps
    what the index holds with the SOURCES it was given (``adding``: those that lie in none of
    the ``remembered`` ones)."""
    if isinstance(err, WouldChangeEncoderError):
        return (f"{err}. The index is unchanged: set CONTRACTBOT_EMBED_MODEL={err.built_with} "
                f"to update it, or pass --replace to rebuild it with {err.configured}")
    if isinstance(err, WouldMoveError):
        where = (f" ({', '.join(err.roots)}: run {no_sources(rerun, index=index)})"
                 if err.roots else "")
        return (f"{err}. The index is unchanged: build the sources it was built from as "
                f"before{where}, or pass --replace if the move is intended")
    line = f"{err}. The index is unchanged: pass --replace to allow it"
    if isinstance(err, WouldDropError) and err.empty and adding:  # a wrong or empty folder
        it = "it" if len(adding) == 1 else "they"
        line = (f"{err}. The index is unchanged: {_listed([str(a) for a in adding])} gave no "
                f"contract that can be indexed (is {it} the folder of your contracts?); pass "
                "--replace only to empty the index")
    elif isinstance(err, WouldDropError) and _samples_only(err.missing_roots):
        line += (" (it holds the sample contracts `contractbot ask` indexed on first use: "
                 "--replace replaces them with yours)")
    elif isinstance(err, WouldDropError) and err.missing_roots and adding:
        line += (f", or keep them and add {_listed([str(a) for a in adding])}: "
                 f"{suggested(rerun, *remembered, *map(os.path.abspath, adding), index=index)}")
    elif isinstance(err, WouldDropError) and err.missing_roots:
        line += (f", or run {no_sources(rerun, index=index)} to rebuild every source it "
                 "remembers")
    if isinstance(err, WouldDropError) and (err.empty_roots or err.empty_collections):
        line += ", or put the folder's contracts back (mount its disk) and build again"
    return line


def _samples_only(roots: Sequence[str]) -> bool:
    """Whether ``roots`` (sources a build leaves out) are the bundled samples alone: the index
    the Quick start's first ``ask`` built, which a rebuild with no SOURCES would rebuild."""
    return bool(roots) and all(os.path.realpath(r) == os.path.realpath(SAMPLES_DIR)
                               for r in roots)


def _listed(names: Sequence[str]) -> str:
    """``a and b``, ``a, b and c``, ``a, b, c and 2 more``."""
    if len(names) > 3:
        return f"{', '.join(names[:3])} and {len(names) - 3} more"
    return " and ".join(filter(None, (", ".join(names[:-1]), names[-1])))


def flat_roots_note(flat: Sequence[tuple[str, int]], *, rerun: str,
                    index: Path | None = None) -> str:
    """The note of a build whose folder SOURCES put their contracts in ``default`` (each file
    directly in its source): the collections they would have been, and the build that gives
    them (the parent, with --replace: its contracts are in ``default`` now)."""
    roots = [Path(root) for root, _ in flat]
    count = sum(n for _, n in flat)
    line = ("note: collections come from the first folder below each source; "
            f"{_listed([str(r) for r in roots])} are sources, so their {count} contracts are "
            f"in collection default. To index them as collections "
            f"{_listed([r.name for r in roots])}, build ")
    parents = {r.parent for r in roots}
    if len(parents) > 1:
        return line + "one folder that holds them, with --replace (it moves them out of default)"
    return (line + "their parent (--replace moves them out of default): "
            f"{suggested(rerun, parents.pop(), '--replace', index=index)}")


def holds_uploads(sources_dir: Path) -> bool:
    """Whether the upload folder holds a source outside hidden folders: not only the staging
    folder a refused upload leaves (``.uploads``, in its collection's folder too), nor only
    the files systems leave (Thumbs.db, .DS_Store)."""
    try:
        for root, dirs, files in os.walk(sources_dir):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            if any(not not_a_source(f) for f in files) or any(
                    os.path.islink(os.path.join(root, d)) for d in dirs):  # a linked folder
                return True
    except OSError:  # another user's folder: nothing we could read as uploaded
        return False
    return False


def library_sources(index_dir: Path, sources_dir: Path, *,
                    manifest: Manifest | None = None) -> list[Path]:
    """What the bot rebuilds: every source the index remembers (a library built with
    ``index build``) and the upload folder once something was uploaded, so an upload never
    drops the rest (and a folder with nothing uploaded is no "empty folder" failure, also
    once its uploads were removed and the index holds none of them: it is read again when
    it holds files). ``manifest``: the live one, read already (None: read here)."""
    roots = (list(remembered_sources(index_dir)) if manifest is None
             else [Path(r) for r in manifest.roots])
    # realpath, not Path.resolve: a root that became a link to itself raised RuntimeError here
    # (Python 3.11); the build names it as a loop
    here = {os.path.realpath(r) for r in roots}
    uploads = os.path.realpath(sources_dir)
    if uploads not in here:
        if holds_uploads(sources_dir):
            roots.append(sources_dir)
    elif len(roots) > 1 and not holds_uploads(sources_dir) and not _indexed_from(
            index_dir, uploads, manifest):
        roots = [r for r in roots if os.path.realpath(r) != uploads]
    return roots


def _indexed_from(index_dir: Path, folder: str, manifest: Manifest | None) -> bool:
    """Whether the live index (its ``manifest``, read here when None) holds a contract from
    ``folder`` (a real path); True when that cannot be told (a damaged index), for the
    build's rules to decide."""
    try:
        held = (index_status(index_dir) if manifest is None else manifest).sources
    except (ContractbotError, OSError):
        return True
    return any(os.path.realpath(s.source).startswith(folder + os.sep) for s in held)


def with_uploads(index_dir: Path, sources_dir: Path, *, prog: str) -> list[Path] | None:
    """The sources of a build given none: None (the ones the index remembers), or those and
    the upload folder when it holds files and the index does not remember it yet (an upload
    saved while another build held the lock, before any rebuild of the bot's had read that
    folder), said in one line on stderr."""
    remembered = remembered_sources(index_dir)
    library = library_sources(index_dir, sources_dir)
    if not remembered or len(library) == len(remembered):
        return None
    if len(library) < len(remembered):  # an emptied upload folder it holds nothing of
        return library
    if any(inside(sources_dir, root) for root in remembered if root.is_dir()):
        return None  # its files are read already, as part of a remembered folder
    print(f"{prog}: note: the upload folder {sources_dir} (CONTRACTBOT_SOURCES_DIR) is not "
          "among the sources the index remembers; this build reads it too", file=sys.stderr)
    return library


def run_build(sources: Sequence[Path] | None, index_dir: Path, settings: Settings, *,
              replace: bool = False, progress: bool | None = None, prog: str = "contractbot",
              rerun: str = "`contractbot index build`", index: Path | None = None,
              reading: Reading | None = None) -> tuple[int, BuildReport | None]:
    """Build ``index_dir`` from ``sources`` (None: the ones it remembers, and the upload folder
    as the bot rebuilds it); print the failures and the refusal or error line; return the exit
    status and the report (None when refused). Stopped by Ctrl-C or SIGTERM, it says what it
    left (EXIT_INTERRUPTED, EXIT_TERMINATED). ``index``: the --index the operator gave, which
    every command a message suggests repeats.
    """
    try:
        before = live_generation(index_dir)
    except OSError:
        before = None
    try:
        with terminated_as_interrupt():
            return _build(sources, index_dir, settings, replace=replace, progress=progress,
                          prog=prog, rerun=rerun, index=index, reading=reading)
    except KeyboardInterrupt as err:
        terminated = isinstance(err, Terminated)
        print(f"{prog}: {interrupted(index_dir, before, terminated=terminated)}",
              file=sys.stderr)
        return (EXIT_TERMINATED if terminated else EXIT_INTERRUPTED), None


def _build(sources: Sequence[Path] | None, index_dir: Path, settings: Settings, *,
           replace: bool, progress: bool | None, prog: str, rerun: str, index: Path | None,
           reading: Reading | None) -> tuple[int, BuildReport | None]:
    remembered = sources is None
    given = list(sources or ())
    try:
        check_rules_file(settings.rules_file)
        if sources is None:
            sources = with_uploads(index_dir, settings.sources_dir, prog=prog)
        report = build_from_sources(sources, index_dir, settings.embed_model,
                                    rules_file=settings.rules_file, progress=progress,
                                    replace=replace, reading=reading or settings.reading())
    except MissingSourceError as err:
        it = "it" if len(err.paths) == 1 else "they"
        moved = (f" (the index remembers {it}: if {it} moved, build once from where {it} "
                 f"{'is' if it == 'it' else 'are'} now: "
                 f"{suggested(rerun, 'NEW_PLACE', index=index)})"
                 if remembered else "")
        print(f"{prog}: {err}; {unchanged(index_dir)}{moved}", file=sys.stderr)
        return EXIT_USAGE, None
    except NoIndexToRebuildError as err:  # nothing to be unchanged: say how to start one
        print(f"{prog}: {err}; give the folders or files of your contracts: "
              f"{suggested(rerun, 'DIR...', index=index)}", file=sys.stderr)
        return EXIT_USAGE, None
    except (NoSourcesError, ClusterAddressError) as err:
        print(f"{prog}: {err}; {unchanged(index_dir)}", file=sys.stderr)
        return EXIT_USAGE, None
    except RulesFileError as err:
        print(f"{prog}: CONTRACTBOT_RULES_FILE: {err}; {unchanged(index_dir)}", file=sys.stderr)
        return EXIT_USAGE, None
    except BuildRefusedError as err:
        if isinstance(err, (WouldDropError, WouldMoveError)):
            report_failures(err.failed, name=partial(name_in, err.names))
        kept = remembered_sources(index_dir)
        line = refusal(err, rerun=rerun, index=index, remembered=kept,
                       adding=not_remembered(given, kept))
        print(f"{prog}: {line}", file=sys.stderr)
        return EXIT_REFUSED, None
    except IndexBusyError as err:
        print(f"{prog}: {err}; {unchanged(index_dir)}, try again later", file=sys.stderr)
        return EXIT_BUSY, None
    except (ClusterError, IndexWriteError) as err:
        print(f"{prog}: {err}; {unchanged(index_dir)}", file=sys.stderr)
        return EXIT_ERROR, None
    report_failures(report.failed, name=report.name_of)
    report_failures(report.kept, name=report.name_of)
    report_failures(report.lost, name=report.name_of)
    report_failures(((s, f"note: {n}") for s, n in report.notes), name=report.name_of)
    report_failures(((s, "dropped from the index: no longer among the sources")
                     for s in report.dropped), name=report.name_of)
    report_failures(((s, f"moved from collection {before} to {now} (chats given {before} no "
                      f"longer read it, chats given {now} do)")
                     for s, before, now in report.moved), name=report.name_of)
    for pair in report.revisions:  # said when the pair first appears; `index status` lists it
        print(f"{report.name_of(pair.first)} and {report.name_of(pair.second)}: look like two "
              f"versions of one contract ({revision_why(pair)}): {REVISION_ADVICE}",
              file=sys.stderr)
    if remembered and report.held_none:  # an emptied index, its sources as empty
        roots = ", ".join(map(str, remembered_sources(index_dir))) or "none"
        print(f"{prog}: nothing to rebuild: the index holds no contracts, and the sources it "
              f"remembers ({roots}) hold none that can be indexed; give the folders or files "
              f"of your contracts: {suggested(rerun, 'DIR...', index=index)}", file=sys.stderr)
    if report.flat_roots and not remembered:  # the SOURCES given made them so
        print(f"{prog}: {flat_roots_note(report.flat_roots, rerun=rerun, index=index)}",
              file=sys.stderr)
    return report.exit_code, report
