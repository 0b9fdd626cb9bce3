"""Small local Sphinx additions for the book (loaded through ``local_extensions`` in _config.yml).

1. Sphinx 7.4 keeps an inline script added after the builder started (``add_js_file(None,
   body=...)``, as sphinx-thebe and sphinx-togglebutton do) twice in every page, once with
   filename ``None`` and once with ``""``; the second ``const THEBE_JS_URL`` then throws
   "Identifier has already been declared" in the browser. Exact duplicates are removed per page.
2. The book is built with ``execute_notebooks: "off"``: the outputs saved in the notebooks are
   the ones nbval checks. myst-nb then records no execution data, and the ``nb-exec-table`` of
   the status page would be empty. For every notebook, its execution data are taken from the
   timestamps ``jupyter execute`` saved in its cells: when it last ran, how long it took, and
   whether any cell produced an error.
3. sphinx-exercise 1.2.1 crashes ("string indices must be integers") on a cross-reference whose
   target is an exercise label but whose content is plain text, which napoleon creates when a
   docstring type mentions a label (``answer : tuple, see ex-07-momentum``). Such references
   are marked explicit before sphinx-exercise looks at them, so it leaves them alone.
4. Page weight: a page that shows no saved ipywidget view (the kernel-free controls use their
   text/html view, see nbcore/widgets/_html.py) gets neither the notebook's saved widget state
   nor the widget manager's scripts (about 5 MB), and every image of a page is loaded lazily.
5. One repository setting: ``repository: url/branch`` in _config.yml (which also drives the
   Binder, Colab, repository and issue buttons) fills ``{{ repository_url }}``,
   ``{{ repository_branch }}`` and ``{{ repository_name }}`` in the sources, code blocks
   included (intro.md's ``git clone``). tests/book/test_launch.py checks the other copies
   (nbcore/widgets/_html.py, the notebooks' saved links and set-up cells) against it.
6. Every page's download menu gets "Whole book (.pdf)", the PDF that ``make pdf``
   (scripts/make_pdf.py) prints from the built book and copies into the HTML output.
7. Render time (issue 18), in the written pages once the build is done: pydata-sphinx-theme
   0.17 draws its ~20 icons with fontawesome.js (1.5 MB of script that replaces every icon by an
   SVG and then watches every change of the page, MathJax's included); the book links Font
   Awesome's own stylesheet and web fonts instead (same icons, same classes; fetched by
   scripts/fetch_assets.sh). The theme also loads Sphinx's search scripts and the whole search
   index (``searchindex.js``, 0.2 MB, synchronously in the head) on every page, for a
   search-as-you-type it leaves off (``search_as_you_type = False``): they are kept on the
   search page only, the one page that searches.
8. Render time again: the formulas at the top of every page are typeset at build time, with
   MathJax in Node (scripts/static_math.py), so the first screen's math needs no script; the
   pages then load MathJax themselves (book/_assets/math-first.js) for the other formulas.
9. Page weight again: the notebooks' HTML outputs write their pictures into the page as data:
   URIs (a control's 11-18 frames, 0.35-0.73 MB of a chapter's HTML), which the browser reads,
   hidden or not, with the page. Each is saved as a file (``_images/inline/``) and linked
   instead, so a frame is fetched when it is shown (``loading="lazy"``; scrubber.js fetches a
   control's frames as soon as the reader reaches for it).
10. Page weight again: Noto Sans SC (the Chinese of the glossary and of the sources' titles)
   comes as about 100 slices of 20-60 kB, each drawing some 200-400 characters: a chapter whose
   references name the Chinese sources fetched 8 slices (0.25 MB) for 40 characters. The
   written pages' characters are counted and each slice is cut down to those it holds
   (fontTools), so a page fetches a few kB per slice.
11. Page weight again: Font Awesome's web fonts (7. above) draw some 2,000 icons, 274 kB of fonts
   on every page, for the 20-odd the book shows. Each is cut down to the icons the written pages
   use (fontawesome_subset): the ``fa-*`` classes of the pages and of the theme's scripts, and
   the icons the theme's stylesheets draw themselves (admonitions, the contents' fold marker).
   The rules naming the other icons (86 kB of Font Awesome's stylesheet, and as much again in
   pydata-sphinx-theme's, which repeats them) are dropped from both stylesheets.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from datetime import datetime
from pathlib import Path

from docutils import nodes
from sphinx.addnodes import pending_xref
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

logger = logging.getLogger(__name__)


def _dedup_inline_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen = set()
    kept = []
    for js in scripts:
        filename = getattr(js, "filename", js) or ""
        attrs = getattr(js, "attributes", {})
        key = (filename, tuple(sorted((k, str(v)) for k, v in attrs.items())))
        if key in seen:
            continue
        seen.add(key)
        kept.append(js)
    scripts[:] = kept


def _light_widget_pages(app, pagename, templatename, context, doctree):
    body = context.get("body") or ""
    scripts = context.get("script_files")
    if scripts and "application/vnd.jupyter.widget-view+json" not in body:

        def widget_machinery(js):
            attrs = getattr(js, "attributes", {}) or {}
            filename = str(getattr(js, "filename", js) or "")
            return attrs.get("type") == "application/vnd.jupyter.widget-state+json" or any(
                filename.endswith(path) for path in app.config.nb_ipywidgets_js
            )

        scripts[:] = [js for js in scripts if not widget_machinery(js)]
    if "<img " in body:
        context["body"] = body.replace("<img ", '<img loading="lazy" ')


def _timestamp(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def saved_execution_data(path: Path) -> dict | None:
    """Execution data of a notebook from the timestamps saved in its code cells (or None)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    starts, ends, errors = [], [], []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        ex = cell.get("metadata", {}).get("execution", {})
        if "iopub.execute_input" in ex:
            starts.append(_timestamp(ex["iopub.execute_input"]))
        if "shell.execute_reply" in ex:
            ends.append(_timestamp(ex["shell.execute_reply"]))
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                errors.append(out.get("ename", "error"))
    if not starts or not ends:
        return None
    return {
        "mtime": max(ends),
        "runtime": max(ends) - min(starts),
        "method": "saved (jupyter execute)",
        "succeeded": not errors,
        "error": errors[0] if errors else None,
        "traceback": None,
    }


