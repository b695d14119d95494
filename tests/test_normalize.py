"""Half-width folding, script conversion and detection, query normalisation."""

from __future__ import annotations

from index.text import (
    detect_script,
    normalize_text,
    to_halfwidth,
    to_simplified,
    to_traditional,
)


def test_halfwidth_folds_digits_letters_and_number_punctuation() -> None:
    assert to_halfwidth("第１２条　ＡＢｃ１．５％１－１") == "第12条 ABc1.5%1-1"


def test_halfwidth_keeps_chinese_punctuation_unless_asked() -> None:
    assert to_halfwidth("（一）甲方：") == "（一）甲方："
    assert to_halfwidth("（一）甲方：", punctuation=True) == "(一)甲方:"


def test_script_conversion_both_ways() -> None:
    assert to_simplified("電商平臺售後服務") == "电商平台售后服务"
    assert to_traditional("乙方应在接到通知后响应") == "乙方應在接到通知後響應"


def test_detect_script() -> None:
    assert detect_script("乙方應在接到甲方通知後一小時內響應。") == "traditional"
    assert detect_script("乙方应在接到甲方通知后一小时内响应。") == "simplified"
    assert detect_script("1.1 ABC") == "simplified"


def test_normalize_text() -> None:
    assert normalize_text("  乙方響應時間　是多少？ ") == "乙方响应时间 是多少?"
