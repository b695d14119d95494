"""Annexes of the shared contracts: a handover list is an annex of its own, a list of annexes
not attached is no annex, and a blank signature block before an annex is dropped."""

from __future__ import annotations

from shared_trees import ids, parsed


def test_the_lease_handover_list_is_an_annex_of_its_own() -> None:
    c = ids(parsed("租赁合同.pdf"))
    assert c["附件"].title == "房屋交割单"
    assert "项目：冷水" in c["附件"].text.split("\n")
    assert "项目：冷水" not in c["第二十一条"].text and "签名/盖章" not in c["第二十一条"].text


def test_a_list_of_annexes_not_attached_is_no_annex() -> None:
    """劳动合同（已填写样例）: "附件：" then 附件一：《岗位说明书》 … 附件四：…, none attached: one
    clause listing them, and the filled signature block after it signs the contract."""
    c = ids(parsed("劳动合同（已填写样例）.pdf"))
    assert c["附件"].text.split("\n")[0] == "附件一：《岗位说明书》"
    assert c["附件"].text.endswith("附件四：《社会保险及公积金缴纳标准》")
    assert not any(k.startswith(("附件一", "附件四")) for k in c)
    assert c["签署"].chapter is None and "杭州星河数智科技有限公司" in c["签署"].text


def test_a_handover_list_after_a_blank_signature_block_is_an_annex() -> None:
    """房屋租赁合同(标准、完整): the blank block (出租方（甲方）： 承租方（乙方）： … 签约时间：) is
    dropped, and the unnumbered 房屋交割清单 after it is an annex, whole, not text of 第十六条."""
    c = ids(parsed("房屋租赁合同(标准、完整).docx"))
    assert c["第十六条"].text.endswith("本合同一式    份，甲乙双方各执份。")
    assert "签署" not in c and "第十六条第3项" not in c
    assert c["附件"].chapter_title == "房屋交割清单"
    assert "项目：燃气费" in c["附件"].text.split("\n")
    assert "退房确认：甲乙双方已对房屋和附属物品" in c["附件"].text
    assert not any("签约时间" in x.text or "承租方（乙方）" in x.text for x in c.values())
