"""Cleaning: pinyin, spam words, broken lines, site text; over inline text and the samples."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.ingest.clean import clean_text, drop_site_tail, join_broken_lines, remove_pinyin
from index.ingest.extract import extract_document

SITE_WORDS = (
    "文档评论", "VIP", "book118", "下载", "下載", "相关文档", "溫馨提示", "****",
    "必威", "足球投注",
)


def test_pinyin_after_characters_is_removed() -> None:
    assert remove_pinyin("版權(quán)說明,服務(wù)應(yīng)") == "版權說明,服務應"


@pytest.mark.parametrize(
    "kept", ["(1)预付款", "甲方(服务需求方):", "(大写:壹万元)", "(GF-2014-0172)", "软件(app)"]
)
def test_real_brackets_are_kept(kept: str) -> None:
    assert remove_pinyin(kept) == kept


def test_broken_lines_join_across_blank_lines_but_not_before_labels() -> None:
    text = (
        "1.1甲方:甲乙双方达成协议,需接受乙方在线客服系统升级服务的个人或机\n\n构。\n\n"
        "1.2乙方:提供服务的个人或机构。\n第二章服务内容\n2.1乙方应按照甲方需求进行升级"
    )
    assert join_broken_lines(text).split("\n") == [
        "1.1甲方:甲乙双方达成协议,需接受乙方在线客服系统升级服务的个人或机构。",
        "",
        "1.2乙方:提供服务的个人或机构。",
        "第二章服务内容",
        "2.1乙方应按照甲方需求进行升级",
    ]


def test_a_title_is_never_joined_onto_a_notice() -> None:
    text = "7、成为会员后可以下载本站全部文档并上传文档\n\n采购合同\n\n甲方(买方):"
    assert "采购合同" in join_broken_lines(text).split("\n")


def test_site_tail_goes_and_page_breaks_stay() -> None:
    body = "\n".join(f"{i}.1 第{i}条的内容写在这里。" for i in range(1, 7))
    text = body + "\n\f相关推荐\n- 某某管理制度范本.docx VIP\n\f- 工作总结.pdf\n"
    out = drop_site_tail(text)
    assert "6.1" in out and "docx" not in out and "工作总结" not in out
    assert out.count("\f") == text.count("\f")


def test_a_web_page_footer_after_the_contract_goes() -> None:
    """A contract copied from a web page ends with the page's "Next" link and its © line."""
    body = "\n".join(f"{i}.1 第{i}条的内容写在这里。" for i in range(1, 7))
    text = body + "\n乙方：\n請簽名：\nNext\n© 2020 溫度部落\n"
    assert drop_site_tail(text) == body + "\n乙方：\n請簽名："
    # only as lines of their own: a clause may speak of the next payment
    kept = body + "\nNext payment 下一期付款。\n"
    assert drop_site_tail(kept) == kept


def test_clean_keeps_form_feeds_and_folds_digits() -> None:
    text = "第１条 甲方应付款。\f第２条 乙方应交货。"
    assert clean_text(text) == "第1条 甲方应付款。\f第2条 乙方应交货。"


@pytest.fixture(scope="module")
def cleaned(shared: Path) -> dict[str, str]:
    return {
        p.stem: clean_text(extract_document(p).text)
        for p in sorted((shared / "contracts").glob("*.txt"))
    }


def test_samples_lose_site_text_spam_and_pinyin(cleaned: dict[str, str]) -> None:
    assert len(cleaned) == 5
    for key, text in cleaned.items():
        body = text[text.index("1.1") :]
        for word in SITE_WORDS:
            assert word not in body, (key, word)
        assert "(quán)" not in text and "(wù)" not in text, key


@pytest.mark.parametrize(
    ("key", "last"),
    [
        ("cs-upgrade", "9.2若乙方泄露甲方保密信息"),
        ("ecommerce-cs-upgrade", "12.2送达"),
        ("aftersales-upgrade", "15.4本合同一式兩份"),
        ("edu-cs-appraisal", "8.2.1乙方应向甲方提供在线客服系统的升级方案"),
    ],
)
def test_samples_keep_their_last_clause(cleaned: dict[str, str], key: str, last: str) -> None:
    assert last in cleaned[key]


def test_spam_word_repaired_in_sample(cleaned: dict[str, str]) -> None:
    assert "第五章:保密条款" in cleaned["ecommerce-cs-upgrade"]
