"""``tradeblocs sweep`` and the run engine: designs, seeds, rows, resume, failures, executors."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tradeblocs.analysis import cli, executors, runner
from tradeblocs.analysis.design import KEY, Design, Point, SweepError, derive_seed, resolve_point
from tradeblocs.analysis.runner import execute
from tradeblocs.analysis.store import load_results
from tradeblocs.analysis.sweep import build_points, parse_grid, parse_range, parse_value
from tradeblocs.sim import TradeBlocsModel, load_scenario
from tradeblocs.sim.output import us_ftas_by_year
from tradeblocs.sim.scenario import ScenarioError, resolve_path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = str(resolve_path("baseline_2003_2016"))
#: columns that legitimately differ between two executions of the same runs
VOLATILE = ["elapsed_s", "replay"]


def small_design(points: int = 2, replicates: int = 3, steps: int | None = 8) -> Design:
    values = [0.5, 2.0, 1.0, 3.0][:points]
    pts = [Point(f"p{i}", BASELINE, {"w_influence": v}) for i, v in enumerate(values)]
    return Design("sweep", pts, replicates, load_scenario(BASELINE).seed, steps, fit=False)


def stable(df: pd.DataFrame) -> pd.DataFrame:
    return df.drop(columns=VOLATILE).reset_index(drop=True)


# --- designs and seeds -------------------------------------------------------------------------


def test_values_and_axes_parse_as_a_researcher_writes_them() -> None:
    assert parse_value("2") == 2 and parse_value("1e-3") == 0.001 and parse_value("false") is False
    assert parse_value("endogenous") == "endogenous"
    assert parse_grid("w_influence=0.5,1,2") == ("w_influence", [0.5, 1.0, 2.0])
    assert parse_grid("competitive_liberalization=true,false")[1] == [True, False]
    assert parse_range("w_peer=0:2:5") == ("w_peer", 0.0, 2.0, 5)
    for bad in ("w_peer", "w_peer=2:1:3", "w_peer=a:b"):
        with pytest.raises(SweepError):
            parse_range(bad)
    with pytest.raises(SweepError, match="repeated"):
        parse_grid("w_peer=1,1")
    with pytest.raises(SweepError, match="mixes bool and number"):
        parse_grid("competitive_liberalization=true,0")


def test_grid_crosses_axes_and_lhs_is_seeded_and_in_bounds() -> None:
    pts = build_points(["w_peer=0,1"], ["w_cost=0:1:3"], None, seed=1)
    assert len(pts) == 6 and pts[0] == {"w_peer": 0, "w_cost": 0.0}
    lhs = build_points(["elections=historical,endogenous"], ["w_econ=0:2", "w_cost=1:3"], 10, 5)
    assert len(lhs) == 20
    assert lhs == build_points(["elections=historical,endogenous"], ["w_econ=0:2", "w_cost=1:3"], 10, 5)
    econ = np.array([p["w_econ"] for p in lhs[:10]])
    assert econ.min() >= 0 and econ.max() <= 2
    assert sorted(np.floor(econ / 0.2).astype(int)) == list(range(10))  # one per stratum
    with pytest.raises(SweepError):
        build_points([], ["w_econ=0:2"], None, 1)


def test_seed_depends_only_on_scenario_seed_and_replicate() -> None:
    seeds = [derive_seed(20030101, k) for k in range(50)]
    assert seeds == [derive_seed(20030101, k) for k in range(50)]
    assert len(set(seeds)) == 50 and all(0 <= s < 2**32 for s in seeds)
    assert derive_seed(1, 0) != derive_seed(2, 0)


def test_overrides_resolve_like_the_model_and_fail_clearly() -> None:
    base = load_scenario(BASELINE)
    sc = resolve_point(
        base,
        {
            "competitive_liberalization": False,
            "china_strength": 0.5,
            "elections": "endogenous",
            "w_peer": 2,
        },
    )
    assert sc.us_policy.competitive_liberalization == []
    assert sc.exogenous.china_strength == 0.5 and sc.elections == "endogenous"
    assert sc.parameters.w_peer == 2
    direct = TradeBlocsModel(base, seed=3, collect="none", competitive_liberalization=False)
    assert (
        direct.scenario.content_hash()
        == resolve_point(base, {"competitive_liberalization": False}).content_hash()
    )
    with pytest.raises(ScenarioError, match=r"w_econ=-1.*parameters\.w_econ"):
        resolve_point(base, {"w_econ": -1})


def test_us_ftas_by_year_agrees_with_the_model(baseline_run) -> None:
    by_year = us_ftas_by_year(baseline_run)
    assert list(by_year) == list(range(2003, 2017))
    assert by_year[2016] == baseline_run.us_ftas_in_force()
    assert by_year[2003] <= by_year[2016]


# --- end to end --------------------------------------------------------------------------------


def test_sweep_writes_rows_spells_and_replayable_points(tmp_path: Path) -> None:
    out = tmp_path / "sw"
    args = "sweep baseline_2003_2016 --grid w_influence=0.5,2 --replicates 2 --steps 8 --workers 1"
    args = [*args.split(), "-q", "--out", str(out)]
    rc = cli.main(args)
    assert rc == 0
    df = pd.read_parquet(out / "results.parquet")
    assert list(zip(df.point, df.replicate, strict=True)) == [
        ("p00000", 0),
        ("p00000", 1),
        ("p00001", 0),
        ("p00001", 1),
    ]
    assert (df.status == "ok").all() and (df.version != "").all()
    # common random numbers: replicate k has the same seed at every point
    assert df.groupby("replicate").seed.nunique().eq(1).all()
    assert df.groupby("point").scenario_hash.nunique().eq(1).all()
    assert df.scenario_hash.nunique() == 2
    spells = pd.read_parquet(out / "spells.parquet")
    assert set(zip(spells.point, spells.replicate, strict=True)) == set(
        zip(df.point, df.replicate, strict=True)
    )
    # a row replays exactly from its point file and seed
    row = df.iloc[3]
    point_file = out / "points" / "p00001.yaml"
    assert str(point_file) in row.replay and f"--seed {row.seed}" in row.replay
    assert load_scenario(point_file).content_hash() == row.scenario_hash
    again = TradeBlocsModel(point_file, seed=int(row.seed), collect="none").run(8)
    assert again.us_ftas_in_force() == row.us_ftas_in_force
    assert again.alignment_index() == pytest.approx(row.us_alignment_index)
    # the same command again refuses to mix into the folder; --resume has nothing left to do
    with pytest.raises(SweepError, match="--resume"):
        execute(small_design(), out)
    rc = cli.main([*args, "--resume"])
    assert rc == 0
    pd.testing.assert_frame_equal(pd.read_parquet(out / "results.parquet"), df)


def test_resume_refuses_a_different_experiment(tmp_path: Path) -> None:
    execute(small_design(steps=4, replicates=1), tmp_path, workers=1, progress=False)
    with pytest.raises(SweepError, match="points differs"):
        execute(small_design(points=3, steps=4, replicates=1), tmp_path, resume=True, progress=False)
    with pytest.raises(SweepError, match="steps differs"):
        execute(small_design(steps=5, replicates=1), tmp_path, resume=True, progress=False)
    # more replicates of the same points extend the experiment
    res = execute(small_design(steps=4, replicates=2), tmp_path, workers=1, resume=True, progress=False)
    assert res.already == 2 and res.ok == 2 and len(res.results) == 4


def test_a_failing_run_is_recorded_and_the_sweep_goes_on(tmp_path: Path, monkeypatch) -> None:
    real = runner.TradeBlocsModel

    class Fragile(real):
        def run(self, steps=None):
            if self.p.w_influence == 2.0:
                raise RuntimeError("boom: the model fell over")
            return super().run(steps)

    monkeypatch.setattr(runner, "TradeBlocsModel", Fragile)
    res = execute(small_design(), tmp_path, workers=1, progress=False)
    assert runner.report(res, "hint") == 1
    df = res.results
    failed = df[df.status == "failed"]
    assert list(failed.point.unique()) == ["p1"] and len(failed) == 3
    assert failed.error.str.contains("RuntimeError: boom").all()
    assert (df[df.point == "p0"].status == "ok").all()
    assert set(pd.read_parquet(tmp_path / "spells.parquet").point) == {"p0"}
    # fixed, the failed runs are retried without touching the rest
    monkeypatch.setattr(runner, "TradeBlocsModel", real)
    again = execute(small_design(), tmp_path, workers=1, resume=True, retry_failed=True, progress=False)
    assert again.already == 3 and again.ok == 3
    assert (again.results.status == "ok").all() and not again.results.duplicated(KEY).any()
    assert set(pd.read_parquet(tmp_path / "spells.parquet").point) == {"p0", "p1"}


def test_resume_after_the_sweep_is_killed(tmp_path: Path) -> None:
    """SIGKILL the whole sweep (parent and workers) mid-way; --resume loses and doubles nothing."""
    out = tmp_path / "killed"
    cmd = [
        sys.executable,
        "-m",
        "tradeblocs.analysis.cli",
        "sweep",
        "baseline_2003_2016",
        "--grid",
        "w_influence=0.5,1,2",
        "--replicates",
        "20",
        "--steps",
        "12",
        "--no-fit",
        "--workers",
        "2",
        "--chunk-size",
        "1",
        "--out",
        str(out),
        "-q",
    ]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 120
        while len(list((out / "parts").glob("runs-*.parquet"))) < 4:
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "the sweep wrote nothing"
            time.sleep(0.01)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert not (out / "results.parquet").exists(), "the sweep finished before it was killed"
    saved = load_results(out)
    assert 4 <= len(saved) < 60 and not saved.duplicated(KEY).any()

    done = subprocess.run([*cmd, "--resume"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    df = pd.read_parquet(out / "results.parquet")
    assert len(df) == 60 and not df.duplicated(KEY).any() and (df.status == "ok").all()
    assert set(zip(df.point, df.replicate, strict=True)) == {
        (f"p{i:05d}", k) for i in range(3) for k in range(20)
    }
    assert not list((out / "parts").iterdir())
    # rows saved before the kill are the ones kept, and they match a fresh run
    merged = df.merge(saved, on=KEY, suffixes=("", "_saved"))
    assert len(merged) == len(saved)
    assert (merged.us_alignment_index == merged.us_alignment_index_saved).all()
    spells = pd.read_parquet(out / "spells.parquet")
    assert not spells.duplicated().any()
    row = df.iloc[len(df) // 2]
    fresh = TradeBlocsModel(
        BASELINE, seed=int(row.seed), collect="none", w_influence=float(row.w_influence)
    ).run(12)
    assert fresh.alignment_index() == pytest.approx(row.us_alignment_index)
    mine = spells[(spells.point == row.point) & (spells.replicate == row.replicate)]
    assert len(mine) == len(fresh.spells)


def test_a_dead_worker_loses_only_what_it_had_in_hand(tmp_path: Path, monkeypatch) -> None:
    """A worker process that dies (BrokenProcessPool) is reported; finished chunks are kept."""
    real = runner.run_one

    def crash_at_replicate_5(base, base_hash, spec):
        if spec.replicate == 5:
            time.sleep(0.3)  # let the other worker finish a few chunks first
            os._exit(1)
        return real(base, base_hash, spec)

    # workers must inherit the patched function, so fork them from this process
    monkeypatch.setattr(executors, "_mp_context", lambda *_: multiprocessing.get_context("fork"))
    monkeypatch.setattr(runner, "run_one", crash_at_replicate_5)
    design = small_design(points=1, replicates=8, steps=4)
    res = execute(design, tmp_path, workers=2, chunk_size=1, progress=False)
    assert res.lost > 0 and "worker process died" in res.lost_reason
    assert runner.report(res, "RESUME") == 3
    kept = load_results(tmp_path)
    assert 5 not in set(kept.replicate) and len(kept) == res.ok
    monkeypatch.setattr(runner, "run_one", real)
    again = execute(
        small_design(points=1, replicates=8, steps=4),
        tmp_path,
        workers=2,
        resume=True,
        progress=False,
    )
    assert again.already == res.ok and len(again.results) == 8
    assert not again.results.duplicated(KEY).any()


def test_dask_cluster_gives_the_same_results_as_local_processes(tmp_path: Path) -> None:
    import distributed

    design = small_design(points=2, replicates=3, steps=12)
    with distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        on_dask = execute(design, tmp_path / "dask", scheduler=cluster.scheduler_address, progress=False)
    local = execute(
        small_design(points=2, replicates=3, steps=12),
        tmp_path / "local",
        workers=2,
        progress=False,
    )
    assert on_dask.complete and local.complete and len(local.results) == 6
    pd.testing.assert_frame_equal(stable(on_dask.results), stable(local.results))
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "dask" / "spells.parquet"),
        pd.read_parquet(tmp_path / "local" / "spells.parquet"),
    )
