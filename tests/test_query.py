"""Question understanding: normalisation, thesaurus, scope, roles, clause numbers."""

from __future__ import annotations

import pytest

from index.search.lookup import clause_number_forms
from index.search.party_roles import clause_actor, clause_obligor, condition_subject
from index.search.question import asked_role, parse_query
from index.search.scope import detect_scopes, unknown_title
from index.search.thesaurus import Thesaurus
from index.text import normalize_text


def test_normalize_traditional_and_full_width() -> None:
    assert normalize_text("乙方響應時間是多少？") == "乙方响应时间是多少?"
    assert normalize_text("第７．２条　ＡＢＣ") == "第7.2条 ABC"


def test_thesaurus_groups_and_one_way() -> None:
    th = Thesaurus.parse("质保期 = 质量保证期 = 保修期\n起诉 > 诉讼 人民法院\n# comment\n")
    assert th.entries["质保期"] == ("质量保证期", "保修期")
    assert th.entries["保修期"] == ("质保期", "质量保证期")
    assert th.entries["起诉"] == ("诉讼", "人民法院")
    assert "诉讼" not in th.entries  # one-way
    assert th.expand("质保期多久") == ["质量保证期", "保修期"]
    assert th.expand("怎么起诉对方") == ["诉讼", "人民法院"]


def test_thesaurus_longest_key_wins_and_traditional_lines() -> None:
    th = Thesaurus.parse("违约 > 违约责任\n违约金 > 罚金\n質保期 > 保修期")
    assert th.expand("违约金是多少") == ["罚金"]
    assert th.expand("质保期") == ["保修期"]


def test_shipped_thesaurus_has_contract_vocabulary() -> None:
    th = Thesaurus.load()
    assert "质量保证期" in th.expand("质保期多长")
    assert {"诉讼", "人民法院"} <= set(th.expand("怎么起诉"))
    assert "剩余价款" in th.expand("尾款什么时候付")
    assert "终止" in th.expand("可以解除合同吗")


def test_a_questions_closing_punctuation_is_not_asked() -> None:
    assert parse_query("押金退不退？").text == parse_query("押金退不退").text == "押金退不退"
    assert parse_query("第7.2条。").text == "第7.2条"
    assert parse_query("7.2.").cited == parse_query("7.2").cited
    assert parse_query("？？").text == "??"  # nothing else: kept (check_question judges it)


def test_parse_query_drops_question_words_and_adds_expansion() -> None:
    pq = parse_query("質保期是多少？", thesaurus=Thesaurus.parse("质保期 = 质量保证期"),
                     mode="jieba")
    assert pq.text == "质保期是多少"  # normalised, its closing ？ not asked (stop 34)
    assert "多少" not in pq.tokens and "质保期" in pq.tokens
    assert "质量保证期" in pq.expansion
    assert pq.role is None
    assert pq.chars == ("质", "保", "期")  # the characters of its words, not of 是多少


def test_question_characters_leave_question_words_out() -> None:
    assert parse_query("维修费多少", mode="both").chars == ("维", "修", "费")
    assert parse_query("租期多长", mode="both").chars == ("租", "期", "多", "长")


TITLES = {
    "cs-upgrade": "在线客服系统升级服务合同",
    "cs-maintenance": "智能客服软件维护协议",
    "ecommerce": "电商平台智能客服系统升级合同",
    "edu": "在线教育平台在线客服系统鉴定协议",
}


def test_scope_from_a_distinctive_title_part() -> None:
    assert detect_scopes("维护协议里响应时间是多少", TITLES) == {"cs-maintenance"}
    assert detect_scopes("在线教育平台那份协议的鉴定报告", TITLES) == {"edu"}
    assert detect_scopes("《电商平台智能客服系统升级合同》的验收标准", TITLES) == {"ecommerce"}
    assert detect_scopes("cs-upgrade 的服务期限", TITLES) == {"cs-upgrade"}
    assert detect_scopes("软件维护的费用怎么付", TITLES) == {"cs-maintenance"}  # a title run


