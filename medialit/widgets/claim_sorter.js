// Claim sorter: one card per claim; the student picks attribution, kind and reporting verb, then checks.
// The checking runs here, in the browser, so the widget also works on the static site with no kernel.
// Every piece of data is inserted as text (createTextNode / textContent), never as HTML.

// [value, visible label, words only a screen reader hears]: the short label fits a phone's row; the full
// name ("Named source") is what assistive technology reads, and what the visible words begin with.
const ATTRIBUTIONS = [
  ["named", "Named", " source"],
  ["anonymous", "Anonymous", " source"],
  ["unsourced", "No source", " given"],
];
const KINDS = [
  ["fact", "Fact", ""],
  ["interpretation", "Interpretation", ""],
];
const NO_VERB = "none";
const FIELD_NAMES = {
  attribution: "Source",
  kind: "Fact or interpretation",
  reporting_verb: "Reporting verb",
};

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
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of [].concat(children)) {
    if (child === null || child === undefined) continue;
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  if (FOCUSABLE_TAGS.has(tag) || node.hasAttribute("tabindex")) keepKeysInWidget(node);
  return node;
}

// Same rule as claim_words() in claim_sorter.py: a word without the punctuation stuck to its edges.
function stripEdges(word) {
  return word.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");
}

function norm(label) {
  return String(label).split(/\s+/).filter(Boolean).join(" ").toLowerCase();
}

function labelOf(options, value) {
  const hit = options.find(([v]) => v === value);
  return hit ? hit[1] + hit[2] : value;
}

// The words of a claim, edge punctuation removed and case folded: as medialit.scoring.claim_words.
function foldedWords(text) {
  return String(text).split(/\s+/).map(stripEdges).filter(Boolean).map((w) => w.toLowerCase());
}

function runsOf(wanted, words) {
  const runs = [];
  for (let i = 0; i + wanted.length <= words.length; i++) {
    if (wanted.length && wanted.every((w, k) => words[i + k] === w)) runs.push([i, i + wanted.length - 1]);
  }
  return runs;
}

// The kind of mistake in one label, or null when it is right or not given. The same rules as
// medialit.scoring.claim_mistake, so the site and the notebook (ClaimSorter.feedback) say the same thing.
function mistakeOf(field, given, expected, claimText) {
  if (given === null || given === undefined || String(given).trim() === "") return null;
  const mine = norm(given);
  if (field !== "reporting_verb") {
    const key = norm(expected);
    return mine === key ? null : `${mine}-for-${key}`;
  }
  const key = expected === null || expected === undefined ? NO_VERB : norm(expected);
  if (mine === key) return null;
  if (key === NO_VERB) return "verb-not-attributing";
  if (mine === NO_VERB) return "verb-missing";
  const words = foldedWords(claimText);
  const a = runsOf(foldedWords(mine), words);
  const b = runsOf(foldedWords(key), words);
  const overlap = a.some(([s1, e1]) => b.some(([s2, e2]) => s1 <= e2 && s2 <= e1));
  return overlap ? "verb-near-miss" : "verb-in-claim";
}

let counter = 0;

// "1–3" for a run of three or more, otherwise the numbers listed: "4, 5, 9 and 10".
function paragraphList(numbers) {
  const parts = [];
  let i = 0;
  while (i < numbers.length) {
    let j = i;
    while (j + 1 < numbers.length && numbers[j + 1] === numbers[j] + 1) j += 1;
    if (j - i >= 2) {
      parts.push(`${numbers[i]}\u2013${numbers[j]}`);
    } else {
      for (let k = i; k <= j; k += 1) parts.push(String(numbers[k]));
    }
    i = j + 1;
  }
  return parts.length > 1 ? `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}` : parts.join("");
}

function sorterName(passages, claims) {
  const source = passages.length ? passages : claims;
  const numbers = [...new Set(source.map((item) => item.paragraph))]
    .filter((n) => Number.isInteger(n))
    .sort((a, b) => a - b);
  if (!numbers.length) return "Claim sorter";
  return `Claim sorter, ${numbers.length > 1 ? "paragraphs" : "paragraph"} ${paragraphList(numbers)}`;
}

