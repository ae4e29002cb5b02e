"""How each figure is taken, in words, for the report (with the plan's own numbers)."""

from __future__ import annotations

import textwrap

from .first_load import DESKTOP, PHONE, PHONE_VIEWPORT, SETTLE_S
from .plan import Plan

WIDTH = 88


def _bullets(items: list[str]) -> str:
    return "\n".join(
        textwrap.fill(" ".join(item.split()), WIDTH, initial_indent="- ", subsequent_indent="  ")
        for item in items
    )


def describe(plan: Plan) -> str:
    """The method section of docs/benchmarks.md."""
    pinning = (
        """The proxy under test runs alone on CPU 0; the upstreams, the load generators and
        the harness share CPU 1 (`sched_setaffinity`, as `taskset` does). With two workers,
        ours may use both CPUs, so that column also competes with the load side: on a
        2-core machine it shows what a second worker costs or buys there, not what it
        would on more cores. When CPU 1 was 90 % busy or more during a measurement, the
        notes say so: that figure is then a limit of the load side (a lower bound for the
        peer), which is typical for direct and nginx. The CPU figures count every process
        on the machine, so other work running at the same time shows up there too."""
        if plan.pin
        else "Nothing is pinned (`--no-pin`): every process may run on any CPU."
    )
    return _bullets(
        [
            """Everything runs on 127.0.0.1. Peers: **direct** (the client talks to the
            upstream); **nginx** (our own `nginx -c` process, `worker_processes 1`, an
            `upstream` block with `keepalive`, `proxy_http_version 1.1`, request bodies
            streamed with `proxy_request_buffering off`, 256 KiB body buffers like ours
            (its 4-16 KiB defaults about halve its large-body throughput here),
            `proxy_buffering off` for event streams; the configuration is in
            `bench/nginx.py`); **jupyter-server-proxy** (`jupyter server` with token,
            password and XSRF checks off, reached at `/proxy/<port>/`, otherwise default
            settings); **ours** (`python -m opencode_proxy --rate-limit 0 --max-streams 0
            --log-level warning`, one worker; "2 workers" adds `--workers 2`).""",
            pinning,
            """Each peer is started fresh for each scenario and stopped after it; only one
            peer runs at a time (except for OpenCode, below). The upstreams are separate
            processes: nginx serving static files (a second nginx process, for the small
            GET and the download), an aiohttp upload sink, an event source on raw asyncio,
            an aiohttp websocket echo, and the real OpenCode server with
            `tools/fake_model.py`.""",
            f"""**Small GET**: `wrk -t1 -c{plan.get_connections} -d{plan.get_seconds}s
            --latency` on a 1 KiB file, {plan.get_runs} run(s) after a
            {plan.get_warmup_seconds} s warm-up; the median run (by requests/s) is shown
            whole.""",
            f"""**Large bodies**: a GET of a {plan.body_bytes:,}-byte file and a POST of as
            many bytes with a Content-Length, by an aiohttp client, each {plan.body_runs}
            time(s) in a row; MB/s is the median transfer's (MB = 10^6 bytes). Peak RSS is
            the kernel's high-water mark (`VmHWM`, reset through `/proc/PID/clear_refs`
            before each transfer) summed over the proxy's processes; growth is peak minus
            RSS before; both are the largest over the transfers. jupyter-server-proxy
            buffers whole bodies and, with its defaults, refuses responses over 100 MiB
            (its tornado HTTP client's `max_body_size`: 599) and requests over 512 MiB
            (jupyter-server's `max_body_size`: 400 or a reset connection).""",
            f"""**SSE fan-out**: {plan.sse_streams:,} streams are opened and each gets an
            `open` event; then the upstream sends {plan.sse_events} events on each, one
            every 100 ms (spread over ten 10 ms slots), each carrying its send time
            (`CLOCK_MONOTONIC`, shared by all processes). Latency is arrival minus send
            time; "added" is the peer's percentile minus direct's (it can come out slightly
            negative: the load side shares one CPU, so direct is not free of queueing
            either). Lost = events the upstream wrote minus events that arrived.""",
            f"""**Idle streams**: {plan.idle_streams:,} streams opened (200 at a time) and
            held; memory per stream = (proxy RSS with all open - RSS just after start) /
            streams opened. nginx allocates its connection table when it starts, so its
            figure counts only what comes on top. The upstream ends the streams afterwards.
            A proxy needs two descriptors per stream, so the count is capped by the
            machine's open-files hard limit (see the notes).""",
            f"""**Websocket echo**: {plan.ws_connections} connections, each sending a
            {plan.ws_message_bytes}-byte text message and waiting for its echo, for
            {plan.ws_seconds} s after a 0.5 s warm-up, cut into {plan.ws_windows} windows;
            the rate is the median window's, the percentiles are over all round trips. One
            round trip = one message each way.""",
            f"""**OpenCode**: all peers run at once; the client keeps `/event` open through
            each, creates one session per peer, and times `POST
            /session/{{id}}/prompt_async` to the first `message.part.delta` of that
            session. Prompts go round the peers in turn ({plan.prompt_warmup} uncounted
            rounds, then {plan.prompts}), because OpenCode keeps getting faster over its
            first prompts; median per peer. The fake model waits 20 ms before its first
            word, and OpenCode itself varies by tens of milliseconds, so only large
            differences here mean anything.""",
            f"""**First load**: Debian's Chromium (Playwright, headless) loads a web app cold
            (a new browser context each time: empty cache and storage; DevTools'
            `Network.setCacheDisabled` as well) over a network emulated by DevTools'
            `Network.emulateNetworkConditions`: {DESKTOP["rtt_ms"]} ms added before each
            answer starts, {DESKTOP["down_mbit"]} Mbit/s down, {DESKTOP["up_mbit"]}
            Mbit/s up (phone: {PHONE["rtt_ms"]} ms, {PHONE["down_mbit"]}/{PHONE["up_mbit"]}
            Mbit/s, Lighthouse's "Slow 4G", at {PHONE_VIEWPORT["width"]} px). The latency
            is per request (loopback's own connection set-up costs nothing), over HTTP/1.1
            for both. **ours** is our UI at `<prefix>/` through the proxy, the
            benchmark's OpenCode server seeded as its only server, ready when the workspace
            says "Connected to ..." with "New session" enabled and the server's sessions
            have arrived; **direct** is upstream's web app as `opencode serve` itself
            serves it at `/`, ready when its home shows the session search box and its
            `GET /api/session` has arrived (each checked on every animation frame). Bytes
            on the wire are the sum of `encodedDataLength` (headers and bodies as sent,
            compressed where they were) from DevTools' `Network.loadingFinished` for every
            request finished by ready plus {SETTLE_S} s, split by DevTools' resource type
            (scripts, styles, the rest: page, fonts, icons, API calls); an event stream
            still open counts nothing. KB = 1,000 bytes. Times are page time from the
            navigation's start: `DOMContentLoaded` and `load` from the navigation's
            timing entry, ready from the condition above. One uncounted load, then the
            median of {plan.first_load_runs} for each figure; the phone profile reports
            its ready time only (its bytes are the same), the median of
            {plan.first_load_phone_runs}. Chromium runs on the load side's
            CPU, so page times include its own work there.""",
            """The goals column judges ours with one worker. Load clients are Python
            (aiohttp on uvloop) except wrk; raw client output, CPU shares included, is kept
            in `.bench/last-run.json`.""",
        ]
    )
