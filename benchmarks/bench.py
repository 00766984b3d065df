"""Benchmark of tradeblocs' model and many-run machinery, measured in one go on one machine.

    .venv/bin/python benchmarks/bench.py            # ten minutes or more on 2 cores (calibrate)
    .venv/bin/python benchmarks/bench.py --quick    # a smoke run of every measurement

Measures, and prints as a markdown table (also written to benchmarks/results/), each with its
min and median over repeats:

1. one baseline run (construction + the run, ``collect="none"``, after import and a warm-up),
   side by side for the code before issue 11 (commit ``BEFORE``, exported with ``git archive``)
   and the code of this tree; each side runs in its own subprocess whose ``tradeblocs`` package
   is a two-line shim whose ``__path__`` is that tree (as pyproject.toml's package-dir maps
   ``tradeblocs.sim`` to ``sim/``), and the two sides alternate so load on the machine falls on
   both; with each side's memory per run (tracemalloc peak of a run, and what the finished
   model still holds) and the list-based fit score a sweep adds per run;
2. end to end, for a small sweep (100 runs) and a large one (2000 runs), imports and worker
   start included, the same runs on both sides (the same grid
   and the same seeds, fit off since batch_run scores nothing): ``tradeblocs sweep`` on 2
   workers as a command, against a plain script that calls ``mesa.batch_run`` (its models
   need a DataCollector, so they run with ``collect="model"``; it gets the loaded scenario
   object, so it parses no YAML per run), with 1 process (its default) and with 2;
3. sweep throughput through ``analysis.runner.execute`` in this process with 1 and 2 workers;
4. a full ``tradeblocs calibrate`` with its default settings, as a command (``--quick``:
   a tiny search);
5. scaling: time per step with 19 to 400 synthetic states (clones of the 19 with their trade,
   leaders and bilateral ties; each clone trades within its own block of 19), and the exponent
   of a power-law fit of time per step against the number of states;
6. what else ran: the load average before and after, the number of cores, the busiest processes.

Targets from the issue are in the table. Nothing here is asserted: the numbers are reported.
"""

from __future__ import annotations

import argparse
import atexit
import io
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
#: the code before issue 11: the main branch's head when the issue's work began
BEFORE = "09f0669"
BASELINE = "baseline_calibrated"  # the default scenario
#: the scenario the calibration starts from
CALIBRATE_FROM = "baseline_2003_2016"
GRID = {"w_influence": [1.5, 2.5, 3.5, 4.5]}
SIZES = [19, 50, 100, 200, 400]


def make_shim(tree: Path, folder: Path) -> Path:
    """A folder to put first on the import path whose ``tradeblocs`` package is ``tree``'s
    sim/, analysis/ and scenarios/, whatever tradeblocs is installed: a package whose
    ``__path__`` is the tree maps ``tradeblocs.X`` to ``tree/X`` as pyproject.toml does."""
    pkg = folder / "tradeblocs"
    pkg.mkdir(parents=True, exist_ok=True)
    (pkg / "__init__.py").write_text(f"__path__ = [{str(tree)!r}]\n", encoding="utf-8")
    return folder


_WORK = Path(tempfile.mkdtemp(prefix="tradeblocs-bench-"))
atexit.register(shutil.rmtree, _WORK, ignore_errors=True)
#: this tree's code, for this process and every subprocess (not whatever venv install exists)
SHIM = make_shim(ROOT, _WORK / "shim-now")
sys.path.insert(0, str(SHIM))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from tradeblocs.analysis.design import Design, Point, derive_seed  # noqa: E402
from tradeblocs.analysis.runner import execute  # noqa: E402
from tradeblocs.analysis.score import model_fit  # noqa: E402
from tradeblocs.sim import TradeBlocsModel, __version__, load_scenario  # noqa: E402
from tradeblocs.sim.scenario import resolve_path  # noqa: E402
from tradeblocs.sim.tables import DATA_DIR, LAC19  # noqa: E402

# --- helpers -------------------------------------------------------------------------------


def spread(values: list[float]) -> dict[str, Any]:
    """Min and median of repeated measurements (the min is the least disturbed by other load)."""
    return {"min": min(values), "median": statistics.median(values), "n": len(values), "all": values}


def ratio(slow: dict, fast: dict) -> dict[str, float]:
    """How many times faster ``fast`` is than ``slow``, by their mins and by their medians."""
    return {"min": slow["min"] / fast["min"], "median": slow["median"] / fast["median"]}