function render({ model, el }) {
  const uid = `ml-cs-${++counter}-${Math.random().toString(36).slice(2, 8)}`;
  const claims = model.get("claims") || [];
  const passages = model.get("passages") || [];
  const mistakes = model.get("mistakes") || {};
  const cards = new Map(); // claim id -> card state
  // Claim id -> the answers at that card's last Check. The feedback is drawn from these, never from the live
  // answers, so it stays as checked until the next Check. Kept in the model so the site keeps it between visits.
  let checks = { ...(model.get("_checked_answers") || {}) };
  const revealed = new Set(); // cards whose answer the student asked to see (after an attempt)
  let saving = false;

  // Our own changes must not re-run the change listeners below (restore() would move a verb choice to the first
  // matching words).
  function setModel(values) {
    saving = true;
    try {
      for (const [name, value] of Object.entries(values)) model.set(name, value);
      model.save_changes();
    } finally {
      saving = false;
    }
  }

  // A page can hold several sorters; each region needs its own name (axe landmark-unique), so the name
  // says which paragraphs it covers.
  const root = h("section", { class: "ml-cs", "aria-label": sorterName(passages, claims) });
  el.append(root);

  // The instructions, once for every card.
  const hintId = `${uid}-hint`;
  root.append(
    h("div", { class: "ml-cs-intro" }, [
      h("p", {}, [
        "For each claim, choose its ",
        h("strong", {}, ["reporting verb"]),
        ": the word or words in the quotation that attribute it to a source, such as “said” (or ",
        h("em", {}, ["No reporting verb"]),
        "). Then choose who the article gives as its ",
        h("strong", {}, ["source"]),
        ", and whether it is a ",
        h("strong", {}, ["fact"]),
        " (it could be checked, in principle) or an ",
        h("strong", {}, ["interpretation"]),
        " (a judgment or a reading). ",
        h("em", {}, ["Check"]),
        " on a card checks that card; “Check my answers”, below the cards, checks them all.",
      ]),
      h("p", { class: "ml-cs-hint", id: hintId }, [
        "Choosing words: choose a word; choose a neighbouring word to add it, or hold Shift to choose a run; " +
          "choose a chosen word again to remove it. Arrow keys move between words.",
      ]),
    ]),
  );

  const list = h("div", { class: "ml-cs-cards", role: "list" });
  root.append(list);

  const answersNow = () => ({ ...(model.get("answers") || {}) });
  const blankAnswer = () => ({ attribution: null, kind: null, reporting_verb: null });

  function save(id, field, value) {
    const all = answersNow();
    const entry = { ...blankAnswer(), ...(all[id] || {}) };
    entry[field] = value;
    all[id] = entry;
    setModel({ answers: all });
  }

  claims.forEach((claim, index) => {
    const cardId = `${uid}-${index}`;
    const words = claim.text.split(/\s+/).filter(Boolean);
    const state = { claim, index, words, verbRange: null, noVerb: false, tokens: [], radios: {} };
    cards.set(claim.id, state);

    // A div, not an <article>: ARIA does not allow role="listitem" on <article> (axe aria-allowed-role).
    const card = h("div", {
      class: "ml-cs-card",
      role: "listitem",
      "aria-labelledby": `${cardId}-title`,
      "data-claim": claim.id,
    });
    state.card = card;
    card.append(
      h("p", { class: "ml-cs-card-title", id: `${cardId}-title` }, [
        `Claim ${index + 1} of ${claims.length} · paragraph ${claim.paragraph}`,
      ]),
    );

    // The quotation is the verb picker: its words are toggle buttons, so the chosen verb shows in the claim
    // itself. One tab stop; arrow keys move between the words.
    const tokenBox = h("span", {
      class: "ml-cs-tokens",
      role: "group",
      "aria-label": `Words of claim ${index + 1}: choose its reporting verb`,
      "aria-describedby": hintId,
    });
    words.forEach((word, i) => {
      const button = h("button", {
        type: "button",
        class: "ml-cs-token",
        "aria-pressed": "false",
        tabindex: i === 0 ? "0" : "-1",
        "data-index": i,
      }, [word]);
      button.addEventListener("click", (event) => chooseWord(state, i, event.shiftKey));
      button.addEventListener("keydown", (event) => tokenKey(state, i, event));
      state.tokens.push(button);
      tokenBox.append(button, document.createTextNode(" "));
    });
    card.append(h("blockquote", { class: "ml-cs-claim" }, [tokenBox]));

    const noneButton = h("button", { type: "button", class: "ml-cs-none", "aria-pressed": "false" }, [
      "No reporting verb",
    ]);
    noneButton.addEventListener("click", () => {
      state.noVerb = !state.noVerb;
      state.verbRange = null;
      commitVerb(state);
    });
    state.noneButton = noneButton;
    const chosen = h("p", { class: "ml-cs-chosen", "aria-live": "polite" });
    state.chosen = chosen;
    card.append(h("div", { class: "ml-cs-verb-row" }, [chosen, noneButton]));

    for (const [field, legend, options] of [
      ["attribution", "Source", ATTRIBUTIONS],
      ["kind", "Fact or interpretation", KINDS],
    ]) {
      const fieldset = h("fieldset", { class: `ml-cs-choice ml-cs-${field}` }, [h("legend", {}, [legend])]);
      const row = h("div", { class: "ml-cs-options" });
      state.radios[field] = [];
      for (const [value, text, spoken] of options) {
        const input = h("input", { type: "radio", name: `${cardId}-${field}`, value, id: `${cardId}-${field}-${value}` });
        input.addEventListener("change", () => {
          if (input.checked) {
            save(claim.id, field, value);
            markChanged(state);
          }
        });
        state.radios[field].push(input);
        row.append(
          h("label", { class: "ml-cs-option", for: input.id }, [
            input,
            h("span", { class: "ml-cs-option-text" }, [text, spoken ? h("span", { class: "ml-cs-sr" }, [spoken]) : null]),
          ]),
        );
      }
      fieldset.append(row);
      card.append(fieldset);
    }

    const checkOne = h("button", { type: "button", class: "ml-cs-card-check", "aria-label": `Check claim ${index + 1}` }, [
      "Check",
    ]);
    checkOne.addEventListener("click", () => checkCards([state], true));
    const foot = h("div", { class: "ml-cs-card-foot" }, [checkOne]);
    const passage = passages.find((p) => p.paragraph === claim.paragraph);
    if (passage) {
      foot.append(
        h("details", { class: "ml-cs-context" }, [
          h("summary", {}, [`Paragraph ${claim.paragraph} in full`]),
          h("p", {}, [passage.text]),
        ]),
      );
    }
    card.append(foot);

    // The feedback sits in a live region that is always in the page (a region that appears with its text is
    // not reliably announced); it speaks only after this card's own Check (see checkCards).
    const feedback = h("div", { class: "ml-cs-feedback", id: `${cardId}-feedback`, hidden: true });
    state.live = h("div", { class: "ml-cs-live", "aria-live": "off" }, [feedback]);
    state.feedback = feedback;
    card.append(state.live);
    list.append(card);
  });

  function verbOf(state) {
    if (state.noVerb) return NO_VERB;
    if (!state.verbRange) return null;
    const [a, b] = state.verbRange;
    const picked = state.words.slice(a, b + 1).map(stripEdges).filter(Boolean);
    return picked.length ? picked.join(" ") : null;
  }

  function showVerb(state) {
    const range = state.verbRange;
    state.tokens.forEach((button, i) => {
      const on = Boolean(range) && i >= range[0] && i <= range[1];
      button.setAttribute("aria-pressed", on ? "true" : "false");
    });
    state.noneButton.setAttribute("aria-pressed", state.noVerb ? "true" : "false");
    const verb = verbOf(state);
    state.chosen.textContent =
      verb === null
        ? "Reporting verb: not chosen yet."
        : verb === NO_VERB
          ? "Reporting verb: none (the claim has no attributing word)."
          : `Reporting verb: “${verb}”.`;
  }

  function commitVerb(state) {
    showVerb(state);
    save(state.claim.id, "reporting_verb", verbOf(state));
    markChanged(state);
  }

  function chooseWord(state, i, extend) {
    state.noVerb = false;
    const range = state.verbRange;
    if (!range) state.verbRange = [i, i];
    else if (extend) state.verbRange = [Math.min(range[0], i), Math.max(range[1], i)];
    else if (i === range[0] - 1) state.verbRange = [i, range[1]];
    else if (i === range[1] + 1) state.verbRange = [range[0], i];
    else if (i === range[0] && i === range[1]) state.verbRange = null;
    else if (i === range[0]) state.verbRange = [i + 1, range[1]];
    else if (i === range[1]) state.verbRange = [range[0], i - 1];
    else state.verbRange = [i, i];
    focusToken(state, i);
    commitVerb(state);
  }

  function focusToken(state, i) {
    state.tokens.forEach((button, j) => button.setAttribute("tabindex", j === i ? "0" : "-1"));
    state.tokens[i].focus();
  }

  function tokenKey(state, i, event) {
    const last = state.tokens.length - 1;
    const moves = { ArrowRight: i + 1, ArrowDown: i + 1, ArrowLeft: i - 1, ArrowUp: i - 1, Home: 0, End: last };
    if (event.key in moves) {
      event.preventDefault();
      focusToken(state, Math.max(0, Math.min(last, moves[event.key])));
    } else if ((event.key === "Enter" || event.key === " ") && event.shiftKey) {
      // A keyboard "click" does not always carry shiftKey, so Shift+Enter / Shift+Space is handled here.
      event.preventDefault();
      chooseWord(state, i, true);
    }
  }

  // The word range [first, last] of a verb in the claim's words, or null.
  function rangeOf(state, verb) {
    if (!verb || verb === NO_VERB) return null;
    const wanted = norm(verb).split(" ");
    const plain = state.words.map((w) => norm(stripEdges(w)));
    const [hit] = runsOf(wanted, plain);
    return hit || null;
  }

  // Put the saved answers back on the cards (a re-rendered view, or answers set from Python).
  function restore() {
    const all = model.get("answers") || {};
    for (const state of cards.values()) {
      const answer = all[state.claim.id] || {};
      for (const field of ["attribution", "kind"]) {
        for (const input of state.radios[field]) input.checked = input.value === answer[field];
      }
      state.noVerb = answer.reporting_verb === NO_VERB;
      state.verbRange = rangeOf(state, answer.reporting_verb);
      showVerb(state);
    }
  }

  // ---- checking -------------------------------------------------------------------------------------------
  const controls = h("div", { class: "ml-cs-controls" });
  const checkButton = h("button", { type: "button", class: "ml-cs-check" }, ["Check my answers"]);
  const resetButton = h("button", { type: "button", class: "ml-cs-reset" }, ["Clear my answers"]);
  controls.append(checkButton, resetButton);
  const summary = h("div", { class: "ml-cs-summary", role: "status", "aria-live": "polite" });
  root.append(controls, summary);

  function expected(claim) {
    return {
      attribution: claim.attribution,
      kind: claim.kind,
      reporting_verb: claim.reporting_verb === null ? NO_VERB : claim.reporting_verb,
    };
  }

  function grade(claim, answer) {
    const key = expected(claim);
    const result = {};
    for (const field of Object.keys(FIELD_NAMES)) {
      const given = answer[field];
      const blank = given === null || given === undefined || String(given).trim() === "";
      const mistake = blank ? null : mistakeOf(field, given, key[field], claim.text);
      result[field] = { given: blank ? null : given, correct: !blank && mistake === null, mistake };
    }
    return result;
  }

  function describe(field, value) {
    if (field === "attribution") return labelOf(ATTRIBUTIONS, value).toLowerCase();
    if (field === "kind") return labelOf(KINDS, value).toLowerCase();
    return value === NO_VERB ? "no reporting verb" : `“${value}”`;
  }

  function sameAnswers(a, b) {
    return Object.keys(FIELD_NAMES).every((f) => (a[f] ?? null) === (b[f] ?? null));
  }

  function drawFeedback(state) {
    const box = state.feedback;
    const claim = state.claim;
    const snapshot = checks[claim.id];
    box.replaceChildren();
    state.tokens.forEach((t) => t.removeAttribute("data-key"));
    if (!snapshot) {
      box.hidden = true;
      state.card.removeAttribute("data-result");
      return;
    }
    box.hidden = false;
    const result = grade(claim, snapshot);
    const right = Object.values(result).filter((r) => r.correct).length;
    const total = Object.keys(result).length;
    const allRight = right === total;
    const attempted = Object.values(result).some((r) => r.given !== null);
    state.card.setAttribute("data-result", allRight ? "correct" : "not-yet");
    box.append(
      h("p", { class: `ml-cs-verdict ${allRight ? "is-correct" : "is-not-yet"}` }, [
        h("span", { class: "ml-cs-icon", "aria-hidden": "true" }, [allRight ? "✓" : "✗"]),
        allRight ? ` Correct: all ${total} right.` : ` Not yet: ${right} of ${total} right.`,
      ]),
    );
    if (!sameAnswers(answersNow()[claim.id] || {}, snapshot)) {
      box.append(h("p", { class: "ml-cs-stale" }, [
        "You have changed an answer since this check; press Check again to check the new answers.",
      ]));
    }
    const items = h("ul", { class: "ml-cs-items" });
    for (const [field, name] of Object.entries(FIELD_NAMES)) {
      const r = result[field];
      const status = r.correct ? "is-correct" : r.given === null ? "is-blank" : "is-not-yet";
      const line = h("li", { class: status, "data-field": field, "data-mistake": r.mistake || null }, [
        h("span", { class: "ml-cs-icon", "aria-hidden": "true" }, [r.correct ? "✓" : r.given === null ? "–" : "✗"]),
        r.correct
          ? ` ${name}: right (${describe(field, r.given)}).`
          : r.given === null
            ? ` ${name}: no answer yet.`
            : ` ${name}: not yet (you chose ${describe(field, r.given)}).`,
      ]);
      if (r.mistake) {
        const message = mistakes[r.mistake];
        const note = (claim.notes || {})[r.mistake];
        if (message) line.append(h("span", { class: "ml-cs-message" }, [message]));
        if (note) line.append(h("span", { class: "ml-cs-note" }, [note]));
      }
      items.append(line);
    }
    box.append(items);
    if (allRight) {
      box.append(h("p", { class: "ml-cs-reason" }, [h("strong", {}, ["Why: "]), claim.reason]));
    } else if (!attempted) {
      box.append(h("p", { class: "ml-cs-attempt" }, ["Choose at least one answer, then Check; the answer can be shown after that."]));
    } else {
      // The answer only after an attempt: the messages above first, then the key if the student asks.
      const open = revealed.has(claim.id);
      const show = h("button", { type: "button", class: "ml-cs-show", "aria-expanded": open ? "true" : "false" }, [
        open ? "Hide the answer" : "Show the answer",
      ]);
      show.addEventListener("click", () => {
        if (revealed.has(claim.id)) revealed.delete(claim.id);
        else revealed.add(claim.id);
        state.live.setAttribute("aria-live", "polite");
        drawFeedback(state);
        state.feedback.querySelector(".ml-cs-show").focus();
      });
      box.append(show);
      if (open) {
        const key = expected(claim);
        box.append(
          h("p", { class: "ml-cs-key" }, [
            h("strong", {}, ["Answer: "]),
            `${describe("attribution", key.attribution)}; ${describe("kind", key.kind)}; ` +
              `reporting verb ${key.reporting_verb === NO_VERB ? "none" : `“${key.reporting_verb}”`}` +
              `${key.reporting_verb === NO_VERB ? "" : " (outlined in the quotation)"}.`,
          ]),
          h("p", { class: "ml-cs-reason" }, [h("strong", {}, ["Why: "]), claim.reason]),
        );
        const range = rangeOf(state, key.reporting_verb);
        if (range) for (let i = range[0]; i <= range[1]; i++) state.tokens[i].setAttribute("data-key", "true");
      }
    }
  }

  function drawSummary() {
    summary.replaceChildren();
    const ids = Object.keys(checks).filter((id) => cards.has(id));
    if (!ids.length) return;
    const counts = { attribution: 0, kind: 0, reporting_verb: 0 };
    const again = [];
    for (const state of cards.values()) {
      const snapshot = checks[state.claim.id];
      if (!snapshot) continue;
      const result = grade(state.claim, snapshot);
      let allRight = true;
      for (const field of Object.keys(counts)) {
        if (result[field].correct) counts[field] += 1;
        else allRight = false;
      }
      if (!allRight) again.push(`claim ${state.index + 1} (paragraph ${state.claim.paragraph})`);
    }
    const n = cards.size;
    const total = counts.attribution + counts.kind + counts.reporting_verb;
    summary.append(
      h("p", { class: "ml-cs-summary-line" }, [
        `${ids.length === n ? "All" : `${ids.length} of`} ${n} cards checked: ` +
          `${counts.attribution} of ${n} attributions right, ${counts.kind} of ${n} fact-or-interpretation labels right, ` +
          `${counts.reporting_verb} of ${n} reporting verbs right (${total} of ${3 * n} in all).`,
      ]),
    );
    summary.append(
      h("p", {}, [
        again.length ? `Look again at: ${again.join(", ")}.` : ids.length === n ? "Every card matches the key." : "Every checked card matches the key.",
      ]),
    );
  }

  function persistChecks() {
    setModel({ _checked_answers: { ...checks }, checked: Object.keys(checks).length > 0 });
  }

  // Check some cards: freeze their answers as they are now and draw the feedback from that. `speak` makes
  // the card's own live region announce it (a card's Check); "Check my answers" speaks through the summary.
  function checkCards(states, speak) {
    const all = answersNow();
    for (const state of states) {
      checks[state.claim.id] = { ...blankAnswer(), ...(all[state.claim.id] || {}) };
      revealed.delete(state.claim.id);
    }
    persistChecks();
    for (const state of states) {
      state.live.setAttribute("aria-live", speak ? "polite" : "off");
      drawFeedback(state);
    }
    drawSummary();
  }

  function markChanged(state) {
    // The verdict stays as checked; the card only notes that its answers changed since (not announced).
    if (!checks[state.claim.id]) return;
    state.live.setAttribute("aria-live", "off");
    drawFeedback(state);
  }

  checkButton.addEventListener("click", () => checkCards([...cards.values()], false));
  resetButton.addEventListener("click", () => {
    checks = {};
    revealed.clear();
    setModel({ answers: {}, _checked_answers: {}, checked: false });
    restore();
    for (const state of cards.values()) drawFeedback(state);
    summary.replaceChildren();
  });

  const redrawAll = () => {
    for (const state of cards.values()) {
      state.live.setAttribute("aria-live", "off");
      drawFeedback(state);
    }
    drawSummary();
  };
  const onAnswers = () => {
    if (saving) return;
    restore();
    redrawAll();
  };
  const onChecks = () => {
    if (saving) return;
    checks = { ...(model.get("_checked_answers") || {}) };
    redrawAll();
  };
  model.on("change:answers", onAnswers);
  model.on("change:_checked_answers", onChecks);
  restore();
  redrawAll(); // kept from an earlier visit, or set from Python

  return () => {
    model.off("change:answers", onAnswers);
    model.off("change:_checked_answers", onChecks);
  };
}

