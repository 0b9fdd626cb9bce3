"""Checks of the built HTML files themselves (no browser): pages, outputs, links, Binder."""

from __future__ import annotations

import re
import shutil
import subprocess
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from bookutil import HTML, ROOT, book_config, chapter_pages, skip_or_fail, soup, toc_pages

PAGES = toc_pages()
CHAPTERS = chapter_pages()

# Text that must never appear in a cell output: a traceback, or a Python warning as printed by
# the warnings module ("file.py:12: RuntimeWarning: ..."). A deliberately printed error message
# ("try: ... except ValueError as e: print(e)") is fine.
BAD_OUTPUT = re.compile(
    r"Traceback \(most recent call last\)|:\d+: \w*Warning: |^\w*Warning: |Error in callback",
    re.MULTILINE,
)


def page_file(page: str) -> Path:
    return HTML / f"{page}.html"


def test_toc_lists_every_chapter_and_appendix():
    stems = [Path(p).name for p in PAGES]
    assert stems[0] == "intro"
    assert stems[1:10] == [
        "01_neuron",
        "02_forward",
        "03_activations",
        "04_losses",
        "05_backprop",
        "06_softmax",
        "07_optimizers",
        "08_training",
        "09_practice",
    ]
    assert stems[10:] == [
        "notation",
        "conventions",
        "glossary",
        "pitfalls",
        "references",
        "api",
        "benchmarks",
        "status",
    ]


@pytest.mark.parametrize("page", PAGES)
def test_page_is_built(html_dir, page):
    path = page_file(page)
    assert path.exists(), f"{page}: no {path.relative_to(ROOT)} in the build"
    s = soup(path)
    h1 = s.find("h1")
    assert h1 is not None and h1.get_text(strip=True), f"{page}: page has no title"
    main = s.find("main") or s
    assert len(main.get_text(" ", strip=True)) > 100, f"{page}: page is (nearly) empty"


@pytest.mark.parametrize("page", PAGES)
def test_no_error_or_warning_in_page(html_dir, page):
    s = soup(page_file(page))
    problems = []
    # Docutils/Sphinx problems rendered into the page.
    for cls in ("system-message", "problematic"):
        problems += [f".{cls}: {e.get_text(' ', strip=True)[:120]}" for e in s.select(f".{cls}")]
    # Notebook outputs: error outputs, stderr streams, and warning/traceback text in any output.
    for el in s.select(".cell_output .output"):
        classes = el.get("class", [])
        if "traceback" in classes or "error" in classes or "stderr" in classes:
            problems.append(f"output {classes}: {el.get_text(' ', strip=True)[:160]}")
    for el in s.select(".cell_output"):
        text = el.get_text(" ", strip=True)
        m = BAD_OUTPUT.search(text)
        if m:
            context = text[max(0, m.start() - 60) :][:160]
            problems.append(f"output text {m.group(0)!r}: ...{context}")
    assert not problems, f"{page}:\n" + "\n".join(problems)


@pytest.mark.parametrize("page", CHAPTERS)
def test_every_figure_has_alt_text(html_dir, page):
    # A notebook figure gets its alt text from the cell's metadata (mystnb.image.alt); without
    # it Sphinx writes the image's file name, which a screen reader would read out.
    bad = []
    for img in soup(page_file(page)).select("article img"):
        alt, src = img.get("alt", "").strip(), img.get("src", "")
        if len(alt) < 15 or alt == src or alt.endswith((".png", ".svg", ".jpg")):
            bad.append(f"{src[:60]} (alt {alt[:40]!r})")
    assert not bad, f"{page}: images without a description:\n" + "\n".join(bad)


@pytest.mark.parametrize("page", CHAPTERS)
def test_control_frames_say_what_they_show(html_dir, page):
    # A kernel-free control's frame: "<what the picture shows>, at <control> = <value>", given by
    # its builder in nbcore.widgets (the value alone tells a screen reader little).
    bad = [
        img.get("alt", "")
        for img in soup(page_file(page)).select("img.nbcore-kf-frame")
        if not re.fullmatch(r".{30,}, at .+ = .+", img.get("alt", ""))
    ]
    assert not bad, f"{page}: control frames without a description: {sorted(set(bad))[:5]}"


