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
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from sphinx.addnodes import pending_xref
from sphinx.transforms.post_transforms import SphinxPostTransform


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


def setup(app):
    app.add_post_transform(ProtectPlainTextExerciseRefs)
    app.connect("html-page-context", _dedup_inline_scripts, priority=900)
    app.connect("html-page-context", _light_widget_pages, priority=901)
    app.connect("doctree-read", _record_saved_execution)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
