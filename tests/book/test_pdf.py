"""The whole-book PDF (``make pdf``, scripts/make_pdf.py; ``make test`` builds it first).

Checked with poppler-utils on the finished file, in a few seconds: its page count, that every
page title of the toc (chapters numbered) and a sample of hand-computed numbers are in its
text, that no raw TeX is left, that every font is embedded, that its bookmark outline has an
entry per page of the toc (and sections under the chapters), that the glossary's Chinese is
there as text, and that the copy linked from the HTML book's download menu is the same file.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest
from bookutil import HTML, chapter_pages, skip_or_fail, toc_pages, wait_for_pdf
from bs4 import BeautifulSoup

# Next to the HTML tested: _build/pdf for _build/html (NBV_BOOK_HTML moves both).
PDF = HTML.parent / "pdf" / "neural-networks-verified.pdf"
PAGES = (150, 450)  # 220 pages in December 2025; a big change means something went wrong
# Prose with hand-computed numbers (chapter 1's worked examples).
HAND_COMPUTED = ["a = 1/1.6065 = 0.6225", "σ(4) = 0.9820", "σ(2) = 0.8808"]
RAW_TEX = re.compile(
    r"\\(?:frac|dfrac|tfrac|sum|sigma|mathbf|boldsymbol|left|right|begin|end|cdot|partial|"
    r"eta|alpha|beta|hat|sqrt|log|exp|times|mathrm|text|operatorname)\b|\\\(|\\\)|\\\[|\\\]|\$\$"
)


def _tool(name: str) -> str:
    exe = shutil.which(name)
    if exe is None:
        skip_or_fail(f"{name} (poppler-utils) is missing: `make pdf` installs it as root")
    return exe


@pytest.fixture(scope="module")
def pdf() -> Path:
    wait_for_pdf()
    if not PDF.exists():
        skip_or_fail(f"{PDF} is missing: run `make pdf` (make test does)")
    return PDF


@cache
def pdf_text() -> str:
    out = subprocess.run(
        [_tool("pdftotext"), "-enc", "UTF-8", str(PDF), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    return out


def flat(text: str) -> str:
    return " ".join(text.split())


@cache
def titles() -> dict[str, str]:
    """Page -> its title (h1 of the built page)."""
    out = {}
    for page in toc_pages():
        s = BeautifulSoup((HTML / f"{page}.html").read_text(encoding="utf-8"), "html.parser")
        h1 = s.select_one("article h1") or s.find("h1")
        out[page] = flat(h1.get_text(" ").replace("#", ""))
    return out


def outline(pdf: Path) -> str:
    xml = subprocess.run(
        [_tool("pdftohtml"), "-xml", "-i", "-q", "-stdout", "-f", "1", "-l", "1", str(pdf)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    return xml[xml.find("<outline>") :]


def test_page_count(pdf):
    info = subprocess.run(
        [_tool("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert PAGES[0] <= pages <= PAGES[1], f"{pages} pages, expected {PAGES}"
    assert re.search(r"^Tagged:\s+yes", info, re.M), "the PDF is not tagged"
    assert re.search(r"^Page size:\s+59[56](\.\d+)? x 84[12](\.\d+)? pts \(A4\)", info, re.M), info


def test_every_title_in_the_text(pdf, html_dir):
    text = flat(pdf_text())
    missing = [t for t in titles().values() if t not in text]
    assert not missing, f"page titles not in the PDF's text: {missing}"
    for number, page in enumerate(chapter_pages(), start=1):
        assert f"CHAPTER {number}" in text, f"no 'CHAPTER {number}' ({page}) in the PDF"


def test_hand_computed_numbers_in_the_text(pdf, html_dir):
    text = flat(pdf_text())
    missing = [s for s in HAND_COMPUTED if s not in text]
    assert not missing, f"hand-computed numbers not in the PDF's text: {missing}"
    # And per chapter, the first numbers its code asserts (`assert ... 0.6225`) are in it.
    checked = 0
    for page in chapter_pages():
        html = (HTML / f"{page}.html").read_text(encoding="utf-8")
        numbers = []
        for pre in BeautifulSoup(html, "html.parser").select(".cell_input pre"):
            for line in pre.get_text().splitlines():
                if line.strip().startswith("assert"):
                    numbers += re.findall(r"(?<![\w.])-?\d+\.\d{3,}(?!\d)", line)
        absent = [n for n in numbers[:6] if n not in text]
        assert not absent, f"{page}: asserted numbers not in the PDF: {absent}"
        checked += bool(numbers)
    assert checked >= len(chapter_pages()) - 2, f"only {checked} chapters had numbers to check"


def test_no_raw_tex(pdf):
    text = pdf_text()
    hits = sorted({m.group(0) for m in RAW_TEX.finditer(text)})
    assert not hits, f"raw TeX left in the PDF (math not typeset?): {hits}"


def test_fonts_embedded(pdf):
    out = subprocess.run(
        [_tool("pdffonts"), str(pdf)], capture_output=True, text=True, check=True, timeout=120
    ).stdout
    rows = out.splitlines()[2:]
    assert rows, "pdffonts lists no font"
    # The 'emb' column is the third from the right of 'emb sub uni object ID'.
    not_embedded = [r for r in rows if r.split()[-5] != "yes"]
    assert not not_embedded, "fonts not embedded:\n" + "\n".join(not_embedded)
    assert any("NotoSansSC" in r for r in rows), "the glossary's Noto Sans SC is not embedded"


def test_outline_has_every_page_and_sections(pdf, html_dir):
    xml = outline(pdf)
    items = [flat(re.sub(r"<[^>]+>", "", t)) for t in re.findall(r"<item[^>]*>(.*?)</item>", xml)]
    assert items, "the PDF has no bookmark outline"
    for page, title in titles().items():
        assert any(title in item for item in items), f"no outline entry for {page} ({title!r})"
    # Sections nest under the chapters: more entries than pages, and a nested list exists.
    assert len(items) > 3 * len(titles()), f"only {len(items)} outline entries"
    assert xml.count("<outline>") > len(chapter_pages())


def test_internal_links_work(pdf):
    """The table of contents and cross-references are links inside the PDF."""
    xml = subprocess.run(
        [_tool("pdftohtml"), "-xml", "-i", "-q", "-stdout", "-f", "2", "-l", "2", str(pdf)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    # pdftohtml writes a link to another page of the document as <a href="...#N">.
    internal = re.findall(r'<a href="[^"]*#(\d+)"', xml)
    assert len(internal) >= len(chapter_pages()), "the contents page has no internal links"


def test_glossary_chinese(pdf, html_dir):
    s = BeautifulSoup((HTML / "book" / "glossary.html").read_text(encoding="utf-8"), "html.parser")
    cjk = re.findall(r"[\u4e00-\u9fff]{2,}", s.select_one("article").get_text())
    assert len(cjk) > 20, "the glossary page has little Chinese: test data changed?"
    text = pdf_text()
    missing = [t for t in cjk if t not in text]
    assert len(missing) <= len(cjk) // 20, f"Chinese terms not in the PDF: {missing[:20]}"


def test_download_menu_copy_is_this_pdf(pdf, html_dir):
    copy = HTML / pdf.name
    assert copy.exists(), f"{copy} is missing: make_pdf.py copies it there"
    assert copy.stat().st_size == pdf.stat().st_size
    assert copy.read_bytes() == pdf.read_bytes()
