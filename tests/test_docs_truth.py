"""The README and docs/ name what exists: the tests they cite, the files they point at, the
settings the code reads, and each command's options as its parser spells them. Operators
install and run the bot from these pages alone (tests/test_settings_env.py checks the
Configuration table's defaults)."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys

import pytest
from conftest import ROOT
from test_settings_env import _Reads

from bot.arguments import build_parser
from bot.settings import Settings

DOCS = ["README.md", ".env.example", "eval/README.md",
        *(str(p.relative_to(ROOT)) for p in sorted((ROOT / "docs").glob("*.md")))]
# Paths the docs name as gone on purpose (docs/retrieval.md: code tried and not kept).
GONE = {"scripts/calibrate_scoped.py"}
_PATH = re.compile(r"(?<![\w/.])((?:index|bot|scripts|tests|docs|eval)/[\w./-]*\w)")
# `tests/x.py::test_a`, then `::test_b` of the same file
_TEST_REF = re.compile(r"(tests/[\w/]+\.py)|::(test_\w+)")
_OPTION = re.compile(r"(--[\w-]+)(?: (tcp://HOST:PORT|[A-Z][A-Z_]*\b))?")


def _text(doc: str) -> str:
    return (ROOT / doc).read_text("utf-8")


def _command_rows() -> list[str]:
    """The code cell of each row of the README's Commands table."""
    section = _text("README.md").split("\n## Commands\n", 1)[1].split("\n#", 1)[0]
    return re.findall(r"^\| `([^`]+)` \|", section, flags=re.MULTILINE)


@pytest.mark.parametrize("doc", DOCS)
def test_the_tests_a_doc_cites_exist(doc: str) -> None:
    """security.md cited three tests in a file that no longer held them (moved to
    test_bot_team_collections.py and test_uploads.py), eval/README.md two: a reader looking
    for the test of a threat found none."""
    missing, last = [], None
    for found in _TEST_REF.finditer(_text(doc)):
        if found[1]:
            last = found[1]
        elif last is not None:
            path = ROOT / last
            if not path.exists() or not re.search(
                    rf"def {found[2]}\(", path.read_text("utf-8")):
                missing.append(f"{last}::{found[2]}")
    assert not missing, f"{doc} cites tests that do not exist: {missing}"


@pytest.mark.parametrize("doc", DOCS)
def test_the_files_a_doc_names_exist(doc: str) -> None:
    """performance.md sent a reader to index/bm25.py, long since index/store/lexical.py."""
    named = set(_PATH.findall(_text(doc))) - GONE
    missing = sorted(p for p in named if not (ROOT / p).exists())
    assert not missing, f"{doc} names files that do not exist: {missing}"


def test_the_docs_name_only_settings_the_code_reads() -> None:
    """Every CONTRACTBOT_ or TELEGRAM_ variable a page tells an operator to set is one
    Settings.from_env reads: a misspelt or retired name would be set and silently ignored."""
    env = _Reads({"XDG_DATA_HOME": "/data"})
    Settings.from_env(env)
    for doc in DOCS:
        named = set(re.findall(r"\b(?:CONTRACTBOT|TELEGRAM)_[A-Z0-9_]*[A-Z0-9]", _text(doc)))
        assert named <= env.read, f"{doc}: {sorted(named - env.read)}"


def _subparser(parser: argparse.ArgumentParser, words: list[str]) -> argparse.ArgumentParser:
    """The parser of the command ``words`` (``["index", "build"]``)."""
    for word in words:
        subs = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        parser = subs.choices[word]
    return parser


def _spelling(action: argparse.Action) -> str:
    return str(action.metavar or action.dest.upper())


def test_the_readme_commands_are_spelt_as_their_parsers_spell_them() -> None:
    """Each `contractbot` row of the Commands table names a command, options and arguments
    its parser has, with the same argument names: the table showed `ask --contract NAME`
    (the parser's is KEY) and `ask --batch FILE … --json` as if --json were required."""
    rows = [r for r in _command_rows() if r.startswith("contractbot ")]
    assert len(rows) >= 6
    for row in rows:
        words = row.split()[1:]
        command = [w for w in words[:2] if re.fullmatch(r"[a-z]+", w)]
        parser = _subparser(build_parser(), command)
        options = {o: a for a in parser._actions for o in a.option_strings}
        mode = words[len(command)]  # `ask --batch FILE …`: the row is of that mode
        for option, argument in _OPTION.findall(row):
            assert option in options, (row, option)
            action = options[option]
            if action.nargs == 0:
                assert not argument, (row, option)
            else:
                assert argument == _spelling(action), (row, option, _spelling(action))
            bare = not re.search(rf"\[{re.escape(option)}\b", row)
            assert bare == (action.required or option == mode), (row, option, "shown "
                                                                 "without [ ]" if bare else "")
        rest = _OPTION.sub("", row)
        positionals = {_spelling(a) for a in parser._actions if not a.option_strings}
        for name in re.findall(r"\b[A-Z]{2,}\b", rest):
            assert name in positionals, (row, name, positionals)


def test_the_readme_scripts_take_the_options_it_shows() -> None:
    """Each scripts/ row of the Commands table shows options its --help lists."""
    rows = [r for r in _command_rows() if r.startswith("scripts/")]
    assert len(rows) >= 5
    for row in rows:
        script = row.split()[0]
        usage = subprocess.run([sys.executable, str(ROOT / script), "--help"], cwd=ROOT,
                               capture_output=True, text=True, timeout=120)
        assert usage.returncode == 0, (script, usage.stderr[-500:])
        for option, _ in _OPTION.findall(row):
            assert re.search(rf"{re.escape(option)}\b", usage.stdout), (script, option)


def test_the_gone_paths_are_gone() -> None:
    """GONE lists only files that are really not there (else a doc naming one goes unchecked)."""
    assert not [p for p in GONE if (ROOT / p).exists()]


def test_a_row_is_read_as_written() -> None:
    """The table reader on a row of each shape (so the checks above check something)."""
    found = _OPTION.findall("contractbot index build [SOURCES...] [--workers N] "
                            "[--cluster tcp://HOST:PORT] [--replace]")
    assert found == [("--workers", "N"), ("--cluster", "tcp://HOST:PORT"), ("--replace", "")]
    assert [m[1] or m[2] for m in _TEST_REF.finditer(
        "`tests/a.py::test_x`, `::test_y`, `tests/b.py`")] == [
        "tests/a.py", "test_x", "test_y", "tests/b.py"]
