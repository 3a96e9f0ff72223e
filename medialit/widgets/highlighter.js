// Highlighter widget (anywidget ES module): mark loaded language, check it against the practice key.
//
// Everything the student does happens here, so the widget works on the static site with no kernel.
// Python (highlighter.py) sends `_data`: the paragraphs, their word tokens and the practice key of
// those paragraphs only. The student's marks go back as `selection`, [start, end] offsets into the
// case text. Data is always inserted with textContent / createTextNode, never parsed as HTML.

// ---------------------------------------------------------------------------------------------
// Span scoring: a port of medialit.scoring.span_prf (DESIGN.md section 3). The browser test runs
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
  lines.push(`Precision ${formatFixed(score.precision, 2)} means that, on average, ${percent(score.precision)} of each phrase you marked lies inside a key phrase.`);
  lines.push(`Recall ${formatFixed(score.recall, 2)} means that, on average, you covered ${percent(score.recall)} of each key phrase.`);
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

  const marksBox = make("div", "ml-hl-marks");
  const marksTitle = make("p", "ml-hl-subtitle");
  const marksList = make("ul", "ml-hl-marklist");
  marksBox.append(marksTitle, marksList);
  root.append(marksBox);

  const buttons = make("div", "ml-hl-buttons");
  const checkButton = make("button", "ml-hl-button ml-hl-check", "Check");
  const answersButton = make("button", "ml-hl-button ml-hl-answers", "Show answers");
  answersButton.setAttribute("aria-pressed", "false");
  const resetButton = make("button", "ml-hl-button ml-hl-reset", "Reset");
  for (const button of [checkButton, answersButton, resetButton]) button.type = "button";
  buttons.append(checkButton, answersButton, resetButton);
  root.append(buttons);

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

  function refresh() {
    const selection = runs();
    const checked = Boolean(model.get("checked"));
    const shown = Boolean(model.get("answers_shown"));
    const keySpans = keyPhrases.map((k) => [k.start, k.end]);
    const extra = checked ? spanPRF(selection, keySpans).unmatched : [];
    tokens.forEach((token, t) => {
      const on = Boolean(marked[t]);
      const inKey = shown && keySpans.some(([s, e]) => s < token.end && token.start < e);
      const isExtra = on && extra.some(([s, e]) => s <= token.start && token.end <= e);
      token.node.setAttribute("aria-selected", on ? "true" : "false");
      token.node.classList.toggle("ml-marked", on);
      token.node.classList.toggle("ml-extra", isExtra);
      token.node.classList.toggle("ml-hit", checked && on && !isExtra);
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
        token.gapAfter.classList.toggle("ml-hit", Boolean(joinsMark && checked && !isExtra));
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
    feedback.hidden = !checked && !shown;
    if (!feedback.hidden) drawFeedback(selection, keySpans, checked, shown);
  }

  function drawFeedback(selection, keySpans, checked, shown) {
    const score = spanPRF(selection, keySpans);
    const parts = [];
    parts.push(make("p", "ml-hl-subtitle", "Feedback"));
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
          document.createTextNode(" — if you can say how these words push the reader, your reading may still be fair."));
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
    model.set("checked", true);
    model.save_changes();
    refresh();
    const score = spanPRF(runs(), keyPhrases.map((k) => [k.start, k.end]));
    status.textContent = `Checked. Precision ${formatFixed(score.precision, 2)}, recall ${formatFixed(score.recall, 2)}, F1 ${formatFixed(score.f1, 2)}. Feedback is below the buttons.`;
  });

  answersButton.addEventListener("click", () => {
    const show = !model.get("answers_shown");
    model.set("answers_shown", show);
    model.save_changes();
    refresh();
    status.textContent = show ? "The key's phrases are now boxed in the text and listed below." : "Answers hidden.";
  });

  resetButton.addEventListener("click", () => {
    marked.fill(0);
    model.set("checked", false);
    model.set("answers_shown", false);
    commit("Everything cleared. Nothing marked.");
  });

  const onModelChange = () => {
    if (drag) return; // the student is dragging: their marks win until the pointer is released
    marksFromSelection();
    refresh();
  };
  model.on("change:selection", onModelChange);
  model.on("change:checked", refresh);
  model.on("change:answers_shown", refresh);

  marksFromSelection();
  refresh();
  status.textContent = countMessage();

  return () => {
    endDrag();
    model.off("change:selection", onModelChange);
    model.off("change:checked", refresh);
    model.off("change:answers_shown", refresh);
  };
}

export default { render };
