"""Weigh and time one load of a site page in Chromium, optionally on a simulated slow phone.

Shared by the slow-phone benchmark (``benchmarks/run.py slow-phone``) and the page-weight test
(``tests/browser/test_page_weight.py``), so the test counts bytes exactly as the benchmark does:

- **bytes transferred**: the sum of Chromium's ``encodedDataLength`` (DevTools protocol event
  ``Network.loadingFinished``) over every request the page makes until the load event, the first
  usable widget and network quiet: headers plus body as they crossed the wire, so compressed
  when the server compresses (Python's ``http.server``, which the tests and the benchmark use, does not);
- **first widget usable**: milliseconds from navigation start until the frame after a widget's first
  control (an enabled button, input, select or textarea, or an element with a non-negative tabindex,
  inside a ``.widget-subarea`` the site's runtime rendered) is in the page and laid out, and the
  main thread has run a task after that frame: the first moment a click or key on it can be handled;
- **load event**, **DOMContentLoaded** and **first contentful paint**, from the page's own
  Performance entries.

The slow phone (``SLOW_PHONE``) is the issue's profile: 1.6 Mbit/s down, 750 kbit/s up, 150 ms
latency (``Network.emulateNetworkConditions``) and the CPU slowed 4x (``Emulation.setCPUThrottlingRate``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DeviceProfile:
    """Network and CPU conditions Chromium emulates for a load."""

    name: str
    download_bits_per_second: float
    upload_bits_per_second: float
    latency_ms: float
    cpu_slowdown: float


SLOW_PHONE = DeviceProfile("slow phone", 1_600_000, 750_000, 150, 4)

# Recorded as window.__firstWidgetUsable (ms since navigation start); see the module docstring.
FIRST_WIDGET_USABLE_SCRIPT = """
(() => {
  const CONTROL = '.widget-subarea :is(button, input, select, textarea):not([disabled]),'
    + ' .widget-subarea [tabindex]:not([tabindex^="-"])';
  let seen = false;
  const check = () => {
    if (seen) return;
    for (const control of document.querySelectorAll(CONTROL)) {
      if (control.getClientRects().length > 0) {
        seen = true;
        requestAnimationFrame(() => setTimeout(() => { window.__firstWidgetUsable = performance.now(); }, 0));
        return;
      }
    }
  };
  new MutationObserver(check).observe(document, {subtree: true, childList: true, attributes: true,
                                                attributeFilter: ['disabled', 'tabindex', 'hidden', 'class', 'style']});
})();
"""

TIMINGS_SCRIPT = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  return {load_event_ms: nav.loadEventStart, dom_content_loaded_ms: nav.domContentLoadedEventStart,
          first_contentful_paint_ms: fcp ? fcp.startTime : null,
          widget_areas: document.querySelectorAll('.widget-subarea').length};
}"""


def measure_load(browser: Any, url: str, *, profile: DeviceProfile | None = None, expect_widget: bool = True,
                 timeout_ms: float = 60_000) -> dict[str, Any]:
    """Load ``url`` in a fresh browser context (nothing cached) and measure it as the module docstring says.

    ``browser`` is a Playwright ``Browser`` (Chromium). With ``expect_widget`` the load waits for the first
    usable widget and fails if none appears within ``timeout_ms``.
    """
    context = browser.new_context(service_workers="block")
    try:
        page = context.new_page()
        page.add_init_script(FIRST_WIDGET_USABLE_SCRIPT)
        cdp = context.new_cdp_session(page)
        transferred: list[float] = []
        urls: list[str] = []
        requested: dict[str, str] = {}
        cdp.on("Network.requestWillBeSent", lambda event: requested.__setitem__(event["requestId"], event["request"]["url"]))

        def finished(event: dict[str, Any]) -> None:
            transferred.append(event["encodedDataLength"])
            urls.append(requested.get(event["requestId"], "?"))

        cdp.on("Network.loadingFinished", finished)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        if profile is not None:
            cdp.send("Network.emulateNetworkConditions", {
                "offline": False,
                "latency": profile.latency_ms,
                "downloadThroughput": profile.download_bits_per_second / 8,
                "uploadThroughput": profile.upload_bits_per_second / 8,
            })
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": profile.cpu_slowdown})
        page.goto(url, wait_until="load", timeout=timeout_ms)
        first_widget = None
        if expect_widget:
            page.wait_for_function("window.__firstWidgetUsable !== undefined", timeout=timeout_ms)
            first_widget = page.evaluate("window.__firstWidgetUsable")
        page.wait_for_load_state("networkidle", timeout=timeout_ms)
        result = page.evaluate(TIMINGS_SCRIPT)
        result.update({
            "bytes": int(sum(transferred)),
            "requests": len(transferred),
            "first_widget_usable_ms": first_widget,
            "by_url": sorted(zip(transferred, urls), reverse=True),
        })
        return result
    finally:
        context.close()