def _binder_url(stem: str) -> str:
    cfg = book_config()
    repo = cfg["repository"]["url"].removeprefix("https://github.com/").strip("/")
    branch = cfg["repository"].get("branch", "main")
    hub = cfg["launch_buttons"]["binderhub_url"].rstrip("/")
    return f"{hub}/v2/gh/{repo}/{branch}?urlpath=lab/tree/book/{stem}.ipynb"


def test_binder_url_helper_matches_config():
    from nbcore.widgets import binder_url

    assert binder_url("01_neuron.ipynb") == _binder_url("01_neuron")


@pytest.mark.parametrize("page", CHAPTERS)
def test_chapter_has_binder_launch_link(html_dir, page):
    want = _binder_url(Path(page).name)
    hrefs = [a.get("href") for a in soup(page_file(page)).find_all("a")]
    assert want in hrefs, f"{page}: no Binder (JupyterLab) launch link {want}"


# ipywidgets' interactive controls as its HTML manager would render them from saved state.
IPYWIDGET_CONTROLS = (
    ".widget-slider, .widget-dropdown, .widget-toggle-buttons, .widget-radio, .widget-checkbox, "
    ".widget-text, .widget-textarea, .widget-button, .widget-play, .widget-select"
)


@pytest.mark.parametrize("page", CHAPTERS)
def test_chapter_controls_work_without_a_kernel(html_dir, page):
    """A chapter's controls are the book's own kernel-free ones (scrubber.js over frames nbcore
    computed; tried in Chromium by test_devices.py) or a live widget's fallback: a static figure
    and a "Run it live" link to this page's Binder session. No saved ipywidgets state (its
    machinery, megabytes of script, would be loaded for it), no dead control, and a live-widget
    cell's output is left out of the page (tag remove-output)."""
    page_soup = soup(page_file(page))
    views = page_soup.select('script[type="application/vnd.jupyter.widget-view+json"]')
    assert not views, (
        f"{page}: {len(views)} saved ipywidgets views (the book's controls are its own)"
    )
    machinery = [
        s.get("src", "")
        for s in page_soup.find_all("script")
        if re.search(r"embed-amd|require\.js|widget-state", s.get("src", "") + s.get("type", ""))
    ]
    assert not machinery, f"{page}: loads ipywidgets machinery: {machinery}"
    dead = page_soup.select(IPYWIDGET_CONTROLS)
    assert not dead, f"{page}: controls that need a kernel: {[d.get('class') for d in dead][:5]}"
    for kf in page_soup.select(".nbcore-kf"):
        assert len(kf.select('input[type="range"]')) == 1, f"{page}: a control without a slider"
        assert kf.select("img.nbcore-kf-frame"), f"{page}: a control without frames"
    live_outputs = page_soup.select(".cell.tag_live-widget .cell_output")
    assert not live_outputs, f"{page}: a live-widget cell kept its output (tag remove-output)"
    launch = _binder_url(Path(page).name)
    for i, fb in enumerate(page_soup.select(".nbcore-widget-fallback")):
        assert fb.select("img"), f"{page}: fallback {i} has no figure"
        links = fb.select("a.nbcore-run-live")
        assert len(links) == 1, f"{page}: fallback {i} has {len(links)} 'Run it live' links"
        assert links[0].get("href") == launch, (
            f"{page}: fallback {i} links {links[0].get('href')}, not this page's Binder {launch}"
        )


@cache
def _ids(path: Path) -> frozenset[str]:
    s = soup(path)
    return frozenset(e["id"] for e in s.find_all(id=True)) | frozenset(
        e["name"] for e in s.find_all("a", attrs={"name": True})
    )


