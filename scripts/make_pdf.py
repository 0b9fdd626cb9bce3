"""The whole book as one PDF, from the built HTML, offline (``make pdf``).

Route: the main article of every page of the table of contents is taken from the built HTML
(``_build/html``) and assembled, in toc order, into one print document with a title page and a
table of contents. Every id is prefixed with its page, so the internal links (cross-references,
equations, exercises, "see chapter 3") become in-document anchors and work in the PDF; links to
pages outside the toc (source code, index) become plain text. Kernel-free controls
(``frame_scrubber``) show their first chosen frame instead of a slider; live widgets already
show their static fallback figure in the HTML; hidden code (``hide-input``) stays hidden; the
exercise solutions are shown open under each exercise. The document is styled by the book's own
stylesheets plus ``book/_assets/print.css``.

Debian's Chromium (never a downloaded one) loads it through Playwright from a server on
127.0.0.1 (every other host is unreachable; the formulas were typeset beforehand by MathJax in
Node, as the build does, and the page's MathJax typesets what is left), and ``page.pdf`` prints
it (A4, page numbers in the footer, a bookmark outline from the headings, tagged). The table of
contents links every chapter and section; with ``--toc-page-numbers`` it also gets page numbers,
from a second print (the first print's outline says on which page each page of the book starts,
``pdftohtml -xml``, poppler-utils), which doubles the printing time.

Output: ``_build/pdf/neural-networks-verified.pdf``, copied into ``_build/html`` where every
page's download menu links to it ("Whole book (.pdf)", scripts/sphinx_local.py).

Usage: ``python scripts/make_pdf.py [--html _build/html] [--out _build/pdf/...pdf]``.
"""

from __future__ import annotations

import argparse
import functools
import html
import http.server
import re
import shutil
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import static_math  # scripts/static_math.py, next to this file
import yaml
from bs4 import BeautifulSoup, Tag
from chromium import CHROMIUM, CHROMIUM_ARGS  # scripts/chromium.py, next to this file

ROOT = Path(__file__).resolve().parents[1]
PDF_NAME = "neural-networks-verified.pdf"
PRINT_PATH = "/__book_print__.html"
FOOTER = (
    '<div style="width:100%;font-size:8pt;font-family:sans-serif;color:#555;'
    'padding:0 15mm;display:flex;justify-content:space-between">'
    '<span class="title"></span><span><span class="pageNumber"></span> / '
    '<span class="totalPages"></span></span></div>'
)


# ------------------------------------------------------------------------------------------
# The table of contents
# ------------------------------------------------------------------------------------------


