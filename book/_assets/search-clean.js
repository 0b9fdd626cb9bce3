// Clean search-result snippets (loaded on the search page only, by scripts/sphinx_local.py).
//
// Sphinx's searchtools.js makes each snippet from the text of the result page's
// [role="main"] element. With sphinx-book-theme that element also holds the article header's
// buttons ("Binder", "Repository", ".ipynb", ".pdf") and a print-only contents list, and in the
// fetched HTML the formulas are still TeX source ("\(a = \sigma(z)\)"). Before the text is
// taken, those theme parts are dropped and each formula is turned into plain text ("a = σ(z)")
// by the same rules as tex_to_text() in scripts/sphinx_local.py, which feeds the search index.
(() => {
  "use strict";
  const THEME_PARTS = [
    ".bd-header-article",
    "#jb-print-docs-body",
    ".onlyprint",
    ".prev-next-area",
    ".bd-footer-article",
    ".headerlink",
    "button",
    ".toggle-details",
    "script",
    "style",
  ].join(", ");
  const BLOCKS = "p, li, dt, dd, h1, h2, h3, h4, h5, h6, td, th, pre, div.math, .admonition-title";
  const SYMBOLS = {
    alpha: "α", beta: "β", gamma: "γ", delta: "δ", epsilon: "ϵ", varepsilon: "ε", zeta: "ζ",
    eta: "η", theta: "θ", lambda: "λ", mu: "μ", nu: "ν", xi: "ξ", pi: "π", rho: "ρ",
    sigma: "σ", tau: "τ", phi: "ϕ", varphi: "φ", chi: "χ", psi: "ψ", omega: "ω", Gamma: "Γ",
    Delta: "Δ", Theta: "Θ", Lambda: "Λ", Sigma: "Σ", Phi: "Φ", Omega: "Ω", partial: "∂",
    nabla: "∇", sum: "∑", prod: "∏", int: "∫", infty: "∞", cdot: "·", cdots: "⋯", ldots: "…",
    dots: "…", times: "×", odot: "⊙", otimes: "⊗", top: "ᵀ", le: "≤", leq: "≤", ge: "≥",
    geq: "≥", ne: "≠", neq: "≠", approx: "≈", sim: "∼", to: "→", rightarrow: "→",
    leftarrow: "←", mapsto: "↦", in: "∈", pm: "±", mid: "|", lvert: "|", rvert: "|",
    lVert: "‖", rVert: "‖", langle: "⟨", rangle: "⟩", sqrt: "√", hat: "", bar: "", tilde: "",
    vec: "",
  };
  const DROP = /\\(?:left|right|(?:big|Big|bigg|Bigg)[lrm]?|displaystyle|textstyle|limits|nolimits|!|,|;|:|quad|qquad)(?![A-Za-z])/g;
  const WRAPPERS = /\\(?:mathbf|mathrm|mathit|mathcal|mathbb|boldsymbol|bm|text|textrm|textbf|operatorname|hat|bar|tilde|vec|overline|underline|mathsf|mathtt)\s*\{([^{}]*)\}/g;
  const FRAC = /\\[dt]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}/g;

  const texToText = (tex) => {
    let text = tex.replace(/\\[()[\]]|\$\$/g, " ");
    text = text.replace(/\\\\/g, " ").replace(/[&~]/g, " ");
    text = text.replace(/\\(?:begin|end)\{[^}]*\}/g, " ").replace(DROP, " ");
    for (let i = 0; i < 3; i++) {
      text = text.replace(WRAPPERS, "$1").replace(/([_^])\{([^{}]*)\}/g, "$1$2");
      text = text.replace(/\\sqrt\s*\{([^{}]*)\}/g, "√($1)").replace(FRAC, "($1)/($2)");
    }
    text = text.replace(/\\[dt]?frac\s*(\w)\s*(\w)/g, "$1/$2");
    text = text.replace(/\\([A-Za-z]+)/g, (m, name) => SYMBOLS[name] ?? name);
    text = text.replace(/\\(.)/g, "$1").replace(/[{}]/g, "");
    text = text.replace(/\(([^()\s]+)\)\/\(([^()\s]+)\)/g, "$1/$2");
    return text.replace(/\s+/g, " ").trim();
  };
  window.nbvTexToText = texToText;

  const install = () => {
    if (typeof Search === "undefined" || !Search.htmlToText || Search.htmlToText.nbvClean) return;
    const original = Search.htmlToText;
    const cleaned = (htmlString, anchor) => {
      const doc = new DOMParser().parseFromString(htmlString, "text/html");
      doc.querySelectorAll(THEME_PARTS).forEach((e) => e.remove());
      doc.querySelectorAll(".math").forEach((e) => {
        e.textContent = ` ${texToText(e.textContent)} `;
      });
      doc.querySelectorAll(BLOCKS).forEach((e) => e.append(" "));
      return original(doc.documentElement.outerHTML, anchor).replace(/\s+/g, " ");
    };
    cleaned.nbvClean = true;
    Search.htmlToText = cleaned;
  };
  // searchtools.js defines `Search` (a top-level const, not a window property) and starts the
  // query on DOMContentLoaded; snippets are made later, after each result page is fetched.
  install();
  document.addEventListener("DOMContentLoaded", install);
})();
