"""The default install has no torch, and CI runs the README's test command verbatim."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT


def _project() -> dict:
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    with (ROOT / "pyproject.toml").open("rb") as fh:
        return dict(tomllib.load(fh)["project"])


def test_the_default_install_has_no_torch() -> None:
    project = _project()
    names = [re.split(r"[<>=!~\[ ;]", d)[0].lower() for d in project["dependencies"]]
    assert not {"torch", "sentence-transformers", "transformers"} & set(names), names
    assert any(d.startswith("sentence-transformers") for d in
               project["optional-dependencies"]["st"])


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n\s*(.+?)\n\s*```", quick_start)
    ci = (ROOT / ".ci" / "run").read_text("utf-8").strip().splitlines()[-1]
    assert commands[1] == ci
    assert "pytest" in ci and "torch" not in commands[0]  # the first: no torch


def test_the_samples_ask_builds_from_are_package_data() -> None:
    """A wheel (`pip install .`, pipx) has no clone around it: the samples must be inside."""
    tomllib = pytest.importorskip("tomllib")
    with (ROOT / "pyproject.toml").open("rb") as fh:
        package_data = tomllib.load(fh)["tool"]["setuptools"]["package-data"]
    from bot.settings import SAMPLES_DIR

    package = ROOT / "bot"
    assert SAMPLES_DIR.parent == package
    shipped = {p for pattern in package_data["bot"] for p in package.glob(pattern)}
    samples = set(SAMPLES_DIR.iterdir())
    assert len(samples) == 3 and samples <= shipped
