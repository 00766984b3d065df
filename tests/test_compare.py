"""``tradeblocs compare``: paired seeds, paired differences, the table and the figure."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from tradeblocs.analysis import cli
from tradeblocs.analysis.compare import paired_differences, paired_interval
from tradeblocs.sim.scenario import SCENARIO_DIR


def tiny(tmp_path: Path, name: str, body: str = "") -> str:
    """A two-year scenario extending the baseline, plus ``body``."""
    path = tmp_path / f"{name}.yaml"
    path.write_text(
        f"extends: {SCENARIO_DIR / 'baseline_2003_2016.yaml'}\nname: {name}\n"
        f"time: {{start: 2003Q1, end: 2004Q4}}\n{body}",
        encoding="utf-8",
    )
    return str(path)


def test_paired_interval_is_the_t_interval_of_the_differences() -> None:
    d = np.array([1.0, 2.0, 4.0, 3.0])
    mean, half = paired_interval(d)
    assert mean == 2.5
    assert half == pytest.approx(stats.t.ppf(0.975, 3) * d.std(ddof=1) / 2)
    assert math.isnan(paired_interval(np.array([1.0]))[1])
    assert paired_interval(np.zeros(5)) == (0.0, 0.0)


def test_only_replicates_both_sides_ran_are_paired() -> None:
    df = pd.DataFrame(
        {
            "point": ["b", "b", "b", "c", "c", "c"],
            "replicate": [0, 1, 2, 0, 1, 2],
            "status": ["ok", "ok", "ok", "ok", "failed", "ok"],
            "x": [1.0, 2.0, 3.0, 2.0, np.nan, 5.0],
        }
    )
    t = paired_differences(df, "b", ["c"], ["x"]).iloc[0]
    assert t.pairs == 2 and t.difference == 1.5 and t.baseline_mean == 2.0


def test_compare_two_tiny_scenarios(tmp_path: Path) -> None:
    base = tiny(tmp_path, "tiny_base")
    cf = tiny(tmp_path, "tiny_no_cl", "us_policy: {competitive_liberalization: []}\n")
    twin = tiny(tmp_path, "tiny_twin")  # the baseline under another name
    out = tmp_path / "cmp"
    rc = cli.main(["compare", base, cf, twin, "--replicates", "5", "--workers", "1", "--out", str(out), "-q"])
    assert rc == 0
    runs = pd.read_parquet(out / "results.parquet")
    assert len(runs) == 15 and (runs.status == "ok").all()
    # common random numbers: replicate k has one seed in every scenario
    assert runs.groupby("replicate").seed.nunique().eq(1).all()
    table = pd.read_csv(out / "compare.csv")
    assert (out / "compare.png").stat().st_size > 10_000
    assert set(table.counterfactual) == {"tiny_no_cl", "tiny_twin"}
    assert {"us_ftas_in_force", "us_alignment_index", "members_ALBA"} <= set(table.outcome)
    assert "fit_f1" not in set(table.outcome)  # two years: history does not apply
    # the twin draws the same random numbers as the baseline: no difference at all
    twin_rows = table[table.counterfactual == "tiny_twin"]
    assert (twin_rows.difference == 0).all() and (twin_rows.half_width == 0).all()
    # the difference is the mean of the paired differences
    row = table[(table.counterfactual == "tiny_no_cl") & (table.outcome == "us_alignment_index")].iloc[0]
    wide = runs.pivot(index="replicate", columns="point", values="us_alignment_index")
    assert row.difference == pytest.approx((wide.tiny_no_cl - wide.tiny_base).mean())
    assert row.pairs == 5 and row.ci_low <= row.difference <= row.ci_high


def test_compare_rejects_too_few_replicates(tmp_path: Path, capsys) -> None:
    base = tiny(tmp_path, "tiny_base")
    assert cli.main(["compare", base, base, "--replicates", "3", "--out", str(tmp_path / "x")]) == 2
    assert "same scenario" in capsys.readouterr().err
    assert cli.main(["compare", base, tiny(tmp_path, "other"), "--replicates", "1"]) == 2
