"""The reasons index/ gives for a file it could not read, and the notes it makes on one it
read, in the bot's words: ``index status`` and the command line keep the English (operators
read them), a chat gets short Chinese.

``WORDS`` maps each English reason to its Simplified words; ``{}`` in a reason stands for a
value (seconds, MB, a format, a clause number, or a reason, itself said in its words) that goes
to ``{0}``, ``{1}`` ... of the words.
A reason not in it is said in English, as index/ gives it (tests/test_bot_reasons.py lists every
reason index/ can give, so a new one cannot slip through).
"""

from __future__ import annotations

import re
from functools import cache

from index import Revision, Script, to_script

from . import texts

_AS_DOCX = "请另存为 .docx 或 PDF 后再发送"
_CONTRACT_AS_DOCX = "请把合同另存为 .docx 或 PDF 后再发送"
_CANNOT_OPEN = "服务器无法打开这个文件"

WORDS: dict[str, str] = {
    # the file as a whole (index/ingest/extract.py, index/parse.py, index/build/sources.py)
    "no such file": "文件不存在",
    "no such file or folder": "文件或文件夹不存在",
    "cannot be read ({})": _CANNOT_OPEN,
    "cannot read file: {}": _CANNOT_OPEN,
    "empty file": "文件是空的",
    "empty folder: nothing to index": "文件夹是空的，没有可以收录的文件",
    "symbolic link, not followed": "这是一个链接，没有读取",
    "resolves outside the source folder, skipped": "它指向合同文件夹之外，没有读取",
    "not a regular file, skipped": "不是普通文件，没有读取",
    "file too large ({} MB, the limit is {} MB)": "文件太大（{0} MB，上限 {1} MB）",
    # file types we do not read
    ("HEIC photo: not read; save it as JPEG (on an iPhone: Settings > Camera > Formats > "
     "Most Compatible) or PNG"): texts.UPLOAD_HEIC,
    "legacy .doc: save it as .docx or PDF": f"这是旧版 Word 文档（.doc），{_AS_DOCX}",
    "legacy .doc (or a password-protected document): save it as .docx or PDF":
        f"这是旧版 Word 文档（.doc）或有密码保护的文档，{_AS_DOCX}",
    "WPS document: save it as .docx or PDF": f"这是 WPS 文档，{_AS_DOCX}",
    "RTF: save it as .docx or PDF": f"这是 RTF 文档，{_AS_DOCX}",
    "OpenDocument text: save it as .docx or PDF": f"这是 OpenDocument 文档，{_AS_DOCX}",
    "spreadsheets are not supported: save the contract as .docx or PDF":
        f"不支持电子表格，{_CONTRACT_AS_DOCX}",
    "presentations are not supported: save the contract as .docx or PDF":
        f"不支持演示文稿，{_CONTRACT_AS_DOCX}",
    "web pages are not supported: save the contract as .txt, .docx or PDF":
        "不支持网页，请把合同另存为 .txt、.docx 或 PDF 后再发送",
    "archives are not read: unpack it and index the folder": "不读取压缩包，请解压后逐份发送合同",
    "an archive or office file we do not read: send a PDF, DOCX or text":
        "这是无法读取的压缩包或办公文件，请发送 PDF、DOCX 或文本文件",
    ("unsupported file type {}: send a PDF, DOCX or text file, or an image (PNG, JPEG, TIFF, "
     "WEBP, BMP, GIF)"):
        ("不支持 {0} 类型的文件，请发送 PDF、DOCX、文本文件或图片"
         "（PNG、JPEG、TIFF、WEBP、BMP、GIF）"),
    # what is inside
    "corrupt or truncated PDF": "PDF 文件已损坏或不完整",
    "encrypted PDF: it needs a password, save an unprotected copy":
        "PDF 有密码保护，请另存一份没有密码的副本后再发送",
    "the PDF holds no text": "PDF 中没有文字",
    "scanned PDF: OCR found no text": "扫描版 PDF，没有识别出文字",
    "the PDF's fonts have no Unicode mapping: text unreadable":
        "PDF 的字体无法转换成文字，无法读取",
    "{} pages, more than the {} we read": "共 {0} 页，超过了可以读取的 {1} 页",
    "not a valid DOCX file": "不是有效的 DOCX 文件（可能已损坏）",
    "the document holds no text": "文档中没有文字",
    "the document holds no text (OCR found none in its pictures)":
        "文档中没有文字（其中的图片也没有识别出文字）",
    "refused: the DOCX would inflate to an absurd size (zip bomb?)":
        "已拒绝：这个 DOCX 文件解压后会大得异常",
    "not a readable image": "图片已损坏或无法识别",
    "no text found in the image": "图片中没有识别出文字",
    "image too large ({}x{} pixels, the limit is {} megapixels)":
        "图片太大（{0}×{1} 像素，上限 {2} 百万像素）",
    "image too large (the limit is {} megapixels, {} for a JPEG)":
        "图片太大（上限 {0} 百万像素，JPEG 为 {1} 百万像素）",
    "broken {} text": "文本的编码已损坏（{0}）",
    "binary file, not text": "这不是文本文件",
    "holds no contract text": "没有合同文字",
    "does not look like a contract": "看起来不是合同",
    "no clauses found": "没有找到条款",
    "another source of its collection already has the contract name {}":
        "同一集合中已有另一个文件的合同名也是 {0}",
    # a failed file's earlier version the build could not keep (index/build/plan.py): {0} is
    # why (the reason above), said in its words too
    "the version indexed before is dropped: {}": "之前收录的版本已移出索引：{0}",
    # the worker that read it (index/build/fence.py, work.py, parallel.py)
    "too slow to read (stopped after {} s)": "读取太慢（{0} 秒后停止）",
    "too large to read (it needed more than {} MB of memory)":
        "文件太复杂，无法读取（需要超过 {0} MB 内存）",
    "could not be read (the reader stopped: {})": "读取程序意外停止，请稍后再试",
    "could not be parsed ({})": "读取时出错，无法解析这个文件",
    "could not be parsed ({}: {})": "读取时出错，无法解析这个文件",
    "could not be read": "读取失败",
    "the build was stopped": "机器人正在停止，请稍后再发送",
    # notes on a file that was read
    "page {} read with low confidence": "第 {0} 页的文字识别可能不准确",
    "clause {} has {} characters, more than {}: split into {} parts":
        "条款 {0} 有 {1} 个字，超过 {2} 个，已分成 {3} 段",
}


