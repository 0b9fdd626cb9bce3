# Neural Networks, Verified: build, test and maintenance targets.
#   make book     build the HTML book from clean into _build/html (zero warnings)
#   make test     everything CI checks: build, PDF, nbcore tests, nbval over the notebooks, HTML tests
#   make pdf      the whole book as one PDF, _build/pdf/neural-networks-verified.pdf (from the HTML)
#   make outputs  re-execute every notebook in place (outputs + widget state)
#   make lab      JupyterLab on 127.0.0.1 (token printed)
#   make lint     ruff check + ruff format --check
#   make bench    benchmarks: nbcore vs scikit-learn/PyTorch, widget update times, page weight
#                 and render time of the built book (make book first); book page
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := book

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
BOOK_STAMP := $(VENV)/.book-stamp
NOTEBOOKS := $(sort $(wildcard book/[0-9][0-9]_*.ipynb))
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg
LAB_PORT ?= 8888
# Optional: PyTorch's CPU wheel, when the machine has it on disk (never downloaded: the PyPI
# build pulls gigabytes of CUDA). With it, tests compare nbcore with torch; without, they skip.
TORCH_WHEELS ?= /opt/wheels
# Matplotlib's font cache lists font files by path, shared by every environment of the user
# (~/.cache/matplotlib): one written while another checkout's .venv was being deleted lacked
# matplotlib's own fonts, and every figure then warned "findfont: ... not found" into the
# notebooks' outputs. Each checkout keeps its own, next to its .venv, built before any notebook
# runs (a first build prints "Matplotlib is building the font cache" into the output).
export MPLCONFIGDIR ?= $(CURDIR)/$(VENV)/matplotlib
FONT_CACHE = $(BIN)/python -c 'import matplotlib.font_manager'
# Compiled Python (.pyc) is written as modules are first imported. A machine that sets
# PYTHONDONTWRITEBYTECODE (this one does) and uv (which, unlike pip, does not compile at install)
# would otherwise leave every process to compile matplotlib, IPython, Sphinx... from source on
# every import: a notebook's first cell took 3.7 s instead of 1.6 s, in every kernel the tests
# start. Compiling only what is imported costs nothing up front (compiling all of .venv at
# install, PyTorch included, took 47 s).
unexport PYTHONDONTWRITEBYTECODE
# pytest-xdist: two worker processes (this machine's cores), one test file at a time each, so a
# notebook's cells run in order in one kernel (nbval) and a module's browser stays its own.
# PYTEST_WORKERS= (empty) runs everything in one process. --no-loadscope-reorder: files are sent
# in the order the root conftest.py gives them (slowest first), not by their number of tests
# (which sent the live widgets, 9 tests and 4 minutes, last).
PYTEST_WORKERS ?= -n 2 --dist loadfile --no-loadscope-reorder

.PHONY: venv devvenv book assets browser pdftools pdf test outputs lab lint bench clean

# Two steps, each (re)run when its requirements file or pyproject.toml is newer than its stamp:
# `venv` installs what the book build needs (requirements-book.txt), `devvenv` adds the test
# tools (requirements-dev.txt) and PyTorch's CPU wheel when it is on disk. scripts/install.sh
# installs with uv, told pip's configuration (about 15 s for both steps on a fresh machine), or
# with pip if uv cannot be had (about 140 s); NBV_INSTALLER=pip forces pip.
PIP := scripts/install.sh $(BIN)/python
venv: $(BOOK_STAMP)
devvenv: $(STAMP)
$(BOOK_STAMP): requirements.txt requirements-book.txt pyproject.toml
	@t0=$$(date +%s); \
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "make: Python 3.11 or newer is needed (the pinned numpy has no wheel for older ones); found " + sys.version.split()[0] + ": run make PYTHON=python3.11 ...")'; \
	if [ ! -x $(BIN)/python ]; then echo "venv: creating $(VENV) with $$($(PYTHON) --version)"; $(PYTHON) -m venv $(VENV); fi; \
	echo "venv: installing the book's requirements (requirements-book.txt)"; \
	$(PIP) -r requirements-book.txt; \
	touch $(BOOK_STAMP); \
	echo "timing: install (book) $$(( $$(date +%s) - t0 )) s"
