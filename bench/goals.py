"""The optimisation goals (issue 6, revised by issue 13): ratios and limits read off the table.

Each goal names the row it judges, says in words what it wants, and answers True (met),
False (not met) or None (not measured in this run). Ours means one worker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .results import Metric

MIB = 1024 * 1024


@dataclass(frozen=True)
class Goal:
    """A target for one row of the table."""

    key: str
    text: str
    test: Callable[[Metric], bool | None]


def _at_least(peer: str, factor: float) -> Callable[[Metric], bool | None]:
    def test(metric: Metric) -> bool | None:
        if metric.number(peer) is None:
            return None
        ratio = metric.ratio(peer)
        return ratio is not None and ratio >= factor

    return test


def _all(*tests: Callable[[Metric], bool | None]) -> Callable[[Metric], bool | None]:
    def test(metric: Metric) -> bool | None:
        answers = [t(metric) for t in tests]
        if False in answers:
            return False
        return None if None in answers else True

    return test


def _ours_below(limit: float) -> Callable[[Metric], bool | None]:
    def test(metric: Metric) -> bool | None:
        if "ours" not in metric.values:
            return None
        value = metric.number("ours")
        return value is not None and value < limit

    return test


def _ours_below_peer(peer: str) -> Callable[[Metric], bool | None]:
    def test(metric: Metric) -> bool | None:
        ours, theirs = metric.number("ours"), metric.number(peer)
        if ours is None or theirs is None:
            return None
        return ours < theirs

    return test


def _ours_is(expected: float) -> Callable[[Metric], bool | None]:
    def test(metric: Metric) -> bool | None:
        if "ours" not in metric.values:
            return None
        return metric.number("ours") == expected

    return test


GOALS = (
    Goal(
        "get.rps",
        "≥ 8x jupyter-server-proxy and ≥ 0.15x nginx",
        _all(_at_least("jsp", 8), _at_least("nginx", 0.15)),
    ),
    Goal("body.down.mbps", "≥ 0.9x nginx", _at_least("nginx", 0.9)),
    Goal("body.down.growth", "< 32 MiB", _ours_below(32)),
    Goal("body.up.mbps", "≥ 0.9x nginx", _at_least("nginx", 0.9)),
    Goal("body.up.growth", "< 32 MiB", _ours_below(32)),
    Goal("sse.added_p99", "below nginx's", _ours_below_peer("nginx")),
    Goal("sse.lost", "= 0", _ours_is(0)),
    Goal("idle.per_stream", "< 32 KiB", _ours_below(32)),
    Goal("ws.rate", "≥ 5x jupyter-server-proxy", _at_least("jsp", 5)),
    Goal("fl.bytes", "< 300 KB", _ours_below(300)),
)
BY_KEY = {goal.key: goal for goal in GOALS}


def judge(metric: Metric) -> tuple[str, str]:
    """The goal's text and "met", "not met" or "n/a" for a row ("", "" without a goal)."""
    goal = BY_KEY.get(metric.key)
    if goal is None:
        return "", ""
    answer = goal.test(metric)
    return goal.text, {True: "met", False: "not met", None: "n/a"}[answer]
