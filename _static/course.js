// Course script. Jupyter Book 1 links every .js file in the top-level _static/ folder on every page.
//
// myst-nb writes the <summary> of every folded cell (hide-input, hide-output) with
// aria-label="Toggle hidden content", while the reader sees the cell's prompt, e.g. "Show the timeline of
// later reports". A screen-reader or speech-input user then meets a name that is not the visible label
// (WCAG 2.5.3 Label in Name). Without the aria-label, the summary is named by its visible prompt; the
// "Hide ..." prompt is display:none while the cell is folded, so it does not join the name.
(function () {
  "use strict";
  function nameSummariesByTheirText() {
    const summaries = document.querySelectorAll('details.hide > summary[aria-label="Toggle hidden content"]');
    for (const summary of summaries) {
      if (summary.textContent.trim()) summary.removeAttribute("aria-label");
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", nameSummariesByTheirText);
  } else {
    nameSummariesByTheirText();
  }
})();
