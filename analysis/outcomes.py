"""The numbers a sweep keeps in a run's result row: the run's headline outcomes
(``sim.output.outcomes``, read off the model's own lists) and, where the run covers the
history, its fit to the documented record (``fit_*`` columns, scored as calibration does)."""

from __future__ import annotations

from typing import Any

import numpy as np
from tradeblocs.sim import TradeBlocsModel
from tradeblocs.sim.output import outcomes as headline_outcomes


def covers_history(model: TradeBlocsModel) -> bool:
    """Whether the fit score applies: the run went through 2003-2016 in full."""
    cal = model.calendar
    return cal.start <= 2003.0 and model.steps_done == cal.n_steps and cal.time(cal.n_steps - 1) >= 2016.0


def outcomes(model: TradeBlocsModel, fit: bool = True) -> dict[str, Any]:
    """A finished run's result row: its headline outcomes and, with ``fit``, its fit."""
    out = headline_outcomes(model)
    if fit and covers_history(model):
        from .score import model_fit

        for k, v in model_fit(model).items():
            if isinstance(v, int | float | np.number) and not isinstance(v, bool):
                out[f"fit_{k}"] = float(v)
    return out
