"""The landing page's planning table lists every chapter with a reading time measured by its rule.

The rule, stated on the landing page: 200 words of prose per minute plus one minute per ten
lines of code (blank and comment lines not counted), rounded up to five minutes. A stated
time may lag the measured one by one five-minute step, so that a small edit of a chapter
does not force an edit of the landing page; a larger drift fails here.
"""

import json
import math
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = ROOT / "chapters"
LANDING = CHAPTERS / "index.md"
WORDS_PER_MINUTE = 200
CODE_LINES_PER_MINUTE = 10
STEP = 5  # minutes
ROW = re.compile(
    r"^\|\s*\[[^\]]+\]\((?P<page>[\w./-]+)\)\s*\|(?P<cells>.*)\|\s*$",
    re.MULTILINE,
)
MINUTES = re.compile(r"^(\d+) min$")


def words_and_code_lines(page: Path) -> tuple[int, int]:
    """Words of prose and lines of code (neither blank nor a comment) of one page."""
    if page.suffix == ".md":
        return len(page.read_text(encoding="utf-8").split()), 0
    cells = json.loads(page.read_text(encoding="utf-8"))["cells"]
    words = sum(
        len("".join(c["source"]).split())
        for c in cells
        if c["cell_type"] == "markdown"
    )
    lines = [
        line.strip()
        for c in cells
        if c["cell_type"] == "code"
        for line in "".join(c["source"]).splitlines()
    ]
    return words, sum(1 for line in lines if line and not line.startswith("#"))


def reading_minutes(page: Path) -> int:
    """Reading time of a page by the landing page's rule, rounded up to STEP minutes."""
    words, code_lines = words_and_code_lines(page)
    minutes = words / WORDS_PER_MINUTE + code_lines / CODE_LINES_PER_MINUTE
    return STEP * max(1, math.ceil(minutes / STEP))


def planning_rows() -> dict[str, str]:
    """Linked page -> stated reading time, from the landing page's table (column 'reading time')."""
    text = LANDING.read_text(encoding="utf-8")
    header = next(
        line for line in text.splitlines() if line.startswith("| chapter |")
    )
    column = [c.strip() for c in header.strip("|").split("|")].index(
        "reading time"
    ) - 1
    return {
        m["page"]: [c.strip() for c in m["cells"].split("|")][column]
        for m in ROW.finditer(text)
    }


def test_every_chapter_notebook_is_planned():
    """Every chapter notebook has a row in the planning table."""
    rows = planning_rows()
    missing = [
        p.name for p in sorted(CHAPTERS.glob("*.ipynb")) if p.name not in rows
    ]
    assert not missing, (
        f"add these pages to the table in chapters/index.md: {missing}"
    )


def test_stated_reading_times_follow_the_rule():
    """Each stated time is within one STEP of the time measured from the page's source.

    A Markdown page (notation) may be marked "for look-up" instead: it is not read in a sitting.
    """
    wrong = {}
    for page, stated in planning_rows().items():
        if page.endswith(".md") and stated == "for look-up":
            continue
        match = MINUTES.match(stated)
        assert match, f"{page}: reading time {stated!r} is not 'N min'"
        measured = reading_minutes(CHAPTERS / page)
        if abs(int(match[1]) - measured) > STEP:
            wrong[page] = f"stated {stated}, measured {measured} min"
    assert not wrong, f"update chapters/index.md: {wrong}"
