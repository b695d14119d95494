"""Domain errors. Every error the pipeline raises on purpose derives from ContractbotError.

Each carries a reason a person understands; the CLI and the bot translate them to user words.
"""

from __future__ import annotations

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


class IndexError_(ContractbotError):
    """Base for problems with the on-disk index."""


class IndexMissingError(IndexError_):
    """No index exists where one was expected."""


class EncoderMismatchError(IndexError_):
    """The index was built with another encoder than the configured one."""


class IndexBusyError(IndexError_):
    """Another build holds the index lock."""


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
