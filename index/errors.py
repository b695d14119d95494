"""Domain errors. Every error the pipeline raises on purpose derives from ContractbotError.

Each carries a reason a person understands; the CLI and the bot translate them to user words.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path


class ContractbotError(Exception):
    """Base of all domain errors; ``str(err)`` is a plain-words reason."""


class SourceError(ContractbotError):
    """A source file could not be turned into a contract (unsupported, unreadable, empty ...).

    ``reason`` says why in plain words without the file's name ("empty file"); reports print
    "<file name>: <reason>", which is also ``str(err)``.
    """

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(reason)
        self.path = path
        self.reason = reason

    def __str__(self) -> str:
        return f"{Path(self.path).name}: {self.reason}"


class UnsupportedFormatError(SourceError):
    """The file type is not one we read (e.g. legacy .doc, images)."""


class UnreadableSourceError(SourceError):
    """The file claims a supported type but its content cannot be read."""


class EmptySourceError(SourceError):
    """The file holds no contract text (empty, scanned PDF without text layer ...)."""


class NotAContractError(SourceError):
    """A readable file whose text has no contract structure (a README, notes, a word list)."""


class MissingSourceError(ContractbotError):
    """A source file or folder given to a build does not exist; nothing was changed."""

    def __init__(self, paths: tuple[str, ...], *, loops: tuple[str, ...] = ()) -> None:
        """``loops``: those of ``paths`` that are a symbolic link leading back to itself."""
        gone = [p for p in paths if p not in loops]
        what = "no such file or folder" if len(gone) == 1 else "no such files or folders"
        parts = [f"{what}: {', '.join(gone)}"] if gone else []
        parts += [f"{p} is a symbolic link that leads back to itself (a loop), not a file or "
                  "folder" for p in loops]
        super().__init__("; ".join(parts))
        self.paths = paths
        self.loops = loops


class NoSourcesError(ContractbotError):
    """A build was given no sources and the index remembers none to rebuild."""


class NoIndexToRebuildError(NoSourcesError):
    """A build was given no sources and there is no index whose sources it could rebuild: a
    first build, which needs them given."""

    def __init__(self, index_dir: Path) -> None:
        super().__init__(f"no SOURCES given, and there is no index at {index_dir} to rebuild")
        self.index_dir = index_dir


class RulesFileError(ContractbotError):
    """A rules file (CONTRACTBOT_RULES_FILE) cannot be read, or holds a rule that is not one."""


class EncoderError(ContractbotError):
    """The configured encoder cannot be used."""


class UnknownEncoderError(EncoderError):
    """The configured encoder is not one we know; ``known`` names the ones we do."""

    def __init__(self, name: str, known: str) -> None:
        super().__init__(f"unknown encoder {name!r}; known encoders: {known}")
        self.name = name
        self.known = known


BUILD = "contractbot index build"  # the command that builds (and repairs) an index


def build_command(*words: str) -> str:
    """``contractbot index build`` with ``words``, as a reason suggests it for the index the
    settings name; the CLI suggests its own, with the operator's ``--index``."""
    return " ".join((BUILD, *words))


class IndexError_(ContractbotError):
    """Base for problems with the on-disk index."""


class IndexMissingError(IndexError_):
    """No index exists where one was expected (or it holds no contracts): ``problem``, then
    the build that makes one. ``advised(build)`` says it with another command (the CLI's,
    which repeats the operator's ``--index``)."""

    def __init__(self, problem: str, *, advice: str = "build one with") -> None:
        self.problem = problem
        self.advice = advice
        super().__init__(self.advised(build_command))

    def __reduce__(self) -> tuple[object, ...]:  # pickled as made (a build's worker process)
        return (functools.partial(type(self), advice=self.advice), (self.problem,))

    def advised(self, build: Callable[..., str]) -> str:
        """The reason with ``build(*words)`` as the command that makes an index."""
        return f"{self.problem}; {self.advice}: {build('SOURCES...')}"