def test_no_scope_without_strong_evidence() -> None:
    assert detect_scopes("哪份合同的服务期限只有一个月", TITLES) == frozenset()
    assert detect_scopes("维护响应时间是多少", TITLES) == frozenset()  # no 合同/协议, no title run
    assert detect_scopes("在线客服怎么收费", TITLES) == frozenset()  # a run in three titles
    assert detect_scopes("升级合同的验收标准", TITLES) == frozenset()  # 升级 is in two titles
    assert detect_scopes("乙方响应时间", {}) == frozenset()
    # a run of four characters of one title, with one bigram no other title has: not enough
    rentals = {"a": "设备租赁合同", "b": "设备采购合同", "c": "车辆租赁合同"}
    assert detect_scopes("设备租赁费用多少", rentals) == frozenset()
    assert detect_scopes("设备租赁费用多少", {**rentals, "c": "车辆买卖合同"}) == {"a"}
    # a Latin file stem inside a longer word names nothing
    latin = {"ma": "维护合同", "lease": "房屋租赁合同"}
    assert detect_scopes("information的押金是多少", latin) == frozenset()


def test_a_name_whose_words_other_titles_have_one_by_one_scopes_by_the_most_shared() -> None:
    titles = {**TITLES, "aftersales": "電商平臺售后服務體系升級服務合同"}  # 电商 in two titles now
    # 电商, 客服, 升级: three of ecommerce's bigrams, two of aftersales' and of cs-upgrade's
    assert detect_scopes("电商客服升级合同里发票几天内开", titles) == {"ecommerce"}
    twins = {"a": "建设工程施工合同", "b": "建设工程施工合同", "c": "城镇房屋租赁合同"}
    assert detect_scopes("建设工程合同里缺陷责任期最长多久", twins) == {"a", "b"}  # one title
    tied = {"x": "在线客服系统升级服务合同", "y": "在线客服系统鉴定协议"}
    assert detect_scopes("在线客服合同里谁负责培训", tied) == frozenset()  # two titles tie
    assert detect_scopes("升级合同的验收标准", titles) == frozenset()  # one bigram is not enough


LIBRARY = {"l1": "房屋租赁合同", "l2": "房屋租賃契約書", "l3": "城镇房屋租赁合同",
           "sale": "商品房买卖合同（现售）", "work": "劳动合同", "jv": "中外合资经营企业合同"}


def test_a_kind_of_contract_in_users_words_scopes_to_every_contract_of_that_kind() -> None:
    assert detect_scopes("租房合同里押金咋退", LIBRARY) == {"l1", "l2", "l3"}
    assert detect_scopes("台湾那份租屋契约押金几个月", LIBRARY) == {"l1", "l2", "l3"}
    assert detect_scopes("买房合同里逾期交房怎么赔", LIBRARY) == {"sale"}
    assert detect_scopes("上班签的合同里试用期多久", LIBRARY) == {"work"}
    assert detect_scopes("租房押金怎么退", LIBRARY) == frozenset()  # names no contract
    assert detect_scopes("按工作量结算的合同里怎么付款", LIBRARY) == frozenset()  # not 劳动
    assert detect_scopes("租房合同里押金咋退", {"jv": LIBRARY["jv"]}) == frozenset()  # no lease
    # a title's own distinctive words still come first: 城镇 names l3 alone
    assert detect_scopes("城镇租房合同里押金咋退", LIBRARY) == {"l3"}


def test_a_kind_written_as_titles_write_it_scopes_like_a_users_word() -> None:
    """租赁协议 names every lease as 租房协议 does; 租赁合同 does too, even where one file is
    named 租赁合同 (a name that says only a kind names the kind), unless a file word narrows."""
    assert detect_scopes("租赁协议的押金怎么退", LIBRARY) == {"l1", "l2", "l3"}
    files = {**LIBRARY, "租赁合同": "城镇房屋租赁合同", "租赁合同 模板七": "房屋租赁合同"}
    del files["l3"]
    assert detect_scopes("租赁合同的押金", files) == {"l1", "l2", "租赁合同", "租赁合同 模板七"}
    assert detect_scopes("租赁合同模板七的押金", files) == {"租赁合同 模板七"}
    assert detect_scopes("房屋租赁合同的押金", files) == {"l1", "租赁合同", "租赁合同 模板七"}
    assert detect_scopes("买卖合同里逾期交房怎么赔", LIBRARY) == {"sale"}


