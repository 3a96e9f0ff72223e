"""The build-time checks of medialit.tooling.site_assets: the widget runtime's wiring and what it can show."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from medialit.tooling.site_assets import (
    RUNTIME_SOURCE,
    RUNTIME_STATIC_PATH,
    SiteAssetError,
    check_widget_js_config,
    unshowable_widgets,
)

ROOT = Path(__file__).resolve().parents[1]


def test_the_project_config_passes() -> None:
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    check_widget_js_config(config["sphinx"]["config"]["nb_ipywidgets_js"])
    assert RUNTIME_SOURCE.is_file()


@pytest.mark.parametrize(
    "config, message",
    [
        ({}, "must read"),
        ({"https://cdn.jsdelivr.net/npm/requirejs@2.3.8/require.js": {}, RUNTIME_STATIC_PATH: {"async": ""}}, "must read"),
        ({"vendor/npm/@jupyter-widgets/html-manager@1.0.15/dist/embed-amd.js": {}}, "must read"),
        ({RUNTIME_STATIC_PATH: {}}, "async \\(or deferred\\) classic script"),
        ({RUNTIME_STATIC_PATH: {"defer": "", "type": "module"}}, "async \\(or deferred\\) classic script"),
    ],
)
def test_other_runtime_configs_are_refused_with_the_fix(config: dict, message: str) -> None:
    with pytest.raises(SiteAssetError, match=message) as error:
        check_widget_js_config(config)
    assert f"{RUNTIME_STATIC_PATH}:\n    async: \"\"" in str(error.value), "the error must show the setting to use"


def model(module: str, name: str) -> dict:
    return {"model_module": module, "model_name": name, "model_module_version": "x", "state": {}}


def test_anywidgets_and_their_layouts_are_showable() -> None:
    state = {"state": {"a": model("anywidget", "AnyModel"), "b": model("@jupyter-widgets/base", "LayoutModel"),
                       "c": model("@jupyter-widgets/base", "StyleModel")}}
    assert unshowable_widgets(state) == []


def test_every_other_widget_is_named() -> None:
    state = {"state": {"s": model("@jupyter-widgets/controls", "IntSliderModel"), "a": model("anywidget", "AnyModel"),
                       "v": model("@jupyter-widgets/controls", "VBoxModel")}}
    assert unshowable_widgets(state) == ["s (@jupyter-widgets/controls IntSliderModel)",
                                         "v (@jupyter-widgets/controls VBoxModel)"]


class _Script:
    """Sphinx's script entry as far as the build step reads it (filename, attributes, priority)."""

    def __init__(self, filename: str | None = None, priority: int = 500, **attributes: str) -> None:
        self.filename, self.priority, self.attributes = filename, priority, attributes


def test_the_runtime_tag_is_moved_before_the_saved_state() -> None:
    from medialit.tooling.site_assets import RUNTIME_STATIC_PATH, STATE_TYPE, runtime_before_state

    theme, state, runtime, work = (_Script("theme.js"), _Script(type=STATE_TYPE, body="{}"),
                                   _Script(f"_static/{RUNTIME_STATIC_PATH}", **{"async": ""}), _Script("work.js"))
    scripts = [theme, state, runtime, work]
    runtime_before_state(scripts)
    assert scripts == [theme, runtime, state, work]
    # Sphinx writes them sorted by priority (stably): a later runtime gets the state's priority, in a copy.
    late = _Script(f"_static/{RUNTIME_STATIC_PATH}", priority=600, **{"async": ""})
    scripts = [theme, state, late, work]
    runtime_before_state(scripts)
    assert [s.filename for s in sorted(scripts, key=lambda s: s.priority)] == ["theme.js", f"_static/{RUNTIME_STATIC_PATH}",
                                                                              None, "work.js"]
    assert late.priority == 600 and scripts[1].attributes == {"async": ""}
    # A page without saved widgets, or with the runtime already first, is left as it is.
    for unchanged in ([theme, runtime, work], [theme, runtime, state, work]):
        copy = list(unchanged)
        runtime_before_state(copy)
        assert copy == unchanged


@pytest.mark.parametrize("chapter", ["machine", "loaded-language"])
def test_built_widget_pages_name_the_runtime_before_the_state(chapter: str) -> None:
    html = (Path(__file__).resolve().parents[1] / "_build" / "html" / "book" / f"{chapter}.html").read_text(
        encoding="utf-8")
    state = html.index('<script type="application/vnd.jupyter.widget-state+json">')
    runtime = html.index("_static/medialit/widget-runtime.js")
    assert runtime < state, f"{chapter}.html names the widget runtime after its saved widget state"
