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

// Source: SOURCES.md (SemEval-2020 Task 11, Da San Martino et al., 2020): what careful human readers do, not
// what machines score. The same point as the loaded-language chapter's "How good is good?".
const HUMAN_READERS =
  "Careful readers disagree about loaded language. In the corpus this course draws its labels from (SemEval-2020 " +
  "Task 11, Da San Martino et al., 2020), trained annotators agreed only moderately with the final labels, mostly " +
  "about where a phrase starts and ends and sometimes about whether a word is loaded at all. So an F1 of 0.6 " +
  "against our key is good work. The key is one careful reading; what matters is that you can say why the words " +
  "you marked push the reader.";

/** The words of a mark without surrounding punctuation, lower case: what the advice lists are keyed on. */
function plainWords(text) {
  return text.split(/\s+/).map((w) => w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "")).filter(Boolean);
}

/**
 * Advice for a mark that matches no key phrase, aimed at the commonest wrong marks: a reporting verb the
 * sourcing chapter discusses (`verbAdvice`, its own message), a neutral reporting verb, and a name (who
 * speaks is not how the words lean). `neutralVerbs` and `verbAdvice` come from highlighter.py.
 */
export function adviceForUnmatched(text, neutralVerbs, verbAdvice) {
  const words = plainWords(text);
  const plain = words.join(" ").toLowerCase();
  if (verbAdvice && Object.prototype.hasOwnProperty.call(verbAdvice, plain)) return verbAdvice[plain];
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

/**
 * Where `needle` occurs in the paragraphs as a run of whole tokens: [{paragraph, first, last}] token indices
 * into the flat token list. Case, curly or straight quotes and runs of spaces do not matter, so a student
 * can type "so called" or "pentagon's"; a match must start and end on a word's edge ("provoked" is not
 * found inside "unprovoked").
 */
export function findPhrase(paragraphs, needle) {
  const wanted = normalizeForSearch(needle).replace(/\s+/g, " ").trim();
  if (!wanted) return [];
  const found = [];
  let offset = 0;
  paragraphs.forEach((p) => {
    const text = normalizeForSearch(p.text);
    const starts = new Map(p.tokens.map(([s], i) => [s - p.start, offset + i]));
    const ends = new Map(p.tokens.map(([, e], i) => [e - p.start, offset + i]));
    const flexible = new RegExp(wanted.split(" ").map(escapeRegExp).join("\\s+"), "g");
    for (const match of text.matchAll(flexible)) {
      const first = starts.get(match.index);
      const last = ends.get(match.index + match[0].length);
      if (first !== undefined && last !== undefined) found.push({ paragraph: p.number, first, last });
    }
    offset += p.tokens.length;
  });
  return found;
}

// One character in, one character out, so offsets into the normalised text are offsets into the original.
function normalizeForSearch(text) {
  return Array.from(text, (c) => {
    if ("‘’‛′`".includes(c)) return "'";
    if ("“”„″".includes(c)) return '"';
    if ("‐‑‒–—".includes(c)) return "-";
    const lower = c.toLowerCase();
    return lower.length === c.length ? lower : c;
  }).join("");
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
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
//
// The paragraphs are plain text: a screen reader reads each one as a paragraph, and nothing inside them is
// a tab stop. Each word is a <span> only so that marks can be drawn on it. A student marks a phrase by
// selecting its words (mouse drag, or a phone's selection handles) and pressing "Mark selected words", or by
// typing the words into the box under the text. Each mark is an item in the list after the text, with its
// own Remove button.

let instances = 0;

// Lumino (JupyterLab, Notebook 7) tests its shortcut selectors against the focused element before it
// walks up to an ancestor marked data-lm-suppress-shortcuts, so Notebook 7 took keys typed into the widget
// (tests/browser/test_jupyterlab.py). Every element that can hold focus carries the mark.
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

function makeButton(className, text) {
  const button = make("button", className, text);
  button.type = "button";
  return button;
}

function coveredChars([start, end], spans) {
  let total = 0;
  for (const [s, e] of spans) total += Math.max(0, Math.min(end, e) - Math.max(start, s));
  return total;
}

/** Tokens of `tokens` (flat list) inside [start, end). */
function tokensWithin(tokens, [start, end]) {
  return tokens.filter((t) => start <= t.start && t.end <= end);
}

/**
 * The verdict on one key phrase for the checked marks. "found" also covers a mark that leaves out or adds a
 * single word at an edge: the credit rule tolerates a word more or less (medialit.scoring.phrase_credit), and
 * so does the feedback, so the book's own model spans are never told they "left out part of it".
 */
export function phraseVerdict(phrase, checkedSpans, tokens) {
  const covered = coveredChars([phrase.start, phrase.end], checkedSpans);
  if (covered === 0) return { state: "missed", covered };
  if (covered === phrase.end - phrase.start) return { state: "found", covered, exact: true };
  const words = tokensWithin(tokens, [phrase.start, phrase.end]).filter((t) => /[\p{L}\p{N}]/u.test(t.text));
  const isMarked = words.map((t) => coveredChars([t.start, t.end], checkedSpans) > 0);
  const firstMarked = isMarked.indexOf(true);
  const lastMarked = isMarked.lastIndexOf(true);
  const core = isMarked.slice(firstMarked, lastMarked + 1).every(Boolean);
  const left = words.filter((_, i) => i < firstMarked || i > lastMarked);
  // The marked words are one run, and what is left at its edges is small words only ("proudly claimed" for
  // "proudly claimed to have"). A content word left out is "found in part", with a note that a defensible
  // narrower span is still a fair reading (keyItem).
  const tolerated = left.every((t) => EDGE_WORDS.has(t.text.toLowerCase()));
  if (words.length > 1 && firstMarked >= 0 && core && tolerated) return { state: "found", covered, exact: false };
  return { state: "partly found", covered, mostly: core && isMarked.filter(Boolean).length * 2 >= words.length };
}

// Small words that carry no judgment of their own: leaving them off a key phrase's edge is not a miss.
const EDGE_WORDS = new Set(["a", "an", "the", "to", "have", "has", "had", "of", "in", "on", "at", "by", "for",
  "and", "or", "as", "is", "are", "was", "were", "be", "been", "that", "this", "its", "their", "it"]);

function render({ model, el }) {
  const uid = `ml-hl-${++instances}-${Math.random().toString(36).slice(2, 8)}`;
  const data = model.get("_data") || {};
  const paragraphs = data.paragraphs || [];
  const keyPhrases = data.key || [];

  // Flatten tokens: one entry per word or punctuation mark, in text order.
  const tokens = [];
  paragraphs.forEach((p, pIndex) => {
    for (const [start, end] of p.tokens) {
      tokens.push({ start, end, pIndex, text: p.text.slice(start - p.start, end - p.start), node: null, gapAfter: null });
    }
  });
  const marked = new Uint8Array(tokens.length);
  let pending = null; // {first, last}: the words selected in the text, or chosen in the typed search
  let matches = []; // what the typed words match: [{paragraph, first, last}]

  const root = make("div", "ml-hl");
  root.setAttribute("role", "group");
  root.setAttribute("aria-labelledby", `${uid}-title`);
  keepKeysInWidget(root);
  const title = make("p", "ml-hl-title", "Mark the loaded language");
  title.id = `${uid}-title`;
  const help = make("p", "ml-hl-help",
    "Read each paragraph and mark the words that push the reader toward a view. To mark a phrase, select its " +
    "words (drag across them with the mouse; on a phone, press and hold a word, then drag the handles) and press " +
    "“Mark selected words”. Or type the words into the box under the text and press Enter. Your marks are " +
    "listed after the text, each with a Remove button.");
  help.id = `${uid}-help`;
  root.append(title, help);

  const textBox = make("div", "ml-hl-paragraphs");
  paragraphs.forEach((p, pIndex) => {
    const block = make("div", "ml-hl-paragraph");
    const label = make("p", "ml-hl-number", `Paragraph ${p.number}`);
    const text = make("p", "ml-hl-text");
    text.dataset.paragraph = String(p.number);
    let cursor = p.start;
    let previous = null;
    tokens.forEach((token, t) => {
      if (token.pIndex !== pIndex) return;
      if (token.start > cursor) {
        const gap = make("span", "ml-hl-gap", p.text.slice(cursor - p.start, token.start - p.start));
        text.append(gap);
        if (previous) previous.gapAfter = gap;
      }
      const node = make("span", "ml-hl-tok", token.text);
      node.dataset.index = String(t);
      token.node = node;
      text.append(node);
      cursor = token.end;
      previous = token;
    });
    block.append(label, text);
    textBox.append(block);
  });
  root.append(textBox);

  // --- the marking tools, right after the text ------------------------------------------------
  const tools = make("div", "ml-hl-tools");
  const findLabel = make("label", "ml-hl-find-label", "Type the words to mark:");
  findLabel.htmlFor = `${uid}-find`;
  const findRow = make("div", "ml-hl-find-row");
  const findInput = make("input", "ml-hl-find");
  findInput.id = `${uid}-find`;
  findInput.type = "text";
  findInput.autocomplete = "off";
  findInput.spellcheck = false;
  findInput.setAttribute("aria-describedby", `${uid}-find-result`);
  const findButton = makeButton("ml-hl-button ml-hl-find-mark", "Mark");
  findButton.setAttribute("aria-label", "Mark the typed words");
  findRow.append(findInput, findButton);
  const findResult = make("p", "ml-hl-find-result");
  findResult.id = `${uid}-find-result`;
  const choices = make("ul", "ml-hl-choices");
  choices.hidden = true;
  const selectionRow = make("div", "ml-hl-selection-row");
  const selectionButton = makeButton("ml-hl-button ml-hl-mark-selection", "Mark selected words");
  const selectionNote = make("p", "ml-hl-selection-note", "");
  selectionNote.id = `${uid}-selection-note`;
  selectionButton.setAttribute("aria-describedby", selectionNote.id);
  selectionRow.append(selectionButton, selectionNote);
  tools.append(selectionRow, findLabel, findRow, findResult, choices);
  root.append(tools);

  const status = make("p", "ml-hl-status");
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  root.append(status);

  const marksBox = make("div", "ml-hl-marks");
  const marksTitle = make("p", "ml-hl-subtitle");
  const marksList = make("ul", "ml-hl-marklist");
  marksBox.append(marksTitle, marksList);
  root.append(marksBox);

  const buttons = make("div", "ml-hl-buttons");
  const checkButton = makeButton("ml-hl-button ml-hl-check", "Check");
  const answersButton = makeButton("ml-hl-button ml-hl-answers", "Show answers");
  answersButton.setAttribute("aria-pressed", "false");
  // The course's one answer-guarding rule: the key opens only after a real attempt, a Check with at least
  // one mark. The button stays focusable (aria-disabled, not disabled) so a keyboard or screen-reader user
  // finds it and hears why.
  const answersNote = make("p", "ml-hl-answers-note", "Show answers opens after you have checked at least one mark.");
  answersNote.id = `${uid}-answers-note`;
  const resetButton = makeButton("ml-hl-button ml-hl-reset", "Reset");
  buttons.append(checkButton, answersButton, resetButton);
  root.append(buttons, answersNote);

  const feedback = make("div", "ml-hl-feedback");
  feedback.id = `${uid}-feedback`;
  feedback.hidden = true;
  root.append(feedback);
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

  function rangeText({ first, last }) {
    return textOf([tokens[first].start, tokens[last].end]);
  }

  function commit(message) {
    model.set("selection", runs());
    model.save_changes();
    refresh();
    if (message) status.textContent = message;
  }

  function countMessage() {
    const n = runs().length;
    return n ? `${plural(n, "phrase")} marked.` : "Nothing marked.";
  }

  /** Mark the words first..last; a range crossing paragraphs becomes one mark per paragraph. */
  function markRange({ first, last }) {
    const words = rangeText({ first, last }) || tokens.slice(first, last + 1).map((t) => t.text).join(" ");
    let added = 0;
    for (let t = first; t <= last; t += 1) {
      if (!marked[t]) added += 1;
      marked[t] = 1;
    }
    pending = null;
    drawPending();
    commit(added ? `Marked “${words}” (paragraph ${paragraphs[tokens[first].pIndex].number}). ${countMessage()}`
      : `“${words}” is already marked. ${countMessage()}`);
  }

  // --- selecting with the mouse or a finger ---------------------------------------------------

  function tokenRangeOfSelection() {
    const selection = window.getSelection ? window.getSelection() : null;
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
    const range = selection.getRangeAt(0);
    if (!textBox.contains(range.commonAncestorContainer) && !range.commonAncestorContainer.contains(textBox)) return null;
    let first = -1;
    let last = -1;
    tokens.forEach((token, t) => {
      const textNode = token.node.firstChild;
      if (!textNode) return;
      const own = document.createRange();
      own.setStart(textNode, 0);
      own.setEnd(textNode, textNode.length);
      // Shares at least one character: the selection ends after the word starts and starts before it ends.
      const overlaps = range.compareBoundaryPoints(Range.START_TO_END, own) > 0
        && range.compareBoundaryPoints(Range.END_TO_START, own) < 0;
      if (!overlaps) return;
      if (first < 0) first = t;
      last = t;
    });
    return first < 0 ? null : { first, last };
  }

  function onSelectionChange() {
    const found = tokenRangeOfSelection();
    if (found) {
      pending = found;
      drawPending();
    }
  }
  document.addEventListener("selectionchange", onSelectionChange);
  // A new press in the text starts a new selection: forget the old one.
  textBox.addEventListener("pointerdown", () => {
    pending = null;
    drawPending();
  });
  // Pressing the button must not clear the selection it is about to mark (a mouse press on a button
  // collapses the page's selection in some browsers before the click arrives).
  selectionButton.addEventListener("pointerdown", (event) => {
    if (event.pointerType === "mouse") event.preventDefault();
  });
  selectionButton.addEventListener("click", () => {
    const range = tokenRangeOfSelection() || pending;
    if (!range) {
      status.textContent = "Select some words in the text first, then press Mark selected words.";
      return;
    }
    markRange(range);
    const selection = window.getSelection ? window.getSelection() : null;
    if (selection) selection.removeAllRanges();
  });

  // --- typing the words -----------------------------------------------------------------------

  function describeMatch(match) {
    const p = paragraphs.find((q) => q.number === match.paragraph);
    const from = tokens[match.first].start - p.start;
    const to = tokens[match.last].end - p.start;
    const before = p.text.slice(Math.max(0, from - 30), from).replace(/^\S*\s/, "");
    const after = p.text.slice(to, to + 30).replace(/\s\S*$/, "");
    return `paragraph ${match.paragraph}: …${before}[${p.text.slice(from, to)}]${after}…`;
  }

  function updateMatches() {
    const typed = findInput.value.trim();
    matches = typed ? findPhrase(paragraphs, typed) : [];
    choices.replaceChildren();
    choices.hidden = matches.length < 2;
    if (!typed) {
      findResult.textContent = "";
      if (pending && pending.typed) pending = null;
    } else if (matches.length === 0) {
      findResult.textContent = `“${typed}” is not in these paragraphs as whole words. Check the spelling, or type fewer words.`;
      if (pending && pending.typed) pending = null;
    } else if (matches.length === 1) {
      findResult.textContent = `Found once, in ${describeMatch(matches[0])}. Press Enter or Mark to mark it.`;
      pending = { ...matches[0], typed: true };
    } else {
      findResult.textContent = `“${typed}” occurs ${matches.length} times. Choose which one to mark:`;
      if (pending && pending.typed) pending = null;
      matches.forEach((match) => {
        const item = make("li");
        const choice = makeButton("ml-hl-choice", `Mark in ${describeMatch(match)}`);
        choice.addEventListener("click", () => {
          markRange(match);
          clearSearch();
          findInput.focus();
        });
        item.append(choice);
        choices.append(item);
      });
    }
    drawPending();
  }

  function clearSearch() {
    findInput.value = "";
    updateMatches();
  }

  function markTyped() {
    const typed = findInput.value.trim();
    if (!typed) {
      status.textContent = "Type the words you want to mark first.";
      return;
    }
    if (matches.length === 1) {
      markRange(matches[0]);
      clearSearch();
    } else if (matches.length === 0) {
      status.textContent = findResult.textContent;
    } else {
      status.textContent = `“${typed}” occurs ${matches.length} times: press Tab to reach the list and choose one.`;
    }
  }

  findInput.addEventListener("input", updateMatches);
  findInput.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      markTyped();
    } else if (event.key === "Escape" && findInput.value) {
      event.preventDefault();
      clearSearch();
    }
  });
  findButton.addEventListener("click", markTyped);

  function drawPending() {
    tokens.forEach((token, t) => token.node.classList.toggle("ml-pending", Boolean(pending && pending.typed
      && pending.first <= t && t <= pending.last)));
    if (pending && !pending.typed) {
      selectionNote.textContent = `Selected: “${rangeText(pending)}”.`;
    } else {
      selectionNote.textContent = "Select words in the text to mark them.";
    }
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

  // A real attempt: a Check with at least one mark. Only then do the key's phrases and answers open.
  function attempted(checkedSel) {
    return checkedSel !== null && checkedSel.length > 0;
  }

  function refresh() {
    const selection = runs();
    const checkedSel = checkedMarks();
    const checked = checkedSel !== null;
    const open = attempted(checkedSel);
    const shown = open && Boolean(model.get("answers_shown"));
    const keySpans = keyPhrases.map((k) => [k.start, k.end]);
    const checkedScore = checked ? spanPRF(checkedSel, keySpans) : null;
    const extra = checked ? checkedScore.unmatched : [];
    const hits = checked ? checkedScore.studentSpans.filter((span) => !extra.includes(span)) : [];
    drawText(keySpans, extra, hits, shown);
    drawMarks(selection);

    answersButton.textContent = shown ? "Hide answers" : "Show answers";
    answersButton.setAttribute("aria-pressed", shown ? "true" : "false");
    if (open) {
      answersButton.removeAttribute("aria-disabled");
      answersButton.removeAttribute("aria-describedby");
    } else {
      answersButton.setAttribute("aria-disabled", "true");
      answersButton.setAttribute("aria-describedby", answersNote.id);
    }
    answersNote.hidden = open;
    feedback.hidden = !checked;
    if (checked) drawFeedback(checkedSel, keySpans, open, shown, !sameSpans(checkedSel, selection));
  }

  function drawText(keySpans, extra, hits, shown) {
    tokens.forEach((token, t) => {
      const on = Boolean(marked[t]);
      const inKey = shown && keySpans.some(([s, e]) => s < token.end && token.start < e);
      const within = (spans) => spans.some(([s, e]) => s <= token.start && token.end <= e);
      const isExtra = on && within(extra);
      const isHit = on && within(hits);
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
  }

  function drawMarks(selection) {
    marksTitle.textContent = selection.length ? `Your marks (${selection.length}):` : "Your marks: none yet.";
    marksList.replaceChildren(...selection.map((span) => {
      const item = make("li", "ml-hl-mark");
      const words = make("span", "ml-hl-quote", `“${textOf(span)}”`);
      const where = make("span", "ml-hl-where", ` paragraph ${paragraphNumberAt(span[0])} `);
      const remove = makeButton("ml-hl-remove", "Remove");
      remove.setAttribute("aria-label", `Remove mark “${textOf(span)}”`);
      remove.addEventListener("click", () => {
        const index = [...marksList.children].indexOf(item);
        tokens.forEach((token, t) => {
          if (span[0] <= token.start && token.end <= span[1]) marked[t] = 0;
        });
        commit(`Removed “${textOf(span)}”. ${countMessage()}`);
        const left = marksList.querySelectorAll("button");
        (left[Math.min(index, left.length - 1)] || findInput).focus();
      });
      item.append(words, where, remove);
      return item;
    }));
    marksList.hidden = selection.length === 0;
  }

  function sameSpans(a, b) {
    return a.length === b.length && a.every(([s, e], i) => s === b[i][0] && e === b[i][1]);
  }

  /** The score in one plain sentence: what was found, and what was marked that is not in the key. */
  function scoreSentence(verdicts, score) {
    const found = verdicts.filter((v) => v.state === "found").length;
    const part = verdicts.filter((v) => v.state === "partly found").length;
    const extras = score.unmatched.length;
    if (!score.studentSpans.length) {
      return `You checked no marks. The key has ${plural(keyPhrases.length, "phrase")} in these paragraphs: mark the words you think belong, then press Check.`;
    }
    const partText = part ? ` and ${part} in part` : "";
    const extraText = extras ? `; ${plural(extras, "mark")} of yours ${extras === 1 ? "is" : "are"} not in the key` : "";
    return `You found ${found} of the key's ${plural(keyPhrases.length, "phrase")}${partText}${extraText} (F1 ${formatFixed(score.f1, 2)}; 0.6 is good work).`;
  }

  function drawFeedback(selection, keySpans, open, shown, changed) {
    const score = spanPRF(selection, keySpans);
    const verdicts = keyPhrases.map((phrase) => ({ phrase, ...phraseVerdict(phrase, selection, tokens) }));
    const parts = [make("p", "ml-hl-subtitle", "Feedback")];
    if (changed) {
      parts.push(make("p", "ml-hl-stale",
        "You have changed your marks since you checked. This feedback is for the marks you checked; press Check to score your marks as they are now."));
    }
    parts.push(make("p", "ml-hl-sentence", scoreSentence(verdicts, score)));

    parts.push(make("p", "ml-hl-subtitle", `Phrases in the key (${keyPhrases.length}):`));
    const keyList = make("ul", "ml-hl-keylist");
    for (const verdict of verdicts) keyList.append(keyItem(verdict, selection, open, shown));
    parts.push(keyList);

    if (score.unmatched.length) {
      parts.push(make("p", "ml-hl-subtitle", `Your marks that are not in the key (${score.unmatched.length}):`));
      const extraList = make("ul", "ml-hl-extralist");
      for (const span of score.unmatched) {
        const item = make("li", "ml-hl-extraitem");
        const badge = make("span", "ml-hl-badge");
        badge.append(make("span", "ml-hl-icon", "?"));
        badge.lastChild.setAttribute("aria-hidden", "true");
        badge.append(document.createTextNode(" Extra"));
        item.append(badge, document.createTextNode(` paragraph ${paragraphNumberAt(span[0])}: `),
          make("span", "ml-hl-quote", `“${textOf(span)}”`),
          document.createTextNode(` — ${adviceForUnmatched(textOf(span), data.neutral_verbs, data.verb_advice)}`));
        extraList.append(item);
      }
      parts.push(extraList);
    }
    parts.push(scoringDisclosure(score));

    // Keep disclosures the student opened open across redraws.
    const wasOpen = new Set([...feedback.querySelectorAll("details[open]")].map((d) => d.dataset.name));
    feedback.replaceChildren(...parts);
    for (const details of feedback.querySelectorAll("details")) {
      if (wasOpen.has(details.dataset.name)) details.open = true;
    }
  }

  function badgeFor(state, exact, covered, length) {
    const badge = make("span", "ml-hl-badge");
    const [icon, words] = state === "found" ? ["✓", "Found"]
      : state === "partly found" ? ["◐", `Found in part (${percent(covered / length)})`] : ["✗", "Missed"];
    badge.append(make("span", "ml-hl-icon", icon));
    badge.lastChild.setAttribute("aria-hidden", "true");
    badge.append(document.createTextNode(` ${words}`));
    return badge;
  }

  function facts(phrase) {
    const list = make("dl", "ml-hl-facts");
    for (const [name, value] of [["Technique", phrase.technique_label], ["Whose words", phrase.speaker],
      ["A more neutral wording", phrase.neutral_alternative]]) {
      list.append(make("dt", "", name), make("dd", "", value));
    }
    for (const other of phrase.also_accepted || []) {
      list.append(make("dt", "", "Also defensible"), make("dd", "", `${other.technique_label}: ${other.reason}`));
    }
    return list;
  }

  // The ladder for a missed phrase, as in the practice sets: a hint, a bigger hint, then the answer with its
  // reason. Each step is saved in `ladder` ({key id: 1 bigger hint, 2 answer}) so it survives a reload.
  function ladderStep(id) {
    const ladder = model.get("ladder") || {};
    return Number(ladder[id]) || 0;
  }

  function setLadderStep(id, step) {
    model.set("ladder", { ...(model.get("ladder") || {}), [id]: step });
    model.save_changes();
    refresh();
  }

  function keyItem({ phrase, state, exact, covered, mostly }, selection, open, shown) {
    const item = make("li", `ml-hl-keyitem ml-${state.replace(" ", "-")}`);
    item.dataset.keyId = phrase.id;
    const step = ladderStep(phrase.id);
    const reveal = state !== "missed" || (open && (shown || step >= 2));
    const line = make("p", "ml-hl-keyline");
    line.append(badgeFor(state, exact, covered, phrase.end - phrase.start),
      document.createTextNode(` paragraph ${phrase.paragraph}: `));
    line.append(reveal ? make("span", "ml-hl-quote", `“${phrase.text}”`)
      : make("span", "ml-hl-hidden", "a phrase you have not marked yet"));
    item.append(line);

    if (state === "found" && !exact) {
      const yours = selection.filter(([s, e]) => s < phrase.end && phrase.start < e).map(textOf).join("”, “");
      item.append(make("p", "ml-hl-edge",
        `You marked “${yours}”. A small word more or less at the edge of a phrase is fine: both readings count.`));
    }
    if (state === "partly found") {
      const yours = selection.filter(([s, e]) => s < phrase.end && phrase.start < e).map(textOf).join("”, “");
      item.append(make("p", "ml-hl-edge", mostly
        ? `You marked “${yours}”, most of the key's phrase. Careful readers differ about where a phrase starts and ends: if you can say why the words you left out do no work of their own, your span is a fair reading.`
        : `You marked “${yours}”. The key's phrase is longer: which of its other words do the same work?`));
    }
    if (reveal) {
      item.append(make("p", "ml-hl-reason", `Why: ${phrase.reason}`));
      const details = make("details", "ml-hl-details");
      details.dataset.name = `facts-${phrase.id}`;
      details.append(make("summary", "", `More about this phrase (${phrase.technique_label})`), facts(phrase));
      item.append(details);
      return item;
    }
    item.append(make("p", "ml-hl-hint",
      `Hint: look again at paragraph ${phrase.paragraph} for ${phrase.technique_label.toLowerCase()}.`));
    if (step >= 1) {
      item.append(make("p", "ml-hl-bigger",
        `Bigger hint: these are the words of ${phrase.speaker}. A more neutral wording would be “${phrase.neutral_alternative}”.`));
    }
    const ladder = make("div", "ml-hl-ladder");
    if (step < 1) {
      const bigger = makeButton("ml-hl-more", "Bigger hint");
      bigger.addEventListener("click", () => {
        setLadderStep(phrase.id, 1);
        focusInItem(phrase.id, ".ml-hl-more");
      });
      ladder.append(bigger);
    } else {
      const answer = makeButton("ml-hl-more", "Show the answer");
      if (!open) {
        answer.setAttribute("aria-disabled", "true");
        answer.setAttribute("aria-describedby", answersNote.id);
      }
      answer.addEventListener("click", () => {
        if (!attempted(checkedMarks())) {
          status.textContent = "The answer opens after you have checked at least one mark.";
          return;
        }
        setLadderStep(phrase.id, 2);
        focusInItem(phrase.id, "summary");
      });
      ladder.append(answer);
    }
    item.append(ladder);
    return item;
  }

  function focusInItem(id, selector) {
    const item = feedback.querySelector(`.ml-hl-keyitem[data-key-id="${CSS.escape(id)}"]`);
    const target = item && (item.querySelector(selector) || item.querySelector(".ml-hl-more"));
    if (target) target.focus();
  }

  function scoringDisclosure(score) {
    const details = make("details", "ml-hl-details ml-hl-how");
    details.dataset.name = "how-scored";
    details.append(make("summary", "", "How this is scored"));
    const scores = make("dl", "ml-hl-scores");
    for (const [name, value, cls] of [["Precision", score.precision, "ml-precision"], ["Recall", score.recall, "ml-recall"], ["F1", score.f1, "ml-f1"]]) {
      const box = make("div", `ml-hl-score ${cls}`);
      box.append(make("dt", "", name), make("dd", "", formatFixed(value, 2)));
      scores.append(box);
    }
    const words = make("div", "ml-hl-explain");
    for (const line of explainScore(score)) words.append(make("p", "", line));
    details.append(scores, words, legend(), make("p", "ml-hl-kind", HUMAN_READERS));
    return details;
  }

  // How to read the marks in the text after Check or Show answers: each kind of mark has its own line style
  // and, in the lists, its own symbol and word, so nothing depends on telling colours apart.
  function legend() {
    const list = make("ul", "ml-hl-legend");
    list.setAttribute("aria-label", "How to read your checked marks");
    for (const [symbol, sampleClasses, words] of [
      ["✓", "ml-marked ml-hit", "Found: you marked the key phrase, give or take a small word such as “to” or “the” at its edge (double underline in the text)."],
      ["◐", "ml-marked ml-hit", "Found in part: you marked part of a key phrase (double underline on the part you marked)."],
      ["✗", "", "Missed: a key phrase you did not mark (its words appear after Show the answer or Show answers)."],
      ["?", "ml-marked ml-extra", "Extra: a mark that shares no word with a key phrase (wavy underline in the text)."],
      ["", "ml-key ml-key-start ml-key-end", "Key phrase, after Show answers: a dashed box around its words."],
    ]) {
      const item = make("li", "ml-hl-legend-item");
      const icon = make("span", "ml-hl-icon", symbol);
      const sample = make("span", `ml-hl-legend-sample ${sampleClasses}`, sampleClasses ? "word" : "");
      for (const node of [icon, sample]) node.setAttribute("aria-hidden", "true");
      item.append(icon, sample, document.createTextNode(words));
      list.append(item);
    }
    return list;
  }

  // --- events ---------------------------------------------------------------------------------

  checkButton.addEventListener("click", () => {
    const now = runs();
    if (!now.length) {
      status.textContent = "Mark at least one phrase first, then press Check.";
      return;
    }
    model.set({ checked: true, _checked_selection: now });
    model.save_changes();
    refresh();
    const score = spanPRF(now, keyPhrases.map((k) => [k.start, k.end]));
    const found = keyPhrases.filter((phrase) => phraseVerdict(phrase, now, tokens).state === "found").length;
    status.textContent = `Checked: you found ${found} of ${plural(keyPhrases.length, "phrase")} (F1 ${formatFixed(score.f1, 2)}). Feedback is below the buttons.`;
  });

  answersButton.addEventListener("click", () => {
    if (!attempted(checkedMarks())) {
      status.textContent = "Mark at least one phrase and press Check first: the answers open after your first attempt.";
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
    pending = null;
    model.set({ checked: false, answers_shown: false, _checked_selection: null, ladder: {} });
    clearSearch();
    commit("Everything cleared. Nothing marked.");
  });

  const onModelChange = () => {
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
  model.on("change:ladder", refresh);

  marksFromSelection();
  refresh();
  drawPending();
  status.textContent = countMessage();

  return () => {
    document.removeEventListener("selectionchange", onSelectionChange);
    model.off("change:selection", onModelChange);
    model.off("change:checked", onChecked);
    model.off("change:answers_shown", refresh);
    model.off("change:_checked_selection", refresh);
    model.off("change:ladder", refresh);
  };
}

export default { render, summarize };
