"""Clause labels: which family a line starts with, its value, and what is not a label."""

from __future__ import annotations

import pytest

from index.numerals import cn_to_int, int_to_cn, quantity_tokens, starts_with_label
from index.structure.numbering import Label, parse_label, strip_page_furniture


@pytest.mark.parametrize(
    ("line", "family", "value", "text"),
    [
        ("第七章质量保证", "chapter", (7,), "第七章"),
        ("第 1 章 总则", "chapter", (1,), "第1章"),
        ("第二部分 通用合同条款", "part", (2,), "第二部分"),
        ("第十二条 甲方应当", "article", (12,), "第十二条"),
        ("第一條︰租賃房屋標示", "article", (1,), "第一條"),
        ("第１０条　期限", "article", (10,), "第10条"),
        ("一、劳动合同期限", "cn", (1,), "一"),
        ("十四、合約區間", "cn", (14,), "十四"),
        ("（二）甲方有权", "cn_paren", (2,), "（二）"),
        ("(1)优化自然语言处理能力", "num_paren", (1,), "(1)"),
        ("（３）基本工资", "num_paren", (3,), "(3)"),
        ("③软件使用培训", "circled", (3,), "③"),
        ("1.标准工时工作制", "dot1", (1,), "1"),
        ("2、水、电及电话使用费", "dot1", (2,), "2"),
        ("1 一般约定", "dot1", (1,), "1"),
        ("7.2若在质量保证期内", "dot2", (7, 2), "7.2"),
        ("2.1.1.1软件故障排除", "dot4", (2, 1, 1, 1), "2.1.1.1"),
        ("１－１　“协议书”是指", "dash2", (1, 1), "1-1"),
        ("３－５－１　除了根据", "dash3", (3, 5, 1), "3-5-1"),
        ("附件五 关于该商品房价款的约定", "annex", (5,), "附件五"),
    ],
)
def test_labels(line: str, family: str, value: tuple[int, ...], text: str) -> None:
    label = parse_label(line)
    assert label is not None
    assert (label.family, label.value, label.text) == (family, value, text)


def test_label_end_skips_punctuation() -> None:
    line = "第一章:定义与解释"
    label = parse_label(line)
    assert label is not None and line[label.end:] == "定义与解释"


@pytest.mark.parametrize(
    "line",
    [
        "0.5%的违约金",
        "1.5倍支付",
        "3.5米以上",
        "2024.1.1起生效",
        "2024年1月1日",
        "10-5條款",
        "第三条规定的期限",
        "第九条第1（1）项中的比率",
        "第１０条所规定者外",
        "附件一为本合同的组成部分，与本合同具有同等效力。",
        "按4.4条执行",
        "15 日内退还买受人已付全部房款",
        "1 甲方应当在签约后支付，逾期的",
        "本合同第一条",
        "",
    ],
)
def test_not_labels(line: str) -> None:
    assert parse_label(line) is None


def test_cn_to_int() -> None:
    assert cn_to_int("十二") == 12
    assert cn_to_int("二十一") == 21
    assert cn_to_int("一百零五") == 105
    assert cn_to_int("12") == 12
    assert cn_to_int("甲") is None
    assert cn_to_int("一万五千") == 15000 and cn_to_int("十万") == 100000
    assert cn_to_int("两亿三千万") == 230_000_000 and cn_to_int("壹拾万") == 100000
    assert cn_to_int("叁仟伍佰") == 3500
    assert cn_to_int("一万") == 10000 and cn_to_int("三万零五") == 30005
    assert cn_to_int("貳拾陸") == 26  # Traditional capitals


def test_int_to_cn_as_word_prints_it() -> None:
    assert [int_to_cn(n) for n in (7, 10, 12, 20, 21, 110, 105, 1005, 1010, 9999)] == [
        "七", "十", "十二", "二十", "二十一", "一百一十", "一百零五", "一千零五", "一千零一十",
        "九千九百九十九"]
    assert int_to_cn(10000) == "10000" and int_to_cn(12345) == "12345"
    assert int_to_cn(12, "零壹贰叁肆伍陆柒捌玖", "拾佰仟") == "壹拾贰"


def test_page_furniture() -> None:
    assert strip_page_furniture("— 3 —形出现时止") == "形出现时止"
    assert strip_page_furniture("2（一）委托费用包括") == "（一）委托费用包括"
    assert strip_page_furniture("4第十条 交付") == "第十条 交付"
    assert strip_page_furniture("15 日内退还") == "15 日内退还"


def test_starts_with_label_still_works() -> None:
    assert starts_with_label("1.1甲方")
    assert not starts_with_label("甲方应当")


