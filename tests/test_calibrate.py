"""`tradeblocs calibrate` end to end on a tiny budget: it searches, writes a scenario that
extends the baseline with the fit in its header, and tabulates ablations and the holdout."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tradeblocs.analysis.calibrate import ABLATIONS, Objective, Window, loss, refine, seeds_for
from tradeblocs.analysis.history import history_as_run
from tradeblocs.analysis.score import quick_fit
from tradeblocs.sim import load_scenario
from tradeblocs.sim.scenario import resolve_path


def test_loss_prefers_better_fit():
    good = {"timing_likelihood": 0.7, "paths": 0.6, "f1_2016": 0.95, "spurious": 2}
    bad = {"timing_likelihood": 0.3, "paths": 0.1, "f1_2016": 0.5, "spurious": 20}
    assert loss(good) < loss(bad)


def test_loss_is_timing_and_paths_first_status_f1_minor():
    """Perfect end-of-window statuses cannot make up for the timing: F1 is a minor term."""
    statuses_only = {"timing_likelihood": 0.2, "paths": 0.0, "f1_2016": 1.0, "spurious": 0}
    timing = {"timing_likelihood": 0.6, "paths": 0.3, "f1_2016": 0.7, "spurious": 0}
    assert loss(timing) < loss(statuses_only)
    assert loss({**timing, "paths": float("nan")}) > loss(timing)  # nothing to score counts 0


def test_one_more_documented_path_outweighs_five_points_of_end_of_window_f1():
    """The paths are the issue's unmet target and end-2016 F1 sits near its ceiling: a search
    must not trade a reproduced path for a few status cells."""
    base = {"timing_likelihood": 0.65, "paths": 0.55, "f1_2016": 0.98, "spurious": 15}
    one_more_path = {**base, "paths": 0.55 + 1 / 24, "f1_2016": 0.93}
    assert loss(one_more_path) < loss(base)


def test_a_missed_event_costs_more_than_a_late_one_in_the_loss():
    spells, events = history_as_run()
    rec = events.assign(forced=False).to_dict("records")
    key = lambda e: (e["country"], e["institution"], e["action"]) == ("PER", "US_FTA", "in_force")  # noqa: E731
    late = [{**e, "date": "2009-11-01"} if key(e) else e for e in rec]  # 0.75 y late: a hit
    gone = [e for e in rec if not key(e)]
    f_exact, f_late, f_gone = (quick_fit(spells, ev) for ev in (rec, late, gone))
    assert loss(f_exact) < loss(f_late) < loss(f_gone)
    assert f_late["hit_share"] == f_exact["hit_share"] == 1.0 and f_gone["hit_share"] < 1.0


def test_a_spurious_exit_costs_what_a_missed_event_costs_the_timing_term():
    spells, events = history_as_run()
    rec = events.assign(forced=False).to_dict("records")
    key = lambda e: (e["country"], e["institution"], e["action"]) == ("PER", "US_FTA", "in_force")  # noqa: E731
    gone = [e for e in rec if not key(e)]
    joins = [e for e in rec if e["action"] == "joined" and e["date"] < "2003"]
    bloc = next(e for e in joins if e["institution"] == "CAN")
    left = [*rec, {**bloc, "date": "2008-01-01", "action": "left"}]
    f_exact, f_gone, f_left = (quick_fit(spells, ev) for ev in (rec, gone, left))
    assert f_left["spurious_exits"] == 1 and f_exact["spurious_exits"] == 0
    assert f_left["hit_share"] == f_exact["hit_share"]  # the headline cannot see it; the loss does
    charge = loss(f_left) - loss(f_exact)
    timing_miss = 0.5 * (f_exact["timing_likelihood"] - f_gone["timing_likelihood"])
    assert charge == pytest.approx(timing_miss + 0.002, rel=0.05)


def test_holdout_objective_scores_each_window_on_its_own_events():
    sc = load_scenario(resolve_path("baseline_calibrated"))
    seeds = seeds_for(sc.seed, 1)
    train = Objective(sc, seeds, [], Window(2003, 2009)).fit({})
    test = Objective(sc, seeds, [], Window(2010, 2016)).fit({})
    for fit in (train, test):
        assert 0.0 <= fit["hit_share"] <= 1.0 and 0.0 <= fit["timing_likelihood"] <= 1.0
        assert 0.0 <= fit["paths"] <= 1.0 and loss(fit) < 1.0
    nothing = Objective(sc, seeds, [], Window(2003, 2016)).fit({}, do_nothing=True)
    assert nothing["hit_share"] == 0.0 and nothing["paths"] == 0.0


def test_calibrate_writes_a_loadable_scenario_and_tables(tmp_path):
    out = tmp_path / "cal.yaml"
    rep = tmp_path / "rep"
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "tradeblocs.analysis.cli",
            "calibrate",
            "baseline_2003_2016",
            "--seeds",
            "1",
            "--maxiter",
            "1",
            "--popsize",
            "1",
            "--workers",
            "2",
            "--refine",
            "1",
            "--start",
            "baseline_calibrated",
            "--out",
            str(out),
            "--report-dir",
            str(rep),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "calibrated scenario written" in res.stdout
    text = out.read_text()
    header = text.splitlines()[:6]
    assert text.startswith("# Calibrated baseline") and "agent-chosen events within 1 y" in header[2]
    assert any("paths" in line for line in header) and any("F1" in line for line in header)
    assert "started from baseline_calibrated" in header[1] and "refined up to 1 rounds" in header[1]
    sc = load_scenario(out)
    assert sc.name == "cal"
    abl = pd.read_csv(rep / "ablations.csv")
    assert list(abl["model"]) == list(ABLATIONS)
    nothing = abl.set_index("model").loc["do nothing"]
    assert nothing["spurious"] == 0
    hold = pd.read_csv(rep / "holdout.csv")
    assert hold["model"].str.contains("out of sample 2010-2016").any()
    assert (rep / "REPORT.md").exists()


def _bowl(centre: dict[str, float]):
    """A loss flat in steps of 0.05 (as a fixed-seed fit is between events), lowest at ``centre``."""
    names = list(centre)
    return lambda x: sum(round(abs(float(v) - centre[n]) / 0.05) for n, v in zip(names, x, strict=True))


def test_refine_settles_a_point_near_the_best_and_reports_its_loss():
    bounds = {"a": (0.0, 4.0), "b": (0.0, 1.0)}
    func = _bowl({"a": 2.6, "b": 0.3})
    start = {"a": 0.5, "b": 0.9}
    params, best, evals = refine(func, start, rounds=4, bounds=bounds)
    assert best < func([0.5, 0.9]) and best == func([params["a"], params["b"]])
    assert abs(params["a"] - 2.6) < 0.3 and abs(params["b"] - 0.3) < 0.1
    assert evals > 2 and refine(func, start, rounds=4, bounds=bounds) == (params, best, evals)


@settings(max_examples=30, deadline=None)
@given(
    centre=st.tuples(st.floats(0.0, 4.0), st.floats(0.0, 1.0)),
    start=st.tuples(st.floats(0.0, 4.0), st.floats(0.0, 1.0)),
)
def test_refine_never_makes_the_loss_worse_nor_leaves_the_bounds(centre, start):
    bounds = {"a": (0.0, 4.0), "b": (0.0, 1.0)}
    func = _bowl({"a": centre[0], "b": centre[1]})
    params, best, _ = refine(func, {"a": start[0], "b": start[1]}, rounds=2, bounds=bounds)
    assert best <= func(list(start))
    assert all(bounds[n][0] <= v <= bounds[n][1] for n, v in params.items())


def test_a_start_on_the_bounds_is_accepted_by_differential_evolution():
    """A calibrated value on a bound of its range (the US walk-away rate at 0.1, coercion's
    weight at 0) must not stop the next search that starts from it."""
    from scipy.optimize import differential_evolution
    from tradeblocs.analysis.calibrate import start_point

    bounds = [(0.1, 1.0), (0.0, 4.0), (0.3, 0.7)]
    x0 = start_point([0.1, 0.0, 0.7], bounds)
    assert all(lo <= x <= hi for x, (lo, hi) in zip(x0, bounds, strict=True))
    assert x0 == pytest.approx([0.1, 0.0, 0.7], abs=1e-6)
    res = differential_evolution(lambda x: float(sum(x)), bounds, x0=x0, maxiter=1, popsize=2, seed=0)
    assert res.fun <= sum(x0) + 1e-9
