// Highlighter widget (anywidget ES module): mark loaded language, check it against the practice key.
//
// Everything the student does happens here, so the widget works on the static site with no kernel.
// Python (highlighter.py) sends `_data`: the paragraphs, their word tokens and the practice key of
// those paragraphs only. The student's marks go back as `selection`, [start, end] offsets into the
// case text. Data is always inserted with textContent / createTextNode, never parsed as HTML.

// ---------------------------------------------------------------------------------------------
// Span scoring: a port of medialit.scoring.span_prf (docs/DESIGN.md section 3). The browser test runs
// it on tests/fixtures/span_cases.json and compares with Python to 1e-9.
// ---------------------------------------------------------------------------------------------

function checkSpans(spans, name) {
  if (!Array.isArray(spans)) {
    throw new TypeError(`${name} must be an array of [start, end] pairs`);
  }
  return spans.map((span, index) => {
    if (!Array.isArray(span) || span.length !== 2 || !span.every(Number.isInteger)) {
      throw new TypeError(`${name}: span ${index + 1} must be a [start, end] pair of integers`);
    }
    const [start, end] = span;
    if (start < 0 || start >= end) {
      throw new RangeError(`${name}: span ${index + 1} is [${start}, ${end}]; it needs 0 <= start < end`);
    }
    return [start, end];
  });
}

/** Sort spans and join those that share at least one character (touching spans stay apart). */
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

// Compensated (Neumaier) summation: Python uses math.fsum, so keep rounding error out of the sums.
function preciseSum(values) {
  let sum = 0;
  let compensation = 0;
  for (const value of values) {
    const t = sum + value;
    compensation += Math.abs(sum) >= Math.abs(value) ? (sum - t) + value : (value - t) + sum;
    sum = t;
  }
  return sum + compensation;
}

/**
 * Score student spans against key spans: precision, recall, F1, per-key-span feedback and the
 * student spans that share no character with the key. Same rules as medialit.scoring.span_prf.
 */
export function spanPRF(studentSpans, keySpans) {
  const studentRaw = checkSpans(studentSpans, "student spans");
  const student = mergeSpans(studentRaw);
  const key = mergeSpans(checkSpans(keySpans, "key spans"));
  const studentOverlap = student.map(() => 0);
  const keyOverlap = key.map(() => 0);
  let i = 0;
  let j = 0;
  while (i < student.length && j < key.length) {
    const [s0, s1] = student[i];
    const [t0, t1] = key[j];
    const shared = Math.min(s1, t1) - Math.max(s0, t0);
    if (shared > 0) {
      studentOverlap[i] += shared;
      keyOverlap[j] += shared;
    }
    if (s1 < t1) i += 1; else j += 1;
  }
  let precision;
  let recall;
  let f1;
  if (student.length === 0 && key.length === 0) {
    precision = recall = f1 = 1;
  } else {
    precision = student.length
      ? preciseSum(student.map(([s, e], k) => studentOverlap[k] / (e - s))) / student.length : 0;
    recall = key.length
      ? preciseSum(key.map(([s, e], k) => keyOverlap[k] / (e - s))) / key.length : 0;
    f1 = precision > 0 && recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  }
  const keyFeedback = key.map(([start, end], k) => {
    const coveredChars = keyOverlap[k];
    const status = coveredChars === end - start ? "found" : coveredChars > 0 ? "partly found" : "missed";
    return { start, end, status, coveredChars, covered: coveredChars / (end - start) };
  });
  const unmatched = student.filter((_, k) => studentOverlap[k] === 0);
  return { precision, recall, f1, studentSpans: student, keySpans: key, keyFeedback, unmatched, marked: studentRaw.length };
}

function plural(n, word, many) {
  return `${n} ${n === 1 ? word : many || `${word}s`}`;
}

/**
 * x with `digits` decimals, rounded as Python's format(x, ".{digits}f") rounds: like toFixed, except
 * that an exact tie goes to the even digit (toFixed rounds it up), so both sides print the same words.
 */
export function formatFixed(x, digits) {
  const exact = x.toFixed(Math.min(100, digits + 30));
  const [whole, fraction = ""] = exact.split(".");
  const rest = fraction.slice(digits);
  if (/^50*$/.test(rest)) {
    const lastDigit = Number(digits === 0 ? whole[whole.length - 1] : fraction[digits - 1]);
    if (lastDigit % 2 === 0) return digits === 0 ? whole : `${whole}.${fraction.slice(0, digits)}`;
  }
  return x.toFixed(digits);
}

