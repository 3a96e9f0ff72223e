// Detector lab widget (anywidget ES module): a transparent loaded-language detector that the student
// tests against their own marks and the practice key, and a "write the spin" box.
//
// The detector below is the JavaScript twin of medialit/detector.py: it reads the same lexicon data
// (medialit/lexicons/detector_lexicon.json, sent by Python as `_data.lexicon`) and must mark exactly
// the same spans; tests/test_detector.py runs both on every paragraph of the article and compares.
// Data is always inserted with textContent, never parsed as HTML.

// ---------------------------------------------------------------------------------------------
// The detector (keep in step with medialit/detector.py)
// ---------------------------------------------------------------------------------------------

// ASCII letters with inner apostrophes, straight or curly: the same words as detector.WORD_PATTERN.
const WORD_PATTERN = /[A-Za-z]+(?:['\u2019][A-Za-z]+)*/g;
// Marked words separated only by spaces and hyphens form one span.
const JOIN_PATTERN = /^[ \-]+$/;

/** Every lexicon entry for one word, each with its strength on the 0-1 scale. */
// `words` is keyed by source, as the lexicon file is: {vader: {word: valence}, textblob: {word: subjectivity}}.
export function wordHits(word, words) {
  const key = word.toLowerCase().replace(/\u2019/g, "'");
  const entry = (source) => {
    const list = words[source] || {};
    return Object.prototype.hasOwnProperty.call(list, key) && typeof list[key] === "number" ? list[key] : null;
  };
  const hits = [];
  const vader = entry("vader");
  if (vader !== null) hits.push({ source: "vader", entry: key, value: vader, strength: Math.abs(vader) / 4 });
  const textblob = entry("textblob");
  if (textblob !== null) hits.push({ source: "textblob", entry: key, value: textblob, strength: textblob });
  return hits;
}

function checkThreshold(threshold) {
  if (typeof threshold !== "number" || !Number.isFinite(threshold) || !(threshold > 0 && threshold <= 1)) {
    throw new RangeError(`threshold must be a number more than 0 and at most 1, not ${threshold}`);
  }
  return threshold;
}

/**
 * Marks of `text`: [{start, end, text, strength, hits, from, to}]. `start`/`end` count code points, as
 * Python's str does, shifted by `offset`; `from`/`to` are this string's own (UTF-16) indices, for
 * drawing. The two differ only after a character outside the Basic Multilingual Plane (an emoji).
 */
export function detect(text, words, threshold, offset = 0) {
  checkThreshold(threshold);
  const marks = [];
  let run = [];
  // UTF-16 index -> code point index, counted once per text.
  const astral = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) { astral.push(i); i++; }
  }
  const points = (i) => { let n = 0; while (n < astral.length && astral[n] < i) n++; return i - n; };
  const close = () => {
    if (run.length) {
      const start = run[0].start;
      const end = run[run.length - 1].end;
      const hits = run.flatMap((w) => w.hits);
      marks.push({
        start: points(start) + offset, end: points(end) + offset, text: text.slice(start, end),
        strength: Math.max(...hits.map((h) => h.strength)), hits, from: start, to: end,
      });
      run = [];
    }
  };
  for (const match of text.matchAll(WORD_PATTERN)) {
    const start = match.index;
    const end = start + match[0].length;
    const hits = wordHits(match[0], words);
    if (hits.length && Math.max(...hits.map((h) => h.strength)) >= threshold) {
      if (run.length && !JOIN_PATTERN.test(text.slice(run[run.length - 1].end, start))) close();
      run.push({ start, end, hits });
    } else {
      close();
    }
  }
  close();
  return marks;
}

// ---------------------------------------------------------------------------------------------
// Span scoring: a port of medialit.scoring.span_prf (docs/DESIGN.md section 3), as in highlighter.js
// (each widget module is self-contained). tests/test_detector.py compares it with Python on
// tests/fixtures/span_cases.json.
// ---------------------------------------------------------------------------------------------

export function mergeSpans(spans) {
  const merged = [];
  for (const [start, end] of [...spans].sort((a, b) => a[0] - b[0] || a[1] - b[1])) {
    const last = merged[merged.length - 1];
    if (last && start < last[1]) {
      last[1] = Math.max(last[1], end);
    } else {
      merged.push([start, end]);
    }
  }
  return merged;
}

