"""The documented paths a calibrated model should reproduce without being forced to.

The paths themselves are data (``analysis/data/documented_paths.csv``: each step a documented
event with its source); this module only says, for one run, which of them emerged: every step
in the scored window reproduced within a year by the agents' own choice.
"""

from __future__ import annotations

from .history import FIRST_YEAR, LAST_YEAR, load_paths
from .score import default_lcd, match_events, path_hits


def targets() -> dict[str, str]:
    """Path id -> title, in the table's order."""
    df = load_paths()
    return dict(zip(df["path"], df["title"], strict=True))


def check(
    events: list[dict],
    spells: list[dict] | None = None,
    lcd: frozenset[str] | None = None,
    first_year: int = FIRST_YEAR,
    last_year: int = LAST_YEAR,
) -> dict[str, bool | None]:
    """Which documented paths one run reproduced (None: no step of it in the window).
    ``spells`` is accepted for the older call signature and not needed."""
    rows, _ = match_events(events, default_lcd() if lcd is None else lcd, last_year, first_year)
    return path_hits(rows)
