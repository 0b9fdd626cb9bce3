# Neural Networks, Verified: build, test and maintenance targets.
#   make book     build the HTML book from clean into _build/html (zero warnings)
#   make test     everything CI checks: build, nbcore tests, nbval over the notebooks, HTML tests
#   make outputs  re-execute every notebook in place (outputs + widget state)
#   make lab      JupyterLab on 127.0.0.1 (token printed)
#   make lint     ruff check + ruff format --check
#   make bench    benchmarks: nbcore vs scikit-learn/PyTorch, widget update times; book page
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := book

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
NOTEBOOKS := $(sort $(wildcard book/[0-9][0-9]_*.ipynb))
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg
LAB_PORT ?= 8888
# Optional: PyTorch's CPU wheel, when the machine has it on disk (never downloaded: the PyPI
# build pulls gigabytes of CUDA). With it, tests compare nbcore with torch; without, they skip.
TORCH_WHEELS ?= /opt/wheels

.PHONY: venv book assets browser test outputs lab lint bench clean

# The venv is (re)installed when a requirements file or pyproject.toml is newer than the stamp.
venv: $(STAMP)
$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	@t0=$$(date +%s); \
	if [ ! -x $(BIN)/python ]; then $(PYTHON) -m venv $(VENV); fi; \
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt; \
	torch_wheel=$$(ls $(TORCH_WHEELS)/torch-2.13.0+cpu-*.whl 2>/dev/null | head -n 1); \
	if [ -n "$$torch_wheel" ]; then \
	  $(BIN)/python -m pip install --quiet --disable-pip-version-check "$$torch_wheel"; \
	else echo "venv: no local PyTorch CPU wheel in $(TORCH_WHEELS): torch comparisons skipped"; fi; \
	touch $(STAMP); \
	echo "timing: install $$(( $$(date +%s) - t0 )) s"

assets:
	@scripts/fetch_assets.sh

# From clean: Sphinx does not re-read a notebook when only nbcore changed.
book: venv assets
	@t0=$$(date +%s); rm -rf _build; \
	$(BIN)/jupyter-book build . -W -n --keep-going; \
	chmod -R a+rX _build; \
	echo "timing: build $$(( $$(date +%s) - t0 )) s"

browser:
	@scripts/ensure_chromium.sh

test: venv browser book
	@t0=$$(date +%s); \
	rc=0; PYTHONPATH=scripts$${PYTHONPATH:+:$$PYTHONPATH} $(BIN)/python -m pytest tests book \
	    $(NBVAL) -p pytest_phase_timing -ra || rc=$$?; \
	echo "timing: pytest $$(( $$(date +%s) - t0 )) s"; \
	exit $$rc

outputs: venv
	$(BIN)/jupyter execute --inplace --timeout=600 $(NOTEBOOKS)

lab: venv
	$(BIN)/jupyter lab --no-browser --ServerApp.ip=127.0.0.1 --ServerApp.port=$(LAB_PORT) \
	    --ServerApp.root_dir=book $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: venv
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/widgets.py
	$(BIN)/python benchmarks/report.py

clean:
	rm -rf _build