def _record_saved_execution(app, doctree):
    from myst_nb.sphinx_ import NbMetadataCollector

    env = app.env
    docname = env.docname
    source = Path(env.doc2path(docname))
    if source.suffix != ".ipynb" or NbMetadataCollector.get_exec_data(env, docname):
        return
    data = saved_execution_data(source)
    if data:
        NbMetadataCollector.set_exec_data(env, docname, data)


class ProtectPlainTextExerciseRefs(SphinxPostTransform):
    """Runs just before sphinx-exercise's UpdateReferencesToEnumerated (priority 5)."""

    default_priority = 4

    def run(self, **kwargs):
        registry = getattr(self.env, "sphinx_exercise_registry", None)
        if not registry:
            return
        for node in self.document.findall(pending_xref):
            if node.get("reftarget") in registry and node.children:
                if not hasattr(node.children[0], "get"):  # a Text node, not an inline
                    node["refexplicit"] = True


# --- 6. search: formulas as text ---------------------------------------------------------------

# TeX command -> text ("hat=" drops the command: \hat y -> y).
_TEX_SYMBOLS = dict(
    pair.split("=")
    for pair in (
        "alpha=α beta=β gamma=γ delta=δ epsilon=ϵ varepsilon=ε zeta=ζ eta=η theta=θ lambda=λ mu=μ "
        "nu=ν xi=ξ pi=π rho=ρ sigma=σ tau=τ phi=ϕ varphi=φ chi=χ psi=ψ omega=ω Gamma=Γ Delta=Δ "
        "Theta=Θ Lambda=Λ Sigma=Σ Phi=Φ Omega=Ω partial=∂ nabla=∇ sum=∑ prod=∏ int=∫ infty=∞ "
        "cdot=· cdots=⋯ ldots=… dots=… times=× odot=⊙ otimes=⊗ top=ᵀ le=≤ leq=≤ ge=≥ geq=≥ ne=≠ "
        "neq=≠ approx=≈ sim=∼ to=→ rightarrow=→ leftarrow=← mapsto=↦ in=∈ pm=± mid=| lvert=| "
        "rvert=| lVert=‖ rVert=‖ langle=⟨ rangle=⟩ sqrt=√ log=log ln=ln exp=exp max=max min=min "
        "tanh=tanh arg=arg hat= bar= tilde= vec= "
    ).split()
)
_TEX_DROP = re.compile(
    r"\\(?:left|right|(?:big|Big|bigg|Bigg)[lrm]?|displaystyle|textstyle|limits|nolimits|!|,|;|:|quad|qquad)"
    r"(?![A-Za-z])"
)
_TEX_WRAPPERS = re.compile(
    r"\\(?:mathbf|mathrm|mathit|mathcal|mathbb|boldsymbol|bm|text|textrm|textbf|operatorname|"
    r"hat|bar|tilde|vec|overline|underline|mathsf|mathtt)\s*\{([^{}]*)\}"
)
_TEX_FRAC = re.compile(r"\\[dt]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}")