def toc_entries() -> list[dict]:
    """Pages in toc order: ``{"page": "book/01_neuron", "part": "Chapters", "number": 1}``."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    entries = [{"page": toc["root"], "part": None, "number": None}]

    def walk(chapters, part, numbered):
        for entry in chapters or []:
            if "file" in entry:
                number = None
                if numbered:
                    number = sum(1 for e in entries if e["number"] is not None) + 1
                entries.append({"page": entry["file"], "part": part, "number": number})
            walk(entry.get("sections"), part, False)

    for part in toc.get("parts", []):
        walk(part.get("chapters"), part.get("caption"), part.get("numbered", False))
    walk(toc.get("chapters"), None, False)
    return entries


def slug(page: str) -> str:
    return "p-" + re.sub(r"[^A-Za-z0-9_]+", "-", page)


# ------------------------------------------------------------------------------------------
# Assembling the print document
# ------------------------------------------------------------------------------------------


def _unwrap_link(a: Tag) -> None:
    a.name = "span"
    for attr in ("href", "title", "target", "rel"):
        a.attrs.pop(attr, None)
    a["class"] = [*a.get("class", []), "print-unlinked"]


def _static_control(ctrl: Tag, soup: BeautifulSoup) -> None:
    """A kernel-free control becomes its selected frame, captioned with the value shown."""
    rng = ctrl.select_one("input.nbcore-kf-range")
    frames = ctrl.select("img.nbcore-kf-frame")
    index = int(rng.get("value", 0)) if rng is not None else 0
    index = min(max(index, 0), max(len(frames) - 1, 0))
    for i, img in enumerate(frames):
        if i == index:
            img.attrs.pop("hidden", None)
        else:
            img.decompose()
    name = ctrl.get("data-description", "")
    label = rng.get("aria-valuetext", "") if rng is not None else ""
    for control in ctrl.select(".nbcore-kf-controls, button, input"):
        control.decompose()
    note = soup.new_tag("p", attrs={"class": "print-control-note"})
    note.string = (
        f"Shown at {label}. In the HTML book and the notebook, a slider for {name} "
        f"moves through {len(frames)} such pictures."
        if label
        else f"In the HTML book and the notebook, a slider moves through {len(frames)} pictures."
    )
    ctrl.append(note)


def _math_as_tex(math: Tag) -> None:
    """A formula typeset at build time (scripts/static_math.py) goes back to its TeX: the print
    document typesets all its formulas at once, without the MathML copy (_typeset_math)."""
    tex = math.attrs.pop("data-nbv-tex")
    math["class"] = [c for c in math.get("class", []) if c != "nbv-static"]
    for container in math.find_all("mjx-container", recursive=False):
        container.replace_with(f"\\[{tex}\\]" if math.name == "div" else f"\\({tex}\\)")


def page_article(html_dir: Path, page: str, known: dict[str, set[str]]) -> Tag:
    """The main article of one built page, rewritten for the print document."""
    path = html_dir / f"{page}.html"
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    article = soup.select_one("article.bd-article") or soup.select_one("main")
    if article is None:
        raise SystemExit(f"make_pdf: {path} has no article")
    me = slug(page)
    # What only makes sense on screen.
    for sel in (
        "script",
        "a.headerlink",
        "details.hide.above-input",  # hide-input: the code is folded away in the HTML too
        ".viewcode-link",
        ".copybtn",
        ".toggle-button",
        "button",
    ):
        for el in article.select(sel):
            el.decompose()
    for ctrl in article.select(".nbcore-kf"):
        _static_control(ctrl, soup)
    for math in article.select(".math.nbv-static"):
        _math_as_tex(math)
    for det in article.select("details"):
        det["open"] = ""
    # Ids: unique across the book.
    for el in article.find_all(id=True):
        el["id"] = f"{me}--{el['id']}"
    base = f"http://book.invalid/{page}.html"
    for img in article.find_all(["img", "source"]):
        img.attrs.pop("loading", None)
        src = img.get("src")
        if src and not src.startswith("data:"):
            img["src"] = urlparse(urljoin(base, src)).path
    for a in article.find_all("a", href=True):
        href = a["href"]
        parsed = urlparse(href)
        if parsed.scheme in ("http", "https", "mailto"):
            continue
        target = urlparse(urljoin(base, href))
        target_page = unquote(target.path).lstrip("/").removesuffix(".html")
        frag = unquote(target.fragment)
        if target_page in known:
            if frag and frag in known[target_page]:
                a["href"] = f"#{slug(target_page)}--{frag}"
            else:
                a["href"] = f"#{slug(target_page)}"
        else:
            _unwrap_link(a)
    return article


def _ids(html_dir: Path, page: str) -> set[str]:
    text = (html_dir / f"{page}.html").read_text(encoding="utf-8")
    return set(re.findall(r'\sid="([^"]+)"', text))


def stylesheets(html_dir: Path, page: str) -> list[str]:
    """The book's stylesheets (those of a chapter page), as absolute paths on the server."""
    soup = BeautifulSoup((html_dir / f"{page}.html").read_text(encoding="utf-8"), "html.parser")
    base = f"http://book.invalid/{page}.html"
    return [
        urlparse(urljoin(base, link["href"])).path
        for link in soup.find_all("link", rel="stylesheet")
    ]


def _heading_text(h: Tag) -> str:
    return " ".join(h.get_text(" ", strip=True).split())


