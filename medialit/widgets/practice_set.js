// Practice set: one skill's items, each with a ladder of help: Check -> a hint aimed at the mistake -> a bigger
// hint -> the answer with its reason (the last two only after a first Check). The checking runs here, in the
// browser, so the widget also works on the static site with no kernel. The rules are medialit.practice's: an
// answer is right when every label is one the key accepts (score_labels' rule), and the first of the item's listed
// mistakes that the answer makes chooses the hint. Every piece of data is inserted as text, never as HTML.

const LOADED = "loaded";
const NOT_LOADED = "not loaded";

// Lumino (JupyterLab, Notebook 7) tests its shortcut selectors against the focused element, so every element that
// can hold focus carries the mark that keeps keys inside the widget (as in the other widgets).
const FOCUSABLE_TAGS = new Set(["button", "input", "select", "textarea", "summary", "a"]);

function h(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of [].concat(children)) {
    if (child === null || child === undefined) continue;
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  if (FOCUSABLE_TAGS.has(tag) || node.hasAttribute("tabindex")) {
    node.setAttribute("data-lm-suppress-shortcuts", "true");
    node.setAttribute("data-p-suppress-shortcuts", "true");
  }
  return node;
}

/** Is this answer right? choose: the option is accepted; mark: every phrase's reading is accepted. */
export function isRight(item, answer) {
  if (item.answer_type === "choose") return item.accepted.some((a) => a.answer === answer);
  const marked = new Set(answer || []);
  return item.phrases.every((p) => p.accepted.includes(marked.has(p.text) ? LOADED : NOT_LOADED));
}

/** The hint for a wrong answer: the first listed mistake it makes, or the item's own hint. */
export function targetedHint(item, answer) {
  const marked = item.answer_type === "mark" ? new Set(answer || []) : null;
  for (const m of item.mistakes) {
    if (m.kind === "chose" && answer === m.value) return m.hint;
    if (m.kind === "marked" && marked && marked.has(m.value)) return m.hint;
    if (m.kind === "missed" && marked && !marked.has(m.value)) return m.hint;
  }
  return item.hint;
}

function whyRight(item, answer) {
  if (item.answer_type === "choose") {
    const parts = [item.accepted.find((a) => a.answer === answer).why];
    const others = item.accepted.filter((a) => a.answer !== answer);
    if (others.length) {
      parts.push("Also accepted, because careful readers differ here.");
      for (const a of others) parts.push(`${optionLabel(item, a.answer)}: ${a.why}`);
    }
    return parts.join(" ");
  }
  const lines = item.phrases.filter((p) => p.accepted.length === 1 && p.accepted[0] === LOADED).map((p) => `“${p.text}”: ${p.why}`);
  for (const p of item.phrases.filter((q) => q.accepted.length > 1)) lines.push(`“${p.text}” (marked or not, both accepted): ${p.why}`);
  return lines.join(" ") || "None of these phrases is loaded.";
}

function optionLabel(item, value) {
  const hit = item.options.find((o) => o.value === value);
  return hit ? hit.label : value;
}

function describeAnswer(item, answer) {
  if (answer === undefined || answer === null) return "no answer yet";
  if (item.answer_type === "choose") return `“${optionLabel(item, answer)}”`;
  return answer.length ? `marked ${answer.map((t) => `“${t}”`).join(", ")}` : "marked nothing";
}

function whereFrom(item) {
  return item.invented ? "invented example" : `the article, paragraph ${item.paragraph}`;
}

let counter = 0;

