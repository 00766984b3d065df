"""Figures of a run for the report: shared style, saving, the hemisphere's course and the
counterfactual comparison.

Every figure is built on a bare :class:`matplotlib.figure.Figure` (no pyplot), so making
figures never opens a window, never needs a display and leaves no global state behind.
Each comes back as a :class:`Figure` with a title and a one-line caption, which are written
into the PNG/SVG metadata and shown under the image in the HTML report.

Colours follow ``sim/palette.py`` (one per institution, Okabe-Ito, so colour-blind readers can
tell them apart); every colour is paired with a hatch, a marker or a line style, so the
figures also read when printed in greyscale. The membership timeline, the maps and the
decision bars live in ``fig_timeline``, ``fig_map`` and ``fig_why``.
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure as MplFigure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator
from scipy import stats
from tradeblocs.sim.palette import INSTITUTION_COLORS

from .fig_data import RunSet, inst_label, status_count
from .history import history_spells

#: rc settings every figure is drawn and saved under
STYLE = {
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "legend.fontsize": 8,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "hatch.linewidth": 0.6,
    "svg.fonttype": "none",  # text stays text in the SVG: searchable and small
    "figure.dpi": 100,
}

#: greyscale companions of the institution colours: a marker and a line style each
INSTITUTION_MARKERS = {
    "US_FTA": "X", "NAFTA": "*", "CAFTA_DR": "h", "FTAA": "+", "TPP": "p", "ATPDEA": "1",
    "CAN": "s", "MERCOSUR": "D", "ALBA": "o", "UNASUR": "^", "CELAC": "v",
    "PACIFIC_ALLIANCE": "P",
}  # fmt: skip
INSTITUTION_LINESTYLES = {
    "CAN": (0, (1, 1)), "MERCOSUR": "--", "ALBA": "-", "UNASUR": "-.",
    "CELAC": (0, (5, 1, 1, 1, 1, 1)), "PACIFIC_ALLIANCE": (0, (3, 1)),
}  # fmt: skip
#: canonical order of institutions in legends and rows: US agreements first, then blocs
INSTITUTION_ORDER = list(INSTITUTION_COLORS)
DOCUMENTED_STYLE = {"color": "black", "linestyle": ":", "linewidth": 1.3, "drawstyle": "steps-post"}


def inst_color(iid: str) -> str:
    return INSTITUTION_COLORS.get(iid, "#444444")


def outline(color: str) -> list:
    """Path effects that give a light colour (CAN's yellow) a dark outline, so its line shows
    on white paper and on a greyscale print; darker colours need none."""
    r, g, b = to_rgb(color)
    if 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.8:
        return []
    return [patheffects.withStroke(linewidth=3.2, foreground="0.35"), patheffects.Normal()]


def inst_sort_key(iid: str) -> tuple[int, str]:
    return (INSTITUTION_ORDER.index(iid) if iid in INSTITUTION_ORDER else 99, iid)


@dataclass
class Figure:
    """A finished figure: ``name`` (file and HTML id), title, one-line caption, the figure."""

    name: str
    title: str
    caption: str
    fig: MplFigure


@dataclass
class SavedFigure:
    """A figure written to disk; keeps what the HTML needs, not the matplotlib object."""

    name: str
    title: str
    caption: str
    png: Path
    svg: Path
    png_base64: str


@contextmanager
def style() -> Iterator[None]:
    """The report's matplotlib style, for drawing and saving alike."""
    with matplotlib.rc_context(STYLE):
        yield


def new_figure(width: float, height: float, title: str) -> MplFigure:
    """A bare figure with the report's title placement, drawn with constrained layout."""
    fig = MplFigure(figsize=(width, height), layout="constrained")
    fig.suptitle(title, fontsize=12, fontweight="bold")
    return fig


def save_figure(f: Figure, out_dir: Path, prefix: str, dpi: int = 150) -> SavedFigure:
    """Write ``f`` as ``{prefix}-{name}.png`` and ``.svg`` into ``out_dir``, with the title and
    caption in the files' metadata, and return the PNG bytes base64-encoded for the HTML."""
    out_dir.mkdir(parents=True, exist_ok=True)
    png, svg = out_dir / f"{prefix}-{f.name}.png", out_dir / f"{prefix}-{f.name}.svg"
    with style():
        buf = io.BytesIO()
        meta = {"Title": f.title, "Description": f.caption, "Software": "tradeblocs report"}
        f.fig.savefig(buf, format="png", dpi=dpi, metadata=meta)
        png.write_bytes(buf.getvalue())
        f.fig.set_layout_engine("none")  # the layout is settled: the SVG reuses it
        f.fig.savefig(svg, format="svg", metadata={"Title": f.title, "Description": f.caption})
    encoded = base64.b64encode(buf.getvalue()).decode("ascii")
    return SavedFigure(f.name, f.title, f.caption, png, svg, encoded)


def no_data(ax, text: str) -> None:
    """Say in the panel itself why it is empty, instead of leaving a blank box."""
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="0.3",
            wrap=True)  # fmt: skip
    ax.set_xticks([])
    ax.set_yticks([])