function percent(x) {
  // Python's "{:.0%}" multiplies by 100 in floating point, then formats.
  return `${formatFixed(x * 100, 0)}%`;
}

/**
 * The percentage that goes with a score printed to two decimals: "0.47" -> "47%", so the words never say
 * 48 % beside a printed 0.47 (SpanScore.summary() does the same).
 */
export function percentOfPrinted(x) {
  return `${Number(formatFixed(x, 2).replace(".", ""))}%`;
}

/** The score in plain words, one sentence per entry (the same wording as SpanScore.summary()). */
export function explainScore(score) {
  const nStudent = score.studentSpans.length;
  const nKey = score.keySpans.length;
  if (nStudent === 0 && nKey === 0) {
    return ["There is nothing to mark in this passage, and you marked nothing: a perfect score (precision, recall and F1 are all 1)."];
  }
  if (nStudent === 0) {
    return [`You have not marked anything yet. The key has ${plural(nKey, "phrase")}, so precision, recall and F1 are 0. Mark the words you think belong, then check again.`];
  }
  const joined = score.marked > nStudent
    ? ` (some of your ${score.marked} marks overlapped, so they were joined into ${nStudent})` : "";
  if (nKey === 0) {
    return [`You marked ${plural(nStudent, "phrase")}${joined}, but the key has nothing to mark in this passage, so precision, recall and F1 are 0. It is fine to leave a passage unmarked when nothing in it fits.`];
  }
  const overlapping = nStudent - score.unmatched.length;
  let verdict;
  if (nStudent === 1) verdict = overlapping ? "it overlaps the key" : "it does not overlap the key";
  else if (overlapping === nStudent) verdict = `all ${nStudent} overlap the key`;
  else if (overlapping === 0) verdict = "none of them overlaps the key";
  else {
    const missing = score.unmatched.length;
    verdict = `${overlapping} ${overlapping === 1 ? "overlaps" : "overlap"} the key and ${missing} ${missing === 1 ? "does" : "do"} not`;
  }
  const lines = [`You marked ${plural(nStudent, "phrase")}${joined}; ${verdict}.`];
  const parts = [["found", "found {} in full"], ["partly found", "found {} in part"], ["missed", "missed {}"]]
    .map(([status, text]) => [score.keyFeedback.filter((k) => k.status === status).length, text])
    .filter(([n]) => n)
    .map(([n, text]) => text.replace("{}", String(n)));
  const listed = parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
  lines.push(`The key has ${plural(nKey, "phrase")}: you ${listed}.`);
  lines.push(`Precision ${formatFixed(score.precision, 2)} means that, on average, about ${percentOfPrinted(score.precision)} of each phrase you marked lies inside a key phrase.`);
  lines.push(`Recall ${formatFixed(score.recall, 2)} means that, on average, you covered about ${percentOfPrinted(score.recall)} of each key phrase.`);
  lines.push(`F1 ${formatFixed(score.f1, 2)} combines the two (1 is a perfect match).`);
  if (score.precision < 1) lines.push("To raise precision, mark fewer extra words: only the words that do the work.");
  if (score.recall < 1) lines.push("To raise recall, look again for phrases, or parts of phrases, you left out.");
  return lines;
}

// Source: SOURCES.md (SemEval-2020 Task 11, Da San Martino et al., 2020).
const EXPERTS_DISAGREE =
  "Trained annotators disagree about loaded language too: in SemEval-2020 Task 11 (Da San Martino et al., 2020) " +
  "the best systems reached a span F1 of only about 0.5. So an F1 of 0.6 against our key is good work. " +
  "The key is one careful reading; what matters is that you can say why the words you marked push the reader.";

/**
 * Advice for a mark that matches no key phrase, aimed at the two commonest wrong marks: a name (who speaks
 * is not how the words lean) and a neutral reporting verb. `neutralVerbs` comes from highlighter.py.
 */
