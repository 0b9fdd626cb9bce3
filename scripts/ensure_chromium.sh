#!/usr/bin/env bash
# Make sure Debian's chromium is there for the browser tests (tests/book/test_devices.py, tests/live/, the PDF).
# Installs it with apt-get when running as root; otherwise says why the tests will be skipped.
# With CI=true a missing browser is an error: CI must run the browser tests.
set -euo pipefail
CHROMIUM=/usr/bin/chromium
if [[ -x "$CHROMIUM" ]]; then
    exit 0
fi
if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "ensure_chromium: installing Debian chromium (apt-get, about a minute)"
    t0=$(date +%s)
    if DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null \
        && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; then
        echo "timing: browser-install $(( $(date +%s) - t0 )) s"
        exit 0
    fi
    echo "ensure_chromium: apt-get install chromium failed" >&2
fi
if [[ "${CI:-}" == "true" ]]; then
    echo "ERROR: $CHROMIUM is missing and could not be installed; CI needs it for the" >&2
    echo "       browser tests (run as root with apt-get, or install Debian's chromium)." >&2
    exit 1
fi
echo "ensure_chromium: $CHROMIUM not available: the browser tests will be SKIPPED." >&2
echo "                 (As root, 'make test' installs it with apt-get install chromium.)" >&2