export function spanPrf(studentSpans, keySpans) {
  const student = mergeSpans(studentSpans);
  const key = mergeSpans(keySpans);
  if (!student.length && !key.length) return { precision: 1, recall: 1, f1: 1 };
  if (!student.length || !key.length) return { precision: 0, recall: 0, f1: 0 };
  let p = 0;
  let r = 0;
  for (const [s0, s1] of student) {
    for (const [t0, t1] of key) {
      const shared = Math.max(0, Math.min(s1, t1) - Math.max(s0, t0));
      if (shared) {
        p += shared / (s1 - s0);
        r += shared / (t1 - t0);
      }
    }
  }
  const precision = p / student.length;
  const recall = r / key.length;
  const f1 = precision && recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1 };
}

/** A sentence's detector score: the sum of the strengths of its marked words, in text order. */
export function sentenceScore(text, words, threshold) {
  checkThreshold(threshold);
  let total = 0;
  for (const match of text.matchAll(WORD_PATTERN)) {
    const hits = wordHits(match[0], words);
    if (hits.length) {
      const strength = Math.max(...hits.map((h) => h.strength));
      if (strength >= threshold) total += strength;
    }
  }
  return total;
}

// ---------------------------------------------------------------------------------------------
// The widget
// ---------------------------------------------------------------------------------------------

const fmt = (x) => x.toFixed(2);

// Lumino (JupyterLab, Notebook 7) tests its shortcut selectors against the focused element before it walks
// up to an ancestor marked data-lm-suppress-shortcuts (see claim_sorter.js): so every element that can hold
// focus carries the mark itself, or Space and the arrow keys would run notebook commands.
const FOCUSABLE_TAGS = new Set(["button", "input", "textarea"]);

function el(tag, attrs = {}, text) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === "class") node.className = value;
    else node.setAttribute(name, value);
  }
  if (FOCUSABLE_TAGS.has(tag) || node.hasAttribute("tabindex") || node.getAttribute("role") === "group") {
    node.setAttribute("data-lm-suppress-shortcuts", "true");
    node.setAttribute("data-p-suppress-shortcuts", "true");
  }
  if (text !== undefined) node.textContent = text;
  return node;
}

function explainMark(mark) {
  const why = mark.hits.map((h) => `${h.entry}: ${h.source === "vader" ? "VADER valence" : "TextBlob subjectivity"} ` +
    `${h.value > 0 && h.source === "vader" ? "+" : ""}${h.value} → ${fmt(h.strength)}`).join("; ");
  return `“${mark.text}” (${fmt(mark.strength)}), because ${why}`;
}

function runsOf(indices, tokens) {
  // Consecutive marked tokens of one paragraph form one span, as the Highlighter does.
  const runs = [];
  let previous = null;
  for (const i of [...indices].sort((a, b) => a - b)) {
    const [s, e, n] = tokens[i];
    if (previous !== null && i === previous + 1 && tokens[previous][2] === n) runs[runs.length - 1][1] = e;
    else runs.push([s, e]);
    previous = i;
  }
  return runs;
}

// Each view gets its own element ids, so that two labs on one page never share a label's target.
let views = 0;

