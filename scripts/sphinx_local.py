"""Small local Sphinx fixes for the book (loaded through ``local_extensions`` in _config.yml).

Sphinx 7.4 keeps an inline script added after the builder started (``add_js_file(None,
body=...)``, as sphinx-thebe and sphinx-togglebutton do) twice in every page, once with filename
``None`` and once with ``""``; the second ``const THEBE_JS_URL`` then throws "Identifier has
already been declared" in the browser. This removes such exact duplicates from each page.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

_CHAPTER = re.compile(r"Introduced in chapter (\d+) \(([^)]*)\)\.?")
_BOOK = Path(__file__).resolve().parent.parent / "book"


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


def _chapter_doc(number: str) -> str | None:
    found = sorted(_BOOK.glob(f"{int(number):02d}_*.ipynb"))
    return f"/book/{found[0].stem}" if found else None


def _module_chapter(obj) -> str | None:
    """The "Introduced in chapter N (...)" sentence of the module that defines ``obj``."""
    try:
        doc = importlib.import_module(obj.__module__).__doc__ or ""
    except (AttributeError, ImportError, TypeError):
        return None
    match = _CHAPTER.search(doc)
    return match.group(0) if match else None


def _link_chapters(app, what, name, obj, options, lines):
    """API reference: turn "Introduced in chapter N (Title)" into a link to that chapter.

    A class or function whose own docstring has no such sentence gets its module's, so every
    public name of nbcore links back to the chapter that introduces it.
    """
    if not name.startswith("nbcore") or what in ("attribute", "method", "property"):
        return
    text = "\n".join(lines)
    if not _CHAPTER.search(text) and what in ("class", "function"):
        sentence = _module_chapter(obj)
        if sentence:
            lines.extend(["", sentence])

    def link(match):
        doc = _chapter_doc(match.group(1))
        label = f"chapter {match.group(1)} ({match.group(2)})"
        return f"Introduced in :doc:`{label} <{doc}>`." if doc else match.group(0)

    for i, line in enumerate(lines):
        lines[i] = _CHAPTER.sub(link, line)


def setup(app):
    app.connect("html-page-context", _dedup_inline_scripts, priority=900)
    app.connect("autodoc-process-docstring", _link_chapters)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
