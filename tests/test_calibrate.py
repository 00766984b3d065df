"""`tradeblocs calibrate` end to end on a tiny budget: it searches, writes a scenario that
extends the baseline with the fit in its header, and tabulates ablations and the holdout."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd

from analysis.calibrate import ABLATIONS, loss
from sim import load_scenario


def test_loss_prefers_better_fit():
    good = {"f1": 0.9, "f1_2016": 0.95, "timely": 0.8, "spurious": 2}
    bad = {"f1": 0.6, "f1_2016": 0.5, "timely": 0.3, "spurious": 20}
    assert loss(good) < loss(bad)


def test_calibrate_writes_a_loadable_scenario_and_tables(tmp_path):
    out = tmp_path / "cal.yaml"
    rep = tmp_path / "rep"
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "analysis.cli",
            "calibrate",
            "baseline_2003_2016",
            "--seeds",
            "2",
            "--maxiter",
            "1",
            "--popsize",
            "1",
            "--workers",
            "1",
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
    assert text.startswith("# Calibrated baseline") and "F1" in text.splitlines()[2]
    sc = load_scenario(out)
    assert sc.name == "cal"
    abl = pd.read_csv(rep / "ablations.csv")
    assert list(abl["model"]) == list(ABLATIONS)
    nothing = abl.set_index("model").loc["do nothing"]
    assert nothing["spurious"] == 0
    hold = pd.read_csv(rep / "holdout.csv")
    assert hold["model"].str.contains("out of sample 2010-2016").any()
    assert (rep / "REPORT.md").exists()
