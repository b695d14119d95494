"""Spam-word repair rules: the shipped file, a user's file, malformed lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.errors import ContractbotError
from index.ingest.rules import apply_rules, load_rules, parse_rules


def test_shipped_rules_repair_the_gambling_injection() -> None:
    text = "第五章:必威体育官网网址条款"
    assert apply_rules(text, load_rules()) == "第五章:保密条款"


def test_user_rules_apply_after_shipped(tmp_path: Path) -> None:
    own = tmp_path / "mine.txt"
    own.write_text("# mine\n甲方乙方 => 双方\nre:\\d+元 => ____元\n", encoding="utf-8")
    rules = load_rules(own)
    assert apply_rules("甲方乙方约定100元", rules) == "双方约定____元"


def test_longest_plain_rule_wins() -> None:
    rules = parse_rules(["保 => X", "保密 => Y"])
    assert apply_rules("保密", rules) == "Y"


@pytest.mark.parametrize("line", ["no arrow here", "re:([ => x", " => x"])
def test_malformed_rule_is_a_domain_error(line: str) -> None:
    with pytest.raises(ContractbotError, match="line 1"):
        parse_rules([line])
