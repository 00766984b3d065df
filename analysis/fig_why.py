"""Why they chose: the six utility terms behind each state's main decisions.

Every choice a government makes is logged with its six signed contributions (econ, coercion,
influence, ideology, peer, cost; cost is negative). Drawn as diverging stacked bars, a
decision's bar shows at a glance how much of it was coercion and how much influence: the
question Hirschman's two effects and Kat's Peru case turn on. Scenario-imposed (forced)
events have no terms and are left out. Peru's 2003-2006 decisions get their own figure,
next to a short paraphrase of Kat's account of the US-Peru agreement.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from tradeblocs.sim.dates import to_year
from tradeblocs.sim.decision import TERMS
from tradeblocs.sim.us_deal import us_deal_ids

from .fig_data import Run, RunSet, founding_dates, inst_label, state_order
from .fig_timeline import ANACHRONISM_COLOR
from .figures import Figure, new_figure, no_data, style

#: Paul Tol's "bright" scheme (colour-blind safe), each with a hatch for greyscale
TERM_COLORS = {"econ": "#4477AA", "coercion": "#EE6677", "influence": "#228833",
               "ideology": "#CCBB44", "peer": "#66CCEE", "cost": "#AA3377"}  # fmt: skip
TERM_HATCHES = {"econ": "", "coercion": "////", "influence": "....", "ideology": "",
                "peer": "\\\\\\\\", "cost": "xxx"}  # fmt: skip
TERM_LABELS = {
    "econ": "economic gain (market access, aid)",
    "coercion": "coercion (what staying out risks)",
    "influence": "influence (export lobby's pull)",
    "ideology": "ideological affinity",
    "peer": "peer / domino pressure",
    "cost": "sovereignty cost",
}
#: the decisions the figure explains: (panel title, institution test, actions)
PANELS = [
    ("Asking the US for talks", "us", {"requested"}),
    ("Signing an agreement with the US", "us", {"signed"}),
    ("Joining ALBA", "ALBA", {"joined", "founded", "acceding"}),
]
PERU = "PER"
PERU_YEARS = (2003.0, 2007.0)

KAT_ACCOUNT = [
    "Kat (2022) on the US-Peru agreement, in brief:",
    "- Lima, not the USTR, drove the talks: Peru pressed to join the Colombia-US negotiations "
    "in 2003 and in 2005 offered to go bilateral to close them sooner.",
    "- Business influence weighed more than coercion: exporters, organised in a council "
    "consulted during the rounds, shaped the position and later funded the lobbying in "
    "Washington.",
    "- Coercion stayed in the background: the ATPDEA preferences could lapse or be withdrawn "
    "through certification, and Peru feared falling behind if Colombia got a deal first.",
]


def chosen(run: Run) -> pd.DataFrame:
    """Decisions a government chose (not imposed by the scenario) that carry their terms."""
    ev = run.events
    ev = ev[~ev["forced"] & ev["utility"].notna() & ev["country"].notna()].copy()
    ev["t"] = ev["date"].map(to_year)
    return ev


def main_decisions(run: Run) -> pd.DataFrame:
    """The decisions of :data:`PANELS`, with a ``panel`` column, ordered by state then date."""
    ev = chosen(run)
    us = set(us_deal_ids(run.institutions))
    parts = []
    for title, inst, actions in PANELS:
        in_inst = ev["institution"].isin(us) if inst == "us" else ev["institution"].eq(inst)
        parts.append(ev[in_inst & ev["action"].isin(actions)].assign(panel=title))
    out = pd.concat(parts) if parts else ev.iloc[:0]
    rank = {c: i for i, c in enumerate(state_order(set(out["country"])))}
    return out.assign(_r=out["country"].map(rank)).sort_values(["_r", "t"]).drop(columns="_r")


def _stacked_bars(ax, frame: pd.DataFrame, labels: list[str]) -> None:
    """Diverging stacked bars of the six terms, one row per decision, net utility marked."""
    y = np.arange(len(frame))
    pos, neg = np.zeros(len(frame)), np.zeros(len(frame))
    for term in TERMS:
        v = frame[term].fillna(0).to_numpy(float)
        left = np.where(v >= 0, pos, neg + v)
        ax.barh(y, np.abs(v), left=left, height=0.72, color=TERM_COLORS[term],
                hatch=TERM_HATCHES[term] or None, edgecolor="white", linewidth=0.4)  # fmt: skip
        pos, neg = pos + np.clip(v, 0, None), neg + np.clip(v, None, 0)
    ax.scatter(frame["utility"], y, marker="D", s=18, color="black", zorder=3)
    ax.axvline(0, color="0.3", linewidth=0.8)
    ax.set_yticks(y, labels)
    ax.set_ylim(len(frame) - 0.5, -0.5)
    ax.grid(axis="x", color="0.9")
    ax.set_axisbelow(True)


def term_handles() -> list:
    """Legend entries for the six terms and the net-utility marker."""
    handles = [Patch(facecolor=TERM_COLORS[t], hatch=TERM_HATCHES[t] or None, edgecolor="white",
                     label=TERM_LABELS[t]) for t in TERMS]  # fmt: skip
    handles.append(Line2D([], [], marker="D", color="black", linestyle="none", markersize=5,
                          label="net utility (sum of the terms)"))  # fmt: skip
    return handles


def _label(r) -> str:
    return f"{r.country} {r.date} {inst_label(r.institution)}"


def early(frame: pd.DataFrame, period: float = 0.25) -> np.ndarray:
    """Which decisions came in a period (a quarter by default) that ended before their
    institution existed in history (anachronisms)."""
    founded = founding_dates()
    t = frame["date"].map(to_year).to_numpy(float)
    f = frame["institution"].map(founded).astype(float).to_numpy()
    return ~np.isnan(f) & (t + period <= f + 1e-9)


def _flag(ax, frame: pd.DataFrame) -> int:
    """Mark the labels of anachronistic decisions: vermillion, a "(!)" and the year the
    institution came into being in history. Returns how many there are."""
    flags = early(frame)
    if not flags.any():
        return 0
    founded = founding_dates()
    labels = [t.get_text() for t in ax.get_yticklabels()]
    for i in np.flatnonzero(flags):
        labels[i] = f"(!) {labels[i]} [from {int(founded[frame['institution'].iloc[i]])}]"
    ax.set_yticks(ax.get_yticks(), labels)
    for tick, is_early in zip(ax.get_yticklabels(), flags, strict=True):
        if is_early:
            tick.set_color(ANACHRONISM_COLOR)
    return int(flags.sum())


def why_figure(rs: RunSet) -> Figure:
    """Stacked utility terms of each state's US requests, US signatures and ALBA accessions."""
    run = rs.primary
    title = "Why they chose: the utility terms behind each main decision"
    dec = main_decisions(run)
    sizes = [max(1, (dec["panel"] == p).sum()) for p, _, _ in PANELS]
    flagged = 0
    with style():
        fig = new_figure(9.5, 1.9 + 0.2 * sum(sizes) + 0.5 * len(PANELS), title)
        axes = fig.subplots(len(PANELS), 1, sharex=True,
                            gridspec_kw={"height_ratios": [s + 1.5 for s in sizes]})  # fmt: skip
        for ax, (panel, _, _) in zip(axes, PANELS, strict=True):
            sub = dec[dec["panel"] == panel]
            ax.set_title(panel, loc="left")
            if sub.empty:
                no_data(ax, f"no such decision in this run ({panel.lower()})")
                continue
            _stacked_bars(ax, sub, [_label(r) for r in sub.itertuples()])
            flagged += _flag(ax, sub)
            ax.set_ylabel("state, quarter, institution")
        axes[-1].set_xlabel("contribution to the decision's utility (utility units)")
        axes[-1].tick_params(labelbottom=True)
        fig.legend(handles=term_handles(), loc="outside lower center", ncols=4, frameon=False)
    seed = f"seed {run.seed}" + (f", the first of {rs.n}" if rs.n > 1 else "")
    caption = (
        f"Signed contribution of each utility term to every US request, US signature and ALBA "
        f"accession a government chose ({seed}); scenario-imposed events are left out."
        + (f" {flagged} decision(s) marked (!) in vermillion came before the institution existed "
           "in history (anachronisms)." if flagged else "")
    )  # fmt: skip
    return Figure("why", title, caption, fig)


