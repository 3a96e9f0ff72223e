// Claim sorter: one card per claim; the student picks attribution, kind and reporting verb, then checks.
// The checking runs here, in the browser, so the widget also works on the static site with no kernel.
// Every piece of data is inserted as text (createTextNode / textContent), never as HTML.

const ATTRIBUTIONS = [
  ["named", "Named source"],
  ["anonymous", "Anonymous source"],
  ["unsourced", "No source given"],
];
const KINDS = [
  ["fact", "Fact: could be checked"],
  ["interpretation", "Interpretation: a judgment or reading"],
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
  return hit ? hit[1] : value;
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
  const cards = new Map(); // claim id -> card state
  let showKey = false;
  // Checked or not lives in the model (`checked`), so the site can keep it between visits; this mirrors it.
  let checked = Boolean(model.get("checked"));
  let saving = false;
  function setChecked(value) {
    checked = value;
    saving = true;
    try {
      model.set("checked", value);
      model.save_changes();
    } finally {
      saving = false;
    }
  }

  // A page can hold several sorters; each region needs its own name (axe landmark-unique), so the name
  // says which paragraphs it covers.
  const root = h("section", { class: "ml-cs", "aria-label": sorterName(passages, claims) });
  el.append(root);

  root.append(
    h("p", { class: "ml-cs-intro" }, [
      "For each claim, choose who the article gives as its source, whether it could be checked (fact) or is a " +
        "judgment (interpretation), and the reporting verb: the word or words that attribute it, such as “said”. " +
        "Then press “Check my answers”.",
    ]),
  );

  const list = h("div", { class: "ml-cs-cards", role: "list" });
  root.append(list);

  const answersNow = () => ({ ...(model.get("answers") || {}) });

  function save(id, field, value) {
    const all = answersNow();
    const entry = { attribution: null, kind: null, reporting_verb: null, ...(all[id] || {}) };
    entry[field] = value;
    all[id] = entry;
    // Our own change must not re-run restore(): it would move a verb choice to the first matching words.
    saving = true;
    try {
      model.set("answers", all);
      model.save_changes();
    } finally {
      saving = false;
    }
  }

  claims.forEach((claim, index) => {
    const cardId = `${uid}-${index}`;
    const words = claim.text.split(/\s+/).filter(Boolean);
    const state = { claim, words, verbRange: null, noVerb: false, tokens: [], radios: {} };
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
    card.append(h("blockquote", { class: "ml-cs-claim" }, [claim.text]));
    const passage = passages.find((p) => p.paragraph === claim.paragraph);
    if (passage) {
      card.append(
        h("details", { class: "ml-cs-context" }, [
          h("summary", {}, [`Read paragraph ${claim.paragraph} in full`]),
          h("p", {}, [passage.text]),
        ]),
      );
    }

    for (const [field, legend, options] of [
      ["attribution", "Who does the article give as the source?", ATTRIBUTIONS],
      ["kind", "Fact or interpretation?", KINDS],
    ]) {
      const fieldset = h("fieldset", { class: `ml-cs-choice ml-cs-${field}` }, [h("legend", {}, [legend])]);
      state.radios[field] = [];
      for (const [value, text] of options) {
        const input = h("input", { type: "radio", name: `${cardId}-${field}`, value, id: `${cardId}-${field}-${value}` });
        input.addEventListener("change", () => {
          if (input.checked) {
            save(claim.id, field, value);
            markChanged(state);
          }
        });
        state.radios[field].push(input);
        fieldset.append(h("div", { class: "ml-cs-option" }, [input, h("label", { for: input.id }, [text])]));
      }
      card.append(fieldset);
    }

    // Reporting verb: the claim's words as toggle buttons, one tab stop, arrow keys to move between them.
    const verbSet = h("fieldset", { class: "ml-cs-choice ml-cs-verb" }, [
      h("legend", {}, ["Reporting verb: the word or words that attribute the claim"]),
      h("p", { class: "ml-cs-hint", id: `${cardId}-hint` }, [
        "Choose a word. Choose a neighbouring word to add it (or hold Shift to choose a run of words); choose a chosen word again to remove it. Arrow keys move between words.",
      ]),
    ]);
    const tokenBox = h("div", {
      class: "ml-cs-tokens",
      role: "group",
      "aria-label": `Words of claim ${index + 1}`,
      "aria-describedby": `${cardId}-hint`,
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
    verbSet.append(tokenBox, h("div", { class: "ml-cs-none-row" }, [noneButton]), chosen);
    card.append(verbSet);

    const feedback = h("div", { class: "ml-cs-feedback", id: `${cardId}-feedback`, hidden: true });
    state.feedback = feedback;
    card.append(feedback);
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

  // Put the saved answers back on the cards (a re-rendered view, or answers set from Python).
  function restore() {
    const all = model.get("answers") || {};
    for (const state of cards.values()) {
      const answer = all[state.claim.id] || {};
      for (const field of ["attribution", "kind"]) {
        for (const input of state.radios[field]) input.checked = input.value === answer[field];
      }
      const verb = answer.reporting_verb;
      state.noVerb = verb === NO_VERB;
      state.verbRange = null;
      if (verb && verb !== NO_VERB) {
        const wanted = norm(verb).split(" ");
        const plain = state.words.map((w) => norm(stripEdges(w)));
        for (let a = 0; a + wanted.length <= plain.length && !state.verbRange; a++) {
          if (wanted.every((w, k) => plain[a + k] === w)) state.verbRange = [a, a + wanted.length - 1];
        }
      }
      showVerb(state);
    }
  }

  // ---- checking -------------------------------------------------------------------------------------------
  const controls = h("div", { class: "ml-cs-controls" });
  const checkButton = h("button", { type: "button", class: "ml-cs-check" }, ["Check my answers"]);
  const keyButton = h("button", { type: "button", class: "ml-cs-show", "aria-pressed": "false" }, ["Show answers"]);
  const resetButton = h("button", { type: "button", class: "ml-cs-reset" }, ["Clear my answers"]);
  controls.append(checkButton, keyButton, resetButton);
  const summary = h("div", { class: "ml-cs-summary", role: "status", "aria-live": "polite" });
  root.append(controls, summary);

  function expected(claim) {
    return {
      attribution: claim.attribution,
      kind: claim.kind,
      reporting_verb: claim.reporting_verb === null ? NO_VERB : claim.reporting_verb,
    };
  }

  function grade(state) {
    const answer = (model.get("answers") || {})[state.claim.id] || {};
    const key = expected(state.claim);
    const result = {};
    for (const field of Object.keys(FIELD_NAMES)) {
      const given = answer[field];
      const blank = given === null || given === undefined || String(given).trim() === "";
      result[field] = { given: blank ? null : given, correct: !blank && norm(given) === norm(key[field]) };
    }
    return result;
  }

  function describe(field, value) {
    if (field === "attribution") return labelOf(ATTRIBUTIONS, value).toLowerCase();
    if (field === "kind") return labelOf(KINDS, value).split(":")[0].toLowerCase();
    return value === NO_VERB ? "no reporting verb" : `“${value}”`;
  }

  function drawFeedback(state) {
    const box = state.feedback;
    box.replaceChildren();
    if (!checked && !showKey) {
      box.hidden = true;
      state.card.removeAttribute("data-result");
      return;
    }
    box.hidden = false;
    if (checked) {
      const result = grade(state);
      const right = Object.values(result).filter((r) => r.correct).length;
      const total = Object.keys(result).length;
      const allRight = right === total;
      state.card.setAttribute("data-result", allRight ? "correct" : "not-yet");
      box.append(
        h("p", { class: `ml-cs-verdict ${allRight ? "is-correct" : "is-not-yet"}` }, [
          h("span", { class: "ml-cs-icon", "aria-hidden": "true" }, [allRight ? "✓" : "✗"]),
          allRight ? ` Correct: all ${total} right.` : ` Not yet: ${right} of ${total} right.`,
        ]),
      );
      const items = h("ul", { class: "ml-cs-items" });
      for (const [field, name] of Object.entries(FIELD_NAMES)) {
        const r = result[field];
        const icon = r.correct ? "✓" : r.given === null ? "–" : "✗";
        const words = r.correct
          ? `${name}: correct (${describe(field, r.given)}).`
          : r.given === null
            ? `${name}: no answer yet.`
            : `${name}: not yet (you chose ${describe(field, r.given)}).`;
        items.append(
          h("li", { class: r.correct ? "is-correct" : r.given === null ? "is-blank" : "is-not-yet", "data-field": field }, [
            h("span", { class: "ml-cs-icon", "aria-hidden": "true" }, [icon]),
            ` ${words}`,
          ]),
        );
      }
      box.append(items);
      box.append(h("p", { class: "ml-cs-reason" }, [h("strong", {}, ["Why: "]), state.claim.reason]));
    }
    if (showKey) {
      const key = expected(state.claim);
      box.append(
        h("p", { class: "ml-cs-key" }, [
          h("strong", {}, ["Answer: "]),
          `${describe("attribution", key.attribution)}; ${describe("kind", key.kind)}; ` +
            `reporting verb ${key.reporting_verb === NO_VERB ? "none" : `“${key.reporting_verb}”`}.`,
        ]),
      );
      if (!checked) box.append(h("p", { class: "ml-cs-reason" }, [h("strong", {}, ["Why: "]), state.claim.reason]));
    }
  }

  function drawSummary() {
    summary.replaceChildren();
    if (!checked) return;
    const counts = { attribution: 0, kind: 0, reporting_verb: 0 };
    const again = [];
    let index = 0;
    for (const state of cards.values()) {
      index += 1;
      const result = grade(state);
      let allRight = true;
      for (const field of Object.keys(counts)) {
        if (result[field].correct) counts[field] += 1;
        else allRight = false;
      }
      if (!allRight) again.push(`claim ${index} (paragraph ${state.claim.paragraph})`);
    }
    const n = cards.size;
    const total = counts.attribution + counts.kind + counts.reporting_verb;
    summary.append(
      h("p", { class: "ml-cs-summary-line" }, [
        `${counts.attribution} of ${n} attributions right, ${counts.kind} of ${n} fact-or-interpretation labels right, ` +
          `${counts.reporting_verb} of ${n} reporting verbs right (${total} of ${3 * n} in all).`,
      ]),
    );
    summary.append(
      h("p", {}, [
        again.length ? `Look again at: ${again.join(", ")}.` : "Every card matches the key.",
      ]),
    );
  }

  function markChanged(state) {
    if (!checked) return;
    // A changed answer makes the old verdict misleading: drop it until the student checks again.
    setChecked(false);
    for (const s of cards.values()) drawFeedback(s);
    summary.replaceChildren(h("p", {}, ["You changed an answer: press “Check my answers” again to see the feedback."]));
  }

  checkButton.addEventListener("click", () => {
    setChecked(true);
    for (const state of cards.values()) drawFeedback(state);
    drawSummary();
  });
  keyButton.addEventListener("click", () => {
    showKey = !showKey;
    keyButton.setAttribute("aria-pressed", showKey ? "true" : "false");
    keyButton.textContent = showKey ? "Hide answers" : "Show answers";
    for (const state of cards.values()) drawFeedback(state);
  });
  resetButton.addEventListener("click", () => {
    setChecked(false);
    model.set("answers", {});
    model.save_changes();
    restore();
    for (const state of cards.values()) drawFeedback(state);
    summary.replaceChildren();
  });

  const onAnswers = () => {
    if (saving) return;
    restore();
    if (checked) {
      for (const state of cards.values()) drawFeedback(state);
      drawSummary();
    }
  };
  const onChecked = () => {
    if (saving) return;
    checked = Boolean(model.get("checked"));
    for (const state of cards.values()) drawFeedback(state);
    if (checked) drawSummary(); else summary.replaceChildren();
  };
  model.on("change:answers", onAnswers);
  model.on("change:checked", onChecked);
  restore();
  if (checked) onChecked(); // kept from an earlier visit, or set from Python

  return () => {
    model.off("change:answers", onAnswers);
    model.off("change:checked", onChecked);
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
      `${a.kind ? labelOf(KINDS, a.kind).split(":")[0].toLowerCase() : "fact or interpretation not chosen"}; ${verb}.`);
  });
  if (!lines.length) lines.push("No answers.");
  if (model.get("checked")) lines.push("Checked against the key.");
  const numbers = [...new Set((model.get("passages") || []).map((p) => p.paragraph))];
  return { title: `Claim sorter, ${numbers.length > 1 ? "paragraphs" : "paragraph"} ${numbers.join(", ")}`, lines };
}

export default { render, summarize };
