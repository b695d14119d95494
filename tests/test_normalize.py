"""Half-width folding, script conversion and detection, query normalisation."""

from __future__ import annotations

import re
from pathlib import Path

from index.text import (
    HAN,
    detect_script,
    han_characters,
    normalize_number,
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


def test_a_traditional_text_keeps_the_characters_it_has() -> None:
    """A Traditional lease's 租金表 (a rent table) was quoted 租金錶 (a watch) to a Traditional
    asker; its Simplified slips (售后) are still made Traditional, and Simplified text reads
    金表 as ever."""
    lease = "租賃期內除本合約第三條所列之租金表外，甲方不得加租。"
    assert to_traditional(lease) == lease
    assert to_traditional("電商平臺售后服務體系") == "電商平臺售後服務體系"
    assert to_traditional("他戴着一块金表") == "他戴著一塊金錶"


def test_traditional_says_approval_with_准() -> None:
    # OpenCC makes 未获准 into 未獲準 (準 is "standard"), while 获准后 becomes 獲准後: the
    # bot told every Traditional chat that is not approved 本聊天尚未獲準使用.
    assert to_traditional("本聊天尚未获准使用，获准后即可提问") == (
        "本聊天尚未獲准使用，獲准後即可提問")
    assert to_traditional("甲方未获准前") == "甲方未獲准前"


def test_detect_script() -> None:
    assert detect_script("乙方應在接到甲方通知後一小時內響應。") == "traditional"
    assert detect_script("乙方应在接到甲方通知后一小时内响应。") == "simplified"
    assert detect_script("1.1 ABC") == "simplified"
    assert detect_script("甲方應於每月五日前支付租金") == "traditional"  # 2 of 13 characters tell


def test_normalize_text() -> None:
    assert normalize_text("  乙方響應時間　是多少？ ") == "乙方响应时间 是多少?"
    assert normalize_text("其它费用  由\t乙方承担") == "其他费用 由 乙方承担"  # variants, spaces
    assert normalize_text("Cafe\u0301 押金") == "Caf\u00e9 押金"  # composed (NFC)


def test_han_characters_are_the_chinese_ones_in_order() -> None:
    assert han_characters("CPU 第7.2条：乙方（Party B）㐀") == "第条乙方㐀"
    assert re.fullmatch(f"[{HAN}]+", "乙方㐀") and not re.search(f"[{HAN}]", "A1。，（）")


def test_chinese_characters_are_defined_in_one_place() -> None:
    """Every stage builds on index.text's HAN: a range spelt out elsewhere would drift."""
    root = Path(__file__).resolve().parent.parent
    spelt = re.compile(r"\\u(?:3400|4e00)-|\\u(?:4dbf|9fff)\b|0x(?:3400|4E00)\b", re.I)
    found = [str(path.relative_to(root)) for folder in ("index", "bot", "scripts")
             for path in sorted((root / folder).rglob("*.py"))
             if path.name != "text.py" and spelt.search(path.read_text("utf-8"))]
    assert found == ["index/ingest/textfile.py"]  # what text of any kind may hold, not Chinese


def test_a_clause_number_is_compared_without_spaces_and_in_simplified() -> None:
    assert normalize_number("第 七 條") == "第七条"
    assert normalize_number("７．２") == "7.2"
    assert normalize_number(" 4.3.1 ") == "4.3.1"


def test_sentences_brackets_and_printed_length() -> None:
    from index.text import printed_length, split_sentences, to_halfwidth

    assert split_sentences("甲方付款；乙方交货。") == ["甲方付款；", "乙方交货。"]
    assert to_halfwidth("［１］", punctuation=True) == "[1]"
    assert printed_length("甲方   乙方") == printed_length("甲方 乙方") == 5


def test_the_script_of_a_long_text_is_read_past_its_start() -> None:
    assert detect_script("合同" * 30 + "契約條款" * 10) == "traditional"
