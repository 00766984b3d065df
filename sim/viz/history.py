"""The documented record as time series to draw beside the simulated lines.

Read by path from ``analysis/data/history_events.csv`` (the project's dated events, each with its
source): ``sim`` never imports ``analysis``, and the app only needs two counts from the file, so
this module replays the events itself. When the file is absent (a trimmed install), the app simply
draws no history.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path

from ..dates import parse_date
from ..institutions import ACTIVE

HISTORY_CSV = Path(__file__).resolve().parents[2] / "analysis" / "data" / "history_events.csv"

#: Status a documented action leaves a state in (None: out of the institution).
ACTION_STATUS: dict[str, str | None] = {
    "requested": "requested", "negotiating": "negotiating", "concluded": "concluded", "acceding": "acceding",
    "signed": "signed", "ratified": "ratified", "in_force": "in_force",
    "joined": "member", "founded": "member", "readmitted": "member", "suspended": "suspended",
    "resumed": "member", "sanctioned": "sanctioned",
    "left": None, "lapsed": None, "withdrew": None, "suspended_talks": None, "declined": None,
}  # fmt: skip


@cache
def load_events(path: Path = HISTORY_CSV) -> tuple[tuple[float, str, str, str], ...]:
    """(fractional year, country, institution, action) for each documented event, in date order."""
    if not Path(path).exists():
        return ()
    with open(path, newline="") as f:
        rows = [
            (parse_date(r["date"]), r["country"], r["institution"], r["action"]) for r in csv.DictReader(f)
        ]
    return tuple(sorted(rows, key=lambda r: r[0]))


def documented_series(
    times: Sequence[float],
    us_agreements: Iterable[str],
    blocs: Iterable[str],
    path: Path = HISTORY_CSV,
) -> dict[str, list[int]]:
    """Documented counts at each time (ascending fractional years), named like the model's
    DataCollector columns: ``us_ftas_in_force`` (states with any US agreement in force) and
    ``members_<BLOC>`` (states in the bloc). An event dated before ``t`` counts at ``t``.
    Empty when the history file is missing.
    """
    events = load_events(Path(path))
    if not events:
        return {}
    us_agreements, blocs = set(us_agreements), list(blocs)
    status: dict[tuple[str, str], str] = {}
    out: dict[str, list[int]] = {"us_ftas_in_force": [], **{f"members_{b}": [] for b in blocs}}
    i = 0
    for t in times:
        while i < len(events) and events[i][0] < t:
            _, country, inst, action = events[i]
            i += 1
            if action not in ACTION_STATUS:
                continue
            new = ACTION_STATUS[action]
            if new is None:
                status.pop((country, inst), None)
            elif inst in blocs and new in ("signed", "ratified", "in_force"):
                status[(country, inst)] = "member"  # a member ratifying the bloc's treaty
            else:
                status[(country, inst)] = new
        in_force = {c for (c, inst), st in status.items() if inst in us_agreements and st == "in_force"}
        out["us_ftas_in_force"].append(len(in_force))
        for b in blocs:
            out[f"members_{b}"].append(
                sum(1 for (_, inst), st in status.items() if inst == b and st in ACTIVE)
            )
    return out


def documented_statuses(t: float, path: Path = HISTORY_CSV) -> dict[tuple[str, str], str]:
    """(country, institution) -> documented status just before time ``t`` (fractional year).

    Same replay as :func:`documented_series`: a bloc member "signing" or "ratifying" the bloc's
    own treaty stays a member; leaving, lapsing or withdrawing takes the pair out.
    """
    status: dict[tuple[str, str], str] = {}
    for when, country, inst, action in load_events(Path(path)):
        if when >= t:
            break
        if action not in ACTION_STATUS or not country:
            continue
        new = ACTION_STATUS[action]
        if new is None:
            status.pop((country, inst), None)
        elif status.get((country, inst)) == "member" and new in ("signed", "ratified", "in_force"):
            continue
        else:
            status[(country, inst)] = new
    return status


#: Stage order of a US agreement, as the model's alignment reads it.
_US_RANK = {"requested": 1, "negotiating": 2, "acceding": 2, "signed": 3, "ratified": 4, "in_force": 5}


def documented_alignment(
    statuses: dict[tuple[str, str], str], iso3: str, us_agreements: Iterable[str]
) -> str:
    """The map category (``alba``, ``us_fta``, ``us_fta_pending``, ``mercosur``, ``none``) a state
    had in the record, by the same precedence as the model's ``LatinState.alignment``."""
    if statuses.get((iso3, "ALBA")) in ("member", "founded"):
        return "alba"
    best = max((_US_RANK.get(statuses.get((iso3, iid), ""), 0) for iid in us_agreements), default=0)
    if best == 5:
        return "us_fta"
    if best >= 2:
        return "us_fta_pending"
    if statuses.get((iso3, "MERCOSUR")) == "member":
        return "mercosur"
    return "none"


def documented_alignment_index(
    times: Sequence[float],
    gdp: dict[str, Sequence[float]],
    us_agreements: Iterable[str],
    scores: dict[str, float],
    path: Path = HISTORY_CSV,
) -> list[float]:
    """The GDP-weighted US-alignment index of the record at each time: the model's formula
    (``scores`` per category, weights ``gdp[iso3][k]`` at time ``k``) on documented statuses.
    Empty when the history file is missing."""
    if not load_events(Path(path)):
        return []
    us = list(us_agreements)
    out = []
    for k, t in enumerate(times):
        st = documented_statuses(t, path)
        tot = sum(g[k] for g in gdp.values())
        val = sum(g[k] * scores[documented_alignment(st, iso, us)] for iso, g in gdp.items())
        out.append(val / tot if tot else 0.0)
    return out
