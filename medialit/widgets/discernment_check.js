// Discernment check widget (anywidget ES module): the before / after / delayed forms of the check, a
// confidence rating on every answer, results kept in this browser, and a picture of the change.
//
// Everything happens here, so the check works on the static site with no kernel. Python
// (discernment_check.py) sends `_data`: the three forms from seeds/<case>/check.yaml. The student's
// answers go back as `responses` ({form: {item id: {answer, confidence}}}) and `finished` (the forms
// handed in), and are kept in localStorage under a key naming the case, the edition and the form, so
// that a reload, or a visit a week later for the delayed form, finds them; a new edition of the items
// starts afresh instead of mixing item sets. Text is always inserted with textContent, never as HTML.

// ---------------------------------------------------------------------------------------------
// Scoring: ports of medialit.assessment.discernment / brier / check.score_form. The browser test
// runs them on fixed inputs and compares with Python.
// ---------------------------------------------------------------------------------------------

/**
 * The standard normal quantile, Wichura's AS241 (PPND16): the algorithm Python's
 * statistics.NormalDist.inv_cdf uses, with the same coefficients, so d' and c agree with Python.
 */
export function normInv(p) {
  if (!(p > 0 && p < 1)) throw new RangeError(`normInv needs 0 < p < 1, not ${p}`);
  const q = p - 0.5;
  let num;
  let den;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    num = (((((((2.5090809287301226727e+3 * r + 3.3430575583588128105e+4) * r + 6.7265770927008700853e+4) * r +
      4.5921953931549871457e+4) * r + 1.3731693765509461125e+4) * r + 1.9715909503065514427e+3) * r +
      1.3314166789178437745e+2) * r + 3.3871328727963666080e+0) * q;
    den = (((((((5.2264952788528545610e+3 * r + 2.8729085735721942674e+4) * r + 3.9307895800092710610e+4) * r +
      2.1213794301586595867e+4) * r + 5.3941960214247511077e+3) * r + 6.8718700749205790830e+2) * r +
      4.2313330701600911252e+1) * r + 1.0);
    return num / den;
  }
  let r = q <= 0 ? p : 1 - p;
  r = Math.sqrt(-Math.log(r));
  if (r <= 5.0) {
    r -= 1.6;
    num = (((((((7.74545014278341407640e-4 * r + 2.27238449892691845833e-2) * r + 2.41780725177450611770e-1) * r +
      1.27045825245236838258e+0) * r + 3.64784832476320460504e+0) * r + 5.76949722146069140550e+0) * r +
      4.63033784615654529590e+0) * r + 1.42343711074968357734e+0);
    den = (((((((1.05075007164441684324e-9 * r + 5.47593808499534494600e-4) * r + 1.51986665636164571966e-2) * r +
      1.48103976427480074590e-1) * r + 6.89767334985100004550e-1) * r + 1.67638483018380384940e+0) * r +
      2.05319162663775882187e+0) * r + 1.0);
  } else {
    r -= 5.0;
    num = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 1.24266094738807843860e-3) * r +
      2.65321895265761230930e-2) * r + 2.96560571828504891230e-1) * r + 1.78482653991729133580e+0) * r +
      5.46378491116411436990e+0) * r + 6.65790464350110377720e+0);
    den = (((((((2.04426310338993978564e-15 * r + 1.42151175831644588870e-7) * r + 1.84631831751005468180e-5) * r +
      7.86869131145613259100e-4) * r + 1.48753612908506148525e-2) * r + 1.36929880922735805310e-1) * r +
      5.99832206555887937690e-1) * r + 1.0);
  }
  const x = num / den;
  return q < 0 ? -x : x;
}