function render({ model, el: host }) {
  const uid = `ml-dl-${++views}`;
  const data = model.get("_data");
  const words = data.lexicon.words;
  const tokens = []; // [start, end, paragraph number], offsets into the case text
  for (const p of data.paragraphs) for (const [s, e] of p.tokens) tokens.push([s, e, p.number]);
  const keySpans = data.key.map((k) => [k.start, k.end]);
  const marked = new Set();
  for (const [s, e] of model.get("selection") || []) {
    tokens.forEach(([ts, te], i) => { if (ts < e && s < te) marked.add(i); });
  }

  const root = el("div", { class: "ml-dl", role: "group", "aria-label": "Detector lab" });
  host.appendChild(root);
  root.appendChild(el("p", { class: "ml-dl-title" }, "Three readers, one passage: you, the machine and the key"));
  root.appendChild(el("p", { class: "ml-dl-help" },
    "Mark the words you find loaded: click a word, or move through a paragraph with the arrow keys and press " +
    "Space. The machine marks every word whose lexicon strength reaches the threshold. Marks: yours are " +
    "highlighted, the machine's are underlined, the key's (when shown) are boxed."));

  // Threshold
  const thresholdRow = el("div", { class: "ml-dl-threshold" });
  const slider = el("input", {
    type: "range", id: `${uid}-threshold`, min: "0.05", max: "1", step: "0.05",
    class: "ml-dl-slider",
  });
  slider.value = String(model.get("threshold"));
  const sliderLabel = el("label", { for: slider.id }, "Machine's threshold ");
  const sliderValue = el("output", { class: "ml-dl-threshold-value", for: slider.id });
  thresholdRow.append(sliderLabel, slider, sliderValue);
  root.appendChild(thresholdRow);

  // Scores
  const table = el("table", { class: "ml-dl-scores" });
  table.appendChild(el("caption", {}, "Each pair scored with the course's span scorer"));
  const head = el("tr");
  for (const h of ["pair", "precision", "recall", "F1"]) head.appendChild(el("th", { scope: "col" }, h));
  table.appendChild(head);
  const rows = {};
  const rowLabels = {};
  for (const [id, label] of [["machine-key", "machine against the key"], ["you-key", "you against the key"],
    ["machine-you", "machine against you"]]) {
    const tr = el("tr", { "data-pair": id });
    rowLabels[id] = el("th", { scope: "row" }, label);
    tr.appendChild(rowLabels[id]);
    rows[id] = [el("td"), el("td"), el("td")];
    rows[id].forEach((td) => tr.appendChild(td));
    table.appendChild(tr);
  }
  root.appendChild(table);

  // The course's one answer-guarding rule: the key and every score against it open after a real attempt, a
  // Check with at least one mark. Until then the key's rows say so; the button stays focusable
  // (aria-disabled, not disabled) so a keyboard or screen-reader user finds it and hears why.
  const lockedNote = el("p", { class: "ml-dl-locked", id: `${uid}-locked` },
    "Scores against the key, and the key itself, open after you mark at least one word and press Check my marks.");
  root.appendChild(lockedNote);
  const checkButton = el("button", { type: "button", class: "ml-dl-button ml-dl-check" }, "Check my marks");
  const keyButton = el("button", { type: "button", class: "ml-dl-button", "aria-pressed": "false" }, "Show the key");
  const clearButton = el("button", { type: "button", class: "ml-dl-button" }, "Clear my marks");
  const buttons = el("div", { class: "ml-dl-buttons" });
  buttons.append(checkButton, keyButton, clearButton);
  root.appendChild(buttons);
  const status = el("p", { class: "ml-dl-status", role: "status", "aria-live": "polite" });
  root.appendChild(status);

  // Paragraphs
  const tokenNodes = [];
  const lists = [];
  for (const p of data.paragraphs) {
    const box = el("div", { class: "ml-dl-para" });
    box.appendChild(el("p", { class: "ml-dl-number" }, `Paragraph ${p.number}`));
    const textNode = el("p", { class: "ml-dl-text", role: "group", "aria-label": `Paragraph ${p.number}: words to mark` });
    let cursor = p.start;
    for (const [s, e] of p.tokens) {
      if (s > cursor) textNode.appendChild(document.createTextNode(p.text.slice(cursor - p.start, s - p.start)));
      const i = tokenNodes.length;
      const tok = el("span", { class: "ml-dl-tok", "data-i": String(i), role: "button", tabindex: "-1",
        "aria-pressed": "false" }, p.text.slice(s - p.start, e - p.start));
      tokenNodes.push(tok);
      textNode.appendChild(tok);
      cursor = e;
    }
    if (cursor < p.end) textNode.appendChild(document.createTextNode(p.text.slice(cursor - p.start)));
    const first = tokenNodes.findIndex((t, i) => tokens[i][2] === p.number);
    if (first >= 0) tokenNodes[first].tabIndex = 0;
    box.appendChild(textNode);
    const list = el("ul", { class: "ml-dl-why", "aria-label": `Paragraph ${p.number}: the machine's marks and why` });
    box.appendChild(list);
    lists.push([p, list]);
    root.appendChild(box);
  }

  // Write the spin
  const spin = el("div", { class: "ml-dl-spin" });
  const areaId = `${uid}-rewrite`;
  spin.appendChild(el("label", { for: areaId, class: "ml-dl-title" }, "Write the spin"));
  spin.appendChild(el("p", { class: "ml-dl-help" },
    "Rewrite the sentence: make it loaded, or make it neutral, and watch the machine's score. Can you write a " +
    "loaded version that the machine scores 0?"));
  const area = el("textarea", { id: areaId, class: "ml-dl-rewrite", rows: "3" });
  area.value = model.get("rewrite");
  spin.appendChild(area);
  const spinScore = el("p", { class: "ml-dl-spin-score", role: "status", "aria-live": "polite" });
  const spinList = el("ul", { class: "ml-dl-why", "aria-label": "The machine's marks in your sentence and why" });
  spin.append(spinScore, spinList);
  root.appendChild(spin);

  const threshold = () => Number(model.get("threshold"));
  let keyShown = false;

  function machineMarks() {
    return data.paragraphs.flatMap((p) => detect(p.text, words, threshold(), p.start));
  }

  /** The marks as last checked, or null before a real attempt (a Check with at least one mark). */
  function checkedMarks() {
    const snapshot = model.get("_checked_selection");
    return model.get("checked") && Array.isArray(snapshot) && snapshot.length ? snapshot : null;
  }

  function refresh() {
    const t = threshold();
    slider.value = String(t);
    sliderValue.textContent = fmt(t);
    const machine = machineMarks();
    const machineSpans = machine.map((m) => [m.start, m.end]);
    const mine = runsOf(marked, tokens);
    const checkedSel = checkedMarks();
    const open = checkedSel !== null;
    if (!open) keyShown = false;
    const pairs = { "machine-key": open ? [machineSpans, keySpans] : null, "you-key": open ? [checkedSel, keySpans] : null,
      "machine-you": [machineSpans, mine] };
    for (const [id, spans] of Object.entries(pairs)) {
      const r = spans ? spanPrf(spans[0], spans[1]) : null;
      rows[id].forEach((td, k) => {
        td.textContent = r ? fmt([r.precision, r.recall, r.f1][k]) : "—";
      });
    }
    const stale = open && JSON.stringify(checkedSel) !== JSON.stringify(mine);
    rowLabels["you-key"].textContent = stale ? "you against the key (your marks as checked)" : "you against the key";
    lockedNote.hidden = open;
    if (open) {
      keyButton.removeAttribute("aria-disabled");
      keyButton.removeAttribute("aria-describedby");
    } else {
      keyButton.setAttribute("aria-disabled", "true");
      keyButton.setAttribute("aria-describedby", lockedNote.id);
    }
    keyButton.setAttribute("aria-pressed", String(keyShown));
    keyButton.textContent = keyShown ? "Hide the key" : "Show the key";
    tokenNodes.forEach((node, i) => {
      const [s, e] = tokens[i];
      const hit = (spans) => spans.some(([a, b]) => a < e && s < b);
      node.classList.toggle("is-mine", marked.has(i));
      node.setAttribute("aria-pressed", marked.has(i) ? "true" : "false");
      node.classList.toggle("is-machine", hit(machineSpans));
      node.classList.toggle("is-key", keyShown && hit(keySpans));
    });
    for (const [p, list] of lists) {
      list.replaceChildren();
      const inPara = machine.filter((m) => m.start >= p.start && m.end <= p.end);
      if (!inPara.length) list.appendChild(el("li", {}, "The machine marks nothing here at this threshold."));
      for (const m of inPara) list.appendChild(el("li", { class: "ml-dl-machine-item" }, `Machine: ${explainMark(m)}`));
      if (keyShown) {
        for (const k of data.key.filter((k) => k.paragraph === p.number)) {
          // A key phrase that brings its own quotation marks is not wrapped in another pair.
          const quoted = /^[“"]/.test(k.text) ? k.text : `“${k.text}”`;
          list.appendChild(el("li", { class: "ml-dl-key-item" }, `Key: ${quoted} (${k.technique_label}; said by ${k.speaker})`));
        }
      }
    }
    refreshSpin();
  }

  function refreshSpin() {
    const t = threshold();
    const text = area.value;
    const marks = detect(text, words, t);
    spinScore.textContent = `Machine's score for your sentence: ${fmt(sentenceScore(text, words, t))} ` +
      `(${marks.length} marked ${marks.length === 1 ? "span" : "spans"} at threshold ${fmt(t)})`;
    spinList.replaceChildren(...marks.map((m) => el("li", {}, explainMark(m))));
  }

  function toggle(i) {
    if (marked.has(i)) marked.delete(i); else marked.add(i);
    model.set("selection", runsOf(marked, tokens));
    model.save_changes();
    status.textContent = `${marked.has(i) ? "Marked" : "Unmarked"} “${tokenNodes[i].textContent}”.`;
    refresh();
  }

  function focusToken(from, to) {
    if (to < 0 || to >= tokenNodes.length || tokens[to][2] !== tokens[from][2]) return;
    tokenNodes[from].tabIndex = -1;
    tokenNodes[to].tabIndex = 0;
    tokenNodes[to].focus();
  }

  const onClick = (event) => {
    const node = event.target.closest(".ml-dl-tok");
    if (node && root.contains(node)) toggle(Number(node.dataset.i));
  };
  const onKey = (event) => {
    const node = event.target.closest && event.target.closest(".ml-dl-tok");
    if (!node) return;
    const i = Number(node.dataset.i);
    if (event.key === " " || event.key === "Enter") { event.preventDefault(); toggle(i); }
    else if (event.key === "ArrowRight" || event.key === "ArrowDown") { event.preventDefault(); focusToken(i, i + 1); }
    else if (event.key === "ArrowLeft" || event.key === "ArrowUp") { event.preventDefault(); focusToken(i, i - 1); }
  };
  const onSlide = () => { model.set("threshold", Number(slider.value)); model.save_changes(); refresh(); };
  const onType = () => { model.set("rewrite", area.value); model.save_changes(); refreshSpin(); };
  checkButton.addEventListener("click", () => {
    const mine = runsOf(marked, tokens);
    if (!mine.length) {
      status.textContent = "Mark at least one word first, then press Check my marks.";
      return;
    }
    model.set({ checked: true, _checked_selection: mine });
    model.save_changes();
    refresh();
    const r = spanPrf(mine, keySpans);
    status.textContent = `Checked: you against the key, F1 ${fmt(r.f1)}. The key's rows and Show the key are open now.`;
  });
  keyButton.addEventListener("click", () => {
    if (!checkedMarks()) {
      status.textContent = "Mark at least one word and press Check my marks first: the key opens after your first attempt.";
      return;
    }
    keyShown = !keyShown;
    refresh();
  });
  clearButton.addEventListener("click", () => {
    marked.clear();
    model.set("selection", []);
    model.save_changes();
    status.textContent = "Your marks are cleared.";
    refresh();
  });
  root.addEventListener("click", onClick);
  root.addEventListener("keydown", onKey);
  slider.addEventListener("input", onSlide);
  area.addEventListener("input", onType);
  const onModel = () => refresh();
  // Python may set the marks or the sentence too (lab.selection = ..., lab.rewrite = ...).
  const onSelection = () => {
    marked.clear();
    for (const [s, e] of model.get("selection") || []) {
      tokens.forEach(([ts, te], i) => { if (ts < e && s < te) marked.add(i); });
    }
    refresh();
  };
  const onRewrite = () => {
    if (area.value !== model.get("rewrite")) area.value = model.get("rewrite");
    refreshSpin();
  };
  model.on("change:threshold", onModel);
  model.on("change:checked", onModel);
  model.on("change:_checked_selection", onModel);
  model.on("change:selection", onSelection);
  model.on("change:rewrite", onRewrite);

  refresh();
  return () => {
    model.off("change:threshold", onModel);
    model.off("change:checked", onModel);
    model.off("change:_checked_selection", onModel);
    model.off("change:selection", onSelection);
    model.off("change:rewrite", onRewrite);
  };
}

/** The student's work in a few lines, for the "My work" page (called by the site's widget runtime). */
export function summarize({ model }) {
  const data = model.get("_data") || {};
  const paragraphs = data.paragraphs || [];
  const textOf = ([start, end]) => {
    const p = paragraphs.find((q) => q.start <= start && end <= q.end);
    return p ? `“${p.text.slice(start - p.start, end - p.start)}” (paragraph ${p.number})` : `[${start}, ${end}]`;
  };
  const selection = model.get("selection") || [];
  const lines = selection.length ? selection.map((span) => `Marked ${textOf(span)}`) : ["No marks."];
  lines.push(`Machine's threshold: ${fmt(Number(model.get("threshold")))}.`);
  lines.push(`Your sentence: “${model.get("rewrite") || ""}”`);
  const numbers = paragraphs.map((p) => p.number);
  return { title: `Detector lab, ${numbers.length > 1 ? "paragraphs" : "paragraph"} ${numbers.join(", ")}`, lines };
}

export default { render, summarize };
