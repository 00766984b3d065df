"""`tradeblocs run` and `tradeblocs score` end to end, as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import yaml
from tradeblocs.sim.scenario import SCENARIO_DIR

CLI = [sys.executable, "-m", "tradeblocs.analysis.cli"]


def run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, check=check)


def test_run_says_why_a_term_has_no_table_when_its_weight_is_zero(tmp_path):
    scenario = tmp_path / "no_coercion.yaml"
    scenario.write_text(
        f"extends: {SCENARIO_DIR / 'baseline_2003_2016.yaml'}\nname: no_coercion\n"
        "parameters:\n  w_coercion: 0.0\n"
    )
    res = run("run", str(scenario), "--seed", "5", "--out", str(tmp_path / "r"))
    assert "No chosen move had a coercion term (its weight, w_coercion, is 0 here)." in res.stdout
    assert "largest coercion term" not in res.stdout and "largest influence term" in res.stdout


def test_run_baseline_writes_every_file_and_prints_a_summary(tmp_path):
    out = tmp_path / "base"
    res = run("run", "scenarios/baseline_2003_2016.yaml", "--seed", "5", "--out", str(out))
    for f in (
        "events.csv",
        "memberships.csv",
        "timeseries.csv",
        "timeseries_model.csv",
        "summary.json",
        "scenario.resolved.yaml",
    ):
        assert (out / f).exists(), f
    assert "Who ended up where" in res.stdout
    assert "largest influence term" in res.stdout and "largest coercion term" in res.stdout
    ev = pd.read_csv(out / "events.csv")
    assert {
        "date",
        "country",
        "institution",
        "action",
        "forced",
        "econ",
        "coercion",
        "influence",
        "ideology",
        "peer",
        "cost",
    } <= set(ev.columns)
    assert ev["date"].str.match(r"^\d{4}Q[1-4]$").all()
    sp = pd.read_csv(out / "memberships.csv")
    assert list(sp.columns) == ["country", "institution", "status", "start", "end"]
    ts = pd.read_csv(out / "timeseries.csv")
    assert len(ts) == 57 * 19 and ts["share_us"].between(0, 1).all()
    summary = json.loads((out / "summary.json").read_text())
    assert summary["seed"] == 5 and summary["scenario"] == "baseline_2003_2016"
    assert len(summary["scenario_hash"]) == 16 and summary["version"]
    resolved = yaml.safe_load((out / "scenario.resolved.yaml").read_text())
    assert resolved["name"] == "baseline_2003_2016"

    # rerun: byte-identical events and spells
    again = tmp_path / "again"
    run("run", "baseline_2003_2016", "--seed", "5", "--out", str(again), "--quiet")
    for f in ("events.csv", "memberships.csv"):
        assert (out / f).read_bytes() == (again / f).read_bytes()

    # the resolved scenario replays the run exactly
    replay = tmp_path / "replay"
    run("run", str(out / "scenario.resolved.yaml"), "--seed", "5", "--out", str(replay), "--quiet")
    assert (out / "events.csv").read_bytes() == (replay / "events.csv").read_bytes()

    score = run("score", str(out))
    assert score.stdout.startswith("fit: ") and len(score.stdout.strip().splitlines()) == 1
    assert "documented agent-chosen events" in score.stdout and (out / "fit_table.csv").exists()
    fit = json.loads(run("score", str(out), "--json").stdout)
    assert 0 <= fit["f1"] <= 1


def test_score_over_several_seeds_reports_brier(tmp_path):
    for s in (1, 2):
        run(
            "run",
            "baseline_2003_2016",
            "--seed",
            str(s),
            "--out",
            str(tmp_path / f"s{s}"),
            "--steps",
            "24",
            "--quiet",
        )
    res = run("score", str(tmp_path))
    assert "Brier" in res.stdout and "over 2 seeds" in res.stdout


def test_bad_scenario_gives_a_clear_error_and_no_output(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        yaml.safe_dump(
            {
                "extends": str(SCENARIO_DIR / "baseline_2003_2016.yaml"),
                "name": "bad",
                "parameters": {"w_influence": -1},
            }
        )
    )
    res = run("run", str(bad), "--out", str(tmp_path / "o"), check=False)
    assert res.returncode == 2
    assert f"{bad}: parameters.w_influence: must be >= 0, got -1" in res.stderr
    assert not (tmp_path / "o").exists()
    missing = run("run", "no_such_scenario", check=False)
    assert missing.returncode == 2 and "scenario file not found" in missing.stderr
