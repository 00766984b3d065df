"""The app's plots over time, drawn as small inline SVG charts built by hand.

Why not matplotlib: redrawing three matplotlib axes as SVG took 0.4-0.6 s a step, most of the
app's Step time. These charts are a few polylines and cost about a millisecond, so Step and Play
stay quick. Matplotlib is still used, only on demand, for the PNG a researcher downloads
(:func:`chart_png`).

Every line has a dash pattern and a marker beside its colour (readable under colour blindness
and in greyscale). Text and axes take their colour from CSS variables, so the charts follow the
app's light or dark theme. Labels come from the model's own values and are escaped anyway.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

from ..model import ALIGNMENT_SCORE
from ..palette import INSTITUTION_COLORS
from ..us_deal import us_deal_ids
from .history import documented_alignment_index, documented_series
from .mapview import short_name

if TYPE_CHECKING:
    from ..model import TradeBlocsModel

#: Blocs drawn over time (UNASUR and CELAC gather everyone and would flatten the plot).
PLOT_BLOCS = ("ALBA", "MERCOSUR", "PACIFIC_ALLIANCE", "CAN")
#: A marker and a dash pattern per bloc, beside its colour.
BLOC_MARKERS = {"ALBA": "circle", "MERCOSUR": "diamond", "PACIFIC_ALLIANCE": "triangle", "CAN": "square"}
BLOC_DASHES = {"ALBA": "", "MERCOSUR": "7 3", "PACIFIC_ALLIANCE": "2 2", "CAN": "9 3 2 3"}
FG = "var(--tb-fg)"  # the theme's text colour, for lines drawn in "ink"
DOC = "var(--tb-doc)"  # the documented record's line colour
CF_COLOUR = "#D55E00"  # the counterfactual beside the baseline (Okabe-Ito vermillion)
#: The three charts: key, title, y range (None: from 0 to the data's maximum).
CHARTS = ("members", "us_ftas", "alignment")
TITLES = {
    "members": "Members per bloc",
    "us_ftas": "States with a US FTA in force",
    "alignment": "US-alignment index (GDP-weighted: +1 US deal, \u22121 ALBA)",
}


@dataclass
class Line:
    """One series to draw: values at times, its look, and what it is (sim, doc or cf)."""

    label: str
    x: Sequence[float]
    y: Sequence[float]
    colour: str
    dash: str = ""
    width: float = 2.0
    marker: str | None = None
    hollow: bool = False
    step: bool = True
    kind: str = "sim"


# --- the data --------------------------------------------------------------------------------


def documented(model: TradeBlocsModel) -> dict[str, list[float]]:
    """The record over the scenario's whole span (cached on the model: it never changes):
    bloc sizes, US FTAs in force and the alignment index, at the start of every quarter."""
    cached = getattr(model, "_tb_documented", None)
    if cached is not None:
        return cached
    cal = model.calendar
    full = [cal.time(k) for k in range(cal.n_steps + 1)]
    blocs = [b for b in PLOT_BLOCS if b in model.insts]
    out: dict[str, list[float]] = dict(documented_series(full, us_deal_ids(model.insts), blocs))
    gdp = {s.iso3: [model.tables.trade_row(s.iso3, int(t))["gdp_usd_bn"] for t in full] for s in model.states}
    idx = documented_alignment_index(full, gdp, model.us_deal_ids, model.map_categories, ALIGNMENT_SCORE)
    if idx:
        out["us_alignment_index"] = idx
    model._tb_documented = out
    return out


def simulated(model: TradeBlocsModel) -> dict[str, list]:
    """The model's collected series (one value per quarter so far), without a DataFrame."""
    dc = model.datacollector
    return dc.model_vars if dc is not None else {}


