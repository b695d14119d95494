"""Searcher over a tiny inline corpus: ranking, scope, relevance, lookup, reload, errors."""

from __future__ import annotations

import dataclasses
import json

import pytest
from index_corpus import (
    FAST_ENCODER,
    LEASE,
    MAINT,
    build_tiny_index,
    fast_encoder,
    parse_json,
    write_corpus,
)

from index import store
from index.build import build_index
from index.errors import EncoderMismatchError, IndexMissingError, QueryError, UnknownContractError
from index.search import Searcher
from index.search.question import parse_query


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    return build_tiny_index(tmp_path_factory.mktemp("search"))


@pytest.fixture(scope="module")
def searcher(index_dir):
    return Searcher.open(index_dir, "use-multilingual")


def top(searcher, question, contract=None, k=1):
    res = searcher.search(question, contract=contract, top_k=k)
    return [f"{h.clause.contract}#{h.clause.clause}" for h in res.hits]


@pytest.mark.parametrize(("question", "expected"), [
    ("乙方响应时间是多少", "maint#2.1"),
    ("维护费多少钱", "maint#3.1"),
    ("甲方什么时候付款", "maint#3.2"),
    ("怎么起诉", "maint#5.1"),
    ("押金退不退", "lease#第二条"),
    ("能转租吗", "lease#第四条"),
    ("租期多长", "lease#第三条"),
    ("违约了赔多少", "lease#第五条"),
    ("房租怎么交", "lease#第一条"),
])
def test_the_right_clause_first(searcher, question, expected) -> None:
    assert top(searcher, question) == [expected]


def test_traditional_question(searcher) -> None:
    assert top(searcher, "乙方響應時間是多少？") == ["maint#2.1"]


@pytest.mark.parametrize("closing", ["？", "?", "。", "！！", "～", "… "])
def test_a_questions_closing_punctuation_changes_nothing(searcher, closing) -> None:
    """押金退不退？ is 押金退不退: the same clauses, scores and relevance (a ？ moved the
    question's vector enough to flip a refusal in a walkthrough)."""
    bare, closed = searcher.search("押金退不退", top_k=3), searcher.search(
        f"押金退不退{closing}", top_k=3)
    assert closed.question == f"押金退不退{closing}"  # said back as asked
    assert [(h.clause.clause, h.score) for h in closed.hits] == [
        (h.clause.clause, h.score) for h in bare.hits]
    assert closed.relevant == bare.relevant


def test_chapter_title_reaches_its_clauses(searcher) -> None:
    hits = top(searcher, "保密条款", contract="maint", k=2)
    assert set(hits) <= {"maint#4.1", "maint#4.2", "maint#4.2.1"}


def test_heading_carries_its_children(searcher) -> None:
    assert top(searcher, "保密期限多长", k=2)[0] in {"maint#4.2", "maint#4.2.1"}


def test_characters_find_a_clause_that_shares_no_word(searcher) -> None:
    sig = searcher.signals("年费是多少", contract="maint")
    in_scope = [c.clause for c, m in zip(searcher.all_clauses(), sig.mask, strict=True) if m]
    assert not sig.lexical[sig.mask].any()  # 年费 is no word or bigram of the contract
    best = in_scope[int(sig.characters[sig.mask].argmax())]
    assert best == "3.1"  # 维护费用为每年十万元: 年 and 费


def test_a_question_without_chinese_characters_is_scored_by_its_words_alone(tmp_path) -> None:
    ops = {"key": "ops", "title": "服务器运维合同", "parties": {}, "clauses": [
        ["1", None, None, "服务器CPU使用率超过百分之八十时，乙方应扩容。"],
        ["2", None, None, "甲方应按月支付服务费。"],
    ]}
    searcher = Searcher.open(build_tiny_index(tmp_path, ops), FAST_ENCODER)
    sig = searcher.signals("CPU")
    base = dataclasses.replace(searcher.config, char_weight=0.0)
    without = searcher.rank(sig, 2, config=base).hits
    with_field = searcher.rank(sig, 2, config=dataclasses.replace(base, char_weight=0.1)).hits
    assert without[0].clause.clause == "1"
    assert [(h.clause.clause, h.score) for h in with_field] == [
        (h.clause.clause, h.score) for h in without]  # no characters: BM25 keeps its share