def timed(fn: Callable[[int], object], repeat: int) -> list[float]:
    """Wall times of ``repeat`` calls of ``fn(i)``."""
    out = []
    for i in range(repeat):
        t0 = time.perf_counter()
        fn(i)
        out.append(time.perf_counter() - t0)
    return out


def subprocess_env(shim: Path) -> dict[str, str]:
    """The environment of a subprocess that imports ``tradeblocs`` from ``shim``'s tree."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "TRADEBLOCS_SCENARIOS")}
    env["PYTHONPATH"] = str(shim)
    return env


def run_command(cmd: list[str], shim: Path, cwd: Path, timeout: float = 3600) -> float:
    """Wall time of a command run to completion; a failure stops the benchmark with its stderr."""
    t0 = time.perf_counter()
    done = subprocess.run(
        cmd, cwd=cwd, env=subprocess_env(shim), capture_output=True, text=True, timeout=timeout
    )
    wall = time.perf_counter() - t0
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return wall


def machine_load() -> dict[str, Any]:
    """The load average now and the five processes using the most CPU (ps: their lifetime
    average), each with the start of its command line, to say what else was running."""
    out: dict[str, Any] = {"loadavg": [round(x, 2) for x in os.getloadavg()]}
    try:
        ps = subprocess.run(
            ["ps", "-eo", "pid,pcpu,args", "--sort=-pcpu", "--no-headers"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return out
    rows = [line.split(None, 2) for line in ps.splitlines() if len(line.split(None, 2)) == 3]
    mine = {str(os.getpid())}
    out["busiest"] = [f"{cpu}% {cmd[:70]}" for pid, cpu, cmd in rows if pid not in mine][:5]
    return out


# --- 1. one run, before and now ------------------------------------------------------------

#: what each side's subprocess runs: a warm-up, ``repeat`` timed runs, then ``traced`` runs
#: under tracemalloc (their peak, and what the finished model still holds)
ONE_RUN = r"""
import json, os, sys, time, tracemalloc
tree, scenario = sys.argv[1], sys.argv[2]
repeat, seed0, traced = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
t0 = time.perf_counter()
from tradeblocs import sim
from tradeblocs.sim import TradeBlocsModel, load_scenario
import_s = time.perf_counter() - t0
where = os.path.realpath(sim.__file__)
assert where.startswith(os.path.realpath(tree) + os.sep), (where, tree)
sc = load_scenario(scenario)
steps = TradeBlocsModel(sc, seed=0, collect="none").run().steps_done
times = []
for i in range(repeat):
    t = time.perf_counter()
    TradeBlocsModel(sc, seed=seed0 + i, collect="none").run()
    times.append(time.perf_counter() - t)
peaks, helds = [], []
for i in range(traced):
    tracemalloc.start()
    m = TradeBlocsModel(sc, seed=seed0 + i, collect="none").run()
    held, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    peaks.append(peak)
    helds.append(held)
    del m
print(json.dumps({"file": where, "import_s": import_s, "run_s": times, "peak_bytes": peaks,
                  "held_bytes": helds, "steps": steps}))
