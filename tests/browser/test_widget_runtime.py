"""The site's widget runtime (medialit/tooling/widget_runtime.js) gives a module what anywidget gives it.

A probe widget, built into a one-page book with the project's _config.yml and shown twice (two views of
one model), checks the parts of anywidget's contract the course's widgets rely on: shared state between
views, `change:<name>` and `change` events fired only for real changes, `off` removing one view's handler
only, `initialize` once per model, `_css` added once, the layout applied. A module that throws is
reported on the page and in the console; a page with a widget the runtime cannot show fails the build.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from support.fixture_book import FixturePage, register
from support.site import MYST_PAGE_HEAD, run_fixture_book_build

pytestmark = [pytest.mark.browser, pytest.mark.slow]


PROBE_PAGE = MYST_PAGE_HEAD + '''# Runtime probe

```{code-cell} ipython3
import anywidget
import traitlets
from IPython.display import display


class Probe(anywidget.AnyWidget):
    _esm = """
    function initialize({ model }) {
      window.probeInitializeCalls = (window.probeInitializeCalls || 0) + 1;
    }
    function render({ model, el }) {
      const add = (cls, text, onClick) => {
        const button = document.createElement("button");
        button.className = cls;
        button.textContent = text;
        button.addEventListener("click", onClick);
        el.appendChild(button);
        return button;
      };
      const counter = add("probe-add", "", () => { model.set("value", model.get("value") + 1); model.save_changes(); });
      const label = () => { counter.textContent = `value ${model.get("value")}`; };
      add("probe-same", "set the same values", () => {
        model.set("value", model.get("value"));
        model.set({ items: [...model.get("items")], nested: { a: [1, 2] } });
      });
      add("probe-detach", "stop following", () => model.off("change:value", label));
      let changes = 0;
      model.on("change:value", label);
      model.on("change", () => { changes += 1; el.dataset.changes = String(changes); });
      el.dataset.changes = "0";
      label();
    }
    export default { initialize, render };
    """
    _css = ".probe-add { outline: 3px solid rgb(1, 2, 3); }"
    value = traitlets.Int(0).tag(sync=True)
    items = traitlets.List([]).tag(sync=True)
    nested = traitlets.Dict({}).tag(sync=True)


probe = Probe(value=1, items=[1, 2], nested={"a": [1, 2]})
probe.layout.width = "321px"
display(probe)
display(probe)
```

```{code-cell} ipython3
class Broken(anywidget.AnyWidget):
    _esm = "export default { render() { throw new Error('probe module failed on purpose'); } };"


Broken()
```
'''

SLIDER_PAGE = MYST_PAGE_HEAD + '''# A widget the runtime cannot show

```{code-cell} ipython3
import ipywidgets

ipywidgets.IntSlider(value=3)
```
'''


register(FixturePage("probe", PROBE_PAGE))


@pytest.fixture(scope="module")
def probe_site(fixture_site: Path) -> Path:
    """The session's fixture book, which has the runtime probe as book/probe.html."""
    return fixture_site


@pytest.fixture
def probe_page(probe_site: Path, page: Page, page_watch, serve):
    with serve(probe_site) as url:
        page.goto(url + "book/probe.html")
        expect(page.locator(".probe-add")).to_have_count(2)
        yield page


def test_two_views_share_one_model(probe_page: Page, page_watch) -> None:
    first, second = probe_page.locator(".probe-add").all()
    expect(first).to_have_text("value 1")
    expect(second).to_have_text("value 1")
    first.click()
    expect(first).to_have_text("value 2")
    expect(second).to_have_text("value 2")
    assert probe_page.evaluate("window.probeInitializeCalls") == 1, "initialize must run once per model, not per view"
    page_watch.console_errors[:] = [e for e in page_watch.console_errors if "probe module failed on purpose" not in e]
    page_watch.assert_clean()


def test_change_events_fire_only_for_real_changes(probe_page: Page) -> None:
    views = probe_page.locator(".anywidget:has(.probe-add)")
    probe_page.locator(".probe-add").first.click()
    expect(views.first).to_have_attribute("data-changes", "1")
    # Equal values, including equal lists and dicts in new objects, change nothing.
    probe_page.locator(".probe-same").first.click()
    expect(views.first).to_have_attribute("data-changes", "1")
    expect(views.nth(1)).to_have_attribute("data-changes", "1")


def test_off_removes_only_that_views_handler(probe_page: Page) -> None:
    first, second = probe_page.locator(".probe-add").all()
    probe_page.locator(".probe-detach").first.click()
    second.click()
    expect(second).to_have_text("value 2")
    expect(first).to_have_text("value 1")


def test_css_once_and_layout_applied(probe_page: Page) -> None:
    styles = probe_page.evaluate(
        "[...document.querySelectorAll('head style')].filter((s) => s.textContent.includes('.probe-add')).length")
    assert styles == 1
    expect(probe_page.locator(".probe-add").first).to_have_css("outline-color", "rgb(1, 2, 3)")
    expect(probe_page.locator(".anywidget:has(.probe-add)").first).to_have_css("width", "321px")


def test_a_failing_module_is_reported_where_the_widget_was(probe_page: Page, page_watch) -> None:
    note = probe_page.locator(".medialit-widget-failure")
    expect(note).to_have_count(1)
    expect(note).to_contain_text("could not start (probe module failed on purpose)")
    expect(note).to_have_attribute("role", "status")
    assert any("probe module failed on purpose" in e for e in page_watch.console_errors), page_watch.console_errors


def test_a_widget_the_runtime_cannot_show_fails_the_build(tmp_path: Path) -> None:
    result = run_fixture_book_build(tmp_path, {"slider": SLIDER_PAGE})
    output = result.stdout + result.stderr
    assert result.returncode != 0, "the build accepted a page whose widget the site cannot show"
    assert "displays widgets the site's runtime cannot show" in output, output[-3000:]
    assert "@jupyter-widgets/controls IntSliderModel" in output, output[-3000:]