$(STAMP): $(BOOK_STAMP) requirements-dev.txt
	@t0=$$(date +%s); \
	echo "venv: installing the test tools (requirements-dev.txt)"; \
	$(PIP) -r requirements-dev.txt; \
	torch_wheel=$$(ls $(TORCH_WHEELS)/torch-2.13.0+cpu-*.whl 2>/dev/null | head -n 1); \
	if [ -n "$$torch_wheel" ]; then \
	  $(PIP) "$$torch_wheel"; \
	else echo "venv: no local PyTorch CPU wheel in $(TORCH_WHEELS): torch comparisons skipped"; fi; \
	touch $(STAMP); \
	echo "timing: install (test tools) $$(( $$(date +%s) - t0 )) s"

assets:
	@scripts/fetch_assets.sh

# From clean: Sphinx does not re-read a notebook when only nbcore changed.
book: venv assets
	@$(FONT_CACHE)
	@t0=$$(date +%s); rm -rf _build; \
	$(BIN)/jupyter-book build . -W -n --keep-going; \
	chmod -R a+rX _build; \
	echo "timing: build $$(( $$(date +%s) - t0 )) s"

browser:
	@scripts/ensure_chromium.sh

pdftools:
	@scripts/ensure_pdf_tools.sh

# The whole book as one PDF, printed from the built HTML by Debian's Chromium, offline
# (scripts/make_pdf.py); also copied into _build/html, where every page's download menu links it.
MAKE_PDF = t0=$$(date +%s); \
	$(BIN)/python scripts/make_pdf.py; \
	chmod -R a+rX _build; \
	echo "timing: pdf $$(( $$(date +%s) - t0 )) s"
pdf: devvenv browser pdftools book
	@$(MAKE_PDF)

# Without Chromium or poppler-utils (not root, no apt-get) the PDF is not built and its tests
# skip, like the browser tests; on CI (CI=true) the ensure scripts have already failed.
# The PDF is printed while pytest runs (about 110 s of one core, which the build leaves idle
# otherwise): NBV_PDF_STATUS names the file that receives make_pdf's exit status, which the
# tests that read the PDF wait for (tests/book/bookutil.py: wait_for_pdf); its output is
# shown once pytest is done, and a failed print fails `make test`.
PDF_STATUS = _build/pdf/make_pdf.status
test: devvenv browser pdftools book
	@t0=$$(date +%s); pdf_pid=; rm -f $(PDF_STATUS); mkdir -p _build/pdf; \
	if [ -x /usr/bin/chromium ] && command -v pdftohtml >/dev/null; then \
	  ( $(BIN)/python scripts/make_pdf.py > _build/pdf/make_pdf.log 2>&1; \
	    echo $$? > $(PDF_STATUS).tmp; mv $(PDF_STATUS).tmp $(PDF_STATUS); \
	    echo "timing: pdf $$(( $$(date +%s) - t0 )) s" >> _build/pdf/make_pdf.log ) & \
	  pdf_pid=$$!; export NBV_PDF_STATUS=$$PWD/$(PDF_STATUS); \
	else echo "test: no Chromium or poppler-utils: the PDF is not built (its tests skip)"; fi; \
	rc=0; PYTHONPATH=scripts$${PYTHONPATH:+:$$PYTHONPATH} $(BIN)/python -m pytest tests book \
	    $(NBVAL) $(PYTEST_WORKERS) -p pytest_phase_timing -ra || rc=$$?; \
	echo "timing: pytest $$(( $$(date +%s) - t0 )) s"; \
	if [ -n "$$pdf_pid" ]; then \
	  wait $$pdf_pid; cat _build/pdf/make_pdf.log; \
	  if [ "$$(cat $(PDF_STATUS))" != 0 ]; then echo "test: make_pdf failed"; rc=1; fi; \
	fi; \
	exit $$rc

outputs: venv
	@$(FONT_CACHE)
	$(BIN)/jupyter execute --inplace --timeout=600 $(NOTEBOOKS)

lab: devvenv
	$(BIN)/jupyter lab --no-browser --ServerApp.ip=127.0.0.1 --ServerApp.port=$(LAB_PORT) \
	    --ServerApp.root_dir=book $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

lint: devvenv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# pages.py measures the built book (_build/html; run `make book` first): page weight, requests,
# render time with the CPU throttled 4x, in Chromium.
bench: devvenv
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/widgets.py
	$(BIN)/python benchmarks/pages.py
	$(BIN)/python benchmarks/report.py

clean:
	rm -rf _build