"""


def export_before(folder: Path) -> Path | None:
    """The tree of commit ``BEFORE`` (``git archive``), or None outside a git checkout."""
    try:
        tar = subprocess.run(
            ["git", "-C", str(ROOT), "archive", BEFORE], capture_output=True, check=True, timeout=120
        ).stdout
    except (OSError, subprocess.SubprocessError) as e:
        print(f"cannot export {BEFORE}: {e}; the before column is left out", file=sys.stderr)
        return None
    folder.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(tar)) as t:
        if hasattr(tarfile, "data_filter"):  # Python 3.11.4 on: refuse links out of the folder
            t.extractall(folder, filter="data")
        else:  # pragma: no cover - older 3.11; the archive is this repository's own
            t.extractall(folder)
    return folder


def one_run_side(tree: Path, shim: Path, repeat: int, seed0: int, traced: int) -> dict:
    """One subprocess of ``ONE_RUN`` on ``tree``: its run times and memory."""
    cmd = [sys.executable, "-c", ONE_RUN, str(tree), BASELINE, str(repeat), str(seed0), str(traced)]
    done = subprocess.run(
        cmd, cwd=_WORK, env=subprocess_env(shim), capture_output=True, text=True, timeout=1800
    )
    if done.returncode != 0:
        raise RuntimeError(f"one-run benchmark on {tree} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def one_run(rounds: int, repeat: int, traced: int) -> dict:
    """The baseline run before issue 11 and now, alternating sides ``rounds`` times, with
    their memory per run, and the fit score a sweep adds per run (now only: ``model_fit``)."""
    before = export_before(_WORK / "before")
    sides = {"now": (ROOT, SHIM)}
    if before is not None:
        sides["before"] = (before, make_shim(before, _WORK / "shim-before"))
    raw: dict[str, dict[str, list]] = {k: {"run_s": [], "peak_bytes": [], "held_bytes": []} for k in sides}
    steps = 0
    for r in range(rounds):
        for name in sorted(sides, reverse=r % 2 == 1):  # before, now; then now, before
            res = one_run_side(*sides[name], repeat, 1000 + r * repeat, traced)
            for k, values in raw[name].items():
                values += res[k]
            steps = res["steps"]
    out: dict[str, Any] = {"steps": steps}
    for name, values in raw.items():
        out[name] = spread(values["run_s"])
        out[f"{name}_peak"] = spread(values["peak_bytes"])
        out[f"{name}_held"] = spread(values["held_bytes"])
    if "before" in sides:
        out["speedup"] = ratio(out["before"], out["now"])
    sc = load_scenario(BASELINE)
    m = TradeBlocsModel(sc, seed=1, collect="none").run()
    model_fit(m)
    out["fit"] = spread(timed(lambda i: model_fit(m), max(5, repeat)))
    return out


# --- 2. end to end: tradeblocs sweep against mesa.batch_run --------------------------------

BATCH_RUN = '''"""The benchmark's runs the plain Mesa way: mesa.batch_run over the grid and the seeds."""
import json
import sys

import mesa
from tradeblocs.sim import TradeBlocsModel, load_scenario

if __name__ == "__main__":
    scenario, values, seeds, steps, processes = sys.argv[1:6]
    sc = load_scenario(scenario)
    grid, seeds = json.loads(values), json.loads(seeds)
    rows = mesa.batch_run(
        TradeBlocsModel,
        parameters={"scenario": [sc], "collect": "model", "w_influence": grid, "seed": seeds},
        iterations=1,
        max_steps=int(steps),
        number_processes=int(processes),
        data_collection_period=-1,
        display_progress=False,
    )
    assert len(rows) == len(grid) * len(seeds), len(rows)
