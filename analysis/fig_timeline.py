"""The membership timeline: each state's spells in each institution, simulated over documented.

Nineteen states in a dozen institutions do not fit one readable chart, so the figure is a
grid of small panels, one per state, each with a row per institution the state ever held a
status in (in the run or in the record). Each row is a pair of bars: the simulated spell on
top, the documented one beneath and hatched, so a mismatch shows as a pair that does not line
up. The shade says how far along a spell is (requested ... in force) and reads in greyscale.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.colors import to_rgba
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .fig_data import RunSet, founding_dates, inst_label, state_order, states_table
from .figures import Figure, inst_color, inst_sort_key, new_figure, style, year_axis
from .history import history_spells

#: how strongly a status is shaded: full for being in, lighter for steps toward it
STATUS_ALPHA = {
    "member": 1.0, "in_force": 1.0, "signed": 0.6, "ratified": 0.6,
    "requested": 0.28, "negotiating": 0.28, "acceding": 0.28, "suspended": 0.0,
    "sanctioned": 0.0,
}  # fmt: skip
STATUS_GROUPS = [
    ("member or in force", 1.0),
    ("signed or ratified", 0.6),
    ("requested, negotiating or acceding", 0.28),
]
DOCUMENTED_HATCH = "////"
ANACHRONISM_COLOR = "#D55E00"  # vermillion, with a "!" marker beside it
BAR = 0.38  # height of each bar of a pair; the pair is centred on the row


def _bars(ax, spells: pd.DataFrame, rows: dict[str, int], start: float, end: float,
          documented: bool) -> None:  # fmt: skip
    """Draw ``spells`` on their institution's row, clipped to [start, end]."""
    for sp in spells.itertuples(index=False):
        lo = max(sp.start_year, start) if not math.isnan(sp.start_year) else start
        hi = min(sp.end_year, end) if not math.isnan(sp.end_year) else end
        if hi <= lo or sp.institution not in rows:
            continue
        color = inst_color(sp.institution)
        alpha = STATUS_ALPHA.get(sp.status, 0.5)
        y = rows[sp.institution] + (BAR / 2 + 0.02) * (1 if documented else -1)  # y runs down
        ax.barh(
            y, hi - lo, left=lo, height=BAR, facecolor=to_rgba(color, alpha),
            edgecolor="0.2" if documented else color,
            hatch=DOCUMENTED_HATCH if documented else None,
            linewidth=0.9 if sp.status in ("suspended", "sanctioned") else 0.3,
            linestyle=":" if sp.status == "sanctioned" else "--" if sp.status == "suspended" else "-",
        )  # fmt: skip


def _legend_handles() -> list[Patch]:
    grey = "#555555"
    handles = [Patch(facecolor=grey, edgecolor=grey, label="simulated (upper bar)"),
               Patch(facecolor="white", edgecolor="0.2", hatch=DOCUMENTED_HATCH,
                     label="documented history (lower bar, hatched)")]  # fmt: skip
    handles += [Patch(facecolor=to_rgba(grey, a), edgecolor=grey, linewidth=0.3, label=text)
                for text, a in STATUS_GROUPS]  # fmt: skip
    handles.append(Patch(facecolor="none", edgecolor=grey, linestyle="--",
                         label="suspended its own participation"))  # fmt: skip
    handles.append(Patch(facecolor="none", edgecolor=grey, linestyle=":",
                         label="sanctioned (suspended by the others)"))  # fmt: skip
    handles.append(Patch(facecolor="none", edgecolor="none",
                         label="grey row name: no documented spell"))  # fmt: skip
    handles.append(Line2D([], [], color="0.1", marker="|", markersize=9, linestyle="none",
                          label="founded in history"))  # fmt: skip
    handles.append(Line2D([], [], color=ANACHRONISM_COLOR, marker="$!$", markersize=8,
                          linestyle="none", label="simulated before it existed"))  # fmt: skip
    return handles


