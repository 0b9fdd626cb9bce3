"""Binder's view of the book: an environment built from requirements.txt alone must import
everything the notebooks import and run every notebook from top to bottom without an error."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book"))
from bookutil import ROOT  # noqa: E402

NOTEBOOKS = sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb"))

RUN = """
import sys, nbformat, nbclient
nb = nbformat.read(sys.argv[1], as_version=4)
nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                        resources={"metadata": {"path": sys.argv[2]}}).execute()
"""


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


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_in_binder_env(binder_python, notebook, tmp_path):
    proc = subprocess.run(
        [str(binder_python), "-c", RUN, str(notebook), str(ROOT / "book")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
