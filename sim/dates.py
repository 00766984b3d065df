"""Model time: steps are periods of a year (quarters by default) labelled like ``2006Q2``."""

from __future__ import annotations

import calendar
import math
import re

_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
_HALF = re.compile(r"^(\d{4})H([12])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")
_YEAR = re.compile(r"^(\d{4})$")


def parse_date(text: str | int) -> float:
    """Parse ``2006Q2``, ``2006H1``, ``2006-04``, ``2006-04-12`` or ``2006`` into a fractional year.

    The fraction marks the start of the period: ``2006Q2`` -> 2006.25. Raises ``ValueError``
    with the offending text when it is not a date or names an impossible month or quarter.
    """
    s = str(text).strip()
    if m := _QUARTER.match(s):
        return int(m.group(1)) + (int(m.group(2)) - 1) / 4
    if m := _HALF.match(s):
        return int(m.group(1)) + (int(m.group(2)) - 1) / 2
    if m := _MONTH.match(s):
        month = int(m.group(2))
        day = int(m.group(3) or 1)
        if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(int(m.group(1)) or 4, month)[1]:
            raise ValueError(f"impossible date {s!r}")
        return int(m.group(1)) + (month - 1) / 12 + (day - 1) / 372
    if m := _YEAR.match(s):
        return float(m.group(1))
    raise ValueError(f"not a date: {s!r} (use e.g. 2006Q2, 2006-04 or 2006-04-12)")


def to_year(text: object, missing: float = math.nan) -> float:
    """A date as run files and tables write it, as a fractional year; ``missing`` for an empty
    cell (None, NaN or blank: an open spell's end, an institution-wide event's country)."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return missing
    s = str(text).strip()
    return parse_date(s) if s else missing


def period_end(text: str) -> float:
    """The end of the period ``text`` names, as a fractional year: ``2009`` -> 2010.0,
    ``2009Q4`` -> 2010.0, ``2009H1`` -> 2009.5, ``2009-06`` -> 2009.5, ``2009-06-30`` -> that day."""
    s = str(text).strip()
    t = parse_date(s)
    if _YEAR.match(s):
        return t + 1
    if _QUARTER.match(s):
        return t + 0.25
    if _HALF.match(s):
        return t + 0.5
    if (m := _MONTH.match(s)) and m.group(3) is None:
        return t + 1 / 12
    return t


def last_year_ended(text: str) -> int:
    """The last calendar year whose end a run reached when its last period was ``text``:
    ``2016Q4``, ``2016H2``, ``2016-12`` and ``2016`` give 2016; ``2016Q3`` gives 2015."""
    return math.floor(period_end(text) + 1e-9) - 1


def period_label(t: float, steps_per_year: int = 4) -> str:
    """The label of the period of a year in ``steps_per_year`` that contains the fractional year
    ``t``: ``2006Q2`` for quarters, ``2006H1`` for halves, ``2006-04`` for months, ``2006``."""
    t += 1e-9
    y = int(t)
    frac = t - y
    if steps_per_year == 4:
        return f"{y}Q{int(frac * 4) + 1}"
    if steps_per_year == 12:
        return f"{y}-{int(frac * 12) + 1:02d}"
    if steps_per_year == 2:
        return f"{y}H{int(frac * 2) + 1}"
    return str(y)


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
        return math.floor((t - self.start) * self.steps_per_year + 1e-9)

    def time(self, step: int) -> float:
        """Fractional year at the start of ``step``."""
        return self.start + step / self.steps_per_year

    def year(self, step: int) -> int:
        return int(self.time(step) + 1e-9)

    def label(self, step: int) -> str:
        """Human label of a step: ``2006Q2`` for quarters, ``2006-04`` for months."""
        return period_label(self.time(step), self.steps_per_year)

    def contains(self, date: str | float) -> bool:
        t = parse_date(date) if isinstance(date, str) else date
        return self.start <= t < self.end + 1 / self.steps_per_year
