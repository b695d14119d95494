"""Ruled tables found in an ink mask (index.ingest.grids): tables drawn here with numpy, exact
rules, boundaries and cells; form lines, a single band and a framed page are not tables."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import numpy as np

from index.ingest.grids import find_grids, ink_mask, ink_skew


def _page(width: int = 1000, height: int = 800) -> np.ndarray:
    return np.zeros((height, width), dtype=bool)


def _rule(ink: np.ndarray, y: int, x0: int, x1: int) -> None:
    ink[y : y + 3, x0:x1] = True


def _wall(ink: np.ndarray, x: int, top: int, bottom: int) -> None:
    ink[top:bottom, x : x + 3] = True


def _table(ink: np.ndarray, rules: list[int], walls: list[list[int]], x0: int, x1: int) -> None:
    """Rules at ``rules`` from x0 to x1; in each band, walls at the given x."""
    for y in rules:
        _rule(ink, y, x0, x1 + 3)
    for (top, bottom), xs in zip(pairwise(rules), walls, strict=True):
        for x in xs:
            _wall(ink, x, top, bottom + 3)


def test_a_ruled_table_gives_its_rules_columns_and_merged_cells() -> None:
    ink = _page()
    # a title band across the table, then a header and a data row of three columns
    _table(ink, [100, 160, 220, 280], [[100, 900], [100, 300, 600, 900], [100, 300, 600, 900]],
           100, 900)
    ink[400:403, 50:950] = True  # a rule under the table, alone: not a band of it
    (grid,) = find_grids(ink)
    assert grid.rules == (101.0, 161.0, 221.0, 281.0)
    assert grid.bounds == (101.0, 301.0, 601.0, 901.0)
    assert grid.cell_of(500, 130) == (0, 0)  # the title spans the table
    assert grid.cell_of(450, 190) == (1, 1)
    assert grid.cell_of(850, 250) == (2, 2)
    assert grid.cell_of(500, 300) is None and grid.cell_of(50, 190) is None
    texts = {(0, 0): "生活费用信息", (1, 0): "项目", (1, 1): "单价", (1, 2): "备注",
             (2, 0): "冷水", (2, 1): "3"}
    assert grid.rows(texts) == [["生活费用信息", None, None], ["项目", "单价", "备注"],
                                ["冷水", "3", ""]]


def test_form_lines_and_a_single_band_are_not_tables() -> None:
    ink = _page()
    for y in (100, 160, 220):  # blanks to fill in, one under another: no walls between them
        _rule(ink, y, 300, 900)
    _table(ink, [400, 460], [[100, 900]], 100, 900)  # one box: a single band
    _table(ink, [500, 560, 780], [[50, 950], [50, 950]], 50, 950)  # a frame with a rule across
    assert find_grids(ink) == []


def test_two_tables_one_above_the_other_are_two_grids() -> None:
    ink = _page()
    _table(ink, [100, 160, 220], [[100, 500, 900], [100, 500, 900]], 100, 900)
    _table(ink, [400, 460, 520], [[200, 400, 600], [200, 400, 600]], 200, 600)
    first, second = find_grids(ink)
    assert (first.x0, first.x1, first.bottom) == (101.0, 901.0, 221.0)
    assert (second.x0, second.x1, second.top) == (201.0, 601.0, 401.0)
    assert second.rows({(1, 1): "2"}) == [["", ""], ["", "2"]]


def test_a_shadow_over_a_page_is_not_a_table() -> None:
    """A photo's dark corner is ink from edge to edge: too thick for rules and walls."""
    ink = _page()
    ink[500:, :] = True
    ink[520:800:60, :] = False  # lighter streaks across it
    _table(ink, [100, 160, 220], [[100, 500, 900], [100, 500, 900]], 100, 900)
    (grid,) = find_grids(ink)
    assert grid.bottom == 221.0


def test_a_photo_turned_a_few_degrees_is_turned_level_and_its_table_found() -> None:
    """A ruled table drawn with Pillow, photographed 4.5° off: the ink tells the turn, and the
    grid is found on the page turned back (text alone may not tell it: short cells)."""
    from PIL import Image, ImageDraw

    page = Image.new("L", (1200, 1000), 255)
    draw = ImageDraw.Draw(page)
    for y in (200, 280, 360, 440):
        draw.line([(150, y), (1050, y)], fill=0, width=3)
    for x in (150, 450, 750, 1050):
        draw.line([(x, 200), (x, 440)], fill=0, width=3)
    photo = page.rotate(4.5, expand=True, fillcolor=255, resample=Image.Resampling.BICUBIC)
    angle = ink_skew(photo)
    assert abs(np.degrees(angle) + 4.5) <= 0.1
    (grid,) = find_grids(ink_mask(photo, angle))
    assert len(grid.rules) == 4 and len(grid.bounds) == 4


