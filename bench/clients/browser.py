"""A web app's first load in real Chromium over an emulated network: bytes, requests, times.

Each run is a new browser context (an empty cache, empty storage) and one page, with
Chrome DevTools' ``Network.emulateNetworkConditions`` set before the page is asked for:
every request waits the profile's latency before its answer starts, and bodies flow at
its bandwidth. The page is loaded and timed until it is *ready*: the spec's ``ready``
(a JavaScript condition on the page) holds and the app's list of sessions (a request
whose URL matches the regular expression ``ready_fetch``) has arrived; checked on every
animation frame, so to within one frame of being painted.

Bytes are what crossed the (emulated) wire: the sum of ``encodedDataLength`` from
``Network.loadingFinished`` (headers and compressed bodies) of every request finished by
then, split by what the request was for (scripts, styles, the rest). Streams still open
(the app's event stream) count nothing; requests that finish within ``settle_s`` after
ready count too. Times are page time from the navigation's start:
``DOMContentLoaded`` and ``load`` from the navigation's timing entry, ready from the
condition. The result is the median of ``runs`` runs, each figure on its own, with every
run kept.
"""

from __future__ import annotations

import asyncio
import json
import statistics
from typing import Any

from playwright.async_api import BrowserContext, Page, async_playwright

from tests.support.chromium import CHROMIUM, CHROMIUM_ARGS

READY_TIMEOUT = 60.0
# Notes, in page time, when the app is ready (set before any of the page's own scripts).
_WATCH = """(() => {
  const fetched = new RegExp(%(fetch)s);
  const ready = () => { %(ready)s };
  const arrived = () => performance.getEntriesByType('resource')
    .some((entry) => fetched.test(entry.name) && entry.responseEnd > 0);
  const check = () => {
    if (window.__benchReady !== undefined) return;
    try {
      if (arrived() && ready()) { window.__benchReady = performance.now(); return; }
    } catch (error) {}
    requestAnimationFrame(check);
  };
  performance.setResourceTimingBufferSize(10000);
  requestAnimationFrame(check);
})();"""
KINDS = {"Script": "js", "Stylesheet": "css"}


async def _one_run(context: BrowserContext, spec: dict[str, Any]) -> dict[str, Any]:
    page: Page = await context.new_page()
    cdp = await context.new_cdp_session(page)
    kinds: dict[str, str] = {}
    done: dict[str, float] = {}
    requests: set[str] = set()

    def sent(event: dict[str, Any]) -> None:
        if not event["request"]["url"].startswith("data:"):
            requests.add(event["requestId"])

    def answered(event: dict[str, Any]) -> None:
        kinds[event["requestId"]] = KINDS.get(event["type"], "other")

    def finished(event: dict[str, Any]) -> None:
        if event["requestId"] in requests:
            done[event["requestId"]] = event["encodedDataLength"]

    cdp.on("Network.requestWillBeSent", sent)
    cdp.on("Network.responseReceived", answered)
    cdp.on("Network.loadingFinished", finished)
    await cdp.send("Network.enable")
    await cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    network = spec["network"]
    await cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": network["rtt_ms"],
            "downloadThroughput": network["down_mbit"] * 1e6 / 8,
            "uploadThroughput": network["up_mbit"] * 1e6 / 8,
        },
    )
    await page.goto(spec["url"], wait_until="commit")
    await page.wait_for_function(
        "() => window.__benchReady !== undefined", timeout=READY_TIMEOUT * 1000, polling=100
    )
    await page.wait_for_load_state("load")
    # A moment for requests already on the wire to finish (they are counted).
    await asyncio.sleep(spec["settle_s"])
    timing = await page.evaluate(
        """() => {
          const nav = performance.getEntriesByType('navigation')[0];
          return { dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd,
                   ready: window.__benchReady };
        }"""
    )
    await page.close()
    split = {"js": 0.0, "css": 0.0, "other": 0.0}
    for request_id, size in done.items():
        split[kinds.get(request_id, "other")] += size
    return {
        "bytes": sum(split.values()),
        "js_bytes": split["js"],
        "css_bytes": split["css"],
        "other_bytes": split["other"],
        "requests": len(requests),
        "dcl_ms": timing["dcl"],
        "load_ms": timing["load"],
        "ready_ms": timing["ready"],
    }


async def first_load(spec: dict[str, Any]) -> dict[str, Any]:
    """``runs`` cold first loads of ``url``; the median of each figure, and every run."""
    watch = _WATCH % {"fetch": json.dumps(spec["ready_fetch"]), "ready": spec["ready"]}
    runs: list[dict[str, Any]] = []
    error = None
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for _ in range(spec["warmup"] + spec["runs"]):
                context = await browser.new_context(
                    viewport=spec.get("viewport", {"width": 1280, "height": 800}),
                    color_scheme="light",
                )
                await context.add_init_script(watch)
                for script in spec.get("init_scripts", []):
                    await context.add_init_script(script)
                try:
                    runs.append(await _one_run(context, spec))
                except Exception as exc:
                    error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:120]}"
                    break
                finally:
                    await context.close()
        finally:
            await browser.close()
    counted = runs[spec["warmup"] :]
    figures = ("bytes", "js_bytes", "css_bytes", "other_bytes", "requests", "dcl_ms")
    medians = {
        key: statistics.median(run[key] for run in counted) if counted else None
        for key in (*figures, "load_ms", "ready_ms")
    }
    return {**medians, "runs": runs, "error": error}
