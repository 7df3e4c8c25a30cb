"""Wall-clock time to execute each chapter notebook, top to bottom, in a fresh kernel.

Run ``make bench`` (or ``python benchmarks/time_chapters.py [NOTEBOOK ...]``). The
notebooks are executed in memory and never written back. This is a measurement, not a
test; the target is well under 60 s per chapter on 2 cores.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent


def time_notebook(path: Path) -> float:
    """Execute the notebook at ``path`` (cwd = its folder) and return the elapsed seconds."""
    nb = nbformat.read(path, as_version=nbformat.NO_CONVERT)
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=600,
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start


def main(argv: list[str]) -> None:
    """Time the notebooks named in ``argv``, or every chapter notebook, and print a table."""
    paths = [Path(a).resolve() for a in argv] or sorted(
        (ROOT / "chapters").glob("*.ipynb")
    )
    total = 0.0
    for path in paths:
        elapsed = time_notebook(path)
        total += elapsed
        print(f"{path.name:<40} {elapsed:6.1f} s", flush=True)
    print(f"{'total':<40} {total:6.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
