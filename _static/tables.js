// Tables on a phone. Jupyter Book 1 links every .js file in the top-level _static/ folder on every page.
//
// A table wider than its box (a worked example's key, a list of reports) would cut its columns on a 390 px
// screen. Each cell gets its column's header as data-label, and a table that does not fit gets the class
// ml-stacked, which _static/course.css turns into one small card per row on narrow screens (the same
// 40em as its media query). Tables that fit stay tables; the widgets' own tables are theirs to lay out.
(function () {
  "use strict";
  const NARROW = window.matchMedia("(max-width: 40em)");

  function headerRow(table) {
    const first = table.tHead ? table.tHead.rows[0] : table.rows[0];
    if (!first || ![...first.cells].every((cell) => cell.tagName === "TH")) return null;
    return first;
  }

  function labelCells(table) {
    const header = headerRow(table);
    if (!header) return false;
    const names = [];
    for (const cell of header.cells) {
      for (let i = 0; i < cell.colSpan; i += 1) names.push(cell.textContent.trim());
    }
    for (const row of table.rows) {
      if (row === header) continue;
      let column = 0;
      for (const cell of row.cells) {
        if (names[column]) cell.dataset.label = names[column];
        column += cell.colSpan;
      }
    }
    return true;
  }

  const tables = [];

  function fit() {
    for (const table of tables) {
      table.classList.remove("ml-stacked");
      if (!NARROW.matches) continue;
      const room = table.parentElement.clientWidth;
      if (table.getBoundingClientRect().width > room + 1) table.classList.add("ml-stacked");
    }
  }

  function start() {
    for (const table of document.querySelectorAll(".bd-article table")) {
      if (table.closest(".widget-subarea, .jupyter-widgets")) continue;
      if (labelCells(table)) tables.push(table);
    }
    fit();
    let pending = false;
    window.addEventListener("resize", () => {
      if (pending) return;
      pending = true;
      window.requestAnimationFrame(() => { pending = false; fit(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