def test_internal_links_and_anchors(html_dir):
    """Every local href/src of every built page points to an existing file (and anchor)."""
    broken = []
    pages = sorted(html_dir.rglob("*.html"))
    pages = [p for p in pages if "_static" not in p.parts and "_sources" not in p.parts]
    for path in pages:
        s = soup(path)
        for tag, attr in (("a", "href"), ("link", "href"), ("script", "src"), ("img", "src")):
            for el in s.find_all(tag, attrs={attr: True}):
                url = el[attr]
                parsed = urlparse(url)
                if parsed.scheme or url.startswith("//"):
                    continue  # external (checked by the browser test: never requested)
                target = path if not parsed.path else (path.parent / unquote(parsed.path))
                target = target.resolve()
                if target.is_dir():
                    target = target / "index.html"
                if not target.exists():
                    if target.name == "neural-networks-verified.pdf":
                        continue  # made by `make pdf` (make test runs it); see test_pdf.py
                    broken.append(f"{path.relative_to(html_dir)}: {url} (missing file)")
                    continue
                frag = unquote(parsed.fragment)
                if tag == "a" and frag and target.suffix == ".html" and frag not in _ids(target):
                    broken.append(f"{path.relative_to(html_dir)}: {url} (missing anchor)")
    assert not broken, f"{len(broken)} broken links:\n" + "\n".join(broken[:50])


