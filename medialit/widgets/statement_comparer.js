// Statement comparer: sources by questions, a chart of the casualty figures with a table alternative,
// prompts the student answers, and an optional reveal of later reports.
// Every source, the article's own voice included, is laid out and questioned the same way.
// Every piece of data is inserted as text (createTextNode / textContent / SVG text nodes), never as HTML.

const SVG_NS = "http://www.w3.org/2000/svg";
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const SIDES = { "pro-government": "pro-government forces", "sdf-coalition": "SDF and coalition side" };
const SORTS = [
  ["date", "Date (earliest first; undated last)"],
  ["figure-asc", "Figure (smallest first)"],
  ["figure-desc", "Figure (largest first)"],
  ["source", "Source (in the order of the rows above)"],
];
const FONT = 14; // px, in SVG user units (the SVG is drawn at the width it is shown, so 1 unit = 1 px)
const INK = "#1b1b1b";
const KILLED = "#0b3d6b";
const WOUNDED = "#7a3300";

// Lumino (JupyterLab, Notebook 7) tests its shortcut selectors against the focused element before it
// walks up to an ancestor marked data-lm-suppress-shortcuts, so Notebook 7 took the arrow keys from a
// focused word (tests/browser/test_jupyterlab.py). Every element that can hold focus carries the mark.
const FOCUSABLE_TAGS = new Set(["button", "input", "select", "textarea", "summary", "a"]);

function keepKeysInWidget(node) {
  node.setAttribute("data-lm-suppress-shortcuts", "true");
  node.setAttribute("data-p-suppress-shortcuts", "true");
  return node;
}

function h(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  setAttrs(node, attrs);
  append(node, children);
  if (FOCUSABLE_TAGS.has(tag) || node.hasAttribute("tabindex")) keepKeysInWidget(node);
  return node;
}

function svg(tag, attrs = {}, children = []) {
  const node = document.createElementNS(SVG_NS, tag);
  setAttrs(node, attrs);
  append(node, children);
  return node;
}