def build_document(html_dir: Path, page_numbers: dict[str, int] | None = None) -> str:
    cfg = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    entries = toc_entries()
    known = {e["page"]: _ids(html_dir, e["page"]) for e in entries}
    chapters = [e for e in entries if e["number"]]
    css = stylesheets(html_dir, chapters[0]["page"] if chapters else entries[0]["page"])
    css.append("/_static/print.css")

    body: list[str] = []
    toc_rows: list[str] = []
    last_part = None
    for entry in entries:
        page = entry["page"]
        article = page_article(html_dir, page, known)
        h1 = article.find("h1")
        title = _heading_text(h1) if h1 else page
        if h1 is not None and entry["number"]:
            num = BeautifulSoup(
                f'<span class="print-chapter-number">Chapter {entry["number"]}</span>',
                "html.parser",
            )
            h1.insert_before(num)  # outside the heading: the PDF outline shows the title only
        if entry["part"] != last_part and entry["part"]:
            toc_rows.append(f'<li class="print-toc-part">{html.escape(entry["part"])}</li>')
            last_part = entry["part"]
        me = slug(page)
        number = f"{entry['number']}&nbsp;&nbsp;" if entry["number"] else ""
        pno = (page_numbers or {}).get(page, "")
        sections = []
        for h2 in article.find_all("h2"):
            sec = h2.find_parent("section")
            if sec is not None and sec.get("id"):
                sections.append(
                    f'<li><a href="#{sec["id"]}">{html.escape(_heading_text(h2))}</a></li>'
                )
        sub = f'<ul class="print-toc-sections">{"".join(sections)}</ul>' if entry["number"] else ""
        toc_rows.append(
            f'<li class="print-toc-page"><a href="#{me}"><span class="print-toc-title">'
            f"{number}{html.escape(title)}</span>"
            f'<span class="print-toc-pno">{pno}</span></a>{sub}</li>'
        )
        body.append(
            f'<section class="print-page" id="{me}" data-page="{html.escape(page)}">'
            f"{article.decode_contents()}</section>"
        )

    repo = (cfg.get("repository") or {}).get("url", "")
    title = html.escape(cfg.get("title", "Book"))
    title_page = f"""
<section class="print-title-page">
  <p class="print-title">{title}</p>
  <p class="print-author">{html.escape(cfg.get("author", ""))}</p>
  <p class="print-edition">Printed from the HTML book on {date.today().isoformat()}.</p>
  <p class="print-where">The live notebooks, the source and the issue tracker:
    <a href="{html.escape(repo)}">{html.escape(repo)}</a></p>
  <p class="print-copyright">&copy; {html.escape(str(cfg.get("copyright", "")))}
    {html.escape(cfg.get("author", ""))}</p>
</section>
<nav class="print-toc" aria-label="Contents">
  <p class="print-toc-heading">Contents</p>
  <ul>{"".join(toc_rows)}</ul>
</nav>"""
    links = "\n".join(f'<link rel="stylesheet" href="{html.escape(h)}">' for h in css)
    mathjax = (
        "<script>window.MathJax = {options: {processHtmlClass: "
        '"tex2jax_process|mathjax_process|math|output_area", enableMenu: false, '
        "menuOptions: {settings: {assistiveMml: false}}}, chtml: {displayOverflow: "
        '"linebreak"}};</script>\n'
        '<script defer src="/_static/vendor/mathjax/tex-chtml.js"></script>'
    )
    return _typeset_math(
        f"""<!DOCTYPE html>
<html lang="en" data-theme="light" data-mode="light">
<head><meta charset="utf-8"><title>{title}</title>
{links}
{mathjax}
</head>
<body class="print-book">
<div class="bd-article-container"><article class="bd-article print-article" role="main">
{title_page}
{"".join(body)}
</article></div>
</body></html>""",
        html_dir,
    )


def _typeset_math(document: str, html_dir: Path) -> str:
    """The print document with its formulas typeset by MathJax in Node, as the build typesets
    the first formulas of each page (scripts/static_math.py; about 3,600 formulas in 6 s),
    without the MathML copy: one typesetting for the HTML pages and the PDF, and a TeX error
    stops the print. What Node cannot typeset (formulas in outputs, mixed text and math) is
    left to the document's MathJax."""
    formulas = static_math.first_formulas(document, limit=len(document))
    mathjax = html_dir / "_static" / "vendor" / "mathjax"
    [(rendered, css)] = static_math.typeset([formulas], mathjax, assistive=False)
    return static_math.rewrite(document, formulas, rendered, css, "/")


# ------------------------------------------------------------------------------------------
# Printing
# ------------------------------------------------------------------------------------------


class _Handler(http.server.SimpleHTTPRequestHandler):
    document = b""

    def do_GET(self):  # noqa: N802 (http.server's name)
        if self.path.split("?")[0] == PRINT_PATH:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(self.document)))
            self.end_headers()
            self.wfile.write(self.document)
            return
        super().do_GET()

    def log_message(self, *args):
        pass


