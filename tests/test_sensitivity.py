"""``tradeblocs sensitivity``: SALib designs run through the sweep engine, indices and chart."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tradeblocs.analysis import cli
from tradeblocs.analysis.design import SweepError
from tradeblocs.analysis.sensitivity import PARAMETERS, analyse, problem, sample
from tradeblocs.sim.scenario import Parameters


def test_default_ranges_are_valid_parameter_values() -> None:
    for name, (lo, hi) in PARAMETERS.items():
        assert lo < hi
        Parameters(**{name: lo})
        Parameters(**{name: hi})
    assert {"w_econ", "w_coercion", "w_influence", "w_ideology", "w_peer", "w_cost"} <= set(PARAMETERS)


def test_sample_sizes_follow_the_methods() -> None:
    prob = problem(["w_econ", "w_peer"], ["exogenous.china_strength=0:2"])
    assert prob["names"] == ["w_econ", "w_peer", "exogenous.china_strength"]
    assert sample("sobol", prob, 8, 1).shape == (8 * (3 + 2), 3)
    assert sample("morris", prob, 4, 1).shape == (4 * (3 + 1), 3)
    np.testing.assert_array_equal(sample("morris", prob, 4, 1), sample("morris", prob, 4, 1))
    with pytest.raises(SweepError, match="power of two"):
        sample("sobol", prob, 6, 1)
    with pytest.raises(SweepError):
        problem(["w_econ"], [])


def test_indices_need_every_sample_point() -> None:
    prob = problem(["w_econ", "w_peer"], [])
    df = pd.DataFrame({"point": ["s0", "s1"], "status": ["ok", "failed"], "y": [1.0, np.nan]})
    with pytest.raises(SweepError, match="1 of 2 sample points"):
        analyse(df, "morris", prob, np.zeros((2, 2)), ["s0", "s1"], ["y"], 1)


@pytest.mark.parametrize("method,samples,points", [("morris", "3", 9), ("sobol", "4", 16)])
def test_sensitivity_end_to_end(tmp_path: Path, method: str, samples: str, points: int) -> None:
    out = tmp_path / method
    args = f"sensitivity baseline_2003_2016 --method {method} --samples {samples} -q --workers 1"
    rc = cli.main([*args.split(), "--params", "w_ideology,w_cost", "--steps", "10", "--out", str(out)])
    assert rc == 0
    runs = pd.read_parquet(out / "results.parquet")
    assert len(runs) == points and (runs.status == "ok").all()
    assert runs.seed.nunique() == 1  # one replicate: the same seed at every sample point
    idx = pd.read_csv(out / "sensitivity_indices.csv")
    assert set(idx.parameter) == {"w_ideology", "w_cost"} and set(idx.method) == {method}
    assert ({"S1", "ST"} if method == "sobol" else {"mu_star", "sigma"}) <= set(idx.columns)
    assert (out / "sensitivity.png").stat().st_size > 10_000
