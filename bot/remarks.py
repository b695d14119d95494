"""What is said to the bot that is no question: a greeting or thanks alone (你好, 在吗, 谢谢,
多謝, with 啊, 呀 or punctuation around them) gets a short reply, how to ask or 不客气, and a
link alone (https://…/合同.pdf) that links are not opened. They were searched: the greeting
answered 没有找到与问题相关的条款 with a button for the closest clauses and kept in the
question log as a question nobody answered, the link answered with clauses its letters
matched. A message with more words (你好，押金怎么退) is a question."""

from __future__ import annotations

import re
from typing import Literal

from .addressing import bare_words

# Simplified, lower-cased, without punctuation or spaces (``bare_words``), as the lists of
# whole-message requests read a message; listing.py lets them stand around 有哪些合同 too.
GREETINGS = ("你好", "您好", "哈喽", "哈啰", "嗨", "hi", "hello", "在吗")
THANKS = ("谢谢", "多谢", "谢了")
_MORE_GREETINGS = ("大家好", "你们好", "早上好", "上午好", "下午好", "晚上好", "早安", "哈罗",
                   "hey", "在不在", "有人吗", "有人在吗",
                   "早晨", "有冇人", "有冇人喺度")  # Hong Kong's 早晨 (早上好), 有冇人 (有人吗)
_MORE_THANKS = ("谢谢你", "谢谢您", "感谢", "非常感谢", "多谢了", "辛苦了", "thanks", "thankyou",
                "thx", "唔该", "唔该晒", "多谢晒")  # 唔該, 多謝晒: Hong Kong's thanks
_PARTICLES = ("啊", "呀", "哦", "喔", "哈", "啦", "呢", "哇", "嗯")

Said = Literal["greeting", "thanks", "link"]
_LINKS = re.compile(r"(?:\s*(?:https?://|www\.)\S+)+\s*", re.IGNORECASE)


def _any(words: tuple[str, ...]) -> str:
    """An alternation of ``words``, the longest first (one may hold another)."""
    return "(?:" + "|".join(sorted(words, key=len, reverse=True)) + ")"


_HELLO = _any((*GREETINGS, *_MORE_GREETINGS))
_THANK = _any((*THANKS, *_MORE_THANKS))
_ONLY = re.compile(f"(?:{_HELLO}|{_THANK}|{_any(_PARTICLES)})*")


def remark(message: str) -> Said | None:
    """"thanks" when ``message`` only thanks (谢谢, 多謝啦, thanks!), "greeting" when it only
    greets (你好, 在吗？, hi), "link" when it is links alone, else None: a question, or
    nothing in words."""
    if _LINKS.fullmatch(message):
        return "link"
    bare = bare_words(message)
    if not bare or _ONLY.fullmatch(bare) is None:
        return None
    if re.search(_THANK, bare):
        return "thanks"
    return "greeting" if re.search(_HELLO, bare) else None