def peru_summary(run: Run) -> dict:
    """Influence against coercion over Peru's 2003-2006 US-agreement decisions."""
    ev = peru_decisions(run)
    us = set(us_deal_ids(run.institutions))
    us_ev = ev[ev["institution"].isin(us)]
    return {"decisions": len(ev), "us_decisions": len(us_ev),
            "influence": float(us_ev["influence"].sum()),
            "coercion": float(us_ev["coercion"].sum())}  # fmt: skip


def peru_decisions(run: Run) -> pd.DataFrame:
    ev = chosen(run)
    lo, hi = PERU_YEARS
    return ev[(ev["country"] == PERU) & (ev["t"] >= lo) & (ev["t"] < hi)].sort_values("t")


def peru_verdict(run: Run) -> str:
    """One sentence setting this run's Peru against Kat's reading (influence over coercion)."""
    s = peru_summary(run)
    if not s["us_decisions"]:
        return "In this run Peru took no decision on a US agreement in 2003-2006."
    agrees = s["influence"] > s["coercion"]
    return (
        f"In this run, over Peru's {s['us_decisions']} US-agreement "
        f"decision{'s' if s['us_decisions'] > 1 else ''} of 2003-2006, "
        f"influence adds up to {s['influence']:+.2f} and coercion to {s['coercion']:+.2f}: "
        + ("influence outweighs coercion, as Kat argues." if agrees
           else "coercion weighs at least as much as influence, unlike Kat's reading.")
    )  # fmt: skip


