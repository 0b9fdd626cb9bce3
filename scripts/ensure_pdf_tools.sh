#!/usr/bin/env bash
# Make sure poppler-utils (pdfinfo, pdftotext, pdffonts, pdftohtml) is there for `make pdf`
# (scripts/make_pdf.py reads the PDF's outline and page count) and tests/book/test_pdf.py.
# Installs it with apt-get when running as root; otherwise says what is missing.
# With CI=true a missing tool is an error: CI must build and check the PDF.
set -euo pipefail
if command -v pdftotext >/dev/null && command -v pdffonts >/dev/null \
    && command -v pdfinfo >/dev/null && command -v pdftohtml >/dev/null; then
    exit 0
fi
if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "ensure_pdf_tools: installing Debian poppler-utils (apt-get)"
    t0=$(date +%s)
    if DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null \
        && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null; then
        echo "timing: poppler-install $(( $(date +%s) - t0 )) s"
        exit 0
    fi
    echo "ensure_pdf_tools: apt-get install poppler-utils failed" >&2
fi
if [[ "${CI:-}" == "true" ]]; then
    echo "ERROR: poppler-utils (pdftotext, pdffonts, pdfinfo, pdftohtml) is missing and could" >&2
    echo "       not be installed; CI needs it for the PDF (run as root with apt-get)." >&2
    exit 1
fi
echo "ensure_pdf_tools: poppler-utils is not available: 'make pdf' cannot run and the PDF" >&2
echo "                  tests will be SKIPPED (as root, it is installed with apt-get)." >&2
