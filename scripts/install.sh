#!/usr/bin/env bash
# Install packages into a virtual environment: scripts/install.sh VENV_PYTHON PIP_ARGS...
#   e.g. scripts/install.sh .venv/bin/python -r requirements-book.txt
#
# With uv when it can be had (pinned below, installed into the environment by pip), else with
# pip. On a fresh machine uv installs the test environment in about 15 s where pip takes about
# 140 s (pip downloads and unpacks one package after another). uv does not read pip's
# configuration, so it is given pip's own (`pip config list`: constraint files, find-links,
# index-url, extra-index-url, no-index), and pip's way of choosing among several indexes (the
# best version from any of them): both install the same versions from the same places. If uv
# fails for any reason, pip does the install (and says so).
set -euo pipefail
UV_PIN="uv==0.13.9"
py=$1
shift
bin=$(dirname "$py")
pip=("$py" -m pip install --disable-pip-version-check --progress-bar off)

with_pip() {
  "${pip[@]}" "$@" | { grep -v '^Requirement already satisfied' || true; }
}

if [ "${NBV_INSTALLER:-uv}" = pip ]; then
  with_pip "$@"
  exit 0
fi
if [ ! -x "$bin/uv" ] && ! "${pip[@]}" --quiet "$UV_PIN" 2>/dev/null; then
  echo "install: $UV_PIN could not be installed; installing with pip"
  with_pip "$@"
  exit 0
fi

# pip's settings, from its configuration files and PIP_* variables, as uv options.
uv_args=(--python "$py" --index-strategy unsafe-best-match)
while IFS= read -r line; do
  key=${line%%=*}
  key=${key##*.}
  value=${line#*=}
  value=${value#\'}
  value=${value%\'}
  case $key in
    constraint) for v in $value; do uv_args+=(--constraint "$v"); done ;;
    find-links) for v in $value; do uv_args+=(--find-links "$v"); done ;;
    index-url) uv_args+=(--index-url "$value") ;;
    extra-index-url) for v in $value; do uv_args+=(--extra-index-url "$v"); done ;;
    no-index) uv_args+=(--no-index) ;;
  esac
done < <("$py" -m pip config list 2>/dev/null)

# pip's certificate bundle, if it has one, for uv's downloads too.
cert=$("$py" -m pip config list 2>/dev/null | sed -n "s/^.*\.cert='\(.*\)'$/\1/p" | head -n 1)
if [ -n "$cert" ] && [ -z "${SSL_CERT_FILE:-}" ]; then export SSL_CERT_FILE=$cert; fi

if ! "$bin/uv" pip install "${uv_args[@]}" "$@"; then
  echo "install: uv failed (above); installing with pip"
  with_pip "$@"
fi
