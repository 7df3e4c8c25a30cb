"""The book builds cleanly (warnings are errors) and its pages load nothing from other hosts."""

import re
from html.parser import HTMLParser

EXTERNAL_URL = re.compile(r"^(?:[a-z]+:)?//", re.IGNORECASE)
EXTERNAL_CSS_URL = re.compile(
    r"(?:url\(|@import)\s*[\"']?(?:https?:)?//", re.IGNORECASE
)
RESOURCE_RELS = {"stylesheet", "preload", "modulepreload", "icon", "manifest"}


class _LoadedUrls(HTMLParser):
    """Collect the URLs a page fetches: ``src`` attributes and resource ``<link href>``."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        """Record the fetched URL of one start tag, if any."""
        attrs = dict(attrs)
        if attrs.get("src"):
            self.urls.append(attrs["src"])
        if tag == "link" and RESOURCE_RELS & set(
            (attrs.get("rel") or "").split()
        ):
            self.urls.append(attrs.get("href") or "")


def test_build_has_no_warnings(book):
    """`jupyter-book build -W -n --keep-going` exits 0 and prints no warning."""
    assert book.returncode == 0, book.output
    assert "WARNING" not in book.output, book.output


def test_no_external_assets(book):
    """No page fetches a script, stylesheet, font or image from another host, nor does any CSS."""
    pages = sorted(book.html.rglob("*.html"))
    assert pages, f"no HTML pages under {book.html}"
    offenders = {}
    for page in pages:
        parser = _LoadedUrls()
        parser.feed(page.read_text(encoding="utf-8"))
        external = [url for url in parser.urls if EXTERNAL_URL.match(url)]
        if external:
            offenders[str(page.relative_to(book.html))] = external
    for css in book.html.rglob("*.css"):
        if EXTERNAL_CSS_URL.search(
            css.read_text(encoding="utf-8", errors="replace")
        ):
            offenders[str(css.relative_to(book.html))] = [
                "external url() or @import"
            ]
    assert not offenders, offenders