function setAttrs(node, attrs) {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.setAttribute("class", value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
}

function append(node, children) {
  for (const child of [].concat(children)) {
    if (child === null || child === undefined) continue;
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
}

function formatDate(iso) {
  if (!iso) return "undated"; // never an invented date
  const [y, m, d] = iso.split("-").map(Number);
  return `${d} ${MONTHS[m - 1]} ${y}`;
}

function num(value) {
  return Number.isInteger(value) ? String(value) : String(Math.round(value * 10) / 10);
}

function boundsText(f) {
  if (f.low !== null && f.high !== null) return f.low === f.high ? num(f.low) : `${num(f.low)}–${num(f.high)}`;
  if (f.low === null) return `at most ${num(f.high)} (no lower bound given)`;
  return `at least ${num(f.low)} (no upper bound given)`;
}

function figureSentence(f) {
  return `“${f.label}”: ${f.kind}, ${SIDES[f.side] || f.side}; as numbers: ${boundsText(f)}.`;
}

function representative(f) {
  if (f.low !== null && f.high !== null) return (f.low + f.high) / 2;
  return f.low !== null ? f.low : f.high;
}

// SVG text does not wrap, so lines are broken here. Widths are measured with a canvas in the font the chart
// is drawn in (the SVG inherits it); without a canvas, a generous estimate per character is used.
const measurer = typeof document !== "undefined" ? document.createElement("canvas").getContext("2d") : null;

function textWidth(text, font) {
  if (measurer) {
    measurer.font = font;
    return measurer.measureText(text).width;
  }
  return text.length * FONT * 0.62;
}

function wrap(text, width, font) {
  const lines = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (!line || textWidth(candidate, font) <= width) line = candidate;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

// A round tick step (1, 2, 2.5 or 5 times a power of ten) giving about `target` intervals up to `value`.
function niceStep(value, target) {
  if (!(value > 0)) return 1;
  const raw = value / target;
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (step * power >= raw) return step * power;
  }
  return 10 * power;
}

let counter = 0;

// The length of a real attempt at a written prompt: a sentence with a reason in it, not a word or a letter.
const MODEL_ANSWER_MIN_WORDS = 6;

function wordCount(text) {
  return (text.match(/[\p{L}\p{N}]+(?:['’\-][\p{L}\p{N}]+)*/gu) || []).length;
}

function render({ model, el }) {
  const uid = `ml-sc-${++counter}-${Math.random().toString(36).slice(2, 8)}`;
  const data = model.get("data") || {};
  const questions = data.questions || [];
  const actors = data.actors || [];
  const statements = data.statements || [];
  const later = data.later_reports || [];
  const prompts = model.get("prompts") || [];
  const actorIndex = new Map(actors.map((a, i) => [a.id, i]));
  const actorName = (id) => (actors[actorIndex.get(id)] || { name: id }).name;

  const view = {
    actors: new Set(actors.map((a) => a.id)),
    questions: new Set(questions.map((q) => q.id)),
    sort: "date",
  };

  const root = h("section", { class: "ml-sc", "aria-label": "Statement comparer" });
  el.append(root);
  root.append(
    h("p", { class: "ml-sc-intro" }, [
      "Each row is a source and each column a question. The article's own voice is a row like the others: " +
        "ask every source the same questions. “Quote” marks the article's exact words; “Summary” marks a " +
        "report summarised in the course's own words, with its source named.",
    ]),
  );

  // ---- controls -------------------------------------------------------------------------------------------
  const controls = h("div", { class: "ml-sc-controls" });
  root.append(controls);

  function checkboxGroup(legend, items, set, name) {
    const box = h("fieldset", { class: `ml-sc-filter ml-sc-filter-${name}` }, [h("legend", {}, [legend])]);
    items.forEach((item, i) => {
      const id = `${uid}-${name}-${i}`;
      const input = h("input", { type: "checkbox", id, value: item.id, checked: true });
      input.addEventListener("change", () => {
        if (input.checked) set.add(item.id);
        else set.delete(item.id);
        update();
      });
      box.append(h("div", { class: "ml-sc-check" }, [input, h("label", { for: id }, [item.label])]));
    });
    return box;
  }
  controls.append(
    checkboxGroup("Sources to show", actors.map((a) => ({ id: a.id, label: a.name })), view.actors, "actor"),
    checkboxGroup("Questions to show", questions.map((q) => ({ id: q.id, label: q.text })), view.questions, "question"),
  );
  const status = h("p", { class: "ml-sc-status", role: "status", "aria-live": "polite" });
  root.append(status);

  // ---- matrix ---------------------------------------------------------------------------------------------
  const matrixId = `${uid}-matrix`;
  const matrix = h("table", { class: "ml-sc-matrix", role: "table", id: matrixId });
  matrix.append(h("caption", {}, ["What each source said, by question"]));
  const headRow = h("tr", { role: "row" }, [h("th", { scope: "col", role: "columnheader" }, ["Source"])]);
  const columnHeads = new Map();
  for (const q of questions) {
    const th = h("th", { scope: "col", role: "columnheader", "data-question": q.id }, [q.text]);
    columnHeads.set(q.id, th);
    headRow.append(th);
  }
  matrix.append(h("thead", { role: "rowgroup" }, [headRow]));
  const body = h("tbody", { role: "rowgroup" });
  const rows = new Map();
  const cells = [];
  for (const actor of actors) {
    const row = h("tr", { role: "row", "data-actor": actor.id }, [
      h("th", { scope: "row", role: "rowheader" }, [
        h("span", { class: "ml-sc-actor" }, [actor.name]),
        h("span", { class: "ml-sc-role" }, [actor.role]),
      ]),
    ]);
    for (const q of questions) {
      const cell = h("td", { role: "cell", "data-question": q.id });
      // Shown only in the narrow, stacked layout, where the column header is out of sight.
      cell.append(h("p", { class: "ml-sc-cell-question", "aria-hidden": "true" }, [q.text]));
      const said = statements
        .filter((s) => s.actor === actor.id && s.question === q.id)
        .sort((a, b) => (a.date || "9999").localeCompare(b.date || "9999"));
      if (!said.length) cell.append(h("p", { class: "ml-sc-empty" }, ["Nothing recorded."]));
      for (const s of said) cell.append(statementBlock(s));
      cells.push(cell);
      row.append(cell);
    }
    rows.set(actor.id, row);
    body.append(row);
  }
  matrix.append(body);
  const matrixEmpty = h("p", { class: "ml-sc-empty", hidden: true }, ["No source or no question is selected."]);
  root.append(h("div", { class: "ml-sc-matrix-wrap" }, [matrix]), matrixEmpty);

  function statementBlock(s) {
    const block = h("div", { class: "ml-sc-statement", "data-statement": s.id });
    block.append(
      h("p", { class: `ml-sc-badge ${s.verbatim ? "is-quote" : "is-summary"}` }, [
        s.verbatim
          ? s.paragraph
            ? `Quote · paragraph ${s.paragraph}`
            : "Quote"
          : "Summary (not the article's words)",
      ]),
    );
    block.append(
      s.verbatim
        ? h("blockquote", { class: "ml-sc-words" }, [h("q", {}, [s.words])])
        : h("p", { class: "ml-sc-words ml-sc-summary" }, [s.words]),
    );
    if (!s.verbatim) block.append(h("p", { class: "ml-sc-note" }, [h("strong", {}, ["Source: "]), s.source_note]));
    block.append(h("p", { class: "ml-sc-date" }, [s.date ? `Said: ${formatDate(s.date)}` : "Undated: no date is given"]));
    if (s.figure) block.append(h("p", { class: "ml-sc-figure" }, [h("strong", {}, ["Figure: "]), figureSentence(s.figure)]));
    const more = h("details", { class: "ml-sc-more" }, [h("summary", {}, ["Where this comes from"])]);
    if (s.date_note) more.append(h("p", {}, [h("strong", {}, ["Date: "]), s.date_note]));
    if (s.verbatim) more.append(h("p", {}, [h("strong", {}, ["Source: "]), s.source_note]));
    if (s.article_use) more.append(h("p", {}, [h("strong", {}, ["How the article uses it: "]), s.article_use]));
    if (s.figure && s.figure.reading) more.append(h("p", {}, [h("strong", {}, ["Reading of the words: "]), s.figure.reading]));
    block.append(more);
    return block;
  }

  // ---- chart and table ------------------------------------------------------------------------------------
  const chartSection = h("div", { class: "ml-sc-chart-section" });
  root.append(chartSection);
  chartSection.append(h("p", { class: "ml-sc-heading", id: `${uid}-chart-heading` }, ["Casualty figures each source gave"]));
  chartSection.append(legend());
  // The sort control sits right above the chart it orders (not with the filters at the top), and says so to a
  // screen reader: its name names the chart, its description says the table follows the same order.
  const chartBox = h("div", { class: "ml-sc-chart", id: `${uid}-chart` });
  const sortId = `${uid}-sort`;
  const sortNoteId = `${uid}-sort-note`;
  const sortSelect = h("select", {
    id: sortId, class: "ml-sc-sort", "aria-controls": `${uid}-chart ${uid}-figures`, "aria-describedby": sortNoteId,
  });
  for (const [value, text] of SORTS) sortSelect.append(h("option", { value }, [text]));
  sortSelect.addEventListener("change", () => {
    view.sort = sortSelect.value;
    update();
  });
  chartSection.append(
    h("div", { class: "ml-sc-sortbox" }, [
      h("label", { for: sortId }, ["Sort the chart of casualty figures by"]),
      sortSelect,
      h("p", { class: "ml-sc-hint", id: sortNoteId }, ["Orders the rows of the chart just below, and of its table."]),
    ]),
    chartBox,
  );
  const tableDetails = h("details", { class: "ml-sc-table-details" }, [h("summary", {}, ["The same figures as a table"])]);
  chartSection.append(tableDetails);
  const tableBox = h("div", { class: "ml-sc-table-wrap", id: `${uid}-figures` });
  tableDetails.append(tableBox);

  function legend() {
    const list = h("ul", { class: "ml-sc-legend", "aria-label": "How to read the chart" });
    const swatch = (children) => svg("svg", { width: 44, height: 18, viewBox: "0 0 44 18", "aria-hidden": "true", focusable: "false" }, children);
    list.append(
      h("li", {}, [swatch([svg("circle", { cx: 9, cy: 9, r: 6, fill: KILLED }), svg("rect", { x: 20, y: 4, width: 22, height: 10, fill: KILLED })]),
        " Killed: filled circle (one number) or solid bar (a range)"]),
      h("li", {}, [swatch([svg("path", { d: "M9 2 L16 9 L9 16 L2 9 Z", fill: "#ffffff", stroke: WOUNDED, "stroke-width": 2.5 }),
        svg("rect", { x: 20, y: 4, width: 22, height: 10, fill: "#ffffff", stroke: WOUNDED, "stroke-width": 2, "stroke-dasharray": "3 2" })]),
        " Wounded: hollow diamond (one number) or outlined, dashed bar (a range)"]),
      h("li", {}, [swatch([svg("line", { x1: 4, y1: 9, x2: 38, y2: 9, stroke: INK, "stroke-width": 2, "stroke-dasharray": "5 3" }),
        svg("path", { d: "M36 4 L43 9 L36 14 Z", fill: INK })]),
        " Dashed line with an arrow: an open-ended figure, a ceiling (“up to …”) or a floor (“more than …”, “confirmed only …”)"]),
    );
    return list;
  }

  function figureRows() {
    const rows = statements.filter((s) => s.figure && view.actors.has(s.actor));
    const byActor = (a, b) => actorIndex.get(a.actor) - actorIndex.get(b.actor);
    const sorters = {
      date: (a, b) => (a.date || "9999").localeCompare(b.date || "9999") || byActor(a, b),
      "figure-asc": (a, b) => representative(a.figure) - representative(b.figure) || byActor(a, b),
      "figure-desc": (a, b) => representative(b.figure) - representative(a.figure) || byActor(a, b),
      source: (a, b) => byActor(a, b),
    };
    return rows.sort(sorters[view.sort] || sorters.date);
  }

  // One scale for every view, so filtering never makes a figure look bigger or smaller.
  const allValues = statements.flatMap((s) => (s.figure ? [s.figure.low, s.figure.high] : [])).filter((v) => v !== null);
  const anyOpenTop = statements.some((s) => s.figure && s.figure.high === null);
  const reach = Math.max(1, ...allValues) * (anyOpenTop ? 1.25 : 1.05);

  function drawChart(rowsToDraw) {
    chartBox.replaceChildren();
    if (!rowsToDraw.length) {
      chartBox.append(h("p", { class: "ml-sc-empty" }, ["No casualty figure from the selected sources."]));
      return;
    }
    const width = Math.max(280, Math.floor(chartBox.clientWidth || el.clientWidth || 640));
    const left = 12;
    const right = 28;
    const plot = width - left - right;
    const step = niceStep(reach, width < 420 ? 4 : 6);
    const scaleMax = Math.ceil(reach / step) * step;
    const x = (v) => left + (v / scaleMax) * plot;
    const scale = { x, scaleMax, right };
    const family = getComputedStyle(chartBox).fontFamily || "sans-serif";
    const fonts = { 400: `400 ${FONT}px ${family}`, 700: `700 ${FONT}px ${family}` };
    const textRoom = width - left - 8;
    const titleId = `${uid}-chart-title`;
    const descId = `${uid}-chart-desc`;
    const graphic = svg("svg", {
      class: "ml-sc-svg",
      role: "img",
      width,
      viewBox: `0 0 ${width} 100`,
      "aria-labelledby": `${titleId} ${descId}`,
    });
    graphic.append(svg("title", { id: titleId }, ["Casualty figures each source gave, on one scale"]));
    const desc = rowsToDraw
      .map((s) => `${actorName(s.actor)}, ${formatDate(s.date)}: ${figureSentence(s.figure)}`)
      .join(" ");
    graphic.append(svg("desc", { id: descId }, [`${desc} The same figures are in the table below the chart.`]));
    graphic.append(arrowDefs("chart"));

    let y = 8;
    for (const s of rowsToDraw) {
      const f = s.figure;
      const group = svg("g", { class: `ml-sc-row is-${f.kind}`, "data-statement": s.id });
      const heading = wrap(`${actorName(s.actor)} · ${formatDate(s.date)}`, textRoom, fonts[700]);
      const detail = wrap(`“${f.label}”: ${f.kind}, ${SIDES[f.side] || f.side}` +
        (f.reading && f.low !== null && f.high !== null ? ` (read as ${num(f.low)}–${num(f.high)})` : ""), textRoom, fonts[400]);
      for (const [lines, weight] of [[heading, 700], [detail, 400]]) {
        for (const line of lines) {
          y += FONT + 4;
          group.append(svg("text", { x: left, y, "font-size": FONT, "font-weight": weight, fill: INK }, [line]));
        }
      }
      const cy = y + 16;
      drawMarks(group, f, cy, scale);
      graphic.append(group);
      y = cy + 16;
    }
    const cy = drawNumberAxis(graphic, y + 6, scale, step, textRoom, fonts);
    const height = cy + 8;
    graphic.setAttribute("height", height);
    graphic.setAttribute("viewBox", `0 0 ${width} ${height}`);
    chartBox.append(graphic);
  }

  // Arrowheads for open-ended figures; `name` keeps the ids of two charts on one page apart.
  function arrowDefs(name) {
    const defs = svg("defs");
    for (const [kind, colour] of [["killed", KILLED], ["wounded", WOUNDED], ["axis", INK]]) {
      defs.append(svg("marker", {
        id: `${uid}-${name}-arrow-${kind}`, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7,
        orient: "auto-start-reverse", markerUnits: "strokeWidth",
      }, [svg("path", { d: "M0 0 L10 5 L0 10 Z", fill: colour })]));
    }
    return defs;
  }

  // One figure's marks on its number line at height cy: a point, a range, or an open-ended ceiling or floor.
  function drawMarks(group, f, cy, { x, scaleMax, right, name = "chart" }) {
    const colour = f.kind === "killed" ? KILLED : WOUNDED;
    group.append(svg("line", { x1: x(0), y1: cy, x2: x(scaleMax), y2: cy, stroke: "#d0d0d0", "stroke-width": 1 }));
    const dashed = { stroke: colour, "stroke-width": 2.5, "stroke-dasharray": "6 4" };
    const arrow = `url(#${uid}-${name}-arrow-${f.kind})`;
    if (f.low === null) {
      // A ceiling ("up to N"): known top, open towards zero.
      group.append(svg("line", { x1: x(f.high), y1: cy, x2: x(0) + 2, y2: cy, ...dashed, "marker-end": arrow }));
      group.append(point(f.kind, x(f.high), cy, colour));
    } else if (f.high === null) {
      // A floor ("more than N", "confirmed only N"): known bottom, open upwards.
      group.append(svg("line", { x1: x(f.low), y1: cy, x2: x(scaleMax) + right - 6, y2: cy, ...dashed, "marker-end": arrow }));
      group.append(point(f.kind, x(f.low), cy, colour));
    } else if (f.low === f.high) {
      group.append(point(f.kind, x(f.low), cy, colour));
    } else {
      const bar = { x: x(f.low), y: cy - 6, width: Math.max(2, x(f.high) - x(f.low)), height: 12 };
      group.append(f.kind === "killed"
        ? svg("rect", { ...bar, fill: colour })
        : svg("rect", { ...bar, fill: "#ffffff", stroke: colour, "stroke-width": 2, "stroke-dasharray": "3 2" }));
      for (const v of [f.low, f.high]) group.append(svg("line", { x1: x(v), y1: cy - 10, x2: x(v), y2: cy + 10, stroke: colour, "stroke-width": 2 }));
    }
  }

  // The number axis under a chart, with ticks and its caption; returns the y of the last line drawn.
  function drawNumberAxis(graphic, axisY, { x, scaleMax }, step, textRoom, fonts) {
    graphic.append(svg("line", { x1: x(0), y1: axisY, x2: x(scaleMax), y2: axisY, stroke: INK, "stroke-width": 1.5 }));
    const ticks = Math.round(scaleMax / step);
    for (let i = 0; i <= ticks; i++) {
      const v = step * i;
      graphic.append(svg("line", { x1: x(v), y1: axisY, x2: x(v), y2: axisY + 6, stroke: INK, "stroke-width": 1.5 }));
      graphic.append(svg("text", { x: x(v), y: axisY + 8 + FONT, "font-size": FONT, fill: INK, "text-anchor": i === 0 ? "start" : i === ticks ? "end" : "middle" }, [num(v)]));
    }
    let cy = axisY + 12 + FONT;
    for (const line of wrap("Number of people, as each source gave it", textRoom, fonts[400])) {
      cy += FONT + 4;
      graphic.append(svg("text", { x: x(0), y: cy, "font-size": FONT, fill: INK }, [line]));
    }
    return cy;
  }

  function point(kind, cx, cy, colour) {
    return kind === "killed"
      ? svg("circle", { cx, cy, r: 7, fill: colour, stroke: "#ffffff", "stroke-width": 1 })
      : svg("path", { d: `M${cx} ${cy - 8} L${cx + 8} ${cy} L${cx} ${cy + 8} L${cx - 8} ${cy} Z`, fill: "#ffffff", stroke: colour, "stroke-width": 2.5 });
  }

  function drawTable(rowsToDraw) {
    tableBox.replaceChildren();
    const table = h("table", { class: "ml-sc-figures" });
    table.append(h("caption", {}, ["Casualty figures each source gave (sorted as the chart)"]));
    const head = h("tr");
    for (const name of ["Source", "Date", "Figure as given", "Killed or wounded", "Side", "Lowest", "Highest", "Note"]) {
      head.append(h("th", { scope: "col" }, [name]));
    }
    table.append(h("thead", {}, [head]));
    const tbody = h("tbody");
    for (const s of rowsToDraw) {
      const f = s.figure;
      tbody.append(h("tr", { "data-statement": s.id }, [
        h("th", { scope: "row" }, [actorName(s.actor)]),
        h("td", {}, [formatDate(s.date)]),
        h("td", {}, [f.label]),
        h("td", {}, [f.kind]),
        h("td", {}, [SIDES[f.side] || f.side]),
        h("td", {}, [f.low === null ? "not given" : num(f.low)]),
        h("td", {}, [f.high === null ? "not given" : num(f.high)]),
        h("td", {}, [f.reading || (s.verbatim ? `Quote, paragraph ${s.paragraph}` : s.source_note)]),
      ]));
    }
    if (!rowsToDraw.length) tbody.append(h("tr", {}, [h("td", { colspan: 8 }, ["No casualty figure from the selected sources."])]));
    table.append(tbody);
    tableBox.append(table);
  }

  // ---- prompts --------------------------------------------------------------------------------------------
  const promptSection = h("div", { class: "ml-sc-prompts" }, [
    h("p", { class: "ml-sc-heading" }, ["Your notes"]),
    h("p", { class: "ml-sc-hint" }, ["Answer for every source in the same way, the article included."]),
  ]);
  root.append(promptSection);
  const areas = new Map();
  const examples = model.get("model_answers") || {};
  const exampleRefreshers = [];
  let saving = false;
  prompts.forEach((p, i) => {
    const id = `${uid}-prompt-${i}`;
    const area = h("textarea", { id, rows: 4, "data-prompt": p.id, class: "ml-sc-answer" });
    area.addEventListener("input", () => {
      const all = { ...(model.get("answers") || {}) };
      all[p.id] = area.value;
      saving = true;
      try {
        model.set("answers", all);
        model.save_changes();
      } finally {
        saving = false;
      }
    });
    areas.set(p.id, area);
    const box = h("div", { class: "ml-sc-prompt", "data-prompt": p.id }, [h("label", { for: id }, [p.text]), area]);
    promptSection.append(box);
    if (examples[p.id]) exampleRefreshers.push(modelAnswer(box, area, examples[p.id], `${uid}-model-${i}`));
  });

  // A model answer and what a strong answer does, offered only once the student has written an answer of some
  // length of their own (the course's one answer-guarding rule: a real attempt first, then compare; one typed
  // character is not an attempt). Shortening the box below that folds it away again.
  function modelAnswer(box, area, example, panelId) {
    const waiting = h("p", { class: "ml-sc-hint ml-sc-model-wait" }, [""]);
    const toggle = h("button", { type: "button", class: "ml-sc-model-toggle", "aria-expanded": "false", "aria-controls": panelId });
    // No landmark role: the button that opens it (aria-controls, aria-expanded) already says what it is.
    const panel = h("div", { class: "ml-sc-model", id: panelId, hidden: true }, [
      h("p", { class: "ml-sc-model-title" }, ["What a strong answer does"]),
      h("ul", { class: "ml-sc-rubric" }, (example.rubric || []).map((line) => h("li", {}, [line]))),
      h("p", { class: "ml-sc-model-title" }, ["A model answer"]),
      h("p", { class: "ml-sc-model-text" }, [example.answer || ""]),
      h("p", { class: "ml-sc-hint" }, [
        "A model shows one careful way to compare, not the only right answer. Where yours differs, check it " +
          "against the list above rather than against the model's wording.",
      ]),
    ]);
    const setOpen = (open) => {
      panel.hidden = !open;
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      toggle.textContent = open ? "Hide the model answer" : "Compare with a model answer";
    };
    toggle.addEventListener("click", () => setOpen(panel.hidden));
    const refresh = () => {
      const count = wordCount(area.value);
      const written = count >= MODEL_ANSWER_MIN_WORDS;
      waiting.textContent = `Write your own answer first (at least ${MODEL_ANSWER_MIN_WORDS} words` +
        (count ? `; you have ${count}` : "") + "); then you can compare it with a model answer.";
      waiting.hidden = written;
      toggle.hidden = !written;
      if (!written) setOpen(false);
    };
    area.addEventListener("input", refresh);
    setOpen(false);
    box.append(waiting, toggle, panel);
    return refresh;
  }

  function restoreAnswers() {
    const all = model.get("answers") || {};
    for (const [pid, area] of areas) {
      const text = typeof all[pid] === "string" ? all[pid] : "";
      if (area.value !== text) area.value = text;
    }
    for (const refresh of exampleRefreshers) refresh();
  }
  const onAnswers = () => {
    if (!saving) restoreAnswers();
  };
  model.on("change:answers", onAnswers);
  restoreAnswers();

  // ---- every figure on a date axis ------------------------------------------------------------------------
  // The article's figures with a known date and the later reports' figures, placed by date (time runs down the
  // page, so the chart reads on a phone too). Rows sit in date order with the gap to the previous date written
  // out: the spacing is not to scale, because eight days in February and three months to May would not both be
  // legible on one linear axis. A figure with no date is drawn apart, labelled "undated": never an invented date.
  const datesBox = h("div", { class: "ml-sc-chart ml-sc-dates" });

  function datedItems() {
    const items = [];
    for (const s of statements) {
      if (!s.figure) continue;
      items.push({ id: s.id, date: s.date, origin: "In the article", who: actorName(s.actor), figure: s.figure });
    }
    later.forEach((r, i) => {
      if (r.figure) items.push({ id: `later-${i + 1}`, date: r.date, origin: "Later report", who: r.who, figure: r.figure });
    });
    // Array.prototype.sort is stable: figures of one date keep the data's order.
    const dated = items.filter((item) => item.date).sort((a, b) => a.date.localeCompare(b.date));
    return { dated, undated: items.filter((item) => !item.date) };
  }

  function daysBetween(a, b) {
    return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86400000);
  }

  function drawDates() {
    datesBox.replaceChildren();
    const { dated, undated } = datedItems();
    const all = [...dated, ...undated];
    if (!all.length) return;
    const width = Math.max(280, Math.floor(datesBox.clientWidth || el.clientWidth || 640));
    const axisX = 10;
    const left = 30;
    const right = 28;
    const values = all.flatMap((item) => [item.figure.low, item.figure.high]).filter((v) => v !== null);
    const datesReach = Math.max(1, ...values) * (all.some((item) => item.figure.high === null) ? 1.25 : 1.05);
    const step = niceStep(datesReach, width < 420 ? 4 : 6);
    const scaleMax = Math.ceil(datesReach / step) * step;
    const x = (v) => left + (v / scaleMax) * (width - left - right);
    const scale = { x, scaleMax, right, name: "dates" };
    const family = getComputedStyle(datesBox).fontFamily || "sans-serif";
    const fonts = { 400: `400 ${FONT}px ${family}`, 700: `700 ${FONT}px ${family}` };
    const textRoom = width - left - 8;
    const titleId = `${uid}-dates-title`;
    const descId = `${uid}-dates-desc`;
    const graphic = svg("svg", { class: "ml-sc-svg ml-sc-dates-svg", role: "img", width, "aria-labelledby": `${titleId} ${descId}` });
    graphic.append(svg("title", { id: titleId }, ["Every casualty figure by the date it was given; undated figures apart"]));
    const describe = (item) => `${item.date ? formatDate(item.date) : "Undated"}, ${item.origin.toLowerCase()}, ${item.who}: ${figureSentence(item.figure)}`;
    graphic.append(svg("desc", { id: descId }, [
      `In date order: ${dated.map(describe).join(" ")}` + (undated.length ? ` Undated, kept off the date axis: ${undated.map(describe).join(" ")}` : ""),
    ]));
    graphic.append(arrowDefs("dates"));

    let y = 4;
    const lines = (texts, weight, group, indent = left) => {
      for (const line of wrap(texts, width - indent - 8, fonts[weight])) {
        y += FONT + 4;
        group.append(svg("text", { x: indent, y, "font-size": FONT, "font-weight": weight, fill: INK }, [line]));
      }
    };
    const title = svg("g", { class: "ml-sc-dates-axis-title" });
    lines("Date given, earliest at the top (in order; the gaps are written out, not drawn to scale)", 700, title, axisX);
    graphic.append(title);
    y += 6;
    const axisTop = y;
    let previous = null;
    let axisBottom = y;
    const drawItem = (item, group) => {
      lines(`${item.origin}: ${item.who}`, 700, group);
      lines(`“${item.figure.label}”: ${item.figure.kind}, ${SIDES[item.figure.side] || item.figure.side}`, 400, group);
      const cy = y + 16;
      drawMarks(group, item.figure, cy, scale);
      y = cy + 12;
    };
    for (const item of dated) {
      if (item.date !== previous) {
        const band = svg("g", { class: "ml-sc-date-band", "data-date": item.date });
        const gap = previous ? daysBetween(previous, item.date) : 0;
        y += 8;
        const tickY = y + FONT;
        band.append(svg("circle", { cx: axisX, cy: tickY - 5, r: 5, fill: INK }));
        lines(formatDate(item.date) + (gap ? ` · ${gap} ${gap === 1 ? "day" : "days"} after ${formatDate(previous)}` : ""), 700, band);
        graphic.append(band);
        previous = item.date;
      }
      const group = svg("g", { class: `ml-sc-date-row is-${item.figure.kind}`, "data-id": item.id, "data-date": item.date });
      drawItem(item, group);
      graphic.append(group);
      axisBottom = y;
    }
    if (dated.length) {
      graphic.append(svg("line", { x1: axisX, y1: axisTop, x2: axisX, y2: axisBottom, stroke: INK, "stroke-width": 2, "marker-end": `url(#${uid}-dates-arrow-axis)` }));
    }
    if (undated.length) {
      y += 14;
      graphic.append(svg("line", { x1: axisX, y1: y, x2: width - 8, y2: y, stroke: INK, "stroke-width": 1, "stroke-dasharray": "2 3" }));
      const band = svg("g", { class: "ml-sc-date-band is-undated", "data-date": "undated" });
      lines("Undated: no date is given for these, so they stay off the date axis", 700, band, axisX);
      graphic.append(band);
      for (const item of undated) {
        const group = svg("g", { class: `ml-sc-date-row is-${item.figure.kind} is-undated`, "data-id": item.id, "data-date": "undated" });
        lines("undated", 400, group);
        drawItem(item, group);
        graphic.append(group);
      }
    }
    const bottom = drawNumberAxis(graphic, y + 8, scale, step, textRoom, fonts);
    graphic.setAttribute("height", bottom + 8);
    graphic.setAttribute("viewBox", `0 0 ${width} ${bottom + 8}`);
    datesBox.append(graphic);
  }

  // ---- later reports --------------------------------------------------------------------------------------
  let onRevealed = null;
  if (later.length) {
    const timelineId = `${uid}-later`;
    const revealButton = h("button", { type: "button", class: "ml-sc-reveal", "aria-expanded": "false", "aria-controls": timelineId });
    const timeline = h("div", { class: "ml-sc-later", id: timelineId, hidden: true });
    timeline.append(h("p", { class: "ml-sc-hint" }, [
      "Reports published after, or outside, the article, from the course's list of sources. Each is itself a " +
        "claim by someone: ask of it the same questions you asked above.",
    ]));
    const list = h("ol", { class: "ml-sc-timeline" });
    for (const r of [...later].sort((a, b) => a.date.localeCompare(b.date))) {
      const item = h("li", {}, [
        h("p", { class: "ml-sc-when" }, [h("time", { datetime: r.date }, [formatDate(r.date)])]),
        h("p", { class: "ml-sc-who" }, [r.who]),
        h("p", {}, [r.what]),
      ]);
      if (r.figure) item.append(h("p", { class: "ml-sc-figure" }, [h("strong", {}, ["Figure: "]), figureSentence(r.figure)]));
      if (r.figure && r.figure.reading) item.append(h("p", {}, [h("strong", {}, ["Reading: "]), r.figure.reading]));
      item.append(h("p", { class: "ml-sc-by" }, [h("strong", {}, ["Reported by: "]), r.reported_by]));
      list.append(item);
    }
    const datesHeadingId = `${uid}-dates-heading`;
    timeline.append(
      h("p", { class: "ml-sc-heading", id: datesHeadingId }, ["Every figure by the date it was given"]),
      h("p", { class: "ml-sc-hint" }, [
        "The article's figures and the later reports' figures, on one date axis (earliest at the top). A figure " +
          "whose date is not known is listed apart, as undated, and is given no date.",
      ]),
      datesBox,
    );
    timeline.append(h("p", { class: "ml-sc-heading" }, ["The later reports in date order"]), list);
    const showRevealed = () => {
      const open = Boolean(model.get("revealed"));
      timeline.hidden = !open;
      if (open) drawDates();
      revealButton.setAttribute("aria-expanded", open ? "true" : "false");
      revealButton.textContent = open ? "Hide the later reports" : "Reveal what later reports said";
    };
    revealButton.addEventListener("click", () => {
      model.set("revealed", !model.get("revealed"));
      model.save_changes();
      showRevealed();
    });
    onRevealed = showRevealed;
    model.on("change:revealed", onRevealed);
    root.append(h("div", { class: "ml-sc-later-section" }, [
      h("p", { class: "ml-sc-heading" }, ["Later reports"]),
      h("p", { class: "ml-sc-hint" }, ["Form your own view from the table and chart first, then compare."]),
      revealButton,
      timeline,
    ]));
    showRevealed();
  }

  // ---- updates --------------------------------------------------------------------------------------------
  function update() {
    for (const [id, row] of rows) row.hidden = !view.actors.has(id);
    for (const [qid, th] of columnHeads) th.hidden = !view.questions.has(qid);
    for (const cell of cells) cell.hidden = !view.questions.has(cell.getAttribute("data-question"));
    const nothing = view.actors.size === 0 || view.questions.size === 0;
    matrix.hidden = nothing;
    matrixEmpty.hidden = !nothing;
    const figures = figureRows();
    drawChart(figures);
    drawTable(figures);
    const sortName = SORTS.find(([v]) => v === view.sort)[1].split(" (")[0].toLowerCase();
    status.textContent = `Showing ${view.actors.size} of ${actors.length} sources and ${view.questions.size} of ` +
      `${questions.length} questions; ${figures.length} casualty ${figures.length === 1 ? "figure" : "figures"}, sorted by ${sortName}.`;
  }

  let lastWidth = 0;
  const observer = typeof ResizeObserver === "function"
    ? new ResizeObserver((entries) => {
      const width = Math.floor(entries[0].contentRect.width);
      if (width && Math.abs(width - lastWidth) > 8) {
        lastWidth = width;
        drawChart(figureRows());
        if (datesBox.isConnected && !datesBox.closest("[hidden]")) drawDates();
      }
    })
    : null;
  if (observer) observer.observe(chartBox);
  update();

  return () => {
    model.off("change:answers", onAnswers);
    if (onRevealed) model.off("change:revealed", onRevealed);
    if (observer) observer.disconnect();
  };
}

/** The student's notes in a few lines, for the "My work" page (called by the site's widget runtime). */
export function summarize({ model }) {
  const answers = model.get("answers") || {};
  const lines = [];
  for (const p of model.get("prompts") || []) {
    const text = typeof answers[p.id] === "string" ? answers[p.id].trim() : "";
    if (text) lines.push(`${p.text} — ${text}`);
  }
  if (!lines.length) lines.push("No notes.");
  if (model.get("revealed")) lines.push("Later reports revealed.");
  return { title: "Statement comparer: your notes", lines };
}

export default { render, summarize };
