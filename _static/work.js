// The student's work, kept in this browser (localStorage): written notes, widget state, and the "My work" page.
//
// Jupyter Book 1 links every .js file in the top-level _static/ folder on every page, as a plain script in <head>.
// So this file runs before the page is parsed to the end, and before the widget runtime
// (medialit/tooling/widget_runtime.js, an async script that starts once parsing is done) looks for
// window.medialitWork to restore and save widget state. Nothing here leaves the browser: there is no server.
//
// Storage format (one localStorage entry per thing the student did, all under one prefix, so "Start over"
// can remove exactly the course's entries and nothing else stored on the same origin; on file:// pages every
// local file shares one origin):
//   key   "medialit-work:v1:<page>:<what>", page = the page's path from the site root ("book/article.html")
//   value JSON {kind: "note" | "widget", page, pageTitle, id, title, order, savedAt, ...}
//     note:   {prompt, text}
//     widget: {widgetHash, state: {trait: value}, summary: [line, ...]}
// A widget's entry is keyed by a hash of the widget's data (its text, key and prompts), so a new edition of
// the course whose text changed does not pour old marks into new words: the old entry is simply not found.
(function () {
  "use strict";

  var PREFIX = "medialit-work:v1:";

  function storage() {
    // Some browsers refuse localStorage on file:// pages or in private windows: then nothing is kept.
    try {
      var store = window.localStorage;
      var probe = PREFIX + "probe";
      store.setItem(probe, "1");
      store.removeItem(probe);
      return store;
    } catch (error) {
      return null;
    }
  }

  // cyrb53, a small, well-mixed 53-bit string hash: enough to tell editions of a widget's data apart.
  function hash(text) {
    var h1 = 0xdeadbeef;
    var h2 = 0x41c6ce57;
    for (var i = 0; i < text.length; i++) {
      var ch = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ ch, 2654435761);
      h2 = Math.imul(h2 ^ ch, 1597334677);
    }
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
  }

  function siteRoot() {
    return new URL(document.documentElement.getAttribute("data-content_root") || "./", location.href).href;
  }

  // The page's path from the site root, the same whether the site is served or opened from disk.
  function pageId(href) {
    var root = new URL(document.documentElement.getAttribute("data-content_root") || "./", location.href).href;
    var here = (href ? new URL(href, location.href) : new URL(location.href));
    here.hash = "";
    here.search = "";
    var path = here.href.indexOf(root) === 0 ? here.href.slice(root.length) : here.pathname;
    return path || "index.html";
  }

  function pageTitle() {
    var heading = document.querySelector("main h1, article h1, h1");
    return heading ? heading.textContent.replace(/[#¶]\s*$/, "").trim() : document.title;
  }

  function read(key) {
    var store = storage();
    if (!store) return null;
    try {
      return JSON.parse(store.getItem(PREFIX + key) || "null");
    } catch (error) {
      return null; // an entry damaged by hand is treated as absent, not as an error on every page
    }
  }

  function write(key, record) {
    var store = storage();
    if (!store) return false;
    record.page = record.page || pageId();
    record.pageTitle = record.pageTitle || pageTitle();
    record.savedAt = new Date().toISOString();
    try {
      store.setItem(PREFIX + key, JSON.stringify(record));
      return true;
    } catch (error) {
      return false; // storage full: the page keeps working, the status line says it is not kept
    }
  }

  function remove(key) {
    var store = storage();
    if (store) store.removeItem(PREFIX + key);
  }

  function list() {
    var store = storage();
    var records = [];
    if (!store) return records;
    for (var i = 0; i < store.length; i++) {
      var key = store.key(i);
      if (key && key.indexOf(PREFIX) === 0) {
        try {
          var record = JSON.parse(store.getItem(key));
          if (record && typeof record === "object") {
            record.key = key.slice(PREFIX.length);
            records.push(record);
          }
        } catch (error) { /* skip a damaged entry */ }
      }
    }
    return records;
  }

  // The discernment check also keeps each form under its own key (medialit/widgets/discernment_check.js,
  // which JupyterLab uses too); starting over must clear those answers as well, or they would come back.
  var OTHER_PREFIXES = ["medialit-check:"];

  function clearAll() {
    var store = storage();
    if (!store) return 0;
    var keys = [];
    for (var i = 0; i < store.length; i++) {
      var key = store.key(i);
      if (key && (key.indexOf(PREFIX) === 0 || OTHER_PREFIXES.some(function (p) { return key.indexOf(p) === 0; }))) {
        keys.push(key);
      }
    }
    keys.forEach(function (key) { store.removeItem(key); });
    return keys.length;
  }

  // Where a note box or a widget stands on its page, so My work lists them in the page's own order.
  var PLACES = '.ml-notes[data-notes-id], script[type="application/vnd.jupyter.widget-view+json"]';
  function positionOf(element) {
    return Array.prototype.indexOf.call(document.querySelectorAll(PLACES), element);
  }

  // ---- note boxes: <div class="ml-notes" data-notes-id="..."> written by the {notes} directive ----------------

  var SAVED_TEXT = "Kept in this browser as you type. Your notes are listed on ";
  var NOT_SAVED_TEXT = "This browser does not allow the page to keep notes: copy your text somewhere safe.";

  function setUpNotes() {
    var boxes = document.querySelectorAll(".ml-notes[data-notes-id]");
    var kept = Boolean(storage());
    boxes.forEach(function (box) {
      var area = box.querySelector("textarea");
      var status = box.querySelector(".ml-notes-status");
      var label = box.querySelector(".ml-notes-prompt");
      if (!area) return;
      var key = pageId() + ":notes:" + box.getAttribute("data-notes-id");
      var saved = read(key);
      if (saved && typeof saved.text === "string" && !area.value) area.value = saved.text;
      if (status) {
        status.textContent = kept ? SAVED_TEXT : NOT_SAVED_TEXT;
        if (kept) {
          var link = make("a", "", "My work");
          link.href = siteRoot() + "book/my-work.html";
          status.append(link, document.createTextNode("."));
        }
      }
      area.addEventListener("input", function () {
        if (area.value.trim() === "") {
          remove(key); // an emptied box is not "work" to list or hand in
          return;
        }
        var ok = write(key, {
          kind: "note", id: box.getAttribute("data-notes-id"), order: positionOf(box),
          title: label ? label.textContent.trim() : "Notes", text: area.value,
        });
        if (status && !ok) status.textContent = NOT_SAVED_TEXT;
      });
    });
  }

  // ---- the My work page: <div id="ml-my-work"> in book/my-work.md ---------------------------------------------

  function make(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // Pages in the order of the book's table of contents (the sidebar), so work is listed chapter by chapter.
  function chapterOrder() {
    var order = {};
    var links = document.querySelectorAll(".bd-sidebar-primary nav a.reference.internal, nav.bd-docs-nav a.reference.internal");
    var n = 0;
    links.forEach(function (link) {
      var id = pageId(link.getAttribute("href"));
      if (!(id in order)) order[id] = n++;
    });
    return order;
  }

  function grouped() {
    var order = chapterOrder();
    var records = list();
    records.sort(function (a, b) {
      var pa = a.page in order ? order[a.page] : 1e6;
      var pb = b.page in order ? order[b.page] : 1e6;
      return pa - pb || String(a.page).localeCompare(String(b.page)) || (a.order || 0) - (b.order || 0);
    });
    var chapters = [];
    records.forEach(function (record) {
      var last = chapters[chapters.length - 1];
      if (!last || last.page !== record.page) {
        last = { page: record.page, title: record.pageTitle || record.page, items: [] };
        chapters.push(last);
      }
      last.items.push(record);
    });
    return chapters;
  }

  function itemLines(record) {
    if (record.kind === "note") return String(record.text || "").split("\n");
    return Array.isArray(record.summary) ? record.summary.map(String) : [];
  }

  function asMarkdown(chapters) {
    var out = ["# My work", "", "Reading the news closely: one report from Deir Ezzor, 2018", "",
      "Saved from this browser on " + new Date().toISOString().slice(0, 10) + ".", ""];
    chapters.forEach(function (chapter) {
      out.push("## " + chapter.title, "");
      chapter.items.forEach(function (record) {
        out.push("### " + (record.title || "Untitled"), "");
        itemLines(record).forEach(function (line) {
          out.push(record.kind === "note" ? (line ? "> " + line : ">") : "- " + line);
        });
        out.push("");
      });
    });
    if (!chapters.length) out.push("Nothing saved yet.", "");
    return out.join("\n");
  }

  function download(name, type, text) {
    var link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([text], { type: type }));
    link.download = name;
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 0);
  }

  // ---- moving work between browsers: the JSON export, imported by merging --------------------------------------

  var MAX_IMPORT_BYTES = 5 * 1024 * 1024;
  var ACTION_WORDS = { add: "New", replace: "Newer than here, replaces this browser's", keep: "Older than here, left out" };

  // The discernment check's own entries ("medialit-check:<case>:<edition>:<form>"), exported beside the records.
  function otherEntries() {
    var store = storage();
    var out = {};
    if (!store) return out;
    for (var i = 0; i < store.length; i++) {
      var key = store.key(i);
      if (key && OTHER_PREFIXES.some(function (p) { return key.indexOf(p) === 0; })) {
        try { out[key] = JSON.parse(store.getItem(key)); } catch (error) { /* a damaged entry is not exported */ }
      }
    }
    return out;
  }

  function isRecord(value) {
    return value && typeof value === "object" && !Array.isArray(value) && (value.kind === "note" || value.kind === "widget")
      && typeof value.page === "string" && typeof value.savedAt === "string" && !isNaN(Date.parse(value.savedAt));
  }

  // A form of the check is further along when it is finished, or else has more answers.
  function checkProgress(entry) {
    if (!entry || typeof entry !== "object" || typeof entry.responses !== "object" || !entry.responses) return -1;
    return (entry.finished ? 1e6 : 0) + Object.keys(entry.responses).length;
  }

  /**
   * What importing `data` (a parsed export) would do, entry by entry, without changing anything: add what this
   * browser lacks, replace what the file has newer (by savedAt), keep what this browser has newer. Entries that
   * are not the course's are listed as refused, with the reason, never dropped silently.
   */
  function planImport(data) {
    if (!data || typeof data !== "object" || data.format !== PREFIX || !Array.isArray(data.chapters)) {
      throw new Error("it is not a My work export of this course (it has no \"format\": \"" + PREFIX + "\" with chapters).");
    }
    var steps = [];
    var refused = [];
    data.chapters.forEach(function (chapter, c) {
      (chapter && Array.isArray(chapter.items) ? chapter.items : []).forEach(function (record, n) {
        var where = "item " + (n + 1) + " of chapter " + (c + 1);
        if (!isRecord(record) || typeof record.key !== "string" || !record.key || record.key.indexOf(PREFIX) === 0) {
          refused.push(where + " is not a saved note or widget of this course");
          return;
        }
        var clean = JSON.parse(JSON.stringify(record));
        delete clean.key;
        var here = read(record.key);
        var label = (record.pageTitle || record.page) + ": " + (record.title || "Untitled");
        var action = !here ? "add" : JSON.stringify(here) === JSON.stringify(clean) ? "same"
          : Date.parse(record.savedAt) > Date.parse(here.savedAt || 0) ? "replace" : "keep";
        steps.push({ action: action, label: label, key: PREFIX + record.key, value: clean });
      });
    });
    var other = data.other && typeof data.other === "object" ? data.other : {};
    Object.keys(other).forEach(function (key) {
      if (!OTHER_PREFIXES.some(function (p) { return key.indexOf(p) === 0; }) || checkProgress(other[key]) < 0) {
        refused.push("“" + key.slice(0, 60) + "” is not a saved form of the discernment check");
        return;
      }
      var store = storage();
      var here = null;
      try { here = store ? JSON.parse(store.getItem(key) || "null") : null; } catch (error) { here = null; }
      var label = "Discernment check, form “" + key.split(":").pop() + "”";
      var action = !here ? "add" : JSON.stringify(here) === JSON.stringify(other[key]) ? "same"
        : checkProgress(other[key]) > checkProgress(here) ? "replace" : "keep";
      steps.push({ action: action, label: label, key: key, value: other[key] });
    });
    return { steps: steps, refused: refused };
  }

  /** Carry out a plan from planImport; returns how many entries were written. */
  function applyImport(plan) {
    var store = storage();
    if (!store) return 0;
    var n = 0;
    plan.steps.forEach(function (step) {
      if (step.action !== "add" && step.action !== "replace") return;
      try {
        store.setItem(step.key, JSON.stringify(step.value));
        n += 1;
      } catch (error) { /* storage full: counted as not written */ }
    });
    return n;
  }

  function setUpMyWork() {
    var host = document.getElementById("ml-my-work");
    if (!host) return;
    host.textContent = "";
    var status = make("p", "ml-work-status");
    status.setAttribute("role", "status");
    var tools = make("div", "ml-work-tools");
    var printButton = make("button", "ml-work-button ml-work-print", "Print or save as PDF");
    var mdButton = make("button", "ml-work-button ml-work-md", "Download as Markdown");
    var jsonButton = make("button", "ml-work-button ml-work-json", "Download as JSON");
    var importButton = make("button", "ml-work-button ml-work-import", "Import a JSON export…");
    var resetButton = make("button", "ml-work-button ml-work-reset", "Start over…");
    [printButton, mdButton, jsonButton, importButton, resetButton].forEach(function (b) { b.type = "button"; tools.appendChild(b); });
    // The file chooser itself is hidden; the Import button opens it, so the keyboard meets one button.
    var importInput = make("input", "ml-work-import-file");
    importInput.type = "file";
    importInput.accept = ".json,application/json";
    importInput.hidden = true;
    importInput.setAttribute("aria-label", "Choose a my-work.json file to import");
    tools.appendChild(importInput);
    var importBox = make("div", "ml-work-import-preview");
    importBox.hidden = true;
    importBox.setAttribute("role", "group");
    importBox.setAttribute("aria-labelledby", "ml-work-import-text");
    var importText = make("p", "", "");
    importText.id = "ml-work-import-text";
    var importList = make("ul", "ml-work-import-list");
    var importYes = make("button", "ml-work-button ml-work-import-yes", "Import");
    var importNo = make("button", "ml-work-button ml-work-import-no", "Cancel");
    importYes.type = importNo.type = "button";
    importBox.append(importText, importList, importYes, importNo);
    var confirmBox = make("div", "ml-work-confirm");
    confirmBox.hidden = true;
    confirmBox.setAttribute("role", "group");
    confirmBox.setAttribute("aria-labelledby", "ml-work-confirm-text");
    var confirmText = make("p", "", "");
    confirmText.id = "ml-work-confirm-text";
    var yes = make("button", "ml-work-button ml-work-confirm-yes", "Yes, delete all my work");
    var no = make("button", "ml-work-button ml-work-confirm-no", "Cancel");
    yes.type = no.type = "button";
    confirmBox.append(confirmText, yes, no);
    var body = make("div", "ml-work-body");
    host.append(tools, confirmBox, importBox, status, body);

    function draw() {
      var chapters = grouped();
      body.textContent = "";
      if (!storage()) {
        body.appendChild(make("p", "ml-work-empty", NOT_SAVED_TEXT.replace("notes", "work")));
        return chapters;
      }
      if (!chapters.length) {
        body.appendChild(make("p", "ml-work-empty",
          "Nothing saved yet. Your marks, answers and notes appear here as soon as you make them on a chapter's page."));
      }
      chapters.forEach(function (chapter) {
        var section = make("section", "ml-work-chapter");
        var heading = make("h2", "", "");
        var link = make("a", "", chapter.title);
        link.href = siteRoot() + chapter.page;
        heading.appendChild(link);
        section.appendChild(heading);
        chapter.items.forEach(function (record) {
          var item = make("div", "ml-work-item ml-work-" + record.kind);
          item.appendChild(make("h3", "", record.title || "Untitled"));
          if (record.kind === "note") {
            var quote = make("blockquote", "ml-work-text");
            String(record.text || "").split("\n").forEach(function (line) { quote.appendChild(make("p", "", line)); });
            item.appendChild(quote);
          } else {
            var lines = make("ul", "ml-work-lines");
            itemLines(record).forEach(function (line) { lines.appendChild(make("li", "", line)); });
            item.appendChild(lines);
          }
          item.appendChild(make("p", "ml-work-when", "Last changed " + new Date(record.savedAt).toLocaleString()));
          section.appendChild(item);
        });
        body.appendChild(section);
      });
      return chapters;
    }

    printButton.addEventListener("click", function () { window.print(); });
    mdButton.addEventListener("click", function () {
      download("my-work.md", "text/markdown", asMarkdown(grouped()));
      status.textContent = "Downloaded my-work.md.";
    });
    jsonButton.addEventListener("click", function () {
      var data = { course: "medialit deir-ezzor-2018", format: PREFIX, exported: new Date().toISOString(),
        chapters: grouped(), other: otherEntries() };
      download("my-work.json", "application/json", JSON.stringify(data, null, 2));
      status.textContent = "Downloaded my-work.json. Import it on the My work page of another browser to carry on there.";
    });
    importInput.addEventListener("change", function () {
      var file = importInput.files && importInput.files[0];
      importInput.value = ""; // choosing the same file again fires "change" again
      if (!file) return;
      if (file.size > MAX_IMPORT_BYTES) {
        showImportError("“" + file.name + "” is " + Math.round(file.size / 1024) + " KB; an export of this course is far smaller. Choose the my-work.json this page downloaded.");
        return;
      }
      var reader = new FileReader();
      reader.onload = function () { previewImport(file.name, String(reader.result)); };
      reader.onerror = function () { showImportError("The file “" + file.name + "” could not be read."); };
      reader.readAsText(file);
    });

    var pendingPlan = null;
    function showImportError(text) {
      pendingPlan = null;
      importBox.hidden = false;
      importList.textContent = "";
      importYes.hidden = true;
      importText.textContent = text;
      importNo.textContent = "Close";
      importNo.focus();
    }
    function previewImport(name, text) {
      var plan;
      try {
        plan = planImport(JSON.parse(text));
      } catch (error) {
        showImportError("“" + name + "” cannot be imported: " + (error instanceof SyntaxError ? "it is not valid JSON." : error.message));
        return;
      }
      pendingPlan = plan;
      importBox.hidden = false;
      importList.textContent = "";
      var counts = { add: 0, replace: 0, keep: 0, same: 0 };
      plan.steps.forEach(function (step) {
        counts[step.action] += 1;
        if (step.action === "same") return;
        importList.appendChild(make("li", "ml-work-import-" + step.action, ACTION_WORDS[step.action] + ": " + step.label));
      });
      plan.refused.forEach(function (reason) { importList.appendChild(make("li", "ml-work-import-refused", "Left out: " + reason)); });
      var changes = counts.add + counts.replace;
      importText.textContent = "“" + name + "”: " + counts.add + " new, " + counts.replace + " newer than here, " +
        counts.keep + " older than what this browser has (kept as it is), " + counts.same + " the same." +
        (changes ? " Nothing changes until you press Import." : " Importing would change nothing.");
      importYes.hidden = !changes;
      importNo.textContent = "Cancel";
      (changes ? importYes : importNo).focus();
    }
    importYes.addEventListener("click", function () {
      if (!pendingPlan) return;
      var n = applyImport(pendingPlan);
      pendingPlan = null;
      importBox.hidden = true;
      draw();
      status.textContent = "Imported " + n + " " + (n === 1 ? "item" : "items") + ". Open a chapter to carry on where you left off.";
      importButton.focus();
    });
    importNo.addEventListener("click", function () {
      pendingPlan = null;
      importBox.hidden = true;
      status.textContent = "Nothing was imported.";
      importButton.focus();
    });
    importButton.addEventListener("click", function () { importInput.click(); });
    resetButton.addEventListener("click", function () {
      var n = list().length;
      confirmText.textContent = n
        ? "Delete all " + n + " saved " + (n === 1 ? "item" : "items") + " (marks, answers and notes on every page) from this browser? This cannot be undone: download a copy first if you want to keep it."
        : "There is nothing saved to delete.";
      yes.hidden = !n;
      confirmBox.hidden = false;
      (n ? no : no).focus();
    });
    no.addEventListener("click", function () {
      confirmBox.hidden = true;
      status.textContent = "Nothing was deleted.";
      resetButton.focus();
    });
    yes.addEventListener("click", function () {
      var n = clearAll();
      confirmBox.hidden = true;
      draw();
      status.textContent = "Deleted " + n + " saved " + (n === 1 ? "item" : "items") + ". You can start the course afresh.";
      resetButton.focus();
    });
    // Work done in another tab shows up here without a reload.
    window.addEventListener("storage", function (event) {
      if (!event.key || event.key.indexOf(PREFIX) === 0) draw();
    });
    draw();
  }

  window.medialitWork = {
    prefix: PREFIX, available: function () { return Boolean(storage()); }, hash: hash, pageId: pageId,
    pageTitle: pageTitle, positionOf: positionOf, read: read, write: write, remove: remove, list: list, clearAll: clearAll,
    asMarkdown: function () { return asMarkdown(grouped()); }, planImport: planImport, applyImport: applyImport,
  };

  function start() {
    setUpNotes();
    setUpMyWork();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
