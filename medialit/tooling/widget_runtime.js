/*
 * The course site's widget runtime: shows the saved anywidget widgets of a page without a kernel.
 *
 * myst-nb writes each page's widget state (application/vnd.jupyter.widget-state+json) and one
 * view tag per displayed widget (application/vnd.jupyter.widget-view+json) into the HTML. The
 * usual reader of those tags is ipywidgets' html-manager: a 3.6 MB bundle plus require.js that
 * starts only after the page's load event, which put the first usable widget seconds after the
 * text (benchmarks/README.md). Every widget of this course is an anywidget, whose front end is a
 * plain ES module with `render({model, el})`, so this file does the html-manager's job for
 * exactly that kind of widget, following anywidget's own front end (anywidget 0.11, dist/index.js):
 *
 *   - the model a module sees has get / set / on / off / save_changes / send / widget_manager,
 *     with Backbone's event semantics (`change:<name>` then `change`, fired only for values that
 *     really changed; handlers removed by name, callback and context);
 *   - `_css` becomes a <style id="<_anywidget_id>"> in <head>, once per widget class;
 *   - `_esm` is imported from a blob: URL, once per distinct module text;
 *   - the module's default export (an object, or a function returning one) gives `initialize`,
 *     called once per model, and `render`, called once per view; a module that exports `render`
 *     directly is accepted too, as anywidget does.
 *
 * Views are placed as the html-manager places them: a div.widget-subarea inserted before the
 * view tag, holding the element the module renders into. With no kernel, save_changes and send
 * have nobody to talk to and do nothing. medialit/tooling/site_assets.py fails the build when a
 * page holds any other kind of widget, so nothing here has to guess how to draw one.
 *
 * Loaded as a classic async script, not a module: Chromium refuses module scripts on pages opened
 * from disk (file://), and the site must work from a downloaded copy. Async rather than deferred so
 * it need not wait for the theme's deferred scripts (fontawesome.js alone is 1.5 MB): it starts
 * when parsing ends, ~180 ms sooner on loopback (benchmarks/README.md).
 */