def outline_pages(pdf: Path, top_level: bool = False) -> list[tuple[str, int]]:
    """The PDF's outline as (title, page) pairs, in order (poppler's pdftohtml -xml)."""
    out = subprocess.run(
        ["pdftohtml", "-xml", "-i", "-q", "-stdout", "-f", "1", "-l", "1", str(pdf)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    out = out[out.find("<outline>") + len("<outline>") :]
    if top_level:  # drop every nested <outline>...</outline> (innermost first)
        while re.search(r"<outline>(?:(?!<outline>).)*?</outline>", out, re.S):
            out = re.sub(r"<outline>(?:(?!<outline>).)*?</outline>", "", out, flags=re.S)
    items = re.findall(r'<item page="(\d+)"[^>]*>(.*?)</item>', out, re.S)
    return [(html.unescape(re.sub(r"<[^>]+>", "", t)).strip(), int(p)) for p, t in items]


def print_pdf(html_dir: Path, out: Path, toc_page_numbers: bool = False) -> dict:
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        raise SystemExit(f"make_pdf: {CHROMIUM} is missing (scripts/ensure_chromium.sh)")
    t0 = time.monotonic()
    handler = functools.partial(_Handler, directory=str(html_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}{PRINT_PATH}"
    entries = toc_entries()
    blocked: list[str] = []
    try:
        _Handler.document = build_document(html_dir).encode("utf-8")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
            page = browser.new_page()
            page.route(
                re.compile(r"^(https?|wss?)://(?!127\.0\.0\.1[:/])"),
                lambda route: (blocked.append(route.request.url), route.abort()),
            )
            page.emulate_media(media="print")
            page.goto(url, wait_until="load", timeout=180_000)
            page.wait_for_function(
                "() => window.MathJax && MathJax.startup && MathJax.startup.promise",
                timeout=120_000,
            )
            page.evaluate("async () => { await MathJax.startup.promise; }")
            page.evaluate("async () => { await document.fonts.ready; }")
            page.wait_for_function(
                "() => Array.from(document.images).every(i => i.complete)", timeout=120_000
            )
            tex_errors = page.evaluate(
                """() => Array.from(document.querySelectorAll('mjx-merror')).map(e =>
                    (e.getAttribute('data-mjx-error') || '') + ' in ' +
                    (e.closest('[id]') ? e.closest('[id]').id : '?'))"""
            )
            for err in tex_errors:
                print(f"make_pdf: MathJax error: {err}", file=sys.stderr)
            t_loaded = time.monotonic()
            options = dict(
                format="A4",
                print_background=True,
                outline=True,
                tagged=True,
                display_header_footer=True,
                header_template="<span></span>",
                footer_template=FOOTER,
                margin={"top": "16mm", "bottom": "18mm", "left": "16mm", "right": "16mm"},
            )
            out.parent.mkdir(parents=True, exist_ok=True)
            page.pdf(path=str(out), **options)
            numbers: dict[str, int] = {}
            if toc_page_numbers:
                # Page numbers for the table of contents, from the first print's outline:
                # its top-level entries are the pages' titles (h1), in toc order.
                top = outline_pages(out, top_level=True)
                if len(top) == len(entries):
                    numbers = {e["page"]: n for e, (_, n) in zip(entries, top, strict=True)}
                page.evaluate(
                    """nums => {
                        for (const [s, n] of Object.entries(nums)) {
                            const a = document.querySelector(`.print-toc a[href="#${s}"]`);
                            if (a) a.querySelector('.print-toc-pno').textContent = n;
                        }
                    }""",
                    {slug(p): n for p, n in numbers.items()},
                )
                page.pdf(path=str(out), **options)
            browser.close()
    finally:
        server.shutdown()
    if blocked:
        raise SystemExit(f"make_pdf: the print document asked other hosts: {blocked[:5]}")
    missing = [e["page"] for e in entries if toc_page_numbers and e["page"] not in numbers]
    return {
        "seconds": time.monotonic() - t0,
        "load_seconds": t_loaded - t0,
        "toc_numbers": numbers,
        "toc_missing": missing,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    ap.add_argument("--out", type=Path, default=ROOT / "_build" / "pdf" / PDF_NAME)
    ap.add_argument(
        "--toc-page-numbers",
        action="store_true",
        help="print twice to put page numbers in the contents (twice the time)",
    )
    ap.add_argument("--save-html", type=Path, help="also write the print document here")
    args = ap.parse_args(argv)
    html_dir = args.html.resolve()
    if not (html_dir / "index.html").exists():
        raise SystemExit(f"make_pdf: {html_dir} has no built book: run `make book` first")
    if not (html_dir / "_static" / "print.css").exists():
        raise SystemExit(f"make_pdf: {html_dir}/_static/print.css is missing: rebuild the book")
    if args.save_html:
        args.save_html.write_text(build_document(html_dir), encoding="utf-8")
    stats = print_pdf(html_dir, args.out, args.toc_page_numbers)
    shutil.copyfile(args.out, html_dir / PDF_NAME)
    info = subprocess.run(["pdfinfo", str(args.out)], capture_output=True, text=True).stdout
    pages = re.search(r"^Pages:\s+(\d+)", info, re.M)
    size = args.out.stat().st_size
    print(
        f"make_pdf: {args.out} ({pages.group(1) if pages else '?'} pages, "
        f"{size / 1e6:.1f} MB) in {stats['seconds']:.0f} s "
        f"(loading and typesetting {stats['load_seconds']:.0f} s); copied into {html_dir}"
    )
    if stats["toc_missing"]:
        print(f"make_pdf: no page number for {stats['toc_missing']}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
