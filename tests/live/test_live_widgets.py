"""Every chapter widget used as a reader uses it: live, in JupyterLab, in headless Chromium.

JupyterLab runs from the Binder-like environment (requirements.txt alone). For each case in
``cases.py`` the test opens the notebook, runs all cells, types a new value into one control,
and checks that the widget's readout shows the number nbcore computes for that value. Requests
to other hosts are blocked and fail the test; so does any browser console error not listed in
KNOWN_CONSOLE_ERRORS with its explanation.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from bookutil import ROOT
from cases import CASES

SHOTS = ROOT / "_build" / "screenshots"  # a failing case leaves its page here

# Console messages JupyterLab itself prints on a machine without internet; none comes from the
# book. Each entry: (regex, why it is harmless).
KNOWN_CONSOLE_ERRORS = [
    (
        r"Failed to load resource: the server responded with a status of 404.*(lab/api/|/api/)",
        "JupyterLab probes optional server endpoints (e.g. the extension manager)",
    ),
]

ALL_RAN = """() => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  if (!w || !w.content || !w.sessionContext || !w.sessionContext.session) return false;
  const k = w.sessionContext.session.kernel;
  if (!k || k.status !== 'idle') return false;
  const code = w.content.widgets.filter(c => c.model.type === 'code');
  return code.every(c => c.model.executionCount !== null);
}"""

ERRORS = """() => {
  const w = window.jupyterapp.shell.currentWidget;
  const out = [];
  for (const c of w.content.widgets) {
    if (c.model.type !== 'code') continue;
    for (let i = 0; i < c.model.outputs.length; i++) {
      const o = c.model.outputs.get(i).toJSON();
      if (o.output_type === 'error') out.push(o.ename + ': ' + o.evalue);
    }
  }
  return out;
}"""


def _unexplained(messages):
    return [m for m in messages if not any(re.search(p, m) for p, _ in KNOWN_CONSOLE_ERRORS)]


NOTEBOOKS = list(dict.fromkeys(c.notebook for c in CASES))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[n.split(".")[0] for n in NOTEBOOKS])
def test_widget_controls_update_readouts(notebook, lab, chromium):
    base, token = lab
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    external, console = [], []

    def route(r):
        if urlparse(r.request.url).hostname in ("127.0.0.1", "localhost"):
            r.continue_()
        else:
            external.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: console.append(f"page error: {e}"))
    try:
        # A workspace of its own, so that JupyterLab does not reopen the previous notebook.
        workspace = notebook.split(".")[0]
        run_all(page, f"{base}/lab/workspaces/{workspace}/tree/{notebook}?reset&token={token}")
        for case in [c for c in CASES if c.notebook == notebook]:
            try:
                check_case(page, case)
            except Exception:
                SHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SHOTS / f"live-{case.id}.png"), full_page=True)
                raise
        assert not external, f"requests to other hosts: {external}"
        assert not _unexplained(console), f"console errors: {_unexplained(console)}"
    finally:
        try:  # free the CPU for the next notebook
            page.evaluate(
                "async () => await window.jupyterapp.serviceManager.sessions.shutdownAll()"
            )
        except Exception:  # the page may be gone after a failure; the server stops the rest
            pass
        context.close()


def run_all(page, url):
    """Open the notebook, wait for its kernel, clear the saved outputs and run every cell."""
    page.goto(url)
    page.wait_for_function(
        "() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
        " return !!(w && w.sessionContext && w.sessionContext.isReady"
        " && w.sessionContext.session && w.sessionContext.session.kernel"
        " && w.sessionContext.session.kernel.status === 'idle'); }",
        timeout=90_000,
    )
    page.evaluate(
        "async () => { const c = window.jupyterapp.commands;"
        " await c.execute('notebook:clear-all-cell-outputs');"
        " await c.execute('notebook:run-all-cells'); }"
    )
    page.wait_for_function(ALL_RAN, timeout=180_000, polling=500)
    errors = page.evaluate(ERRORS)
    assert not errors, f"cells raised {errors}"


def check_case(page, case):
    """Move one control as a reader would and compare the readout with nbcore's value."""
    scope = page.locator(case.root).first if case.root else page
    readout = scope.locator(".nbcore-readout").first
    control = scope.locator(f".nbcore-ctl-{case.control}").first
    control.scroll_into_view_if_needed()
    before = readout.inner_text()
    select = control.locator("select")
    if select.count():
        select.select_option(str(case.value))
    else:  # a slider: type the value into its readout and press Enter, as a reader can
        control.locator(".widget-readout").click()
        page.keyboard.press("Control+A")
        page.keyboard.type(str(case.value))
        page.keyboard.press("Enter")
    page.wait_for_function(
        "([el, old]) => el.innerText !== old",
        arg=[readout.element_handle(), before],
        timeout=20_000,
    )
    text = readout.inner_text()
    match = re.search(case.pattern, text)
    assert match, f"{case.id}: readout {text!r} does not match {case.pattern!r}"
    assert float(match.group(1)) == pytest.approx(case.expected(), abs=case.tol), (case.id, text)
