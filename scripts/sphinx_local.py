"""Small local Sphinx fixes for the book (loaded through ``local_extensions`` in _config.yml).

Sphinx 7.4 keeps an inline script added after the builder started (``add_js_file(None,
body=...)``, as sphinx-thebe and sphinx-togglebutton do) twice in every page, once with filename
``None`` and once with ``""``; the second ``const THEBE_JS_URL`` then throws "Identifier has
already been declared" in the browser. This removes such exact duplicates from each page.
"""

from __future__ import annotations


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


def setup(app):
    app.connect("html-page-context", _dedup_inline_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
