"""Text sources: encoding detection (UTF-8/16, GB18030, Big5), newlines, garbage and empty files."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import pytest

from index.errors import EmptySourceError, UnreadableSourceError
from index.ingest.extract import extract_document
from index.ingest.textfile import decode_bytes

SIMPLIFIED = "第一条 甲方（服务需求方）应按期支付服务费。\n第二条 乙方应在一小时内响应。\n"
TRADITIONAL = "第一條 甲方應於每季開始後支付維護費用。\n第二條 乙方應於二小時內回覆。\n"
CJK = re.compile(r"[\u4e00-\u9fff]")


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("label", "data", "expected"),
    [
        ("utf-8", SIMPLIFIED.encode("utf-8"), SIMPLIFIED),
        ("utf-8 bom", codecs.BOM_UTF8 + SIMPLIFIED.encode("utf-8"), SIMPLIFIED),
        ("utf-16 bom", SIMPLIFIED.encode("utf-16"), SIMPLIFIED),
        ("utf-16-le no bom", SIMPLIFIED.encode("utf-16-le"), SIMPLIFIED),
        ("utf-16-be no bom", SIMPLIFIED.encode("utf-16-be"), SIMPLIFIED),
        ("gbk", SIMPLIFIED.encode("gbk"), SIMPLIFIED),
        ("gb18030", (SIMPLIFIED + "㐀䶵").encode("gb18030"), SIMPLIFIED + "㐀䶵"),
        ("big5", TRADITIONAL.encode("big5"), TRADITIONAL),
        ("utf-8 traditional", TRADITIONAL.encode("utf-8"), TRADITIONAL),
    ],
)
def test_encodings_decode_to_the_original_text(tmp_path, label, data, expected) -> None:
    doc = extract_document(_write(tmp_path, "c.txt", data))
    assert doc.kind == "text"
    assert [p.number for p in doc.pages] == [None]
    assert doc.text == expected, label


def test_crlf_and_form_feeds_become_newlines(tmp_path) -> None:
    data = "第一条 甲方\r\n第二条 乙方\r第三条\f附则".encode()
    doc = extract_document(_write(tmp_path, "c.md", data))
    assert doc.text == "第一条 甲方\n第二条 乙方\n第三条\n附则"
    assert "\f" not in doc.pages[0].text


def test_markdown_markup_is_removed(tmp_path) -> None:
    md = "# 软件服务合同\n\n## 第一章 总则 ##\n> 说明\n- 1.1 **甲方**应当付款\n---\n* （1）事项\n"
    doc = extract_document(_write(tmp_path, "c.md", md.encode()))
    assert doc.text == "软件服务合同\n\n第一章 总则\n说明\n1.1 甲方应当付款\n\n（1）事项\n"
    plain = extract_document(_write(tmp_path, "c.txt", md.encode()))
    assert plain.text == md  # only Markdown files lose their markup


def test_a_few_replacement_characters_are_tolerated(tmp_path) -> None:
    text = SIMPLIFIED * 20 + "乙方\ufffd\ufffd应当"
    doc = extract_document(_write(tmp_path, "c.txt", text.encode("utf-8")))
    assert doc.text.count("\ufffd") == 2
    broken = SIMPLIFIED.encode("utf-8") * 20 + b"\xe4\xb9" + "违约金".encode()
    assert decode_bytes(broken).endswith("\ufffd违约金")


@pytest.mark.parametrize("codec", ["utf-8", "gb18030", "big5", "utf-16-le", "utf-16-be"])
def test_cut_off_last_character_and_cjk_heavy_utf16(samples, codec) -> None:
    text = (samples / "軟體維護服務合約.txt").read_text("utf-8")
    data = text.encode(codec)
    assert decode_bytes(data) == text
    cut = decode_bytes(data[:301])  # 301 bytes: the last character is cut in half
    assert text.startswith(cut.rstrip("\ufffd")) and len(cut.rstrip("\ufffd")) >= 95


def test_binary_garbage_is_not_text(tmp_path) -> None:
    garbage = bytes((i * 197 + 13) % 256 for i in range(4000))
    with pytest.raises(UnreadableSourceError, match="binary file, not text") as err:
        extract_document(_write(tmp_path, "c.txt", garbage))
    assert err.value.path.endswith("c.txt")


@pytest.mark.parametrize("data", [b"", b"  \n\r\n\t "])
def test_empty_file(tmp_path, data) -> None:
    with pytest.raises(EmptySourceError, match="empty file"):
        extract_document(_write(tmp_path, "c.txt", data))


def test_shared_text_contracts_decode(shared: Path) -> None:
    files = sorted((shared / "contracts").glob("*.txt")) + sorted(
        (shared / "contracts-real").glob("*.txt")
    )
    assert len(files) >= 10
    for path in files:
        text = extract_document(path).text
        assert len(CJK.findall(text)) > 500, path.name
        assert text.count("\ufffd") <= 5, path.name
        assert "\f" not in text and "\r" not in text, path.name


def test_samples_are_the_three_contracts(samples: Path) -> None:
    names = sorted(p.name for p in samples.iterdir() if p.is_file())
    assert names == [
        "在线客服系统升级服务合同.txt", "数据平台技术服务合同.pdf", "軟體維護服務合約.txt"
    ]
    simplified = extract_document(samples / "在线客服系统升级服务合同.txt").text
    assert "甲方（服务需求方）" in simplified and "乙方（服务提供方）" in simplified
    assert re.search(r"\n第七章 质量保证\n7\.1 [^\n]+\n7\.2 [^\n]*一小时内响应", simplified)
    assert "乙方应在接到甲方通知后一小时内响应" in simplified
    assert re.search(r"\n2\.3 \S+\n2\.3\.1 ", simplified), "a heading clause with children"
    assert len(re.findall(r"(?m)^第[一二三四五六七八九十]+章 ", simplified)) == 10
    assert len(re.findall(r"(?m)^\d+\.\d+(?:\.\d+)? ", simplified)) >= 40
    assert "（1）" in simplified and "______" in simplified
    traditional = extract_document(samples / "軟體維護服務合約.txt").text
    assert len(re.findall(r"(?m)^第[一二三四五六七八九十]+條 ", traditional)) == 12
    assert "（一）" in traditional