def tex_to_text(tex: str) -> str:
    """A readable plain-text rendering of a (simple) TeX formula, for search and snippets."""
    text = re.sub(r"\\[()\[\]]|\$\$", " ", tex)  # delimiters \( \) \[ \] $$
    text = text.replace("\\\\", " ").replace("&", " ").replace("~", " ")
    text = re.sub(r"\\(?:begin|end)\{[^}]*\}", " ", text)
    text = _TEX_DROP.sub(" ", text)
    for _ in range(3):  # nested wrappers and fractions, innermost first
        text = _TEX_WRAPPERS.sub(r"\1", text)
        text = re.sub(r"([_^])\{([^{}]*)\}", r"\1\2", text)
        text = re.sub(r"\\sqrt\s*\{([^{}]*)\}", r"√(\1)", text)
        text = _TEX_FRAC.sub(r"(\1)/(\2)", text)
    text = re.sub(r"\\[dt]?frac\s*(\w)\s*(\w)", r"\1/\2", text)
    text = re.sub(r"\\([A-Za-z]+)", lambda m: _TEX_SYMBOLS.get(m.group(1), m.group(1)), text)
    text = re.sub(r"\\(.)", r"\1", text)  # \{ \} \% ...
    text = text.replace("{", "").replace("}", "")
    text = re.sub(r"\(([^()\s]+)\)/\(([^()\s]+)\)", r"\1/\2", text)
    return re.sub(r"\s+", " ", text).strip()


def _index_math_as_text(doctree: nodes.document) -> nodes.document:
    """A copy of ``doctree`` whose formulas are plain text (for the search index only)."""
    is_math = lambda n: isinstance(n, (nodes.math, nodes.math_block))  # noqa: E731
    if next(iter(doctree.findall(is_math)), None) is None:
        return doctree
    copy = doctree.deepcopy()
    for node in list(copy.findall(is_math)):
        pad = " " if isinstance(node, nodes.math_block) else ""
        for att in ("ids", "names", "classes", "dupnames"):  # a labelled equation has ids
            node[att] = []
        node.replace_self(nodes.Text(pad + tex_to_text(node.astext()) + pad))
    return copy


def _patch_search_index() -> None:
    from sphinx.search import IndexBuilder

    if getattr(IndexBuilder.feed, "_nbv_math_as_text", False):
        return
    original = IndexBuilder.feed

    def feed(self, docname, filename, title, doctree):
        return original(self, docname, filename, title, _index_math_as_text(doctree))

    feed._nbv_math_as_text = True
    IndexBuilder.feed = feed


def _search_page_script(app, pagename, templatename, context, doctree):
    if pagename == "search":
        app.add_js_file("search-clean.js")


# --- 5. status page: text, not emoji ------------------------------------------------------------


def _status_as_text() -> None:
    from myst_nb.ext import execution_tables

    execution_tables._key2transform["succeeded"] = lambda ok: "ok" if ok is True else "error"


PDF_NAME = "neural-networks-verified.pdf"


def repository_settings(app) -> dict[str, str]:
    """The configured repository (``repository:`` in _config.yml) as substitution values."""
    opts = app.config.html_theme_options or {}
    url = str(opts.get("repository_url", "")).rstrip("/")
    return {
        "repository_url": url,
        "repository_branch": str(opts.get("repository_branch", "main")),
        "repository_name": url.rsplit("/", 1)[-1],
    }