def chart_lines(model: TradeBlocsModel, chart: str, twin: TradeBlocsModel | None = None) -> list[Line]:
    """The lines of one chart: simulated, documented (dotted) and, with a twin, the
    counterfactual (its own colour, dashed, hollow markers)."""
    cal = model.calendar
    full = [cal.time(k) for k in range(cal.n_steps + 1)]
    sim, doc = simulated(model), documented(model)
    t = full[: len(sim.get("us_ftas_in_force", []))]
    cf = simulated(twin) if twin is not None else {}
    tc = full[: len(cf.get("us_ftas_in_force", []))]
    cf_name = twin.scenario.name if twin is not None else ""
    lines: list[Line] = []
    if chart == "members":
        for b in PLOT_BLOCS:
            key = f"members_{b}"
            if key not in sim:
                continue
            c, mk, dash = INSTITUTION_COLORS.get(b, "#555"), BLOC_MARKERS[b], BLOC_DASHES[b]
            lines.append(Line(short_name(b), t, sim[key], c, dash, 2.2, mk))
            if key in cf:
                lines.append(
                    Line(
                        f"{short_name(b)} ({cf_name})", tc, cf[key], c, "3 3", 1.4, mk, hollow=True, kind="cf"
                    )
                )
            if key in doc:
                lines.append(Line(f"{short_name(b)} documented", full, doc[key], c, "1 2", 1.2, kind="doc"))
    elif chart == "us_ftas":
        blue = INSTITUTION_COLORS["US_FTA"]
        lines.append(Line("simulated", t, sim.get("us_ftas_in_force", []), blue, "", 2.2, "square"))
        if cf:
            lines.append(
                Line(
                    cf_name,
                    tc,
                    cf["us_ftas_in_force"],
                    CF_COLOUR,
                    "6 3",
                    1.8,
                    "circle",
                    hollow=True,
                    kind="cf",
                )
            )
        if "us_ftas_in_force" in doc:
            lines.append(
                Line("documented", full, doc["us_ftas_in_force"], DOC, "1 2", 1.4, "cross", kind="doc")
            )
    else:
        lines.append(
            Line("simulated", t, sim.get("us_alignment_index", []), FG, "", 2.2, "diamond", step=False)
        )
        if cf:
            lines.append(
                Line(
                    cf_name,
                    tc,
                    cf["us_alignment_index"],
                    CF_COLOUR,
                    "6 3",
                    1.8,
                    "circle",
                    hollow=True,
                    step=False,
                    kind="cf",
                )
            )
        if "us_alignment_index" in doc:
            lines.append(
                Line("documented", full, doc["us_alignment_index"], DOC, "1 2", 1.4, "cross", kind="doc")
            )
    return lines


# --- SVG -------------------------------------------------------------------------------------


