"""The formulas at the top of each page, typeset when the book is built (issue 18's render time).

``scripts/static_math.py`` writes MathJax's CommonHTML for the first formulas of every page into
the built HTML (``book/_assets/math-first.js`` then loads MathJax for the rest). Checked here: the
selection and rewriting on a small page, that a TeX error stops the build, and in the built book
that every page's first formulas are typeset, with their stylesheet, fonts and MathJax's address.
``tests/book/test_devices.py`` checks in Chromium that no formula on the first screen is left to
MathJax at 390, 800 and 1280 px; ``tests/book/test_pdf.py`` reads the PDF, whose print document
gives these formulas back to MathJax as TeX (``scripts/make_pdf.py``).
"""

from __future__ import annotations

import html
import re
import shutil
from functools import cache

import pytest
import static_math
from bookutil import HTML, ROOT, chapter_pages, toc_pages
from bs4 import BeautifulSoup

NODE_MAIN = static_math.NODE_MAIN
MATHJAX = ROOT / "book" / "_assets" / "vendor" / "mathjax"
SCRIPT = '<script defer="defer" src="_static/vendor/mathjax/startup.js?v=1"></script>'


def _page(article: str, aside: str = "") -> str:
    return (
        f"<html><head>{SCRIPT}</head><body>{aside}"
        f'<article class="bd-article" role="main">{article}</article></body></html>'
    )


def _inline(tex: str) -> str:
    return f'<span class="math notranslate nohighlight">\\({tex}\\)</span>'


@cache
def _typeset_available() -> bool:
    return shutil.which("node") is not None and NODE_MAIN.exists() and MATHJAX.exists()


def _need_node():
    if not _typeset_available():
        pytest.fail(f"Node.js, {NODE_MAIN} or {MATHJAX} is missing: run scripts/fetch_assets.sh")


def test_first_formulas_are_those_before_the_limit_and_outside_the_article():
    text = _page(
        "x" * 40 + _inline("a &lt; b") + "y" * 40 + _inline("c") + "z" * 10 + _inline("d"),
        aside=_inline("L"),
    )
    found = static_math.first_formulas(text, limit=60)
    # The aside's formula, then the article's first (40 characters in) and second (81 in: its
    # own text counts); the third starts after 91 characters.
    assert [f.tex for f in found] == ["L", "a < b"]
    assert [f.tex for f in static_math.first_formulas(text, limit=90)] == ["L", "a < b", "c"]
    assert not any(f.display for f in found)


def test_display_formula_keeps_its_equation_number():
    body = '<span class="eqno">(1)<a class="headerlink" href="#e1">#</a></span>\\[z = Wx\\]'
    text = _page(f'<div class="math notranslate nohighlight" id="e1">\n{body}\n</div>')
    (f,) = static_math.first_formulas(text)
    assert (f.tex, f.display, f.attrs) == ("z = Wx", True, ' id="e1"')
    assert f.pre.startswith('<span class="eqno">(1)')
    out = static_math.rewrite(text, [f], ["<mjx-container>Z</mjx-container>"], "x{}", "../")
    assert (
        '<div class="math notranslate nohighlight nbv-static" id="e1" data-nbv-tex="z = Wx">' in out
    )
    assert '<span class="eqno">(1)' in out and "<mjx-container>Z</mjx-container></div>" in out


def test_mixed_or_nested_math_is_left_to_the_browser():
    mixed = '<span class="math notranslate nohighlight">\\(a\\) and \\(b\\)</span>'
    assert static_math.first_formulas(_page(mixed)) == []


def test_rewrite_holds_mathjax_and_adds_the_stylesheet_once():
    text = _page(_inline("a") + _inline("b"))
    found = static_math.first_formulas(text)
    out = static_math.rewrite(
        text, found, ["<i>A</i>", "<i>B</i>"], "src: url(@FONTS@/x.woff)", "../"
    )
    assert out.count('<style id="nbv-static-math">') == 1
    assert "url(../_static/vendor/mathjax/output/chtml/fonts/woff-v2/x.woff)" in out
    assert 'data-nbv-mathjax="_static/vendor/mathjax/startup.js?v=1"' in out
    assert "<script defer" not in out
    assert out.count("nbv-static") == 3  # two formulas and the style's id
    # A page without formulas at the top keeps no stylesheet but still holds MathJax back.
    bare = static_math.rewrite(_page("text"), [], [], "css", "")
    assert "<style" not in bare and "data-nbv-mathjax" in bare


