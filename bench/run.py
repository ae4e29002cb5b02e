"""One benchmark run: install, start upstreams, run the scenarios, report, clean up."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from . import STATE_DIR, install, machine, method, report
from .plan import LOAD_CPUS, Plan
from .procs import ALL_CPUS, Supervisor, interruptible, raise_open_files
from .results import Results
from .scenarios import SCENARIO_RUNNERS, Bench
from .upstreams import Upstreams

RAW_RESULTS = STATE_DIR / "last-run.json"
WORK_PREFIX = "opencode-bench-"
OWNER_FILE = "harness.pid"
# Descriptors a proxy needs besides its streams: listening socket, logs, pipes, imports.
SPARE_FILES = 200


def prepare(plan: Plan, say: Callable[[str], None]) -> None:
    """Install whatever the plan's peers and scenarios need and is missing."""
    if "nginx" in plan.peers or {"get", "body"} & set(plan.scenarios):
        install.ensure_debian_tools(say)
    if "jsp" in plan.peers:
        install.ensure_jupyter_server_proxy(say)
    if {"opencode", "first_load"} & set(plan.scenarios):
        install.ensure_opencode(say)
    if "first_load" in plan.scenarios:
        install.ensure_chromium(say)


def run(
    plan: Plan,
    *,
    output: Path | None,
    command: str,
    do_install: bool,
    say: Callable[[str], None] = print,
) -> Results:
    """Measure everything the plan asks for; print the table; write it when asked."""
    started = time.monotonic()
    load = machine.load_average()
    date = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    STATE_DIR.mkdir(exist_ok=True)
    if do_install:
        prepare(plan, say)
    results = Results()
    limit = raise_open_files()
    fits = (limit - SPARE_FILES) // 2
    if "idle" in plan.scenarios and fits < plan.idle_streams:
        # A proxy holds two sockets per stream; a process here may not open more files.
        results.note(
            f"idle streams: {fits:,} instead of {plan.idle_streams:,}, because a process "
            f"on this machine may open at most {limit:,} files (hard limit) and a proxy "
            "needs two per stream"
        )
        say(results.notes[-1])
        plan = replace(plan, idle_streams=fits)
    if plan.pin and LOAD_CPUS <= ALL_CPUS:
        # The harness is part of the load side: keep it off the proxy's CPU.
        os.sched_setaffinity(0, LOAD_CPUS)
    _sweep_stale_work_dirs()
    work = Path(tempfile.mkdtemp(prefix=WORK_PREFIX))
    (work / OWNER_FILE).write_text(str(os.getpid()))
    (work / "logs").mkdir()
    supervisor = Supervisor(work / "logs", pin=plan.pin)
    upstreams = Upstreams(supervisor, work, plan)
    try:
        with interruptible():
            say("starting upstreams ...")
            upstreams.start()
            bench = Bench(plan, supervisor, work, upstreams, results, say)
            for scenario in plan.scenarios:
                SCENARIO_RUNNERS[scenario](bench)
    finally:
        upstreams.stop()
        supervisor.stop_all()
        shutil.rmtree(work, ignore_errors=True)
        os.sched_setaffinity(0, ALL_CPUS)
    minutes = (time.monotonic() - started) / 60
    say("")
    say(report.terminal(plan, results))
    say(f"\ntook {minutes:.1f} minutes")
    RAW_RESULTS.write_text(json.dumps(results.raw, indent=1, default=str))
    if output is not None:
        report.write_markdown(
            output,
            plan,
            results,
            machine=machine.describe(load),
            command=command,
            date=date,
            minutes=minutes,
            method=method.describe,
        )
        say(f"wrote {output}")
    return results


def _sweep_stale_work_dirs() -> None:
    """Remove temp dirs left by a harness that was killed outright (SIGKILL skips cleanup)."""
    for stale in Path(tempfile.gettempdir()).glob(WORK_PREFIX + "*"):
        try:
            owner = int((stale / OWNER_FILE).read_text())
        except (OSError, ValueError):
            continue
        if not Path(f"/proc/{owner}").exists():
            shutil.rmtree(stale, ignore_errors=True)