def test_roles() -> None:
    assert asked_role("乙方响应时间是多少") == "乙方"
    assert asked_role("甲方泄露乙方保密信息怎么办") is None
    assert clause_actor("乙方应在接到通知后一小时内响应") == "乙方"
    assert clause_actor("若甲方验收合格，乙方有权收取费用") == "乙方"
    assert clause_actor("甲方应向乙方支付费用") != "乙方"
    assert clause_actor("甲方对乙方的技术支持请求，应在两小时内响应") == "甲方"
    assert clause_actor("双方应协商解决") is None
    assert condition_subject("若乙方未按约定完成，甲方有权要求乙方支付违约金") == "乙方"
    assert condition_subject("乙方应按时完成") is None
    assert clause_obligor("甲方对乙方的技术支持请求，应在两小时内响应") == "甲方"
    assert clause_obligor("甲方同意乙方将委托事务转委托") is None
    assert clause_obligor("若甲方验收合格，乙方应签署验收报告") == "乙方"


def test_clause_number_forms() -> None:
    assert "7.2" in clause_number_forms("第7.2条")
    assert "7.2" in clause_number_forms("７．２")
    forms = clause_number_forms("第十二條")
    assert {"第十二条", "12", "第12条"} <= forms
    assert "第三条" in clause_number_forms("3")


def test_unknown_title_only_for_named_contracts_no_title_resembles() -> None:

    titles = {"upgrade": "在线客服系统升级服务合同", "maint": "軟體維護服務合約"}
    assert unknown_title("《不存在的合同》的违约金是多少", titles) == "不存在的合同"
    assert unknown_title("《房屋租賃契約》的押金", titles) == "房屋租賃契約"
    assert unknown_title("《在线客服升级合同》的违约金是多少", titles) is None  # a near miss
    assert unknown_title("《客服系统外包合同》", titles) == "客服系统外包合同"  # 2 of 5 bigrams
    assert unknown_title("《软件维护服务合约》的费用", titles) is None  # other script
    assert unknown_title("根据《民法典》违约金怎么算", titles) is None  # a law, not a contract
    assert unknown_title("《upgrade》里的违约金", titles) is None
    assert unknown_title("违约金是多少", titles) is None


def test_a_question_cites_clauses_by_number_not_amounts() -> None:
    from index.search.lookup import cited_numbers

    assert cited_numbers("委托合同第十一条是什么") == (
        (frozenset({"第十一条", "第11条", "十一", "11"}),),)
    (item,) = cited_numbers("第五條第二項怎麼說")  # Traditional; the item first, else the article
    assert item == (frozenset({"第五条(二)", "第五条(2)", "第5条(二)", "第5条(2)",
                               # as the parse numbers items: 劳动合同's, a 一、 heading's (五)
                               "第五条第二项", "第五条第2项", "第5条第二项", "第5条第2项",
                               "五第二项", "五第2项"}),
                    frozenset({"第五条", "第5条", "五", "5"}))
    assert cited_numbers("第五条（二）") == cited_numbers("第五条第二项")
    assert cited_numbers("7.2条怎么规定, 还有4.3.1") == ((frozenset({"7.2"}),),
                                                        (frozenset({"4.3.1"}),))
    for amount in ("每天按年租金0.3%罚", "7.5万元", "赔1.5倍", "第一章讲什么", "2.0版本",
                   "12.25元", "门宽1.2米够吗", "2024.3.15签的"):
        assert cited_numbers(amount) == (), amount


def test_the_forms_a_clause_chapter_or_annex_number_may_take() -> None:
    """/clause 12 finds a clause numbered 十二 (a 十二、 heading); 附件一 an annex numbered
    附件1; 第3章 a chapter labelled 三 (a 三、 chapter)."""
    from index.search.lookup import chapter_forms

    assert clause_number_forms("12") == {"12", "第12条", "第十二条", "十二"}
    assert clause_number_forms("附件一") == {"附件一", "附件1"}
    assert clause_number_forms("附件1") == {"附件1", "附件一"}
    assert chapter_forms("第3章") == {"第三章", "第3章", "三"}
    assert chapter_forms("附件2") == {"附件二", "附件2"}


