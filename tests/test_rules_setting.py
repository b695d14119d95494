"""CONTRACTBOT_RULES_FILE that cannot be read, or holds a bad rule, is a setting error said once
(exit 2) before any source is read: it was 'could not be parsed (ContractbotError: cannot read
rules file …)' for every source, and exit 4."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main


@pytest.fixture(autouse=True)
def _env(monkeypatch, tmp_path):
    monkeypatch.setenv("CONTRACTBOT_EMBED_MODEL", "use-multilingual")  # the fast test encoder
    monkeypatch.chdir(tmp_path)  # no stray .env


@pytest.mark.parametrize("content", [None, "re:([ => x\n"])
def test_a_rules_file_that_cannot_be_used_is_one_line(shared: Path, tmp_path: Path, content,
                                                      monkeypatch, capsys) -> None:
    rules = tmp_path / "rules.txt"
    if content is not None:
        rules.write_text(content, "utf-8")
    monkeypatch.setenv("CONTRACTBOT_RULES_FILE", str(rules))
    idx = tmp_path / "idx"
    assert main(["index", "build", str(shared / "contracts"), "--index", str(idx)]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and err.startswith("contractbot: CONTRACTBOT_RULES_FILE: ")
    assert ("cannot read rules file" if content is None else "bad pattern") in err
    assert err.endswith("; nothing was built\n") and not idx.exists()  # there was no index
    assert main(["parse", str(shared / "contracts" / "cs-upgrade.txt")]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and err.startswith("contractbot: CONTRACTBOT_RULES_FILE: ")