def test_typeset_gives_mathjax_output_with_its_mathml_copy():
    _need_node()
    one = static_math.first_formulas(_page(_inline("W^{[l]}") + _inline("\\sigma(z)")))
    two = static_math.first_formulas(_page(_inline("\\mathcal{L}")))
    (html, css), (_, css2) = static_math.typeset([one, two], MATHJAX)
    assert len(html) == 2
    for out in html:
        assert out.startswith("<mjx-container") and "<mjx-assistive-mml" in out
        assert "<math" in out and 'aria-hidden="true"' in out
    assert "mjx-c" in css and "@FONTS@" in css
    # Each page's stylesheet has the characters of its own formulas (sigma here, not there).
    assert "mjx-c.mjx-c1D70E" in css and "mjx-c.mjx-c1D70E" not in css2


def test_a_tex_error_stops_the_build():
    _need_node()
    found = static_math.first_formulas(_page(_inline("\\frac{a}") + _inline("\\nosuchmacro")))
    with pytest.raises(RuntimeError, match="TeX errors in 2 formulas"):
        static_math.typeset([found], MATHJAX)


# --- the built book ---------------------------------------------------------------------------

_STATIC = re.compile(
    r'<(?P<tag>span|div) class="math notranslate nohighlight nbv-static"(?P<attrs>[^>]*?)'
    r' data-nbv-tex="(?P<tex>[^"]*)">(?P<pre>.*?)<mjx-container.*?</mjx-container>',
    re.S,
)


def _as_written(text: str) -> str:
    """A built page with its typeset formulas given back their TeX, as Sphinx wrote them."""

    def back(m: re.Match) -> str:
        delims = ("\\[", "\\]") if m["tag"] == "div" else ("\\(", "\\)")
        return (
            f'<{m["tag"]} class="math notranslate nohighlight"{m["attrs"]}>{m["pre"]}'
            f"{delims[0]}{m['tex']}{delims[1]}"
        )

    return _STATIC.sub(back, text)


@pytest.mark.parametrize("page", toc_pages())
def test_built_page_typesets_its_first_formulas(html_dir, page):
    text = (html_dir / f"{page}.html").read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]*\ssrc=\"[^\"]*vendor/mathjax/", text), (
        f"{page} loads MathJax's script itself (math-first.js should)"
    )
    # The formulas typeset are those static_math picks in the page as Sphinx wrote it (each
    # typeset formula given back its TeX).
    typeset = [html.unescape(m["tex"]) for m in _STATIC.finditer(text)]
    assert [f.tex for f in static_math.first_formulas(_as_written(text))] == typeset, page
    if page not in chapter_pages():
        return
    soup = BeautifulSoup(text, "html.parser")
    holder = soup.select_one("script[data-nbv-mathjax]")
    assert holder is not None, f"{page}: no MathJax address for math-first.js"
    src = holder["data-nbv-mathjax"].split("?")[0]
    assert ((html_dir / page).parent / src).exists(), f"{page}: {src} is not in the build"
    static = soup.select("article .math.nbv-static")
    assert static, f"{page}: no formula typeset at build time"
    first = soup.select_one("article .math")
    assert "nbv-static" in first["class"], f"{page}: the first formula was left to MathJax"
    for el in static:
        assert el.get("data-nbv-tex"), f"{page}: a typeset formula without its TeX"
        assert el.select_one("mjx-container mjx-assistive-mml math"), f"{page}: no MathML copy"
    style = soup.select_one("style#nbv-static-math")
    assert style is not None, f"{page}: no stylesheet for the typeset formulas"
    fonts = set(re.findall(r"url\(\"?([^\")]+\.woff)\"?\)", style.string))
    assert fonts, f"{page}: the stylesheet names no font"
    for url in fonts:
        assert ((html_dir / page).parent / url).exists(), f"{page}: font {url} is missing"


def test_built_pages_with_math_hold_mathjax(html_dir):
    for page in toc_pages():
        text = (HTML / f"{page}.html").read_text(encoding="utf-8")
        if 'class="math notranslate' in text:
            assert "data-nbv-mathjax=" in text, page
