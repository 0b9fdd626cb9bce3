// Makes the visible chapters (☰) and contents buttons work at every width.
//
// Theme behaviour worked around (pydata-sphinx-theme 0.17 with sphinx-book-theme 1.3): both
// themes bind their sidebar handlers with document.querySelector(".primary-toggle") and
// document.querySelector(".secondary-toggle"), i.e. to the FIRST such button in the page. That
// is the button in pydata's own top bar (#pst-header), which sphinx-book-theme hides; the
// buttons a reader sees are the second ones, in the article header, and get no handler at all:
// below 992 px the chapters menu and the contents panel could not be opened, above it the
// sidebar could not be folded. A click on any other toggle is forwarded to the first one, so
// the themes' own code does the rest (a modal <dialog> below 992 px, folding the primary
// sidebar above it), and stays in charge if a future version fixes the binding.
(() => {
  "use strict";
  const KINDS = ["primary", "secondary"];

  document.addEventListener("click", (event) => {
    if (!(event.target instanceof Element)) return;
    for (const kind of KINDS) {
      const button = event.target.closest(`.${kind}-toggle`);
      if (!button) continue;
      const bound = document.querySelector(`.${kind}-toggle`);
      if (!bound || bound === button) return; // the themes' handler runs on this one
      event.preventDefault();
      event.stopPropagation();
      // The button's Bootstrap tooltip would otherwise stay over the opened menu.
      const tooltip = window.bootstrap?.Tooltip?.getInstance?.(button);
      if (tooltip) tooltip.hide();
      button.blur();
      bound.click();
      return;
    }
  });

  // Give the visible buttons the names a screen reader needs (the themes set aria-label only on
  // the hidden first buttons, and a title on the visible ones), and make names agree with what
  // buttons show (WCAG 2.5.3 "label in name"): the search field shows "Search Ctrl+K" but was
  // named "Search"; the colour-mode icons carry titles ("Light") that the name "Color mode"
  // lacks; myst-nb's "Show code cell source" toggles were all named "Toggle hidden content".
  const label = () => {
    for (const button of document.querySelectorAll(".search-button-field[aria-label]")) {
      if (button.querySelector(".search-button__default-text")) button.removeAttribute("aria-label");
    }
    for (const icon of document.querySelectorAll(".theme-switch-button .theme-switch")) {
      icon.removeAttribute("title");
      icon.setAttribute("aria-hidden", "true");
      icon.querySelectorAll("title").forEach((t) => t.remove());
    }
    for (const summary of document.querySelectorAll("details.hide > summary[aria-label]")) {
      if (summary.textContent.trim()) summary.removeAttribute("aria-label");
    }
    // docutils marks each entry of a bibliography (role="list") doc-biblioentry, a role
    // DPUB-ARIA 1.1 deprecated in favour of listitem; axe-core no longer counts it as a list
    // item, so the list seemed to hold the entries' back-links (aria-required-children, critical).
    for (const entry of document.querySelectorAll('[role="list"] > [role="doc-biblioentry"]')) {
      entry.setAttribute("role", "listitem");
    }
    for (const kind of KINDS) {
      const name = kind === "primary" ? "Chapters" : "Contents of this page";
      for (const button of document.querySelectorAll(`.${kind}-toggle`)) {
        if (!button.hasAttribute("aria-label")) button.setAttribute("aria-label", name);
        const dialog = document.getElementById(`pst-${kind}-sidebar-modal`);
        if (dialog?.id) button.setAttribute("aria-controls", dialog.id);
      }
    }
  };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", label);
  } else {
    label();
  }
  // Font Awesome (deferred) may turn the icons into SVGs after that, copying their titles.
  window.addEventListener("load", label);
})();
