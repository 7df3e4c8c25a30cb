"""Every page of the built book, opened in headless Chromium, renders completely and offline."""

import importlib.util
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
# One Chromium set-up, static server and table-of-contents walker, shared with `make pdf`.
_SPEC = importlib.util.spec_from_file_location(
    "make_pdf", ROOT / "scripts" / "make_pdf.py"
)
_make_pdf = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(_make_pdf)
CHROMIUM, CHROMIUM_FLAGS = _make_pdf.CHROMIUM, _make_pdf.CHROMIUM_FLAGS
serve, toc_docnames = _make_pdf.serve, _make_pdf.toc_docnames
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
# Entries of the chapter list and of the page's table of contents, as shown.
NAVIGATION_JS = """() => Array.from(
    document.querySelectorAll('#pst-primary-sidebar a, #pst-secondary-sidebar a'),
    a => a.textContent.trim())"""
# Load lazy images and report the ones that failed.
BROKEN_IMAGES_JS = """async () => {
    const images = Array.from(document.images);
    images.forEach(img => { img.loading = 'eager'; });
    await Promise.all(images.map(img => img.decode().catch(() => null)));
    return images.filter(img => !(img.complete && img.naturalWidth > 0)).map(img => img.src);
}"""

# A phone and a desktop, the widths the book is checked at.
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
# What does not fit the text column: a formula, code block, table or image that sticks out of
# it, or is cut off by a box that hides its overflow (a box that scrolls is fine, but a wide
# formula in one must carry the scroll cue of _static/aecore-book.js), and a page that
# scrolls sideways. Two pixels of slack for glyph overhang.
LAYOUT_JS = """() => {
    const column = document.querySelector('main article') || document.querySelector('main');
    const edge = column.getBoundingClientRect();
    const problems = [];
    const describe = el => {
        const owner = el.closest('[id]');
        const text = (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 60);
        return `${owner ? '#' + owner.id : el.tagName}: ${text}`;
    };
    const check = (el, kind) => {
        let box = el.getBoundingClientRect();
        if (box.width === 0 && box.height === 0) return;  // not rendered (folded away)
        for (let a = el.parentElement; a && a !== column.parentElement; a = a.parentElement) {
            const overflow = getComputedStyle(a).overflowX;
            if (overflow === 'visible') continue;
            const outer = a.getBoundingClientRect();
            if (overflow === 'hidden' || overflow === 'clip') {
                if (box.right > outer.right + 2 || box.left < outer.left - 2) {
                    problems.push(`${kind} cut off by ${a.tagName.toLowerCase()}.${a.className}: ${describe(el)}`);
                    return;
                }
            } else {
                box = outer;  // scrolls inside this box: from here on the box must fit
            }
        }
        if (box.right > edge.right + 2 || box.left < edge.left - 2)
            problems.push(`${kind} past the text column by ${Math.round(box.right - edge.right)} px: ${describe(el)}`);
    };
    column.querySelectorAll('mjx-container[display="true"] > mjx-math').forEach(e => check(e, 'display'));
    column.querySelectorAll('mjx-container:not([display="true"])').forEach(e => check(e, 'inline formula'));
    column.querySelectorAll('pre, table, img').forEach(e => check(e, e.tagName.toLowerCase()));
    column.querySelectorAll('div.math mjx-container[display="true"], span.math').forEach(box => {
        if (box.scrollWidth > box.clientWidth + 2 && !box.classList.contains('aecore-scroll'))
            problems.push(`formula scrolls without the scroll cue: ${describe(box)}`);
    });
    const page = document.documentElement;
    if (page.scrollWidth > page.clientWidth + 1)
        problems.push(`page scrolls sideways: ${page.scrollWidth} px wide in a ${page.clientWidth} px window`);
    return problems;
}"""
# Ids used more than once in the page (after its scripts ran).
DUPLICATE_IDS_JS = """() => {
    const seen = new Map();
    document.querySelectorAll('[id]').forEach(e => seen.set(e.id, (seen.get(e.id) || 0) + 1));
    return Array.from(seen).filter(([, n]) => n > 1).map(([id, n]) => `${id} x${n}`);
}"""

