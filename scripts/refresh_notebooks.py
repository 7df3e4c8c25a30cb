"""Re-execute chapter notebooks in place so that their stored outputs are current.

Usage: ``python scripts/refresh_notebooks.py [NOTEBOOK ...]`` (default: every
``chapters/*.ipynb``). Run it through ``make refresh``, which pins the environment
(hash seed, thread counts) that ``make test`` uses, so the stored outputs are the ones
nbval reproduces. Running it twice gives byte-identical files.
"""

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
CELL_TIMEOUT_S = 600


def refresh(path: Path) -> None:
    """Execute the notebook at ``path`` top to bottom and write it back in place.

    The kernel is ``python3`` of the running interpreter, its working directory is the
    notebook's folder, and no timing metadata is stored.
    """
    nb = nbformat.read(path, as_version=nbformat.NO_CONVERT)
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=CELL_TIMEOUT_S,
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = coalesce_streams(cell.outputs)
    nbformat.write(nb, path)


def coalesce_streams(outputs: list) -> list:
    """Merge consecutive stream outputs of the same name (stdout, stderr) into one.

    How a kernel splits a cell's printing into messages depends on timing; merged, the
    stored output is the same on every run and renders as one block.
    """
    merged: list = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (
            output.output_type == "stream"
            and previous is not None
            and previous.output_type == "stream"
            and previous.name == output.name
        ):
            previous.text += output.text
        else:
            merged.append(output)
    return merged


def main(argv: list[str]) -> None:
    """Refresh the notebooks named in ``argv``, or every chapter notebook."""
    paths = [Path(a).resolve() for a in argv] or sorted(
        (ROOT / "chapters").glob("*.ipynb")
    )
    for path in paths:
        print(f"refreshing {path}", flush=True)
        refresh(path)


if __name__ == "__main__":
    main(sys.argv[1:])
