"""The formulas at the top of each page, typeset when the book is built.

With the CPU throttled 4x, MathJax's script alone takes about 1 s to start and the page is laid out
again after it typesets: the first screen's formulas appeared 5-7 s after a chapter was opened,
although the text was on screen after 2 s. So the build typesets the formulas a reader sees first
(those in the first :data:`FIRST_SCREEN_CHARS` characters of the article's text: the first screen's
formulas are within 2,300 characters at 390, 800 and 1280 px) with MathJax itself, in Node
(``scripts/mathjax_static.js``, the book's own MathJax components), and writes MathJax's CommonHTML
and its stylesheet (for the characters of that page's formulas) into the page. ``math-first.js``
then loads MathJax only once the page is shown, to typeset the other formulas (and, for a reader who
lands lower on the page through a link, those on the screen first).

A pre-typeset formula keeps its element and classes (``span.math`` or ``div.math``, plus
``nbv-static``) and holds exactly what MathJax writes in the browser: the CommonHTML, hidden from
screen readers, and its MathML copy for them. Formulas Sphinx did not write as one ``\\(...\\)``
or ``\\[...\\]`` (and math in outputs) are left to the browser's MathJax.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

#: A formula is typeset at build time if fewer characters of the article's text precede it.
#: (The last formula on the first screen of a chapter was at most 2,230 characters in, measured
#: at 390, 800 and 1280 px wide and 1200 px high.)
FIRST_SCREEN_CHARS = 3500
#: The size MathJax gives its formulas in the book's font (the font-size it writes on each
#: container, 127.3 %, from the ratio of the two fonts' x-heights).
SCALE = 1.273
#: Where the pages' MathJax fonts are, from the site's root.
FONT_URL = "_static/vendor/mathjax/output/chtml/fonts/woff-v2"
STATIC_CLASS = "nbv-static"
#: The formula's TeX, kept on its element (scripts/make_pdf.py gives it back to MathJax).
TEX_ATTR = "data-nbv-tex"

_MATH = re.compile(
    r'<(?P<tag>span|div) class="math notranslate nohighlight"(?P<attrs>[^>]*)>'
    r"(?P<body>.*?)</(?P=tag)>",
    re.S,
)
_INLINE = re.compile(r"\\\((?P<tex>.*?)\\\)", re.S)
_DISPLAY = re.compile(
    r'(?P<pre>\s*(?:<span class="eqno">.*?</span>)?\s*)\\\[(?P<tex>.*?)\\\]\s*', re.S
)
_ARTICLE = re.compile(r'<article class="bd-article"[^>]*>')
_TAG = re.compile(r"<[^>]*>")
_MATHJAX_SCRIPT = re.compile(
    r'<script defer="defer" src="(?P<src>[^"]*_static/vendor/mathjax/startup\.js[^"]*)"></script>'
)
STYLE_ID = "nbv-static-math"
#: MathJax's node-main.js, kept out of the served folder by scripts/fetch_assets.sh.
NODE_MAIN = Path(__file__).with_name("vendor") / "mathjax" / "node-main.js"


@dataclass
class Formula:
    """One formula of a page: where its element is in the HTML, its TeX, inline or display."""

    start: int
    end: int
    tag: str
    attrs: str
    pre: str
    tex: str
    display: bool


def first_formulas(text: str, limit: int = FIRST_SCREEN_CHARS) -> list[Formula]:
    """The formulas of a written page that start within its article's first ``limit``
    characters of text (tags removed, entities read), and those outside the article (section
    titles in the contents beside it), in the order of the page."""
    art = _ARTICLE.search(text)
    if art is None:
        return []
    art_end = text.find("</article>", art.end())
    found, chars, pos = [], 0, art.end()
    for m in _MATH.finditer(text):
        if art.end() <= m.start() < art_end:
            chars += len(html.unescape(_TAG.sub("", text[pos : m.start()])))
            pos = m.start()
            if chars >= limit:
                continue
        body = m["body"]
        if m["tag"] == "span":
            one = _INLINE.fullmatch(body)
            pre = ""
        else:
            one = _DISPLAY.fullmatch(body)
            pre = one["pre"].strip() if one else ""
        if one is not None and "\\[" not in one["tex"] and "\\(" not in one["tex"]:
            tex = html.unescape(one["tex"])
            display = m["tag"] == "div"
            found.append(Formula(m.start(), m.end(), m["tag"], m["attrs"], pre, tex, display))
    return found


def typeset(
    pages: list[list[Formula]], mathjax_dir: Path, *, assistive: bool = True
) -> list[tuple[list[str], str]]:
    """For each page's formulas, MathJax's CommonHTML of each and the stylesheet they need (its
    fonts under ``@FONTS@``), from ``scripts/mathjax_static.js`` in Node; with MathJax's MathML
    copy for screen readers unless ``assistive`` is false. A TeX error (an undefined macro
    included) is an error here."""
    node = shutil.which("node")
    if node is None:
        raise RuntimeError(
            "static_math: Node.js is not installed; the build typesets the first formulas of "
            "each page with MathJax in Node (Debian/Ubuntu: apt-get install -y nodejs)"
        )
    if not NODE_MAIN.exists():
        raise RuntimeError(f"{NODE_MAIN} is missing: run scripts/fetch_assets.sh")
    request = {
        "pages": [[{"tex": f.tex, "display": f.display} for f in page] for page in pages],
        "scale": SCALE,
        "fontURL": "@FONTS@",
        "assistive": assistive,
    }
    script = Path(__file__).with_name("mathjax_static.js")
    run = subprocess.run(
        [node, str(script), str(NODE_MAIN), str(mathjax_dir)],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode != 0:
        raise RuntimeError(f"static_math: mathjax_static.js failed:\n{run.stderr}")
    reply = json.loads(run.stdout)
    if reply["errors"]:
        shown = "; ".join(f"{pages[p][i].tex!r}: {msg}" for p, i, msg in reply["errors"][:5])
        raise RuntimeError(f"static_math: TeX errors in {len(reply['errors'])} formulas: {shown}")
    return [(page["html"], page["css"]) for page in reply["pages"]]


def rewrite(text: str, formulas: list[Formula], rendered: list[str], css: str, up: str) -> str:
    """The page with ``formulas`` replaced by their CommonHTML (their TeX kept in
    :data:`TEX_ATTR`), the stylesheet in its head (fonts
    read from ``up`` + :data:`FONT_URL`) and MathJax's script left for ``math-first.js`` to load
    (``<script data-nbv-mathjax=...>``: the same address, not run by the browser)."""
    out, pos = [], 0
    for f, chtml in zip(formulas, rendered, strict=True):
        cls = f'class="math notranslate nohighlight {STATIC_CLASS}"'
        tex = f' {TEX_ATTR}="{html.escape(f.tex)}"'
        out += [text[pos : f.start], f"<{f.tag} {cls}{f.attrs}{tex}>{f.pre}{chtml}</{f.tag}>"]
        pos = f.end
    out.append(text[pos:])
    text = "".join(out)
    if formulas:
        style = f'<style id="{STYLE_ID}">{css.replace("@FONTS@", up + FONT_URL)}</style>\n'
        text = text.replace("</head>", style + "</head>", 1)
    return _MATHJAX_SCRIPT.sub(_held_script, text, 1)


def _held_script(m: re.Match) -> str:
    return f'<script data-nbv-mathjax="{m["src"]}"></script>'


def prerender(out: Path, mathjax_dir: Path) -> dict[str, int]:
    """Typeset the first formulas of every page written under ``out``; the number per page."""
    pages = {}
    for path in sorted(out.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        if _MATHJAX_SCRIPT.search(text):
            pages[path] = (text, first_formulas(text))
    done = typeset([found for _, found in pages.values()], mathjax_dir)
    counts = {}
    for (path, (text, found)), (rendered, css) in zip(pages.items(), done, strict=True):
        up = "../" * (len(path.relative_to(out).parts) - 1)
        path.write_text(rewrite(text, found, rendered, css, up), encoding="utf-8")
        counts[path.relative_to(out).as_posix()] = len(found)
    return counts
