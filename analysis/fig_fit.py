"""The fit figure: every documented event of the window by date, one row per state and
institution, marked by the share of seeds that reproduce it within a year.

Why a dot plot and not a single number: the headline share says how much of the record the
agents reproduce; this says which parts, so the misses (drawn as red crosses) can be read as
stories (a wait that never happens, a bloc nobody joins) rather than as a percentage.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.colors import Normalize
from matplotlib.lines import Line2D

from .figures import Figure, new_figure, style
from .score import CHOSEN, FORCED, LCD, WINDOW_YEARS, path_summary

#: colour scale of the hit share: red (never) through yellow to green (every seed)
CMAP = "RdYlGn"


def fit_figure(events: pd.DataFrame, seeds: int) -> Figure:
    """Dot plot of ``events`` (``analysis.score.event_shares``): x the documented date, a row
    per state and institution; agent-chosen events coloured by hit share, never-reproduced ones
    as red crosses, forum joins in grey (set apart), forced ones as hollow squares."""
    ev = events.copy()
    ev["t"] = pd.to_datetime(ev["date"]).map(lambda d: d.year + (d.day_of_year - 1) / 365.25)
    ev["row"] = ev["country"] + " · " + ev["institution"]
    # the forum joins (set apart from the score) get one row per forum, not one per state
    lcd = ev["kind"] == LCD
    joins = ev[lcd].groupby("institution")["country"].transform("size").astype(str)
    ev.loc[lcd, "row"] = "all · " + ev.loc[lcd, "institution"] + " (" + joins + " joins)"
    order = ev.groupby("row")["t"].min().sort_values(kind="stable").index.tolist()
    ypos = {r: i for i, r in enumerate(order)}
    ev["y"] = ev["row"].map(ypos)
    chosen = ev[ev["kind"] == CHOSEN]
    never = chosen[chosen["hit_share"].fillna(0) == 0]
    some = chosen[chosen["hit_share"].fillna(0) > 0]
    title = "Documented events reproduced within a year"
    with style():
        fig = new_figure(11, max(4.0, 0.22 * len(order) + 1.6), title)
        ax = fig.subplots()
        norm = Normalize(0, 1)
        cmap = colormaps[CMAP]
        ax.scatter(ev.loc[ev["kind"] == LCD, "t"], ev.loc[ev["kind"] == LCD, "y"], s=14,
                   color="0.65", zorder=2)  # fmt: skip
        forced = ev[ev["kind"] == FORCED]
        ax.scatter(forced["t"], forced["y"], s=34, marker="s", facecolors="none",
                   edgecolors="black", zorder=3)  # fmt: skip
        sc = ax.scatter(some["t"], some["y"], c=some["hit_share"], cmap=cmap, norm=norm, s=46,
                        edgecolors="0.2", linewidths=0.5, zorder=4)  # fmt: skip
        ax.scatter(never["t"], never["y"], marker="x", s=40, color="#c0392b", linewidths=1.6,
                   zorder=4)  # fmt: skip
        ax.set_yticks(range(len(order)), order, fontsize=7)
        ax.set_ylim(len(order) - 0.5, -0.5)
        lo, hi = np.floor(ev["t"].min()), np.ceil(ev["t"].max())
        ax.set_xlim(lo - 0.2, hi + 0.2)
        ax.set_xticks(range(int(lo), int(hi) + 1))
        ax.grid(color="0.92", linewidth=0.6)
        ax.set_axisbelow(True)
        fig.colorbar(sc, ax=ax, fraction=0.025, pad=0.01,
                     label=f"share of {seeds} seed(s) within {WINDOW_YEARS:.0f} y")  # fmt: skip
        ax.legend(
            handles=[
                Line2D(
                    [],
                    [],
                    marker="o",
                    ls="",
                    color=cmap(0.8),
                    markeredgecolor="0.2",
                    label="agents' choice (colour: hit share)",
                ),
                Line2D([], [], marker="x", ls="", color="#c0392b", label="in no seed within a year"),
                Line2D([], [], marker="o", ls="", color="0.65", label="forum join (set apart)"),
                Line2D(
                    [],
                    [],
                    marker="s",
                    ls="",
                    markerfacecolor="none",
                    color="black",
                    label="forced in some seed",
                ),
            ],  # fmt: skip
            loc="lower left",
            fontsize=7,
            framealpha=0.9,
        )
    n, hit = len(chosen), float(chosen["hit_share"].fillna(0).mean()) if len(chosen) else float("nan")
    caption = (
        f"{n} documented events the agents chose, mean share of seeds reproducing each within a "
        f"year {hit:.2f}; {len(never)} reproduced within a year in no seed (red crosses: never, or "
        "more than a year off). Forum joins "
        "and forced events are drawn but not scored."
    )
    return Figure("fit-events", title, caption, fig)


def paths_figure(paths: pd.DataFrame) -> Figure:
    """One row per documented path (``analysis.score.path_table``): the share of seeds that
    reproduce every step within a year, with its Wilson interval, against the issue's two bars
    (half the seeds, three of four). A 20-seed share is a rough figure; the interval says how
    rough, so a path under the bar by noise reads differently from one never seen."""
    p = paths.dropna(subset=["hit_share"]).reset_index(drop=True)
    title = "Documented paths reproduced step by step"
    with style():
        fig = new_figure(9, max(3.5, 0.26 * len(p) + 1.4), title)
        ax = fig.subplots()
        cmap = colormaps[CMAP]
        y = np.arange(len(p))
        ax.hlines(y, p["low"], p["high"], color="0.55", linewidth=2.2, zorder=2)
        ax.scatter(p["hit_share"], y, c=cmap(p["hit_share"].to_numpy()), s=52, edgecolors="0.2",
                   linewidths=0.5, zorder=3)  # fmt: skip
        for bar, label in ((0.5, "half the seeds"), (0.75, "three of four")):
            ax.axvline(bar, color="0.3", linestyle="--", linewidth=0.8, zorder=1)
            ax.text(bar, -0.9, label, ha="center", va="bottom", fontsize=7, color="0.3")
        ax.set_yticks(y, p["path"].str.replace("_", " "), fontsize=8)
        ax.set_ylim(len(p) - 0.5, -1.2)
        ax.set_xlim(-0.02, 1.02)
        ax.set_xlabel("share of seeds reproducing every step within a year (bar: 90% interval)")
        ax.grid(axis="x", color="0.92", linewidth=0.6)
        ax.set_axisbelow(True)
    return Figure("fit-paths", title, f"{path_summary(p)}.", fig)
