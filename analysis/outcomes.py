"""The headline outcomes of a finished run: the numbers a sweep keeps in its result row.

They are read off the model's own lists (spells, events) and its methods, so a run needs no
data collector and no data frame to report them.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from tradeblocs.sim import TradeBlocsModel
from tradeblocs.sim.dates import parse_date


def _label_time(label: object) -> float:
    """A date label as a time in years; an empty label is the beginning of time."""
    s = "" if label is None else str(label)
    return parse_date(s) if s else -math.inf


def us_ftas_by_year(model: TradeBlocsModel) -> dict[int, int]:
    """US free trade agreements in force at the end of each year of the run (the last year's
    value is at the end of the run, should it stop mid-year), read off the membership spells,
    so it needs no data collector."""
    us = {iid for iid, inst in model.insts.items() if inst.includes_us and inst.kind != "preference"}
    spans = [
        (s["country"], _label_time(s["start"]), math.inf if not s["end"] else _label_time(s["end"]))
        for s in model.spells
        if s["institution"] in us and s["status"] == "in_force"
    ]
    cal = model.calendar
    out = {}
    for t in range(model.steps_done):
        if t == model.steps_done - 1 or cal.year(t + 1) != cal.year(t):
            now = cal.time(t)
            out[cal.year(t)] = len({c for c, a, b in spans if a <= now < b})
    return out


def covers_history(model: TradeBlocsModel) -> bool:
    """Whether the fit score applies: the run went through 2003-2016 in full."""
    cal = model.calendar
    return cal.start <= 2003.0 and model.steps_done == cal.n_steps and cal.time(cal.n_steps - 1) >= 2016.0


def outcomes(model: TradeBlocsModel, fit: bool = True) -> dict[str, Any]:
    """Headline outcomes of a finished run: US FTAs in force (at the end and by year), bloc
    sizes, the US-alignment index, the number of events, and (with ``fit``, where the run
    covers the history) the fit to history as ``fit_*`` columns, scored like calibration does."""
    out: dict[str, Any] = {
        "steps": model.steps_done,
        "end_date": model.calendar.label(max(model.steps_done - 1, 0)),
        "us_ftas_in_force": model.us_ftas_in_force(),
        "us_alignment_index": float(model.alignment_index()),
    }
    for iid, inst in model.insts.items():
        if inst.kind == "bloc":
            out[f"members_{iid}"] = model.bloc_size(iid)
    for year, n in us_ftas_by_year(model).items():
        out[f"us_ftas_{year}"] = n
    out["n_events"] = len(model.events)
    out["n_chosen"] = sum(1 for e in model.events if not e["forced"] and e["utility"] is not None)
    if fit and covers_history(model):
        from .score import model_fit

        for k, v in model_fit(model).items():
            if isinstance(v, int | float | np.number) and not isinstance(v, bool):
                out[f"fit_{k}"] = float(v)
    return out
