"""Reading finished runs for figures and reports: one run folder, or a folder of seeds.

``tradeblocs run`` writes a folder of CSV files; a researcher who wants replicate bands runs
the same scenario with several seeds into sub-folders of one folder. Everything the report
draws is read here, once, into :class:`RunSet` objects, so the figure code never touches paths.
The documented history comes as spells from ``analysis.history`` (the same reading of the
record the fit score uses), in the shape of the simulated spells, so the two can be drawn
one beneath the other.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from tradeblocs.sim.dates import period_label, to_year
from tradeblocs.sim.documented import HISTORY_CSV, Event, load_events
from tradeblocs.sim.tables import DATA_DIR, LAC19

INSTITUTION_LABELS = {
    "US_FTA": "US FTA",
    "NAFTA": "NAFTA",
    "CAFTA_DR": "CAFTA-DR",
    "FTAA": "FTAA",
    "TPP": "TPP",
    "ATPDEA": "ATPDEA",
    "CAN": "CAN",
    "MERCOSUR": "Mercosur",
    "ALBA": "ALBA",
    "UNASUR": "UNASUR",
    "CELAC": "CELAC",
    "PACIFIC_ALLIANCE": "Pacific Alliance",
    "USMCA": "USMCA",
    "CPTPP": "CPTPP",
    "PROSUR": "PROSUR",
}


def inst_label(iid: str) -> str:
    """An institution's short name for axes, legends and tables (``CAFTA_DR`` -> CAFTA-DR)."""
    return INSTITUTION_LABELS.get(iid, iid.replace("_", " ").title())


class RunError(ValueError):
    """A run folder that cannot be read, with the path and what is missing."""


@dataclass(eq=False)
class Run:
    """One finished run: its files as data frames plus the scenario it ran."""

    path: Path
    summary: dict
    events: pd.DataFrame
    spells: pd.DataFrame
    ts_model: pd.DataFrame
    ts_states: pd.DataFrame | None
    scenario: dict

    @property
    def seed(self) -> int | None:
        return self.summary.get("seed")

    @property
    def steps_per_year(self) -> int:
        return int(self.scenario.get("time", {}).get("steps_per_year", 4))

    @property
    def start(self) -> float:
        """Fractional year at the start of the first step."""
        return to_year(self.ts_model["date"].iloc[0])

    @property
    def end(self) -> float:
        """Fractional year at the end of the last step run (the last time-series row is the
        state after that step, labelled with the next period's start)."""
        return to_year(self.ts_model["date"].iloc[-1])

    @property
    def institutions(self) -> dict[str, dict]:
        return self.scenario.get("institutions", {})


def load_run(path: Path) -> Run:
    """Read one ``tradeblocs run`` output folder; a missing file is a :class:`RunError`."""
    path = Path(path)
    need = ["summary.json", "events.csv", "memberships.csv", "timeseries_model.csv"]
    missing = [n for n in need if not (path / n).exists()]
    if missing:
        raise RunError(f"{path}: not a complete run folder (missing {', '.join(missing)})")
    ts_states = path / "timeseries.csv"
    scen = path / "scenario.resolved.yaml"
    events = pd.read_csv(path / "events.csv", keep_default_na=False, na_values=[""])
    events["forced"] = events["forced"].astype(str).str.lower().eq("true")
    spells = pd.read_csv(path / "memberships.csv", dtype=str, keep_default_na=False)
    spells["start_year"] = spells["start"].map(to_year)
    spells["end_year"] = spells["end"].map(to_year)
    return Run(
        path=path,
        summary=json.loads((path / "summary.json").read_text(encoding="utf-8")),
        events=events,
        spells=spells,
        ts_model=pd.read_csv(path / "timeseries_model.csv"),
        ts_states=pd.read_csv(ts_states) if ts_states.exists() else None,
        scenario=yaml.safe_load(scen.read_text(encoding="utf-8")) if scen.exists() else {},
    )


def find_run_dirs(path: Path) -> list[Path]:
    """The run folders at ``path``: itself if it is a run, else every run folder below it."""
    path = Path(path)
    if not path.exists():
        raise RunError(f"{path}: no such folder")
    if (path / "summary.json").exists():
        return [path]
    found = sorted(p.parent for p in path.rglob("summary.json"))
    if not found:
        raise RunError(
            f"{path}: no run found (expected the output of `tradeblocs run`, with a "
            "summary.json, or a folder holding several such run folders)"
        )
    return found


