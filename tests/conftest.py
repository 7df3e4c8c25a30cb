"""Shared test machinery: PNG comparison for nbval, CI policy for browser tests, book build."""

import base64
import fcntl
import io
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from nbval.plugin import IPyNbCell
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent

# nbval 0.11 never compares PNG outputs. Plain figures are stored under "image/png",
# figures saved with myst-nb `glue` under the papermill prefix; both are compared here as
# decoded pixels, so a stale figure fails while antialiasing noise does not.
PNG_KEYS = ("image/png", "application/papermill.record/image/png")
PIXEL_TOLERANCE = (
    8 / 255
)  # a pixel differs when one RGBA channel moves by more than this
MAX_DIFFERING_PIXELS = 1e-3  # fraction of differing pixels that still passes
STALE_FIGURE = "figure output is stale: run `make refresh`"


def _pngs(outputs) -> list[np.ndarray]:
    """Decode every PNG in a list of notebook outputs to an (h, w, 4) float array in [0, 1]."""
    images = []
    for output in outputs:
        for key in PNG_KEYS:
            if key in output.get("data", {}):
                raw = base64.b64decode(output["data"][key])
                rgba = Image.open(io.BytesIO(raw)).convert("RGBA")
                images.append(np.asarray(rgba, dtype=float) / 255.0)
    return images


def png_mismatch(
    stored: list[np.ndarray], fresh: list[np.ndarray]
) -> str | None:
    """Describe how the fresh figures differ from the stored ones, or return None if they match."""
    if len(stored) != len(fresh):
        return f"{len(stored)} stored figure(s) but {len(fresh)} produced"
    for i, (old, new) in enumerate(zip(stored, fresh)):
        if old.shape != new.shape:
            return f"figure {i}: stored shape {old.shape}, produced {new.shape}"
        differing = np.mean(
            np.any(np.abs(old - new) > PIXEL_TOLERANCE, axis=-1)
        )
        if differing > MAX_DIFFERING_PIXELS:
            return f"figure {i}: {differing:.2%} of pixels differ"
    return None


_compare_non_png_outputs = IPyNbCell.compare_outputs


def _compare_outputs(self, test, ref, skip_compare=None):
    """nbval's comparison of a cell's outputs, extended with a pixel comparison of its PNGs."""
    skip = (skip_compare or self.parent.skip_compare) + PNG_KEYS
    if not _compare_non_png_outputs(self, test, ref, skip):
        return False
    problem = png_mismatch(_pngs(ref), _pngs(test))
    if problem:
        self.comparison_traceback.append(f"{STALE_FIGURE} ({problem})")
        return False
    return True


def pytest_configure(config):
    """Install the PNG-aware output comparison into nbval and register the markers."""
    IPyNbCell.compare_outputs = _compare_outputs
    config.addinivalue_line(
        "markers",
        "browser: needs /usr/bin/chromium; a skip fails under CI=true",
    )


def in_ci() -> bool:
    """Whether the suite runs under CI (environment variable CI set to true)."""
    return os.environ.get("CI", "").lower() in {"true", "1"}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Under CI, turn the skip of a browser test into a failure: the check must really run."""
    report = yield
    if report.skipped and in_ci() and item.get_closest_marker("browser"):
        reason = (
            report.longrepr[2]
            if isinstance(report.longrepr, tuple)
            else report.longrepr
        )
        report.outcome = "failed"
        report.longrepr = f"browser test skipped under CI=true, which is not allowed: {reason}"
    return report


@dataclass(frozen=True)
class BookBuild:
    """Result of building the book: exit code, combined stdout+stderr, HTML folder."""

    returncode: int
    output: str
    html: Path


@pytest.fixture(scope="session")
def book(tmp_path_factory) -> BookBuild:
    """Build the book once per test session into a fresh temporary folder.

    Under pytest-xdist the workers share the build: the first to take the lock builds,
    the others read its recorded result.
    """
    shared = tmp_path_factory.getbasetemp()
    if "PYTEST_XDIST_WORKER" in os.environ:
        shared = shared.parent
    out = shared / "book"
    record = shared / "book.json"
    with open(shared / "book.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not record.exists():
            jupyter_book = Path(sys.executable).with_name("jupyter-book")
            cmd = [
                str(jupyter_book),
                "build",
                "-W",
                "-n",
                "--keep-going",
                "--path-output",
                str(out),
                ".",
            ]
            proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
            record.write_text(
                json.dumps(
                    {
                        "returncode": proc.returncode,
                        "output": proc.stdout + proc.stderr,
                    }
                )
            )
    result = json.loads(record.read_text())
    return BookBuild(
        result["returncode"], result["output"], out / "_build" / "html"
    )