def test_explicit_scope_limits_results(searcher) -> None:
    res = searcher.search("违约金", contract="maint", top_k=5)
    assert res.scope == "maint"
    assert {h.clause.contract for h in res.hits} == {"maint"}
    assert res.parties == {"maint": {"甲方": "委托方", "乙方": "维护方"}}


def test_scope_detected_from_the_title(searcher) -> None:
    res = searcher.search("租赁合同里押金是多少", top_k=3)
    assert res.scope == "lease"
    assert {h.clause.contract for h in res.hits} == {"lease"}
    assert searcher.search("押金是多少").scope is None


def test_scores_are_descending_and_json_shape(searcher) -> None:
    res = searcher.search("乙方应该多久响应", top_k=4)
    scores = [h.score for h in res.hits]
    assert scores == sorted(scores, reverse=True) and len(scores) == 4
    first = res.as_json()["results"][0]
    assert set(first) == {"contract", "title", "clause", "chapter", "chapter_title", "text",
                          "page", "score"}
    assert first["title"] == "软件维护服务合同"


@pytest.mark.parametrize("question", ["明天天气怎么样", "如何做红烧肉", "今晚看什么电影"])
def test_off_topic_is_not_relevant(searcher, question) -> None:
    assert searcher.search(question).relevant is False


@pytest.mark.parametrize("question", ["乙方响应时间是多少", "押金退不退", "怎么起诉"])
def test_on_topic_is_relevant(searcher, question) -> None:
    assert searcher.search(question).relevant is True


def test_a_terse_question_limited_to_its_contract_is_answered_when_its_hit_holds_it(
        searcher) -> None:
    """巡检报告 asked of maint alone (--contract, /use, or its name in the question): its best
    cosine there is below the library-wide thresholds, but 1.2 holds every word it asks. It
    was refused; over the whole library, where nothing names the contract, it still is."""
    scoped = searcher.search("巡检报告", contract="maint")
    assert scoped.relevant and scoped.hits[0].clause.clause == "1.2"
    assert scoped.evidence[0] < searcher.config.weak_dense and scoped.evidence[1] == 1.0
    assert not searcher.search("巡检报告").relevant
    assert not searcher.search("天气预报", contract="maint").relevant  # holds none of it


@pytest.mark.parametrize(("question", "expected", "held"), [
    ("按金幾時退返俾我？", "lease#第二条", 1.0),  # 按金 is 押金, 退返 退还; 幾時, 俾 ask nothing
    ("可唔可以分租俾人", "lease#第四条", 0.5),  # 分租 is 转租; jieba reads 俾人 as one word
])
def test_a_cantonese_question_is_read_as_its_contract_words(searcher, question, expected,
                                                           held) -> None:
    """Hong Kong wording (按金, 分租, 可唔可以, 唔, 咗) finds the clause its mainland words would:
    its particles and question words are no content, its words expand to the contract's, and
    the hit holds them, so it is answered (half of our Cantonese questions were refused)."""
    result = searcher.search(question)
    assert top(searcher, question) == [expected]
    assert result.relevant and result.evidence[1] == held


def test_word_coverage_counts_asked_words_of_two_characters_or_more(searcher) -> None:
    """What relevance reads beside the dense score: the share of the question's words the
    top hit holds, single characters (猫) left out while longer words remain, and the words
    naming the contract (租赁 of 租赁合同) left out: only 合同 and 押金 are asked."""
    cat = searcher.search("猫押金是多少")
    assert top(searcher, "猫押金是多少") == ["lease#第二条"] and cat.evidence[1] == 1.0
    named = searcher.search("租赁合同的押金是多少")
    assert named.scopes == ("lease",) and named.hits[0].clause.clause == "第二条"
    assert named.evidence[1] == 0.5  # 押金 is in it, 合同 is not