@pytest.mark.parametrize(("text", "tokens"), [
    ("试用期为三个月", ["q:90d"]), ("3个月", ["q:90d"]), ("90天内", ["q:90d"]),
    ("半年", ["q:180d"]), ("六个月", ["q:180d"]), ("一年半", ["q:540d"]), ("两周", ["q:14d"]),
    ("十个工作日内", ["q:10wd"]), ("两小时内响应", ["q:2h"]), ("24小时", ["q:24h"]),
    ("百分之五", ["q:5%"]), ("5%", ["q:5%"]), ("千分之三", ["q:0.3%"]), ("0.3%", ["q:0.3%"]),
    ("2024年3月15日", []), ("每月5日前", []), ("第3.2条", []),
    ("每年十万元", ["q:100000元"]), ("10万元", ["q:100000元"]), ("100,000元", ["q:100000元"]),
    ("人民币壹拾万元整", ["q:100000元"]), ("年费是不是10万", ["q:100000元"]),
    ("1.5万元", ["q:15000元"]), ("三千五百元", ["q:3500元"]), ("5000块", ["q:5000元"]),
    ("第3条，5000元", ["q:5000元"]), ("100,000.50元", ["q:100000.5元"]),
    ("金额（万元）", []), ("3单元", []), ("10万平方米", []), ("____元", []),
])
def test_quantity_tokens(text: str, tokens: list[str]) -> None:
    assert quantity_tokens(text) == tokens


@pytest.mark.parametrize(
    ("line", "family", "text"),
    [
        ("3.2 项目经理", "dot2", "3.2"),  # 项目 is a word, not "3.2 项" (an item reference)
        ("1.1.4 日期和期限", "dot3", "1.1.4"),
        ("1.1.4.7 天：除特别指明外，均指日历天。", "dot4", "1.1.4.7"),
        ("7.1.6 天线、线路或互连设施任何部分的失灵。", "dot3", "7.1.6"),  # three numbers: no amount
        ("6 电梯：", "dot1", "6"),  # a list item that lost its dot
        ("附件十一. 合同产品的制造（略）", "annex", "附件十一"),
        ("附件", "annex", "附件"),  # the one annex, unnumbered
        ("附件：", "annex", "附件"),
    ],
)
def test_headings_that_look_like_amounts_or_references(line: str, family: str, text: str) -> None:
    label = parse_label(line)
    assert label is not None and (label.family, label.text) == (family, text)


@pytest.mark.parametrize(
    "line", ["2.5 天内付清", "3 天内", "附件：房屋交割单", "附件1.2", "附件三、四"]
)
def test_amounts_and_references_are_still_no_labels(line: str) -> None:
    assert parse_label(line) is None


def test_an_annex_number_is_read_whole() -> None:
    label = parse_label("附件十一 合同产品的制造（略）")
    assert label is not None and (label.text, label.value) == ("附件十一", (11,))


def test_long_line_labels_read_from_a_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """A contract that lost its line breaks: every label is read from a short window of the
    line, never from the rest of it (that was quadratic, and the cache kept the copies)."""
    from index.structure import body, numbering
    from index.structure.clauses import split_clauses

    seen: list[int] = []
    real = numbering._parse_window

    def spy(line: str, cut: bool) -> numbering.Label | None:
        seen.append(len(line))
        return real(line, cut)

    monkeypatch.setattr(numbering, "_parse_window", spy)
    articles = "".join(f"第{i}条 甲方应在收到通知后{i}日内付款，逾期按日支付违约金。"
                       for i in range(1, 400))
    clauses = split_clauses("软件维护服务合同" + articles, "long")
    assert [c.clause for c in clauses[:3]] == ["第1条", "第2条", "第3条"]
    assert len(clauses) == 399
    assert seen and max(seen) <= numbering.LABEL_WINDOW
    assert body.label_at is numbering.label_at


def test_window_keeps_labels() -> None:
    """A label read from a window is the label of the whole line (end, family, value)."""
    from index.structure.numbering import LABEL_WINDOW, label_at

    tail = "乙方应当按约定履行义务。" * 100
    for head in ("第七章质量保证", "7.2若在质量保证期内", "（二）甲方有权", "1 一般约定"):
        short = parse_label(head)
        assert parse_label(head + tail) == (short if head != "1 一般约定" else None)
        assert label_at("前文" + head + tail, 2) == parse_label(head + tail)
    assert len(tail) > LABEL_WINDOW
    assert parse_label("附件五 关于服务范围的约定") == Label("annex", (5,), "附件五", 4)
    assert parse_label("附件五 关于服务范围的约定" + tail) is None  # a sentence, not a heading


def test_more_labels_and_quantities() -> None:
    """A Traditional 第十二條 starts a clause; 3、5号楼 does not (a digit follows 、); 3月 as
    a duration is 90 days like 三个月, 300日 is a duration, and 3月15日 is a date."""
    assert starts_with_label("第十二條 甲方應當")
    assert not starts_with_label("3、5号楼的租金")
    assert quantity_tokens("租期3月") == quantity_tokens("租期三个月") == ["q:90d"]
    assert quantity_tokens("300日内付清") == ["q:300d"]
    assert quantity_tokens("3月15日前付款") == []
