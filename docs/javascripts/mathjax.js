// MathJax for pymdownx.arithmatex (generic mode): \( … \) inline, \[ … \] display.
// MathJax itself is served by the site (javascripts/mathjax/, copied from node_modules by
// docs/scripts/hooks.py): the formulas typeset offline. Headings with math put raw \( … \) into
// the table of contents; those entries are typeset too. When a page is typeset,
// <html data-mathjax="done"> tells tests/test_browser.py. (The theme's instant navigation is
// off: every page load runs MathJax's startup, which typesets the page.)
const TOC_LINKS = ".md-nav__link";

function markNavMath() {
  // MathJax typesets only elements of class "arithmatex" (below): give that class to each element
  // of a navigation link that holds the raw TeX itself (the theme wraps titles in a <span>).
  for (const link of document.querySelectorAll(TOC_LINKS)) {
    for (const el of [link, ...link.querySelectorAll("*")]) {
      const own = [...el.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE);
      if (own.some((n) => n.textContent.includes("\\("))) el.classList.add("arithmatex");
    }
  }
}

window.MathJax = {
  loader: { load: ["input/tex", "output/chtml", "a11y/assistive-mml"] },
  tex: {
    inlineMath: [["\\(", "\\)"]],
    displayMath: [["\\[", "\\]"]],
    processEscapes: true,
    processEnvironments: true,
  },
  options: {
    ignoreHtmlClass: ".*|",
    processHtmlClass: "arithmatex",
  },
  startup: {
    pageReady() {
      markNavMath();
      return MathJax.startup.defaultPageReady().then(() => {
        document.documentElement.dataset.mathjax = "done";
      });
    },
  },
};