def _fill_repository(app, docname, source):
    text = source[0]
    if "{{" not in text:
        return
    for key, value in repository_settings(app).items():
        text = re.sub(r"\{\{\s*" + key + r"\s*\}\}", lambda _m, v=value: v, text)
    source[0] = text


def _book_pdf_button(app, pagename, templatename, context, doctree):
    for button in context.get("header_buttons") or []:
        if button.get("label") == "download-buttons":
            for item in button["buttons"]:
                if item.get("label") == "download-pdf-button":  # the theme's window.print()
                    item["text"] = "This page (print)"
            button["buttons"].append(
                {
                    "type": "link",
                    "url": context["pathto"](PDF_NAME, 1),
                    "text": "Whole book (.pdf)",
                    "tooltip": "Download the whole book as one PDF",
                    "icon": "fas fa-book",
                    "label": "download-book-pdf-button",
                }
            )


# pydata-sphinx-theme's webpack macro and layout.html write these tags into every page.
_FONTAWESOME_JS = re.compile(
    r'<script defer src="(?P<up>[^"]*?)_static/scripts/fontawesome\.js\?digest=[0-9a-f]+">'
    r"</script>"
)
_SEARCH_JS = re.compile(
    r'\n *<script src="[^"]*_static/searchtools\.js"></script>'
    r'\n *<script src="[^"]*_static/language_data\.js"></script>'
    r'\n *<script src="[^"]*searchindex\.js"></script>'
)
FONTAWESOME_CSS = "_static/vendor/fontawesome/css/all.min.css"


def lighter_page(text: str, *, search_page: bool) -> str:
    """One written page without fontawesome.js (its stylesheet instead) and, unless it is the
    search page, without the search scripts and index (see 7. above)."""
    text = _FONTAWESOME_JS.sub(
        lambda m: f'<link rel="stylesheet" href="{m["up"]}{FONTAWESOME_CSS}" />', text, count=1
    )
    if not search_page:
        text = _SEARCH_JS.sub("", text, count=1)
    return text


# An image written into the page as a data: URI (the frames of the kernel-free controls, the
# static pictures of live widgets, from the notebooks' saved HTML outputs).
_DATA_IMG = re.compile(
    r'(?P<head><img\b[^>]*?\ssrc=")data:image/(?P<type>png|jpeg|gif|webp|svg\+xml);base64,'
    r'(?P<data>[A-Za-z0-9+/=\s]+)"'
)
_IMAGE_EXT = {"png": "png", "jpeg": "jpg", "gif": "gif", "webp": "webp", "svg+xml": "svg"}
DATA_IMAGES = "_images/inline"


def images_as_files(text: str, out: Path, up: str) -> str:
    """``text`` with every data: URI image saved as a file in ``out/_images/inline/`` (named by
    its content's hash, so a picture used twice is one file) and linked from there (see 9.)."""

    def save(m: re.Match) -> str:
        data = base64.b64decode("".join(m["data"].split()), validate=True)
        name = f"{hashlib.sha256(data).hexdigest()[:20]}.{_IMAGE_EXT[m['type']]}"
        path = out / DATA_IMAGES / name
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        return f'{m["head"]}{up}{DATA_IMAGES}/{name}"'

    return _DATA_IMG.sub(save, text)