@pytest.mark.parametrize(("question", "name"), [
    ("第三章", ""), ("第三章讲什么", ""), ("劳动合同第三章", "劳动合同"),
    ("《劳动合同》第三章的内容", "《劳动合同》"), ("劳動合同的第三章講了什麼？", "劳动合同"),
    ("第3章写了什么", ""), ("第三章有哪些条款", ""), ("委托合同第三章怎么规定的", "委托合同"),
    ("第二部分讲什么", ""), ("附件二写了什么", ""), ("第三章和第五章", ""),
    ("请问完整版第二部分说了啥", "完整版"), ("这份合同的第三章", ""), ("合同第三章讲什么", ""),
    ("第三章里试用期多长", None), ("第三章违约金", None), ("附件八里保修期多长", None),
    ("第三章和第2.1条", None), ("第三条讲什么", None), ("第七章质量保证", None),
])
def test_a_question_asking_for_chapters_and_nothing_else(question, name) -> None:
    """What comes before the chapters a question asks for and nothing else (the Searcher
    checks it names contracts), None when it asks something of them."""
    from index.search.question import chapters_only

    assert chapters_only(normalize_text(question)) == name


def test_digits_inside_a_longer_number_cite_no_clause() -> None:
    from index.search.lookup import cited_numbers

    for amount in ("单价100.5是多少", "型号123.4.5是什么"):
        assert cited_numbers(amount) == (), amount


def test_the_words_asked_beyond_a_contracts_name() -> None:
    """租赁合同里押金: 押金 is asked; a question that only names its contract asks all its
    words."""
    from index.search.scope import asked_words

    assert asked_words(["租赁", "合同", "押金"], ["房屋租赁合同"]) == ["合同", "押金"]
    assert asked_words(["租赁"], ["房屋租赁合同"]) == ["租赁"]


def test_scope_evidence_in_tiny_libraries() -> None:
    """Each rule of detect_scopes on its own, with titles chosen so that only it decides."""
    generic = {"a": "软件维护服务合同", "b": "房屋租赁协议"}
    assert detect_scopes("服务合同的违约金是多少", generic) == frozenset()  # 服务 is generic
    assert detect_scopes("章程里股东会怎么开", {"x": "章程", "y": "租赁合同"}) == {"x"}
    nested = {"a": "房屋租赁合同", "b": "租赁合同"}
    assert detect_scopes("房屋租赁合同里押金多少", nested) == {"a"}  # the longest name
    models = {"房屋租赁合同 模板七": "房屋租赁合同", "房屋租赁合同 模板八": "房屋租赁合同"}
    assert detect_scopes("模板七里租金怎么付", models) == {"房屋租赁合同 模板七"}
    assert detect_scopes("模板七和模板八的租金有什么不同", models) == frozenset()
    shared = {"a": "软件维护服务合同", "b": "房屋租赁合同"}
    assert detect_scopes("软件维护房屋合同的费用", shared) == {"a"}  # the most shared
    twins = {"a": "建设工程合同", "b": "建设工程合同"}
    assert detect_scopes("工程合同里缺陷责任期", twins) == frozenset()  # one bigram is not enough


def test_more_scope_evidence_in_tiny_libraries() -> None:
    titles = {"a": "软件维护服务合同", "b": "房屋租赁合同"}
    assert detect_scopes("费用软件维护", titles) == {"a"}  # a title run at the very end
    assert detect_scopes("软件维护和房屋租赁的费用", titles) == frozenset()  # two titles' runs
    assert detect_scopes("《租赁房屋》的押金", titles) == {"b"}  # bigrams inside 《》
    word = {"劳动合同 Word原版": "劳动合同", "劳动合同": "劳动合同"}
    assert detect_scopes("word版劳动合同里试用期多久", word) == {"劳动合同 Word原版"}


def test_a_name_half_like_a_title_or_a_files_name_is_no_unknown_title() -> None:
    from index.search.scope import without_named

    titles = {"a": "软件维护服务合同"}
    assert unknown_title("《软件维护外包合同》的费用", titles) is None  # 3 of 6 bigrams
    assert unknown_title("《房屋租赁合同v2》的押金", {"房屋租赁合同v2": "租约"}) is None
    # a question that is only a title keeps it: nothing else would be left to ask
    assert without_named("《软件维护服务合同》", frozenset({"a"}), titles) == "《软件维护服务合同》"
    assert without_named("《软件维护服务合同》的费用", frozenset({"a"}), titles) == "的费用"
