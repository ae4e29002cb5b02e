"""One table, scenario x peer: absolute figures, ratios ours ÷ peer, goals met or not.

Printed to the terminal and written to ``docs/benchmarks.md`` with the machine's
description. The "Optimisation log" section at the end of that file is kept as it is
when the file is written again.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

from .goals import judge
from .plan import PEER_SHORT, PEER_TITLES, Plan
from .results import Metric, Results, Value

LOG_HEADING = "## Optimisation log"
EMPTY_LOG = f"""{LOG_HEADING}

Each change to the proxy made for speed, with the row it moves, before and after
(same machine, `make bench`).

| change | row | before | after |
|---|---|---|---|
"""
RATIO_PEERS = ("direct", "nginx", "jsp")


def number(value: Value) -> str:
    """A value as the table shows it."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if math.isnan(value):
        return "—"
    size = abs(value)
    if value == int(value) and size < 1e7:
        return f"{int(value):,}"
    if size >= 1000:
        return f"{value:,.0f}"
    if size >= 100:
        return f"{value:.0f}"
    if size >= 10:
        return f"{value:.1f}"
    if size >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def _ratio(metric: Metric, peer: str) -> str:
    ratio = metric.ratio(peer)
    # A ratio of differences near or below zero (added latency) says nothing.
    if ratio is None or ratio <= 0:
        return "—"
    return f"{ratio:.0f}x" if ratio >= 100 else f"{ratio:.2g}x"


def columns(plan: Plan, results: Results) -> tuple[list[str], list[str]]:
    """The peer columns and the ratio columns this run has."""
    present = [p for p in plan.peers if any(p in m.values for m in results.metrics.values())]
    ratios = [p for p in RATIO_PEERS if p in present] if "ours" in present else []
    return present, ratios


def rows(
    plan: Plan, results: Results, titles: dict[str, str] = PEER_TITLES
) -> tuple[list[str], list[list[str]]]:
    """Header and body of the table as text cells."""
    peers, ratios = columns(plan, results)
    header = ["Scenario", "Metric", *(titles[p] for p in peers)]
    header += [f"ours÷{titles[p]}" for p in ratios] + ["Goal (ours)", "Met"]
    body = []
    previous = ""
    for metric in results.metrics.values():
        scenario = metric.scenario if metric.scenario != previous else ""
        previous = metric.scenario
        arrow = "↑" if metric.higher_is_better else "↓"
        goal, met = judge(metric)
        cells = [scenario, f"{metric.label} {arrow}"]
        cells += [number(metric.values.get(p)) for p in peers]
        cells += [_ratio(metric, p) for p in ratios] + [goal, met]
        body.append(cells)
    return header, body


def terminal(plan: Plan, results: Results) -> str:
    """The table for a terminal: scenarios as headings, aligned columns."""
    header, body = rows(plan, results, PEER_SHORT)
    header = header[1:]
    lines: list[list[str]] = []
    for cells in body:
        if cells[0]:
            lines.append([f"[{cells[0]}]"])
        lines.append(cells[1:])
    widths = [max(len(r[i]) for r in [header, *lines] if len(r) > i) for i in range(len(header))]
    widths[0] = max(len(r[0]) for r in [header, *lines] if len(r) > 1)

    def line(cells: list[str]) -> str:
        if len(cells) == 1:
            return cells[0]
        first = cells[0].ljust(widths[0])
        rest = [c.rjust(w) for c, w in zip(cells[1:-2], widths[1:-2], strict=True)]
        return "  ".join([first, *rest, cells[-2].ljust(widths[-2]), cells[-1]]).rstrip()

    rule = "-" * (sum(widths) + 2 * (len(widths) - 1))
    out = [line(header), rule, *(line(c) for c in lines)]
    if results.notes:
        out += ["", "Notes:", *(f"- {n}" for n in results.notes)]
    return "\n".join(out)


def markdown_table(plan: Plan, results: Results) -> str:
    """The table in Markdown."""
    header, body = rows(plan, results)
    align = ["---", "---"] + ["---:"] * (len(header) - 4) + ["---", "---"]

    def row(cells: list[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    return "\n".join([row(header), row(align), *(row(c) for c in body)])


def _kept_log(path: Path) -> str:
    try:
        text = path.read_text()
    except OSError:
        return EMPTY_LOG
    index = text.find(LOG_HEADING)
    return text[index:] if index >= 0 else EMPTY_LOG


def write_markdown(
    path: Path,
    plan: Plan,
    results: Results,
    *,
    machine: dict[str, str],
    command: str,
    date: str,
    minutes: float,
    method: Callable[[Plan], str],
) -> None:
    """Write ``docs/benchmarks.md``, keeping its optimisation log."""
    log = _kept_log(path)
    machine_lines = "\n".join(f"| {k} | {v} |" for k, v in machine.items())
    notes = "\n".join(f"- {n}" for n in results.notes) or "- none"
    text = f"""# Benchmarks

opencode-proxy side by side with nginx and jupyter-server-proxy (what Kubeflow notebook
images proxy with today), measured in one run on one machine. Regenerate with
`make bench`; this file was written by that command, except the optimisation log at
the end, which is kept across runs.

- Date: {date}
- Command: `{command}`{" (quick smoke run: smaller sizes, shorter runs)" if plan.quick else ""}
- Run time: {minutes:.1f} minutes, installs included

## Machine

| | |
|---|---|
{machine_lines}

## Results

Ratios are ours (one worker) ÷ the peer, for every row: above 1 means a bigger number
for ours, which is better for rows marked ↑ and worse for rows marked ↓. "—" means the
figure does not apply (a proxy's memory when there is no proxy) or could not be taken.

{markdown_table(plan, results)}

Notes from this run:

{notes}

## How it is measured

{method(plan)}

{log}"""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