'''


def end_to_end(replicates: int, tries: int) -> dict:
    """Wall time, imports and worker start included, of ``tradeblocs sweep`` on 2 workers and
    of a ``mesa.batch_run`` script (1 and 2 processes) doing the same runs; alternated."""
    sc = load_scenario(BASELINE)
    seeds = [derive_seed(sc.seed, k) for k in range(replicates)]
    values = GRID["w_influence"]
    script = _WORK / "batch_run_grid.py"
    script.write_text(BATCH_RUN, encoding="utf-8")
    batch = [
        sys.executable,
        str(script),
        BASELINE,
        json.dumps(values),
        json.dumps(seeds),
        str(sc.calendar().n_steps),
    ]
    walls: dict[str, list[float]] = {"sweep": [], "batch_run_1": [], "batch_run_2": []}
    for t in range(tries):
        out = _WORK / f"sweep-{t}"
        sweep = [
            sys.executable,
            "-m",
            "tradeblocs.analysis.cli",
            "sweep",
            BASELINE,
            "--grid",
            f"w_influence={','.join(map(str, values))}",
            "--replicates",
            str(replicates),
            "--workers",
            "2",
            "--no-fit",
            "-q",
            "--out",
            str(out),
        ]
        walls["sweep"].append(run_command(sweep, SHIM, _WORK))
        rows = pd.read_parquet(out / "results.parquet", columns=["seed", "w_influence", "status"])
        assert sorted(zip(rows.w_influence, rows.seed, strict=True)) == sorted(
            (v, s) for v in values for s in seeds
        ), "the sweep did other runs than batch_run"
        assert (rows.status == "ok").all()
        shutil.rmtree(out)
        walls["batch_run_1"].append(run_command([*batch, "1"], SHIM, _WORK))
        walls["batch_run_2"].append(run_command([*batch, "2"], SHIM, _WORK))
    res: dict[str, Any] = {k: spread(v) for k, v in walls.items()}
    res["runs"] = len(values) * replicates
    res["vs_batch_run_1"] = ratio(res["batch_run_1"], res["sweep"])
    res["vs_batch_run_2"] = ratio(res["batch_run_2"], res["sweep"])
    return res


# --- 3. throughput through execute ---------------------------------------------------------


def sweep_throughput(workers: int, replicates: int) -> dict:
    """Runs per second of the grid through ``analysis.runner.execute`` (fit off), in this
    process: pool start, runs, result rows, Parquet parts and their merge."""
    path = str(resolve_path(BASELINE))
    seed = load_scenario(path).seed
    points = [Point(f"p{i}", path, {"w_influence": v}) for i, v in enumerate(GRID["w_influence"])]
    design = Design("bench", points, replicates, seed, fit=False)
    threads = threading.active_count()
    with tempfile.TemporaryDirectory(dir=_WORK) as tmp:
        t0 = time.perf_counter()
        res = execute(design, Path(tmp) / "sweep", workers=workers, progress=False)
        wall = time.perf_counter() - t0
    n = len(res.results)
    assert n == len(points) * replicates and (res.results["status"] == "ok").all()
    start = "in-process" if workers == 1 else ("fork" if threads == 1 else "forkserver")
    return {"workers": workers, "runs": n, "wall_s": wall, "runs_per_s": n / wall, "start": start}


def throughput(replicates: int, tries: int) -> dict:
    """Wall time of the grid with 1 and 2 workers, alternated, and the speed-up of 2 over 1."""
    walls: dict[int, list[dict]] = {1: [], 2: []}
    for _ in range(tries):
        for w in (2, 1):
            walls[w].append(sweep_throughput(w, replicates))
    out: dict[str, Any] = {}
    for w, rs in walls.items():
        out[f"w{w}"] = {**spread([x["wall_s"] for x in rs]), "runs": rs[0]["runs"], "start": rs[0]["start"]}
    out["speedup"] = ratio(out["w1"], out["w2"])
    return out


# --- 4. calibrate --------------------------------------------------------------------------


def calibrate(quick: bool) -> dict:
    """Wall time of ``tradeblocs calibrate`` as a command, with its default settings (a tiny
    search with ``quick``), writing into a temporary folder."""
    folder = _WORK / "calibration"
    small = ["--seeds", "2", "--maxiter", "1", "--popsize", "1", "--skip-holdout"] if quick else []
    cmd = [
        sys.executable,
        "-m",
        "tradeblocs.analysis.cli",
        "calibrate",
        CALIBRATE_FROM,
        *small,
        "--report-dir",
        str(folder),
        "--out",
        str(folder / "calibrated.yaml"),
    ]
    wall = run_command(cmd, SHIM, _WORK, timeout=6 * 3600)
    assert (folder / "calibrated.yaml").exists() and (folder / "REPORT.md").exists()
    return {"wall_s": wall, "settings": " ".join(small) or "defaults", "cores": os.cpu_count()}


# --- 5. scaling with synthetic hemispheres -------------------------------------------------


def synthetic_scenario(n: int, folder: Path) -> Path:
    """A scenario with ``n`` states: state k clones LAC19[k % 19] (its attributes, trade,
    leaders) under code ``Zxx``, in block k // 19; clones trade with their own block as the
    originals trade with each other. Institutions' scopes, sponsors, veto states and starting
    statuses are mapped onto the clones."""
    import yaml

    folder.mkdir(parents=True, exist_ok=True)
    codes = [f"Z{np.base_repr(k, 36).rjust(2, '0')}" for k in range(n)]
    orig = {c: LAC19[k % 19] for k, c in enumerate(codes)}
    clones: dict[str, list[str]] = {}
    for c in codes:
        clones.setdefault(orig[c], []).append(c)
    first = {o: cs[0] for o, cs in clones.items()}

    def cloned(df: pd.DataFrame, col: str = "country") -> pd.DataFrame:
        """The rows of every original, once per clone, under the clone's code."""
        parts = [df[df[col] == orig[c]].assign(**{col: c}) for c in codes]
        return pd.concat(parts, ignore_index=True)

    states = pd.read_csv(DATA_DIR / "states.csv")
    pd.concat([cloned(states, "iso3"), states[states.iso3 == "USA"]]).to_csv(
        folder / "states.csv", index=False
    )
    cloned(pd.read_csv(DATA_DIR / "trade.csv")).to_csv(folder / "trade.csv", index=False)
    cloned(pd.read_csv(DATA_DIR / "leaders.csv")).to_csv(folder / "leaders.csv", index=False)
    bil = pd.read_csv(DATA_DIR / "bilateral.csv")
    block = {c: k // 19 for k, c in enumerate(codes)}
    rows = []
    for c in codes:
        mates = {orig[p]: p for p in codes if block[p] == block[c]}
        sub = bil[(bil.country == orig[c]) & bil.partner.isin(list(mates))]
        rows.append(sub.assign(country=c, partner=sub.partner.map(mates)))
    pd.concat(rows, ignore_index=True).to_csv(folder / "bilateral.csv", index=False)

    raw = load_scenario(BASELINE).model_dump(mode="json", exclude_none=True)
    raw["name"] = f"synthetic_{n}"
    raw["states"] = codes
    raw["data"] = {t: str(folder / f"{t}.csv") for t in ("trade", "leaders", "states", "bilateral")}
    for inst in raw["institutions"].values():
        if inst.get("scope", "all") != "all":
            inst["scope"] = [c for o in inst["scope"] for c in clones.get(o, [])]
        inst["veto_states"] = [first[o] for o in inst.get("veto_states", []) if o in first]
        if inst.get("sponsor"):
            inst["sponsor"] = first.get(inst["sponsor"])
    raw["initial"] = [{**s, "country": c} for s in raw["initial"] for c in clones.get(s["country"], [])]
    path = folder / f"synthetic_{n}.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    load_scenario(path)  # validates
    return path


def scaling(sizes: list[int], repeat: int) -> dict:
    """Time per step at each size (min and median) and the fitted exponent of the median
    time per step ~ size^k."""
    per_step = {}
    for n in sizes:
        sc = load_scenario(synthetic_scenario(n, _WORK / f"synthetic-{n}"))
        TradeBlocsModel(sc, seed=0, collect="none").run()  # warm-up: tables, caches
        times = []
        for i in range(repeat):
            m = TradeBlocsModel(sc, seed=i, collect="none")
            t0 = time.perf_counter()
            m.run()
            times.append((time.perf_counter() - t0) / m.steps_done)
        per_step[n] = spread(times)
    k, _ = np.polyfit(np.log(sizes), np.log([per_step[n]["median"] for n in sizes]), 1)
    return {"per_step_s": per_step, "exponent": float(k)}


# --- report --------------------------------------------------------------------------------


def _row(what: str, s: dict, unit: float, fmt: str, target: str = "-") -> str:
    """A table row of a measurement's min and median in ``unit`` (1000 for ms)."""
    return f"| {what} | {s['min'] * unit:{fmt}} | {s['median'] * unit:{fmt}} | {target} |"


def _ratio_row(what: str, r: dict, target: str = "-") -> str:
    """A table row of a speed-up by mins and by medians."""
    return f"| {what} | {r['min']:.2f}x | {r['median']:.2f}x | {target} |"


def markdown(r: dict) -> str:
    """The results as a markdown table, with the machine and its load above it."""
    mb = 1 / 2**20
    lb, la = r["load_before"], r["load_after"]
    lines = [
        f"tradeblocs {r['version']} ({r['tree']}), Python {r['python']}, {r['machine']}, {r['date']}",
        "",
        f"Machine: {r['nproc']} cores (nproc), {r['usable']} usable; load average (1, 5, 15 min) "
        f"{lb['loadavg']} before, {la['loadavg']} after.",
    ]
    if lb.get("busiest"):
        lines.append("Busiest processes at the start (ps, lifetime %CPU): " + "; ".join(lb["busiest"]))
    if la.get("busiest"):
        lines.append("Busiest processes at the end: " + "; ".join(la["busiest"]))
    lines += ["", "| measurement | min | median | target |", "|---|---|---|---|"]
    one = r["one_run"]
    sides = [("before", f"before ({BEFORE})"), ("now", "now")] if "before" in one else [("now", "now")]
    for name, label in sides:
        lines.append(
            _row(
                f'one baseline run ({one["steps"]} steps, `collect="none"`), {label}, '
                f"n={one[name]['n']} [ms]",
                one[name],
                1000,
                ".1f",
            )
        )
    if "before" in one:
        lines.append(_ratio_row("speed-up of one run, now vs before", one["speedup"]))
    for name, label in sides:
        lines.append(_row(f"memory per run, tracemalloc peak, {label} [MB]", one[f"{name}_peak"], mb, ".2f"))
    for name, label in sides:
        lines.append(_row(f"memory held by a finished model, {label} [MB]", one[f"{name}_held"], mb, ".2f"))
    lines.append(
        _row(
            "fit score a sweep adds per run (`score.model_fit`, from the model's lists) [ms]",
            one["fit"],
            1000,
            ".2f",
        )
    )
    for key in ("end_to_end", "end_to_end_large"):
        e = r.get(key)
        if not e:
            continue
        lines += [
            _row(
                f"`tradeblocs sweep`, 2 workers, {e['runs']} runs, `--no-fit`, as a command [s]",
                e["sweep"],
                1,
                ".2f",
            ),
            _row(
                f"`mesa.batch_run` script, 1 process (its default), the same {e['runs']} runs [s]",
                e["batch_run_1"],
                1,
                ".2f",
            ),
            _row(
                f"`mesa.batch_run` script, 2 processes, the same {e['runs']} runs [s]",
                e["batch_run_2"],
                1,
                ".2f",
            ),
            _ratio_row(
                f"sweep (2 workers) vs batch_run (1 process), end to end, {e['runs']} runs",
                e["vs_batch_run_1"],
                ">= 3x",
            ),
            _ratio_row(
                f"sweep (2 workers) vs batch_run (2 processes), end to end, {e['runs']} runs",
                e["vs_batch_run_2"],
            ),
        ]
    t = r["throughput"]
    for w in ("w1", "w2"):
        s = t[w]
        lines.append(
            f"| `execute` in this process, {w[1]} worker(s) ({s['start']}), {s['runs']} runs "
            f"[runs/s, by min and median wall time] | {s['runs'] / s['min']:.2f} "
            f"| {s['runs'] / s['median']:.2f} | - |"
        )
    lines.append(_ratio_row("throughput, 2 workers vs 1", t["speedup"], ">= 1.7x"))
    c = r["calibrate"]
    lines.append(
        f"| `tradeblocs calibrate {CALIBRATE_FROM}` ({c['settings']}), {c['cores']} cores, once "
        f"[min] | {c['wall_s'] / 60:.2f} | {c['wall_s'] / 60:.2f} | < 5 min (defaults) |"
    )
    sc = r["scaling"]
    for size, s in sc["per_step_s"].items():
        lines.append(_row(f"time per step, {size} states, n={s['n']} [ms]", s, 1000, ".2f"))
    lines.append(
        f"| scaling exponent (median time per step ~ states^k) | | k = {sc['exponent']:.2f} | <= 1.1 |"
    )
    lines += ["", "A ratio's min column divides the two mins, its median column the two medians."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run every measurement, print the table and write it with the raw numbers as JSON."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="few repetitions and a tiny calibration")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = ap.parse_args(argv)
    if args.quick:
        rounds, reps, traced, replicates, tries, scale_reps = 1, 3, 1, 2, 1, 1
        large_replicates, large_tries = 10, 1
    else:
        rounds, reps, traced, replicates, tries, scale_reps = 3, 15, 2, 25, 3, 3
        large_replicates, large_tries = 500, 2  # 2000 runs: the thousands of counterfactuals
    t0 = time.perf_counter()
    r: dict[str, Any] = {
        "version": __version__,
        "tree": str(ROOT),
        "python": platform.python_version(),
        "nproc": os.cpu_count(),
        "usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "machine": platform.machine(),
        "date": datetime.now().isoformat(timespec="minutes"),
        "quick": args.quick,
        "load_before": machine_load(),
    }
    steps: list[tuple[str, str, Callable[[], dict]]] = [
        ("one_run", "one run, before and now", lambda: one_run(rounds, reps, traced)),
        ("end_to_end", "sweep vs batch_run, end to end", lambda: end_to_end(replicates, tries)),
        (
            "end_to_end_large",
            "sweep vs batch_run, end to end, a large sweep",
            lambda: end_to_end(large_replicates, large_tries),
        ),
        ("throughput", "execute, 1 and 2 workers", lambda: throughput(replicates, tries)),
        ("scaling", "scaling", lambda: scaling(SIZES, scale_reps)),
        ("calibrate", "calibrate", lambda: calibrate(args.quick)),
    ]
    for key, what, fn in steps:
        print(f"{what} ...", file=sys.stderr)
        r[key] = fn()
    r["load_after"] = machine_load()
    r["bench_wall_s"] = time.perf_counter() - t0
    table = markdown(r)
    print(table)
    args.out.mkdir(parents=True, exist_ok=True)
    stem = args.out / f"bench-{datetime.now():%Y%m%d-%H%M%S}{'-quick' if args.quick else ''}"
    stem.with_suffix(".md").write_text(table + "\n", encoding="utf-8")
    stem.with_suffix(".json").write_text(json.dumps(r, indent=2, default=str), encoding="utf-8")
    print(f"\nwritten: {stem}.md, {stem}.json ({r['bench_wall_s']:.0f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