function render({ model, el }) {
  const uid = `ml-ps-${++counter}-${Math.random().toString(36).slice(2, 8)}`;
  const items = model.get("items") || [];
  const views = new Map(); // item id -> view state
  let saving = false;

  const root = h("section", { class: "ml-ps", "aria-label": `Practice set: ${model.get("title")}` });
  el.append(root);
  root.append(h("p", { class: "ml-ps-intro" }, [model.get("intro") || ""]));
  root.append(h("p", { class: "ml-ps-how" }, [
    "Answer an item and press Check. If it is not right yet, you get a hint aimed at your answer; after your first " +
      "Check you can also ask for a bigger hint, and then for the answer with its reason.",
  ]));

  const answersNow = () => ({ ...(model.get("answers") || {}) });
  const ladderNow = () => ({ ...(model.get("ladder") || {}) });
  const stepsOf = (id) => ({ attempts: 0, checked: false, bigger_hint: false, answer_shown: false, ...((model.get("ladder") || {})[id] || {}) });

  function saveTraits(answers, ladder) {
    saving = true;
    try {
      if (answers) model.set("answers", answers);
      if (ladder) model.set("ladder", ladder);
      model.save_changes();
    } finally {
      saving = false;
    }
  }

  function setSteps(id, change) {
    const ladder = ladderNow();
    ladder[id] = { ...stepsOf(id), ...change };
    saveTraits(null, ladder);
  }

  function setAnswer(id, value) {
    const answers = answersNow();
    answers[id] = value;
    const ladder = ladderNow();
    // A changed answer makes the old verdict misleading: it goes until the student checks again.
    if (stepsOf(id).checked) ladder[id] = { ...stepsOf(id), checked: false };
    saveTraits(answers, ladder);
  }

  const list = h("ol", { class: "ml-ps-items" });
  root.append(list);

  items.forEach((item, index) => {
    const itemId = `${uid}-${index}`;
    const view = { item, index };
    views.set(item.id, view);
    const card = h("li", { class: "ml-ps-item", "data-item": item.id, "aria-labelledby": `${itemId}-title` });
    view.card = card;
    card.append(h("h3", { class: "ml-ps-title", id: `${itemId}-title` }, [
      `Item ${index + 1} of ${items.length}: ${whereFrom(item)}`,
    ]));
    if (item.invented) {
      card.append(h("p", { class: "ml-ps-notice" }, [h("strong", {}, ["Invented example. "]), model.get("notice") || ""]));
    }

    if (item.answer_type === "mark") {
      // The passage with its candidate phrases as toggle buttons, in reading order; Tab moves between them.
      const howId = `${itemId}-how`;
      card.append(h("p", { class: "ml-ps-question", id: `${itemId}-q` }, [item.question]));
      card.append(h("p", { class: "ml-ps-help", id: howId }, [
        "The phrases you can mark are buttons in the text. Press one to mark it; press it again to unmark it.",
      ]));
      const passage = h("blockquote", { class: "ml-ps-passage", role: "group", "aria-labelledby": `${itemId}-q`, "aria-describedby": howId });
      const phrases = [...item.phrases].sort((a, b) => a.start - b.start);
      view.buttons = new Map();
      let at = 0;
      for (const phrase of phrases) {
        if (phrase.start > at) passage.append(item.text.slice(at, phrase.start));
        const button = h("button", { type: "button", class: "ml-ps-phrase", "aria-pressed": "false", "data-phrase": phrase.text }, [phrase.text]);
        button.addEventListener("click", () => {
          const marked = new Set(answersNow()[item.id] || []);
          if (marked.has(phrase.text)) marked.delete(phrase.text);
          else marked.add(phrase.text);
          // Keep the passage's order, so the answer reads like the text.
          setAnswer(item.id, item.phrases.map((p) => p.text).filter((t) => marked.has(t)));
          draw(view);
        });
        view.buttons.set(phrase.text, button);
        passage.append(button);
        at = phrase.end;
      }
      if (at < item.text.length) passage.append(item.text.slice(at));
      card.append(passage);
      view.marked = h("p", { class: "ml-ps-marked" });
      card.append(view.marked);
    } else {
      card.append(h("blockquote", { class: "ml-ps-passage" }, [item.text]));
      const fieldset = h("fieldset", { class: "ml-ps-choice" }, [h("legend", {}, [item.question])]);
      view.radios = [];
      item.options.forEach((option, k) => {
        const input = h("input", { type: "radio", name: `${itemId}-choice`, value: option.value, id: `${itemId}-o${k}` });
        input.addEventListener("change", () => {
          if (!input.checked) return;
          setAnswer(item.id, option.value);
          draw(view);
        });
        view.radios.push(input);
        fieldset.append(h("div", { class: "ml-ps-option" }, [input, h("label", { for: input.id }, [option.label])]));
      });
      card.append(fieldset);
    }

    const controls = h("div", { class: "ml-ps-controls" });
    view.check = h("button", { type: "button", class: "ml-ps-check" }, ["Check"]);
    view.more = h("button", { type: "button", class: "ml-ps-more", "aria-describedby": `${itemId}-locked` }, ["Bigger hint"]);
    view.show = h("button", { type: "button", class: "ml-ps-show", "aria-describedby": `${itemId}-locked` }, ["Show the answer"]);
    controls.append(view.check, view.more, view.show);
    card.append(controls);
    view.locked = h("p", { class: "ml-ps-locked", id: `${itemId}-locked` }, ["The bigger hint and the answer open after your first Check."]);
    card.append(view.locked);
    view.feedback = h("div", { class: "ml-ps-feedback", role: "status", "aria-live": "polite" });
    card.append(view.feedback);

    view.check.addEventListener("click", () => {
      const answer = answersNow()[item.id];
      if (item.answer_type === "choose" && (answer === undefined || answer === null)) {
        view.feedback.replaceChildren(h("p", { class: "ml-ps-verdict is-blank" }, ["Choose an answer first, then press Check."]));
        return;
      }
      if (item.answer_type === "mark" && answer === undefined) setAnswer(item.id, []);
      setSteps(item.id, { attempts: stepsOf(item.id).attempts + 1, checked: true });
      draw(view);
    });
    view.more.addEventListener("click", () => {
      if (!stepsOf(item.id).attempts) return;
      setSteps(item.id, { bigger_hint: true });
      draw(view);
    });
    view.show.addEventListener("click", () => {
      if (!stepsOf(item.id).attempts) return;
      setSteps(item.id, { answer_shown: true });
      draw(view);
    });
    list.append(card);
  });

  // Draw one item from the model: its answer, the verdict for the answer as checked, and the ladder's steps.
  function draw(view) {
    const { item } = view;
    const answer = (model.get("answers") || {})[item.id];
    const steps = stepsOf(item.id);
    if (item.answer_type === "mark") {
      const marked = new Set(answer || []);
      for (const [text, button] of view.buttons) button.setAttribute("aria-pressed", marked.has(text) ? "true" : "false");
      view.marked.textContent = answer === undefined || !marked.size ? "You have marked nothing." :
        `You have marked: ${item.phrases.filter((p) => marked.has(p.text)).map((p) => `“${p.text}”`).join(", ")}.`;
    } else {
      for (const input of view.radios) input.checked = input.value === answer;
    }
    const open = steps.attempts > 0;
    view.more.disabled = !open || steps.bigger_hint;
    view.show.disabled = !open || steps.answer_shown;
    view.locked.hidden = open;

    const parts = [];
    const right = answer !== undefined && answer !== null && isRight(item, answer);
    if (steps.checked && answer !== undefined && answer !== null) {
      view.card.setAttribute("data-result", right ? "right" : "not-yet");
      parts.push(h("p", { class: `ml-ps-verdict ${right ? "is-right" : "is-not-yet"}` }, [
        h("span", { class: "ml-ps-icon", "aria-hidden": "true" }, [right ? "✓" : "✗"]),
        right ? " Right." : ` Not yet (you ${item.answer_type === "mark" ? "" : "chose "}${describeAnswer(item, answer)}).`,
      ]));
      parts.push(right
        ? h("p", { class: "ml-ps-why" }, [h("strong", {}, ["Why: "]), whyRight(item, answer)])
        : h("p", { class: "ml-ps-hint" }, [h("strong", {}, ["Hint: "]), targetedHint(item, answer)]));
    } else {
      view.card.removeAttribute("data-result");
      if (open && !steps.answer_shown) {
        parts.push(h("p", { class: "ml-ps-verdict is-blank" }, ["You changed your answer: press Check to see if it is right."]));
      }
    }
    if (steps.bigger_hint) parts.push(h("p", { class: "ml-ps-bigger" }, [h("strong", {}, ["Bigger hint: "]), item.bigger_hint]));
    if (steps.answer_shown) parts.push(h("p", { class: "ml-ps-answer" }, [h("strong", {}, ["Answer: "]), item.answer]));
    view.feedback.replaceChildren(...parts);
  }

  const drawAll = () => {
    if (saving) return;
    for (const view of views.values()) draw(view);
  };
  model.on("change:answers", drawAll);
  model.on("change:ladder", drawAll);
  drawAll();
  return () => {
    model.off("change:answers", drawAll);
    model.off("change:ladder", drawAll);
  };
}

/** The student's work in a few lines, for the "My work" page (called by the site's widget runtime). */
export function summarize({ model }) {
  const items = model.get("items") || [];
  const answers = model.get("answers") || {};
  const ladder = model.get("ladder") || {};
  const lines = [];
  items.forEach((item, i) => {
    const answer = answers[item.id];
    const steps = ladder[item.id] || {};
    if (answer === undefined && !steps.attempts) return;
    const verdict = steps.checked && answer !== undefined ? (isRight(item, answer) ? "right" : "not yet right") : "not checked";
    const help = [steps.bigger_hint ? "bigger hint seen" : "", steps.answer_shown ? "answer shown" : ""].filter(Boolean);
    lines.push(`Item ${i + 1} (${whereFrom(item)}): ${describeAnswer(item, answer)}; ${verdict}` +
      `${steps.attempts ? `, ${steps.attempts} check${steps.attempts === 1 ? "" : "s"}` : ""}${help.length ? `; ${help.join(", ")}` : ""}.`);
  });
  if (!lines.length) lines.push("No answers.");
  return { title: `Practice set: ${model.get("title")}`, lines };
}

export default { render, summarize };