function count(name, value) {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a whole number of answers, 0 or more, not ${value}`);
  }
  return value;
}

/** d' = z(H) - z(F) and c = -(z(H) + z(F)) / 2, log-linear corrected rates (as medialit.assessment). */
export function discernment(hits, misses, falseAlarms, correctRejections) {
  count("hits", hits); count("misses", misses);
  count("false_alarms", falseAlarms); count("correct_rejections", correctRejections);
  if (hits + misses === 0 || falseAlarms + correctRejections === 0) {
    throw new RangeError("discernment needs at least one 'yes' item and one control item");
  }
  const hitRate = (hits + 0.5) / (hits + misses + 1);
  const falseAlarmRate = (falseAlarms + 0.5) / (falseAlarms + correctRejections + 1);
  const zHit = normInv(hitRate);
  const zFalse = normInv(falseAlarmRate);
  return { hitRate, falseAlarmRate, dPrime: zHit - zFalse, c: -(zHit + zFalse) / 2 };
}

/** Mean of (confidence - outcome)^2; confidences are probabilities (0.75 for 75 %). */
export function brier(confidences, correct) {
  if (confidences.length !== correct.length) throw new RangeError("brier needs one confidence per answer");
  if (!confidences.length) throw new RangeError("brier needs at least one answer");
  let total = 0;
  confidences.forEach((confidence, i) => {
    if (!(confidence >= 0 && confidence <= 1)) throw new RangeError(`confidence ${i + 1} is ${confidence}`);
    total += (confidence - (correct[i] ? 1 : 0)) ** 2;
  });
  return total / confidences.length;
}

/** Per-skill scores of one form's responses, as medialit.assessment.check.score_form. */
export function scoreForm(data, form, responses) {
  const items = data.forms[form] || [];
  const scores = {};
  for (const [skill, question] of Object.entries(data.questions)) {
    const signalOf = new Map(question.options.map((o) => [o.value, o.signal]));
    const counts = { hits: 0, misses: 0, falseAlarms: 0, correctRejections: 0 };
    const confidences = [];
    const correct = [];
    for (const item of items.filter((i) => i.skill === skill)) {
      const response = responses[item.id];
      if (!response || !signalOf.has(response.answer)) continue;
      const saidYes = signalOf.get(response.answer);
      if (signalOf.get(item.answer)) counts[saidYes ? "hits" : "misses"] += 1;
      else counts[saidYes ? "falseAlarms" : "correctRejections"] += 1;
      if (typeof response.confidence === "number") {
        confidences.push(response.confidence);
        correct.push(response.answer === item.answer);
      }
    }
    if (counts.hits + counts.misses === 0 || counts.falseAlarms + counts.correctRejections === 0) continue;
    const result = discernment(counts.hits, counts.misses, counts.falseAlarms, counts.correctRejections);
    scores[skill] = { ...counts, ...result, brier: confidences.length ? brier(confidences, correct) : null };
  }
  return scores;
}

/** Share of right answers at each confidence level: [{confidence, n, right}], lowest level first. */
export function calibration(data, form, responses) {
  const levels = new Map();
  for (const item of data.forms[form] || []) {
    const response = responses[item.id];
    if (!response || typeof response.confidence !== "number") continue;
    const level = levels.get(response.confidence) || { confidence: response.confidence, n: 0, right: 0 };
    level.n += 1;
    if (response.answer === item.answer) level.right += 1;
    levels.set(response.confidence, level);
  }
  return [...levels.values()].sort((a, b) => a.confidence - b.confidence);
}

// ---------------------------------------------------------------------------------------------
// Saved work in this browser
// ---------------------------------------------------------------------------------------------

export const FORMS = ["before", "after", "delayed"];
const FORM_NAMES = { before: "Before the course", after: "After the course", delayed: "A week or more later" };
const SHORT = { before: "before", after: "after", delayed: "delayed" };
export const CONFIDENCES = [0.5, 0.6, 0.7, 0.8, 0.9, 1.0];

/**
 * The confidence levels offered for a question: from a pure guess to certain. A guess is 1 in the number of
 * answers, so a question with three answers starts at 33 %, one with two at 50 %.
 */
export function levelsFor(question) {
  const n = ((question && question.options) || []).length;
  if (n <= 2) return CONFIDENCES;
  const guess = Math.round(100 / n) / 100;
  return [guess, ...CONFIDENCES.filter((level) => level > guess)];
}

const FORM_PHRASES = { before: "before the course", after: "after the course", delayed: "a week or more later" };

function signalWords(question) {
  const signal = (question.options || []).filter((o) => o.signal).map((o) => o.value);
  return signal.length ? signal.join(" or ") : "yes";
}

function howWell(dPrime) {
  return dPrime < 0.5 ? "hardly better than by chance" : dPrime < 1.5 ? "fairly well" : "well";
}

/**
 * One skill's result as a sentence: how well the reader told the "yes" items from the controls (d′) and which
 * way they leaned (c), and, with two forms, how both changed. `results`: [{form, dPrime, c}] in form order.
 */
export function skillSentence(title, question, results) {
  const words = signalWords(question);
  const first = results[0];
  const last = results[results.length - 1];
  const numbers = results.map((r) => `${SHORT[r.form]}: d′ ${fmt(r.dPrime)}, c ${fmt(r.c)}`).join("; ");
  if (results.length === 1) {
    const lean = first.c < -0.3 ? `you called texts ${words} more readily than they were`
      : first.c > 0.3 ? `you called texts ${words} more sparingly than they were` : "you leaned neither way";
    return `${title}: you told ${words} texts from the others ${howWell(first.dPrime)}, and ${lean} (${numbers}).`;
  }
  const gain = last.dPrime - first.dPrime;
  const better = gain > 0.3 ? "better" : gain < -0.3 ? "less well" : "about as well";
  const shift = last.c - first.c;
  const lean = shift > 0.3 ? `you also became more cautious, slower to call a text ${words}`
    : shift < -0.3 ? `you also became quicker to call a text ${words}` : "your lean stayed about the same";
  return `${title}: you told ${words} texts from the others ${better} ${FORM_PHRASES[last.form]} than ` +
    `${FORM_PHRASES[first.form]}; ${lean} (${numbers}).`;
}

export function storageKey(data, form) {
  return `medialit-check:${data.case}:${data.edition}:${form}`;
}

function readSaved(data, form) {
  try {
    const raw = window.localStorage.getItem(storageKey(data, form));
    if (!raw) return null;
    const saved = JSON.parse(raw);
    return saved && typeof saved.responses === "object" ? saved : null;
  } catch (error) {
    return null; // storage switched off, or a value we did not write: start afresh
  }
}

function writeSaved(data, form, saved) {
  try {
    if (saved) window.localStorage.setItem(storageKey(data, form), JSON.stringify(saved));
    else window.localStorage.removeItem(storageKey(data, form));
    return true;
  } catch (error) {
    return false; // private mode or storage full: the answers still live in the page until it closes
  }
}

// ---------------------------------------------------------------------------------------------
// Drawing
// ---------------------------------------------------------------------------------------------

// Lumino (JupyterLab, Notebook 7) tests its shortcut selectors against the focused element before it walks
// up to an ancestor marked data-lm-suppress-shortcuts (see claim_sorter.js): in JupyterLab the arrow keys
// never reached a focused radio button. Every element that can hold focus carries the mark.
const FOCUSABLE_TAGS = new Set(["button", "input", "select", "textarea", "summary", "a"]);

function h(tag, attributes = {}, children = []) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined && value !== false) node.setAttribute(name, value === true ? "" : value);
  }
  if (FOCUSABLE_TAGS.has(tag) || node.hasAttribute("tabindex")) {
    node.setAttribute("data-lm-suppress-shortcuts", "true");
    node.setAttribute("data-p-suppress-shortcuts", "true");
  }
  for (const child of [].concat(children)) node.append(child);
  return node;
}

const SVG = "http://www.w3.org/2000/svg";
function s(tag, attributes = {}, text = null) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== null) node.textContent = text;
  return node;
}

/** 1.23, −0.40: two decimals with a true minus sign (read as "minus" by screen readers). */
export function fmt(value) {
  const text = value.toFixed(2);
  return text === "-0.00" ? "0.00" : text.replace("-", "\u2212");
}

function signed(value) {
  return (value > 0 ? "+" : "") + fmt(value);
}

/** `text` in lines of at most `width` characters, broken between words (a longer word keeps its own line). */
function wrapWords(text, width) {
  const lines = [];
  for (const word of String(text).split(/\s+/).filter(Boolean)) {
    const last = lines[lines.length - 1];
    if (last !== undefined && `${last} ${word}`.length <= width) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines.length ? lines : [""];
}

let counter = 0;

/** An SVG picture with a title and a text alternative (desc), named for assistive technology. */
function picture(uid, name, title, description, width, height) {
  const svg = s("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", class: `ml-ck-svg ml-ck-${name}`,
    "aria-labelledby": `${uid}-${name}-t ${uid}-${name}-d`, preserveAspectRatio: "xMidYMid meet" });
  svg.append(s("title", { id: `${uid}-${name}-t` }, title), s("desc", { id: `${uid}-${name}-d` }, description));
  return svg;
}

/**
 * Horizontal bars, one group per skill and one bar per finished form, around a zero line.
 * rows: [{label, bars: [{form, value}]}]
 */
function barChart(uid, name, title, description, rows, { min, max, leftNote, rightNote, width }) {
  // Drawn at the width it is shown at (320-640 px), so its text stays readable on a phone.
  const narrow = width < 480; // the two axis notes, and long skill names, go on two lines
  const nameLines = (label) => wrapWords(label, narrow ? 12 : 24);
  // The name column is as wide as the longest line of a skill name (13 px text is about 7.4 px a letter).
  const longest = Math.max(...rows.flatMap((row) => nameLines(row.label)).map((line) => line.length), 1);
  const left = Math.max(narrow ? 90 : 120, Math.ceil(longest * 7.4) + 14);
  const right = 78; // room for the "after 2.56" beside the longest bar
  const barHeight = 18;
  const top = narrow ? 48 : 34;
  const groupGap = 14;
  const bars = rows.reduce((n, row) => n + Math.max(row.bars.length, 1), 0);
  const height = top + bars * (barHeight + 4) + rows.length * groupGap + 30;
  const x = (v) => left + ((Math.max(min, Math.min(max, v)) - min) / (max - min)) * (width - left - right);
  const svg = picture(uid, name, title, description, width, height);
  // Axis notes say which way is which, so the picture reads without the colours.
  svg.append(s("text", { x: left, y: 14, class: "ml-ck-note" }, leftNote));
  svg.append(s("text", { x: width - 4, y: narrow ? 30 : 14, class: "ml-ck-note", "text-anchor": "end" }, rightNote));
  for (let tick = Math.ceil(min); tick <= max; tick += 1) {
    svg.append(s("line", { x1: x(tick), x2: x(tick), y1: top - 8, y2: height - 26,
      class: tick === 0 ? "ml-ck-zero" : "ml-ck-grid" }));
    svg.append(s("text", { x: x(tick), y: height - 10, class: "ml-ck-tick", "text-anchor": "middle" },
      fmt(tick).replace(".00", "")));
  }
  let y = top;
  for (const row of rows) {
    const groupHeight = Math.max(row.bars.length, 1) * (barHeight + 4);
    const lines = nameLines(row.label);
    const name = s("text", { x: left - 8, y: y + groupHeight / 2 + 5 - (lines.length - 1) * 7.5, class: "ml-ck-label",
      "text-anchor": "end" });
    lines.forEach((line, i) => name.append(s("tspan", { x: left - 8, dy: i ? 15 : 0 }, line)));
    svg.append(name);
    for (const bar of row.bars) {
      const from = x(Math.max(min, Math.min(0, max)));
      const to = x(bar.value);
      svg.append(s("rect", { x: Math.min(from, to), y, width: Math.max(Math.abs(to - from), 1.5), height: barHeight,
        class: `ml-ck-bar ml-ck-form-${bar.form}` }));
      // The form's name and value beside each bar: no need to match colours to a legend. Always on the right of
      // the bar's right end (for a negative bar, just right of zero), so it never runs into the skill names.
      svg.append(s("text", {
        x: Math.max(from, to) + 4, y: y + barHeight - 4, class: "ml-ck-value", "text-anchor": "start",
      }, `${SHORT[bar.form]} ${fmt(bar.value)}`));
      y += barHeight + 4;
    }
    if (!row.bars.length) y += barHeight + 4;
    y += groupGap;
  }
  return svg;
}

function calibrationChart(uid, data, finished, responsesOf) {
  const size = 320;
  const pad = 48;
  const top = 24; // room for the largest marker at 100 %
  const plot = size - pad - 16;
  const levels = [...new Set(Object.values(data.questions).flatMap((q) => levelsFor(q)))].sort((a, b) => a - b);
  const lowest = levels[0];
  const x = (conf) => pad + ((conf - lowest) / (1 - lowest)) * plot; // confidence from a guess to 100 %
  const y = (share) => top + (1 - share) * plot; // share right 0-100 %
  const lines = [];
  const series = finished.map((form) => ({ form, levels: calibration(data, form, responsesOf(form)) }));
  for (const { form, levels } of series) {
    lines.push(`${FORM_NAMES[form]}: ` + levels.map((l) =>
      `at ${Math.round(l.confidence * 100)} % sure, ${l.right} of ${l.n} right`).join("; ") + ".");
  }
  const description = "Calibration: for each confidence level you used, the share of those answers that were " +
    "right. Answers on the diagonal are well calibrated; below it, over-confident. " + lines.join(" ");
  const svg = picture(uid, "calibration", "How sure you were, and how often you were right", description,
    size, top + plot + 44);
  svg.append(s("rect", { x: pad, y: top, width: plot, height: plot, class: "ml-ck-frame" }));
  for (const share of [0, 0.25, 0.5, 0.75, 1]) {
    svg.append(s("line", { x1: pad, x2: pad + plot, y1: y(share), y2: y(share), class: "ml-ck-grid" }));
    svg.append(s("text", { x: pad - 6, y: y(share) + 4, class: "ml-ck-tick", "text-anchor": "end" },
      `${share * 100} %`));
  }
  for (const conf of levels) {
    svg.append(s("text", { x: x(conf), y: top + plot + 16, class: "ml-ck-tick", "text-anchor": "middle" },
      `${Math.round(conf * 100)}`));
  }
  svg.append(s("text", { x: pad + plot / 2, y: top + plot + 36, class: "ml-ck-note", "text-anchor": "middle" },
    "how sure you said you were (%)"));
  svg.append(s("line", { x1: x(lowest), y1: y(lowest), x2: x(1), y2: y(1), class: "ml-ck-diagonal" }));
  svg.append(s("text", { x: x(0.52), y: y(0.5) - 6, class: "ml-ck-note" }, "well calibrated"));
  series.forEach(({ form, levels }, index) => {
    if (!levels.length) return;
    const points = levels.map((l) => `${x(l.confidence)},${y(l.right / l.n)}`).join(" ");
    svg.append(s("polyline", { points, class: `ml-ck-line ml-ck-form-${form}` }));
    for (const l of levels) {
      // A different marker shape per form, so the series differ without colour.
      const cx = x(l.confidence);
      const cy = y(l.right / l.n);
      const r = 3 + Math.sqrt(l.n) * 1.5;
      const mark = index === 0 ? s("circle", { cx, cy, r })
        : index === 1 ? s("rect", { x: cx - r, y: cy - r, width: 2 * r, height: 2 * r })
          : s("polygon", { points: `${cx},${cy - r * 1.2} ${cx + r * 1.2},${cy + r} ${cx - r * 1.2},${cy + r}` });
      mark.setAttribute("class", `ml-ck-point ml-ck-form-${form}`);
      svg.append(mark);
    }
  });
  return svg;
}

// ---------------------------------------------------------------------------------------------
// The widget
// ---------------------------------------------------------------------------------------------

function render({ model, el }) {
  const uid = `ml-ck-${++counter}-${Math.random().toString(36).slice(2, 8)}`;
  const data = model.get("_data");
  const skills = Object.keys(data.questions);

  // State: per form, the answers and whether the form was handed in. The browser's saved copy wins
  // over the page's: it is this reader's own work.
  const state = {};
  for (const form of FORMS) {
    const saved = readSaved(data, form);
    const fromModel = (model.get("responses") || {})[form] || {};
    state[form] = saved
      ? { responses: saved.responses, finished: Boolean(saved.finished), finishedAt: saved.finishedAt || null }
      : { responses: { ...fromModel }, finished: (model.get("finished") || []).includes(form), finishedAt: null };
  }
  let current = FORMS.includes(model.get("form")) ? model.get("form") : "before";
  let storageWorks = true;

  function sync() {
    const responses = {};
    // A fresh copy each time: the model compares new values with its old ones, and handing it the objects we
    // mutate in place would make every later answer look unchanged, so it would never reach Python.
    for (const form of FORMS) responses[form] = JSON.parse(JSON.stringify(state[form].responses));
    model.set({ responses, finished: FORMS.filter((f) => state[f].finished), form: current });
    model.save_changes();
  }

  function persist(form) {
    const entry = state[form];
    const empty = !entry.finished && !Object.keys(entry.responses).length;
    storageWorks = writeSaved(data, form, empty ? null : { version: 1, ...entry }) && storageWorks;
    storageNote.hidden = storageWorks;
    sync();
  }

  const root = h("section", { class: "ml-ck", "aria-labelledby": `${uid}-title` });
  el.append(root);
  root.append(h("p", { class: "ml-ck-title", id: `${uid}-title` }, "Discernment check"));
  root.append(h("p", { class: "ml-ck-notice" }, [h("strong", {}, "Invented examples. "), data.notice]));
  root.append(h("p", { class: "ml-ck-help" },
    `Each form takes about ${data.minutes} minutes. For every text, choose an answer and say how sure you are ` +
    "(the lowest level is a guess: 50 % when there are two answers to choose from, 33 % when there are three; " +
    "100 % is certain). Your answers stay in this browser only; nothing is sent anywhere."));
  const storageNote = h("p", { class: "ml-ck-warning", role: "status", hidden: true },
    "This browser is not keeping saved work (private mode or storage switched off): your answers will be lost " +
    "when the page closes.");
  root.append(storageNote);

  // Which form.
  const chooser = h("fieldset", { class: "ml-ck-chooser" }, [h("legend", {}, "Which form are you taking?")]);
  const chooserLabels = {};
  for (const form of FORMS) {
    const id = `${uid}-form-${form}`;
    const input = h("input", { type: "radio", name: `${uid}-form`, id, value: form, checked: form === current });
    input.addEventListener("change", () => {
      if (!input.checked) return;
      current = form;
      sync();
      drawForm();
    });
    chooserLabels[form] = h("span", { class: "ml-ck-status" });
    chooser.append(h("div", { class: "ml-ck-choice" }, [input, h("label", { for: id }, [FORM_NAMES[form], " ",
      chooserLabels[form]])]));
  }
  root.append(chooser);

  const formArea = h("div", { class: "ml-ck-form" });
  const progress = h("p", { class: "ml-ck-progress", role: "status", "aria-live": "polite" });
  const finishButton = h("button", { type: "button", class: "ml-ck-finish" }, "Finish and see my results");
  const againButton = h("button", { type: "button", class: "ml-ck-again" }, "Take this form again (clears its saved answers)");
  const actions = h("div", { class: "ml-ck-actions" }, [finishButton, againButton]);
  const results = h("div", { class: "ml-ck-results", "aria-labelledby": `${uid}-results-title`, role: "region" });
  root.append(formArea, progress, actions, results);

  function missing(form) {
    return data.forms[form]
      .map((item, index) => ({ item, index }))
      .filter(({ item }) => {
        const r = state[form].responses[item.id];
        return !r || !r.answer || typeof r.confidence !== "number";
      });
  }

  function updateStatus() {
    for (const form of FORMS) {
      const done = data.forms[form].length - missing(form).length;
      chooserLabels[form].textContent = state[form].finished ? "(finished)"
        : done ? `(${done} of ${data.forms[form].length} answered)` : "";
    }
    const entry = state[current];
    const left = missing(current).length;
    if (entry.finished) {
      progress.textContent = `You finished this form${entry.finishedAt ? ` on ${entry.finishedAt.slice(0, 10)}` : ""}. ` +
        "Each item now shows the answer and why.";
    } else {
      progress.textContent = left ? `${data.forms[current].length - left} of ${data.forms[current].length} answered ` +
        `(an answer and how sure you are); ${left} to go.` : "Every item is answered: press “Finish and see my results”.";
    }
    finishButton.hidden = entry.finished;
    againButton.hidden = !entry.finished;
  }

  function choose(form, item, field, value) {
    const responses = state[form].responses;
    responses[item.id] = { answer: null, confidence: null, ...(responses[item.id] || {}), [field]: value };
    persist(form);
    updateStatus();
  }

  function drawForm() {
    formArea.replaceChildren();
    const form = current;
    const entry = state[form];
    const list = h("ol", { class: "ml-ck-items", "aria-label": `${FORM_NAMES[form]}: ${data.forms[form].length} items` });
    data.forms[form].forEach((item, index) => {
      const question = data.questions[item.skill];
      const response = entry.responses[item.id] || {};
      const base = `${uid}-${form}-${item.id}`;
      const box = h("fieldset", { class: "ml-ck-item", id: `${base}-box`, "data-item": item.id,
        "aria-describedby": `${base}-text` }, [
        h("legend", {}, [`Item ${index + 1} of ${data.forms[form].length}: ${question.prompt}`]),
        h("p", { class: "ml-ck-kind" }, `Invented example · ${question.title}`),
        h("p", { class: "ml-ck-text", id: `${base}-text` }, item.text),
      ]);
      const answers = h("div", { class: "ml-ck-answers", role: "radiogroup", "aria-label": `Your answer to item ${index + 1}` });
      question.options.forEach((option) => {
        const id = `${base}-a-${option.value}`;
        const input = h("input", { type: "radio", name: `${base}-answer`, id, value: option.value,
          checked: response.answer === option.value, disabled: entry.finished });
        input.addEventListener("change", () => input.checked && choose(form, item, "answer", option.value));
        answers.append(h("span", { class: "ml-ck-option" }, [input, h("label", { for: id }, option.label)]));
      });
      const sure = h("div", { class: "ml-ck-confidence", role: "radiogroup",
        "aria-label": `How sure are you about item ${index + 1}?` }, [h("span", { class: "ml-ck-sure", "aria-hidden": "true" }, "How sure?")]);
      for (const level of levelsFor(question)) {
        const id = `${base}-c-${Math.round(level * 100)}`;
        const input = h("input", { type: "radio", name: `${base}-confidence`, id, value: String(level),
          checked: response.confidence === level, disabled: entry.finished });
        input.addEventListener("change", () => input.checked && choose(form, item, "confidence", level));
        sure.append(h("span", { class: "ml-ck-option" }, [input, h("label", { for: id }, `${Math.round(level * 100)} %`)]));
      }
      box.append(answers, sure);
      if (entry.finished) {
        const right = response.answer === item.answer;
        const key = question.options.find((o) => o.value === item.answer);
        const chosen = question.options.find((o) => o.value === response.answer);
        box.setAttribute("data-result", right ? "right" : "wrong");
        // The student's own answer in words, first: after finishing, the radios are locked, and a locked radio
        // alone is too faint to read back.
        box.append(h("p", { class: "ml-ck-feedback" }, [
          h("span", { class: "ml-ck-yours" }, `Your answer: “${chosen ? chosen.label : response.answer}”, ` +
            `${Math.round(response.confidence * 100)} % sure. `),
          h("strong", {}, right ? "✓ Right. " : `✗ The answer is “${key ? key.label : item.answer}”. `), item.why,
        ]));
      }
      list.append(h("li", {}, box));
    });
    formArea.append(list);
    updateStatus();
  }

  finishButton.addEventListener("click", () => {
    const left = missing(current);
    if (left.length) {
      const numbers = left.map(({ index }) => index + 1);
      progress.textContent = `Not yet: item${numbers.length > 1 ? "s" : ""} ${numbers.join(", ")} still need` +
        `${numbers.length > 1 ? "" : "s"} an answer and how sure you are.`;
      const first = formArea.querySelector(`[data-item="${left[0].item.id}"] input`);
      if (first) first.focus();
      return;
    }
    state[current].finished = true;
    state[current].finishedAt = new Date().toISOString();
    persist(current);
    drawForm();
    drawResults();
    results.querySelector(".ml-ck-results-title").focus();
  });

  againButton.addEventListener("click", () => {
    state[current] = { responses: {}, finished: false, finishedAt: null };
    persist(current);
    drawForm();
    drawResults();
    const first = formArea.querySelector("input");
    if (first) first.focus();
  });

  function drawResults() {
    results.replaceChildren();
    const finished = FORMS.filter((f) => state[f].finished);
    const heading = h("p", { class: "ml-ck-results-title", id: `${uid}-results-title`, tabindex: "-1" },
      "Your results in this browser");
    results.append(heading);
    if (!finished.length) {
      results.append(h("p", {}, "Finish a form to see your scores here. Take the “after” form when you have worked " +
        "through the course, and the delayed form a week or more later, to see what changed."));
      return;
    }
    const scores = Object.fromEntries(finished.map((f) => [f, scoreForm(data, f, state[f].responses)]));
    const title = (skill) => data.questions[skill].title;

    // The table is the full text alternative: every number the pictures show.
    const table = h("table", { class: "ml-ck-table" }, [
      h("caption", {}, "Per skill and form: 'yes' items caught (hits), controls wrongly called 'yes' (false alarms), " +
        "sensitivity d′, bias c and the Brier score of your confidence."),
      h("thead", {}, h("tr", {}, ["Skill", "Form", "Hits", "False alarms", "d′", "c", "Brier"].map((t) =>
        h("th", { scope: "col" }, t)))),
    ]);
    const body = h("tbody");
    for (const skill of skills) {
      for (const form of finished) {
        const sc = scores[form][skill];
        if (!sc) continue;
        body.append(h("tr", { "data-skill": skill, "data-form": form }, [
          h("th", { scope: "row" }, title(skill)), h("td", {}, SHORT[form]),
          h("td", {}, `${sc.hits} of ${sc.hits + sc.misses}`),
          h("td", {}, `${sc.falseAlarms} of ${sc.falseAlarms + sc.correctRejections}`),
          h("td", { class: "ml-ck-d" }, fmt(sc.dPrime)), h("td", { class: "ml-ck-c" }, fmt(sc.c)),
          h("td", { class: "ml-ck-brier" }, sc.brier === null ? "–" : fmt(sc.brier)),
        ]));
      }
    }
    table.append(body);

    const change = [];
    if (finished.length > 1) {
      for (const skill of skills) {
        const first = scores[finished[0]][skill];
        const last = scores[finished[finished.length - 1]][skill];
        if (first && last) {
          change.push(`${title(skill)}: d′ ${fmt(first.dPrime)} ${SHORT[finished[0]]}, ${fmt(last.dPrime)} ` +
            `${SHORT[finished[finished.length - 1]]} (change ${signed(last.dPrime - first.dPrime)}); c ${fmt(first.c)} ` +
            `then ${fmt(last.c)}.`);
        }
      }
    }

    const rowsOf = (field) => skills.map((skill) => ({
      label: title(skill),
      bars: finished.filter((f) => scores[f][skill]).map((f) => ({ form: f, value: scores[f][skill][field] })),
    }));
    const describe = (field, name) => `${name} per skill and form. ` + skills.map((skill) => `${title(skill)}: ` +
      finished.filter((f) => scores[f][skill]).map((f) => `${SHORT[f]} ${fmt(scores[f][skill][field])}`).join(", ") +
      ".").join(" ");
    // The axis always shows 0 to 3 (3 is near the most these forms allow) and stretches for larger values.
    const chartWidth = Math.round(Math.max(320, Math.min(640, results.clientWidth || 640)));
    const dValues = finished.flatMap((f) => skills.filter((k) => scores[f][k]).map((k) => scores[f][k].dPrime));
    const dMin = Math.min(-1, Math.floor(Math.min(...dValues)));
    const dMax = Math.max(3, Math.ceil(Math.max(...dValues)));
    const dChart = barChart(uid, "dprime", "Sensitivity d′: how well you told 'yes' items from controls",
      describe("dPrime", "Sensitivity d′"), rowsOf("dPrime"),
      { width: chartWidth, min: dMin, max: dMax, leftNote: "← worse than guessing", rightNote: "tells them apart →" });
    const cChart = barChart(uid, "bias", "Bias c: your lean towards 'yes' or 'no'", describe("c", "Bias c"),
      rowsOf("c"), { width: chartWidth, min: -2, max: 2, leftNote: "← says 'yes' more readily", rightNote: "says 'no' more readily →" });
    const calChart = calibrationChart(uid, data, finished, (f) => state[f].responses);

    // Each skill's result in a sentence first; the numbers and pictures follow for whoever wants them.
    const verdicts = skills
      .map((skill) => [skill, finished.filter((f) => scores[f][skill]).map((f) => ({ form: f, ...scores[f][skill] }))])
      .filter(([, results]) => results.length)
      .map(([skill, results]) => skillSentence(title(skill), data.questions[skill], results));
    results.append(
      h("ul", { class: "ml-ck-verdicts" }, verdicts.map((line) => h("li", {}, line))),
      change.length ? h("div", { class: "ml-ck-change" }, change.map((line) => h("p", {}, line))) : h("p", {},
        "One form finished. Take the next one later to see the change."),
      h("figure", { class: "ml-ck-figure" }, [dChart, h("figcaption", {},
        "d′ is 0 when you answer 'yes' as often to controls as to 'yes' items, however many you get right; " +
        "it grows as you tell them apart.")]),
      h("figure", { class: "ml-ck-figure" }, [cChart, h("figcaption", {},
        "c below 0: you call things loaded, unsourced or conflicting more readily than the items warrant; " +
        "above 0: more sparingly; 0: no lean.")]),
      h("figure", { class: "ml-ck-figure ml-ck-figure-small" }, [calChart, h("figcaption", {},
        "Points below the diagonal: you were surer than your answers were right. The Brier score in the table " +
        "sums this up (0 is perfect; always saying 50 % scores 0.25).")]),
      // Focusable, so a keyboard user can scroll the table sideways on a narrow screen.
      h("div", { class: "ml-ck-tablewrap", tabindex: "0", role: "region", "aria-label": "Your scores as a table" }, table),
    );
  }

  drawForm();
  drawResults();
  sync();
}

/** The student's answers in a few lines, for the "My work" page (called by the site's widget runtime). */
export function summarize({ model }) {
  const data = model.get("_data") || {};
  const responses = model.get("responses") || {};
  const finished = model.get("finished") || [];
  const lines = [];
  for (const form of FORMS) {
    const items = (data.forms || {})[form] || [];
    const answered = items.filter((item) => {
      const r = (responses[form] || {})[item.id];
      return r && r.answer && typeof r.confidence === "number";
    }).length;
    if (!answered && !finished.includes(form)) continue;
    lines.push(`${FORM_NAMES[form]}: ${answered} of ${items.length} answered` + (finished.includes(form) ? ", finished." : "."));
    if (!finished.includes(form) || !data.questions) continue;
    // The results themselves, so My work and its exports carry them, not just "finished".
    const scores = scoreForm(data, form, responses[form] || {});
    for (const skill of Object.keys(data.questions)) {
      const sc = scores[skill];
      if (!sc) continue;
      lines.push(skillSentence(data.questions[skill].title, data.questions[skill], [{ form, ...sc }]) +
        (sc.brier === null ? "" : ` Brier score of your confidence: ${fmt(sc.brier)}.`));
    }
  }
  if (!lines.length) lines.push("No answers.");
  return { title: "Discernment check", lines };
}

export default { render, summarize };
