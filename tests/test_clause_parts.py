"""Clause trees of part of a contract (pages sent alone, as a scan or an album: the count
resumes where they start), of OCR's slips in labels, and of a clause number a sentence cites."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.models import Clause
from index.structure.clauses import split_clauses


def _by_id(clauses: list[Clause]) -> dict[str, Clause]:
    return {c.clause: c for c in clauses}


def _tree(text: str) -> dict[str, str]:
    return {c.clause: c.text for c in split_clauses(text, "t")}


def test_pages_from_mid_way_resume_the_count_and_keep_the_clause_above() -> None:
    """Two pages of a lease (a scan sent alone): the count starts at 第六条, and the lines above
    it, the foot of 第五条 from the page before, are 第五条's, not a preamble dropped."""
    text = (
        "（二）租金按月支付，每月五日前付清。\n（三）乙方逾期支付租金超过十天的，甲方有权解除合同。\n"
        "第六条 押金\n（一）乙方应当向甲方支付押金。\n（二）甲方收到押金后出具收款凭证。\n"
        "第七条 其他相关费用\n（一）甲方承担物业费。\n"
    )
    c = _by_id(split_clauses(text, "lease-pages"))
    assert list(c) == ["第五条", "第六条", "第七条"]
    assert c["第五条"].text == (
        "（二）租金按月支付，每月五日前付清。\n（三）乙方逾期支付租金超过十天的，甲方有权解除合同。")
    assert (c["第六条"].title, c["第七条"].title) == ("押金", "其他相关费用")
    digits = "第12條 租金\n每月一萬元。\n第13條 押金\n兩個月。\n"
    assert list(_tree(digits)) == ["第12條", "第13條"]  # no line above: no clause before it


LEASE_BODY = ("第二条 租金\n每月三千元，乙方应于每月五日前支付。\n"
              "第三条 押金\n两个月租金，租期届满后无息退还。\n")


@pytest.mark.parametrize("preamble", [
    "房屋租赁合同\n出租方（甲方）：张三\n承租方（乙方）：李四\n",
    "房屋租赁合同\n",  # its title alone
    "出租人：张三（以下简称甲方）\n承租人：李四（以下简称乙方）\n",  # its parties alone
    "甲方：张三\n乙方：李四\n",
], ids=["title-and-parties", "title", "roles", "parties"])
def test_a_whole_contract_whose_first_heading_ocr_lost_keeps_its_preamble(preamble) -> None:
    """A scanned lease whose 第一条 heading OCR lost starts its count at 第二条, as pages from
    mid-way do: its title and parties and what follows them became a 第一条 no page holds.
    They stay its preamble (the parties are still read from it); 第二条 on count as before."""
    from index.structure.parties import find_parties

    text = f"{preamble}经双方协商一致，订立本合同。\n合同期限\n租期一年。\n{LEASE_BODY}"
    assert _tree(text) == {"第二条": "每月三千元，乙方应于每月五日前支付。",
                           "第三条": "两个月租金，租期届满后无息退还。"}
    assert find_parties(text) == find_parties(preamble)


def test_pages_from_mid_way_that_name_a_party_in_passing_still_resume() -> None:
    """The foot of 第一条 on a page sent alone names 甲方 (出租人) in a sentence, and one party
    acting for the other: no preamble, so it is still 第一条."""
    foot = "甲方（出租人）有权收回房屋。\n乙方委托甲方代缴的水电费，按实际金额结算。\n"
    assert list(_tree(foot + LEASE_BODY)) == ["第一条", "第二条", "第三条"]


def test_two_pages_of_a_real_lease_cite_its_clauses_as_the_whole_does(
        shared: Path, tmp_path: Path) -> None:
    """Pages 8 and 9 of 租赁合同.pdf alone (an admin's scan of the deposit pages gives the same
    text through OCR) were 19 paragraphs, 第1段 … 第19段: now 第六条（三） as in the whole
    contract, and the foot of 第五条 on page 8 is kept under 第五条."""
    from scans import page_subset

    from index.parse import parse_contract

    lease = shared / "contracts-real" / "租赁合同.pdf"
    pages = parse_contract(page_subset(lease, [8, 9], tmp_path / "押金两页.pdf"))
    whole = {c.clause: c for c in parse_contract(lease).clauses}
    got = {c.clause: c for c in pages.clauses}
    assert list(got) == ["第五条", "第六条", "第六条（一）", "第六条（二）", "第六条（三）",
                         "第七条", *(f"第七条（{n}）" for n in "一二三四五")]
    for cid in list(got)[1:]:
        assert got[cid].text == whole[cid].text
    assert "逾期支付租金超过" in got["第五条"].text and got["第五条"].page == 1
    assert got["第六条（三）"].page == 2


def test_an_item_whose_bracket_ocr_read_twice_is_still_an_item() -> None:
    """The album of those two pages read （三） as "（(三）": 第六条（三）, the deposit refund, was
    run into 第六条（二）'s text."""
    long = "，甲方应当将押金全额返还乙方，乙方未结清租金的，甲方有权从押金中抵扣剩余部分。" * 2
    text = (f"第一条 押金\n（一）乙方应当在签订本合同时向甲方支付押金{long}\n"
            f"（二）甲方收到押金后应当向乙方出具押金收款凭证{long}\n（(三）本合同终止时{long}\n"
            "第二条 其他费用\n甲方承担物业费。\n")
    c = _by_id(split_clauses(text, "t"))
    assert "第一条（三）" in c and c["第一条（三）"].text.startswith("本合同终止时")
    assert "终止" not in c["第一条（二）"].text


def test_an_article_cited_at_a_line_start_starts_no_count() -> None:
    """第三条 that a sentence opens with, and no 第四条 after it: text, not a clause."""
    text = "补充协议\n第三条约定的押金，甲方应于退租时返还。\n乙方同意上述安排。\n"
    assert split_clauses(text, "t") == []
    skips = "第三条 押金\n两个月租金。\n第五条 维修\n甲方负责。\n"
    assert split_clauses(skips, "t") == []
    quoted = ("劳动合同\n第十条 建立劳动关系，应当订立书面劳动合同。\n"
              "第十一条 用人单位未在用工的同时…\n"
              "第一条 合同期限\n一年。\n第二条 工作内容\n客服。\n")
    assert [c.clause for c in split_clauses(quoted, "t")] == ["第一条", "第二条"]
