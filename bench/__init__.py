"""Side-by-side benchmark of opencode-proxy against nginx and jupyter-server-proxy, and
of the web UI's first load against upstream's own web app.

Run it with ``make bench`` or ``python -m bench`` (``--help`` lists the options). It
installs what it needs, starts every peer and a fast upstream for each scenario on
loopback, measures, prints one table and writes ``docs/benchmarks.md``.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATE_DIR = ROOT / ".bench"
