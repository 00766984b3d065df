"""The hemisphere at three moments: who is aligned with whom, drawn on the map.

Each panel places the states at their capitals, coloured (and hatched, for greyscale) by
alignment: a US agreement in force or pending, ALBA, Mercosur, none. Lines join the members
of each trade bloc to its hub (the sponsor, or its largest economy) and each state with a US
agreement in force to Washington, so the two camps show as two networks. When the country
shapes of ``sim/data/americas_110m.geojson`` are there they are filled too; otherwise the
drawing stays a network on the capitals.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Polygon
from tradeblocs.sim.dates import period_end, to_year
from tradeblocs.sim.palette import ALIGNMENT_COLORS, ALIGNMENT_HATCHES, ALIGNMENT_LABELS
from tradeblocs.sim.tables import DATA_DIR
from tradeblocs.sim.us_deal import IN_FORCE, us_deal_ids

from .fig_data import Run, RunSet, inst_label, states_table
from .figures import (
    INSTITUTION_LINESTYLES,
    Figure,
    inst_color,
    inst_sort_key,
    new_figure,
    no_data,
    outline,
    style,
)

GEOJSON = DATA_DIR / "americas_110m.geojson"
WASHINGTON = (-77.04, 38.90)
#: label offsets (points) where capitals crowd each other (Central America, the River Plate)
LABEL_OFFSETS = {"GTM": (-20, 4), "SLV": (-14, -10), "HND": (3, 5), "NIC": (5, -3),
                 "CRI": (5, -4), "URY": (5, -6), "ARG": (-20, -6), "PAN": (5, -2)}  # fmt: skip
ALIGNMENT_MARKERS = {"us_fta": "o", "us_fta_pending": "o", "alba": "s", "mercosur": "D",
                     "none": "o"}  # fmt: skip


def pick_moments(run: Run, moments: list[str] | None = None) -> list[int]:
    """Rows of the state time series to draw: the start, the end of the middle year and the
    end of the run, or the ends of the periods the user named (nearest row)."""
    dates = run.ts_model["date"].tolist()
    times = np.array([to_year(d) for d in dates])
    if moments:
        wanted = [period_end(m) for m in moments]
    else:
        mid = math.floor((times[0] + times[-1]) / 2 - 1e-9)
        wanted = [times[0], mid + 1.0, times[-1]]
    rows = [int(np.abs(times - w).argmin()) for w in wanted]
    return list(dict.fromkeys(rows))


def moment_label(run: Run, row: int) -> str:
    """``start of 2003Q1`` for the first row, else ``end of`` the period just finished."""
    dates = run.ts_model["date"].tolist()
    return f"start of {dates[0]}" if row == 0 else f"end of {dates[row - 1]}"


def load_shapes(path: Path | None = None) -> dict[str, list[np.ndarray]]:
    """Exterior rings (lon, lat arrays) per ISO3 code from a GeoJSON FeatureCollection
    (default: the shipped ``americas_110m.geojson``); empty if the file is not there, and the
    figure then draws the capitals only."""
    path = Path(path) if path else GEOJSON
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    shapes: dict[str, list[np.ndarray]] = {}
    for feat in data.get("features", []):
        props = {k.lower(): v for k, v in (feat.get("properties") or {}).items()}
        iso = props.get("iso3") or props.get("iso_a3") or props.get("adm0_a3") or feat.get("id")
        geom = feat.get("geometry") or {}
        polys = {"Polygon": [geom.get("coordinates")],
                 "MultiPolygon": geom.get("coordinates")}.get(geom.get("type"), [])  # fmt: skip
        rings = [np.asarray(p[0], float) for p in polys if p]
        if iso and rings:
            shapes.setdefault(str(iso).upper(), []).extend(rings)
    return shapes


def memberships_at(run: Run, t: float) -> pd.DataFrame:
    """Spells open at time ``t`` (start <= t < end; an open spell runs on)."""
    sp = run.spells
    return sp[(sp["start_year"].fillna(-np.inf) <= t) & (sp["end_year"].fillna(np.inf) > t)]


def network_edges(run: Run, t: float, gdp: dict[str, float]) -> list[tuple[str, str, str]]:
    """(institution, hub, member) lines at time ``t``: each trade bloc's members to its hub,
    each US agreement in force to ``USA``."""
    insts = run.institutions
    us = set(us_deal_ids(insts))
    now = memberships_at(run, t)
    edges = []
    for iid, g in now.groupby("institution"):
        spec = insts.get(iid, {})
        if iid in us:
            edges += [(iid, "USA", c) for c in g.loc[g["status"] == IN_FORCE, "country"]]
        elif spec.get("kind") == "bloc" and float(spec.get("trade_content", 0)) > 0:
            members = g.loc[g["status"] == "member", "country"].tolist()
            if len(members) < 2:
                continue
            sponsor = spec.get("sponsor")
            hub = sponsor if sponsor in members else max(members, key=lambda c: gdp.get(c, 0))
            edges += [(iid, hub, c) for c in members if c != hub]
    return edges


def _draw_panel(ax, run: Run, row: int, coords: dict[str, tuple[float, float]],
                shapes: dict[str, list[np.ndarray]]) -> set[str]:  # fmt: skip
    """One moment: shapes (if any), network lines, capitals. Returns the institutions drawn."""
    ts = run.ts_states
    date = run.ts_model["date"].iloc[row]
    now = ts[ts["date"] == date].set_index("country")
    align = now["alignment"].to_dict()
    gdp = now["gdp_usd_bn"].to_dict() if "gdp_usd_bn" in now else {}
    for iso, rings in shapes.items():
        a = align.get(iso)
        for ring in rings:
            ax.add_patch(Polygon(
                ring, closed=True, linewidth=0.3, edgecolor="white" if a else "0.75",
                facecolor=ALIGNMENT_COLORS.get(a, "#F4F4F4") if a else "#F4F4F4",
                hatch=ALIGNMENT_HATCHES.get(a) or None, alpha=0.75 if a else 1.0, zorder=1,
            ))  # fmt: skip
    drawn = set()
    for iid, hub, member in network_edges(run, to_year(date), gdp):
        if hub not in coords or member not in coords:
            continue
        (x0, y0), (x1, y1) = coords[hub], coords[member]
        color = inst_color(iid)
        ax.plot([x0, x1], [y0, y1], color=color, linewidth=0.9 if hub == "USA" else 1.6,
                linestyle=INSTITUTION_LINESTYLES.get(iid, "-"), path_effects=outline(color),
                alpha=0.9, zorder=2)  # fmt: skip
        drawn.add(iid)
    size = 60 if shapes else 130
    for a in ALIGNMENT_COLORS:
        isos = [c for c, v in align.items() if v == a and c in coords]
        if not isos:
            continue
        xy = np.array([coords[c] for c in isos])
        ax.scatter(xy[:, 0], xy[:, 1], s=size, marker=ALIGNMENT_MARKERS[a], zorder=3,
                   facecolor=ALIGNMENT_COLORS[a], edgecolor="0.15", linewidth=0.7,
                   hatch=ALIGNMENT_HATCHES.get(a) or None)  # fmt: skip
    for c in align:
        if c in coords:
            ax.annotate(c, coords[c], xytext=LABEL_OFFSETS.get(c, (5, 3)), fontsize=6.5,
                        textcoords="offset points",
                        zorder=4, color="0.1")  # fmt: skip
    ux, uy = WASHINGTON
    ax.scatter([ux], [uy], marker="*", s=220, color="#0072B2", edgecolor="0.1", zorder=3)
    ax.annotate("USA", WASHINGTON, xytext=(6, 2), textcoords="offset points", fontsize=7,
                fontweight="bold")  # fmt: skip
    return drawn


def hemisphere_figure(rs: RunSet, moments: list[str] | None = None) -> Figure:
    """Three (or the requested) moments of the first seed, side by side."""
    run = rs.primary
    title = "The hemisphere at three moments: alignment and bloc networks"
    st = states_table()
    coords = {c: (float(r.lon), float(r.lat)) for c, r in st.iterrows()}
    coords["USA"] = WASHINGTON
    shapes = load_shapes()
    rows = pick_moments(run, moments)
    with style():
        fig = new_figure(4.3 * len(rows) + 0.5, 6.7, title)
        axes = fig.subplots(1, len(rows), squeeze=False).ravel()
        insts: set[str] = set()
        for ax, row in zip(axes, rows, strict=True):
            ax.set_title(moment_label(run, row))
            if run.ts_states is None:
                no_data(ax, "no per-state time series in this run (timeseries.csv missing)")
                continue
            insts |= _draw_panel(ax, run, row, coords, shapes)
            ax.set(xlim=(-118, -32), ylim=(-56, 44), xlabel="longitude (degrees east)",
                   aspect="equal")  # fmt: skip
            ax.grid(color="0.92", linewidth=0.5)
            ax.set_axisbelow(True)
        axes[0].set_ylabel("latitude (degrees north)")
        handles = [Patch(facecolor=ALIGNMENT_COLORS[a], edgecolor="0.15",
                         hatch=ALIGNMENT_HATCHES.get(a) or None, label=ALIGNMENT_LABELS[a])
                   for a in ALIGNMENT_COLORS]  # fmt: skip
        to_us = set(us_deal_ids(run.institutions))
        handles += [Line2D([], [], color=inst_color(i), linewidth=1.6,
                           linestyle=INSTITUTION_LINESTYLES.get(i, "-"),
                           path_effects=outline(inst_color(i)),
                           label=f"{inst_label(i)} in force (to Washington)" if i in to_us
                           else f"{inst_label(i)} member (to the bloc's hub)")
                    for i in sorted(insts, key=inst_sort_key)]  # fmt: skip
        fig.legend(handles=handles, loc="outside lower center", ncols=4, frameon=False)
    what = "country shapes and capitals" if shapes else "capitals (no country shapes available)"
    seed = f"seed {run.seed}" + (f", the first of {rs.n}" if rs.n > 1 else "")
    caption = (
        f"Each state's alignment at three moments ({seed}), drawn at its {what}; lines join "
        "bloc members to the bloc's hub and US-agreement partners to Washington."
    )
    return Figure("hemisphere", title, caption, fig)


def hemisphere_compare_figure(base: RunSet, others: list[RunSet], moments: list[str] | None = None) -> Figure:
    """The same moments under the baseline (top row) and each compared scenario (a row each),
    first seed of each, so the maps of a counterfactual sit beside the baseline's."""
    run = base.primary
    title = f"The hemisphere under {base.label} and " + ", ".join(o.label for o in others)
    st = states_table()
    coords = {c: (float(r.lon), float(r.lat)) for c, r in st.iterrows()}
    coords["USA"] = WASHINGTON
    shapes = load_shapes()
    rows = pick_moments(run, moments)
    labels = [moment_label(run, row) for row in rows]
    sets = [base, *others]
    with style():
        fig = new_figure(3.6 * len(rows) + 0.5, 4.4 * len(sets) + 0.8, title)
        axes = fig.subplots(len(sets), len(rows), squeeze=False)
        for i, rs in enumerate(sets):
            r = rs.primary
            dates = list(r.ts_model["date"])
            for j, label in enumerate(labels):
                ax = axes[i, j]
                ax.set_title(f"{rs.label}: {label}", fontsize=9)
                want = run.ts_model["date"].iloc[rows[j]]
                if r.ts_states is None or want not in dates:
                    no_data(ax, "no per-state time series for this moment")
                    continue
                _draw_panel(ax, r, dates.index(want), coords, shapes)
                ax.set(xlim=(-118, -32), ylim=(-56, 44), aspect="equal", xticks=[], yticks=[])
        handles = [Patch(facecolor=ALIGNMENT_COLORS[a], edgecolor="0.15",
                         hatch=ALIGNMENT_HATCHES.get(a) or None, label=ALIGNMENT_LABELS[a])
                   for a in ALIGNMENT_COLORS]  # fmt: skip
        fig.legend(handles=handles, loc="outside lower center", ncols=5, frameon=False)
    caption = (
        f"Each state's alignment at the same moments, top row {base.label}, then each compared "
        f"scenario (first seed of each: {', '.join(f'{rs.label} {rs.primary.seed}' for rs in sets)}); "
        "lines join bloc members to the bloc's hub and US-agreement partners to Washington."
    )
    return Figure("hemisphere-compare", title, caption, fig)
