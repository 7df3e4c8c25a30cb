"""`make pdf`: the built book printed by headless Chromium into one PDF (scripts/make_pdf.py)."""

import importlib.util
import json
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPEC = importlib.util.spec_from_file_location(
    "make_pdf", ROOT / "scripts" / "make_pdf.py"
)
make_pdf = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(make_pdf)

# TeX that must not reach the reader: typeset by MathJax, it leaves none of these behind.
RAW_TEX = ("\\Astar", "$", "\\(", "\\[", "\\begin{", "\\frac")
INLINE_CODE = re.compile(r"``?[^`\n]+``?")
FENCED_CODE = re.compile(r"^(```|~~~)[^\n]*\n.*?^\1", re.MULTILINE | re.DOTALL)

DOCNAMES = make_pdf.toc_docnames(
    make_pdf.yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
)

pytestmark = (
    pytest.mark.browser
)  # needs Chromium: a skip fails under CI=true (conftest.py)


def pdf_text(path: Path) -> list[str]:
    """The text of every page of the PDF at ``path`` (pypdf, else poppler's pdftotext)."""
    if importlib.util.find_spec("pypdf") is not None:
        from pypdf import PdfReader

        return [
            page.extract_text() or "" for page in PdfReader(str(path)).pages
        ]
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.split("\f")[:-1]


def code_text(docname: str) -> str:
    """Code and outputs of a page's source: where TeX may appear literally on paper."""
    source = ROOT / f"{docname}.md"
    if source.exists():
        markdown = source.read_text(encoding="utf-8")
        return "\n".join(
            FENCED_CODE.findall(markdown) + INLINE_CODE.findall(markdown)
        )
    notebook = json.loads(
        (ROOT / f"{docname}.ipynb").read_text(encoding="utf-8")
    )
    parts = []
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] != "code":
            parts += FENCED_CODE.findall(source) + INLINE_CODE.findall(source)
            continue
        parts.append(source)
        for output in cell.get("outputs", []):
            text = output.get("text") or output.get("data", {}).get(
                "text/plain", ""
            )
            parts.append("".join(text))
    return "\n".join(parts)


def squash(text: str) -> str:
    """Text with ligatures spelled out (NFKC: "ﬂ" is "fl") and every run of white space
    made one space (titles wrap across lines)."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


@pytest.fixture(scope="module")
def printed(book, tmp_path_factory):
    """The book built by conftest's `book` fixture, printed to PDF: (titles, page texts)."""
    missing = make_pdf.missing_tools()
    if not (importlib.util.find_spec("pypdf") or shutil.which("pdftotext")):
        missing.append(
            "pypdf (pip) or pdftotext (apt-get install poppler-utils), to read it"
        )
    if missing:
        pytest.skip(
            "cannot print the book to PDF, missing: " + "; ".join(missing)
        )
    assert book.returncode == 0, book.output
    target = tmp_path_factory.mktemp("pdf") / "book.pdf"
    pages = make_pdf.make_pdf(book.html, target)
    return pages, pdf_text(target)


def test_every_page_of_the_book_is_in_the_pdf(printed):
    """Every page's title is in the text (its plain runs: maths extracts differently)."""
    pages, texts = printed
    assert len(pages) == len(DOCNAMES)
    text = squash(" ".join(texts))
    absent = [
        page.title
        for page in pages
        if not all(squash(run) in text for run in page.plain)
    ]
    assert not absent, f"titles missing from the PDF text: {absent}"
    # the chapters carry their numbers (numbered parts of _toc.yml)
    assert any(page.title.startswith("3. ") for page in pages), [
        page.title for page in pages
    ]


def test_pdf_text_is_extractable_and_page_count_sane(printed):
    book_pages, pages = printed
    titles = [page.title for page in book_pages]
    assert len(titles) <= len(pages) <= 30 * len(titles), (
        f"{len(pages)} pages for {len(titles)} pages of the book"
    )
    with_text = [page for page in pages if len(page.strip()) >= 200]
    assert len(with_text) >= 0.9 * len(pages), (
        f"only {len(with_text)} of {len(pages)} pages have text"
    )


def test_no_raw_tex_in_the_pdf(printed):
    """No TeX delimiter or macro in the text, beyond those the book prints as code."""
    _, pages = printed
    text = "\n".join(pages)
    code = "\n".join(code_text(name) for name in DOCNAMES)
    leaked = {
        marker: (text.count(marker), code.count(marker))
        for marker in RAW_TEX
        if text.count(marker) > code.count(marker)
    }
    assert not leaked, (
        f"raw TeX in the PDF (count in PDF, count in code of the sources): {leaked}"
    )
