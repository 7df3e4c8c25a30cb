"""Print the built HTML book to one PDF with headless Chromium.

Usage: ``python scripts/make_pdf.py [HTML_DIR [PDF_PATH]]`` (defaults: ``_build/html`` and
``_build/pdf/book.pdf``); ``make pdf`` builds the HTML first. Every page of ``_toc.yml`` is
opened in Debian's Chromium (driven by Playwright, never downloaded), printed with the book's
print stylesheet (``_static/aecore-book.css``) once MathJax has typeset it, and the pages are
joined in reading order with one bookmark per page: with ``pypdf`` if it is installed, else
with ``pdfunite`` (Debian ``poppler-utils``).
"""

from __future__ import annotations

import functools
import html
import http.server
import importlib.util
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MATHJAX_TIMEOUT_MS = 60_000
# Sphinx loads MathJax only on pages whose body has maths; wait for it where it is loaded.
MATHJAX_READY_JS = """() => !document.querySelector('script[src*="mathjax"]')
    || (window.MathJax && MathJax.startup && MathJax.startup.promise)"""
# Width of the printed text in CSS pixels: A4 (210 mm) less the 14 mm side margins of the
# @page rule in _static/aecore-book.css, at 96 px per inch. Pages are laid out at this width
# before aecoreFitForPrint() scales down what is still too wide.
PRINT_WIDTH_PX = round((210 - 2 * 14) / 25.4 * 96)
# The page's heading (its maths as MathJax's text) and the runs of plain text between its
# formulas (what a reader of the PDF's text finds verbatim), without the permalink sign.
TITLE_JS = """() => {
    const h1 = document.querySelector('article h1');
    if (!h1) return {title: document.title, plain: [document.title]};
    const copy = h1.cloneNode(true);
    copy.querySelectorAll('.headerlink').forEach(e => e.remove());
    const title = copy.textContent.trim();
    copy.querySelectorAll('mjx-container, .math').forEach(e => e.replaceWith('\\n'));
    const plain = copy.textContent.split('\\n').map(t => t.trim()).filter(t => t);
    return {title, plain};
}"""
# Footer of every printed page: the page's title and the page number within that page.
FOOTER = (
    '<div style="font-size: 8px; width: 100%; text-align: center; color: #555;">'
    '{title} · <span class="pageNumber"></span></div>'
)


class PrintedPage(NamedTuple):
    """One page of the book printed to its own PDF."""

    title: str  # heading, maths included as text (for bookmarks)
    plain: list[str]  # the heading's runs of plain text between formulas
    path: Path


def toc_docnames(node) -> list[str]:
    """All document names in a Jupyter Book ``_toc.yml`` structure, in reading order."""
    if isinstance(node, list):
        return [name for item in node for name in toc_docnames(item)]
    if not isinstance(node, dict):
        return []
    names = [node[key] for key in ("root", "file") if key in node]
    for key in ("parts", "chapters", "sections"):
        names += toc_docnames(node.get(key, []))
    return names


def missing_tools() -> list[str]:
    """What this script needs and does not find, each with how to install it."""
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} (apt-get install chromium)")
    if importlib.util.find_spec("playwright") is None:
        missing.append("the Python package playwright (in requirements.lock)")
    if importlib.util.find_spec("pypdf") is None and not shutil.which(
        "pdfunite"
    ):
        missing.append(
            "pypdf (pip) or pdfunite (apt-get install poppler-utils)"
        )
    return missing


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Static file handler that does not log every request to stderr."""

    def log_message(self, format, *args):
        """Discard the access log."""


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 (free port); yield its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def print_pages(
    base_url: str, docnames: list[str], out_dir: Path
) -> list[tuple[str, Path]]:
    """Print every page to its own PDF, in reading order."""
    from playwright.sync_api import sync_playwright

    printed = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
        )
        page = browser.new_page(
            viewport={"width": PRINT_WIDTH_PX, "height": 1000}
        )
        for number, docname in enumerate(docnames):
            page.goto(f"{base_url}/{docname}.html", wait_until="load")
            page.wait_for_function(MATHJAX_READY_JS, timeout=MATHJAX_TIMEOUT_MS)
            page.evaluate(
                "() => window.MathJax && MathJax.startup && MathJax.startup.promise"
            )
            page.evaluate(
                "() => Promise.all(Array.from(document.images, img =>"
                " { img.loading = 'eager'; return img.decode().catch(() => null); }))"
            )
            page.emulate_media(media="print")
            page.evaluate(
                "() => window.aecoreFitForPrint && aecoreFitForPrint()"
            )
            heading = page.evaluate(TITLE_JS)
            path = out_dir / f"{number:03d}.pdf"
            page.pdf(
                path=str(path),
                format="A4",
                print_background=True,
                prefer_css_page_size=True,
                display_header_footer=True,
                header_template="<span></span>",
                footer_template=FOOTER.format(
                    title=html.escape(heading["title"])
                ),
            )
            page.emulate_media(media="screen")
            printed.append(
                PrintedPage(heading["title"], heading["plain"], path)
            )
        browser.close()
    return printed


def join(printed: list[PrintedPage], target: Path) -> None:
    """Concatenate the PDFs into ``target``, one bookmark per page of the book."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if importlib.util.find_spec("pypdf") is not None:
        from pypdf import PdfWriter

        writer = PdfWriter()
        for page in printed:
            start = len(writer.pages)
            writer.append(str(page.path))
            writer.add_outline_item(title=page.title, page_number=start)
        writer.add_metadata({"/Title": book_title()})
        with open(target, "wb") as handle:
            writer.write(handle)
    else:
        subprocess.run(
            ["pdfunite", *(str(page.path) for page in printed), str(target)],
            check=True,
        )


def book_title() -> str:
    """The book's title from ``_config.yml``."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    return str(config.get("title", "book"))


def make_pdf(html_dir: Path, target: Path) -> list[PrintedPage]:
    """Print the book built in ``html_dir`` to ``target``; return its pages."""
    missing = missing_tools()
    if missing:
        raise RuntimeError(
            "cannot print the book, missing: " + "; ".join(missing)
        )
    if not (html_dir / "index.html").exists():
        raise FileNotFoundError(
            f"no built book in {html_dir}: run `make book` first"
        )
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    docnames = toc_docnames(toc)
    with tempfile.TemporaryDirectory() as scratch, serve(html_dir) as base_url:
        printed = print_pages(base_url, docnames, Path(scratch))
        join(printed, target)
    return printed


def main(argv: list[str]) -> int:
    """Command-line entry point: see the module docstring."""
    html_dir = Path(argv[1]) if len(argv) > 1 else ROOT / "_build" / "html"
    target = (
        Path(argv[2]) if len(argv) > 2 else ROOT / "_build" / "pdf" / "book.pdf"
    )
    try:
        pages = make_pdf(html_dir, target)
    except (RuntimeError, FileNotFoundError) as error:
        print(f"make_pdf: {error}", file=sys.stderr)
        return 1
    print(f"wrote {target}: {len(pages)} pages of the book")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
