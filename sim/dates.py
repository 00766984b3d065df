"""Model time: steps are periods of a year (quarters by default) labelled like ``2006Q2``."""

from __future__ import annotations

import calendar
import re

_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")
_YEAR = re.compile(r"^(\d{4})$")


def parse_date(text: str | int) -> float:
    """Parse ``2006Q2``, ``2006-04``, ``2006-04-12`` or ``2006`` into a fractional year.

    The fraction marks the start of the period: ``2006Q2`` -> 2006.25. Raises ``ValueError``
    with the offending text when it is not a date or names an impossible month or quarter.
    """
    s = str(text).strip()
    if m := _QUARTER.match(s):
        return int(m.group(1)) + (int(m.group(2)) - 1) / 4
    if m := _MONTH.match(s):
        month = int(m.group(2))
        day = int(m.group(3) or 1)
        if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(int(m.group(1)) or 4, month)[1]:
            raise ValueError(f"impossible date {s!r}")
        return int(m.group(1)) + (month - 1) / 12 + (day - 1) / 372
    if m := _YEAR.match(s):
        return float(m.group(1))
    raise ValueError(f"not a date: {s!r} (use e.g. 2006Q2, 2006-04 or 2006-04-12)")


class Calendar:
    """Maps step numbers to dates for a run from ``start`` with ``steps_per_year`` steps."""

    def __init__(self, start: str, end: str, steps_per_year: int = 4) -> None:
        if steps_per_year not in (1, 2, 4, 12):
            raise ValueError(f"steps_per_year must be 1, 2, 4 or 12, got {steps_per_year}")
        self.steps_per_year = steps_per_year
        self.start = parse_date(start)
        self.end = parse_date(end)
        if self.end < self.start:
            raise ValueError(f"end {end} is before start {start}")
        self.n_steps = self.step_of(self.end) + 1

    def step_of(self, date: str | float) -> int:
        """Index of the step containing ``date`` (may be negative or beyond the run)."""
        t = parse_date(date) if isinstance(date, str) else date
        return int((t - self.start) * self.steps_per_year + 1e-9)

    def time(self, step: int) -> float:
        """Fractional year at the start of ``step``."""
        return self.start + step / self.steps_per_year

    def year(self, step: int) -> int:
        return int(self.time(step) + 1e-9)

    def label(self, step: int) -> str:
        """Human label of a step: ``2006Q2`` for quarters, ``2006-04`` for months."""
        t = self.time(step) + 1e-9
        y = int(t)
        frac = t - y
        if self.steps_per_year == 4:
            return f"{y}Q{int(frac * 4) + 1}"
        if self.steps_per_year == 12:
            return f"{y}-{int(frac * 12) + 1:02d}"
        if self.steps_per_year == 2:
            return f"{y}H{int(frac * 2) + 1}"
        return str(y)

    def contains(self, date: str | float) -> bool:
        t = parse_date(date) if isinstance(date, str) else date
        return self.start <= t < self.end + 1 / self.steps_per_year