def year_axis(ax, start: float, end: float) -> None:
    """Years on the x axis, ticks every three years (every year on short runs)."""
    ax.set_xlim(start, end)
    lo, hi = math.ceil(start), math.floor(end)
    step = 1 if hi - lo <= 6 else 3
    ax.set_xticks(range(lo, hi + 1, step))


def seed_note(rs: RunSet) -> str:
    return "one seed" if rs.n == 1 else f"{rs.n} seeds"


# --- the hemisphere's course --------------------------------------------------------------


def band_label(n: int) -> str:
    return f"range across {n} seeds" if n <= 10 else f"10th-90th percentile of {n} seeds"


def _mean_band(ax, frame: pd.DataFrame, color: str, label: str, **line) -> None:
    """Mean over seeds (columns) as a line, with a band when there are several seeds."""
    t = frame.index.to_numpy(float)
    ax.plot(t, frame.mean(axis=1), color=color, label=label, drawstyle="steps-post", **line)
    n = frame.shape[1]
    if n > 1:
        lo, hi = (frame.min(axis=1), frame.max(axis=1)) if n <= 10 else (
            frame.quantile(0.1, axis=1), frame.quantile(0.9, axis=1))  # fmt: skip
        ax.fill_between(t, lo, hi, color=color, alpha=0.2, step="post", linewidth=0,
                        label=band_label(n))  # fmt: skip


def us_agreements(rs: RunSet) -> list[str]:
    """Institutions whose entry into force counts as a US FTA (US-including, not preferences)."""
    insts = rs.primary.institutions
    return [i for i, spec in insts.items()
            if spec.get("includes_us") and spec.get("kind") == "us_agreement"]  # fmt: skip