def marker_svg(shape: str, x: float, y: float, colour: str, hollow: bool, r: float = 3.2) -> str:
    """A marker (circle, square, triangle, diamond, cross) centred on (x, y)."""
    fill = "var(--tb-bg)" if hollow else colour
    paint = f'style="fill:{fill};stroke:{colour}" stroke-width="1.2"'
    if shape == "square":
        return f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r:.1f}" height="{2 * r:.1f}" {paint}/>'
    if shape == "triangle":
        pts = (
            f"{x:.1f},{y - r * 1.2:.1f} {x + r * 1.1:.1f},{y + r * 0.8:.1f} "
            f"{x - r * 1.1:.1f},{y + r * 0.8:.1f}"
        )
        return f'<polygon points="{pts}" {paint}/>'
    if shape == "diamond":
        pts = f"{x:.1f},{y - r * 1.3:.1f} {x + r:.1f},{y:.1f} {x:.1f},{y + r * 1.3:.1f} {x - r:.1f},{y:.1f}"
        return f'<polygon points="{pts}" {paint}/>'
    if shape == "cross":
        return (
            f'<path d="M{x - r:.1f},{y:.1f}H{x + r:.1f}M{x:.1f},{y - r:.1f}V{y + r:.1f}" '
            f'style="stroke:{colour}" stroke-width="1.4"/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" {paint}/>'


def swatch(line: Line) -> str:
    """A legend swatch: a short stretch of the line with its marker."""
    dash = f' stroke-dasharray="{line.dash}"' if line.dash else ""
    mk = marker_svg(line.marker, 13, 6, line.colour, line.hollow) if line.marker else ""
    return (
        f'<svg width="26" height="12" aria-hidden="true"><path d="M1,6H25" style="stroke:{line.colour}" '
        f'stroke-width="{line.width}"{dash} fill="none"/>{mk}</svg>'
    )


def chart_svg(
    lines: list[Line],
    x0: float,
    x1: float,
    y0: float,
    y1: float,
    now: float | None = None,
    width: int = 300,
    height: int = 130,
    integer: bool = True,
    zero: bool = False,
) -> str:
    """One chart: axes with year ticks, the lines (markers once a year), a rule at ``now``."""
    ml, mr, mt, mb = 30, 8, 6, 18
    pw, ph = width - ml - mr, height - mt - mb
    yspan = (y1 - y0) or 1.0

    def px(x: float) -> float:
        return ml + (x - x0) / (x1 - x0) * pw

    def py(y: float) -> float:
        return mt + (y1 - y) / yspan * ph

    out = [
        f'<svg class="tb-chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        'xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" font-size="9">'
    ]
    ticks = _yticks(y0, y1, integer)
    for v in ticks:
        y = py(v)
        out.append(
            f'<line class="tb-grid" x1="{ml}" x2="{ml + pw}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text x="{ml - 4}" y="{y + 3:.1f}" text-anchor="end">{_fmt(v, integer)}</text>'
        )
    if zero and y0 < 0 < y1:
        out.append(f'<line class="tb-axis" x1="{ml}" x2="{ml + pw}" y1="{py(0):.1f}" y2="{py(0):.1f}"/>')
    year = int(x0)
    while year <= int(x1):
        if x0 <= year <= x1 and (year - int(x0)) % 2 == 0:
            x = px(year)
            out.append(
                f'<line class="tb-axis" x1="{x:.1f}" x2="{x:.1f}" y1="{mt + ph}" y2="{mt + ph + 3}"/>'
                f'<text x="{x:.1f}" y="{height - 5}" text-anchor="middle">{year}</text>'
            )
        year += 1
    out.append(f'<line class="tb-axis" x1="{ml}" x2="{ml + pw}" y1="{mt + ph}" y2="{mt + ph}"/>')
    if now is not None:
        out.append(f'<line class="tb-now" x1="{px(now):.1f}" x2="{px(now):.1f}" y1="{mt}" y2="{mt + ph}"/>')
    for i, ln in enumerate(lines):
        if not ln.y:
            continue
        pts: list[tuple[float, float]] = []
        for k, (x, y) in enumerate(zip(ln.x, ln.y, strict=False)):
            if ln.step and k:
                pts.append((px(x), pts[-1][1]))
            pts.append((px(x), py(float(y))))
        dash = f' stroke-dasharray="{ln.dash}"' if ln.dash else ""
        d = "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in pts)
        out.append(
            f'<path data-series="{escape(ln.label)}" data-kind="{ln.kind}" d="{d}" fill="none" '
            f'style="stroke:{ln.colour}" stroke-width="{ln.width}"{dash} stroke-linejoin="round">'
            f"<title>{escape(ln.label)}</title></path>"
        )
        if ln.marker:
            for k, (x, y) in enumerate(zip(ln.x, ln.y, strict=False)):
                if k % 8 == (2 * i) % 8:
                    out.append(marker_svg(ln.marker, px(x), py(float(y)), ln.colour, ln.hollow))
    out.append("</svg>")
    return "".join(out)


def _yticks(y0: float, y1: float, integer: bool) -> list[float]:
    if not integer:
        return [v for v in (-1.0, -0.5, 0.0, 0.5, 1.0) if y0 <= v <= y1]
    span = y1 - y0
    step = 1 if span <= 6 else 2 if span <= 12 else 5
    return [float(v) for v in range(int(y0), int(y1) + 1, step)]


def _fmt(v: float, integer: bool) -> str:
    return f"{int(v)}" if integer else f"{v:+.1f}".replace("+0.0", "0").replace("-", "\u2212")


def chart_range(model: TradeBlocsModel, chart: str, lines: list[Line]) -> tuple[float, float]:
    """The y range: the index from -1 to 1; counts from 0 to the largest value over the run."""
    if chart == "alignment":
        return -1.0, 1.0
    top = max((max(ln.y) for ln in lines if ln.y), default=1)
    return 0.0, float(max(4, int(top) + 1))


def charts_html(model: TradeBlocsModel, twin: TradeBlocsModel | None = None) -> str:
    """The three charts, each with its title and a legend of swatches, as one HTML block."""
    cal = model.calendar
    x0, x1 = cal.time(0), cal.time(cal.n_steps)
    now = cal.time(model.steps_done)
    out = []
    for chart in CHARTS:
        lines = chart_lines(model, chart, twin)
        y0, y1 = chart_range(model, chart, lines)
        legend = "".join(
            f'<span class="tb-legend-item">{swatch(ln)}{escape(ln.label)}</span>'
            for ln in lines
            if chart != "members" or ln.kind == "sim"
        )
        if chart == "members":
            legend += (
                f'<span class="tb-legend-item">{swatch(Line("", [], [], DOC, "1 2", 1.2))}documented</span>'
            )
            if twin is not None:
                legend += (
                    f'<span class="tb-legend-item">{swatch(Line("", [], [], FG, "3 3", 1.4, "circle", True))}'
                    f"{escape(twin.scenario.name)}</span>"
                )
        out.append(
            f'<div class="tb-chart-box" data-chart="{chart}">'
            f'<div class="tb-chart-title">{escape(TITLES[chart])}</div>'
            f'<div class="tb-legend tb-chart-legend">{legend}</div>'
            + chart_svg(lines, x0, x1, y0, y1, now, integer=chart != "alignment", zero=chart == "alignment")
            + "</div>"
        )
    out.append(
        '<div class="tb-muted tb-chart-note">dotted: documented history '
        "(sim/data/history_events.csv); grey rule: now</div>"
    )
    return "".join(out)


# --- PNG for downloads -----------------------------------------------------------------------

_MPL_MARKERS = {"circle": "o", "square": "s", "triangle": "^", "diamond": "D", "cross": "+"}


def _mpl_colour(c: str) -> str:
    return {FG: "#222222", DOC: "#333333"}.get(c, c)


def _mpl_dash(dash: str) -> str | tuple:
    if not dash:
        return "-"
    return (0, tuple(float(v) for v in dash.split()))


def chart_png(
    model: TradeBlocsModel, chart: str, twin: TradeBlocsModel | None = None, dpi: int = 110
) -> bytes:
    """One chart as a PNG (matplotlib, only when a download asks for it), with the same lines,
    markers and dashes as on screen and a legend."""
    from matplotlib.figure import Figure

    cal = model.calendar
    lines = chart_lines(model, chart, twin)
    fig = Figure(figsize=(6.4, 3.4), dpi=dpi, layout="constrained")
    ax = fig.subplots()
    for ln in lines:
        if not ln.y:
            continue
        c = _mpl_colour(ln.colour)
        ax.plot(
            ln.x[: len(ln.y)],
            ln.y,
            color=c,
            lw=ln.width,
            ls=_mpl_dash(ln.dash),
            drawstyle="steps-post" if ln.step else "default",
            marker=_MPL_MARKERS.get(ln.marker or ""),
            markevery=8,
            ms=5,
            mfc="white" if ln.hollow else c,
            label=ln.label,
        )
    ax.axvline(cal.time(model.steps_done), color="#aaa", lw=1)
    ax.set_xlim(cal.time(0), cal.time(cal.n_steps))
    y0, y1 = chart_range(model, chart, lines)
    ax.set_ylim(y0, y1)
    ax.set_title(f"{TITLES[chart]}, {display_date(model)}", loc="left", fontsize=10, fontweight="bold")
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(fontsize=7, frameon=False, ncol=2)
    ax.set_xlabel(
        f"{model.scenario.name}, seed {getattr(model, 'seed_used', '')}; dotted: documented history",
        fontsize=8,
    )
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def display_date(model: TradeBlocsModel) -> str:
    """The date the app shows: the quarter the model is in, and at the end of the run the last
    quarter it simulated (2016Q4, not the 2017Q1 that would come next)."""
    cal = model.calendar
    return cal.label(min(model.steps_done, cal.n_steps - 1))
