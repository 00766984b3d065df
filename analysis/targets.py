"""The documented paths a calibrated model should reproduce without being forced to.

Each check reads one run's events and spells and says whether the path emerged; over seeds,
the share of runs in which it did.
"""

from __future__ import annotations

from collections.abc import Callable

from sim.dates import parse_date


def _first(events: list[dict], country: str, inst: str, actions: set[str]) -> float | None:
    """Date (fractional year) of the first unforced event of a kind, or None."""
    for e in events:
        if e["country"] == country and e["institution"] == inst and e["action"] in actions:
            return None if e["forced"] else parse_date(e["date"])
    return None


def _in(t: float | None, lo: float, hi: float) -> bool:
    return t is not None and lo <= t < hi + 1


def _holds(spells: list[dict], country: str, inst: str, statuses: set[str], at: float) -> bool:
    for s in spells:
        if s["country"] == country and s["institution"] == inst and s["status"] in statuses:
            start = parse_date(s["start"]) if s["start"] else float("-inf")
            end = parse_date(s["end"]) if s["end"] else float("inf")
            if start <= at < end:
                return True
    return False


def peru_path(events: list[dict], spells: list[dict]) -> bool:
    """Peru asks in 2003-04, signs in 2005-06, the deal is in force in 2008-09 and kept to 2016."""
    return (
        _in(_first(events, "PER", "US_FTA", {"requested"}), 2003, 2004)
        and _in(_first(events, "PER", "US_FTA", {"signed"}), 2005, 2006)
        and _in(_first(events, "PER", "US_FTA", {"in_force"}), 2008, 2009)
        and _holds(spells, "PER", "US_FTA", {"in_force"}, 2016.9)
    )


def colombia_waits(events: list[dict], spells: list[dict]) -> bool:
    """Colombia signs, then waits at least two years for the US Congress."""
    signed = _first(events, "COL", "US_FTA", {"signed"})
    in_force = _first(events, "COL", "US_FTA", {"in_force"})
    return signed is not None and (in_force is None or in_force - signed >= 2)


def alba_four(events: list[dict], spells: list[dict]) -> bool:
    """Venezuela, Bolivia, Ecuador and Nicaragua are all in ALBA at some point by 2010."""
    return all(
        any(_holds(spells, c, "ALBA", {"member"}, y + 0.5) for y in range(2004, 2011))
        for c in ("VEN", "BOL", "ECU", "NIC")
    )


def pacific_alliance_four(events: list[dict], spells: list[dict]) -> bool:
    """Chile, Colombia, Mexico and Peru are all in the Pacific Alliance at the end of 2016."""
    return all(
        _holds(spells, c, "PACIFIC_ALLIANCE", {"member"}, 2016.9) for c in ("CHL", "COL", "MEX", "PER")
    )


def venezuela_leaves_can(events: list[dict], spells: list[dict]) -> bool:
    """Venezuela leaves the Andean Community by 2008 (it did in 2006)."""
    t = _first(events, "VEN", "CAN", {"left"})
    return t is not None and t < 2009


TARGETS: dict[str, Callable[[list[dict], list[dict]], bool]] = {
    "Peru: asks 2003-04, signs 2005-06, in force 2008-09, kept to 2016": peru_path,
    "Colombia signs and waits for Congress (2+ years)": colombia_waits,
    "Venezuela, Bolivia, Ecuador, Nicaragua in ALBA by 2010": alba_four,
    "Chile, Colombia, Mexico, Peru in the Pacific Alliance at end-2016": pacific_alliance_four,
    "Venezuela leaves the CAN by 2008": venezuela_leaves_can,
}


def check(events: list[dict], spells: list[dict]) -> dict[str, bool]:
    """Which documented paths one run reproduced."""
    return {name: fn(events, spells) for name, fn in TARGETS.items()}