def course_figure(rs: RunSet) -> Figure:
    """US-alignment index, US FTAs in force and each bloc's size over time, with the
    documented counts beneath as dotted steps."""
    title = "The hemisphere's course: alignment, US agreements and bloc sizes"
    run = rs.primary
    hist = history_spells()
    with style():
        fig = new_figure(12, 8.2, title)
        gs = fig.add_gridspec(3, 3)
        t = rs.stacked("us_alignment_index").index.to_numpy(float)
        t_doc = t + 1 / run.steps_per_year - 1e-6  # documented status at each period's end
        ax = fig.add_subplot(gs[0, 0])
        _mean_band(ax, rs.stacked("us_alignment_index"), "#0072B2", "simulated (mean)")
        ax.axhline(0, color="0.6", linewidth=0.8)
        ax.set(title="US-alignment index", ylabel="index (-1 ALBA ... +1 US FTA)",
               ylim=(-1.05, 1.05))  # fmt: skip
        year_axis(ax, run.start, run.end)
        ax = fig.add_subplot(gs[0, 1])
        _mean_band(ax, rs.stacked("us_ftas_in_force"), "#0072B2", "simulated (mean)")
        documented = status_count(hist, t_doc, us_agreements(rs), {"in_force"})
        ax.plot(t, documented, label="documented", **DOCUMENTED_STYLE)
        ax.set(title="US free trade agreements in force", ylabel="states (count)")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        year_axis(ax, run.start, run.end)
        legend_ax = fig.add_subplot(gs[0, 2])
        legend_ax.axis("off")
        for k, bloc in enumerate(rs.blocs[:6]):
            ax = fig.add_subplot(gs[1 + k // 3, k % 3])
            frame = rs.stacked(f"members_{bloc}")
            if frame.empty:
                no_data(ax, f"no {inst_label(bloc)} series in this run")
                continue
            color = inst_color(bloc)
            _mean_band(ax, frame, color, "simulated (mean)", linewidth=2.2,
                       linestyle=INSTITUTION_LINESTYLES.get(bloc, "-"),
                       path_effects=outline(color))  # fmt: skip
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
            ax.plot(t, status_count(hist, t_doc, [bloc], {"member"}), **DOCUMENTED_STYLE)
            ax.set(title=f"{inst_label(bloc)} members", ylabel="states (count)")
            ax.set_ylim(bottom=0)
            year_axis(ax, run.start, run.end)
        for ax in fig.axes[-3:]:
            ax.set_xlabel("year")
        handles = [
            Line2D([], [], color="0.2", linewidth=1.8, label="simulated, mean over seeds"),
            Line2D([], [], label="documented history", **DOCUMENTED_STYLE),
        ]
        if rs.n > 1:
            handles.append(Patch(color="0.2", alpha=0.2, label=band_label(rs.n)))
        handles += [Line2D([], [], color=inst_color(b), linewidth=2.2, label=inst_label(b),
                           linestyle=INSTITUTION_LINESTYLES.get(b, "-"),
                           path_effects=outline(inst_color(b)))
                    for b in rs.blocs[:6]]  # fmt: skip
        legend_ax.legend(handles=handles, loc="center", frameon=False, title="Legend")
    band = f"; shaded: {band_label(rs.n)}" if rs.n > 1 else ""
    caption = (
        f"Simulated mean over {seed_note(rs)}{band}; dotted steps: documented counts from "
        "the historical record (none exists for the model's alignment index)."
    )
    return Figure("course", title, caption, fig)


# --- counterfactual comparison ------------------------------------------------------------

LEVEL = 0.95


def difference(a: np.ndarray, b: np.ndarray, level: float = LEVEL) -> dict:
    """Difference of means ``b - a`` with a Welch t-interval when both sides have two or more
    seeds; otherwise the point difference and a note saying why there is no interval."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    diff = float(b.mean() - a.mean())
    out = {"difference": diff, "low": np.nan, "high": np.nan, "note": ""}
    if len(a) < 2 or len(b) < 2:
        out["note"] = "no interval: needs two or more seeds on each side"
        return out
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se = math.sqrt(va + vb)
    if se == 0:
        out.update(low=diff, high=diff, note="no spread across seeds")
        return out
    dof = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    half = float(stats.t.ppf(0.5 + level / 2, dof)) * se
    out.update(low=diff - half, high=diff + half, note=f"Welch t, {dof:.1f} d.f.")
    return out


def paired(base: pd.DataFrame, other: pd.DataFrame, outcome: str, level: float = LEVEL) -> dict:
    """``other - base`` for one outcome, paired over the seeds both ran, as ``tradeblocs
    compare`` does (common random numbers: the same seed meets the same draws, so the
    difference shows the change, not the noise). Two or more common seeds: the mean paired
    difference and its t-interval. One: that seed's difference, no interval. None: the Welch
    interval of two independent samples, and a note saying so."""
    if outcome not in other:
        return {"difference": np.nan, "low": np.nan, "high": np.nan, "pairs": 0,
                "note": "outcome missing in the compared run"}  # fmt: skip
    a = base.dropna(subset=["seed"]).drop_duplicates("seed").set_index("seed")[outcome]
    b = other.dropna(subset=["seed"]).drop_duplicates("seed").set_index("seed")[outcome]
    common = sorted(set(a.index) & set(b.index))
    if not common:
        out = difference(base[outcome].to_numpy(float), other[outcome].to_numpy(float), level)
        out["note"] = "no common seeds: unpaired " + (out["note"] or "difference")
        return {**out, "pairs": 0}
    from .compare import paired_interval

    diffs = (b.loc[common] - a.loc[common]).to_numpy(float)
    mean, half = paired_interval(diffs, level)
    out = {"difference": mean, "low": np.nan, "high": np.nan, "pairs": len(common)}
    if len(common) < 2:
        return {**out, "note": "one common seed: no interval"}
    note = f"paired t over {len(common)} seeds"
    if half == 0:
        note += " (the same difference in every seed)"
    return {**out, "low": mean - half, "high": mean + half, "note": note}


def compare_table(base: RunSet, others: list[RunSet]) -> pd.DataFrame:
    """For each comparison and outcome: both means, their seed counts, the difference
    (``other - base``) paired over common seeds, its interval and the number of pairs."""
    rows = []
    for other in others:
        for outcome in base.outcomes.columns.drop(["seed", "date"]):
            a = base.outcomes[outcome].to_numpy(float)
            b = (other.outcomes[outcome] if outcome in other.outcomes
                 else pd.Series([np.nan])).to_numpy(float)  # fmt: skip
            rows.append({"comparison": other.label, "outcome": outcome,
                         "base mean": a.mean(), "base seeds": len(a),
                         "other mean": b.mean(), "other seeds": len(b),
                         **paired(base.outcomes, other.outcomes, outcome)})  # fmt: skip
    return pd.DataFrame(rows)


COMPARE_MARKERS = ["o", "s", "D", "^", "v", "P"]
COMPARE_COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]


def compare_figure(base: RunSet, table: pd.DataFrame) -> Figure:
    """Forest plot of the outcome differences: counts on one panel, the index on another."""
    title = f"Counterfactuals: outcome differences from {base.label}"
    with style():
        outcomes = list(dict.fromkeys(table["outcome"]))
        counts = [o for o in outcomes if o != "US-alignment index"]
        fig = new_figure(11, 1.2 + 0.42 * len(counts), title)
        gs = fig.add_gridspec(1, 2, width_ratios=[3, 2])
        panels = [(fig.add_subplot(gs[0, 0]), counts, "difference in states (count)"),
                  (fig.add_subplot(gs[0, 1]), ["US-alignment index"],
                   "difference in index points")]  # fmt: skip
        labels = list(dict.fromkeys(table["comparison"]))
        for ax, names, xlabel in panels:
            ax.axvline(0, color="0.5", linewidth=0.8)
            for k, label in enumerate(labels):
                sub = table[table["comparison"] == label].set_index("outcome").reindex(names)
                y = np.arange(len(names)) + (k - (len(labels) - 1) / 2) * 0.8 / len(labels)
                ci = sub["low"].notna().to_numpy()
                d = sub["difference"].to_numpy(float)
                err = np.vstack([d - sub["low"], sub["high"] - d])
                color, marker = COMPARE_COLORS[k % 6], COMPARE_MARKERS[k % 6]
                ax.errorbar(d[ci], y[ci], xerr=err[:, ci], fmt=marker, color=color, capsize=3)
                ax.plot(d[~ci], y[~ci], marker, mfc="white", color=color, linestyle="none")
            ax.set_yticks(np.arange(len(names)), names)
            ax.invert_yaxis()
            ax.set_xlabel(xlabel)
            ax.grid(axis="x", color="0.9")
        panels[0][0].set_ylabel("outcome at the end of the run")
        handles = []
        for k, label in enumerate(labels):
            has_ci = table.loc[table["comparison"] == label, "low"].notna()
            kind = (f"{LEVEL:.0%} interval" if has_ci.all()
                    else "point difference, no interval")  # fmt: skip
            handles.append(Line2D([], [], marker=COMPARE_MARKERS[k % 6], linestyle="none",
                                  color=COMPARE_COLORS[k % 6],
                                  mfc=COMPARE_COLORS[k % 6] if has_ci.all() else "white",
                                  label=f"{label} minus {base.label} ({kind})"))  # fmt: skip
        fig.legend(handles=handles, loc="outside lower center", ncols=2, frameon=False)
    caption = (
        f"Each point is (compared run's mean) minus ({base.label}'s mean) at the end of the run; "
        f"bars are {LEVEL:.0%} t-intervals of the differences paired over the seeds both sides "
        "ran (as in tradeblocs compare), hollow markers a point difference without an interval "
        "(fewer than two common seeds)."
    )
    return Figure("compare", title, caption, fig)


# --- the counterfactual's course over the baseline's ---------------------------------------

COMPARE_STYLES = ["--", "-.", (0, (1, 1)), (0, (5, 1, 1, 1))]


def course_compare_figure(base: RunSet, others: list[RunSet]) -> Figure:
    """Each compared run's course drawn over the baseline's: the US-alignment index, US FTAs in
    force and each bloc's size, every run set as its mean with a band across its seeds (its own
    colour, line style and marker), and the documented counts as dotted steps."""
    title = f"The course of each counterfactual over {base.label}'s"
    run = base.primary
    hist = history_spells()
    sets = [base, *others]
    colors = ["0.15", *COMPARE_COLORS[1:]]
    styles = ["-", *COMPARE_STYLES]
    panels = [("us_alignment_index", "US-alignment index"), ("us_ftas_in_force", "US FTAs in force")]
    panels += [(f"members_{b}", f"{inst_label(b)} members") for b in base.blocs[:7]]
    ncols = 3
    nrows = math.ceil(len(panels) / ncols)
    with style():
        fig = new_figure(12, 2.7 * nrows + 0.9, title)
        axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
        for ax, (column, name) in zip(axes, panels, strict=False):
            for k, rs in enumerate(sets):
                frame = rs.stacked(column)
                if frame.empty:
                    continue
                _mean_band(ax, frame, colors[k % len(colors)], rs.label,
                           linestyle=styles[k % len(styles)], linewidth=1.8 if k else 2.2,
                           marker=COMPARE_MARKERS[k % 6], markevery=max(1, len(frame) // 7),
                           markersize=4)  # fmt: skip
            t = base.stacked("us_ftas_in_force").index.to_numpy(float)
            t_doc = t + 1 / run.steps_per_year - 1e-6
            if column == "us_ftas_in_force":
                ax.plot(t, status_count(hist, t_doc, us_agreements(base), {"in_force"}), **DOCUMENTED_STYLE)
            elif column.startswith("members_"):
                ax.plot(t, status_count(hist, t_doc, [column[8:]], {"member"}), **DOCUMENTED_STYLE)
            if column == "us_alignment_index":
                ax.axhline(0, color="0.6", linewidth=0.8)
                ax.set_ylim(-1.05, 1.05)
            else:
                ax.set_ylim(bottom=0)
                ax.yaxis.set_major_locator(MaxNLocator(integer=True))
            ax.set_title(name, loc="left")
            year_axis(ax, run.start, run.end)
        for ax in axes[len(panels) :]:
            ax.axis("off")
        handles = [Line2D([], [], color=colors[k % len(colors)], linestyle=styles[k % len(styles)],
                          marker=COMPARE_MARKERS[k % 6], linewidth=2,
                          label=f"{rs.label} (mean of {seed_note(rs)})")
                   for k, rs in enumerate(sets)]  # fmt: skip
        handles.append(Line2D([], [], label="documented history", **DOCUMENTED_STYLE))
        if any(rs.n > 1 for rs in sets):
            handles.append(Patch(color="0.3", alpha=0.2, label="band: range across seeds (10th-90th "
                                 "percentile above 10 seeds)"))  # fmt: skip
        fig.legend(handles=handles, loc="outside lower center", ncols=3, frameon=False)
    caption = (
        f"Mean over seeds of {base.label} (dark, solid) and of each compared scenario (its own "
        "colour, line style and marker), each with a band across its seeds; dotted steps: the "
        "documented counts."
    )
    return Figure("course-compare", title, caption, fig)