def test_a_cell_merged_down_over_two_rows_keeps_the_table_whole() -> None:
    """A 类别 cell spanning two rows: the rule between them stops at its right wall. The
    table was not found at all (that rule is shorter than the others); now the merged cell
    holds the text written across the missing rule, and names both of its rows."""
    ink = _page()
    for y, x0 in ((100, 100), (160, 100), (220, 300), (280, 100), (340, 100)):
        _rule(ink, y, x0, 903)
    for x in (100, 300, 600, 900):
        _wall(ink, x, 100, 343)
    (grid,) = find_grids(ink)
    assert grid.rules == (101.0, 161.0, 221.0, 281.0, 341.0)
    assert grid.bounds == (101.0, 301.0, 601.0, 901.0)
    assert grid.cell_of(200, 221) == (1, 0)  # written across the missing rule
    assert grid.cell_of(200, 250) == (1, 0) and grid.cell_of(450, 250) == (2, 1)
    texts = {(0, 0): "类别", (0, 1): "名称", (0, 2): "数量", (1, 0): "硬件设备",
             (1, 1): "服务器", (1, 2): "2", (2, 1): "交换机", (2, 2): "4", (3, 0): "软件",
             (3, 1): "授权", (3, 2): "2"}
    assert grid.rows(texts) == [["类别", "名称", "数量"], ["硬件设备", "服务器", "2"],
                                ["硬件设备", "交换机", "4"], ["软件", "授权", "2"]]
    # a remark merged down is said once; a row with nothing of its own gets nothing
    texts[(1, 0)] = "以上设备均由乙方负责安装调试。"
    del texts[(2, 1)], texts[(2, 2)]
    assert grid.rows(texts)[2] == ["", "", ""]


def test_a_shorter_rule_under_a_table_is_not_part_of_it() -> None:
    """A line starting at the table's left edge under it (a signature line) does not end the
    table in a merged cell: a table ends at a rule across it."""
    ink = _page()
    _table(ink, [100, 160, 220], [[100, 500, 900], [100, 500, 900]], 100, 900)
    _rule(ink, 300, 100, 500)
    for x in (100, 500):
        _wall(ink, x, 220, 303)
    (grid,) = find_grids(ink)
    assert grid.bottom == 221.0


def test_a_cell_merged_across_middle_columns_stays_under_its_first_column() -> None:
    """A cell merged across two middle columns (the wall between them missing in its band
    only): its text is its first column's, the column it covers is None, and the cell after
    it keeps its own column (checked end to end on OCR of drawn tables, turned and blurred;
    nothing landed in the wrong column)."""
    from index.ingest.tables import table_lines

    ink = _page()
    _table(ink, [100, 160, 220, 280],
           [[100, 300, 500, 700, 900], [100, 300, 700, 900], [100, 300, 500, 700, 900]],
           100, 900)
    (grid,) = find_grids(ink)
    assert grid.bounds == (101.0, 301.0, 501.0, 701.0, 901.0)
    assert grid.cell_of(520, 190) == (1, 1)  # right of the missing wall: the merged cell
    assert grid.cell_of(800, 190) == (1, 3)
    texts = {(0, 0): "名称", (0, 1): "数量", (0, 2): "单价", (0, 3): "备注",
             (1, 0): "线缆", (1, 1): "按米计，共30米", (1, 3): "蓝色",
             (2, 0): "交换机", (2, 1): "4", (2, 2): "800", (2, 3): "备用"}
    rows = grid.rows(texts)
    assert rows[1] == ["线缆", "按米计，共30米", None, "蓝色"]
    assert table_lines(rows) == ["名称：线缆；数量：按米计，共30米；备注：蓝色",
                                 "名称：交换机；数量：4；单价：800；备注：备用"]


def test_a_table_photographed_in_uneven_light_is_found(shared: Path) -> None:
    """The 生活费用信息 table of 租赁合同.pdf p. 18 photographed 3° off, lit from the right:
    the paper goes from grey 150 on the left to white. Its shade was darker than the ink
    threshold, so half the page was ink: the turn came out 0.1° and no rule was found, and the
    table was read as lines of words. The light is levelled first: the same rules and
    columns as on the page lit evenly."""
    from PIL import Image
    from scans import crop, render_page

    page = crop(render_page(shared / "contracts-real" / "租赁合同.pdf", 18), 0.05, 0.62)

    def photographed(light: np.ndarray) -> Image.Image:
        lit = np.asarray(page, np.float32) * light[None, :]
        return Image.fromarray(lit.astype(np.uint8)).rotate(
            3.0, expand=True, fillcolor=int(255 * light[0]), resample=Image.Resampling.BICUBIC)

    def grids(photo: Image.Image) -> tuple[float, list[tuple[int, int]]]:
        angle = ink_skew(photo)
        return angle, [(len(g.rules), len(g.bounds)) for g in find_grids(ink_mask(photo, angle))]

    even_angle, even = grids(photographed(np.ones(page.width, np.float32)))
    angle, found = grids(photographed(np.linspace(0.59, 1.0, page.width, dtype=np.float32)))
    assert abs(np.degrees(angle) + 3.0) <= 0.1 and abs(np.degrees(even_angle) + 3.0) <= 0.1
    assert found == even and len(even) == 1 and even[0][0] >= 5
