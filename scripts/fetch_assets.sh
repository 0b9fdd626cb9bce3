#!/usr/bin/env bash
# Fetch the book's offline JavaScript assets from the npm registry at pinned versions.
#
#   MathJax 3 (math rendering), require.js and the ipywidgets HTML manager (saved widgets
#   in the static pages, with its Font Awesome files), and the Noto Sans SC web font (the
#   Chinese terms of the glossary, for readers whose system has no CJK font: the browser
#   fetches only the slices of it a page uses). axe-core (accessibility checker) is fetched
#   for the browser tests only: it goes to vendor/axe-core/, which no page loads (the tests
#   inject it with Playwright's page.add_script_tag). They land in book/_assets/vendor/
#   (git-ignored) and are served from the book's own static folder, so no page ever asks
#   another host for anything. MathJax's node-main.js, with which the build typesets the first
#   formulas of each page (scripts/static_math.py), goes to scripts/vendor/ (git-ignored), which
#   is not served.
set -euo pipefail

MATHJAX_VERSION=3.2.2
REQUIREJS_VERSION=2.3.8
HTML_MANAGER_VERSION=1.0.15
NOTO_SC_VERSION=5.3.0
AXE_CORE_VERSION=4.14.1
# The version pydata-sphinx-theme 0.17.1 bundles in its fontawesome.js (see its LICENSE.txt).
FONTAWESOME_VERSION=6.5.2

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$root/book/_assets/vendor"
stamp="$dest/.versions"
build_only="$root/scripts/vendor"
want="mathjax@$MATHJAX_VERSION requirejs@$REQUIREJS_VERSION html-manager@$HTML_MANAGER_VERSION"
want="$want noto-sans-sc@$NOTO_SC_VERSION axe-core@$AXE_CORE_VERSION"
want="$want fontawesome-free@$FONTAWESOME_VERSION mathjax-node-main mathjax-startup"

if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    echo "fetch_assets: vendor assets up to date ($want)"
    exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
    echo "ERROR: npm is not installed, but 'make book' needs it to fetch MathJax, require.js" >&2
    echo "       and the ipywidgets HTML manager from the npm registry (pinned versions)." >&2
    echo "       Install Node.js/npm (Debian/Ubuntu: apt-get install -y npm) and run again." >&2
    exit 1
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
echo "fetch_assets: npm pack $want"
(cd "$tmp" && npm pack --silent --loglevel=error \
    "mathjax@$MATHJAX_VERSION" "requirejs@$REQUIREJS_VERSION" \
    "@jupyter-widgets/html-manager@$HTML_MANAGER_VERSION" \
    "@fontsource/noto-sans-sc@$NOTO_SC_VERSION" "axe-core@$AXE_CORE_VERSION" \
    "@fortawesome/fontawesome-free@$FONTAWESOME_VERSION" >/dev/null)
for name in mathjax requirejs html-manager noto-sans-sc axe-core fontawesome-free; do
    mkdir -p "$tmp/$name"
    tar xzf "$tmp"/*"$name"-*.tgz -C "$tmp/$name"
done

rm -rf "$dest" "$build_only"
mkdir -p "$build_only/mathjax"
mkdir -p "$dest/mathjax" "$dest/requirejs" "$dest/html-manager" "$dest/noto-sans-sc/files" \
    "$dest/axe-core" "$dest/fontawesome/css" "$dest/fontawesome/webfonts"
# MathJax: the startup and core components the pages load (with input/tex, output/chtml,
# a11y/assistive-mml and ui/lazy, named in _config.yml: 0.4 MB less than the combined
# tex-chtml.js, which adds the 0.43 MB context menu), tex-chtml.js for scripts/make_pdf.py, and
# the folders they load on demand (~9 MB).
mj="$tmp/mathjax/package/es5"
cp "$mj/startup.js" "$mj/core.js" "$mj/tex-chtml.js" "$dest/mathjax/"
for sub in input output ui a11y adaptors sre; do
    cp -r "$mj/$sub" "$dest/mathjax/"
done
cp "$tmp/mathjax/package/LICENSE" "$dest/mathjax/LICENSE"
cp "$mj/node-main.js" "$tmp/mathjax/package/LICENSE" "$build_only/mathjax/"
# require.js (unminified source as published; ~90 kB).
cp "$tmp/requirejs/package/require.js" "$dest/requirejs/require.js"
# The widget manager for static pages, and its Font Awesome files (found next to it).
hm="$tmp/html-manager/package/dist"
cp "$hm/embed-amd.js" "$dest/html-manager/"
find "$hm" -maxdepth 1 -type f \( -name '*.woff2' -o -name '*.woff' -o -name '*.ttf' \
    -o -name '*.eot' -o -name '*.svg' \) -exec cp {} "$dest/html-manager/" \;
[[ -f "$hm/embed.js.LICENSE.txt" ]] && cp "$hm/embed.js.LICENSE.txt" "$dest/html-manager/LICENSE.txt"
# Noto Sans SC, regular weight only (bold is synthesised), WOFF2 only (every browser the book
# supports reads it): about 100 slices of 20-60 kB, each with its unicode-range in 400.css.
ns="$tmp/noto-sans-sc/package"
cp "$ns"/files/noto-sans-sc-*-400-normal.woff2 "$dest/noto-sans-sc/files/"
sed -E "s#, url\(\./files/[^)]*\.woff\) format\('woff'\)##" "$ns/400.css" > "$dest/noto-sans-sc/400.css"
cp "$ns/LICENSE" "$dest/noto-sans-sc/LICENSE"
if grep -q "\.woff)" "$dest/noto-sans-sc/400.css"; then
    echo "ERROR: fetch_assets: 400.css of noto-sans-sc still names .woff files" >&2
    exit 1
fi
# axe-core: the minified checker (~0.55 MB) and its licence; for tests/book/test_devices.py.
cp "$tmp/axe-core/package/axe.min.js" "$tmp/axe-core/package/LICENSE" "$dest/axe-core/"
# Font Awesome's stylesheet and WOFF2 web fonts (~0.4 MB; a page fetches only the fonts its
# icons use): scripts/sphinx_local.py puts them in place of the theme's fontawesome.js (1.5 MB
# of script that redraws every icon as SVG and watches every change of the page).
fa="$tmp/fontawesome-free/package"
sed -E 's#, ?url\(\.\./webfonts/[^)]*\.ttf\) format\("truetype"\)##g' "$fa/css/all.min.css" \
    > "$dest/fontawesome/css/all.min.css"
cp "$fa"/webfonts/*.woff2 "$dest/fontawesome/webfonts/"
cp "$fa/LICENSE.txt" "$dest/fontawesome/LICENSE.txt"
if grep -q "\.ttf)" "$dest/fontawesome/css/all.min.css"; then
    echo "ERROR: fetch_assets: all.min.css of fontawesome still names .ttf files" >&2
    exit 1
fi
# Everyone (including linkchecker, which drops to 'nobody' as root) may read them.
chmod -R a+rX "$dest"
echo "$want" > "$stamp"
echo "fetch_assets: done ($(du -sh "$dest" | cut -f1) in book/_assets/vendor)"