def test_errors(searcher) -> None:
    with pytest.raises(QueryError, match="empty"):
        searcher.search("  ")
    with pytest.raises(QueryError, match="no contract named nope"):
        searcher.search("押金", contract="nope")
    with pytest.raises(QueryError):
        searcher.get_clause("1.1", contract="nope")


def test_get_clause_forms(searcher) -> None:
    assert [h.clause.clause for h in searcher.get_clause("2.1")] == ["2.1"]
    assert [h.clause.clause for h in searcher.get_clause("第2.1条", "maint")] == ["2.1"]
    assert [h.clause.clause for h in searcher.get_clause("第四條", "lease")] == ["第四条"]
    assert [h.clause.clause for h in searcher.get_clause("4", "lease")] == ["第四条"]
    assert searcher.get_clause("9.9") == []


def test_a_clause_cited_by_number_comes_first(searcher) -> None:
    """第三条 shares no word with "写了什么": the citation alone puts it first, and a question
    about it is answered, not refused as off-topic."""
    res = searcher.search("房屋租赁合同第三条写了什么", top_k=3)
    assert [h.clause.clause for h in res.hits][:1] == ["第三条"] and res.relevant
    hits = top(searcher, "第4.2条讲什么", contract="maint", k=5)  # 4.2 is quoted with 4.2.1
    assert hits[0] == "maint#4.2" and "maint#4.2.1" not in hits
    assert top(searcher, "第9条讲什么", contract="lease") != ["lease#第九条"]  # none: as before
    assert top(searcher, "违约金是不是0.5%", k=1) == top(searcher, "违约金是不是", k=1)
    both = searcher.search("房屋租赁合同第三条和第四条写了什么", top_k=4)
    assert [h.clause.clause for h in both.hits][:2] == ["第三条", "第四条"]
    assert both.cited == 2  # how many lead: an answer quotes them before the other hits


def test_a_cited_number_no_clause_has_is_named(searcher) -> None:
    """第九条 of a lease that ends at 第六条, 4.9 of a contract without one: the search says
    so (as the question wrote it), and still gives the closest clauses."""
    res = searcher.search("房屋租赁合同第九条写了什么", top_k=2)
    assert res.uncited == ("第九条",) and res.hits
    assert searcher.search("第4.9条讲什么", contract="maint").uncited == ("4.9",)
    assert searcher.search("房屋租赁合同第三条写了什么").uncited == ()
    assert searcher.search("押金多少").uncited == ()
    assert searcher.search("maint第4.2条讲什么").scope == "maint"  # an ASCII key before 第


def test_a_chapter_cited_in_a_question_leads_with_its_clauses(searcher) -> None:
    """第二章讲什么 was answered by whatever shared its words (讲什么: nothing), or refused, while
    /clause 第二章 quoted the chapter: the chapter's top clauses now lead, as a cited clause
    does, and a chapter no contract in scope has is named as a missing clause is."""
    res = searcher.search("第二章讲什么", contract="maint", top_k=5)
    assert sorted(h.clause.clause for h in res.hits[:2]) == ["2.1", "2.2"]
    assert res.cited == 2 and res.relevant and res.uncited == ()
    four = searcher.search("第4章的内容", contract="maint", top_k=5)  # 4.2 heads 4.2.1
    assert sorted(h.clause.clause for h in four.hits[:2]) == ["4.1", "4.2"] and four.cited == 2
    assert "4.2.1" not in [h.clause.clause for h in four.hits]
    missing = searcher.search("第九章讲什么", contract="maint")
    assert missing.uncited == ("第九章",) and missing.cited == 0
    assert searcher.search("第三章和第2.1条", contract="maint").cited == 3
    assert searcher.search("房屋租赁合同第三条写了什么").cited == 1  # a lease has no chapters


