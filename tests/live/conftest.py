"""Fixtures for the live tests: a Binder-like environment and a real JupyterLab server.

``binder_python``: a virtual environment built from ``requirements.txt`` alone (what Binder
installs), plus ``jupyterlab`` (which Binder's base image provides), in ``.venv-binder/``. It
is rebuilt when requirements.txt or pyproject.toml changes (a stamp holds their hash).

``lab``: JupyterLab started from that environment on 127.0.0.1 with a token and a free port,
serving a temporary copy of ``book/`` (so that autosave never touches the committed notebooks),
with ``window.jupyterapp`` exposed so that a test can run commands; it is stopped at the end.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book"))
from bookutil import CHROMIUM, CHROMIUM_ARGS, ROOT, free_port, skip_or_fail  # noqa: E402

BINDER_VENV = ROOT / ".venv-binder"


def _requirements_hash() -> str:
    h = hashlib.sha256()
    for name in ("requirements.txt", "pyproject.toml"):
        h.update((ROOT / name).read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="session")
def binder_python() -> Path:
    """The python of a fresh environment made from requirements.txt alone (+ jupyterlab).

    Built under a lock: with pytest-xdist (``make test``) two workers may ask at once."""
    python = BINDER_VENV / "bin" / "python"
    stamp = BINDER_VENV / ".requirements-hash"
    wanted = _requirements_hash()
    with open(ROOT / ".venv-binder.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _build_binder_env(python, stamp, wanted)
    return python


def _build_binder_env(python: Path, stamp: Path, wanted: str) -> None:
    if not (python.exists() and stamp.exists() and stamp.read_text() == wanted):
        shutil.rmtree(BINDER_VENV, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(BINDER_VENV)], check=True)
        # The book's installer (uv told pip's configuration, or pip): Binder's pip would pick
        # the same versions.
        install = [str(ROOT / "scripts" / "install.sh"), str(python)]
        proc = subprocess.run(
            [*install, "-r", "requirements.txt", "jupyterlab"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            pytest.fail(
                f"installing requirements.txt failed:\n{proc.stdout[-2000:]}{proc.stderr[-3000:]}"
            )
        stamp.write_text(wanted)


@pytest.fixture(scope="session")
def lab(binder_python, tmp_path_factory):
    """(base_url, token) of a JupyterLab serving a copy of book/; stopped after the session."""
    root = tmp_path_factory.mktemp("lab")
    shutil.copytree(ROOT / "book", root / "book", ignore=shutil.ignore_patterns("_build"))
    # Render every cell (no virtual scrolling), so that a test can find any widget in the page.
    tracker = root / "settings" / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True)
    (tracker / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    port, token = free_port(), secrets.token_hex(16)
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(root / "config"),
        "JUPYTER_RUNTIME_DIR": str(root / "runtime"),
        "JUPYTERLAB_WORKSPACES_DIR": str(root / "workspaces"),
        "JUPYTERLAB_SETTINGS_DIR": str(root / "settings"),
    }
    cmd = [
        str(binder_python),
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root / 'book'}",
        "--LabApp.expose_app_in_browser=True",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--ServerApp.open_browser=False",
    ]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    log = open(root / "lab.log", "w")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(
        cmd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"JupyterLab exited:\n{(root / 'lab.log').read_text()[-3000:]}")
                time.sleep(0.2)
        else:
            pytest.fail("JupyterLab did not answer within 60 s")
        yield base, token
    finally:
        os.killpg(proc.pid, 15)  # the server and the kernels it started
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
        log.close()


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        skip_or_fail(f"{CHROMIUM} is missing (make test installs it with apt-get as root)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("playwright is not installed (it is in requirements-dev.txt)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
