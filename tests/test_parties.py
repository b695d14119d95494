"""Contract title and party roles from the preamble."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.structure.parties import find_parties, find_title


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("在线客服系统升级服务合同\n合同编号:\n甲方(服务需求方):", "在线客服系统升级服务合同"),
        ("電商平臺售後服務體系升級服務合同合同編號:__________甲方(電商平臺運營方):",
         "電商平臺售後服務體系升級服務合同"),
        ("劳 动 合 同\n（通 用）\n甲方（用人单位）：", "劳动合同"),
        ("GF—2014—0172\n合同编号：\n商品房买卖合同（现售）\n示范文本", "商品房买卖合同（现售）"),
        ("請修正以下錯誤:\n房   屋   租   賃   契   約   書\n立契約書人：", "房屋租賃契約書"),
        ("电商平台智能客服系统升级合同.doc\n查看更多\n电商平台智能客服系统升级合同\n",
         "电商平台智能客服系统升级合同"),
        ("技术服务合同（一）\n合同登记编号：", "技术服务合同"),
        ("第一部分 合同协议书\n发包人：", "fallback"),
        ("本合同由双方签订。", "fallback"),
    ],
)
def test_find_title(text: str, title: str) -> None:
    assert find_title(text, default="fallback") == title


@pytest.mark.parametrize(
    ("text", "parties"),
    [
        ("甲方(维护方):_____\n乙方(用户方):_____\n第一章", {"甲方": "维护方", "乙方": "用户方"}),
        ("甲方（出租方）：张三\n乙方（承租方）：李四", {"甲方": "出租方", "乙方": "承租方"}),
        ("甲方(電商平臺運營方):乙方(售後服務體系升級服務提供方):第一章",
         {"甲方": "電商平臺運營方", "乙方": "售後服務體系升級服務提供方"}),
        ("出租方（甲方）：\n承租方（乙方）：\n", {"甲方": "出租方", "乙方": "承租方"}),
        ("委托方：＿＿＿\n（甲方）\n服务方：＿＿\n（乙方）", {"甲方": "委托方", "乙方": "服务方"}),
        ("乙方（劳 动 者）：\n甲方（用人单位）：", {"甲方": "用人单位", "乙方": "劳动者"}),
        ("立契約書人：出租人 ${mSvc.get(a).name}（以下簡稱甲方）、\n承租人 ${b}（以下簡稱乙方）",
         {"甲方": "出租人", "乙方": "承租人"}),
        # parties named by their roles only: 甲方, 乙方 in the order the preamble names them
        ("出卖人：\n委托代理人： 联系电话：\n买受人：\n【法定代理人】：",
         {"甲方": "出卖人", "乙方": "买受人"}),
        ("发包人（全称）： 承包人（全称）： 根据《民法典》", {"甲方": "发包人", "乙方": "承包人"}),
        ("委托方：华东公司\n受托方：申江公司", {"甲方": "委托方", "乙方": "受托方"}),
        ("“拥有”股份有限公司（以下简称许可方）位于纽约。\n“需要”公司（以下简称被许可方）",
         {"甲方": "许可方", "乙方": "被许可方"}),
        ("第二章 合营各方\n中国×××公司（以下简称甲方），在中国××地登记注册。\n"
         "××国××公司（以下简称乙方），在＿＿国登记注册。",
         {"甲方": "中国合营者", "乙方": "外国合营者"}),
        # 甲方/乙方 without roles, the preamble saying who entrusts whom
        ("立約人\n台灣走起股份有限公司\n（以下簡稱甲方）\n（以下簡稱乙方）\n"
         "雙方茲就乙方委託甲方於其網站平台進行產品體驗廣告服務等事宜，特立此合約書：\n一、商品內容。",
         {"甲方": "受託方", "乙方": "委託方"}),
        ("甲方：某某公司\n乙方：某某公司\n第一条 甲方委托乙方代为办理报关手续。", {}),
        ("出卖人：\n本合同由双方签订。", {}),  # one role is not a pair of parties
        # company names, blanks and signature lines are not roles
        ("中国×××公司（以下简称甲方）\n甲方（签名/盖章）：\n甲方(____)", {}),
        ("本合同由双方签订。", {}),
    ],
)
def test_find_parties(text: str, parties: dict[str, str]) -> None:
    assert find_parties(text) == parties


def test_parties_of_raw_samples(shared: Path) -> None:
    def parties(stem: str) -> dict[str, str]:
        return find_parties((shared / "contracts" / f"{stem}.txt").read_text(encoding="utf-8"))

    assert parties("cs-upgrade") == {"甲方": "服务需求方", "乙方": "服务提供方"}
    assert parties("cs-maintenance") == {"甲方": "维护方", "乙方": "用户方"}
    assert parties("edu-cs-appraisal") == {
        "甲方": "在线教育平台运营商",
        "乙方": "在线客服系统供应商",
    }
