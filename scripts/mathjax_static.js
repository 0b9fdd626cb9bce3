// Typeset TeX formulas to MathJax's CommonHTML at build time (scripts/static_math.py runs it).
//
//   node scripts/mathjax_static.js NODE_MAIN MATHJAX_DIR < request.json > reply.json
//
// NODE_MAIN is MathJax's es5/node-main.js (scripts/fetch_assets.sh keeps it outside the served
// folder) and MATHJAX_DIR the book's own MathJax components (book/_assets/vendor/mathjax): the
// same version and TeX packages as the pages load. The request is, for each page, its formulas:
//   {"pages": [[{"tex": "W^{[l]}", "display": false}, ...], ...], "scale": 1.273, "fontURL": "..."}
// and the reply {"pages": [{"html": ["<mjx-container ...>", ...], "css": "..."}, ...],
// "errors": [[page, i, "msg"], ...]}: one container per formula (with MathJax's MathML copy for
// screen readers, as in the browser) and each page's stylesheet, for the characters it uses
// (the fonts are read from fontURL).
"use strict";
const fs = require("fs");
const path = require("path");

const [nodeMain, mathjaxDir] = process.argv.slice(2);
const request = JSON.parse(fs.readFileSync(0, "utf8"));

require(path.resolve(nodeMain))
  .init({
    loader: {
      paths: { mathjax: path.resolve(mathjaxDir) },
      // The MathML copy for screen readers unless the request says "assistive": false (the
      // PDF, whose print document leaves it out as its MathJax does).
      load: ["input/tex", "output/chtml", "adaptors/liteDOM"].concat(
        request.assistive === false ? [] : ["a11y/assistive-mml"],
      ),
      versionWarnings: false,
    },
    // Without noundefined, an undefined macro is a TeX error (the pages' MathJax would show its
    // name in red): the build stops on it.
    tex: { packages: { "[-]": ["noundefined"] } },
    chtml: { fontURL: request.fontURL },
    startup: { typeset: false },
  })
  .then(async (MathJax) => {
    const adaptor = MathJax.startup.adaptor;
    const output = MathJax.startup.output;
    const errors = [];
    const pages = [];
    for (const [p, items] of request.pages.entries()) {
      output.clearCache(); // each page's stylesheet holds the characters of its own formulas
      const html = [];
      // One at a time, with the promise form: a macro of an extension (\color, \cancel, ...)
      // is loaded on first use, as in the pages.
      for (const [i, { tex, display }] of items.entries()) {
        const node = await MathJax.tex2chtmlPromise(tex, { display, scale: request.scale });
        const out = adaptor.outerHTML(node);
        const error = out.match(/data-mjx-error="([^"]*)"/);
        if (error) errors.push([p, i, error[1]]);
        html.push(out);
      }
      pages.push({ html, css: adaptor.textContent(MathJax.chtmlStylesheet()) });
    }
    process.stdout.write(JSON.stringify({ pages, errors }));
  })
  .catch((err) => {
    console.error(`mathjax_static.js: ${err && err.stack ? err.stack : err}`);
    process.exit(1);
  });
