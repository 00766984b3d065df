"""The documented record, 2000-2016: dated events and the statuses they imply at each year end."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import pandas as pd

from sim.dates import parse_date

HISTORY_CSV = Path(str(resources.files("analysis") / "data" / "history_events.csv"))
FIRST_YEAR, LAST_YEAR = 2003, 2016

#: Institutions whose country rows are memberships (a "signed" or "in_force" row there means
#: the member ratified a treaty, not a new status).
BLOCS = frozenset({"CAN", "MERCOSUR", "ALBA", "UNASUR", "CELAC", "PACIFIC_ALLIANCE", "ATPDEA"})

#: What each documented action leaves the state's status at (None: out; absent: no change).
ACTION_STATUS: dict[str, str | None] = {
    "requested": "requested",
    "negotiating": "negotiating",
    "signed": "signed",
    "ratified": "ratified",
    "in_force": "in_force",
    "joined": "member",
    "founded": "member",
    "acceding": "acceding",
    "readmitted": "member",
    "suspended": "suspended",
    "left": None,
    "lapsed": None,
    "suspended_talks": None,
    "withdrew": None,
}

#: Scored classes: the positive ones and everything else.
POSITIVE = ("member", "signed", "in_force")


def status_class(status: str | None) -> str:
    """Collapse a status to the class the score compares: member, signed, in_force or other."""
    if status in ("member",):
        return "member"
    if status in ("signed", "ratified"):
        return "signed"
    if status == "in_force":
        return "in_force"
    return "other"


@cache
def load_history(path: str | None = None) -> pd.DataFrame:
    """The documented events with a fractional-year ``t`` column, sorted by date."""
    df = pd.read_csv(path or HISTORY_CSV)
    missing = {"date", "country", "institution", "action", "source"} - set(df.columns)
    if missing:
        raise ValueError(f"{path or HISTORY_CSV}: missing columns {sorted(missing)}")
    df["t"] = df["date"].map(parse_date)
    return df.sort_values("t", kind="stable").reset_index(drop=True)


def _bloc_status(inst: str, action: str, current: str | None) -> str | None:
    status = ACTION_STATUS.get(action, current)
    if inst in BLOCS and status in ("signed", "ratified", "in_force"):
        return current or "member"
    return status


def history_spells(path: str | None = None) -> pd.DataFrame:
    """Documented status spells: country, institution, status, start_year, end_year (NaN open)."""
    rows: list[dict] = []
    open_: dict[tuple[str, str], dict] = {}
    for r in load_history(path).itertuples():
        if r.action not in ACTION_STATUS:
            continue
        key = (r.country, r.institution)
        cur = open_.get(key)
        new = _bloc_status(r.institution, r.action, cur["status"] if cur else None)
        if cur and cur["status"] == new:
            continue
        if cur:
            cur["end_year"], cur["end"] = r.t, r.date
            rows.append(open_.pop(key))
        if new is not None:
            open_[key] = {
                "country": r.country,
                "institution": r.institution,
                "status": new,
                "start": r.date,
                "end": "",
                "start_year": r.t,
                "end_year": float("nan"),
            }
    rows.extend(open_.values())
    return pd.DataFrame(
        rows, columns=["country", "institution", "status", "start", "end", "start_year", "end_year"]
    )


def history_as_run(path: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The record in a run's own format (spells, events), dated to the day: what a model that
    reproduced history exactly would have written."""
    spells = history_spells(path)[["country", "institution", "status", "start", "end"]]
    ev = load_history(path)[["date", "country", "institution", "action"]].copy()
    ev["forced"] = False
    ev["utility"] = 1.0
    return spells, ev


def statuses_at_year_ends(spells: pd.DataFrame, years: range) -> dict[tuple[str, str, int], str]:
    """(country, institution, year) -> status held at the end of ``year``, from spells with
    ``start_year``/``end_year`` (fractional years; NaN end = still open)."""
    out: dict[tuple[str, str, int], str] = {}
    for r in spells.itertuples():
        end = r.end_year if r.end_year == r.end_year else float("inf")
        for y in years:
            point = y + 0.999
            if r.start_year <= point < end:
                out[(r.country, r.institution, y)] = r.status
    return out


@cache
def history_cells(path: str | None = None) -> dict[tuple[str, str, int], str]:
    """The documented status of every (state, institution, year end) that was not 'out'."""
    return statuses_at_year_ends(history_spells(path), range(FIRST_YEAR, LAST_YEAR + 1))