/** The student's answers in a few lines, for the "My work" page (called by the site's widget runtime). */
export function summarize({ model }) {
  const claims = model.get("claims") || [];
  const answers = model.get("answers") || {};
  const lines = [];
  claims.forEach((claim, i) => {
    const a = answers[claim.id];
    if (!a) return;
    const verb = a.reporting_verb === NO_VERB ? "no reporting verb" : a.reporting_verb ? `verb “${a.reporting_verb}”` : "verb not chosen";
    lines.push(`Claim ${i + 1} (paragraph ${claim.paragraph}): ${a.attribution ? labelOf(ATTRIBUTIONS, a.attribution).toLowerCase() : "source not chosen"}; ` +
      `${a.kind ? labelOf(KINDS, a.kind).toLowerCase() : "fact or interpretation not chosen"}; ${verb}.`);
  });
  if (!lines.length) lines.push("No answers.");
  const checked = Object.keys(model.get("_checked_answers") || {}).length;
  if (checked) lines.push(`${checked} of ${claims.length} cards checked against the key.`);
  const numbers = [...new Set((model.get("passages") || []).map((p) => p.paragraph))];
  return { title: `Claim sorter, ${numbers.length > 1 ? "paragraphs" : "paragraph"} ${numbers.join(", ")}`, lines };
}

export default { render, summarize };
