"""Asking in words which contracts there are: 有哪些合同, 你这里有什么合同, 合同清单, 有幾份合約
(with 你好, 请问, 麻烦 around them) is answered with the list /contracts gives, not searched as
a question about clauses (it quoted unrelated clauses, or refused). Only a message that asks
for the list and nothing more: 有哪些合同规定了违约金 and 哪些合同提到押金 are questions."""

from __future__ import annotations

import re

from .addressing import bare_words
from .remarks import GREETINGS, THANKS

# Words (Simplified: the message is converted first, lower-cased, without punctuation or
# spaces) that say nothing of their own before or after the request: greetings, politeness.
_BEFORE = (*GREETINGS, "请问", "请教一下",
           "麻烦你", "麻烦", "打扰一下", "想问一下", "问一下", "我想问", "我想知道", "想知道",
           "请")
_AFTER = ("呢", "吗", "啊", "呀", "吧", "啦", *THANKS)
# Who has them and how many: 你这里, 目前, 一共; what is done with them: 有, 能查, 收录了.
_WHO = ("你这里", "你这边", "你这儿", "你们", "这里", "这边", "你", "您", "我们", "我", "机器人",
        "目前", "现在", "一共", "总共", "共", "都")
_VERBS = ("收录了", "收录", "存了", "可以查询", "可以查", "能查询", "能查", "可查", "可以问",
          "能问", "可问", "可以看", "能看", "支持", "包括", "包含", "有")
_HOW_MANY = ("哪些", "哪几份", "哪几个", "哪几种", "哪几", "什么", "啥", "咩", "边啲", "几份",
             "几个", "多少份", "多少个", "多少")
_NOUNS = ("合同", "合约", "协议")
_THEN = ("可以查询", "可以查", "可以问", "可以看", "能查询", "能查", "能问", "可查", "可问")
_SHOW = ("给我看看", "看看", "看一下", "查看", "显示", "列出", "发一下", "发")
_LISTS = ("清单", "列表", "目录", "名单", "一览")


def _any(words: tuple[str, ...]) -> str:
    """An alternation of ``words``, the longest first (one may hold another)."""
    return "(?:" + "|".join(sorted(words, key=len, reverse=True)) + ")"


_NOUN = _any(_NOUNS)
_ASKS = re.compile(
    f"{_any(_BEFORE)}*(?:"
    # 你这里有什么合同, 能查哪些合同, 有几份合约, 有哪些合同可以查
    f"{_any(_WHO)}*{_any(_VERBS)}?{_any(_HOW_MANY)}{_NOUN}{_any(_THEN)}?"
    # 合同清单, 看看合同列表, 列出所有合同
    f"|{_any(_SHOW)}?(?:所有|全部)?的?{_NOUN}{_any(_LISTS)}"
    f"|{_any(_SHOW)}(?:所有|全部)的?{_NOUN}"
    f"){_any(_AFTER)}*")


def contracts_asked(question: str) -> bool:
    """Whether ``question`` only asks which contracts there are (有哪些合同, 合同清單), with
    greetings and politeness around it; a question that says more of them (有哪些合同规定了
    违约金) is not."""
    return _ASKS.fullmatch(bare_words(question)) is not None