pytestmark = pytest.mark.browser


def source_text(docname: str) -> str:
    """The raw source (Markdown or notebook JSON) of a page of the book."""
    for suffix in (".md", ".ipynb"):
        path = ROOT / f"{docname}{suffix}"
        if path.exists():
            return path.read_text(encoding="utf-8")
    raise FileNotFoundError(
        f"no .md or .ipynb source for {docname!r} listed in _toc.yml"
    )


DOCNAMES = toc_docnames(
    yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
)


@pytest.fixture(scope="module")
def base_url(book):
    """Serve the built HTML on 127.0.0.1 (free port) for the duration of the module."""
    assert book.returncode == 0, book.output
    with serve(book.html) as url:
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """A headless Debian Chromium with a fresh profile, driven by Playwright."""
    if not CHROMIUM.exists():
        pytest.skip(
            f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)"
        )
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_FLAGS,
        )
        yield context
        context.close()


class Tab:
    """One browser tab kept open for every page of the book, with what went wrong on it."""

    def __init__(self, context, viewport: dict):
        self.page = context.new_page()
        self.page.set_viewport_size(viewport)
        self.errors: list[str] = []
        self.foreign: list[str] = []
        self.page.on(
            "console",
            lambda msg: (
                self.errors.append(f"console: {msg.text}")
                if msg.type == "error"
                else None
            ),
        )
        self.page.on(
            "pageerror", lambda exc: self.errors.append(f"page error: {exc}")
        )
        self.page.on(
            "response",
            lambda resp: (
                self.errors.append(f"HTTP {resp.status}: {resp.url}")
                if resp.status >= 400
                else None
            ),
        )
        self.page.on(
            "request",
            lambda req: (
                self.foreign.append(req.url)
                if urlsplit(req.url).hostname not in (None, "127.0.0.1")
                else None
            ),
        )

    def open(self, url: str) -> None:
        """Load ``url`` and wait until MathJax has typeset it (and the book's scripts ran)."""
        self.errors.clear()
        self.foreign.clear()
        self.page.goto(url, wait_until="load")
        if self.page.locator('script[src*="mathjax"]').count():
            self.page.wait_for_function(
                "() => window.MathJax && MathJax.startup && MathJax.startup.promise",
                timeout=60_000,
            )
            self.page.evaluate("() => MathJax.startup.promise")

    def check_quiet(self) -> None:
        """No console error, failed request or request to another host since the last open."""
        assert not self.errors, self.errors
        assert not self.foreign, f"requests to other hosts: {self.foreign}"


@pytest.fixture(scope="module")
def desktop(browser):
    """A 1366 x 900 tab, reused for every page."""
    tab = Tab(browser, DESKTOP)
    yield tab
    tab.page.close()


@pytest.fixture(scope="module")
def phone(browser):
    """A 390 x 844 tab (a phone), reused for every page."""
    tab = Tab(browser, PHONE)
    yield tab
    tab.page.close()