def peru_figure(rs: RunSet) -> Figure:
    """Peru's 2003-2006 decisions as stacked terms, beside a paraphrase of Kat's account."""
    run = rs.primary
    title = "Peru 2003-2006: the model's reasons beside Kat's account"
    ev = peru_decisions(run)
    flagged = 0
    with style():
        fig = new_figure(12, max(4.2, 1.9 + 0.34 * len(ev)), title)
        ax, text_ax = fig.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
        ax.set_title("Peru's decisions", loc="left")
        if ev.empty:
            no_data(ax, "Peru took no decision in 2003-2006 in this run")
        else:
            labels = [f"{r.date} {inst_label(r.institution)} {r.action}" for r in ev.itertuples()]
            _stacked_bars(ax, ev, labels)
            flagged = _flag(ax, ev)
            ax.set_xlabel("contribution to the decision's utility (utility units)")
            ax.set_ylabel("quarter, institution, action")
        text_ax.axis("off")
        body = "\n".join(textwrap.fill(p, 58, subsequent_indent="  ") for p in KAT_ACCOUNT)
        body += "\n\n" + textwrap.fill(peru_verdict(run), 58)
        text_ax.text(0, 1, body, va="top", ha="left", fontsize=8.5, transform=text_ax.transAxes,
                     bbox={"boxstyle": "round,pad=0.6", "facecolor": "#F7F7F7",
                           "edgecolor": "0.7"})  # fmt: skip
        fig.legend(handles=term_handles(), loc="outside lower center", ncols=4, frameon=False)
    caption = (
        f"Utility terms of every decision Peru's governments chose in 2003-2006 (seed "
        f"{run.seed}), next to Kat's (2022) account that influence mattered more than coercion."
        + (f" {flagged} decision(s) marked (!) came before the institution existed in history "
           "(an anachronism of the model, not of Peru)." if flagged else "")
    )  # fmt: skip
    return Figure("peru", title, caption, fig)
