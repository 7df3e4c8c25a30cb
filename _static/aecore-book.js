/* Reading surface of the book (issue 10). Loaded on every page: Jupyter Book 1 adds every .js
 * file under _static/ to html_js_files. Three small fixes, each to be dropped when upstream
 * fixes its cause. */
"use strict";

/* 1. Navigation buttons. pydata-sphinx-theme 0.17 renders a second, hidden .primary-toggle
 * (and .secondary-toggle) in its own navbar before sphinx-book-theme's visible ones, and both
 * themes bind their click handlers with document.querySelector, i.e. to the hidden buttons: the
 * visible buttons do nothing and the chapter list cannot be opened on a phone.
 * Upstream: https://github.com/pydata/pydata-sphinx-theme/issues/2451 (open; affects
 * sphinx-book-theme 1.3.0 with pydata-sphinx-theme 0.17.1). Forward a click on any other
 * toggle to the bound one. */
function aecoreForwardToggles() {
  for (const selector of [".primary-toggle", ".secondary-toggle"]) {
    const [bound, ...others] = document.querySelectorAll(selector);
    for (const button of others) {
      button.addEventListener("click", (event) => {
        event.preventDefault();
        event.stopPropagation();
        bound.click();
      });
    }
  }
}

/* 2. Scroll cue. A formula, code block or output that is wider than its box scrolls inside it;
 * mark it so that the stylesheet fades the side where there is more to see. */
const AECORE_SCROLLERS = [
  'div.math mjx-container[display="true"]',
  "span.math",
  "div.highlight pre",
  ".cell_output",
  ".bd-article .table-wrapper",
  ".bd-article table:not(.table-wrapper table)",
].join(",");

function aecoreMarkScroller(box) {
  // Two pixels of slack: a glyph's overhang (an accent, an italic letter) is not hidden content.
  const wide = box.scrollWidth > box.clientWidth + 2;
  box.classList.toggle("aecore-scroll", wide);
  box.classList.toggle("aecore-more-left", wide && box.scrollLeft > 2);
  box.classList.toggle("aecore-more-right", wide && box.scrollLeft + box.clientWidth < box.scrollWidth - 2);
  if (wide && !box.dataset.aecoreScroll) {
    box.dataset.aecoreScroll = "1";
    box.addEventListener("scroll", () => aecoreMarkScroller(box), { passive: true });
    if (!box.hasAttribute("tabindex")) box.tabIndex = 0;  // reachable by keyboard
  }
}

function aecoreMarkScrollers() {
  document.querySelectorAll(AECORE_SCROLLERS).forEach(aecoreMarkScroller);
}

/* For print: a display still wider than the page is scaled down to fit (paper cannot scroll). */
function aecoreFitForPrint() {
  document.querySelectorAll('div.math mjx-container[display="true"], span.math').forEach((box) => {
    box.style.zoom = "";
    const ratio = box.clientWidth / box.scrollWidth;
    if (ratio < 1) box.style.zoom = String(Math.max(ratio, 0.5));
  });
}
window.aecoreFitForPrint = aecoreFitForPrint;

/* 3. Solutions. sphinx-togglebutton makes a dropdown's title a toggle but only reacts to a
 * click on the title box itself or its arrow: a click on the title's text (for a solution, a
 * link back to its exercise; or a formula) jumped away or raised an error. Any click in the
 * title opens or closes the box; a modified click on the link still opens it elsewhere. */
function aecoreToggleTitles(event) {
  const title = event.target.closest(".admonition.toggle > .admonition-title");
  if (!title || event.target === title || event.target.closest(".toggle-button")) return;
  const modified = event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0;
  if (modified && event.target.closest("a")) return;
  const button = title.querySelector(".toggle-button");
  if (!button) return;
  event.preventDefault();
  event.stopPropagation();
  button.click();
}

/* Duplicate ids: sphinx-proof gives every unlabelled proof id="proof" and every result's body
 * id="proof-content"; sphinx-exercise gives every exercise's and solution's body
 * id="exercise-content" / id="solution-content". Nothing links to them; make them unique:
 * a body takes the id of its box ("thm-mog-recovery-content"), a proof is numbered. */
function aecoreUniqueIds() {
  document.querySelectorAll('[id="proof"]').forEach((box, index) => {
    if (index > 0) box.id = `proof-${index + 1}`;
  });
  for (const id of ["proof-content", "exercise-content", "solution-content"]) {
    document.querySelectorAll(`[id="${id}"]`).forEach((body, index) => {
      const owner = body.parentElement && body.parentElement.closest("[id]");
      const unique = owner ? `${owner.id}-content` : "";
      body.id = unique && !document.getElementById(unique) ? unique : `${id}-${index + 1}`;
    });
  }
}

/* Run a callback once MathJax has typeset the page (at once if the page has no maths). */
function aecoreAfterMath(callback) {
  const typeset = window.MathJax && MathJax.startup && MathJax.startup.promise;
  if (typeset) typeset.then(callback);
  else callback();
}

document.addEventListener("DOMContentLoaded", () => {
  aecoreForwardToggles();
  aecoreUniqueIds();
});
document.addEventListener("click", aecoreToggleTitles, true);
window.addEventListener("load", () => aecoreAfterMath(aecoreMarkScrollers));
window.addEventListener("resize", aecoreMarkScrollers);
window.addEventListener("beforeprint", aecoreFitForPrint);