class EncoderMismatchError(IndexError_):
    """The index was built with another encoder than the configured one."""

    def __init__(self, index_dir: object, built_with: str, configured: str) -> None:
        self.index_dir = index_dir
        self.built_with = built_with
        self.configured = configured
        super().__init__(self.advised(build_command))

    def advised(self, build: Callable[..., str], *, setting: str | None = None) -> str:
        """The reason with ``build(*words)`` as the command that rebuilds the index;
        ``setting``: the name of the setting that chooses the encoder, for the edge that has
        one (``configure 'e5-small'`` left the operator to find which)."""
        if setting is None:
            now, fix = f"'{self.configured}' is configured", f"configure '{self.built_with}'"
        else:
            now, fix = f"{setting} is '{self.configured}'", f"set {setting}={self.built_with}"
        return (f"the index at {self.index_dir} was built with encoder '{self.built_with}' but "
                f"{now}: {fix}, or rebuild the index with '{self.configured}' "
                f"({build('--replace')})")


class ModelChangedError(EncoderMismatchError):
    """The index was built with a sentence-transformers model of the configured name whose
    files have changed since (a model folder replaced in place): its vectors come from other
    weights than the ones loaded, and questions would be matched against them wrongly."""

    def __init__(self, index_dir: object, name: str) -> None:
        self.index_dir = index_dir
        self.built_with = name
        self.configured = name
        IndexError_.__init__(self, self.advised(build_command))

    def advised(self, build: Callable[..., str], *, setting: str | None = None) -> str:
        """The reason with ``build()`` as the command that rebuilds the index."""
        return (f"the files of the model '{self.built_with}' changed since the index at "
                f"{self.index_dir} was built (its vectors come from the model as it was): "
                f"rebuild the index with it ({build()})")


class IndexDamagedError(IndexError_):
    """A generation of the index cannot be read: a file of it is missing, cut short or corrupt
    (deleted by hand, a copy that did not finish, a failing disk)."""


class IndexWriteError(IndexError_):
    """A new generation could not be written (a full disk, a folder that cannot be written):
    the live one was not switched, and what was written of the new one is removed."""


class IndexBusyError(IndexError_):
    """Another build holds the index lock."""


class BuildRefusedError(IndexError_):
    """A build the plan stage's safety rules refused (``index.build.guard``); nothing was
    written."""


class WouldChangeEncoderError(BuildRefusedError):
    """A build would replace an index built with one encoder by one built with another (a
    setting that differs from the one the index, and the bot serving it, were built with)."""

    def __init__(self, built_with: str, configured: str, clauses: int) -> None:
        super().__init__(f"the index was built with encoder {built_with}; this build would "
                         f"replace it with one built with {configured}, embedding all its "
                         f"{clauses} clauses again")
        self.built_with = built_with
        self.configured = configured
        self.clauses = clauses


SHOWN = 3  # files a refusal names; the rest are counted


def _named(items: tuple[str, ...]) -> str:
    """The first SHOWN of ``items``, and how many more."""
    more = f" and {len(items) - SHOWN} more" if len(items) > SHOWN else ""
    return ", ".join(items[:SHOWN]) + more


