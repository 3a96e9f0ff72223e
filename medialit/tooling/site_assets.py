"""Serve the widget runtime from the built site itself, and refuse widgets it cannot show (a Sphinx extension).

myst-nb saves each page's widget state into the HTML and, by default, loads
require.js, ipywidgets' html-manager and every widget's front end from public
CDNs to show it. The course site must work with no network and show its widgets
quickly, so it uses its own small runtime instead (medialit/tooling/widget_runtime.js,
which explains what it does and why): this extension copies it to
``_static/medialit/widget-runtime.js`` and checks, at build time, that

- ``nb_ipywidgets_js`` in _config.yml names exactly that file, as a non-blocking
  (async or deferred) classic script, so no page loads a widget runtime from
  another host or waits for one;
- every saved widget on every page is one the runtime can show: an anywidget
  (``AnyModel``) or the layout/style models ipywidgets attaches to it. A page
  with any other widget (an ipywidgets slider, a VBox) fails the build, with its
  name, rather than showing an empty box on the published site.

Enabled in _config.yml with ``sphinx: extra_extensions: [medialit.tooling.site_assets]``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

RUNTIME_SOURCE = Path(__file__).with_name("widget_runtime.js")
# Where the runtime is served, relative to _static/ (the form nb_ipywidgets_js uses).
RUNTIME_STATIC_PATH = "medialit/widget-runtime.js"
STATE_TYPE = "application/vnd.jupyter.widget-state+json"

# (model module, model name) pairs the runtime shows or can ignore.
SHOWN_MODELS = {("anywidget", "AnyModel")}
ATTACHED_MODELS = {("@jupyter-widgets/base", "LayoutModel"), ("@jupyter-widgets/base", "StyleModel")}


class SiteAssetError(RuntimeError):
    """The widget runtime is not wired as the site needs, or a page holds a widget it cannot show."""


def check_widget_js_config(ipywidgets_js: dict[str, dict[str, Any]]) -> None:
    """Refuse a configuration that loads any other widget runtime, or loads ours so it blocks the page."""
    expected = f'nb_ipywidgets_js:\n  {RUNTIME_STATIC_PATH}:\n    async: ""'
    if set(ipywidgets_js) != {RUNTIME_STATIC_PATH}:
        raise SiteAssetError(
            f"nb_ipywidgets_js names {sorted(ipywidgets_js)}; the course site serves its own widget runtime, "
            f"so _config.yml (sphinx: config:) must read\n{expected}"
        )
    attributes = ipywidgets_js[RUNTIME_STATIC_PATH] or {}
    if not ({"defer", "async"} & set(attributes)) or attributes.get("type") == "module":
        raise SiteAssetError(
            f"{RUNTIME_STATIC_PATH} must load as an async (or deferred) classic script: it must not hold up the "
            f"page, and module scripts do not run on pages opened from disk; got {attributes!r}. Use\n{expected}"
        )


def unshowable_widgets(state: dict[str, Any]) -> list[str]:
    """Describe every saved widget model in ``state`` (a widget-state document) the runtime cannot show."""
    problems = []
    for model_id, model in sorted(state.get("state", {}).items()):
        kind = (model.get("model_module"), model.get("model_name"))
        if kind not in SHOWN_MODELS and kind not in ATTACHED_MODELS:
            problems.append(f"{model_id} ({kind[0]} {kind[1]})")
    return problems


def _on_builder_inited(app: Any) -> None:
    if app.builder.format != "html":
        return
    check_widget_js_config(app.config.nb_ipywidgets_js)
    target = Path(app.outdir) / "_static" / RUNTIME_STATIC_PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    # Copied before pages are written so Sphinx adds its ?v=<checksum> cache-buster to the script tag.
    shutil.copyfile(RUNTIME_SOURCE, target)


def _on_page_context(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    _drop_repeated_inline_scripts(scripts)
    runtime_before_state(scripts)
    for script in scripts:
        attributes = getattr(script, "attributes", {})
        if attributes.get("type") == STATE_TYPE:
            problems = unshowable_widgets(json.loads(attributes.get("body") or "{}"))
            if problems:
                raise SiteAssetError(
                    f"{pagename} displays widgets the site's runtime cannot show: {', '.join(problems)}. "
                    "The published site shows anywidget widgets only (medialit/tooling/widget_runtime.js): "
                    "display a medialit.widgets widget (or another anywidget) directly, not inside an ipywidgets "
                    "container or control."
                )


def runtime_before_state(scripts: list) -> None:
    """Put the runtime's script tag before the page's saved widget state (in place).

    myst-nb writes the state (often hundreds of KB: the detector lab's word list) before the runtime's tag, so
    the browser found the runtime only after parsing the whole state and began fetching it late (2.9 s on a slow
    phone). The runtime is async and starts once the page is parsed, so an earlier tag only starts its download
    sooner; it never runs before the state and the views are in the page.
    """
    state = next((i for i, s in enumerate(scripts) if getattr(s, "attributes", {}).get("type") == STATE_TYPE), None)
    runtime = next((i for i, s in enumerate(scripts)
                    if str(getattr(s, "filename", "") or "").split("?")[0].endswith(RUNTIME_STATIC_PATH)), None)
    if state is not None and runtime is not None and runtime > state:
        tag = scripts.pop(runtime)
        # Sphinx sorts the page's scripts by priority (a stable sort) when it writes them: give the runtime the
        # state's priority, as a copy, since the original is shared by every page.
        priority = getattr(scripts[state], "priority", None)
        if priority is not None and getattr(tag, "priority", priority) > priority:
            tag = type(tag)(tag.filename, priority=priority, **tag.attributes)
        scripts.insert(state, tag)


def _drop_repeated_inline_scripts(scripts: list) -> None:
    # sphinx-thebe's settings script lands on each page twice, and its second
    # `const THEBE_JS_URL` is a SyntaxError in the browser. An identical inline
    # script never needs to run twice, so later copies are removed.
    kept: list = []
    keys: set[tuple] = set()
    for script in scripts:
        if not getattr(script, "filename", None):
            key = tuple(sorted(getattr(script, "attributes", {}).items()))
            if key in keys:
                continue
            keys.add(key)
        kept.append(script)
    scripts[:] = kept


def setup(app: Any) -> dict[str, Any]:
    """Sphinx entry point."""
    app.connect("builder-inited", _on_builder_inited)
    # After myst-nb (priority 500) has added the per-page widget scripts.
    app.connect("html-page-context", _on_page_context, priority=900)
    return {"version": "2", "parallel_read_safe": True, "parallel_write_safe": True}
