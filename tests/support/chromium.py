"""How the browser tests launch Debian's Chromium (never a browser Playwright downloads)."""

CHROMIUM = "/usr/bin/chromium"
# Without the networking flags Chromium calls Google's services at start, which this
# machine's closed network refuses; --no-sandbox because tests may run as root.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]
