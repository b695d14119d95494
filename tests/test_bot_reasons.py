"""Every reason index/ gives for a file it could not read (and every note it makes on one it
read) has Chinese words in bot/reasons.py: the reasons are found in the source itself, so a
new English reason cannot reach a chat unnoticed."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.reasons import WORDS, reason_words

ROOT = Path(__file__).resolve().parents[1]
# errors whose second argument is a file's reason; the build's own stop says its first
_REASON_ERRORS = {"SourceError", "UnsupportedFormatError", "UnreadableSourceError",
                  "EmptySourceError", "NotAContractError"}


def _template(node: ast.expr, module: ast.Module) -> Iterator[str]:
    """The strings ``node`` can be, a value written as ``{}`` (a name bound to a string in the
    module is followed; a name bound to anything else is a value)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.JoinedStr):
        parts = [""]
        for part in node.values:
            if isinstance(part, ast.Constant):
                parts = [p + str(part.value) for p in parts]
                continue
            assert isinstance(part, ast.FormattedValue)
            inner = list(_template(part.value, module)) if isinstance(part.value, ast.Name) \
                else []
            parts = [p + i for p in parts for i in (inner or ["{}"])]
        yield from parts
    elif isinstance(node, ast.IfExp):
        yield from _template(node.body, module)
        yield from _template(node.orelse, module)
    elif isinstance(node, ast.BoolOp):
        for value in node.values:
            yield from _template(value, module)
    elif isinstance(node, ast.Name):
        for bound in _bound(node.id, module):
            yield from _template(bound, module)
    elif isinstance(node, ast.Dict):
        for value in node.values:
            yield from _template(value, module)
    elif isinstance(node, ast.Subscript):
        yield from _template(node.value, module)
    elif isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "get":  # table.get(key, default)
            yield from _template(func.value, module)
            yield from (t for a in node.args[1:] for t in _template(a, module))
        elif isinstance(func, ast.Attribute) and func.attr == "fromkeys":
            yield from (t for a in node.args[1:] for t in _template(a, module))
        elif isinstance(func, ast.Name) and func.id == "tuple":
            yield from (t for a in node.args for t in _template(a, module))
    elif isinstance(node, (ast.GeneratorExp, ast.ListComp)):
        yield from _template(node.elt, module)


def _bound(name: str, module: ast.Module) -> Iterator[ast.expr]:
    """What ``name`` is assigned anywhere in ``module``."""
    for node in ast.walk(module):
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == name for t in node.targets):
            yield node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) \
                and node.target.id == name and node.value is not None:
            yield node.value
        elif isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Tuple) and any(isinstance(e, ast.Name) and e.id == name
                                                 for e in t.elts) for t in node.targets):
            target = next(t for t in node.targets if isinstance(t, ast.Tuple))
            if isinstance(node.value, ast.Tuple):
                k = next(i for i, e in enumerate(target.elts)
                         if isinstance(e, ast.Name) and e.id == name)
                yield node.value.elts[k]


def _said(module: ast.Module) -> Iterator[ast.expr]:
    """Where a module says why a file was not read, or what it noticed reading one."""
    for node in ast.walk(module):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in _REASON_ERRORS and len(node.args) > 1:
                yield node.args[1]
            elif node.func.id in ("BuildStopped", "ReadResult") and node.args:
                yield node.args[-1]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr == "append" and isinstance(node.func.value, ast.Name):
            holder, [arg] = node.func.value.id, node.args
            if holder in ("failures", "problems") and isinstance(arg, ast.Tuple):
                yield arg.elts[1]
            elif holder == "notes":
                yield arg
        if isinstance(node, ast.BoolOp) and any(  # ``outcome.reason or "could not be read"``
                isinstance(v, ast.Attribute) and v.attr == "reason" for v in node.values):
            yield node
        if isinstance(node, ast.FunctionDef) and node.name == "reason":  # Failure.reason
            yield from (n.value for n in ast.walk(node)
                        if isinstance(n, ast.Return) and n.value is not None)
        if isinstance(node, ast.FunctionDef) and node.name == "_file_problem":
            yield from (n.value for n in ast.walk(node)
                        if isinstance(n, ast.Return) and n.value is not None)
        if isinstance(node, (ast.Yield, ast.Return)) and isinstance(node.value, ast.Tuple) \
                and len(node.value.elts) == 2 and isinstance(node.value.elts[1], ast.JoinedStr):
            yield node.value.elts[1]
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name)
                and t.value.id == "out" for t in node.targets):
            yield node.value
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and (t.id == "notes" or t.id.endswith("REASON")
                                             or t.id in ("MISSING", "EMPTY_FOLDER"))
                for t in node.targets):
            yield node.value