def _flag_anachronisms(ax, spells: pd.DataFrame, rows: dict[str, int], founded: dict[str, float],
                       start: float, end: float) -> int:  # fmt: skip
    """Mark each row's historical founding date (a tick) and every simulated spell that starts
    before it (a "!" in vermillion at the spell's start). Returns how many were flagged."""
    for iid, row in rows.items():
        f = founded.get(iid)
        if f is not None and start <= f <= end:
            ax.plot([f, f], [row - 0.45, row + 0.45], color="0.1", linewidth=1.1, zorder=4)
    flagged = 0
    for sp in spells.itertuples(index=False):
        f = founded.get(sp.institution)
        if f is None or sp.institution not in rows or math.isnan(sp.start_year):
            continue
        if sp.start_year + 0.25 <= f + 1e-9 and sp.start_year >= start:  # a quarter ending before
            y = rows[sp.institution] - (BAR / 2 + 0.02)
            ax.plot(sp.start_year, y, marker="$!$", color=ANACHRONISM_COLOR, markersize=9, zorder=5)
            flagged += 1
    return flagged


def timeline_figure(rs: RunSet, columns: int = 4) -> Figure:
    """One small panel per state: simulated spells of the first seed over documented ones."""
    run = rs.primary
    title = "Membership timeline: simulated (upper bar) against documented history (lower bar)"
    sim = run.spells[run.spells["end_year"].fillna(np.inf) > run.start]
    hist = history_spells()
    hist = hist[hist["end_year"].fillna(np.inf) > run.start]
    hist = hist[hist["start_year"] < run.end]
    states = state_order(set(sim["country"]) | set(run.summary.get("alignment", {})))
    names = states_table()["name"].to_dict()
    founded = founding_dates()
    flagged = 0
    rows_needed = math.ceil((len(states) + 1) / columns)
    with style():
        fig = new_figure(3.6 * columns, 2.35 * rows_needed, title)
        axes = fig.subplots(rows_needed, columns, squeeze=False).ravel()
        for ax, iso3 in zip(axes, states, strict=False):
            s_sim, s_hist = sim[sim["country"] == iso3], hist[hist["country"] == iso3]
            insts = sorted(set(s_sim["institution"]) | set(s_hist["institution"]),
                           key=inst_sort_key)  # fmt: skip
            rows = {iid: i for i, iid in enumerate(insts)}
            _bars(ax, s_sim, rows, run.start, run.end, documented=False)
            _bars(ax, s_hist, rows, run.start, run.end, documented=True)
            flagged += _flag_anachronisms(ax, s_sim, rows, founded, run.start, run.end)
            ax.set_yticks(range(len(insts)), [inst_label(i) for i in insts])
            for tick, iid in zip(ax.get_yticklabels(), insts, strict=True):
                tick.set_color("black" if iid in set(s_hist["institution"]) else "0.45")
            ax.set_ylim(len(insts) - 0.5 if insts else 0.5, -0.5)
            ax.set_title(f"{names.get(iso3, iso3)} ({iso3})", loc="left")
            year_axis(ax, run.start, run.end)
            ax.grid(axis="x", color="0.9", linewidth=0.6)
            ax.set_axisbelow(True)
        for ax in axes[len(states) :]:
            ax.axis("off")
        axes[-1].legend(handles=_legend_handles(), loc="center", frameon=False,
                        title="How to read a row")  # fmt: skip
        fig.supxlabel("year")
        fig.supylabel("institution (one row each; colour = institution)")
    seed = f"seed {run.seed}" + (f", the first of {rs.n}" if rs.n > 1 else "")
    caption = (
        f"Each state's status in each institution, {seed}: upper bars simulated, lower hatched "
        "bars documented; full shade = member or in force, lighter = earlier stages; a black "
        "tick marks the institution's founding in history, and a vermillion ! a simulated spell "
        f"that starts before it ({flagged} in this run)."
    )
    return Figure("timeline", title, caption, fig)
