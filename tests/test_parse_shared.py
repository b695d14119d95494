"""parse_contract over every file in ../shared: the whole pipeline (extract -> clean -> tree).

Each file is parsed once per session. The PDF and DOCX files are read by index.ingest; a file
that cannot be read fails its tests (none is skipped).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from shared_trees import ALL, children, ids, parse_file, parsed

from bot.outline import format_tree

# Site boilerplate and injected spam of the scraped samples; none may reach a clause.
SITE_WORDS = (
    "原创力", "book118", "VIP", "文档评论", "文檔評論", "下载", "下載", "本站", "人人文庫",
    "溫馨提示", "您可能关注的文档", "实名认证", "相关文档", "最新文檔", "版權說明",
    "必威", "足球投注", "体育官网", "©",
)
PINYIN_RE = re.compile(r"\([a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*\)")


@pytest.mark.parametrize("path", ALL, ids=[p.name for p in ALL])
def test_every_file_parses_into_a_sound_tree(path: Path) -> None:
    contract = parse_file(path)
    assert contract.key == path.stem
    assert len(contract.clauses) >= 5
    clause_ids = [c.clause for c in contract.clauses]
    assert len(clause_ids) == len(set(clause_ids)), "clause ids must be unique"
    known = set()
    for c in contract.clauses:
        assert c.contract == path.stem
        assert c.text.strip() and "\f" not in c.text
        assert c.text_simplified
        assert c.parent is None or c.parent in known, "parents come before their children"
        known.add(c.clause)
        if path.suffix == ".pdf":
            assert isinstance(c.page, int) and c.page >= 1
        else:
            assert c.page is None
    assert format_tree(contract).startswith(f"《{contract.title}》")


@pytest.mark.parametrize("path", ALL, ids=[p.name for p in ALL])
def test_no_site_text_spam_or_pinyin_in_clauses(path: Path) -> None:
    for c in parse_file(path).clauses:
        for word in SITE_WORDS:
            assert word not in c.text, (c.clause, word)
        assert not PINYIN_RE.search(c.text), (c.clause, c.text[:80])


def test_cs_upgrade() -> None:
    k = parsed("cs-upgrade")
    c = ids(k)
    assert k.title == "在线客服系统升级服务合同"
    assert k.parties == {"甲方": "服务需求方", "乙方": "服务提供方"}
    assert k.script == "simplified"
    assert (c["7.2"].chapter, c["7.2"].chapter_title) == ("第七章", "质量保证")
    assert c["7.2"].text.startswith("若在质量保证期内出现上述问题")
    assert "一小时内响应" in c["7.2"].text
    assert children(k, "2.1") == ["2.1.1", "2.1.2", "2.1.3", "2.1.4"]
    assert c["5.3.1"].parent == "5.3" and c["5.3.1"].level == 2
    assert [x.clause for x in k.clauses][:2] == ["1.1", "1.2"]


def test_cs_maintenance() -> None:
    k = parsed("cs-maintenance")
    c = ids(k)
    assert k.title == "智能客服软件维护协议"
    assert k.parties == {"甲方": "维护方", "乙方": "用户方"}
    for cid in ("1.1.1", "2.1.1.1", "5.1.2", "6.3.1", "7.3.1"):
        assert cid in c
    assert (c["1.1"].title, c["1.1.1"].parent) == ("协议目的", "1.1")
    assert c["2.1.1.1"].parent == "2.1.1" and c["2.1.1.1"].level == 3
    assert (c["2.3"].title, c["2.3"].chapter_title) == ("维护响应时间", "软件维护内容")


def test_ecommerce_cs_upgrade() -> None:
    k = parsed("ecommerce-cs-upgrade")
    c = ids(k)
    assert k.title == "电商平台智能客服系统升级合同"
    assert (c["1.2"].title, c["1.2"].chapter_title) == ("解释", "定义与解释")
    assert "标题" in c["1.2"].text
    assert c["2.1"].title == "升级服务"
    assert c["2.1"].text.startswith("乙方应按照甲方的要求")
    for item in ("(1)优化自然语言处理能力", "(4)其他双方协商确定的升级内容"):
        assert item in c["2.1"].text.replace("（", "(").replace("）", ")")
    for cid in ("6.2", "8.1"):
        assert cid in c
    assert (c["9.2"].chapter, c["9.2"].chapter_title) == ("第九章", "不可抗力")
    assert (c["5.1"].chapter, c["5.1"].chapter_title) == ("第五章", "保密条款")


def test_aftersales_upgrade_traditional() -> None:
    k = parsed("aftersales-upgrade")
    c = ids(k)
    assert k.script == "traditional"
    # the source writes 售后 (sic); pinyin such as "(wù)" is gone
    assert k.title == "電商平臺售后服務體系升級服務合同"
    assert k.parties == {"甲方": "電商平臺運營方", "乙方": "售后服務體系升級服務提供方"}
    for cid in ("3.1", "8.1", "8.2", "12.4", "13.5", "14.5"):
        assert cid in c
    assert (c["8.1"].chapter, c["8.1"].chapter_title) == ("第八章", "爭議解決")
    assert c["8.2"].text.startswith("若協商不成")
    assert "协商" in c["8.2"].text_simplified


def test_edu_cs_appraisal() -> None:
    k = parsed("edu-cs-appraisal")
    c = ids(k)
    assert k.title == "在线教育平台在线客服系统鉴定协议"
    assert k.parties == {"甲方": "在线教育平台运营商", "乙方": "在线客服系统供应商"}
    assert c["2.1"].title == "甲方权利与义务"
    assert children(k, "2.1") == ["2.1.1", "2.1.2", "2.1.3", "2.1.4"]
    for cid in ("3.4", "4.3", "6.2.3"):
        assert cid in c


# ----------------------------------------------------------------------------- real ones


def test_pdf_with_toc_chapters_and_articles() -> None:
    k = parsed("商品房买卖合同.pdf")
    c = ids(k)
    assert k.title == "商品房买卖合同（现售）"
    articles = [x.clause for x in k.clauses if re.fullmatch(r"第.+条", x.clause)]
    assert articles[0] == "第一条" and articles[-1] == "第二十六条"
    assert len(articles) == 26
    assert (c["第一条"].chapter, c["第一条"].chapter_title) == ("第二章", "商品房基本状况")
    assert (c["第一条"].title, c["第一条"].page) == ("项目建设依据", 6)
    assert (c["第九条"].chapter, c["第九条"].title) == ("第三章", "逾期付款责任")
    assert (c["第二十六条"].chapter, c["第二十六条"].chapter_title) == ("第八章", "其他事项")
    # neither the 目录 nor the 说明 / 专业术语解释 sections before the contract are clauses
    assert not any(x.text.startswith("本合同文本为示范文本") for x in k.clauses)
    assert all(x.page is not None and x.page >= 5 for x in k.clauses)


def test_pdf_sections_group_articles() -> None:
    k = parsed("劳动合同.pdf")
    c = ids(k)
    assert k.title == "劳动合同"
    assert k.parties == {"甲方": "用人单位", "乙方": "劳动者"}
    articles = [x.clause for x in k.clauses if re.fullmatch(r"第.+条", x.clause)]
    assert len(articles) == 25 and articles[-1] == "第二十五条"
    assert (c["第一条"].chapter, c["第一条"].chapter_title) == ("一", "劳动合同期限")
    assert (c["第十九条"].chapter, c["第十九条"].chapter_title) == ("八", "双方约定事项")
    assert (c["第二十五条"].chapter, c["第二十五条"].chapter_title) == ("十", "其他")
    # 注意事项 一、… before the body are not clauses
    assert not any("本合同文本供用人单位" in x.text for x in k.clauses)


def test_docx_cn_clauses() -> None:
    k = parsed("房屋租赁合同 模板一.docx")
    c = ids(k)
    assert k.title == "房屋租赁合同"
    assert k.parties == {"甲方": "出租人", "乙方": "承租人"}
    # the signature block is not the end of 七 (left blank, it is dropped)
    items = [f"六第{n}项" for n in range(1, 12)]
    assert list(c) == ["一", "二", "三", "四", "五", "六", *items, "七"]
    # 六's eleven provisions (455 characters) are quoted one by one, not as one answer
    assert c["六"].text == "租赁期间的其它约定事项:"
    assert c["六第1项"].text.startswith("甲方提供完好的房屋及设施")
    assert c["六第9项"].text.startswith("如乙方需装修的")
    assert c["六第11项"].parent == "六" and c["六第11项"].text.startswith("房内清单：")
    assert c["七"].text == "本协议一式二份，甲乙双方各执一份。"


def test_docx_automatic_numbering_and_parts() -> None:
    k = parsed("建设工程施工合同（完整版）.docx")
    c = ids(k)
    assert k.title == "建设工程施工合同"
    assert c["1.1"].chapter == "第二部分" and c["1.1"].chapter_title == "通用合同条款"
    assert c["1.1"].title == "词语定义与解释"
    assert c["1.1.1"].parent == "1.1"
    # the 专用合同条款 restart their numbering: prefixed with their part
    assert c["第三部分 1.1"].chapter == "第三部分"
    assert not any(x.text.startswith("《示范文本》由合同协议书") for x in k.clauses)


def test_traditional_articles_with_items() -> None:
    k = parsed("房屋租賃契約書.txt")
    c = ids(k)
    assert k.title == "房屋租賃契約書"
    assert k.parties == {"甲方": "出租人", "乙方": "承租人"}
    assert k.script == "traditional"
    assert list(c)[:6] == ["第一條", "第二條", "第三條", "第四條", "第五條", "第六條"]
    assert c["第一條"].text.startswith("租賃房屋標示")
    assert c["第六條（一）"].parent == "第六條"
    assert c["第六條（五）"].text.startswith("乙方承租之房間")
    assert "立契約書人" not in c["第六條（五）"].text and "签署" not in c  # a blank template


def test_traditional_cn_clauses_with_cross_reference() -> None:
    k = parsed("體驗廣告商品委託行銷合約書.txt")
    c = ids(k)
    assert k.title == "體驗廣告商品委託行銷合約書"
    assert list(c) == ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
                       "十一", "十二", "十三", "十四", "签署"]
    # a filled-in signature block is a clause of its own: who signed, where to reach them
    assert "負責人：高泉清" in c["签署"].text and "高泉清" not in c["十四"].text
    # the web page's footer after it ("Next", "© 2020 溫度部落") is no text of the contract
    assert c["签署"].text.endswith("會員帳號/編號：\n請簽名：")
    assert all(x.chapter is None for x in k.clauses)
    assert c["十二"].text.startswith("管轄")


def test_a_letter_spaced_blank_signature_block_is_dropped() -> None:
    """模板七 ends with 出 租 方（甲方）： … 承 租 方（乙方）：, 签  约  时  间 ： left blank."""
    c = ids(parsed("房屋租赁合同 模板七.docx"))
    assert c["第十四条"].text.endswith("品名：衣柜\n品名：物业费") and "签署" not in c


def test_a_party_block_without_a_word_of_signing_is_the_signature() -> None:
    """整合型服務合作協議書 ends with 甲方：三二三網路科技股份有限公司 over 負責人：, 統一編號：,
    地址：…, and no 簽章: a filled block, not text of its last clause."""
    c = ids(parsed("整合型服務合作協議書.txt"))
    assert c["十三"].text.endswith("份數：本協議書壹式貳份，甲、乙雙方各執乙份為憑。")
    assert c["签署"].text.startswith("甲方：三二三網路科技股份有限公司")
    assert "統一編號：29084823" in c["签署"].text


def test_text_with_toc_and_articles_across_chapters() -> None:
    k = parsed("成套设备技术引进合同.txt")
    c = ids(k)
    assert k.title == "成套设备技术引进合同"
    first = k.clauses[0]
    assert (first.clause, first.chapter, first.chapter_title) == ("1.1", "第一章", "定义")
    assert (c["5.1"].title, c["5.1.1"].parent) == ("技术文件", "5.1")


def test_text_articles_with_dash_numbers() -> None:
    k = parsed("计算机软件许可证协议书.txt")
    c = ids(k)
    assert (c["第一条"].title, c["1-1"].parent) == ("定义", "第一条")
    assert c["3-5-1"].parent == "3-5"
    assert c["第十条"].title == "原创性担保"
    assert c["第四条"].title == "期限；试用期；终止；终止前的权利及义务"
    assert "第10条" not in c  # "第１０条所规定者外" is a reference in mid-sentence
    articles = [x.clause for x in k.clauses if re.fullmatch(r"第.+条", x.clause)]
    assert len(articles) == 11


_HAN_BREAK = re.compile(r"[\u3400-\u9fff]\n[\u3400-\u9fff]")
_STOP = re.compile(r"[。；;！!？?：:]")
_FIELD = re.compile(r"^[^，。；;：:\s]{1,12}[：:]")
_PUNCT = re.compile(r"[，。；;：:,、！!？?]")


def _inside_sentence(text: str, at: int) -> bool:
    """A line break at ``at`` (between two Chinese characters) inside a sentence: the text
    before it, since its line's last sentence end, is prose (holds a comma or runs 25
    characters), and the line after is neither a heading of its own nor the next field of a
    list of fields ("人数：…" / "目的：…")."""
    before = text[text.rfind("\n", 0, at) + 1 : at + 1]
    end = text.find("\n", at + 2)
    after = text[at + 2 : end if end >= 0 else len(text)]
    fragment = _STOP.split(before)[-1]
    if not ("，" in fragment or "," in fragment or len(fragment.strip()) >= 25):
        return False
    if len(after) <= 24 and not _PUNCT.search(after):
        return False
    return not (_FIELD.match(before) and _FIELD.match(after))


def test_no_clause_breaks_a_line_inside_a_sentence() -> None:
    """Line breaks inside a sentence are joined in PDF, DOCX and text sources: 52 of the
    1,606 clauses had one (110 with any break between two Chinese characters) before."""
    broken = [
        (path.name, c.clause, c.text[max(0, m.start() - 20) : m.start() + 10])
        for path in ALL for c in parse_file(path).clauses
        for m in _HAN_BREAK.finditer(c.text) if _inside_sentence(c.text, m.start())
    ]
    assert broken == []


def test_sale_contract_keeps_its_annexes_and_no_blank_clauses() -> None:
    k = parsed("商品房买卖合同.pdf")
    c = ids(k)
    annexes = {x.chapter or x.clause for x in k.clauses
               if (x.chapter or x.clause).startswith("附件")}
    assert annexes == {f"附件{n}" for n in "一 二 三 四 五 六 七 八 九 十 十一 十二".split()}
    assert c["附件四"].chapter is None
    assert c["附件四"].text == "出卖人提供的承租人放弃优先购买权的声明"
    assert [c[f"附件三 {n}"].text for n in (1, 2, 3)] == [
        "抵押权人同意该商品房转让的证明", "解除抵押的条件和时间", "关于抵押的其他约定"]
    assert [c[f"附件六 {n}"].text for n in (1, 2)] == ["相关设施的位置及用途", "其他约定"]
    assert "电梯" not in c["附件七 5"].text and c["附件七 6"].text.startswith("电梯：")
    # no clause is only a blank: "6. ；" is a line of the clause above
    assert all(re.search(r"[\u4e00-\u9fff0-9A-Za-z]", x.text) for x in k.clauses)
    assert c["附件八 5"].text.endswith("\n6. ；\n7. ；\n8. 。") and "附件八 6" not in c
    # 第一章 has no articles: a clause of its own, not also a chapter
    assert (c["第一章"].chapter, c["第一章"].title) == (None, "合同当事人")
    assert "第一章" not in {x.chapter for x in k.clauses}
    # a list's lead-in stays before its items
    assert c["第十四条（二）"].text.startswith("该商品房质量应当符合有关工程质量规范")
    three = c["第十四条（三）"].text
    assert three.index("不符合上述标准的") < three.index("（1）及时更换、修理")
    assert k.parties == {"甲方": "出卖人", "乙方": "买受人"}
    # its signature block is left blank: not the end of 第二十六条, and no clause of its own
    assert not any("出卖人（签字或盖章）" in x.text for x in k.clauses) and "签署" not in c


def test_construction_contract_clauses_no_longer_swallow_the_next() -> None:
    c = ids(parsed("建设工程施工合同（完整版）.docx"))
    for swallower, swallowed in (
        ("十", "十一"), ("十一", "十二"), ("十二", "十三"), ("1.1.2.7", "1.1.2.8"),
        ("1.1.3.10", "1.1.4"), ("1.1.4.6", "1.1.4.7"), ("3.1", "3.2"),
        ("第三部分 8.4.1", "第三部分 8.6"),
        # 专用合同条款 list only the clauses they change: 1.7 → 1.10, 6.1.1 → 6.1.4 …
        ("第三部分 1.6.1", "第三部分 1.6.4"), ("第三部分 1.7.2", "第三部分 1.10"),
        ("第三部分 1.11.2", "第三部分 1.11.4"), ("第三部分 6.1.1", "第三部分 6.1.4"),
        ("第三部分 9.1.2", "第三部分 9.4"), ("第三部分 10.1", "第三部分 10.4"),
        ("第三部分 13.2.2", "第三部分 13.2.5"), ("第三部分 13.3.3", "第三部分 13.6"),
        ("第三部分 17.1", "第三部分 17.4"), ("第三部分 18.3", "第三部分 18.7"),
    ):
        assert swallowed in c, swallowed
        number = swallowed.split()[-1]
        assert not re.search(rf"(?:^|\n|。){re.escape(number)}[ 、]", c[swallower].text), swallower
    assert (c["十一"].title, c["3.2"].title) == ("补充协议", "项目经理")
    assert c["第三部分 1.10.3"].title == "场内交通"
    assert c["第三部分 1.10.3"].parent == "第三部分 1.10"
    assert "附件4#2" not in c and c["附件4"].title == "主要建设工程文件目录"
    assert c["附件"].text.startswith("协议书附件：")  # the list of the annexes
    # a heading of the 目录 run into its text on one line is cut from it
    assert (c["19.2"].title, c["19.2"].text) == ("对承包人索赔的处理", "对承包人索赔的处理如下：")
    pdf = ids(parsed("建设工程施工合同.pdf"))
    assert (pdf["十"].title, pdf["十"].text) == ("签订地点", "本合同在 签订。")


def test_technology_contracts_keep_their_clauses_and_drop_notes() -> None:
    c = ids(parsed("成套设备技术引进合同.txt"))
    assert all(f"11.{n}" in c for n in range(4, 10))
    assert "本合同终止或期满后" not in c["11.2"].text
    assert "附件八 7.1.6" in c and "天线" not in c["附件八 7.1.5"].text
    # the list of engineers' days in 附件三 13 and the whole of 附件四 (a short list and a
    # heading are no table of contents after the clauses began)
    assert c["附件三 13"].text.endswith("4.电子工程师总共＿＿＿＿＿＿＿天")
    assert c["附件四 1"].chapter_title == "合同技术培训的内容和要求"
    assert c["附件四 16"].text.startswith("被转让方将支付其培训人员的交通及食宿费")
    assert "培训" not in c["附件三 13"].text and "附件三 14" not in c
    soft = parsed("计算机软件许可证协议书.txt")
    s = ids(soft)
    # 附件二's sections A. (paragraphs 1. 2., cited "附件二A-1段") and B. ("附件二第B节") are
    # clauses under it; section B is no longer the annex's own text
    assert children(soft, "附件二") == ["附件二 A", "附件二 B"]
    assert children(soft, "附件二 A") == ["附件二 A第1项", "附件二 A第2项"]
    assert s["附件二"].text == "许可方初始提供的范围"
    assert "B.初始培训服务" not in s["附件二 A第2项"].text
    assert s["附件二 B"].title == "初始培训服务"
    assert s["附件二 B"].text.endswith("培训时间将安排2至3段。")
    assert not any("评述" in x.text or "计算机系统”是设备" in x.text for x in soft.clauses)
    assert "签字：" not in s["11-6"].text and "签署" not in s
    service = parsed("技术服务合同.txt")
    t = ids(service)
    assert t["八"].text.startswith("※其它") and "（签章）" not in t["八"].text
    assert not any("合同登记编号为十四位" in x.text or "技术服务合同是指" in x.text
                   for x in service.clauses)  # the 填写说明 after the contract


def test_the_pdf_and_the_word_file_of_one_contract_split_alike() -> None:
    """委托合同 as a PDF and as its Word original: the same clauses, though the Word file draws
    its blanks with many spaces (第五条, 第十一条 were split into items in it only)."""
    pdf = ids(parsed("委托合同.pdf"))
    word = ids(parsed("委托合同（Word原版）.docx"))
    assert list(pdf) == list(word)
    assert "第五条（二）" not in word and "第十一条（七）" in pdf
    # the three ways to set the term are choices of its one sentence, as in the PDF
    labour = ids(parsed("劳动合同（Word原版）.docx"))
    assert "第一条第1项" not in labour and "\n3.以完成一定工作任务为期限" in labour["第一条"].text
