"""The app's panels as Solara components, each given the model by SolaraViz.

Every panel reads ``update_counter`` (Mesa's redraw signal, bumped after each step) so it redraws
when the model moves, and shows the model's date (2016Q4 at the end of the run), never a step
number. Everything a panel draws is HTML or SVG built here from the model's values, escaped
where it comes from a scenario file. Per-session choices (the state inspected, the scenario
compared, the documented layer, the inspector's view) are Solara reactive values, which Solara
keeps per browser session.

Speed: one step redraws the map (about 2 ms of SVG), the charts (about 1 ms, see ``plots``),
the inspector and the feed; the PNG and CSV downloads are made only when asked for.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

import solara
from mesa.visualization.utils import force_update, update_counter

from ..decision import TERMS
from ..institutions import ACTIVE
from ..palette import ALIGNMENT_LABELS, INSTITUTION_COLORS
from . import downloads
from .clickmap import ClickableSvg
from .history import documented_alignments
from .inspector import TERM_LABELS, VIEWS, decisions_html
from .mapview import legend_html, short_name, svg_map
from .plots import CHARTS, chart_png, charts_html, display_date
from .words import describe, state_name

if TYPE_CHECKING:
    from ..model import TradeBlocsModel

#: The state the inspector shows (per session). Peru: the seed documents' case.
selected_state = solara.reactive("PER")
#: The scenario run beside the main one, same seed ("" for none).
compare_with = solara.reactive("")
#: Whether the map shows the documented-history layer.
show_documented = solara.reactive(False)
#: The inspector's decision view: US-agreement decisions or all of them.
inspector_view = solara.reactive(VIEWS[0])
EVENTS_SHOWN = 14

CSS = """
.v-application { --tb-fg: #1a1a1a; --tb-muted: #555555; --tb-bg: #ffffff; --tb-grid: #e4e4e4;
  --tb-axis: #8a8a8a; --tb-doc: #333333; --tb-chip: #eef0fa; --tb-ocean: #e6eef4;
  --tb-land: #f3f0e8; --tb-rule: #e8e8e8; --tb-now: #b5b5b5; }
.v-application.theme--dark { --tb-fg: #f2f2f2; --tb-muted: #c4c4c4; --tb-bg: #1e1e1e;
  --tb-grid: #3b3b3b; --tb-axis: #9c9c9c; --tb-doc: #e0e0e0; --tb-chip: #2d3140;
  --tb-ocean: #1c2a36; --tb-land: #3a3833; --tb-rule: #383838; --tb-now: #777777; }
.tb-panel { padding: 6px 10px; font-size: 13px; line-height: 1.35; color: var(--tb-fg);
  background: var(--tb-bg); }
.tb-head { display: flex; align-items: baseline; gap: 12px; flex-wrap: wrap; margin-bottom: 2px; }
.tb-date { font-size: 26px; font-weight: 700; letter-spacing: 0.5px; color: var(--tb-fg); }
.tb-kpi { color: var(--tb-muted); } .tb-kpi b { color: var(--tb-fg); }
.tb-legend { display: flex; flex-wrap: wrap; gap: 2px 12px; font-size: 11.5px; margin-top: 4px;
  color: var(--tb-fg); }
.tb-legend-item { white-space: nowrap; } .tb-legend-item svg { vertical-align: -1px; margin-right: 3px; }
.tb-title { font-weight: 700; font-size: 15px; margin: 2px 0 6px; color: var(--tb-fg); }
.tb-subtitle { font-weight: 700; font-size: 13px; margin: 8px 0 2px; color: var(--tb-fg); }
.tb-muted { color: var(--tb-muted); font-size: 12px; }
.tb-facts td { padding: 1px 8px 1px 0; vertical-align: top; color: var(--tb-fg); }
.tb-facts td:first-child { white-space: nowrap; color: var(--tb-muted); }
.tb-chip { display: inline-block; padding: 0 6px; margin: 1px 3px 1px 0; border-radius: 8px;
  background: var(--tb-chip); color: var(--tb-fg); font-size: 11.5px; border-left: 4px solid #999; }
.tb-feed { width: 100%; border-collapse: collapse; font-size: 12px; color: var(--tb-fg); }
.tb-feed td { padding: 2px 6px 2px 0; border-bottom: 1px solid var(--tb-rule); vertical-align: top; }
.tb-feed td.d { white-space: nowrap; color: var(--tb-muted); font-variant-numeric: tabular-nums; }
.tb-info { font-size: 13px; }
.tb-maps { display: flex; gap: 6px; } .tb-maps > div { flex: 1 1 0; min-width: 0; }
.tb-map-caption { font-size: 12px; font-weight: 700; color: var(--tb-fg); }
.tb-map .tb-ocean { fill: var(--tb-ocean); } .tb-map .tb-land { fill: var(--tb-land); }
.tb-map .tb-state, .tb-map .tb-capital { cursor: pointer; }
.tb-map .tb-state:hover { stroke: #111; stroke-width: 1.6; }
.tb-chart-title { font-weight: 700; font-size: 12.5px; margin-top: 4px; color: var(--tb-fg); }
.tb-chart text, .tb-history text { fill: var(--tb-fg); }
.tb-history text.tb-muted-svg { fill: var(--tb-muted); }
.tb-chart .tb-grid, .tb-history .tb-grid { stroke: var(--tb-grid); stroke-width: 0.8; }
.tb-chart .tb-axis, .tb-history .tb-axis { stroke: var(--tb-axis); stroke-width: 1; }
.tb-chart .tb-now { stroke: var(--tb-now); stroke-width: 1.2; }
.tb-history .tb-stay { stroke: var(--tb-fg); stroke-width: 1.2; }
.tb-history .tb-utility { fill: var(--tb-fg); stroke: var(--tb-bg); stroke-width: 1; }
.tb-chart-note { margin-top: 2px; }
.tb-verdict { font-size: 12px; margin: 2px 0; color: var(--tb-fg); }
.tb-dec-table { border-collapse: collapse; font-size: 10.5px; color: var(--tb-fg); }
.tb-dec-table td, .tb-dec-table th { padding: 1px 4px; border-bottom: 1px solid var(--tb-rule);
  text-align: right; } .tb-dec-table td:nth-child(2), .tb-dec-table th:nth-child(2) { text-align: left; }
.tb-details summary { cursor: pointer; font-size: 12px; color: var(--tb-muted); }
.tb-downloads { display: flex; flex-wrap: wrap; gap: 4px; margin-top: 6px; }
.tb-downloads .v-btn { text-transform: none; letter-spacing: 0; }
.tb-downloads { gap: 0 2px; }
"""


def download_button(
    data: Any, filename: str, label: str, mime_type: str = "application/octet-stream"
) -> None:
    """A small download button; ``data`` is a callable, so the file is made only when clicked."""
    button = solara.Button(label, icon_name="mdi-download", outlined=True, small=True)
    solara.FileDownload(data, filename=filename, mime_type=mime_type, children=[button])


# --- the counterfactual beside the main run ----------------------------------------------------


def twin_of(model: TradeBlocsModel) -> Any:
    """The compared scenario, same seed, at the main model's step (None when nothing is compared).

    Kept on the main model and moved on with it: Step, Play, the scrubber and Reset all move the
    main model, and every panel that draws the twin first brings it level here. Going back means
    a rebuild (a whole run takes about 40 ms).
    """
    name = compare_with.value
    if not name:
        return None
    from .controls import VizModel

    twin = getattr(model, "_tb_twin", None)
    seed = getattr(model, "seed_used", None)
    if twin is None or twin.scenario_file != name or twin.steps_done > model.steps_done:
        twin = VizModel(name, seed=seed)
        model._tb_twin = twin
    twin.run(model.steps_done)
    return twin


def jump_to(model: Any, k: int) -> None:
    """Show the run at step ``k`` (the scrubber): move on, or rebuild and replay to ``k``."""
    new = model.at_step(k) if hasattr(model, "at_step") else model
    ref = getattr(getattr(model, "controls", None), "model", None)
    if new is not model and ref is not None:
        ref.value = new
    force_update()


def documented_now(model: TradeBlocsModel) -> dict[str, str]:
    """Each state's alignment in the record at the quarter shown."""
    t = model.calendar.time(min(model.steps_done, model.calendar.n_steps))
    return documented_alignments(t, [s.iso3 for s in model.states], model.us_deal_ids, model.map_categories)


# --- the map -----------------------------------------------------------------------------------


def header_html(model: TradeBlocsModel, caption: str = "") -> str:
    """The map's header: the date in large type and the headline numbers."""
    end = '<span class="tb-kpi" data-testid="tb-end">end of run</span>' if not model.running else ""
    return (
        f'<span class="tb-date" data-testid="tb-date">{display_date(model)}</span>{end}'
        f'<span class="tb-kpi">US FTAs in force <b>{model.us_ftas_in_force()}</b></span>'
        f'<span class="tb-kpi">US-alignment index <b>{model.alignment_index():+.2f}</b></span>'
        f'<span class="tb-kpi">{escape(caption or model.scenario.name)}</span>'
    )


def map_png(model: TradeBlocsModel, dpi: int = 110) -> bytes:
    """The map as a PNG for download (matplotlib, only when asked): fills by alignment, the
    Pacific Alliance outlined, capitals, the date and a legend."""
    import io

    from matplotlib.figure import Figure
    from matplotlib.patches import Patch, Polygon

    from ..palette import ALIGNMENT_COLORS, ALIGNMENT_HATCHES
    from .mapview import LAND, OCEAN, PACIFIC_ALLIANCE_OUTLINE, VIEW, load_countries

    by_iso = {s.iso3: s for s in model.states}
    pa = model.insts.get("PACIFIC_ALLIANCE")
    fig = Figure(figsize=(5.2, 5.8), dpi=dpi, layout="constrained")
    ax = fig.subplots()
    ax.set_facecolor(OCEAN)
    for c in load_countries():
        s = by_iso.get(c.iso3)
        for ring in c.rings:
            if s is None:
                ax.add_patch(Polygon(ring, closed=True, fc=LAND, ec="#c9c4b8", lw=0.4))
                continue
            in_pa = pa is not None and c.iso3 in pa.members
            ax.add_patch(
                Polygon(
                    ring,
                    closed=True,
                    fc=ALIGNMENT_COLORS[s.alignment],
                    hatch=ALIGNMENT_HATCHES.get(s.alignment, ""),
                    ec=PACIFIC_ALLIANCE_OUTLINE if in_pa else "white",
                    lw=2.0 if in_pa else 0.6,
                )
            )
    for s in model.states:
        ax.plot(s.lon, s.lat, "o", ms=3, mfc="white", mec="#222", mew=0.8)
        ax.annotate(
            s.iso3, (s.lon, s.lat), xytext=(3, 2), textcoords="offset points", fontsize=6.5, fontweight="bold"
        )
    ax.set_xlim(VIEW[0], VIEW[2])
    ax.set_ylim(VIEW[1], VIEW[3])
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(
        f"{model.scenario.name}, seed {getattr(model, 'seed_used', '')}: {display_date(model)}",
        loc="left",
        fontsize=10,
        fontweight="bold",
    )
    handles = [
        Patch(fc=ALIGNMENT_COLORS[k], hatch=ALIGNMENT_HATCHES.get(k, ""), ec="#777", label=v)
        for k, v in ALIGNMENT_LABELS.items()
    ]
    handles.append(Patch(fc="white", ec=PACIFIC_ALLIANCE_OUTLINE, lw=2, label="Pacific Alliance member"))
    ax.legend(handles=handles, loc="lower left", fontsize=6.5, framealpha=0.9)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


@solara.component
def MapPanel(model: TradeBlocsModel) -> None:
    """The Americas coloured by alignment, with the date, the scrubber, the documented layer,
    and, when a scenario is compared, its map beside this one."""
    update_counter.get()
    solara.Style(CSS)
    twin = twin_of(model)
    doc = documented_now(model) if show_documented.value else None
    n = model.calendar.n_steps

    def pick(iso3: str) -> None:
        if iso3 in model.by_iso:
            selected_state.value = iso3

    with solara.Column(classes=["tb-panel", "tb-map-panel"], gap="0px"):
        solara.HTML(tag="div", classes=["tb-head"], unsafe_innerHTML=header_html(model))
        with solara.Row(gap="12px", style={"align-items": "center", "flex-wrap": "wrap"}):
            with solara.Div(style={"flex": "1 1 260px", "min-width": "220px"}, classes=["tb-scrubber"]):
                solara.SliderInt(
                    label=f"Quarter: {display_date(model)}",
                    value=model.steps_done,
                    min=0,
                    max=n,
                    on_value=lambda k: jump_to(model, k),
                    tick_labels=False,
                    thumb_label=False,
                )
            solara.InputText(
                label="Go to (e.g. 2009Q3)",
                value="",
                continuous_update=False,
                on_value=lambda text: goto_text(model, text),
                classes=["tb-goto"],
                style={"max-width": "150px"},
            )
        with solara.Row(gap="12px", style={"align-items": "center", "flex-wrap": "wrap"}):
            solara.Switch(label="Documented history", value=show_documented, classes=["tb-doc-switch"])
            solara.Select(
                label="Compare with (same seed)",
                value=compare_with.value or "none",
                values=["none", *compare_choices()],
                on_value=lambda v: compare_with.set("" if v in (None, "none") else v),
                dense=True,
                style={"max-width": "290px"},
            )
        with solara.Div(classes=["tb-maps"]):
            with solara.Div(classes=["tb-map-main"]):
                if twin is not None:
                    solara.HTML(
                        tag="div", classes=["tb-map-caption"], unsafe_innerHTML=escape(model.scenario.name)
                    )
                ClickableSvg.element(svg=svg_map(model, selected_state.value, doc), on_pick=pick)
            if twin is not None:
                with solara.Div(classes=["tb-map-twin"]):
                    solara.HTML(
                        tag="div",
                        classes=["tb-map-caption"],
                        unsafe_innerHTML=(
                            f'<span data-testid="tb-twin-name">{escape(twin.scenario.name)}</span> '
                            f'<span class="tb-kpi" data-testid="tb-twin-date">{display_date(twin)}</span> '
                            f'<span class="tb-kpi">US FTAs <b>{twin.us_ftas_in_force()}</b></span>'
                        ),
                    )
                    ClickableSvg.element(svg=svg_map(twin, selected_state.value, doc), on_pick=pick)
        solara.HTML(tag="div", unsafe_innerHTML=legend_html(model, documented=doc is not None))
        with solara.Div(classes=["tb-downloads"]):
            stem = downloads.file_stem(model)
            download_button(
                lambda: map_png(model), filename=f"{stem}-map.png", label="Map PNG", mime_type="image/png"
            )


def goto_text(model: TradeBlocsModel, text: str | None) -> None:
    """Jump to a quarter typed as ``2009Q3`` (or a year); ignore what is not a date in the run."""
    if not text:
        return
    try:
        k = model.calendar.step_of(text.strip())
    except (ValueError, KeyError):
        return
    jump_to(model, k)


def compare_choices() -> list[str]:
    """Scenarios that can be run beside the main one (every file in ``scenarios/``)."""
    from .controls import scenario_choices

    return scenario_choices()


# --- plots over time -------------------------------------------------------------------------


@solara.component
def PlotsPanel(model: TradeBlocsModel) -> None:
    """Bloc sizes, US FTAs in force and the alignment index over time, with the record dotted and
    the compared scenario dashed; each chart can be downloaded as a PNG."""
    update_counter.get()
    twin = twin_of(model)
    stem = downloads.file_stem(model)
    with solara.Column(classes=["tb-panel", "tb-plots"], gap="0px"):
        solara.HTML(tag="div", unsafe_innerHTML=charts_html(model, twin))
        with solara.Div(classes=["tb-downloads"]):
            for chart in CHARTS:
                download_button(
                    (lambda c=chart: chart_png(model, c, twin_of(model))),
                    filename=f"{stem}-{chart}.png",
                    label=f"{chart.replace('_', ' ')} PNG",
                    mime_type="image/png",
                )


# --- the state inspector -----------------------------------------------------------------------


def inspector_html(model: TradeBlocsModel, iso3: str, view: str = VIEWS[0]) -> str:
    """The facts about one state and its whole decision history, as HTML."""
    s = model.by_iso.get(iso3)
    if s is None:
        return '<div class="tb-muted">Pick a state, on the map or in the list.</div>'
    rows = [
        ("Leader", escape(s.leader or "—")),
        ("Economic", f"{s.economic:+.2f} <span class='tb-muted'>(−1 left … +1 right)</span>"),
        ("Contests US", f"{s.contestation:.2f} <span class='tb-muted'>(0 aligned … 1 against)</span>"),
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
    return "".join(
        [
            f'<div class="tb-title" data-testid="tb-inspector-name">{escape(s.name)} '
            f'<span class="tb-muted">{escape(s.iso3)} · {display_date(model)}</span></div>',
            '<table class="tb-facts">'
            + "".join(f"<tr><td>{k}</td><td>{v}</td></tr>" for k, v in rows)
            + "</table>",
            f'<div style="margin:6px 0 2px"><span class="tb-muted">Memberships</span><br>{chips}</div>',
            decisions_html(model, iso3, view),
        ]
    )


@solara.component
def InspectorPanel(model: TradeBlocsModel) -> None:
    """Pick a state (here or by clicking the map); see its position, trade, lobby, memberships
    and every decision it made, term by term."""
    update_counter.get()
    names = {s.name: s.iso3 for s in sorted(model.states, key=lambda s: s.name)}
    current = state_name(model, selected_state.value)

    def pick(name: str | None) -> None:
        if name in names:
            selected_state.value = names[name]

    with solara.Column(classes=["tb-panel", "tb-inspector"], gap="0px"):
        solara.Select(label="State", values=list(names), value=current, on_value=pick, dense=True)
        solara.ToggleButtonsSingle(value=inspector_view, values=list(VIEWS), dense=True, classes=["tb-view"])
        solara.HTML(
            tag="div", unsafe_innerHTML=inspector_html(model, selected_state.value, inspector_view.value)
        )


# --- the event feed ----------------------------------------------------------------------------


def event_rows(model: TradeBlocsModel, n: int = EVENTS_SHOWN) -> list[tuple[str, str, str]]:
    """The latest ``n`` events, newest first, as (date, what happened, why) strings; every row
    names its subject in plain words (see ``words``)."""
    rows = []
    for e in reversed(model.events[-n:]):
        who = state_name(model, e.get("country", ""))
        what = describe(e, who)
        if e.get("action") == "election":
            rows.append((e["date"], what, e.get("note") or ""))
            continue
        if e.get("utility") is None:
            actor = e.get("actor") or ""
            why = (
                "scheduled"
                if e.get("forced")
                else (f"by {state_name(model, actor)}" if actor and actor != e.get("country") else "")
            )
            why = "; ".join(x for x in (why, e.get("note") or "") if x)
        else:
            main = max(TERMS, key=lambda k: abs(e.get(k) or 0.0))
            why = f"utility {e['utility']:+.2f}, mostly {TERM_LABELS[main]} ({e[main]:+.2f})"
        rows.append((e["date"], what, why))
    return rows


@solara.component
def EventFeedPanel(model: TradeBlocsModel) -> None:
    """The latest decisions and elections, newest first, and the run's data as CSV files."""
    update_counter.get()
    rows = event_rows(model)
    body = "".join(
        f'<tr><td class="d">{escape(d)}</td>'
        f'<td>{escape(w)}<br><span class="tb-muted">{escape(y)}</span></td></tr>'
        for d, w, y in rows
    )
    stem = downloads.file_stem(model)
    with solara.Column(classes=["tb-panel", "tb-events"], gap="0px"):
        solara.HTML(tag="div", classes=["tb-title"], unsafe_innerHTML="Latest events")
        with solara.Div(classes=["tb-downloads"]):
            download_button(
                lambda: downloads.events_csv(model),
                filename=f"{stem}-events.csv",
                label="events.csv",
                mime_type="text/csv",
            )
            download_button(
                lambda: downloads.memberships_csv(model),
                filename=f"{stem}-memberships.csv",
                label="memberships.csv",
                mime_type="text/csv",
            )
            download_button(
                lambda: downloads.timeseries_csv(model),
                filename=f"{stem}-timeseries.csv",
                label="timeseries.csv",
                mime_type="text/csv",
            )
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
    return (
        f"coercion {p.w_coercion:.1f} · influence {p.w_influence:.1f} · ideology {p.w_ideology:.1f}"
        f" · peer {p.w_peer:.1f} · China ×{sc.exogenous.china_strength:.1f}"
        f" · competitive liberalization {cl} · {sc.elections} elections"
    )


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
            f'Date: <b data-testid="tb-info-date">{display_date(model)}</b>{status}<br>'
            f'Scenario: <span data-testid="tb-info-scenario">{escape(model.scenario.name)}</span><br>'
            f"Seed: <b>{seed}</b><br>"
            f'<span class="tb-muted" data-testid="tb-running">Running with {running_text(model)}</span>'
        ),
    )