def test_linkchecker(html_dir, tmp_path):
    """linkchecker over the built book, internal links only (checkextern=0).

    Anchors are checked by ``test_internal_links_and_anchors``: linkchecker's AnchorCheck
    re-parses the target page for every anchor (about 0.5 s each, minutes for the whole book).
    """
    exe = shutil.which("linkchecker") or str(Path(__file__).parents[2] / ".venv/bin/linkchecker")
    if not Path(exe).exists():
        skip_or_fail("linkchecker is not installed (it is in requirements-dev.txt)")
    rc = tmp_path / "linkcheckerrc"
    rc.write_text(
        "[checking]\nthreads=4\n[filtering]\ncheckextern=0\n"
        "ignore=\n  ^https?://\n  ^mailto:\n  neural-networks-verified\\.pdf$\n"
        "[output]\nlog=text\nverbose=0\n"
        "warnings=1\n",
        encoding="utf-8",
    )
    proc = subprocess.run(
        [exe, "--config", str(rc), "--no-status", str(html_dir / "index.html")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"linkchecker found problems:\n{out[-4000:]}"
    assert re.search(r"\b0 errors found", out), out[-2000:]


def test_status_page_lists_every_chapter(html_dir):
    s = soup(html_dir / "book" / "status.html")
    rows = [[c.get_text(strip=True) for c in r.find_all("td")] for r in s.select("table tr")]
    rows = {r[0]: r for r in rows if r}
    for page in CHAPTERS:
        assert page in rows, f"status page: no execution data for {page} (run `make outputs`)"
        # "ok"/"error": text, not myst-nb's emoji (scripts/sphinx_local.py)
        assert rows[page][-1] == "ok", f"status page: {page} has a failed cell: {rows[page]}"


def test_pages_load_no_icon_script_and_no_search_index(html_dir):
    """Render time (issue 18, scripts/sphinx_local.py 7.): the theme's fontawesome.js (1.5 MB of
    script) is replaced by Font Awesome's stylesheet, and the search index is loaded by the
    search page only."""
    css = html_dir / "_static" / "vendor" / "fontawesome" / "css" / "all.min.css"
    assert css.exists(), f"{css} is missing: run scripts/fetch_assets.sh"
    fonts = re.findall(r"url\(\.\./webfonts/([^)]+)\)", css.read_text(encoding="utf-8"))
    assert fonts and all(f.endswith(".woff2") for f in fonts), fonts
    for name in fonts:
        assert (css.parent.parent / "webfonts" / name).exists(), f"web font {name} is missing"
    for path in sorted(html_dir.rglob("*.html")):
        if path.relative_to(html_dir).parts[0].startswith("_") or path.name == "index.html":
            continue  # theme templates, sources; the redirect to the intro page
        text = path.read_text(encoding="utf-8")
        where = path.relative_to(html_dir)
        assert "fontawesome.js" not in text, f"{where} loads fontawesome.js"
        assert "vendor/fontawesome/css/all.min.css" in text, f"{where}: no icon stylesheet"
        loads_index = re.search(r'<script src="[^"]*searchindex\.js"', text) is not None
        assert loads_index == (where == Path("search.html")), (
            f"{where}: searchindex.js {'loaded' if loads_index else 'not loaded'}"
        )


# Font Awesome's classes that style an icon rather than name one (those the book uses).
FA_MODIFIERS = {"fa-solid", "fa-regular", "fa-brands", "fa-lg", "fa-fw", "fa-sm", "fa-xs"}


def _icon_points(css: str) -> dict[str, int]:
    """Font Awesome's icon classes and their code points, read from its stylesheet."""
    points = {}
    for selectors, code in re.findall(r'([^{}]+)\{content:"\\([0-9a-f]{4})"\}', css):
        for name in re.findall(r"\.(fa-[a-z0-9-]+):before", selectors):
            points[name] = int(code, 16)
    return points


def test_icon_fonts_hold_every_icon_shown(html_dir):
    """Page weight (issue 18, scripts/sphinx_local.py 11.): Font Awesome's fonts are cut down to
    the icons of the book, and still draw every icon a page names (by class, in the font of its
    style) and every icon the theme's stylesheet draws itself (admonitions, the contents); the
    stylesheets keep the rules of the icons a page names and no others."""
    from fontTools.ttLib import TTFont

    fa = html_dir / "_static" / "vendor" / "fontawesome"
    cmaps = {
        style: set(TTFont(fa / "webfonts" / name).getBestCmap())
        for style, name in [
            ("solid", "fa-solid-900.woff2"),
            ("regular", "fa-regular-400.woff2"),
            ("brands", "fa-brands-400.woff2"),
        ]
    }
    size = sum(
        (fa / "webfonts" / f).stat().st_size for f in ("fa-solid-900.woff2", "fa-brands-400.woff2")
    )
    assert size < 20_000, f"Font Awesome's solid and brands fonts weigh {size} bytes"
    icons = _icon_points((fa / "css" / "all.min.css").read_text(encoding="utf-8"))
    missing, shown = set(), set()
    for path in sorted(html_dir.rglob("*.html")):
        for tag in soup(path).select('[class*="fa-"]'):
            classes = tag.get("class", [])
            style = (
                "brands"
                if {"fab", "fa-brands"} & set(classes)
                else "regular"
                if {"far", "fa-regular"} & set(classes)
                else "solid"
            )
            for name in (c for c in classes if c.startswith("fa-") and c not in FA_MODIFIERS):
                shown.add(name)
                if name not in icons:  # its rule was dropped from the stylesheet
                    missing.add(f"{name}: no rule in all.min.css, in {path.relative_to(html_dir)}")
                    continue
                if icons[name] not in cmaps[style]:
                    missing.add(f"{name} ({style}) in {path.relative_to(html_dir)}")
    theme = (html_dir / "_static" / "styles" / "pydata-sphinx-theme.css").read_text(
        encoding="utf-8"
    )
    drawn = re.findall(r'--pst-icon-([a-z-]+):"([\ue000-\uf8ff])"', theme)
    assert len(drawn) >= 10, drawn  # admonitions, external links, GitHub...
    for name, char in drawn:
        if ord(char) not in cmaps["solid"] | cmaps["brands"]:
            missing.add(f"--pst-icon-{name}")
    assert {"fa-bars", "fa-magnifying-glass", "fa-github", "fa-sun", "fa-moon"} <= shown, shown
    assert not missing, f"icons the fonts no longer draw: {sorted(missing)}"
    # Of some 2,000 icon rules, those of the pages' icons (and their aliases), of the theme's
    # scripts (the search dialog's close button) and stylesheets are kept.
    for where, kept in [("all.min.css", icons), ("pydata-sphinx-theme.css", _icon_points(theme))]:
        assert len(kept) < 100, f"{where} keeps {len(kept)} icon rules"