@dataclass(eq=False)
class RunSet:
    """The replicates of one scenario: one run, or several seeds of it."""

    path: Path
    runs: list[Run]
    label: str = ""

    def __post_init__(self) -> None:
        names = sorted({r.summary.get("scenario", "?") for r in self.runs})
        if len(names) > 1:
            raise RunError(
                f"{self.path}: runs of different scenarios in one folder ({', '.join(names)}); "
                "put each scenario's seeds in its own folder"
            )
        self.label = self.label or names[0]

    @property
    def primary(self) -> Run:
        """The run drawn where a figure shows a single run (the first seed)."""
        return self.runs[0]

    @property
    def n(self) -> int:
        return len(self.runs)

    @property
    def seeds(self) -> list[int | None]:
        return [r.seed for r in self.runs]

    @property
    def blocs(self) -> list[str]:
        """The blocs whose size the model reports (ids), in the summary's order."""
        return list(self.primary.summary.get("bloc_members", {}))

    @cached_property
    def outcomes(self) -> pd.DataFrame:
        """One row per seed: the end-of-run outcomes the report compares."""
        rows = []
        for r in self.runs:
            last = r.ts_model.iloc[-1]
            row = {
                "seed": r.seed,
                "date": last["date"],
                "US FTAs in force": float(last["us_ftas_in_force"]),
                "US-alignment index": float(last["us_alignment_index"]),
            }
            for b in self.blocs:
                col = f"members_{b}"
                size = last[col] if col in last else r.summary["bloc_members"].get(b, np.nan)
                row[f"{inst_label(b)} members"] = float(size)
            rows.append(row)
        return pd.DataFrame(rows)

    def stacked(self, column: str) -> pd.DataFrame:
        """``column`` of the model time series, one column per seed, as a step function of time:
        the value after each step is placed at the start of that step's period (as the
        membership spells date a change), and the last value is repeated at the run's end so
        a step plot reaches it."""
        cols = {}
        for i, r in enumerate(self.runs):
            if column not in r.ts_model:
                continue
            after = r.ts_model.iloc[1:]
            t = after["date"].map(to_year).to_numpy() - 1 / r.steps_per_year
            v = after[column].to_numpy(float)
            cols[i] = pd.Series(np.append(v, v[-1:]), index=np.append(t, r.end))
        return pd.DataFrame(cols)


def load_run_set(path: Path, label: str = "") -> RunSet:
    """All runs at ``path`` (one run folder or a folder of seed folders) as a :class:`RunSet`."""
    return RunSet(path=Path(path), runs=[load_run(p) for p in find_run_dirs(path)], label=label)


# --- states and documented history --------------------------------------------------------


def states_table() -> pd.DataFrame:
    """The shipped states table (names, capitals and their coordinates), indexed by ISO3."""
    return pd.read_csv(DATA_DIR / "states.csv").set_index("iso3")


def state_order(present: set[str] | None = None) -> list[str]:
    """States north to south as the model lists them, optionally only those in ``present``."""
    order = list(LAC19)
    extra = sorted((present or set()) - set(order))
    return [s for s in order if present is None or s in present] + extra


def status_count(
    spells: pd.DataFrame, times: np.ndarray, institutions: list[str], statuses: set[str]
) -> np.ndarray:
    """How many states hold one of ``statuses`` in any of ``institutions`` at each time
    (a state counts once even if it holds several), from a spells frame with
    ``start_year``/``end_year`` columns (NaN end = still open)."""
    sub = spells[spells["institution"].isin(institutions) & spells["status"].isin(statuses)]
    out = np.zeros(len(times))
    for _, g in sub.groupby("country"):
        start = g["start_year"].to_numpy(float)[:, None]
        end = g["end_year"].fillna(np.inf).to_numpy(float)[:, None]
        out += ((times[None, :] >= start) & (times[None, :] < end)).any(axis=0)
    return out


# --- anachronisms ---------------------------------------------------------------------------

#: documented actions that show an institution already existed (or was being made) then
OPENINGS = {"founded", "joined", "acceding", "requested", "negotiating", "signed", "ratified", "in_force"}


def founding_dates(path: Path = HISTORY_CSV) -> dict[str, float]:
    """Institution -> fractional year it came into being in history: its earliest ``founded``
    event in the history table or, for one recorded without a founding (UNASUR's treaty, a
    negotiation opened), its earliest documented event of any kind. Institutions older than
    the record (the CAN since 1969) date from then, so nothing simulated in them is early; one
    whose record opens with an ending (the FTAA's, declined in 2005 after a decade of talks)
    has no date here."""
    if not Path(path).exists():
        return {}
    founded: dict[str, float] = {}
    first: dict[str, Event] = {}
    for e in load_events(path):  # in date order
        first.setdefault(e.institution, e)
        if e.action == "founded":
            founded.setdefault(e.institution, e.t)
    out = {i: founded.get(i, e.t) for i, e in first.items() if i in founded or e.action in OPENINGS}
    return dict(sorted(out.items()))


def anachronisms(run: Run, founded: dict[str, float] | None = None) -> pd.DataFrame:
    """Simulated events dated before their institution existed in history, such as a Pacific
    Alliance join in 2006 (founded 2011): ``date, country, institution, action, forced,
    founded, years_early``. Scenario-imposed events are kept and marked (``forced``)."""
    founded = founding_dates() if founded is None else founded
    cols = ["date", "country", "institution", "action", "forced", "founded", "years_early"]
    ev = run.events
    if ev.empty or not founded:
        return pd.DataFrame(columns=cols)
    ev = ev[ev["institution"].isin(founded) & (ev["action"] != "election")].copy()
    ev["t"] = ev["date"].map(to_year)
    ev["founded_t"] = ev["institution"].map(founded)
    # a date is a whole period (2003Q1): early only if the period ended before the founding
    early = ev[ev["t"] + 1 / run.steps_per_year <= ev["founded_t"] + 1e-9].copy()
    early["founded"] = early["founded_t"].map(period_label)
    early["years_early"] = (early["founded_t"] - early["t"]).round(2)
    early["country"] = early["country"].fillna("")
    return early[cols].reset_index(drop=True)