def test_an_annex_cited_in_a_question_leads_and_a_missing_one_is_named_without_spaces(
        tmp_path, searcher) -> None:
    """附件二写了什么 (README: a chapter or an annex cited leads, as /clause 附件二 quotes it);
    a missing chapter asked with spaces (第 9 章) is named as /clause names it, 第9章."""
    supply = {"key": "supply", "title": "设备采购合同", "parties": {}, "clauses": [
        ["第一条", None, None, "附件是本合同的组成部分。"],
        ["第二条", None, None, "甲方应于验收合格后付清货款。"],
        ["附件一", "附件一", "设备清单", "挖掘机一台，型号见报价单。"],
        ["附件二", "附件二", "付款计划", "首期付款百分之三十，验收后付清。"],
    ]}
    annexed = Searcher.open(build_tiny_index(tmp_path, supply), FAST_ENCODER)
    res = annexed.search("附件二写了什么", top_k=3)
    assert res.hits[0].clause.clause == "附件二" and res.cited == 1 and res.relevant
    assert annexed.search("附件 1 的内容", top_k=3).hits[0].clause.clause == "附件一"
    assert annexed.search("附件五写了什么").uncited == ("附件五",)
    assert searcher.search("第 9 章讲什么", contract="maint").uncited == ("第9章",)


def test_a_comparison_of_a_cited_clause_quotes_it_where_it_exists(searcher) -> None:
    from index.search import compare_contracts

    rows = {r.contract: r.hit for r in compare_contracts(searcher, "第三条写了什么").rows}
    assert rows["lease"] is not None and rows["lease"].clause.clause == "第三条"
    assert rows["maint"] is None  # numbered 3.1, 3.2: no 第三条


def test_a_comparison_naming_a_contract_not_indexed_is_refused_as_a_search_is(searcher) -> None:
    from index.search import compare_contracts

    with pytest.raises(UnknownContractError):
        searcher.search("《火星合同》的押金")
    with pytest.raises(UnknownContractError):
        compare_contracts(searcher, "《火星合同》的押金")


def test_a_sum_in_digits_finds_it_in_words(tmp_path) -> None:
    """Three instalments told apart by their sums: 5000块 is 伍仟元 (both q:5000元)."""
    pay = {"key": "pay", "title": "设备采购合同", "parties": {}, "clauses": [
        ["1", None, None, "甲方应于签订合同后支付首期款120,000元。"],
        ["2", None, None, "甲方应于设备到货后支付第二期款贰万元。"],
        ["3", None, None, "甲方应于验收合格后支付第三期款人民币伍仟元整。"],
    ]}
    searcher = Searcher.open(build_tiny_index(tmp_path, pay), FAST_ENCODER)
    assert [h.clause.clause for h in searcher.search("5000块是哪一期", top_k=1).hits] == ["3"]


def test_contracts_listing(searcher) -> None:
    infos = {c.key: c for c in searcher.contracts()}
    assert infos["lease"].title == "房屋租赁合同" and infos["lease"].clauses == 5
    assert infos["maint"].parties["乙方"] == "维护方"


def test_encoder_mismatch_says_rebuild(index_dir) -> None:
    with pytest.raises(EncoderMismatchError, match="contractbot index build"):
        Searcher.open(index_dir, "some-other-model")


@pytest.mark.parametrize("alias", ["use", "usem3"])
def test_an_encoder_alias_opens_the_index_built_with_its_encoder(index_dir, alias) -> None:
    # README: `use` and `usem3` are short for use-multilingual; `index build` took the alias,
    # while ask, compare and serve refused the index it built ("built with encoder
    # 'use-multilingual' but 'use' is configured").
    searcher = Searcher.open(index_dir, alias)
    assert searcher.encoder.name == "use-multilingual"
    assert searcher.search("押金", top_k=1).hits


def test_missing_index(tmp_path) -> None:
    with pytest.raises(IndexMissingError):
        Searcher.open(tmp_path, "use-multilingual")