@cache
def _patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Each reason with values as a pattern that finds them, and its words."""
    return tuple((re.compile("(.+?)".join(map(re.escape, english.split("{}")))), chinese)
                 for english, chinese in WORDS.items() if "{}" in english)


def reason_words(reason: str, script: Script) -> str:
    """``reason`` (or a note) from index/ in the words of a chat, in ``script``; one we do
    not know in English, as it is."""
    words = WORDS.get(reason)
    if words is not None:
        return texts.in_script(words, script)
    for pattern, chinese in _patterns():
        if (found := pattern.fullmatch(reason)) is not None:  # values: their script only
            return texts.in_script(chinese, script).format(
                *(_value_words(value, script) for value in found.groups()))
    return reason


def _value_words(value: str, script: Script) -> str:
    """A value of a reason in ``script``: a reason itself in its words, else as it is."""
    words = reason_words(value, script)
    return words if words != value else to_script(value, script)


def revision_words(revision: Revision, script: Script) -> str:
    """Why two files look like two versions of one contract, in a chat's words (as
    ``index.revision_why`` says it on the command line)."""
    why = ([texts.say(texts.REVISION_SAME, script, same=revision.same, of=revision.of)]
           if revision.same else [])
    if revision.by_name:
        why.append(texts.say(texts.REVISION_NAMED, script))
    return "，".join(why)


def removal_words(files: list[tuple[str, bool]], script: Script) -> str:
    """How the reader takes out whichever of ``files`` (each its name as shown, escaped, and
    whether the bot saved it: an upload) is no longer in force: an upload by /remove with its
    name in a private chat with the bot; a file put in a collection folder on the server (which
    /remove refuses) only by whoever runs the server."""
    how = [texts.say(texts.REVISION_BY_REMOVE, script, name=name,
                     arg=name.rsplit("/", 1)[-1])  # /remove takes a file name, not folder/name
           for name, uploaded in files if uploaded]
    if server := [name for name, uploaded in files if not uploaded]:
        how.append(texts.say(texts.REVISION_BY_SERVER, script, names="、".join(server)))
    return "；".join(how)
