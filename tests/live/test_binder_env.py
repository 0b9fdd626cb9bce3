"""Binder's view of the book: an environment built from requirements.txt alone must import
everything the notebooks import and run every notebook from top to bottom without an error.

The runs themselves are in test_live_widgets.py: it opens every chapter in JupyterLab from that
environment, runs all its cells and fails on any error output (then moves the widgets). Here:
the imports, and a check that the live tests cover every chapter."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book"))
from bookutil import ROOT  # noqa: E402

NOTEBOOKS = sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb"))


def notebook_imports() -> set[str]:
    """Top-level module names imported by any code cell of any chapter notebook."""
    names = set()
    for path in NOTEBOOKS:
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] != "code":
                continue
            try:
                tree = ast.parse("".join(cell["source"]))
            except SyntaxError:  # IPython magics; the book uses none, nbval would fail first
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names.update(a.name.split(".")[0] for a in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    names.add(node.module.split(".")[0])
    return names - {"myst_nb"}  # optional: glue only works inside Jupyter Book, guarded there


def test_notebooks_import_only_what_requirements_provide(binder_python):
    names = sorted(notebook_imports())
    code = "import importlib, sys\n" + "".join(f"importlib.import_module({n!r})\n" for n in names)
    proc = subprocess.run([str(binder_python), "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, f"imports {names} failed in the Binder env:\n{proc.stderr}"


def test_live_tests_run_every_chapter():
    """Each chapter notebook is opened and run in the Binder environment by test_live_widgets.py
    (one run per notebook, shared by its cases)."""
    from cases import CASES

    live = {c.notebook for c in CASES}
    missing = [p.name for p in NOTEBOOKS if p.name not in live]
    assert not missing, f"no live case runs these notebooks in the Binder environment: {missing}"
