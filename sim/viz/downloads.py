"""The running model's data as the files a researcher takes away: CSV text built on demand.

The columns follow what ``tradeblocs run`` writes (``events.csv``, ``memberships.csv``,
``timeseries_model.csv``), so a file saved from the app reads with the same code; the events
gain ``p_choice``, the probability the logit rule gave each chosen move. Only what has happened
so far is in them: the run up to the quarter on screen.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pandas as pd

from ..decision import TERMS

if TYPE_CHECKING:
    from ..model import TradeBlocsModel

EVENT_COLUMNS = ["date", "step", "country", "institution", "action", "forced", "actor", "utility",
                 *TERMS, "p_choice", "note"]  # fmt: skip
SPELL_COLUMNS = ["country", "institution", "status", "start", "end"]


def file_stem(model: TradeBlocsModel) -> str:
    """``SCENARIO-sSEED-DATE``, safe as a file name."""
    seed = getattr(model, "seed_used", "")
    date = getattr(model, "display_date", model.date)
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{model.scenario.name}-s{seed}-{date}")


def events_csv(model: TradeBlocsModel) -> str:
    """Every event so far, one row each, in the order they happened."""
    df = pd.DataFrame(model.events)
    df = df.reindex(columns=[*EVENT_COLUMNS, *(c for c in df.columns if c not in EVENT_COLUMNS)])
    return df.to_csv(index=False)


def memberships_csv(model: TradeBlocsModel) -> str:
    """The status spells so far; an open spell has an empty end."""
    return pd.DataFrame(model.spells, columns=SPELL_COLUMNS).to_csv(index=False)


def timeseries_csv(model: TradeBlocsModel) -> str:
    """The hemisphere-level series, one row per quarter from the start to the quarter shown."""
    dc = model.datacollector
    df = dc.get_model_vars_dataframe() if dc is not None else pd.DataFrame()
    df.index.name = "step"
    return df.reset_index().to_csv(index=False)
