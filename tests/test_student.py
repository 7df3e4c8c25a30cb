"""The student edition (`make book-student`) is the book without solutions; the normal build keeps them.

One extra strict build (about 15 s): the student edition is built through its make target into a
temporary folder and compared with the normal build of the session (the ``book`` fixture).
"""

import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# A solution directive in a page source: ```{solution} or :::{solution} (and the gated
# {solution-start}, which sphinx-exercise 1.2.1's hide_solutions does NOT remove).
SOLUTION_DIRECTIVE = re.compile(
    r"^\s*(?:`{3,}|:{3,})\{solution(?:-start)?\}", re.MULTILINE
)
# Characters: shorter text runs ("Solution to", a symbol) are not evidence.
MIN_FRAGMENT = 30


class _SolutionText(HTMLParser):
    """Split a page's text into runs inside ``<div class="solution ...">`` and runs outside."""

    def __init__(self):
        super().__init__()
        # text runs of each solution box in page order, and of the rest
        self.inside: list[list[str]] = []
        self.outside: list[str] = []
        self.exercises = 0
        # nesting of <div> inside the current solution box; 0 = not in one
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        """Enter a solution box, or track nesting of divs inside one."""
        if tag != "div":
            return
        classes = (dict(attrs).get("class") or "").split()
        if "exercise" in classes:
            self.exercises += 1
        if self._depth:
            self._depth += 1
        elif "solution" in classes:
            self._depth = 1
            self.inside.append([])

    def handle_endtag(self, tag):
        """Leave a div (and the solution box when its own div closes)."""
        if tag == "div" and self._depth:
            self._depth -= 1

    def handle_data(self, data):
        """File a text run as solution text or page text, whitespace collapsed."""
        text = " ".join(data.split())
        if text:
            (self.inside[-1] if self._depth else self.outside).append(text)


def _parse(page: Path) -> _SolutionText:
    parser = _SolutionText()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def _html_pages(root: Path) -> dict[str, Path]:
    return {str(p.relative_to(root)): p for p in sorted(root.rglob("*.html"))}


def _source_solutions() -> int:
    """Number of solution directives in the book's page sources (notebook markdown cells, .md pages)."""
    texts = [
        p.read_text(encoding="utf-8")
        for p in sorted((ROOT / "chapters").glob("*.md"))
    ]
    for notebook in sorted((ROOT / "chapters").glob("*.ipynb")):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        texts += [
            "".join(c["source"]) for c in cells if c["cell_type"] == "markdown"
        ]
    return sum(len(SOLUTION_DIRECTIVE.findall(text)) for text in texts)


@pytest.fixture(scope="module")
def student(tmp_path_factory):
    """Build the student edition with `make book-student` into a temporary folder."""
    html = tmp_path_factory.mktemp("student") / "html"
    cmd = [
        "make",
        "--no-print-directory",
        "-o",
        ".venv/.installed",  # the environment is the running one: never reinstall it here
        "book-student",
        f"BIN={Path(sys.executable).parent}",
        f"STUDENT_HTML={html}",
    ]
    proc = subprocess.run(
        cmd, cwd=ROOT, capture_output=True, text=True, check=False
    )
    return proc.returncode, proc.stdout + proc.stderr, html


def test_student_build_is_strict(student):
    """`make book-student` exits 0 under -W -n and prints no warning."""
    returncode, output, html = student
    assert returncode == 0, output
    assert "WARNING" not in output, output
    assert (html / "index.html").is_file(), output


def test_normal_build_keeps_every_solution(book):
    """Every solution directive of the sources is rendered in the normal build."""
    rendered = sum(
        len(_parse(p).inside) for p in _html_pages(book.html).values()
    )
    assert rendered == _source_solutions() > 0


def test_student_build_has_no_solution(book, student):
    """No solution box, no solution text, no page source in the student edition; exercises stay.

    Solution text is every run of at least MIN_FRAGMENT characters that appears inside a
    solution box of the normal build and nowhere else on that page; none may appear in any
    file of the student edition (pages, search index, anything else that is text).
    """
    _, _, html = student
    normal, edition = _html_pages(book.html), _html_pages(html)
    assert normal.keys() == edition.keys()
    fragments = set()
    for name, page in normal.items():
        parsed = _parse(page)
        outside = " ".join(parsed.outside)
        # the raw page: a fragment that also stands outside the solutions is not solution text
        whole = " ".join(page.read_text(encoding="utf-8").split())
        inside_text = [t for run in parsed.inside for t in run]
        fragments |= {
            t
            for t in inside_text
            if len(t) >= MIN_FRAGMENT
            and t not in outside
            and whole.count(t) <= inside_text.count(t)
            # a lone formula is notation the prose may share, not solution text
            and not (t.startswith("\\(") and t.endswith("\\)"))
        }
        student_page = _parse(edition[name])
        assert student_page.inside == [], (
            f"{name}: solution box in the student edition"
        )
        assert student_page.exercises == parsed.exercises, (
            f"{name}: exercises lost"
        )
    assert len(fragments) >= _source_solutions(), (
        "too little solution text found: is the test still valid?"
    )

    assert not (html / "_sources").exists(), (
        "page sources (with solutions) are published"
    )
    assert not list(html.rglob("*.ipynb")), (
        "notebooks (with solutions) are published"
    )
    leaks = {}
    for path in html.rglob("*"):
        if path.suffix in {".html", ".js", ".txt", ".json"} and path.is_file():
            text = " ".join(
                path.read_text(encoding="utf-8", errors="replace").split()
            )
            found = [f for f in fragments if f in text]
            if found:
                leaks[str(path.relative_to(html))] = found[:3]
    assert not leaks, leaks


def test_student_edition_says_so(student):
    """The student edition's title names it, so a printed page cannot be mistaken for the full book."""
    _, _, html = student
    assert "(student edition)" in (html / "chapters" / "index.html").read_text(
        encoding="utf-8"
    )
