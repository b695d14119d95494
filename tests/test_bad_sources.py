"""index build over a folder mixing good and bad sources: reasons in plain words, exit codes."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from bot.cli import main

GOOD = (
    "设备采购合同\n甲方（采购方）：\n乙方（供货方）：\n"
    "第一条 乙方应于合同签订后十日内交货。\n第二条 甲方应在验收合格后支付货款。\n"
)
GOOD_TW = "設備維護合約\n第一條 乙方應於接獲通知後二小時內回覆。\n第二條 甲方應按月支付維護費用。\n"


def _scanned_pdf(path: Path) -> None:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    c.rect(100, 100, 300, 400, fill=1)
    c.showPage()
    c.save()


def _encrypted_pdf(path: Path) -> None:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), encrypt="secret")
    c.drawString(100, 700, "Contract")
    c.showPage()
    c.save()


def _zip_bomb(path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"\0" * (120 * 1024 * 1024))
    path.write_bytes(buf.getvalue())


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("mixed")
    (d / "good.txt").write_text(GOOD, encoding="utf-8")
    (d / "good-gbk.txt").write_bytes(GOOD.replace("设备采购", "软件开发").encode("gbk"))
    (d / "good-big5.txt").write_bytes(GOOD_TW.encode("big5"))
    (d / "empty.txt").write_bytes(b"")
    (d / "corrupt.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog")
    _scanned_pdf(d / "scanned.pdf")
    (d / "random.docx").write_bytes(bytes(range(256)) * 40)
    (d / "legacy.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000)
    (d / "garbage.txt").write_bytes(bytes(range(256)) * 40)
    _zip_bomb(d / "bomb.docx")
    _encrypted_pdf(d / "encrypted.pdf")
    with (d / "huge.txt").open("w", encoding="utf-8") as fh:  # 50 MB of real contract text
        line = "第一条 乙方应于合同签订后十日内交货，甲方应在验收合格后支付货款。\n"
        fh.write(line * (50 * 2**20 // len(line.encode("utf-8")) + 1))
    return d


BAD = ("empty.txt", "corrupt.pdf", "scanned.pdf", "random.docx", "legacy.doc", "garbage.txt",
       "bomb.docx", "encrypted.pdf", "huge.txt")


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CONTRACTBOT_EMBED_MODEL", "use-multilingual")  # the fast test encoder
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.chdir(tmp_path)


def test_mixed_folder_indexes_the_good_and_names_each_bad(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    idx = tmp_path / "idx"
    assert main(["index", "build", str(folder), "--index", str(idx)]) == 3
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if ": " in line]
    for name in BAD:
        mine = [line for line in lines if line.startswith(f"{name}: ")]
        assert len(mine) == 1, (name, err)
        assert not mine[0].startswith(f"{name}: {name}"), mine[0]
    reasons = {name: next(x for x in lines if x.startswith(f"{name}: ")) for name in BAD}
    assert "scanned PDF" in reasons["scanned.pdf"] and "OCR" in reasons["scanned.pdf"]
    assert "legacy .doc" in reasons["legacy.doc"]
    assert "empty" in reasons["empty.txt"]
    assert "encrypted PDF" in reasons["encrypted.pdf"]
    assert "too large (50 MB, the limit is 10 MB)" in reasons["huge.txt"]

    assert main(["index", "status", "--json", "--index", str(idx)]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["contracts"] == 3
    assert {Path(f["source"]).name for f in status["failed"]} == set(BAD)

    assert main(["ask", "多久交货", "--json", "--top-k", "1", "--index", str(idx)]) == 0
    hit = json.loads(capsys.readouterr().out)["results"][0]
    assert hit["clause"] == "第一条" and "十日内交货" in hit["text"]


def test_only_bad_sources_exit_4(folder: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    for name in ("empty.txt", "legacy.doc"):
        (bad / name).write_bytes((folder / name).read_bytes())
    assert main(["index", "build", str(bad), "--index", str(tmp_path / "idx")]) == 4


def test_only_good_sources_exit_0(folder: Path, tmp_path: Path) -> None:
    assert main(["index", "build", str(folder / "good.txt"), "--index",
                 str(tmp_path / "idx")]) == 0
