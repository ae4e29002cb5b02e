"""What a run measured: one row per metric, one value per peer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# A number; a short failure text; or None where a peer does not apply.
Value = float | str | None


@dataclass
class Metric:
    """One row of the table."""

    key: str
    scenario: str
    label: str
    higher_is_better: bool
    values: dict[str, Value] = field(default_factory=dict)

    def number(self, peer: str) -> float | None:
        """The peer's value when it is a number."""
        value = self.values.get(peer)
        return float(value) if isinstance(value, int | float) else None

    def ratio(self, peer: str, over: str = "ours") -> float | None:
        """``over`` ÷ ``peer``, when both are numbers and the divisor is not zero."""
        top, bottom = self.number(over), self.number(peer)
        if top is None or bottom is None or bottom == 0:
            return None
        return top / bottom


@dataclass
class Results:
    """All metrics of a run in table order, plus raw client output and notes."""

    metrics: dict[str, Metric] = field(default_factory=dict)
    raw: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def metric(self, key: str, scenario: str, label: str, *, higher: bool) -> Metric:
        """The row ``key``, created on first use."""
        if key not in self.metrics:
            self.metrics[key] = Metric(key, scenario, label, higher)
        return self.metrics[key]

    def set(self, key: str, peer: str, value: Value) -> None:
        """Record ``peer``'s value in an existing row."""
        self.metrics[key].values[peer] = value

    def get(self, key: str) -> Metric | None:
        """A row, if it was measured."""
        return self.metrics.get(key)

    def note(self, text: str) -> None:
        """Something a reader of the table should know (failures, errors)."""
        self.notes.append(text)
