"""The command line: options -> plan -> run."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from . import ROOT
from .plan import PEER_TITLES, PEERS, SCENARIO_HELP, SCENARIOS, Plan
from .procs import Interrupted
from .run import run

DEFAULT_OUTPUT = ROOT / "docs" / "benchmarks.md"


def _choices(text: str, allowed: tuple[str, ...], what: str) -> tuple[str, ...]:
    picked = tuple(part.strip() for part in text.split(",") if part.strip())
    unknown = [p for p in picked if p not in allowed]
    if unknown or not picked:
        raise argparse.ArgumentTypeError(
            f"unknown {what} {', '.join(unknown) or '(none)'}; choose from {', '.join(allowed)}"
        )
    # Table order, whatever order they were given in.
    return tuple(a for a in allowed if a in picked)


def parser() -> argparse.ArgumentParser:
    """The argument parser."""
    scenarios = "; ".join(f"{k}: {v}" for k, v in SCENARIO_HELP.items())
    peers = "; ".join(f"{k}: {v}" for k, v in PEER_TITLES.items())
    p = argparse.ArgumentParser(
        prog="python -m bench",
        description="Benchmark opencode-proxy side by side with nginx and "
        "jupyter-server-proxy on loopback, print one table, write docs/benchmarks.md.",
    )
    p.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: smaller bodies, fewer streams, shorter runs (under 2 minutes); "
        "does not write docs/benchmarks.md unless --output is given",
    )
    p.add_argument(
        "--scenarios",
        type=lambda t: _choices(t, SCENARIOS, "scenario"),
        default=SCENARIOS,
        help=f"comma-separated scenarios to run (default: all). {scenarios}",
    )
    p.add_argument(
        "--peers",
        type=lambda t: _choices(t, PEERS, "peer"),
        default=PEERS,
        help=f"comma-separated peers to measure (default: all). {peers}",
    )
    p.add_argument(
        "--output",
        type=Path,
        default=None,
        help="write the report here (default: docs/benchmarks.md for a full run of "
        "every scenario and peer, nowhere otherwise)",
    )
    p.add_argument("--no-write", action="store_true", help="print the table only")
    p.add_argument(
        "--no-pin",
        action="store_true",
        help="do not pin the proxy to CPU 0 and the load side to CPU 1",
    )
    p.add_argument(
        "--no-install",
        action="store_true",
        help="do not install nginx, wrk, jupyter-server-proxy or OpenCode when missing",
    )
    return p


def main(argv: list[str] | None = None) -> None:
    """Entry point of ``python -m bench``."""
    args = parser().parse_args(argv)
    plan = Plan(scenarios=args.scenarios, peers=args.peers, pin=not args.no_pin)
    if args.quick:
        plan = plan.quicker()
    complete = not args.quick and args.scenarios == SCENARIOS and args.peers == PEERS
    output = args.output or (DEFAULT_OUTPUT if complete else None)
    if args.no_write:
        output = None
    command = shlex.join(["python", "-m", "bench", *(argv if argv is not None else sys.argv[1:])])
    try:
        run(plan, output=output, command=command, do_install=not args.no_install)
    except (KeyboardInterrupt, Interrupted):
        print("\ninterrupted: every process the benchmark started was stopped", file=sys.stderr)
        sys.exit(130)
