"""The code of the repository, notebooks included, is formatted by `make format` (ruff)."""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def ruff() -> str:
    """Path of the ruff executable of the running environment (pinned in requirements.lock)."""
    beside_python = Path(sys.executable).with_name("ruff")
    found = (
        str(beside_python) if beside_python.exists() else shutil.which("ruff")
    )
    if found is None:
        pytest.fail(
            "ruff not found: it is pinned in requirements.lock (`make test` installs it)"
        )
    return found


def test_line_length_fits_the_code_column():
    """The configured line length fits the 85-character code column of a 1366 px desktop."""
    config = tomllib.loads(
        (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    )
    assert config["tool"]["ruff"]["line-length"] <= 85


def test_code_and_notebooks_are_formatted():
    """`ruff format --check` finds nothing to change: run `make format` if this fails."""
    proc = subprocess.run(
        [ruff(), "format", "--check", "--output-format", "concise"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, (
        "run `make format`; not formatted:\n" + proc.stdout + proc.stderr
    )


def test_format_covers_the_notebooks_and_the_package():
    """ruff's file discovery (shared by check and format) includes every chapter and module."""
    proc = subprocess.run(
        [ruff(), "check", "--show-files"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    seen = {
        Path(line.strip()).resolve()
        for line in proc.stdout.splitlines()
        if line.strip()
    }
    expected = set(ROOT.glob("chapters/*.ipynb")) | set(
        ROOT.glob("aecore/**/*.py")
    )
    assert expected and not expected - seen, sorted(
        str(p) for p in expected - seen
    )
