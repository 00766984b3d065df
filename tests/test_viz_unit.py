"""Fast checks of the browser app's pieces, without a browser: map, ties, history, controls."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import pytest
from tradeblocs.sim.model import DEFAULT_SCENARIO
from tradeblocs.sim.palette import ALIGNMENT_COLORS, ALIGNMENT_LABELS
from tradeblocs.sim.scenario import load_scenario
from tradeblocs.sim.us_deal import map_categories
from tradeblocs.sim.viz import history, make_map, mapview, panels
from tradeblocs.sim.viz.controls import (
    SCENARIO_ENV,
    SLIDERS,
    Controls,
    VizModel,
    parse_seed,
    scenario_choices,
)


@pytest.fixture(scope="module")
def model() -> VizModel:
    """The baseline run to 2008Q1: US deals, ALBA and the Andean ties all exist by then."""
    m = VizModel()
    m.run(20)
    return m


# --- the map file and its generator ------------------------------------------------------------


def test_map_file_is_small_credited_and_has_every_state() -> None:
    path = mapview.MAP_PATH
    assert path.stat().st_size < 300_000
    data = json.loads(path.read_text())
    assert "Natural Earth" in data["source"]
    codes = {f["properties"]["iso3"] for f in data["features"]}
    m = VizModel()
    assert {s.iso3 for s in m.states} | {"USA"} <= codes
    assert "Natural Earth" in (path.parent / "README_map.md").read_text()


def test_clip_simplify_and_area() -> None:
    square = [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)]
    clipped = make_map.clip_ring(square, (5.0, -1.0, 20.0, 20.0))
    assert make_map.area(clipped) == pytest.approx(50.0)
    assert make_map.clip_ring(square, (20.0, 20.0, 30.0, 30.0)) == []
    line = [(0.0, 0.0), (1.0, 0.001), (2.0, 0.0), (2.0, 2.0), (0.0, 0.0)]
    assert make_map.simplify(line, 0.01) == [(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 0.0)]


def test_projection_maps_the_view_corners() -> None:
    lon0, lat0, lon1, lat1 = mapview.VIEW
    assert mapview.project(lon0, lat1) == (0.0, 0.0)
    x, y = mapview.project(lon1, lat0)
    assert x > 0 and y > 0


# --- ties, SVG, legend -------------------------------------------------------------------------


def test_tie_graph_links_blocs_by_trees_and_deals_to_washington(model: VizModel) -> None:
    g = mapview.tie_graph(model)
    for iid in mapview.tie_blocs(model):
        members = [c for c in model.insts[iid].members if model.by_iso[c].status.get(iid) == "member"]
        edges = [(a, b) for a, b, d in g.edges(data=True) if d["institution"] == iid and d["kind"] == "bloc"]
        assert len(edges) == max(0, len(members) - 1), iid  # a spanning tree, not a clique
    us = {b if a == "USA" else a: d for a, b, d in g.edges(data=True) if d["kind"] == "us"}
    assert us["MEX"]["status"] == "in_force"
    assert all(model.insts[d["institution"]].kind == "us_agreement" for d in us.values())
    assert "UNASUR" not in mapview.tie_blocs(model) and "CELAC" not in mapview.tie_blocs(model)


def test_svg_map_colours_each_state_by_alignment(model: VizModel) -> None:
    svg = mapview.svg_map(model, selected="VEN")
    states = re.findall(r'data-iso="(\w+)" data-alignment="(\w+)" d="[^"]*" fill="(#\w+)"', svg)
    assert len(states) == len(model.states)
    for iso3, alignment, fill in states:
        assert model.by_iso[iso3].alignment == alignment
        assert fill == ALIGNMENT_COLORS[alignment]
    assert re.search(r'data-iso="VEN"[^>]*stroke="#111111"', svg)
    assert svg.count('data-tie="us"') >= 1 and "Washington" in svg


def test_legend_names_every_alignment_and_tie(model: VizModel) -> None:
    legend = mapview.legend_html(model)
    for label in ALIGNMENT_LABELS.values():
        assert label in legend
    assert "Pacific Alliance member" in legend and "ALBA ties" in legend


# --- documented history ------------------------------------------------------------------------


def test_documented_series_replays_events(tmp_path: Path) -> None:
    csv = tmp_path / "h.csv"
    csv.write_text(
        "date,country,institution,action,source,note\n"
        "2004-01-01,CHL,US_FTA,in_force,s,\n"
        "2004-12-14,VEN,ALBA,founded,s,\n"
        "2006-04-29,BOL,ALBA,joined,s,\n"
        "2007-01-01,BOL,ALBA,left,s,\n"
        "2011-04-28,PER,PACIFIC_ALLIANCE,founded,s,\n"
        "2015-07-20,PER,PACIFIC_ALLIANCE,in_force,s,\n"
    )
    out = history.documented_series([2004.0, 2004.25, 2006.5, 2007.25, 2016.0], ["US_FTA"],
                                     ["ALBA", "PACIFIC_ALLIANCE"], path=csv)  # fmt: skip
    assert out["us_ftas_in_force"] == [0, 1, 1, 1, 1]
    assert out["members_ALBA"] == [0, 0, 2, 1, 1]
    assert out["members_PACIFIC_ALLIANCE"] == [0, 0, 0, 0, 1]
    assert history.documented_series([2004.0], [], [], path=tmp_path / "missing.csv") == {}


def test_documented_series_from_the_project_file() -> None:
    out = history.documented_series([2003.0, 2016.75], ["US_FTA", "NAFTA", "CAFTA_DR"], ["ALBA"])
    assert out["us_ftas_in_force"][0] == 1  # Mexico (NAFTA)
    assert out["us_ftas_in_force"][1] >= 10
    assert out["members_ALBA"][1] >= 5


# --- panels ------------------------------------------------------------------------------------


def test_inspector_shows_the_whole_decision_history(model: VizModel) -> None:
    from tradeblocs.sim.viz import inspector

    iso3 = next(e["country"] for e in model.events if e.get("action") == "requested")
    html = panels.inspector_html(model, iso3, inspector.VIEWS[0])
    assert model.by_iso[iso3].name in html and "Memberships" in html
    assert "Why did it ask for talks?" in html and "utility of staying put" in html
    mine = inspector.decisions(model, iso3, us_only=True)
    assert mine and all(inspector.is_us_deal(model, e["institution"]) for e in mine)
    svg = inspector.history_svg(mine, float(model.p.inertia))
    assert svg.count('class="tb-utility"') == len(mine)  # one net-utility diamond per decision
    assert svg.count('class="tb-stay"') == 1  # one shared axis, one stay-put rule
    assert re.search(r"p [01]\.\d\d", svg)
    every = panels.inspector_html(model, iso3, inspector.VIEWS[1])
    assert "Every decision it made" in every
    assert "Pick a state" in panels.inspector_html(model, "XXX")


def test_choice_probability_is_the_logit_of_the_chosen_move(model: VizModel) -> None:
    chosen = [e for e in model.events if e.get("p_choice") is not None]
    assert chosen and all(0 < e["p_choice"] <= 1 for e in chosen)
    assert all(e["utility"] is not None for e in chosen)


def test_event_rows_are_newest_first_and_name_their_subject(model: VizModel) -> None:
    rows = panels.event_rows(model, n=8)
    assert len(rows) == 8
    assert rows[0][0] == model.events[-1]["date"]
    assert [r[0] for r in rows] == sorted((r[0] for r in rows), reverse=True)
    assert all("_" not in what for _, what, _ in rows)


def test_words_name_the_subject_and_fall_back_for_new_actions() -> None:
    from tradeblocs.sim.viz.words import describe

    assert describe({"action": "founded", "institution": "ALBA", "country": ""}, "") == "ALBA was founded"
    assert describe({"action": "us_approved", "institution": "US_FTA"}, "Chile").startswith(
        "The US Congress approved"
    )
    assert describe({"action": "requested", "institution": "US_FTA"}, "Peru") == (
        "Peru asked for talks on a US free trade agreement"
    )
    assert describe({"action": "rejoined_later", "institution": "CAN"}, "Peru") == (
        "Peru: rejoined later (Andean Community)"
    )
    assert describe({"action": "merged", "institution": "CAN"}, "") == "Andean Community: merged"
    for action in ("concluded", "left", "suspended", "readmitted", "withdrew"):
        text = describe({"action": action, "institution": "MERCOSUR"}, "Venezuela")
        assert "Venezuela" in text and "_" not in text


def test_charts_are_svg_with_markers_dashes_and_the_record(model: VizModel) -> None:
    from tradeblocs.sim.viz import plots

    html = plots.charts_html(model)
    assert html.count('<svg class="tb-chart"') == 3
    assert 'data-kind="doc"' in html and "stroke-dasharray" in html and "<polygon" in html
    members = plots.chart_lines(model, "members")
    sim = [ln for ln in members if ln.kind == "sim"]
    assert len({ln.marker for ln in sim}) == len(sim) and len({ln.dash for ln in sim}) == len(sim)
    idx = plots.documented(model)["us_alignment_index"]
    assert len(idx) == model.calendar.n_steps + 1 and all(-1 <= v <= 1 for v in idx)
    twin = VizModel("cf_no_competitive_liberalization").run(model.steps_done)
    assert 'data-kind="cf"' in plots.charts_html(model, twin)
    png = plots.chart_png(model, "us_ftas", twin, dpi=40)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_end_label_is_the_last_quarter_simulated() -> None:
    m = VizModel().run()
    assert m.date == "2017Q1" and m.display_date == "2016Q4"
    assert "2016Q4" in panels.header_html(m) and "2017Q1" not in panels.header_html(m)


def test_scrubbing_back_replays_the_same_history(model: VizModel) -> None:
    back = model.at_step(8)
    assert back is not model and back.steps_done == 8
    key = [(e["date"], e["country"], e["action"], e["institution"]) for e in back.events]
    assert key == [(e["date"], e["country"], e["action"], e["institution"]) for e in model.events
                   if e["step"] < 8]  # fmt: skip
    assert back.at_step(12) is back and back.steps_done == 12


def test_downloads_are_csv_of_the_run_so_far(model: VizModel) -> None:
    import io

    import pandas as pd
    from tradeblocs.sim.viz import downloads

    ev = pd.read_csv(io.StringIO(downloads.events_csv(model)))
    assert len(ev) == len(model.events) and "p_choice" in ev.columns
    sp = pd.read_csv(io.StringIO(downloads.memberships_csv(model)))
    assert list(sp.columns) == downloads.SPELL_COLUMNS
    ts = pd.read_csv(io.StringIO(downloads.timeseries_csv(model)))
    assert len(ts) == model.steps_done + 1 and ts["date"].iloc[-1] == model.date
    assert downloads.file_stem(model).endswith(model.display_date)
    assert panels.map_png(model, dpi=30)[:4] == b"\x89PNG"


#: the map categories the shipped scenarios give their blocs
CATEGORIES = map_categories(load_scenario("baseline_2003_2016").institutions)


def test_documented_alignment_of_the_record() -> None:
    us = ["US_FTA", "NAFTA", "CAFTA_DR"]
    cat = history.documented_alignments(2012.0, ["VEN", "MEX", "BRA", "URY"], us, CATEGORIES)
    assert cat == {"VEN": "alba", "MEX": "us_fta", "BRA": "mercosur", "URY": "mercosur"}


def test_documented_alignment_counts_concluded_talks_as_pending() -> None:
    """Peru concluded its talks in December 2005 and signed in April 2006: in between it is a US
    deal pending, by the model's own stages, not out of it (the app's old table lacked the stage)."""
    assert history.documented_alignments(2006.1, ["PER"], ["US_FTA"], CATEGORIES) == {"PER": "us_fta_pending"}
    assert history.documented_alignments(2006.1, ["PER"], [], CATEGORIES) == {"PER": "none"}


def test_map_bundles_the_us_arcs_and_cases_ties_by_contrast(model: VizModel) -> None:
    svg = mapview.svg_map(model, documented={s.iso3: "none" for s in model.states})
    assert svg.count('data-tie="us-trunk"') == 1  # one trunk to Washington, not an arc per state
    assert svg.count("data-doc-iso=") == len(model.states)
    assert mapview.casing_for("#DDAA33") != mapview.casing_for("#332288")  # ochre dark, indigo white


# --- the model the app runs and its controls -------------------------------------------------


def test_parse_seed() -> None:
    assert parse_seed(" 42 ", 7) == 42
    assert parse_seed("", 7) == 7
    assert parse_seed("abc", 7) == 7


def test_scenario_choices_put_the_baseline_first(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(SCENARIO_ENV, raising=False)
    assert scenario_choices()[0] == DEFAULT_SCENARIO
    outside = tmp_path / "my_test.yaml"
    outside.write_text("extends: baseline_2003_2016\nname: my_test\n")
    monkeypatch.setenv(SCENARIO_ENV, str(outside))
    assert scenario_choices()[-1] == "my_test"
    m = VizModel("my_test")
    assert m.scenario.name == "my_test" and m.scenario_file == "my_test"


def test_viz_model_applies_ui_arguments() -> None:
    m = VizModel(seed="11", w_coercion=2.5, china_strength=0.5, competitive_liberalization=False,
                 endogenous_elections=True)  # fmt: skip
    s = m.settings()
    assert (s["seed"], s["w_coercion"], s["china_strength"]) == (11, 2.5, 0.5)
    assert s["competitive_liberalization"] is False and s["endogenous_elections"] is True
    assert m.collect == "model"
    default = VizModel().settings()
    assert default["seed"] == VizModel().scenario.seed and default["competitive_liberalization"]


def test_controls_drive_reset_and_satisfy_mesa() -> None:
    from mesa.visualization.solara_viz import _check_model_params, split_model_params

    controls = Controls.for_model(VizModel())
    params = controls.model_params()
    assert params["controls"] is controls
    assert set(SLIDERS) <= set(params)
    _check_model_params(VizModel.__init__, params)
    user, fixed = split_model_params(params)
    assert "controls" in fixed and "scenario" in user
    controls.values["w_peer"].value = 2.0
    controls.seed.value = "5"
    # Mesa's Reset passes its own (possibly stale) copies; the controls win
    m = VizModel(**{"w_peer": 1.0, "seed": "99", "controls": controls})
    assert m.settings()["w_peer"] == 2.0 and m.seed_used == 5
    other = VizModel(w_peer=0.5)
    controls.show(other)
    assert controls.values["w_peer"].value == 0.5


def test_mesa_hooks_install_the_date_line_and_layout() -> None:
    import mesa.visualization.solara_viz as sv
    from tradeblocs.sim.viz import mesa_hooks

    mesa_hooks.install()
    assert sv.ShowSteps is panels.DateInfo
    assert sv.ModelController is mesa_hooks.ModelController
    assert sv.make_initial_grid_layout(4) == mesa_hooks.LAYOUT
    assert len(sv.make_initial_grid_layout(2)) == 2


def test_app_module_defines_the_page() -> None:
    from tradeblocs.sim.viz import app

    assert callable(app.Page)
    assert [
        panels.MapPanel,
        panels.PlotsPanel,
        panels.InspectorPanel,
        panels.EventFeedPanel,
    ] == app.COMPONENTS
    assert app.PLAY_INTERVAL_MS <= 150


# --- the command -------------------------------------------------------------------------------


def test_viz_command_arguments_and_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from tradeblocs.analysis import viz_cmd

    sub = argparse.ArgumentParser().add_subparsers()
    args = viz_cmd.add_parser(sub).parse_args(["baseline_2003_2016", "--port", "0"])
    assert args.scenario == "baseline_2003_2016" and args.port == 0
    assert viz_cmd.scenario_arg("baseline_2003_2016") == "baseline_2003_2016"
    outside = tmp_path / "x.yaml"
    outside.write_text("extends: baseline_2003_2016\nname: x\n")
    assert viz_cmd.scenario_arg(str(outside)) == str(outside.resolve())
    cmd = viz_cmd.solara_command(8123)
    assert cmd[-7:] == [
        "--host",
        "127.0.0.1",
        "--port",
        "8123",
        "--production",
        "--no-open",
        "--no-check-version",
    ]
    monkeypatch.setenv("SOLARA_THEME_SHOW_BANNER", "True")
    env = viz_cmd.server_env("x")
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
    assert env["SOLARA_THEME_SHOW_BANNER"] == "True"  # the user's choice stands
    assert env[SCENARIO_ENV] == "x"
    port = viz_cmd.free_port()
    assert not viz_cmd.port_taken(port)


def test_viz_command_rejects_a_bad_scenario(tmp_path: Path) -> None:
    from tradeblocs.analysis import viz_cmd
    from tradeblocs.sim.scenario import ScenarioError

    bad = tmp_path / "bad.yaml"
    bad.write_text("extends: baseline_2003_2016\nparameters: {w_peer: -1}\n")
    with pytest.raises(ScenarioError):
        viz_cmd.scenario_arg(str(bad))


def test_switching_competitive_liberalization_on_where_a_scenario_has_it_off(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    off_file = tmp_path / "no_cl.yaml"
    off_file.write_text(
        "extends: baseline_2003_2016\nname: no_cl\nus_policy: {competitive_liberalization: []}\n"
    )
    monkeypatch.setenv(SCENARIO_ENV, str(off_file))
    assert VizModel("no_cl").settings()["competitive_liberalization"] is False
    on = VizModel("no_cl", competitive_liberalization=True)
    assert on.settings()["competitive_liberalization"] is True
    assert on.scenario.us_policy.competitive_liberalization[0].end == on.scenario.time.end