export function adviceForUnmatched(text, neutralVerbs) {
  const words = text.split(/\s+/).map((w) => w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "")).filter(Boolean);
  const plain = words.join(" ").toLowerCase();
  if ((neutralVerbs || []).includes(plain)) {
    return `“${text}” is a neutral reporting verb: it passes the speaker's words on without judging them. ` +
      "Verbs that add the writer's view (“claimed”, “admitted”, “insisted”) can be loaded; this one is not.";
  }
  const linking = new Set(["the", "of", "for", "and", "de", "al"]);
  const named = words.length > 0 && words.some((w) => /^\p{Lu}/u.test(w))
    && words.every((w) => /^\p{Lu}/u.test(w) || linking.has(w.toLowerCase()));
  if (named) {
    return `“${text}” looks like a name. A name tells you who speaks or acts, not how the words lean: ` +
      "look instead at the words the writer or the speaker chose to describe them.";
  }
  return "If you can say how these words push the reader, your reading may still be fair: compare it with the key's reasons above.";
}

/** The student's work in a few lines, for the "My work" page (called by the site's widget runtime). */
export function summarize({ model }) {
  const data = model.get("_data") || {};
  const paragraphs = data.paragraphs || [];
  const numbers = paragraphs.map((p) => p.number);
  const textOf = ([start, end]) => {
    const p = paragraphs.find((q) => q.start <= start && end <= q.end);
    return p ? [p.number, p.text.slice(start - p.start, end - p.start)] : [null, ""];
  };
  const selection = model.get("selection") || [];
  const lines = selection.length
    ? selection.map((span) => { const [n, words] = textOf(span); return `Marked “${words}” (paragraph ${n})`; })
    : ["No marks."];
  const checkedSelection = model.get("_checked_selection");
  if (model.get("checked") && Array.isArray(checkedSelection)) {
    const score = spanPRF(checkedSelection, (data.key || []).map((k) => [k.start, k.end]));
    lines.push(`Last check: precision ${formatFixed(score.precision, 2)}, recall ${formatFixed(score.recall, 2)}, F1 ${formatFixed(score.f1, 2)}` +
      (JSON.stringify(checkedSelection) === JSON.stringify(selection) ? "." : " (marks changed since)."));
  }
  if (model.get("answers_shown")) lines.push("Answers shown.");
  return { title: `Loaded language, ${numbers.length > 1 ? "paragraphs" : "paragraph"} ${numbers.join(", ")}`, lines };
}

// ---------------------------------------------------------------------------------------------
// The widget
// ---------------------------------------------------------------------------------------------

let instances = 0;

// Lumino (JupyterLab, Notebook 7) tests its shortcut selectors against the focused element before it
// walks up to an ancestor marked data-lm-suppress-shortcuts, so Notebook 7 took the arrow keys from a
// focused word (tests/browser/test_jupyterlab.py). Every element that can hold focus carries the mark.
const FOCUSABLE_TAGS = new Set(["button", "input", "select", "textarea", "summary", "a"]);

function keepKeysInWidget(node) {
  node.setAttribute("data-lm-suppress-shortcuts", "true");
  node.setAttribute("data-p-suppress-shortcuts", "true");
  return node;
}

function make(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  if (FOCUSABLE_TAGS.has(tag)) keepKeysInWidget(node);
  return node;
}

function coveredChars([start, end], spans) {
  let total = 0;
  for (const [s, e] of spans) total += Math.max(0, Math.min(end, e) - Math.max(start, s));
  return total;
}