class WouldDropError(BuildRefusedError):
    """A build would leave the index empty, drop more than half of its contracts, or drop the
    contracts of a source it was built from that the build leaves out or finds empty (a disk
    that is not mounted), or of a collection folder it finds empty; it was not written.

    ``dropped``: file names of the contracts it would drop (``keys``: their keys, in the same
    order); ``total``: how many the index holds; ``missing_roots``: remembered sources the
    build left out; ``empty_roots``: remembered sources that are an empty folder now;
    ``empty_collections``: folders of collections it holds (``lib/customer-a``) that are an
    empty folder now; ``failed``: the files it found but could not index; ``names``: (source,
    name) of those of them another source has the file name of, named by their path from their
    source root (``customer-b/合同.pdf``)."""

    def __init__(self, dropped: tuple[str, ...], total: int, *, empty: bool,
                 missing_roots: tuple[str, ...] = (), empty_roots: tuple[str, ...] = (),
                 empty_collections: tuple[str, ...] = (),
                 failed: tuple[tuple[str, str], ...] = (), keys: tuple[str, ...] = (),
                 names: tuple[tuple[str, str], ...] = ()) -> None:
        listed = _named(dropped)
        if empty:
            text = f"this build would leave the index empty: it holds {total} contracts ({listed})"
        else:
            text = (f"this build would drop {len(dropped)} of the index's {total} contracts "
                    f"({listed})")
        if missing_roots:
            text += f"; it leaves out {', '.join(missing_roots)}, which the index was built from"
        if empty_roots:
            text += (f"; {', '.join(empty_roots)}, which the index was built from, is an empty "
                     "folder now (a disk that is not mounted?)")
        for folder in empty_collections:
            text += (f"; {folder}, the folder of its collection {Path(folder).name}, is an "
                     "empty folder now (a disk that is not mounted?)")
        if not (empty or missing_roots or empty_roots or empty_collections):
            text += ", more than half of it"
        super().__init__(text)
        self.dropped = dropped
        self.total = total
        self.empty = empty
        self.missing_roots = missing_roots
        self.empty_roots = empty_roots
        self.empty_collections = empty_collections
        self.failed = failed  # (source, reason) of the files this build could not index
        self.names = names
        self.keys = keys


class WouldMoveError(BuildRefusedError):
    """A build would move contracts the index holds to another collection: the same files,
    read from other source roots (``lib/customer-a`` given where ``lib`` was), fall in other
    collections, so chats given the old collection lose them and chats given the new one (often
    ``default``) gain them. A file moved on disk to another folder is not one: it is another
    source, and the build follows it.

    ``moves``: (file name, collection before, collection after) of each contract it would move
    (``keys``: their keys, in the same order); ``total``: how many the index holds; ``roots``:
    the sources the index was built from; ``failed`` and ``names``: as WouldDropError's."""

    def __init__(self, moves: tuple[tuple[str, str, str], ...], total: int, *,
                 roots: tuple[str, ...] = (), keys: tuple[str, ...] = (),
                 failed: tuple[tuple[str, str], ...] = (),
                 names: tuple[tuple[str, str], ...] = ()) -> None:
        shown = _named(tuple(f"{name} from {old} to {new}" for name, old, new in moves))
        super().__init__(f"this build would move {len(moves)} of the index's {total} "
                         f"contracts to another collection ({shown})")
        self.moves = moves
        self.total = total
        self.roots = roots
        self.keys = keys
        self.failed = failed  # (source, reason) of the files this build could not index
        self.names = names


class QueryError(ContractbotError):
    """A question that cannot be searched (empty, too long, unknown contract ...)."""


class EmptyQuestionError(QueryError):
    """The question is empty or only spaces."""


class QuestionTooLongError(QueryError):
    """The question is longer than the search accepts."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the question is too long (over {limit} characters)")
        self.limit = limit


class NoWordsError(QueryError):
    """The question holds no letters, digits or Chinese characters (only emoji, punctuation)."""


class UnknownContractError(QueryError):
    """The question or the scope names a contract that is not in the index."""

    def __init__(self, name: str) -> None:
        super().__init__(f"no contract named {name} is indexed")
        self.name = name


class AmbiguousContractError(QueryError):
    """A contract name several reachable contracts go by (``合同`` in two collections):
    ``choices`` are the names that tell them apart (``collection/stem``)."""

    def __init__(self, name: str, choices: tuple[str, ...]) -> None:
        super().__init__(f"{len(choices)} contracts are named {name}: "
                         f"{', '.join(choices)}; give one of these")
        self.name = name
        self.choices = choices
