"""The documented record, 2000-2016, as the fit score reads it: the events, the status spells
they imply (replayed once, in ``sim.documented``), and the statuses at each year end."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import pandas as pd
from tradeblocs.sim import documented
from tradeblocs.sim.dates import parse_date

PATHS_CSV = Path(str(resources.files("tradeblocs.analysis") / "data" / "documented_paths.csv"))
FIRST_YEAR, LAST_YEAR = 2003, 2016

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
    events = documented.load_events(path)
    df = pd.DataFrame(events, columns=list(documented.Event._fields))
    return df[[*documented.Event._fields[1:], "t"]]


def history_spells(path: str | None = None) -> pd.DataFrame:
    """Documented status spells: country, institution, status, start, end ("" open), start_year,
    end_year (NaN open), as ``sim.documented`` replays them."""
    return pd.DataFrame(documented.spells(path), columns=list(documented.Spell._fields))


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


@cache
def history_initial_cells(path: str | None = None) -> frozenset[tuple[str, str, int]]:
    """The (state, institution, year end) cells where the record still holds the status the
    state had before the window opened: a status nobody chose within it."""
    sp = history_spells(path)
    start = sp[sp["start_year"] < FIRST_YEAR]
    return frozenset(statuses_at_year_ends(start, range(FIRST_YEAR, LAST_YEAR + 1)))


@cache
def load_paths(path: str | None = None) -> pd.DataFrame:
    """The documented paths: sequences of documented events the seeds and the literature tell
    as the story (one row per step), each step checked to be an event of the record."""
    df = pd.read_csv(path or PATHS_CSV, dtype={"step": int}, keep_default_na=False)
    missing = {"path", "title", "step", "date", "country", "institution", "action", "source"} - set(
        df.columns
    )
    if missing:
        raise ValueError(f"{path or PATHS_CSV}: missing columns {sorted(missing)}")
    known = set(load_history()[["date", "country", "institution", "action"]].itertuples(index=False))
    unknown = [
        k for k in df[["date", "country", "institution", "action"]].itertuples(index=False) if k not in known
    ]
    if unknown:
        raise ValueError(f"{path or PATHS_CSV}: steps that are not documented events: {unknown}")
    df["t"] = df["date"].map(parse_date)
    return df.reset_index(drop=True)  # in the file's order: the story's order