def _lighter_pages(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    if not (out / FONTAWESOME_CSS).exists():
        raise RuntimeError(f"{FONTAWESOME_CSS} is missing: run scripts/fetch_assets.sh")
    for path in out.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        new = lighter_page(text, search_page=path == out / "search.html")
        up = "../" * (len(path.relative_to(out).parts) - 1)
        new = images_as_files(new, out, up)
        if new != text:
            path.write_text(new, encoding="utf-8")
    _static_first_formulas(out)
    cut = cjk_font_subset(out)
    logger.info(f"noto-sans-sc: {cut['chars']} characters in {cut['files']} files")
    icons = fontawesome_subset(out)
    logger.info(f"fontawesome: {len(icons)} icons kept")


NOTO_CSS = "_static/vendor/noto-sans-sc/400.css"
_FACE = re.compile(r"@font-face \{(?P<body>.*?)\}", re.S)
_FACE_SRC = re.compile(r"url\(\./files/(?P<file>[^)]+\.woff2)\)")
_FACE_RANGE = re.compile(r"unicode-range: (?P<ranges>[^;]+);")


def _code_points(ranges: str) -> set[int]:
    """The code points of a CSS unicode-range ("U+4e00-4e2f,U+3002")."""
    points: set[int] = set()
    for part in ranges.split(","):
        lo, _, hi = part.strip().removeprefix("U+").partition("-")
        points.update(range(int(lo, 16), int(hi or lo, 16) + 1))
    return points


def _unicode_range(points: set[int]) -> str:
    runs, ordered = [], sorted(points)
    start = prev = ordered[0]
    for p in [*ordered[1:], None]:
        if p is not None and p == prev + 1:
            prev = p
            continue
        runs.append(f"U+{start:x}" if start == prev else f"U+{start:x}-{prev:x}")
        if p is not None:
            start = prev = p
    return ",".join(runs)


def woff2_subset(source: Path, target: Path, unicodes: set[int]) -> None:
    """The web font ``source`` cut down to the characters ``unicodes`` it has (fontTools),
    written as WOFF2 to ``target`` (which may be ``source``)."""
    from fontTools import subset

    options = subset.Options(flavor="woff2", layout_features=["*"], name_IDs=["*"])
    options.ignore_missing_unicodes = True
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    subset.save_font(font, str(target), options)


def cjk_font_subset(out: Path) -> dict[str, int]:
    """Noto Sans SC cut down to the characters of the written pages (see 10.): each slice of
    the font that holds some of them becomes a file with just those (``files/book-*.woff2``)
    and ``400.css`` names only those files, each with the code points it has. Returns the
    number of characters and files."""
    css_path = out / NOTO_CSS
    used: set[int] = set()
    for path in out.rglob("*.html"):
        used.update(map(ord, path.read_text(encoding="utf-8")))
    faces = []
    for face in _FACE.finditer(css_path.read_text(encoding="utf-8")):
        body = face["body"]
        keep = used & _code_points(_FACE_RANGE.search(body)["ranges"])
        if not keep:
            continue
        name = _FACE_SRC.search(body)["file"]
        files = css_path.parent / "files"
        woff2_subset(files / name, files / f"book-{name}", keep)
        body = _FACE_SRC.sub(f"url(./files/book-{name})", body)
        body = _FACE_RANGE.sub(f"unicode-range: {_unicode_range(keep)};", body)
        faces.append(f"@font-face {{{body}}}\n")
    css_path.write_text(
        "/* Noto Sans SC (SIL OFL 1.1), cut down to the characters of this book by\n"
        "   scripts/sphinx_local.py. */\n" + "".join(faces),
        encoding="utf-8",
    )
    chars = sum(len(_code_points(m["ranges"])) for f in faces for m in _FACE_RANGE.finditer(f))
    return {"chars": chars, "files": len(faces)}


FONTAWESOME_FONTS = ("fa-solid-900.woff2", "fa-regular-400.woff2", "fa-brands-400.woff2")
_CSS_RULE = re.compile(r"(?P<selectors>[^{}]+)\{(?P<body>[^{}]*)\}")
# A rule of Font Awesome's stylesheet that names an icon: `.fa-bars:before,.fa-navicon:before`
_ICON_SELECTOR = re.compile(r"\s*\.(?P<name>fa-[a-z0-9-]+)::?before\s*")
_CSS_CONTENT = re.compile(r'content:\s*"(?P<text>[^"]*)"')
_CSS_ESCAPE = re.compile(r"\\(?P<hex>[0-9a-fA-F]{1,6}) ?")
_FA_CLASS = re.compile(r"\bfa-[a-z0-9-]+")
_PRIVATE_USE = re.compile(r"[\ue000-\uf8ff]")


def _css_text(value: str) -> str:
    """A CSS string's characters, its escapes (``\\f0c9``) read."""
    return _CSS_ESCAPE.sub(lambda m: chr(int(m["hex"], 16)), value)


def fontawesome_icons(css: str) -> dict[str, int]:
    """``{"fa-bars": 0xF0C9, ...}``: the icon classes of Font Awesome's stylesheet."""
    icons: dict[str, int] = {}
    for rule in _CSS_RULE.finditer(css):
        names = [_ICON_SELECTOR.fullmatch(s) for s in rule["selectors"].split(",")]
        content = _CSS_CONTENT.search(rule["body"])
        if content and all(names):
            text = _css_text(content["text"])
            if len(text) == 1:
                icons.update((m["name"], ord(text)) for m in names)
    return icons


def used_icon_points(out: Path) -> set[int]:
    """The Font Awesome code points the written book shows (see 11.): the icons named by a
    ``fa-*`` class in a page or in a script of ``_static`` (Font Awesome's own fontawesome.js,
    which the pages do not load, and vendored libraries aside), and the private-use characters
    the pages and the other stylesheets use outside Font Awesome's list of icon classes (which
    pydata-sphinx-theme's stylesheet repeats)."""
    static = out / "_static"
    icons = fontawesome_icons((out / FONTAWESOME_CSS).read_text(encoding="utf-8"))
    names: set[str] = set()
    points: set[int] = set()
    for path in out.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        names.update(_FA_CLASS.findall(text))
        points.update(map(ord, _PRIVATE_USE.findall(text)))
    for path in static.rglob("*.js"):
        if "vendor" in path.relative_to(static).parts or path.name == "fontawesome.js":
            continue
        names.update(_FA_CLASS.findall(path.read_text(encoding="utf-8", errors="replace")))
    for path in static.rglob("*.css"):
        if "vendor" in path.relative_to(static).parts:
            continue
        for rule in _CSS_RULE.finditer(path.read_text(encoding="utf-8", errors="replace")):
            if all(_ICON_SELECTOR.fullmatch(s) for s in rule["selectors"].split(",")):
                continue  # an icon class's definition, not a use
            points.update(map(ord, _PRIVATE_USE.findall(_css_text(rule["body"]))))
    return points | {icons[n] for n in names if n in icons}


THEME_CSS = "_static/styles/pydata-sphinx-theme.css"


def drop_icon_rules(css: str, keep: set[int]) -> str:
    """``css`` without the rules that name an icon (``.fa-bars:before{content:"\\f0c9"}``)
    whose code point is not in ``keep``; every other rule as it was."""

    def rule(m: re.Match) -> str:
        content = _CSS_CONTENT.search(m["body"])
        if not content or not all(_ICON_SELECTOR.fullmatch(s) for s in m["selectors"].split(",")):
            return m[0]
        text = _css_text(content["text"])
        return m[0] if len(text) != 1 or ord(text) in keep else ""

    return _CSS_RULE.sub(rule, css)


def fontawesome_subset(out: Path) -> set[int]:
    """Font Awesome's web fonts in the written book cut down to the icons it uses (see 11.),
    in place (the stylesheet names the same files), and the stylesheets' rules for the other
    icons dropped. Returns the code points kept."""
    keep = used_icon_points(out)
    for css in (out / FONTAWESOME_CSS, out / THEME_CSS):
        css.write_text(drop_icon_rules(css.read_text(encoding="utf-8"), keep), encoding="utf-8")
    webfonts = (out / FONTAWESOME_CSS).parent.parent / "webfonts"
    for name in FONTAWESOME_FONTS:
        woff2_subset(webfonts / name, webfonts / name, keep)
    return keep


def _static_first_formulas(out: Path) -> None:
    import static_math

    counts = static_math.prerender(out, out / "_static" / "vendor" / "mathjax")
    logger.info(
        f"static_math: typeset {sum(counts.values())} formulas at build time in {len(counts)} pages"
    )


def setup(app):
    app.connect("build-finished", _lighter_pages)
    app.connect("source-read", _fill_repository)
    app.connect("html-page-context", _book_pdf_button, priority=899)
    _status_as_text()
    _patch_search_index()
    app.connect("html-page-context", _search_page_script, priority=100)
    app.add_post_transform(ProtectPlainTextExerciseRefs)
    app.connect("html-page-context", _dedup_inline_scripts, priority=900)
    app.connect("html-page-context", _light_widget_pages, priority=901)
    app.connect("doctree-read", _record_saved_execution)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
