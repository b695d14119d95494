"""``contractbot ask --batch FILE``: one answer per input line, in input order, so that output
lines keep matching input lines; a line that is not a question still gets its (error) line."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from index import QueryError, SearchResult

from .arguments import UsageError
from .output import print_json

if TYPE_CHECKING:
    from index import Searcher

NOT_A_QUESTION = 'not a {"q": ...} line'


def batch_lines(batch: str) -> list[str]:
    """The lines of a --batch file; an unreadable one is a usage error."""
    try:
        return Path(batch).read_text("utf-8").splitlines()
    except FileNotFoundError:
        raise UsageError(f"no such file: {batch}") from None
    except (OSError, UnicodeDecodeError) as err:
        raise UsageError(f"cannot read {batch}: {getattr(err, 'strerror', None) or err}") from None


def _item(line: str) -> tuple[str, str | None] | None:
    """The question and contract of a ``{"q": question, "contract": key or null}`` line; None
    when the line is not one."""
    try:
        item = json.loads(line)
    except ValueError:
        return None
    if not isinstance(item, dict):
        return None
    question, contract = item.get("q"), item.get("contract")
    if not isinstance(question, str) or not (contract is None or isinstance(contract, str)):
        return None
    return question, contract


def answer_batch(searcher: Searcher, lines: Sequence[str], *, name: str, as_json: bool,
                 top_k: int, collections: frozenset[str] | None,
                 render: Callable[[SearchResult], str]) -> bool:
    """Print one answer per non-blank line: a JSON line (``as_json``) or a ``Q:`` block of
    ``render``'s text. A line that is not a question, or a question that cannot be searched,
    gets an error in the same place (a bad line is also named on stderr). True when every
    line was answered."""
    answered = True
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        item = _item(line)
        if item is None:
            print(f"contractbot: {name}:{number}: {NOT_A_QUESTION}", file=sys.stderr)
            _error(None, line.strip(), f"line {number}: {NOT_A_QUESTION}", as_json=as_json)
            answered = False
            continue
        question, contract = item
        try:
            if contract is not None:
                contract = searcher.contract_named(contract, collections=collections)
            result = searcher.search(question, contract=contract, top_k=top_k,
                                     collections=collections)
        except QueryError as err:
            _error(question, question, str(err), as_json=as_json)
            answered = False
            continue
        if as_json:
            print_json(result.as_json())
        else:
            print(f"Q: {question}\n{render(result)}\n")
    return answered


def _error(question: str | None, shown: str, error: str, *, as_json: bool) -> None:
    """The line of a question that got no answer: the shape of an answer with no results."""
    if as_json:
        print_json({"question": question, "results": [], "relevant": False, "error": error})
    else:
        print(f"Q: {shown}\nError: {error}\n")
