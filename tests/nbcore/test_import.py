"""Importing nbcore imports NumPy only."""

import subprocess
import sys

HEAVY = ("matplotlib", "sklearn", "ipywidgets", "tqdm", "torch", "scipy", "pandas", "IPython")


def test_import_nbcore_does_not_import_heavy_packages():
    code = (
        "import sys, nbcore as nc; nc.Dense; nc.Adam; nc.train; "
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"importing nbcore also imported: {out.stdout.strip()}"
    assert "Warning" not in out.stderr
