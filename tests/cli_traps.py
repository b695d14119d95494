"""The command line as a new user meets it, for the trap tests (test_cli_traps.py and
test_cli_serve_traps.py): a small library indexed once per module (fixtures, loaded by
conftest.py as a plugin), a user's bare environment, a run of the real CLI in a subprocess (or in
this process, where the process is not what is tested), and the one clear line a trap must end
in."""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import re
import shutil
import subprocess
import sys
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest
from index_corpus import FAST_ENCODER

from index import build_from_sources, store

CLI = [sys.executable, "-m", "bot.cli"]
TOKEN = "123456:SECRET-token"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64  # a PNG signature, no image: OCR cannot read it
CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture(scope="module")
def library(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A two-folder library (a: 2 contracts, b: 3) and an index built from both folders."""
    root = tmp_path_factory.mktemp("traps")
    lib = root / "lib"
    for folder, names in (("a", ("cs-upgrade", "cs-maintenance")),
                          ("b", ("ecommerce-cs-upgrade", "edu-cs-appraisal",
                                 "aftersales-upgrade"))):
        (lib / folder).mkdir(parents=True)
        for name in names:
            shutil.copy(shared / "contracts" / f"{name}.txt", lib / folder)
    report = build_from_sources([lib / "a", lib / "b"], root / "idx", "use-multilingual",
                                progress=False)
    assert report.contracts == 5 and report.exit_code == 0
    return lib, root / "idx"


@pytest.fixture
def idx(library: tuple[Path, Path], tmp_path: Path) -> Path:
    """A live index of the library of this test's own (a copy)."""
    return Path(shutil.copytree(library[1], tmp_path / "idx"))


@pytest.fixture
def lib(library: tuple[Path, Path]) -> Path:
    return library[0]


def env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a user with no settings of their own but the tests' fast encoder
    (and the scripts on PATH)."""
    out = {k: v for k, v in os.environ.items()
           if not k.startswith(("CONTRACTBOT_", "TELEGRAM_"))}
    out["XDG_DATA_HOME"] = str(tmp_path / "xdg")
    out["CONTRACTBOT_EMBED_MODEL"] = FAST_ENCODER  # the fixtures' indexes are built with it
    out["PATH"] = os.path.dirname(sys.executable) + os.pathsep + out.get("PATH", "")
    out.update(extra)
    return out


def run(tmp_path: Path, *args: str, cmd: list[str] | None = None,
        **extra: str) -> subprocess.CompletedProcess[str]:
    """Run the contractbot CLI (or ``cmd``) in ``tmp_path`` (no .env there)."""
    return subprocess.run([*(cmd or CLI), *args], cwd=tmp_path, env=env(tmp_path, **extra),
                          capture_output=True, text=True, timeout=300)


def run_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
             *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    """``run`` without a new interpreter: the real CLI (``bot.cli.main``) in this process, in
    ``tmp_path``, under the same bare environment, with encoders loaded afresh as a new process
    loads them. For a test of what a command does, not of the process (signals, an exit by a
    signal, what a fresh interpreter imports): it spares loading torch and a model per run."""
    from bot.cli import main
    from index.store.encoders import load_encoder

    with monkeypatch.context() as patched:
        for key in [k for k in os.environ if k.startswith(("CONTRACTBOT_", "TELEGRAM_"))]:
            patched.delenv(key)
        for key, value in env(tmp_path, **extra).items():
            patched.setenv(key, value)
        patched.chdir(tmp_path)
        # its log and warnings go to its stderr, as a new process's do, not to pytest's
        patched.setattr(logging.root, "handlers", [])
        patched.setattr(logging.root, "level", logging.root.level)
        load_encoder.cache_clear()
        capsys.readouterr()  # what the test printed before is not this run's
        with warnings.catch_warnings():
            warnings.simplefilter("default")
            warnings.showwarning = _warn_to_stderr
            try:
                code = main(list(args))
            except SystemExit as stop:  # argparse's errors and --help end the process so
                code = stop.code if isinstance(stop.code, int) else int(stop.code is not None)
        said = capsys.readouterr()
    logging.root.setLevel(logging.root.level)  # drops the loggers' caches of the CLI's level
    load_encoder.cache_clear()  # the next test does not inherit a model of this one's
    return subprocess.CompletedProcess([*CLI, *args], code, said.out, said.err)


Cli = Callable[..., subprocess.CompletedProcess[str]]  # ``cli_here``: the real CLI in process


@pytest.fixture
def cli_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
             capsys: pytest.CaptureFixture[str]) -> Cli:
    """``run_here`` for this test: ``cli_here("index", "status", ..., **extra_env)``."""
    return functools.partial(run_here, tmp_path, monkeypatch, capsys)


def _warn_to_stderr(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                    file: object = None, line: str | None = None) -> None:
    sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


def snapshot(index_dir: Path) -> tuple[str, list[str], str]:
    """What a change to the live index would change: pointer, generations, live manifest."""
    gen = store.current_generation(index_dir)
    assert gen is not None
    return ((index_dir / store.POINTER).read_text("utf-8"),
            sorted(p.name for p in (index_dir / store.GENERATIONS).iterdir()),
            (store.generation_dir(index_dir, gen) / store.MANIFEST).read_text("utf-8"))


def last_line(proc: subprocess.CompletedProcess[str], prefix: str = "contractbot: ") -> str:
    """The one clear line a trap ends in: no traceback, no indented or non-English line, and
    the last line of stderr is the program's own."""
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr
    lines = proc.stderr.splitlines()
    assert lines, "nothing said"
    assert all(line and not line[0].isspace() for line in lines), proc.stderr
    assert not CJK.search(proc.stderr), proc.stderr
    assert lines[-1].startswith(prefix), proc.stderr
    return lines[-1]


def as_a_user() -> list[str]:
    """A command prefix under which file permissions hold: root reads every file, so as root
    the capabilities that override them are dropped (util-linux setpriv)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: permissions cannot be tested")
    caps = "-dac_override,-dac_read_search"
    probe = subprocess.run([setpriv, f"--bounding-set={caps}", f"--inh-caps={caps}", "true"],
                           capture_output=True)
    if probe.returncode != 0:
        pytest.skip("setpriv cannot drop capabilities here")
    return [setpriv, f"--bounding-set={caps}", f"--inh-caps={caps}"]


def file_hashes(index_dir: Path) -> dict[str, str]:
    """Every file of ``index_dir`` (its lock, cache and generations too) and its SHA-256: a
    stricter ``snapshot``, for a command that must not have touched the folder at all."""
    return {str(p.relative_to(index_dir)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(index_dir.rglob("*")) if p.is_file()}
