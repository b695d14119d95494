"""Scripts use the public API of ``index`` only (import-linter checks bot/; scripts/ is not a
package, so this test reads their imports). scripts/bench_growth.py is the one white-box
exception: it writes store generations directly to measure growth."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"
WHITE_BOX = {"bench_growth.py"}


def index_imports(source: str) -> set[str]:
    """The ``index`` modules a piece of Python imports (``index`` itself for the API)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] == "index":
                found.add(node.module)
                if node.module == "index":  # `from index import store` is a submodule
                    found.update(f"index.{a.name}" for a in node.names if a.name.islower()
                                 and a.name in {"store", "search", "build", "ingest",
                                                "structure", "parse", "text", "models"})
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "index")
    return found


def test_the_check_sees_a_submodule_import() -> None:
    assert index_imports("from index.store import read_manifest\nfrom index import Searcher") \
        == {"index", "index.store"}
    assert index_imports("from index import store") == {"index", "index.store"}
    assert index_imports("import index.search.dense") == {"index.search.dense"}


@pytest.mark.parametrize("script", sorted(p.name for p in SCRIPTS.glob("*.py")
                                           if p.name not in WHITE_BOX))
def test_scripts_import_only_the_index_api(script: str) -> None:
    assert index_imports((SCRIPTS / script).read_text("utf-8")) <= {"index"}


def test_the_white_box_exception_names_a_script_that_exists() -> None:
    assert all((SCRIPTS / name).is_file() for name in WHITE_BOX)
