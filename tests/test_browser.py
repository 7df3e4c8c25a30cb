"""Every page of the built book, opened in headless Chromium, renders completely and offline."""

import functools
import http.server
import re
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from playwright.sync_api import sync_playwright

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
RAW_TEX = ("$$", "\\(", "\\[", "\\begin")
# A directive in the source (fenced with ``` or :::, gated forms included) -> its box on the page.
BOXES = {
    re.compile(r"(?:```|:::)\{prf:"): ".proof",
    re.compile(r"(?:```|:::)\{exercise"): ".exercise",
    re.compile(r"(?:```|:::)\{solution"): ".solution",
}
# Text of the page body (collapsed dropdowns included) without code, which may contain TeX.
PROSE_JS = """() => {
    const copy = (document.querySelector('main') || document.body).cloneNode(true);
    copy.querySelectorAll('pre, code, script, style, noscript, mjx-container').forEach(e => e.remove());
    return copy.textContent;
}"""
# Load lazy images and report the ones that failed.
BROKEN_IMAGES_JS = """async () => {
    const images = Array.from(document.images);
    images.forEach(img => { img.loading = 'eager'; });
    await Promise.all(images.map(img => img.decode().catch(() => null)));
    return images.filter(img => !(img.complete && img.naturalWidth > 0)).map(img => img.src);
}"""

pytestmark = pytest.mark.browser


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


def source_text(docname: str) -> str:
    """The raw source (Markdown or notebook JSON) of a page of the book."""
    for suffix in (".md", ".ipynb"):
        path = ROOT / f"{docname}{suffix}"
        if path.exists():
            return path.read_text(encoding="utf-8")
    raise FileNotFoundError(f"no .md or .ipynb source for {docname!r} listed in _toc.yml")


DOCNAMES = toc_docnames(yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8")))


def is_page_error(msg) -> bool:
    """Whether a console message is an error of the page (not Chromium's own /favicon.ico probe)."""
    return msg.type == "error" and not msg.location.get("url", "").endswith("/favicon.ico")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Static file handler that does not log every request to stderr."""

    def log_message(self, format, *args):
        """Discard the access log."""


@pytest.fixture(scope="module")
def base_url(book):
    """Serve the built HTML on 127.0.0.1 (free port) for the duration of the module."""
    assert book.returncode == 0, book.output
    handler = functools.partial(_QuietHandler, directory=str(book.html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """A headless Debian Chromium with a fresh profile, driven by Playwright."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_FLAGS,
        )
        yield context
        context.close()


@pytest.mark.parametrize("docname", DOCNAMES)
def test_page_renders(docname, base_url, browser):
    """Math typeset without errors or leftover TeX, images loaded, boxes present, offline."""
    errors, foreign = [], []
    page = browser.new_page()
    page.on("console", lambda msg: errors.append(f"console: {msg.text}") if is_page_error(msg) else None)
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    page.on("response", lambda resp: errors.append(f"HTTP {resp.status}: {resp.url}") if resp.status >= 400 else None)
    page.on("request", lambda req: foreign.append(req.url) if urlsplit(req.url).hostname not in (None, "127.0.0.1") else None)
    try:
        page.goto(f"{base_url}/{docname}.html", wait_until="load")
        if page.locator(".math").count():
            page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=15_000)
            page.evaluate("() => MathJax.startup.promise")
            assert page.locator("mjx-container").count() > 0, "math on the page but nothing typeset"
            tex_errors = page.eval_on_selector_all("mjx-merror", "els => els.map(e => e.getAttribute('data-mjx-error'))")
            assert not tex_errors, f"MathJax TeX errors: {tex_errors}"
        prose = page.evaluate(PROSE_JS)
        leftover = [delim for delim in RAW_TEX if delim in prose]
        assert not leftover, f"raw TeX left in the page text: {leftover}"
        broken = page.evaluate(BROKEN_IMAGES_JS)
        assert not broken, f"images not loaded: {broken}"
        source = source_text(docname)
        for directive, selector in BOXES.items():
            if directive.search(source):
                assert page.locator(selector).count() > 0, f"source has {directive.pattern} but page has no {selector}"
    finally:
        page.close()
    assert not errors, errors
    assert not foreign, f"requests to other hosts: {foreign}"