function render({ model, el }) {
  const uid = `ml-hl-${++instances}-${Math.random().toString(36).slice(2, 8)}`;
  const data = model.get("_data") || {};
  const paragraphs = data.paragraphs || [];
  const keyPhrases = data.key || [];

  // Flatten tokens: one entry per word or punctuation mark, in text order.
  const tokens = [];
  const paragraphFirst = []; // index of each paragraph's first token
  paragraphs.forEach((p, pIndex) => {
    paragraphFirst.push(tokens.length);
    for (const [start, end] of p.tokens) tokens.push({ start, end, pIndex, node: null, gapAfter: null });
  });
  const marked = new Uint8Array(tokens.length);
  let active = 0; // the token with tabindex 0 (roving tabindex)
  let anchor = 0; // where Shift+click / Shift+arrow extends from
  let drag = null;

  const root = make("div", "ml-hl");
  root.setAttribute("role", "group");
  root.setAttribute("aria-labelledby", `${uid}-title`);
  // Inside the widget the keys belong to the widget (see keepKeysInWidget).
  keepKeysInWidget(root);
  const title = make("p", "ml-hl-title", "Mark the loaded language");
  title.id = `${uid}-title`;
  const help = make("p", "ml-hl-help",
    "Mark words and phrases that push the reader toward a view. Mouse: click a word; drag, or Shift+click, " +
    "to mark a phrase; click a marked word to unmark it. Keyboard: Tab into the text; Left and Right arrows " +
    "move between words; Space or Enter marks or unmarks a word; Shift+arrow marks as you move; Up and Down " +
    "go to the previous or next paragraph.");
  help.id = `${uid}-help`;
  root.append(title, help);

  // Paragraphs: one multi-select listbox each; its options are the tokens.
  const textBox = make("div", "ml-hl-paragraphs");
  paragraphs.forEach((p, pIndex) => {
    const block = make("div", "ml-hl-paragraph");
    const label = make("p", "ml-hl-number", `Paragraph ${p.number}`);
    label.id = `${uid}-p${p.number}`;
    const list = make("div", "ml-hl-text");
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-multiselectable", "true");
    list.setAttribute("aria-labelledby", label.id);
    list.setAttribute("aria-describedby", help.id);
    let cursor = p.start;
    let previous = null;
    for (let t = paragraphFirst[pIndex]; t < tokens.length && tokens[t].pIndex === pIndex; t += 1) {
      const token = tokens[t];
      if (token.start > cursor) {
        const gap = make("span", "ml-hl-gap", p.text.slice(cursor - p.start, token.start - p.start));
        list.append(gap);
        if (previous) previous.gapAfter = gap;
      }
      const node = make("span", "ml-hl-tok", p.text.slice(token.start - p.start, token.end - p.start));
      node.setAttribute("role", "option");
      node.setAttribute("aria-selected", "false");
      node.tabIndex = -1;
      keepKeysInWidget(node);
      node.dataset.index = String(t);
      token.node = node;
      list.append(node);
      cursor = token.end;
      previous = token;
    }
    block.append(label, list);
    textBox.append(block);
  });
  if (tokens.length) tokens[0].node.tabIndex = 0;
  root.append(textBox);

  const status = make("p", "ml-hl-status");
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  root.append(status);

  // How to read the text after Check or Show answers: each kind of mark has its own line style and, in the
  // lists below, its own symbol and word, so nothing depends on telling colours apart.
  const legend = make("ul", "ml-hl-legend");
  legend.setAttribute("aria-label", "How to read your checked marks");
  // Each line: the symbol the lists below use, a sample word drawn exactly as in the text, then the words.
  for (const [symbol, sampleClasses, words] of [
    ["✓", "ml-marked ml-hit", "Found: you marked the whole key phrase (double underline in the text)."],
    ["◐", "ml-marked ml-hit", "Partly found: you marked part of a key phrase (double underline on the part you marked)."],
    ["✗", "", "Missed: a key phrase you did not mark (listed below; its words appear after Show answers)."],
    ["?", "ml-marked ml-extra", "Not in the key: a mark that shares no word with a key phrase (wavy underline in the text)."],
    ["", "ml-key ml-key-start ml-key-end", "Key phrase, after Show answers: a dashed box around its words."],
  ]) {
    const item = make("li", "ml-hl-legend-item");
    const icon = make("span", "ml-hl-icon", symbol);
    const sample = make("span", `ml-hl-legend-sample ${sampleClasses}`, sampleClasses ? "word" : "");
    for (const node of [icon, sample]) node.setAttribute("aria-hidden", "true");
    item.append(icon, sample, document.createTextNode(words));
    legend.append(item);
  }
  legend.hidden = true;

  const marksBox = make("div", "ml-hl-marks");
  const marksTitle = make("p", "ml-hl-subtitle");
  const marksList = make("ul", "ml-hl-marklist");
  marksBox.append(marksTitle, marksList);
  root.append(marksBox);

  const buttons = make("div", "ml-hl-buttons");
  const checkButton = make("button", "ml-hl-button ml-hl-check", "Check");
  const answersButton = make("button", "ml-hl-button ml-hl-answers", "Show answers");
  answersButton.setAttribute("aria-pressed", "false");
  // Seeing the key before trying teaches little: the answers open after a first Check. The button stays
  // focusable (aria-disabled, not disabled) so a keyboard or screen-reader user finds it and hears why.
  const answersNote = make("p", "ml-hl-answers-note", "Show answers opens after your first Check.");
  answersNote.id = `${uid}-answers-note`;
  const resetButton = make("button", "ml-hl-button ml-hl-reset", "Reset");
  for (const button of [checkButton, answersButton, resetButton]) button.type = "button";
  buttons.append(checkButton, answersButton, resetButton);
  root.append(buttons, answersNote);

  const feedback = make("div", "ml-hl-feedback");
  feedback.id = `${uid}-feedback`;
  feedback.hidden = true;
  root.append(legend, feedback);
  el.append(root);

  // --- state helpers --------------------------------------------------------------------------

  function paragraphNumberAt(offset) {
    const p = paragraphs.find((q) => q.start <= offset && offset < q.end);
    return p ? p.number : null;
  }

  function runs() {
    const out = [];
    for (let t = 0; t < tokens.length; t += 1) {
      if (!marked[t]) continue;
      const last = out[out.length - 1];
      if (last && marked[t - 1] && tokens[t - 1].pIndex === tokens[t].pIndex) last[1] = tokens[t].end;
      else out.push([tokens[t].start, tokens[t].end]);
    }
    return out;
  }

  function marksFromSelection() {
    marked.fill(0);
    for (const [start, end] of model.get("selection") || []) {
      tokens.forEach((token, t) => {
        if (token.start < end && start < token.end) marked[t] = 1;
      });
    }
  }

  function textOf([start, end]) {
    const p = paragraphs.find((q) => q.start <= start && end <= q.end);
    return p ? p.text.slice(start - p.start, end - p.start) : "";
  }

  function commit(message) {
    model.set("selection", runs());
    model.save_changes();
    refresh();
    if (message) status.textContent = message;
  }

  function setRange(a, b, value) {
    for (let t = Math.min(a, b); t <= Math.max(a, b); t += 1) marked[t] = value;
  }

  function focusToken(t) {
    if (t < 0 || t >= tokens.length) return;
    tokens[active].node.tabIndex = -1;
    active = t;
    tokens[t].node.tabIndex = 0;
    tokens[t].node.focus();
  }

  function countMessage() {
    const n = runs().length;
    return n ? `${plural(n, "phrase")} marked.` : "Nothing marked.";
  }

  // --- drawing --------------------------------------------------------------------------------

  // The marks as they were at the last Check. The score and every found / missed verdict are computed from
  // these, not from the live marks, so marking and unmarking words cannot be used to probe the key; the
  // verdicts change only when the student presses Check again. A `checked` set from Python without a
  // Check press has no snapshot: then the marks as they were when `checked` became true are the checked ones.
  let pythonSnapshot = null;
  function checkedMarks() {
    if (!model.get("checked")) return null;
    const snapshot = model.get("_checked_selection");
    if (Array.isArray(snapshot)) return snapshot;
    if (!pythonSnapshot) pythonSnapshot = runs();
    return pythonSnapshot;
  }

  function refresh() {
    const selection = runs();
    const checkedSel = checkedMarks();
    const checked = checkedSel !== null;
    const shown = checked && Boolean(model.get("answers_shown"));
    const keySpans = keyPhrases.map((k) => [k.start, k.end]);
    const checkedScore = checked ? spanPRF(checkedSel, keySpans) : null;
    const extra = checked ? checkedScore.unmatched : [];
    const hits = checked ? checkedScore.studentSpans.filter((span) => !extra.includes(span)) : [];
    tokens.forEach((token, t) => {
      const on = Boolean(marked[t]);
      const inKey = shown && keySpans.some(([s, e]) => s < token.end && token.start < e);
      const within = (spans) => spans.some(([s, e]) => s <= token.start && token.end <= e);
      const isExtra = on && within(extra);
      const isHit = on && within(hits);
      token.node.setAttribute("aria-selected", on ? "true" : "false");
      token.node.classList.toggle("ml-marked", on);
      token.node.classList.toggle("ml-extra", isExtra);
      token.node.classList.toggle("ml-hit", isHit);
      token.node.classList.toggle("ml-key", inKey);
      // Box edges: a key phrase starts or ends where the neighbouring token is outside it.
      const keyAround = (other) => other && other.pIndex === token.pIndex
        && keySpans.some(([s, e]) => s <= Math.min(token.start, other.start) && Math.max(token.end, other.end) <= e);
      token.node.classList.toggle("ml-key-start", inKey && !keyAround(tokens[t - 1]));
      token.node.classList.toggle("ml-key-end", inKey && !keyAround(tokens[t + 1]));
      if (token.gapAfter) {
        const next = tokens[t + 1];
        const joinsMark = on && next && marked[t + 1];
        const joinsKey = inKey && next && keySpans.some(([s, e]) => s <= token.start && next.end <= e);
        token.gapAfter.classList.toggle("ml-marked", Boolean(joinsMark));
        token.gapAfter.classList.toggle("ml-extra", Boolean(joinsMark && isExtra));
        token.gapAfter.classList.toggle("ml-hit", Boolean(joinsMark && isHit));
        token.gapAfter.classList.toggle("ml-key", Boolean(joinsKey));
      }
    });

    marksTitle.textContent = selection.length ? `Your marks (${selection.length}):` : "Your marks: none yet.";
    marksList.replaceChildren(...selection.map((span) => {
      const item = make("li", "ml-hl-mark");
      const words = make("span", "ml-hl-quote", `“${textOf(span)}”`);
      const where = make("span", "ml-hl-where", ` paragraph ${paragraphNumberAt(span[0])} `);
      const remove = make("button", "ml-hl-remove", "Remove");
      remove.type = "button";
      remove.setAttribute("aria-label", `Remove mark “${textOf(span)}”`);
      remove.addEventListener("click", () => {
        tokens.forEach((token, t) => {
          if (span[0] <= token.start && token.end <= span[1]) marked[t] = 0;
        });
        commit(`Removed “${textOf(span)}”. ${countMessage()}`);
        (marksList.querySelector("button") || tokens[active].node).focus();
      });
      item.append(words, where, remove);
      return item;
    }));
    marksList.hidden = selection.length === 0;

    answersButton.textContent = shown ? "Hide answers" : "Show answers";
    answersButton.setAttribute("aria-pressed", shown ? "true" : "false");
    if (checked) {
      answersButton.removeAttribute("aria-disabled");
      answersButton.removeAttribute("aria-describedby");
    } else {
      answersButton.setAttribute("aria-disabled", "true");
      answersButton.setAttribute("aria-describedby", answersNote.id);
    }
    answersNote.hidden = checked;
    feedback.hidden = !checked;
    legend.hidden = !checked;
    if (!feedback.hidden) drawFeedback(checkedSel, keySpans, checked, shown, !sameSpans(checkedSel, selection));
  }

  function sameSpans(a, b) {
    return a.length === b.length && a.every(([s, e], i) => s === b[i][0] && e === b[i][1]);
  }

  function drawFeedback(selection, keySpans, checked, shown, changed) {
    const score = spanPRF(selection, keySpans);
    const parts = [];
    parts.push(make("p", "ml-hl-subtitle", "Feedback"));
    if (changed) {
      parts.push(make("p", "ml-hl-stale",
        "You have changed your marks since you checked. This feedback is for the marks you checked; press Check to score your marks as they are now."));
    }
    if (checked) {
      const scores = make("dl", "ml-hl-scores");
      for (const [name, value, cls] of [["Precision", score.precision, "ml-precision"], ["Recall", score.recall, "ml-recall"], ["F1", score.f1, "ml-f1"]]) {
        const box = make("div", `ml-hl-score ${cls}`);
        box.append(make("dt", "", name), make("dd", "", formatFixed(value, 2)));
        scores.append(box);
      }
      parts.push(scores);
      const words = make("div", "ml-hl-explain");
      for (const line of explainScore(score)) words.append(make("p", "", line));
      parts.push(words);
      parts.push(make("p", "ml-hl-kind", EXPERTS_DISAGREE));
    }

    parts.push(make("p", "ml-hl-subtitle", `Phrases in the key (${keyPhrases.length}):`));
    const keyList = make("ul", "ml-hl-keylist");
    keyPhrases.forEach((phrase) => {
      const covered = coveredChars([phrase.start, phrase.end], selection);
      const length = phrase.end - phrase.start;
      const state = covered === length ? "found" : covered > 0 ? "partly found" : "missed";
      const item = make("li", `ml-hl-keyitem ml-${state.replace(" ", "-")}`);
      item.dataset.keyId = phrase.id;
      const reveal = shown || state !== "missed";
      const badgeText = !checked && shown ? "Answer"
        : state === "found" ? "Found" : state === "partly found" ? `Partly found (${percent(covered / length)})` : "Missed";
      const badge = make("span", "ml-hl-badge");
      badge.append(make("span", "ml-hl-icon", !checked && shown ? "•" : state === "found" ? "✓" : state === "partly found" ? "◐" : "✗"));
      badge.lastChild.setAttribute("aria-hidden", "true");
      badge.append(document.createTextNode(` ${badgeText}`));
      const line = make("p", "ml-hl-keyline");
      line.append(badge, document.createTextNode(` paragraph ${phrase.paragraph}: `));
      line.append(reveal ? make("span", "ml-hl-quote", `“${phrase.text}”`)
        : make("span", "ml-hl-hidden", "a phrase you have not marked yet"));
      const details = make("details", "ml-hl-details");
      const summary = make("summary", "", reveal ? `Why? ${phrase.technique_label}` : `Hint: ${phrase.technique_label}`);
      details.append(summary);
      if (reveal) {
        const facts = make("dl", "ml-hl-facts");
        for (const [name, value] of [["Technique", phrase.technique_label], ["Whose words", phrase.speaker],
          ["Why it is in the key", phrase.reason], ["A more neutral wording", phrase.neutral_alternative]]) {
          facts.append(make("dt", "", name), make("dd", "", value));
        }
        for (const other of phrase.also_accepted || []) {
          facts.append(make("dt", "", "Also defensible"),
            make("dd", "", `${other.technique_label}: ${other.reason}`));
        }
        details.append(facts);
      } else {
        details.append(make("p", "", `The technique is “${phrase.technique_label}”. Look again at paragraph ${phrase.paragraph}, or press Show answers to see the phrase and why it is in the key.`));
      }
      item.append(line, details);
      keyList.append(item);
    });
    parts.push(keyList);

    if (checked && score.unmatched.length) {
      parts.push(make("p", "ml-hl-subtitle", `Your marks that match no key phrase (${score.unmatched.length}):`));
      const extraList = make("ul", "ml-hl-extralist");
      for (const span of score.unmatched) {
        const item = make("li", "ml-hl-extraitem");
        const badge = make("span", "ml-hl-badge");
        badge.append(make("span", "ml-hl-icon", "?"));
        badge.lastChild.setAttribute("aria-hidden", "true");
        badge.append(document.createTextNode(" Not in the key"));
        item.append(badge, document.createTextNode(` paragraph ${paragraphNumberAt(span[0])}: `),
          make("span", "ml-hl-quote", `“${textOf(span)}”`),
          document.createTextNode(` — ${adviceForUnmatched(textOf(span), data.neutral_verbs)}`));
        extraList.append(item);
      }
      parts.push(extraList);
    }
    // Keep disclosures the student opened open across redraws.
    const open = new Set([...feedback.querySelectorAll("details[open]")].map((d) => d.parentElement.dataset.keyId));
    feedback.replaceChildren(...parts);
    for (const details of feedback.querySelectorAll(".ml-hl-keyitem details")) {
      if (open.has(details.parentElement.dataset.keyId)) details.open = true;
    }
  }

  // --- events ---------------------------------------------------------------------------------

  function tokenIndexOf(target) {
    const node = target instanceof Element ? target.closest(".ml-hl-tok") : null;
    return node && textBox.contains(node) ? Number(node.dataset.index) : -1;
  }

  function onPointerMove(event) {
    if (!drag) return;
    const t = tokenIndexOf(document.elementFromPoint(event.clientX, event.clientY));
    if (t < 0 || t === drag.last) return;
    drag.last = t;
    marked.set(drag.before);
    setRange(drag.from, t, drag.value);
    focusToken(t);
    refresh();
  }

  function endDrag() {
    if (!drag) return;
    drag = null;
    window.removeEventListener("pointermove", onPointerMove);
    window.removeEventListener("pointerup", endDrag);
    window.removeEventListener("pointercancel", endDrag);
    commit(countMessage());
  }

  let pointerHandled = false;
  textBox.addEventListener("pointerdown", (event) => {
    const t = tokenIndexOf(event.target);
    pointerHandled = false; // a mouse drag that ended outside the text left no click to clear it
    // Touch and pen taps arrive as clicks below: a finger that drags is scrolling the page.
    if (t < 0 || event.pointerType !== "mouse" || event.button !== 0) return;
    event.preventDefault(); // no text selection while marking
    pointerHandled = true;
    if (event.shiftKey) {
      setRange(anchor, t, 1);
      focusToken(t);
      commit(countMessage());
      return;
    }
    anchor = t;
    drag = { from: t, last: t, value: marked[t] ? 0 : 1, before: marked.slice() };
    marked[t] = drag.value;
    focusToken(t);
    refresh();
    window.addEventListener("pointermove", onPointerMove);
    window.addEventListener("pointerup", endDrag);
    window.addEventListener("pointercancel", endDrag);
  });

  textBox.addEventListener("click", (event) => {
    if (pointerHandled) {
      pointerHandled = false;
      return;
    }
    const t = tokenIndexOf(event.target);
    if (t < 0) return;
    if (event.shiftKey) setRange(anchor, t, 1); else marked[t] = marked[t] ? 0 : 1;
    if (!event.shiftKey) anchor = t;
    focusToken(t);
    commit(countMessage());
  });

  textBox.addEventListener("keydown", (event) => {
    const t = tokenIndexOf(event.target);
    if (t < 0) return;
    const p = tokens[t].pIndex;
    const first = paragraphFirst[p];
    const last = p + 1 < paragraphFirst.length ? paragraphFirst[p + 1] - 1 : tokens.length - 1;
    let next = null;
    switch (event.key) {
      case "ArrowRight": next = Math.min(t + 1, tokens.length - 1); break;
      case "ArrowLeft": next = Math.max(t - 1, 0); break;
      case "ArrowDown": next = p + 1 < paragraphFirst.length ? paragraphFirst[p + 1] : t; break;
      case "ArrowUp": next = p > 0 ? paragraphFirst[p - 1] : t; break;
      case "Home": next = event.ctrlKey ? 0 : first; break;
      case "End": next = event.ctrlKey ? tokens.length - 1 : last; break;
      case " ":
      case "Enter": {
        event.preventDefault();
        marked[t] = marked[t] ? 0 : 1;
        anchor = t;
        const words = tokens[t].node.textContent;
        commit(`${marked[t] ? "Marked" : "Unmarked"} “${words}”. ${countMessage()}`);
        return;
      }
      default: return;
    }
    event.preventDefault();
    if (event.shiftKey && (event.key === "ArrowRight" || event.key === "ArrowLeft")) {
      setRange(anchor, next, 1);
      focusToken(next);
      commit(countMessage());
      return;
    }
    anchor = next;
    focusToken(next);
  });

  checkButton.addEventListener("click", () => {
    model.set({ checked: true, _checked_selection: runs() });
    model.save_changes();
    refresh();
    const score = spanPRF(runs(), keyPhrases.map((k) => [k.start, k.end]));
    status.textContent = `Checked. Precision ${formatFixed(score.precision, 2)}, recall ${formatFixed(score.recall, 2)}, F1 ${formatFixed(score.f1, 2)}. Feedback is below the buttons.`;
  });

  answersButton.addEventListener("click", () => {
    if (!model.get("checked")) {
      status.textContent = "Press Check first: the answers open after your first attempt.";
      return;
    }
    const show = !model.get("answers_shown");
    model.set("answers_shown", show);
    model.save_changes();
    refresh();
    status.textContent = show ? "The key's phrases are now boxed in the text and listed below." : "Answers hidden.";
  });

  resetButton.addEventListener("click", () => {
    marked.fill(0);
    model.set({ checked: false, answers_shown: false, _checked_selection: null });
    commit("Everything cleared. Nothing marked.");
  });

  const onModelChange = () => {
    if (drag) return; // the student is dragging: their marks win until the pointer is released
    marksFromSelection();
    refresh();
  };
  model.on("change:selection", onModelChange);
  const onChecked = () => {
    pythonSnapshot = null; // a new `checked` from Python freezes the marks as they are now
    refresh();
  };
  model.on("change:checked", onChecked);
  model.on("change:answers_shown", refresh);
  model.on("change:_checked_selection", refresh);

  marksFromSelection();
  refresh();
  status.textContent = countMessage();

  return () => {
    endDrag();
    model.off("change:selection", onModelChange);
    model.off("change:checked", onChecked);
    model.off("change:answers_shown", refresh);
    model.off("change:_checked_selection", refresh);
  };
}

export default { render, summarize };