def test_reload_when_the_generation_changes(tmp_path) -> None:
    src, idx = tmp_path / "src", tmp_path / "idx"
    write_corpus(src, LEASE)
    build_index([src], idx, fast_encoder(), parse=parse_json, progress=False)
    s = Searcher.open(idx, "use-multilingual")
    old = s.generation
    assert s.refreshed() is s
    write_corpus(src, MAINT)
    build_index([src], idx, fast_encoder(), parse=parse_json, progress=False)
    fresh = s.refreshed()
    assert fresh is not s and fresh.encoder is s.encoder and fresh.refreshed() is fresh
    assert fresh.generation != old == s.generation == json.loads(
        (store.generation_dir(idx, old) / store.MANIFEST).read_text())["generation"]
    assert {c.key for c in fresh.contracts()} == {"lease", "maint"}
    assert {c.key for c in s.contracts()} == {"lease"}  # the old one keeps its generation


def test_a_cited_number_only_another_contract_has_is_named(searcher) -> None:
    """第五条 asked of maint (numbered 1.1 … 5.1): the lease's 第五条 does not answer for it."""
    assert searcher.search("第五条写了什么", contract="maint").uncited == ("第五条",)


def test_a_question_in_taiwan_words_also_searches_the_mainland_words(tmp_path) -> None:
    """軟體 and 資料 are Taiwan words for 软件 and 数据: their t2s reading (软体, 资料) is no
    word of a mainland contract, so the question's tw2sp reading is searched too (as an
    expansion: 软体 and 资料 stay searched, for a Taiwan contract)."""
    soft = {"key": "soft", "title": "系统服务合同", "parties": {}, "clauses": [
        ["1", None, None, "甲方应向乙方提供相关资料，乙方应定期检查。"],
        ["2", None, None, "乙方应定期备份甲方的数据。"],
        ["3", None, None, "硬件的试用期由双方另行约定。"],
        ["4", None, None, "本软件的试用期为九十天。"],
    ]}
    searcher = Searcher.open(build_tiny_index(tmp_path, soft), FAST_ENCODER)
    asked = parse_query("軟體試用期有幾天", thesaurus=searcher.thesaurus)
    assert "软体" in asked.tokens and "软件" in asked.expansion
    sig = searcher.signals("軟體試用期有幾天")
    at = {c.clause: i for i, c in enumerate(searcher.all_clauses())}
    assert sig.lexical_expansion[at["4"]] > 0 and sig.lexical_expansion[at["3"]] == 0
    assert top(searcher, "軟體試用期有幾天") == ["soft#4"]
    assert top(searcher, "資料會定期備份嗎") == ["soft#2"]
    assert parse_query("软件试用期", thesaurus=searcher.thesaurus).expansion == ()


def test_taiwan_words_opencc_does_not_map_meet_the_contract_words(tmp_path) -> None:
    """保固, 特休 and 資遣費 are Taiwan words a mainland contract never writes (质量保证 /
    保修期, 带薪年休假, 经济补偿) and OpenCC leaves as they are: the thesaurus maps them."""
    work = {"key": "work", "title": "服务合同", "parties": {}, "clauses": [
        ["1", None, None, "乙方应按时完成系统升级并交付。"],
        ["2", None, None, "系统验收合格后的保修期为十二个月。"],
        ["3", None, None, "员工每年享有带薪年休假五天。"],
        ["4", None, None, "解除劳动合同的，甲方应依法支付经济补偿。"],
        ["5", None, None, "乙方应每月对系统进行一次巡检。"],
    ]}
    searcher = Searcher.open(build_tiny_index(tmp_path, work), FAST_ENCODER)
    asked = parse_query("系統保固多久", thesaurus=searcher.thesaurus)
    assert "保修期" in asked.expansion
    assert top(searcher, "系統保固多久") == ["work#2"]
    assert top(searcher, "特休有幾天") == ["work#3"]
    assert top(searcher, "資遣費怎麼算") == ["work#4"]