(function () {
  "use strict";

  var STATE_TYPE = "application/vnd.jupyter.widget-state+json";
  var VIEW_TYPE = "application/vnd.jupyter.widget-view+json";
  var RENDERABLE_MODULE = "anywidget";

  function isEqual(a, b) {
    if (a === b) return true;
    if (a === null || b === null || typeof a !== "object" || typeof b !== "object") {
      return a !== a && b !== b; // NaN equals NaN, as in Backbone's _.isEqual
    }
    if (Array.isArray(a) !== Array.isArray(b)) return false;
    if (a instanceof DataView || b instanceof DataView) {
      if (!(a instanceof DataView && b instanceof DataView) || a.byteLength !== b.byteLength) return false;
      for (var i = 0; i < a.byteLength; i++) if (a.getUint8(i) !== b.getUint8(i)) return false;
      return true;
    }
    var keysA = Object.keys(a);
    var keysB = Object.keys(b);
    if (keysA.length !== keysB.length) return false;
    return keysA.every(function (key) {
      return Object.prototype.hasOwnProperty.call(b, key) && isEqual(a[key], b[key]);
    });
  }

  function decodeBase64(text) {
    var bytes = atob(text);
    var view = new Uint8Array(bytes.length);
    for (var i = 0; i < bytes.length; i++) view[i] = bytes.charCodeAt(i);
    return new DataView(view.buffer);
  }

  // Binary traits are saved beside the state as base64 buffers with the path to put them at.
  function stateWithBuffers(saved) {
    var state = Object.assign({}, saved.state || {});
    (saved.buffers || []).forEach(function (buffer) {
      if (buffer.encoding !== "base64") {
        throw new Error("saved widget buffer with unsupported encoding " + JSON.stringify(buffer.encoding));
      }
      var holder = state;
      var path = buffer.path;
      for (var i = 0; i < path.length - 1; i++) holder = holder[path[i]];
      holder[path[path.length - 1]] = decodeBase64(buffer.data);
    });
    return state;
  }

  function Model(id, state, manager) {
    this.model_id = id;
    this.widget_manager = manager;
    this._attributes = state;
    this._handlers = [];
  }

  Model.prototype.get = function (name) {
    return this._attributes[name];
  };

  Model.prototype.set = function (key, value, options) {
    var changes;
    if (key !== null && typeof key === "object") {
      changes = key;
      options = value;
    } else {
      changes = {};
      changes[key] = value;
    }
    options = options || {};
    var changed = [];
    for (var name in changes) {
      if (!isEqual(this._attributes[name], changes[name])) {
        this._attributes[name] = changes[name];
        changed.push(name);
      }
    }
    var model = this;
    changed.forEach(function (name) {
      model.trigger("change:" + name, model, model._attributes[name], options);
    });
    if (changed.length) this.trigger("change", this, options);
    return this;
  };

  // Nothing to synchronise with: the static page has no kernel.
  Model.prototype.save_changes = function () {};
  Model.prototype.send = function () {};

  function noKernel() {
    return Promise.reject(new Error("this page has no Python kernel to call"));
  }

  Model.prototype.on = function (names, callback, context) {
    var model = this;
    String(names).split(/\s+/).filter(Boolean).forEach(function (name) {
      model._handlers.push({ name: name, callback: callback, context: context });
    });
    return this;
  };

  Model.prototype.off = function (names, callback, context) {
    var wanted = names ? String(names).split(/\s+/).filter(Boolean) : null;
    this._handlers = this._handlers.filter(function (handler) {
      var matches = (!wanted || wanted.indexOf(handler.name) !== -1)
        && (!callback || handler.callback === callback)
        && (!context || handler.context === context);
      return !matches;
    });
    return this;
  };

  Model.prototype.trigger = function (name) {
    var args = Array.prototype.slice.call(arguments, 1);
    // A handler may remove itself or others while running: iterate over a copy, as Backbone does.
    this._handlers.slice().forEach(function (handler) {
      if (handler.name === name) handler.callback.apply(handler.context, args);
    });
  };

  // What anywidget hands a module: the model's methods, with on/off bound to one context so a
  // view's handlers can be told apart from another's.
  function modelProxy(model, context) {
    return {
      get: model.get.bind(model),
      set: model.set.bind(model),
      save_changes: model.save_changes.bind(model),
      send: model.send.bind(model),
      on: function (name, callback) { model.on(name, callback, context); },
      off: function (name, callback) { model.off(name, callback, context); },
      widget_manager: model.widget_manager,
    };
  }

  function Manager(savedModels) {
    this._saved = savedModels;
    this._models = {};
    this._modules = {};
    this._initialized = {};
    this._kept = {};
    this._keys = {};
  }

  // ---- keeping the student's work --------------------------------------------------------------
  // A widget class lists the traits that hold the student's work in its synced `_keep` trait
  // (Highlighter: selection, checked, ...). On the static site there is no kernel and no notebook file
  // to hold them, so they are kept in the browser's localStorage through window.medialitWork
  // (_static/work.js, which also documents the format) and put back into the model before the widget
  // first renders, so the widget draws the student's work as if they had never left. The entry's key
  // hashes every other saved trait (the text, the key, the prompts): a new edition of the course with
  // changed data finds no entry instead of restoring stale marks into changed text. In JupyterLab this
  // runtime does not run: there the kernel's traits are the truth and nothing is restored (see README).
  // Traits that describe the view or the code, not the exercise: a CSS or JS fix must not lose work.
  var NOT_IDENTITY = /^(_esm|_css|_keep|layout|_dom_classes|tabbable|tooltip|_model_.*|_view_.*)$/;

  Manager.prototype.keepWork = function (id, model, widget, order) {
    if (this._kept[id]) return;
    this._kept[id] = true;
    var work = window.medialitWork;
    var names = model.get("_keep");
    if (!work || !work.available() || !Array.isArray(names) || !names.length) return;
    var initial = this._saved[id].state || {};
    var identity = {};
    Object.keys(initial).sort().forEach(function (name) {
      if (names.indexOf(name) === -1 && !NOT_IDENTITY.test(name)) identity[name] = initial[name];
    });
    var widgetHash = work.hash(JSON.stringify(identity));
    // The same exercise twice on one page gets two entries.
    this._keys[widgetHash] = (this._keys[widgetHash] || 0) + 1;
    var key = work.pageId() + ":widget:" + widgetHash + (this._keys[widgetHash] > 1 ? "-" + this._keys[widgetHash] : "");
    var stored = work.read(key);
    if (stored && stored.widgetHash === widgetHash && stored.state && typeof stored.state === "object") {
      names.forEach(function (name) {
        if (Object.prototype.hasOwnProperty.call(stored.state, name)) model._attributes[name] = stored.state[name];
      });
    }
    var getter = { get: model.get.bind(model) };
    model.on("change", function () {
      var state = {};
      var untouched = true;
      names.forEach(function (name) {
        state[name] = model.get(name);
        if (!isEqual(state[name], initial[name])) untouched = false;
      });
      if (untouched) {
        work.remove(key);  // back to the page's starting state (Reset): nothing to keep or list
        return;
      }
      var summary = { title: "Exercise", lines: [] };
      try {
        if (typeof widget.summarize === "function") summary = widget.summarize({ model: getter }) || summary;
      } catch (error) {
        console.warn("[medialit widget runtime] could not summarise a widget's work:", error);
      }
      work.write(key, { kind: "widget", id: widgetHash, order: order, widgetHash: widgetHash, state: state,
        title: summary.title, summary: summary.lines });
    }, "medialit-work");
  };

  Manager.prototype.get_model = function (id) {
    var saved = this._saved[id];
    if (!saved) return Promise.reject(new Error("no saved widget model with id " + id + " on this page"));
    if (!this._models[id]) this._models[id] = new Model(id, stateWithBuffers(saved), this);
    return Promise.resolve(this._models[id]);
  };

  Manager.prototype.widgetDefinition = function (esm) {
    if (!this._modules[esm]) {
      this._modules[esm] = (async function () {
        var url = URL.createObjectURL(new Blob([esm], { type: "text/javascript" }));
        var module;
        try {
          module = await import(url);
        } finally {
          URL.revokeObjectURL(url);
        }
        if (module.render) return { render: module.render, summarize: module.summarize };
        if (!module.default) throw new Error("the widget's module has no default export");
        return typeof module.default === "function" ? await module.default() : module.default;
      })();
    }
    return this._modules[esm];
  };

  Manager.prototype.render = async function (viewTag, order) {
    var area = document.createElement("div");
    area.className = "widget-subarea";
    viewTag.parentNode.insertBefore(area, viewTag);
    var el = document.createElement("div");
    area.appendChild(el);
    var view = JSON.parse(viewTag.textContent);
    var model = await this.get_model(view.model_id);
    var saved = this._saved[view.model_id];
    if (saved.model_module !== RENDERABLE_MODULE) {
      throw new Error("the course's static widget runtime shows anywidget widgets only, not "
        + saved.model_module + " " + saved.model_name);
    }
    el.className = ["jupyter-widgets", "anywidget"].concat(model.get("_dom_classes") || []).join(" ");
    var layout = model.get("layout");  // a reference "IPY_MODEL_<id>" to the view's LayoutModel
    applyLayout(el, typeof layout === "string" ? this._saved[layout.replace(/^IPY_MODEL_/, "")] : null);
    addStyle(model.get("_anywidget_id"), model.get("_css"));
    var widget = await this.widgetDefinition(model.get("_esm"));
    this.keepWork(view.model_id, model, widget, order);
    var signal = new AbortController().signal;  // never aborted: a static page never disposes a view
    var experimental = { invoke: noKernel };
    if (!this._initialized[view.model_id]) {
      this._initialized[view.model_id] = Promise.resolve(
        widget.initialize && widget.initialize({ model: modelProxy(model, "initialize"), signal: signal, experimental: experimental }));
    }
    await this._initialized[view.model_id];
    if (widget.render) {
      await widget.render({ model: modelProxy(model, el), el: el, signal: signal, experimental: experimental });
    }
  };

  // The saved LayoutModel's set properties are CSS properties with "_" for "-".
  function applyLayout(el, layout) {
    var state = (layout && layout.state) || {};
    Object.keys(state).forEach(function (name) {
      if (name.charAt(0) !== "_" && state[name] !== null && state[name] !== "") {
        el.style.setProperty(name.replace(/_/g, "-"), state[name]);
      }
    });
  }

  function addStyle(id, css) {
    if (!css || document.querySelector("style[id='" + CSS.escape(String(id)) + "']")) return;
    var style = document.createElement("style");
    style.id = String(id);
    style.appendChild(document.createTextNode(css));
    document.head.appendChild(style);
  }

  function showFailure(viewTag, error) {
    console.error("[medialit widget runtime] a widget could not be shown:", error);
    var area = viewTag.previousElementSibling;
    if (!area || !area.classList.contains("widget-subarea")) return;
    area.textContent = "";
    var note = document.createElement("p");
    note.setAttribute("role", "status");
    note.className = "medialit-widget-failure";
    note.textContent = "This interactive exercise could not start (" + error.message
      + "). Reloading the page may help; the text around it does not depend on it.";
    area.appendChild(note);
  }

  function start() {
    var saved = {};
    document.querySelectorAll('script[type="' + STATE_TYPE + '"]').forEach(function (tag) {
      Object.assign(saved, JSON.parse(tag.textContent).state);
    });
    var manager = new Manager(saved);
    document.querySelectorAll('script[type="' + VIEW_TYPE + '"]').forEach(function (viewTag, order) {
      // Its place among the page's widgets and note boxes (work.js), for the My work page's order.
      if (window.medialitWork && window.medialitWork.positionOf) order = window.medialitWork.positionOf(viewTag);
      manager.render(viewTag, order).catch(function (error) { showFailure(viewTag, error); });
    });
  }

  // Start as soon as the page is parsed ("interactive"), before the theme's deferred scripts run.
  if (document.readyState === "loading") {
    document.addEventListener("readystatechange", function once() {
      document.removeEventListener("readystatechange", once);
      start();
    });
  } else {
    start();
  }
})();