def index_reasons() -> set[str]:
    """Every reason and note index/ (and the bot's check of an upload) can give, as written
    there, values as ``{}``."""
    found: set[str] = set()
    files = [*sorted((ROOT / "index").rglob("*.py")), ROOT / "bot" / "uploads.py"]
    for path in files:
        module = ast.parse(path.read_text(encoding="utf-8"))
        for node in _said(module):
            found.update(t for t in _template(node, module) if t.strip())
    return found


def test_every_reason_index_gives_has_chinese_words() -> None:
    reasons = index_reasons()
    assert len(reasons) > 40  # the scan finds them at all
    assert sorted(reasons - WORDS.keys()) == []


def test_every_reason_with_words_is_one_index_gives() -> None:
    """No words for a reason index/ no longer gives (it was reworded: say the new one)."""
    assert sorted(WORDS.keys() - index_reasons()) == []


def test_the_words_have_no_english_sentence_and_take_their_values() -> None:
    """Words take a reason's values or leave them out (an exception's English text)."""
    for english, chinese in WORDS.items():
        assert chinese.count("{") <= english.count("{}"), english
        words = chinese.format(*(["7"] * english.count("{}")))
        assert not any(w in words for w in (" the ", " not ", "file", "read")), words


@pytest.mark.parametrize(("reason", "simplified", "traditional"), [
    ("no clauses found", "没有找到条款", "沒有找到條款"),
    ("too slow to read (stopped after 60 s)", "读取太慢（60 秒后停止）", "讀取太慢（60 秒後停止）"),
    ("too large to read (it needed more than 2048 MB of memory)",
     "文件太复杂，无法读取（需要超过 2048 MB 内存）",
     "檔案太複雜，無法讀取（需要超過 2048 MB 記憶體）"),
    ("could not be parsed (ValueError: bad (nested) thing)", "读取时出错，无法解析这个文件",
     "讀取時出錯，無法解析這個檔案"),
    ("file too large (10.5 MB, the limit is 10 MB)", "文件太大（10.5 MB，上限 10 MB）",
     "檔案太大（10.5 MB，上限 10 MB）"),
    ("image too large (9000x9000 pixels, the limit is 50 megapixels)",
     "图片太大（9000×9000 像素，上限 50 百万像素）",
     "圖片太大（9000×9000 像素，上限 50 百萬像素）"),
    ("unsupported file type '.xyz': send a PDF, DOCX or text file, or an image (PNG, JPEG, "
     "TIFF, WEBP, BMP, GIF)",
     "不支持 '.xyz' 类型的文件，请发送 PDF、DOCX、文本文件或图片（PNG、JPEG、TIFF、WEBP、BMP、"
     "GIF）",
     "不支援 '.xyz' 類型的檔案，請發送 PDF、DOCX、文字檔或圖片（PNG、JPEG、TIFF、WEBP、BMP、"
     "GIF）"),
    ("clause 第一条 has 7,000 characters, more than 3,000: split into 3 parts",
     "条款 第一条 有 7,000 个字，超过 3,000 个，已分成 3 段",
     "條款 第一條 有 7,000 個字，超過 3,000 個，已分成 3 段"),
])
def test_a_reason_is_said_in_the_askers_script(reason: str, simplified: str,
                                                traditional: str) -> None:
    assert reason_words(reason, "simplified") == simplified
    assert reason_words(reason, "traditional") == traditional


def test_an_unknown_reason_is_said_as_index_gives_it() -> None:
    assert reason_words("a reason nobody wrote words for", "traditional") == (
        "a reason nobody wrote words for")


def test_a_reason_with_more_after_it_is_never_cut_short() -> None:
    """A reason is translated only when its pattern matches it whole (fullmatch): words after
    a known reason are never dropped (the reason is said as index/ gives it, in English), and
    what follows a value at the end stays in that value."""
    for reason in ("file too large (30 MB, the limit is 20 MB) and 3 more files",
                   "too slow to read (stopped after 60 s); retried once",
                   "broken utf-8 text, and no clauses"):
        assert reason_words(reason, "simplified") == reason
    assert reason_words("another source of its collection already has the contract name "
                        "劳动合同（2024 版）", "simplified") == (
        "同一集合中已有另一个文件的合同名也是 劳动合同（2024 版）")
