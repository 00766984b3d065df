"""A finished run's results: its headline numbers (the one place they are computed) and its files."""

from __future__ import annotations

import json
import math
import subprocess
from pathlib import Path
from typing import Any

import pandas as pd

from . import __version__
from .dates import to_year
from .decision import TERMS
from .model import TradeBlocsModel
from .scenario import dump_yaml
from .us_deal import IN_FORCE, us_deal_ids

EVENT_COLUMNS = [
    "date",
    "step",
    "country",
    "institution",
    "action",
    "forced",
    "actor",
    "utility",
    *TERMS,
    "note",
]
SPELL_COLUMNS = ["country", "institution", "status", "start", "end"]


def events_frame(model: TradeBlocsModel) -> pd.DataFrame:
    df = pd.DataFrame(model.events, columns=EVENT_COLUMNS)
    for c in ["utility", *TERMS]:
        df[c] = df[c].astype(float).round(6)
    return df


def spells_frame(model: TradeBlocsModel) -> pd.DataFrame:
    return pd.DataFrame(model.spells, columns=SPELL_COLUMNS)


def git_commit() -> str | None:
    """The project's git commit, where it is run from a checkout."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            cwd=Path(__file__).resolve().parent,
        )
        return out.stdout.strip() or None if out.returncode == 0 else None
    except (OSError, subprocess.SubprocessError):
        return None


def final_positions(model: TradeBlocsModel) -> dict[str, dict[str, str]]:
    """Who ended up where: each state's statuses at the end of the run."""
    return {s.iso3: dict(sorted(s.status.items())) for s in model.states}


def bloc_sizes(model: TradeBlocsModel) -> dict[str, int]:
    """Members of each bloc now (``TradeBlocsModel.bloc_size``), in the scenario's order."""
    return {iid: model.bloc_size(iid) for iid, inst in model.insts.items() if inst.kind == "bloc"}


def event_counts(model: TradeBlocsModel) -> dict[str, int]:
    """Events so far: all, those a government chose (not forced, with a utility) and the forced."""
    ev = model.events
    return {
        "events": len(ev),
        "chosen_events": sum(1 for e in ev if not e["forced"] and e["utility"] is not None),
        "forced_events": sum(1 for e in ev if e["forced"]),
    }


def us_ftas_by_year(model: TradeBlocsModel) -> dict[int, int]:
    """US deals in force (``sim.us_deal``) at the end of each year of the run (the last year's
    value at the end of the run, should it stop mid-year), read off the membership spells, so
    it needs no data collector."""
    us = set(us_deal_ids(model.insts))
    spans = [
        (s["country"], to_year(s["start"], missing=-math.inf), to_year(s["end"], missing=math.inf))
        for s in model.spells
        if s["institution"] in us and s["status"] == IN_FORCE
    ]
    cal = model.calendar
    out = {}
    for t in range(model.steps_done):
        if t == model.steps_done - 1 or cal.year(t + 1) != cal.year(t):
            now = cal.time(t)
            out[cal.year(t)] = len({c for c, a, b in spans if a <= now < b})
    return out


def headline(model: TradeBlocsModel) -> dict[str, Any]:
    """The run's headline numbers as the summary file writes them (nested, index rounded)."""
    return {
        "end_date": model.calendar.label(model.calendar.n_steps - 1),
        "last_step_date": model.calendar.label(max(model.steps_done - 1, 0)),
        "us_ftas_in_force": model.us_ftas_in_force(),
        "us_alignment_index": round(model.alignment_index(), 4),
        "bloc_members": bloc_sizes(model),
        "alignment": {s.iso3: s.alignment for s in model.states},
        **event_counts(model),
    }


def outcomes(model: TradeBlocsModel) -> dict[str, Any]:
    """The same headline numbers as one flat result row (what sweeps, comparisons and the
    sensitivity analysis read): ``members_<BLOC>`` per bloc, ``us_ftas_<YEAR>`` per year end,
    ``end_date`` the last quarter simulated."""
    counts = event_counts(model)
    return {
        "steps": model.steps_done,
        "end_date": model.calendar.label(max(model.steps_done - 1, 0)),
        "us_ftas_in_force": model.us_ftas_in_force(),
        "us_alignment_index": float(model.alignment_index()),
        **{f"members_{iid}": n for iid, n in bloc_sizes(model).items()},
        **{f"us_ftas_{year}": n for year, n in us_ftas_by_year(model).items()},
        "n_events": counts["events"],
        "n_chosen": counts["chosen_events"],
    }


def top_decisions(model: TradeBlocsModel, term: str, n: int = 5) -> pd.DataFrame:
    """The ``n`` chosen moves where ``term`` weighed most (by absolute contribution)."""
    ev = events_frame(model)
    ev = ev[~ev["forced"] & ev[term].notna()]
    return ev.reindex(ev[term].abs().sort_values(ascending=False).index).head(n)


def write_run(model: TradeBlocsModel, out: Path, seed: int | None) -> dict[str, Any]:
    """Write the run's files into ``out`` and return the summary."""
    out.mkdir(parents=True, exist_ok=True)
    events_frame(model).to_csv(out / "events.csv", index=False)
    spells_frame(model).to_csv(out / "memberships.csv", index=False)
    dc = model.datacollector
    if dc is not None:
        mdf = dc.get_model_vars_dataframe()
        mdf.index.name = "step"
        mdf.to_csv(out / "timeseries_model.csv")
        if model.collect == "full":
            from .agents import LatinState

            adf = dc.get_agenttype_vars_dataframe(LatinState).reset_index()
            adf = adf.drop(columns=["AgentID"]).rename(columns={"Step": "step"})
            adf.insert(1, "date", adf["step"].map(model.calendar.label))
            adf.to_csv(out / "timeseries.csv", index=False)
    (out / "scenario.resolved.yaml").write_text(dump_yaml(model.scenario), encoding="utf-8")
    summary = {
        "scenario": model.scenario.name,
        "seed": seed,
        "scenario_hash": model.scenario.content_hash(),
        "version": __version__,
        "git_commit": git_commit(),
        "steps": model.steps_done,
        **headline(model),
        "final_positions": final_positions(model),
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    return summary
