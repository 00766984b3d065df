"""The forecast figure: for each state and institution, the share of seeds in which the state
takes an active part at each year end after the calibration window (2017-2020 for
``forecast_2017_2020``).

A run that goes past the last documented year (``analysis.history.LAST_YEAR``) is a forecast:
nothing of those years was fitted, so what it says there is the model's claim, and the share of
seeds is how firmly the model makes it. "Active" is the model's own set
(``sim.institutions.ACTIVE``: member, signed, ratified, in force); a state that suspended its
own participation, or that the others sanctioned, is not active. Drawn as a heat table, one
panel per institution, rows the states in its scope, columns the year ends; each cell carries
its percentage, so the figure reads in greyscale too.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from tradeblocs.sim.dates import parse_date
from tradeblocs.sim.institutions import ACTIVE

from .fig_data import RunSet, inst_label, state_order
from .figures import Figure, inst_sort_key, new_figure
from .history import LAST_YEAR

#: kinds of institution the figure shows (preferences and hemispheric talks are over by 2016)
KINDS = ("bloc", "us_agreement")


def forecast_years(rs: RunSet, after: int = LAST_YEAR) -> list[int]:
    """Year ends after ``after`` that every run of ``rs`` reaches (empty: not a forecast)."""
    end = min(r.end for r in rs.runs)
    return [y for y in range(after + 1, int(math.floor(end + 1e-9)))]


def goes_past(rs: RunSet, after: int = LAST_YEAR) -> bool:
    """Whether the runs reach the end of at least one year after the documented record."""
    return bool(forecast_years(rs, after))


def _scope(spec: dict, states: list[str]) -> list[str]:
    scope = spec.get("scope", "all")
    return list(states) if scope == "all" else [s for s in states if s in scope]


def participation_shares(rs: RunSet, years: list[int] | None = None) -> pd.DataFrame:
    """Share of seeds in which each state is active in each institution at each year end.

    Columns ``institution, country, year, share, seeds``; one row per institution of a shown
    kind, state in its scope and year (shares of zero included)."""
    years = forecast_years(rs) if years is None else years
    insts = {iid: spec for iid, spec in rs.primary.institutions.items() if spec.get("kind") in KINDS}
    states = state_order({s for r in rs.runs for s in r.spells["country"].unique()})
    counts: dict[tuple[str, str, int], int] = {}
    for run in rs.runs:
        sp = run.spells[run.spells["status"].isin(ACTIVE) & run.spells["institution"].isin(insts)]
        for r in sp.itertuples(index=False):
            start = -np.inf if math.isnan(r.start_year) else r.start_year
            end = np.inf if math.isnan(r.end_year) else r.end_year
            for y in years:
                if start <= y + 0.999 < end:
                    key = (r.institution, r.country, y)
                    counts[key] = counts.get(key, 0) + 1
    rows = [
        {
            "institution": iid,
            "country": c,
            "year": y,
            "share": counts.get((iid, c, y), 0) / rs.n,
            "seeds": rs.n,
        }
        for iid in sorted(insts, key=inst_sort_key)
        for c in _scope(insts[iid], states)
        for y in years
    ]
    return pd.DataFrame(rows, columns=["institution", "country", "year", "share", "seeds"])


def shown_institutions(rs: RunSet, shares: pd.DataFrame) -> list[str]:
    """Institutions worth a panel: any state active in some seed in the forecast years, or
    founded in them (a forum nobody joins is a forecast too)."""
    active = set(shares.loc[shares["share"] > 0, "institution"])
    years = set(shares["year"])
    founded = set()
    for run in rs.runs:
        ev = run.events
        f = ev[(ev["action"] == "founded") & ev["country"].isna()]
        founded |= {
            i for i, d in zip(f["institution"], f["date"], strict=True) if int(parse_date(d)) in years
        }
    keep = (active | founded) & set(shares["institution"])
    return sorted(keep, key=inst_sort_key)


def forecast_table(shares: pd.DataFrame) -> pd.DataFrame:
    """The shares as a wide table: one row per institution and state, one column per year end
    (percent of seeds), rows where the state is never active in any seed dropped."""
    if shares.empty:
        return pd.DataFrame(columns=["institution", "country"])
    wide = shares.pivot_table(index=["institution", "country"], columns="year", values="share", sort=False)
    wide = wide[(wide > 0).any(axis=1)]
    wide = (100 * wide).round().astype(int)
    wide.columns = [str(c) for c in wide.columns]
    return wide.reset_index()


def forecast_figure(rs: RunSet, columns: int = 4) -> Figure:
    """The heat table of participation shares after the calibration window, one panel per
    institution."""
    from matplotlib import colormaps

    years = forecast_years(rs)
    shares = participation_shares(rs, years)
    insts = shown_institutions(rs, shares) if years else []
    n = max(len(insts), 1)
    cols = min(columns, n)
    rows_of = {iid: shares[(shares["institution"] == iid)]["country"].unique().tolist() for iid in insts}
    grid_rows = math.ceil(n / cols)
    tallest = max((len(v) for v in rows_of.values()), default=1)
    fig = new_figure(3.0 * cols + 0.8, 0.9 + grid_rows * (0.6 + 0.2 * tallest), "Forecast: who takes part")
    cmap = colormaps["Blues"]
    axes = fig.subplots(grid_rows, cols, squeeze=False)
    image = None
    for k, ax in enumerate(axes.flat):
        if k >= len(insts):
            ax.set_axis_off()
            continue
        iid = insts[k]
        sub = shares[shares["institution"] == iid]
        states = rows_of[iid]
        mat = np.array([[sub[(sub["country"] == c) & (sub["year"] == y)]["share"].iloc[0] for y in years]
                        for c in states])  # fmt: skip
        image = ax.imshow(mat, cmap=cmap, vmin=0, vmax=1, aspect="auto")
        for i in range(len(states)):
            for j in range(len(years)):
                v = mat[i, j]
                ax.text(j, i, f"{100 * v:.0f}", ha="center", va="center", fontsize=7,
                        color="white" if v > 0.6 else "0.15")  # fmt: skip
        ax.set_xticks(range(len(years)), [str(y) for y in years], fontsize=7)
        ax.set_yticks(range(len(states)), states, fontsize=7)
        ax.tick_params(length=0)
        ax.set_title(inst_label(iid), loc="left", fontsize=9)
    if not insts:
        from .figures import no_data

        no_data(axes.flat[0], "The runs end by the last documented year: no forecast to show.")
    elif image is not None:
        fig.colorbar(image, ax=axes, shrink=0.6, label="share of seeds active at year end")
    seeds = f"{rs.n} seed{'s' if rs.n > 1 else ''}"
    span = f"{years[0]}-{years[-1]}" if years else "none"
    caption = (
        f"Share of {seeds} in which each state takes an active part (member, signed, ratified or "
        f"in force) in each institution at the end of each year {span}, years the model was not "
        "calibrated on; suspended (its own choice) and sanctioned (by the others) count as not "
        "active. Cells are percent of seeds."
    )
    return Figure("forecast", "Forecast: who takes part after the calibration window", caption, fig)
