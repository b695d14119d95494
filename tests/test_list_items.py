"""List items in the clause tree: when they are clauses of their own (long items, long lists
of provisions) and when they stay in their clause's text (short items, blanks drawn wide)."""

from __future__ import annotations

from index.models import Clause
from index.structure.clauses import split_clauses


def _by_id(clauses: list[Clause]) -> dict[str, Clause]:
    return {c.clause: c for c in clauses}


def _tree(text: str) -> dict[str, str]:
    return {c.clause: c.text for c in split_clauses(text, "t")}


def test_long_items_become_children_with_parent_ids() -> None:
    long = (
        "甲方应当保障该房屋及附属设施处于适用和安全的状态，"
        "并在接到乙方通知后及时进行维修，维修期间乙方无法使用的，租金相应减免"
    )
    text = (
        "房屋租赁合同\n第一条 房屋维修\n"
        f"（一）{long}。\n（二）{long}，费用由甲方承担。\n"
        "第二条 本合同自签字之日起生效。\n"
    )
    c = _by_id(split_clauses(text, "lease"))
    assert list(c) == ["第一条", "第一条（一）", "第一条（二）", "第二条"]
    assert (c["第一条"].title, c["第一条"].text) == ("房屋维修", "房屋维修")
    assert c["第一条（二）"].parent == "第一条" and c["第一条（二）"].level == 2
    assert c["第一条（二）"].text == f"{long}，费用由甲方承担。"


def test_a_list_starts_at_one_under_each_clause() -> None:
    text = ("合同\n第一条 甲方应：\n（1）付款；\n（2）验收。\n"
            "第二条 乙方应：\n（4）交货；\n（5）保修。\n")
    t = _tree(text)
    assert list(t) == ["第一条", "第二条"]
    assert t["第二条"] == "乙方应：\n（4）交货；\n（5）保修。"


def test_a_list_of_provisions_too_long_to_quote_whole_becomes_clauses() -> None:
    """Items averaging 60 characters or less stay in their clause's text, unless there are so
    many provisions that the list is over 400 characters; a long list of words stays."""
    provisions = [f"甲方应按约定履行第{n}项义务，未按约定履行的，应当赔偿乙方因此遭受的全部损失。"
                  for n in range(1, 12)]
    lines = "\n".join(f"{n}、{p}" for n, p in enumerate(provisions, 1))
    c = _by_id(split_clauses(f"租赁合同\n一、租金每月一千元。\n二、其它约定事项：\n{lines}\n"
                             "三、本协议一式二份。\n", "x"))
    assert [k for k in c if k.startswith("二")] == ["二"] + [f"二第{n}项" for n in range(1, 12)]
    assert c["二第3项"].text == provisions[2]
    words = "\n".join(f"{n}、第{n}号设备的安装调试说明书及合格证" for n in range(1, 31))
    c = _by_id(split_clauses(f"供货合同\n一、甲方交付下列文件：\n{words}\n二、本协议一式二份。\n",
                             "x"))
    assert list(c) == ["一", "二"]
    assert c["一"].text.endswith("\n30、第30号设备的安装调试说明书及合格证")


def test_a_blank_drawn_wide_makes_no_item_longer() -> None:
    """A PDF reads a blank to fill in as one space, a DOCX as the many it is drawn with: the
    same items are text of their clause in both."""
    def tree(blank: str) -> list[str]:
        return list(_tree(
            "委托合同\n第一条 违约责任\n"
            f"（一）甲方逾期{blank}日支付委托费用的，应当按{blank}的标准支付违约金。\n"
            f"（二）乙方逾期{blank}日交付成果的，应当按{blank}的标准支付违约金。\n"
            "第二条 本合同自签字之日起生效。\n"))
    assert tree(" ") == tree(" " * 20) == tree("\u3000" * 8) == ["第一条", "第二条"]
