"""Every way to run a chapter points at the ONE configured repository (issue 19, item 4).

The setting is ``repository: url/branch`` in _config.yml. From it the theme makes the Binder,
Colab, repository and issue buttons, and scripts/sphinx_local.py fills ``{{ repository_url }}``
in the sources (intro.md's ``git clone``). The copies that cannot read it at run time are checked
against it here: nbcore's ``REPOSITORY``/``BRANCH`` (the "Run it live" links), the links saved in
the notebooks' outputs, and any chapter set-up cell that installs nbcore from the repository
(Colab). The built pages (no browser needed) must each offer Binder, Colab, the notebook's
download and the repository and issue links.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from bookutil import HTML, ROOT, book_config, chapter_pages, soup, toc_pages, wait_for_pdf
from bs4 import BeautifulSoup

CHAPTERS = chapter_pages()
PDF_NAME = "neural-networks-verified.pdf"


def repo_setting() -> tuple[str, str, str]:
    """(url, 'owner/name', branch) from _config.yml."""
    repo = book_config()["repository"]
    url = repo["url"].rstrip("/")
    assert url.startswith("https://github.com/"), f"repository url {url!r} is not on GitHub"
    return url, url.removeprefix("https://github.com/"), repo.get("branch", "main")


def page_soup(page: str) -> BeautifulSoup:
    return soup(HTML / f"{page}.html")


def hrefs(page: str) -> list[str]:
    return [a["href"] for a in page_soup(page).find_all("a", href=True)]


# ---- the copies of the setting outside the build -------------------------------------------


def test_nbcore_constants_match_the_setting():
    from nbcore.widgets import _html

    _, slug, branch = repo_setting()
    assert _html.REPOSITORY == slug, (
        f"nbcore/widgets/_html.py REPOSITORY = {_html.REPOSITORY!r}, but _config.yml's "
        f"repository is {slug!r}: set it there too and run `make outputs`"
    )
    assert _html.BRANCH == branch
    hub = book_config()["launch_buttons"]["binderhub_url"].rstrip("/")
    assert _html.BINDER_HUB == hub


@pytest.mark.parametrize("page", CHAPTERS)
def test_notebook_saved_links_match_the_setting(page):
    """Repository addresses baked into a notebook (outputs, set-up cell) are the configured one."""
    url, slug, branch = repo_setting()
    text = (ROOT / f"{page}.ipynb").read_text(encoding="utf-8")
    wrong = []
    for m in re.finditer(r"v2/gh/([\w.-]+/[\w.-]+)/([\w.-]+)", text):
        if (m.group(1), m.group(2)) != (slug, branch):
            wrong.append(m.group(0))
    for m in re.finditer(r"git\+https://github\.com/([\w.-]+/[\w-]+)", text):
        if m.group(1) != slug:
            wrong.append(m.group(0))
    assert not wrong, (
        f"{page}: repository addresses other than {url} (run `make outputs` after changing "
        f"_config.yml and nbcore/widgets/_html.py): {sorted(set(wrong))}"
    )


@pytest.mark.parametrize("page", CHAPTERS)
def test_colab_setup_cell_when_present(page):
    """A set-up cell that installs nbcore (for Colab) uses the setting and is hidden."""
    url, _, branch = repo_setting()
    nb = json.loads((ROOT / f"{page}.ipynb").read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        src = "".join(cell["source"])
        if cell["cell_type"] != "code" or "git+https://" not in src:
            continue
        m = re.search(rf"git\+{re.escape(url)}(?:\.git)?(?:@([\w.-]+))?(?=[\"'\s])", src)
        assert m, f"{page}: the set-up cell installs nbcore from elsewhere than {url}: {src}"
        assert m.group(1) in (None, branch), f"{page}: set-up cell installs @{m.group(1)}"
        assert 'find_spec("nbcore")' in src or "import nbcore" in src, (
            f"{page}: the set-up cell must install nbcore only where it is missing"
        )
        assert "remove-cell" in cell.get("metadata", {}).get("tags", []), (
            f"{page}: the set-up cell must be tagged remove-cell (not shown in the HTML book)"
        )


def test_intro_clone_address_is_the_setting(html_dir):
    url, slug, _ = repo_setting()
    text = " ".join(page_soup(toc_pages()[0]).get_text(" ").split())
    assert f"git clone {url}" in text, "intro: the git clone address is not the configured one"
    assert f"cd {slug.split('/')[1]}" in text
    assert "{{" not in text, "intro: an unfilled {{ substitution }}"


# ---- the built pages ------------------------------------------------------------------------


@pytest.mark.parametrize("page", CHAPTERS)
def test_chapter_binder_link(html_dir, page):
    _, slug, branch = repo_setting()
    hub = book_config()["launch_buttons"]["binderhub_url"].rstrip("/")
    binder = [h for h in hrefs(page) if h.startswith(hub)]
    assert binder, f"{page}: no Binder link"
    for h in binder:
        u = urlparse(h)
        assert u.path == f"/v2/gh/{slug}/{branch}", f"{page}: Binder link to {h}"
        assert parse_qs(u.query)["urlpath"] == [f"lab/tree/{page}.ipynb"], h


@pytest.mark.parametrize("page", CHAPTERS)
def test_chapter_colab_link(html_dir, page):
    _, slug, branch = repo_setting()
    colab = book_config()["launch_buttons"].get("colab_url", "").rstrip("/")
    assert colab == "https://colab.research.google.com", "_config.yml: no Colab launch button"
    want = f"{colab}/github/{slug}/blob/{branch}/{page}.ipynb"
    links = [h for h in hrefs(page) if h.startswith(colab)]
    assert links == [want], f"{page}: Colab links {links}, expected [{want}]"


@pytest.mark.parametrize("page", CHAPTERS)
def test_chapter_notebook_download_link(html_dir, page):
    want = f"../_sources/{page}.ipynb"
    links = [
        a for a in page_soup(page).find_all("a", href=True) if a["href"].endswith(f"{page}.ipynb")
    ]
    local = [a["href"] for a in links if not urlparse(a["href"]).scheme]
    assert want in local, f"{page}: no 'download this notebook' link ({want}); found {local}"
    source = HTML / "_sources" / f"{page}.ipynb"
    assert source.exists(), f"{source} is not in the build"
    assert json.loads(source.read_text(encoding="utf-8"))["cells"], f"{source} is not a notebook"


@pytest.mark.parametrize("page", toc_pages())
def test_repository_issue_and_pdf_links(html_dir, page):
    url, _, _ = repo_setting()
    links = hrefs(page)
    assert url in links, f"{page}: no repository link {url}"
    issues = [h for h in links if h.startswith(f"{url}/issues/new")]
    assert issues, f"{page}: no 'open an issue' link to {url}/issues/new"
    buttons = page_soup(page).select(".article-header-buttons a[href]")
    github = [a["href"] for a in buttons if urlparse(a["href"]).hostname == "github.com"]
    foreign = [h for h in github if not (h == url or h.startswith(url + "/"))]
    assert not foreign, f"{page}: repository buttons outside the configured one: {foreign}"
    depth = page.count("/")
    pdf = [h for h in links if h.endswith(PDF_NAME)]
    assert pdf == ["../" * depth + PDF_NAME], f"{page}: whole-book PDF link {pdf}"


def test_whole_book_pdf_is_in_the_html_output(html_dir):
    """The download menu's PDF exists once `make pdf` ran (make test runs it)."""
    wait_for_pdf()
    pdf = Path(html_dir) / PDF_NAME
    if not pdf.exists():
        from bookutil import skip_or_fail

        skip_or_fail(f"{pdf} is missing: run `make pdf` (make test does)")
    assert pdf.read_bytes()[:5] == b"%PDF-"
