"""The app's panels as Solara components, each given the model by SolaraViz.

Every panel reads ``update_counter`` (Mesa's redraw signal, bumped after each step) so it redraws
when the model moves, and shows the model's date, never its step number. The HTML here is built
from the model's own values (codes, names, numbers), not from user input.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

import solara
from matplotlib.figure import Figure
from mesa.visualization.utils import update_counter

from ..decision import TERMS
from ..institutions import ACTIVE
from ..palette import ALIGNMENT_LABELS, INSTITUTION_COLORS
from .history import documented_series
from .mapview import legend_html, short_name, svg_map

if TYPE_CHECKING:
    from ..model import TradeBlocsModel

#: The state the inspector shows (one per browser session). Peru: the seed documents' case.
selected_state = solara.reactive("PER")
#: Blocs drawn over time (UNASUR and CELAC gather everyone and would flatten the plot).
PLOT_BLOCS = ("ALBA", "MERCOSUR", "PACIFIC_ALLIANCE", "CAN")
TERM_LABELS = {"econ": "economic", "coercion": "coercion", "influence": "influence",
               "ideology": "ideology", "peer": "peer", "cost": "cost"}  # fmt: skip
EVENTS_SHOWN = 14

CSS = """
.tb-panel { padding: 6px 10px; font-size: 13px; line-height: 1.35; }
.tb-head { display: flex; align-items: baseline; gap: 12px; flex-wrap: wrap; margin-bottom: 4px; }
.tb-date { font-size: 26px; font-weight: 700; letter-spacing: 0.5px; }
.tb-kpi { color: #444; }
.tb-kpi b { color: #111; }
.tb-legend { display: flex; flex-wrap: wrap; gap: 3px 14px; font-size: 11.5px; margin-top: 6px; }
.tb-legend-item { white-space: nowrap; }
.tb-title { font-weight: 700; font-size: 15px; margin: 2px 0 6px; }
.tb-muted { color: #666; font-size: 12px; }
.tb-facts td { padding: 1px 8px 1px 0; vertical-align: top; }
.tb-facts td:first-child { white-space: nowrap; }
.tb-chip { display: inline-block; padding: 0 6px; margin: 1px 3px 1px 0; border-radius: 8px;
           background: #eef; font-size: 11.5px; border-left: 4px solid #999; }
.tb-feed { width: 100%; border-collapse: collapse; font-size: 12px; }
.tb-feed td { padding: 2px 6px 2px 0; border-bottom: 1px solid #eee; vertical-align: top; }
.tb-feed td.d { white-space: nowrap; color: #555; font-variant-numeric: tabular-nums; }
.tb-info { font-size: 13px; }
"""


def _state_name(model: TradeBlocsModel, iso3: str) -> str:
    s = model.by_iso.get(iso3)
    return s.name if s else iso3


# --- the map -----------------------------------------------------------------------------------


@solara.component
def MapPanel(model: TradeBlocsModel) -> None:
    """The Americas coloured by alignment, with ties, the date and headline numbers."""
    update_counter.get()
    solara.Style(CSS)
    with solara.Column(classes=["tb-panel", "tb-map-panel"], gap="0px"):
        solara.HTML(
            tag="div",
            classes=["tb-head"],
            unsafe_innerHTML=(
                f'<span class="tb-date" data-testid="tb-date">{model.date}</span>'
                f'<span class="tb-kpi">US FTAs in force <b>{model.us_ftas_in_force()}</b></span>'
                f'<span class="tb-kpi">US-alignment index <b>{model.alignment_index():+.2f}</b></span>'
                f'<span class="tb-kpi">{escape(model.scenario.name)}</span>'
            ),
        )
        solara.HTML(tag="div", classes=["tb-map"], unsafe_innerHTML=svg_map(model, selected_state.value))
        solara.HTML(tag="div", unsafe_innerHTML=legend_html(model))


# --- plots over time -------------------------------------------------------------------------


def timeseries_figure(model: TradeBlocsModel) -> Figure:
    """Three stacked plots over the scenario's span: bloc members, US FTAs in force and the
    US-alignment index; the documented record dotted beside the simulated lines."""
    cal = model.calendar
    df = model.datacollector.get_model_vars_dataframe()
    t = [cal.time(k) for k in range(len(df))]
    full = [cal.time(k) for k in range(cal.n_steps + 1)]
    blocs = [b for b in PLOT_BLOCS if f"members_{b}" in df.columns]
    us = [iid for iid, inst in model.insts.items() if inst.kind == "us_agreement"]
    hist = documented_series(full, us, blocs)
    fig = Figure(figsize=(4.4, 7.0), dpi=100, layout="constrained")
    ax_b, ax_f, ax_i = fig.subplots(3, 1, sharex=True, height_ratios=[1.25, 1, 0.85])
    for b in blocs:
        c = INSTITUTION_COLORS.get(b, "#555")
        ax_b.plot(t, df[f"members_{b}"], color=c, lw=2, label=short_name(b))
        if f"members_{b}" in hist:
            ax_b.plot(full, hist[f"members_{b}"], color=c, lw=1.2, ls=":", alpha=0.9)
    ax_b.set_title("Members per bloc", loc="left", fontsize=10, fontweight="bold", pad=18)
    ax_b.legend(fontsize=7.5, ncol=4, frameon=False, loc="lower left", bbox_to_anchor=(0, 1.0),
                handlelength=1.2, columnspacing=0.8, borderaxespad=0.2)  # fmt: skip
    blue = INSTITUTION_COLORS["US_FTA"]
    ax_f.plot(t, df["us_ftas_in_force"], color=blue, lw=2, label="simulated")
    if hist:
        ax_f.plot(full, hist["us_ftas_in_force"], color="#333", lw=1.2, ls=":", label="documented")
    ax_f.set_title("States with a US FTA in force", loc="left", fontsize=10, fontweight="bold")
    ax_f.legend(fontsize=7.5, frameon=False, loc="lower right")
    ax_i.axhline(0, color="#999", lw=0.8)
    ax_i.plot(t, df["us_alignment_index"], color="#222", lw=2)
    ax_i.set_title("US-alignment index", loc="left", fontsize=10, fontweight="bold")
    ax_i.text(1, 1.02, "GDP-weighted: +1 US deal, \u22121 ALBA", transform=ax_i.transAxes,
              ha="right", va="bottom", fontsize=7.5, color="#555")  # fmt: skip
    ax_i.set_ylim(-1, 1)
    for ax in (ax_b, ax_f, ax_i):
        ax.set_xlim(full[0], full[-1])
        ax.axvline(cal.time(model.steps_done), color="#bbb", lw=1)
        ax.tick_params(labelsize=8)
        ax.spines[["top", "right"]].set_visible(False)
    for ax in (ax_b, ax_f):
        ax.set_ylim(bottom=0)
        ax.yaxis.get_major_locator().set_params(integer=True)
    ax_i.set_xlabel(
        "dotted: documented history (analysis/data/history_events.csv)", fontsize=7.5, color="#555"
    )
    return fig


@solara.component
def PlotsPanel(model: TradeBlocsModel) -> None:
    """The plots over time, redrawn each step."""
    counter = update_counter.get()
    fig = solara.use_memo(lambda: timeseries_figure(model), [model, counter])
    with solara.Column(classes=["tb-panel", "tb-plots"], gap="0px"):
        solara.FigureMatplotlib(fig, dependencies=[model, counter], format="svg")


# --- the state inspector -----------------------------------------------------------------------


def terms_svg(terms: dict[str, float]) -> str:
    """A small horizontal bar chart of the six utility terms (positive right, negative left)."""
    vals = [float(terms.get(k) or 0.0) for k in TERMS]
    top = max(0.5, *(abs(v) for v in vals))
    w, mid, half, row = 240, 130, 62, 17  # labels left of 66, bars 68..192, values at the right
    out = [f'<svg class="tb-terms" viewBox="0 0 {w} {row * len(TERMS) + 4}" width="100%" '
           'xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" font-size="11">',
           f'<line x1="{mid}" y1="0" x2="{mid}" y2="{row * len(TERMS) + 2}" stroke="#999"/>']  # fmt: skip
    for i, (k, v) in enumerate(zip(TERMS, vals, strict=True)):
        y = i * row + 2
        bw = abs(v) / top * half
        colour = "#009E73" if v >= 0 else "#CC79A7"
        out.append(
            f'<text x="4" y="{y + 11}">{TERM_LABELS[k]}</text>'
            f'<rect data-term="{k}" x="{mid if v >= 0 else mid - bw:.1f}" y="{y + 2}" '
            f'width="{bw:.1f}" height="{row - 5}" fill="{colour}"/>'
            f'<text x="{w - 2}" y="{y + 11}" text-anchor="end" fill="#333">{v:+.2f}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def inspector_html(model: TradeBlocsModel, iso3: str) -> str:
    """The facts about one state and its latest decision, as HTML."""
    s = model.by_iso.get(iso3)
    if s is None:
        return '<div class="tb-muted">Pick a state.</div>'
    rows = [
        ("Leader", escape(s.leader or "—")),
        ("Ideology", f"{s.ideology:+.2f} <span class='tb-muted'>(−1 left … +1 right)</span>"),
        ("US export share", f"{s.share_us:.0%}"),
        ("China export share", f"{s.share_china:.0%}"),
        ("Export lobby", f"{s.lobby:.2f}"),
        ("Alignment", escape(ALIGNMENT_LABELS[s.alignment])),
    ]
    chips = (
        "".join(
            f'<span class="tb-chip" style="border-left-color:{escape(INSTITUTION_COLORS.get(iid, "#999"))}">'
            f"{escape(short_name(iid))}: {escape(st.replace('_', ' '))}</span>"
            for iid, st in sorted(s.status.items(), key=lambda kv: (kv[1] not in ACTIVE, kv[0]))
        )
        or '<span class="tb-muted">none</span>'
    )
    html = [
        f'<div class="tb-title" data-testid="tb-inspector-name">{escape(s.name)} '
        f'<span class="tb-muted">{escape(s.iso3)} · {model.date}</span></div>',
        '<table class="tb-facts">'
        + "".join(f"<tr><td class='tb-muted'>{k}</td><td>{v}</td></tr>" for k, v in rows)
        + "</table>",
        f'<div style="margin:6px 0 2px"><span class="tb-muted">Memberships</span><br>{chips}</div>',
    ]
    d = s.last_decision
    if d:
        html.append(
            '<div style="margin-top:6px">'
            f'<span class="tb-muted">Latest decision ({escape(d["date"])})</span><br>'
            f"<b>{escape(d['action'])}</b> {escape(short_name(d['institution']))}, "
            f"utility {float(d['utility']):+.2f}</div>" + terms_svg(d)
        )
    else:
        html.append(
            '<div class="tb-muted" style="margin-top:6px">No decision of its own yet in this run.</div>'
        )
    return "".join(html)


@solara.component
def InspectorPanel(model: TradeBlocsModel) -> None:
    """Pick a state; see its ideology, trade, lobby, memberships and why it last moved."""
    update_counter.get()
    names = {s.name: s.iso3 for s in sorted(model.states, key=lambda s: s.name)}
    current = _state_name(model, selected_state.value)

    def pick(name: str | None) -> None:
        if name in names:
            selected_state.value = names[name]

    with solara.Column(classes=["tb-panel", "tb-inspector"], gap="0px"):
        solara.Select(label="State", values=list(names), value=current, on_value=pick, dense=True)
        solara.HTML(tag="div", unsafe_innerHTML=inspector_html(model, selected_state.value))


# --- the event feed ----------------------------------------------------------------------------


def event_rows(model: TradeBlocsModel, n: int = EVENTS_SHOWN) -> list[tuple[str, str, str]]:
    """The latest ``n`` events, newest first, as (date, what happened, why) strings."""
    rows = []
    for e in reversed(model.events[-n:]):
        who = _state_name(model, e["country"])
        if e["action"] == "election":
            rows.append((e["date"], f"{who}: election", e.get("note") or ""))
            continue
        what = f"{who} {e['action'].replace('_', ' ')} {short_name(e['institution'])}"
        if e.get("utility") is None:
            why = (
                "scheduled"
                if e.get("forced")
                else (f"by {e['actor']}" if e.get("actor") != e["country"] else "")
            )
            why = "; ".join(x for x in (why, e.get("note") or "") if x)
        else:
            main = max(TERMS, key=lambda k: abs(e.get(k) or 0.0))
            why = f"utility {e['utility']:+.2f}, mostly {TERM_LABELS[main]} ({e[main]:+.2f})"
        rows.append((e["date"], what, why))
    return rows


@solara.component
def EventFeedPanel(model: TradeBlocsModel) -> None:
    """The latest decisions and elections, newest first."""
    update_counter.get()
    rows = event_rows(model)
    body = "".join(
        f'<tr><td class="d">{escape(d)}</td>'
        f'<td>{escape(w)}<br><span class="tb-muted">{escape(y)}</span></td></tr>'
        for d, w, y in rows
    )
    with solara.Column(classes=["tb-panel", "tb-events"], gap="0px"):
        solara.HTML(tag="div", classes=["tb-title"], unsafe_innerHTML="Latest events")
        solara.HTML(
            tag="div",
            unsafe_innerHTML=f'<table class="tb-feed">{body}</table>'
            if rows
            else '<div class="tb-muted">Nothing yet: press Step or ▶.</div>',
        )


def running_text(model: TradeBlocsModel) -> str:
    """What the running model was built with (inputs moved since then apply at Reset)."""
    p, sc = model.p, model.scenario
    cl = "on" if sc.us_policy.competitive_liberalization else "off"
    return (f"coercion {p.w_coercion:.1f} · influence {p.w_influence:.1f} · ideology {p.w_ideology:.1f}"
            f" · peer {p.w_peer:.1f} · China ×{sc.exogenous.china_strength:.1f}"
            f" · competitive liberalization {cl} · {sc.elections} elections")  # fmt: skip


@solara.component
def DateInfo(model: TradeBlocsModel) -> None:
    """The sidebar's information card: the date (not the step), scenario, seed and settings."""
    update_counter.get()
    seed = getattr(model, "seed_used", "—")
    status = "" if model.running else " (end of run: Reset to start again)"
    solara.HTML(
        tag="div",
        classes=["tb-info"],
        unsafe_innerHTML=(
            f'Date: <b data-testid="tb-info-date">{model.date}</b>{status}<br>'
            f'Scenario: <span data-testid="tb-info-scenario">{escape(model.scenario.name)}</span><br>'
            f"Seed: <b>{seed}</b><br>"
            f'<span class="tb-muted" data-testid="tb-running">Running with {running_text(model)}</span>'
        ),
    )