@pytest.mark.parametrize("docname", DOCNAMES)
def test_page_renders(docname, base_url, desktop):
    """Math typeset without errors or leftover TeX, images loaded, boxes present, offline,
    unique ids, and everything fits a 1366 px desktop."""
    desktop.open(f"{base_url}/{docname}.html")
    page = desktop.page
    if page.locator("main article .math").count():
        assert page.locator("main article mjx-container").count() > 0, (
            "math on the page but nothing typeset"
        )
        tex_errors = page.eval_on_selector_all(
            "mjx-merror",
            "els => els.map(e => e.getAttribute('data-mjx-error'))",
        )
        assert not tex_errors, f"MathJax TeX errors: {tex_errors}"
    prose = page.evaluate(PROSE_JS)
    leftover = [delim for delim in RAW_TEX if delim in prose]
    assert not leftover, f"raw TeX left in the page text: {leftover}"
    # Sphinx loads MathJax only on pages with maths in their body: a title with maths shows
    # as raw TeX in the chapter list of every page without
    navigation = page.evaluate(NAVIGATION_JS)
    raw = [
        line for line in navigation if any(delim in line for delim in RAW_TEX)
    ]
    assert not raw, f"raw TeX in the navigation (a title with maths?): {raw}"
    broken = page.evaluate(BROKEN_IMAGES_JS)
    assert not broken, f"images not loaded: {broken}"
    source = source_text(docname)
    for directive, selector in BOXES.items():
        if directive.search(source):
            assert page.locator(selector).count() > 0, (
                f"source has {directive.pattern} but page has no {selector}"
            )
    assert page.evaluate(DUPLICATE_IDS_JS) == [], "ids used more than once"
    assert page.evaluate(LAYOUT_JS) == [], "does not fit a 1366 px desktop"
    desktop.check_quiet()


@pytest.mark.parametrize("docname", DOCNAMES)
def test_page_fits_a_phone(docname, base_url, phone):
    """At 390 px nothing is cut off or sticks out of the text column, and the page does not
    scroll sideways: what is too wide scrolls inside its own box, with a cue."""
    phone.open(f"{base_url}/{docname}.html")
    assert phone.page.evaluate(LAYOUT_JS) == [], "does not fit a 390 px phone"
    phone.check_quiet()


def test_navigation_button_opens_the_chapter_list_on_a_phone(base_url, phone):
    """The visible menu button opens the chapter list (pydata-sphinx-theme#2451 workaround)."""
    chapter = next(
        name for name in DOCNAMES if name.endswith("03_mixture_of_gaussians")
    )
    phone.open(f"{base_url}/{chapter}.html")
    page = phone.page
    dialog = page.locator("#pst-primary-sidebar-modal")
    assert not dialog.is_visible()
    page.locator(".primary-toggle:visible").click()
    dialog.wait_for(state="visible", timeout=5_000)
    for name in DOCNAMES[1:]:
        if name == chapter:
            continue  # the current page's entry links to "#"
        link = dialog.locator(
            f'a[href$="{name.rsplit("/", 1)[-1]}.html"]'
        ).first
        assert link.is_visible(), f"chapter list has no visible link to {name}"
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden", timeout=5_000)
    phone.check_quiet()


def test_navigation_button_hides_the_sidebar_on_a_desktop(base_url, desktop):
    """On a desktop the same button collapses and restores the chapter list."""
    desktop.open(f"{base_url}/{DOCNAMES[1]}.html")
    page = desktop.page
    sidebar = page.locator("#pst-primary-sidebar")
    assert sidebar.is_visible()
    page.locator(".primary-toggle:visible").click()
    sidebar.wait_for(state="hidden", timeout=5_000)
    page.locator(".primary-toggle:visible").click()
    sidebar.wait_for(state="visible", timeout=5_000)
    desktop.check_quiet()


def test_solution_opens_when_its_title_is_tapped(base_url, phone):
    """Tapping a solution's title (a link back to its exercise) opens it, on the spot."""
    chapter = next(
        name for name in DOCNAMES if "{solution" in source_text(name)
    )
    phone.open(f"{base_url}/{chapter}.html")
    page = phone.page
    solution = page.locator(".solution.dropdown").first
    body = solution.locator(".admonition-title ~ *").first
    solution.scroll_into_view_if_needed()
    assert not body.is_visible(), "solutions start folded"
    url = page.url
    solution.locator(".admonition-title a").first.click()
    body.wait_for(state="visible", timeout=5_000)
    assert page.url == url, "tapping the title jumped away to the exercise"
    phone.check_quiet()
