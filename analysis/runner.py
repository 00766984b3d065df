"""Running many models: the engine behind ``tradeblocs sweep``, ``compare`` and ``sensitivity``.

One *run* is a (scenario, overrides, seed) triple; it becomes one result row (identity, headline
outcomes, fit score) plus its membership spells. Runs are grouped into *points* (one scenario
with one set of overrides) times *replicates*; replicate ``k`` of every point gets the same
seed, derived from the base scenario's seed and ``k`` alone (common random numbers), so a
difference between two points is the change, not the noise, and no result depends on which
worker ran it or in what order.

Results go to a folder, one small Parquet part per finished chunk of runs, written atomically
(temporary file, fsync, rename), so a killed process loses only the runs in flight, and a
``--resume`` runs exactly the (point, replicate) keys not yet on disk. At the end the parts are
merged into ``results.parquet`` and ``spells.parquet``.

Chunks go to one of three executors with the same interface: in this process (one worker), a
local process pool, or a Dask distributed cluster (``--scheduler tcp://HOST:PORT``).
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import shlex
import sys
import threading
import time
import traceback
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd
from tqdm import tqdm
from tradeblocs import sim
from tradeblocs.sim import TradeBlocsModel
from tradeblocs.sim.output import outcomes as sim_outcomes
from tradeblocs.sim.output import us_ftas_by_year  # noqa: F401 (tests call runner.us_ftas_by_year)
from tradeblocs.sim.scenario import (
    Scenario,
    ScenarioError,
    apply_override,
    deep_merge,
    load_scenario,
    normalize_overrides,
    resolve_path,
    validate,
)

KEY = ["point", "replicate"]
#: Tables written next to the result rows, one row per spell / per step of a run.
AUX_TABLES = ("spells", "timeseries")
MANIFEST = "design.json"
#: Result columns a sweep sets itself, so no override may take their names.
RESERVED = frozenset(
    {
        "point",
        "replicate",
        "seed",
        "scenario",
        "scenario_hash",
        "version",
        "overrides",
        "replay",
        "status",
        "error",
        "elapsed_s",
        "steps",
        "end_date",
        "n_events",
        "n_chosen",
    }
)
#: Top-level scenario keys (``elections``, ``seed``...): an override of one of these bare names
#: sets the key itself, where any other bare name means ``parameters.NAME``.

#: Headline outcomes compared and analysed by default (``members_X`` is bloc X's size at the end).
DEFAULT_OUTCOMES = (
    "us_ftas_in_force",
    "us_alignment_index",
    "members_ALBA",
    "members_MERCOSUR",
    "members_PACIFIC_ALLIANCE",
    "fit_f1",
)
OUTCOME_LABELS = {
    "us_ftas_in_force": "US FTAs in force at the end",
    "us_alignment_index": "US-alignment index (GDP-weighted)",
    "fit_f1": "fit to history (F1)",
    "fit_f1_2016": "fit to history at the end of 2016 (F1)",
}


class SweepError(ScenarioError):
    """An experiment cannot start or resume as asked; the message says why and what to do.

    A kind of ScenarioError, so the command line reports it as a usage error (exit code 2)."""


# ---------------------------------------------------------------------------------------------
# seeds and points


def derive_seed(base_seed: int, replicate: int) -> int:
    """Seed of replicate ``replicate``: a function of the scenario seed and the index only.

    Uses numpy's SeedSequence so neighbouring indices give unrelated streams; the result is a
    32-bit integer that ``tradeblocs run --seed`` accepts.
    """
    return int(np.random.SeedSequence([base_seed % 2**63, replicate]).generate_state(1)[0])


def _raw_overrides(overrides: dict[str, Any]) -> dict:
    """Overrides as a nested mapping (what a scenario file would say)."""
    raw: dict = {}
    for key, value in normalize_overrides(overrides).items():
        apply_override(raw, key, value)
    return raw


def resolve_point(base: Scenario, overrides: dict[str, Any], origin: str = "") -> Scenario:
    """The scenario ``base`` with ``overrides`` applied and validated (a ScenarioError names the
    override and the problem)."""
    if not overrides:
        return base
    raw = deep_merge(base.model_dump(mode="json", exclude_none=True), _raw_overrides(overrides))
    where = origin or base.name
    shown = ", ".join(f"{k}={v!r}" for k, v in overrides.items())
    return validate(raw, f"{where} with {shown}")


@dataclass(frozen=True)
class Point:
    """One scenario with one set of overrides; ``replay_file`` is a YAML that loads as it."""

    id: str
    scenario_file: str
    overrides: dict[str, Any] = field(default_factory=dict)
    replay_file: str = ""

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "scenario_file": self.scenario_file,
            "overrides": self.overrides,
            "replay_file": self.replay_file,
        }


@dataclass(frozen=True)
class RunSpec:
    """Everything a worker needs for one run (picklable, small)."""

    point: str
    replicate: int
    seed: int
    overrides: dict[str, Any]
    replay_file: str
    steps: int | None = None
    fit: bool = True
    timeseries: bool = False


@dataclass(frozen=True)
class Chunk:
    """Runs sent to a worker together; they share a base scenario, shipped with them so
    workers need no access to the scenario files."""

    base: Scenario
    base_hash: str
    specs: tuple[RunSpec, ...]


@dataclass
class RunResult:
    row: dict[str, Any]
    tables: dict[str, list[dict]]


# ---------------------------------------------------------------------------------------------
# one run


_RESOLVED: dict[tuple[str, str], tuple[Scenario, str]] = {}


def _resolved(base: Scenario, base_hash: str, overrides: dict[str, Any]) -> tuple[Scenario, str]:
    """The point's scenario and content hash, cached per process (a point has many replicates)."""
    key = (base_hash, json.dumps(overrides, sort_keys=True, default=str))
    if key not in _RESOLVED:
        if len(_RESOLVED) > 512:
            _RESOLVED.clear()
        sc = resolve_point(base, overrides)
        _RESOLVED[key] = (sc, sc.content_hash() if overrides else base_hash)
    return _RESOLVED[key]


def covers_history(model: TradeBlocsModel) -> bool:
    """Whether the fit score applies: the run went through 2003-2016 in full."""
    cal = model.calendar
    return cal.start <= 2003.0 and model.steps_done == cal.n_steps and cal.time(cal.n_steps - 1) >= 2016.0


def outcomes(model: TradeBlocsModel, fit: bool = True) -> dict[str, Any]:
    """Headline outcomes of a finished run: US FTAs in force (at the end and by year), bloc
    sizes, the US-alignment index, the number of events, and the fit to history where it
    applies and ``analysis.score`` is available."""

    out: dict[str, Any] = sim_outcomes(model)
    if fit and covers_history(model):
        try:
            from tradeblocs.analysis.score import lcd_forums, quick_fit
        except ImportError:
            return out
        scores = quick_fit(model.spells, model.events, lcd=lcd_forums(model.scenario.institutions))
        for k, v in scores.items():
            if isinstance(v, int | float | np.number) and not isinstance(v, bool):
                out[f"fit_{k}"] = float(v)
    return out


def run_one(base: Scenario, base_hash: str, spec: RunSpec) -> RunResult:
    """Run one model; never raises for a model error: the row says ``failed`` with the
    traceback instead, so a sweep goes on."""
    t0 = time.perf_counter()
    row: dict[str, Any] = {
        "point": spec.point,
        "replicate": spec.replicate,
        "seed": spec.seed,
        "scenario": base.name,
        "scenario_hash": "",
        "version": sim.__version__,
        "overrides": json.dumps(spec.overrides, sort_keys=True, default=str),
        **spec.overrides,
        "replay": replay_command(spec),
        "status": "",
    }
    tables: dict[str, list[dict]] = {}
    try:
        sc, h = _resolved(base, base_hash, spec.overrides)
        row["scenario"], row["scenario_hash"] = sc.name, h
        model = TradeBlocsModel(sc, seed=spec.seed, collect="model" if spec.timeseries else "none")
        model.run(spec.steps)
        row.update(outcomes(model, spec.fit))
        ident = {"point": spec.point, "replicate": spec.replicate}
        tables["spells"] = [{**ident, **s} for s in model.spells]
        if spec.timeseries:
            ts = model.datacollector.get_model_vars_dataframe().reset_index(names="step")
            tables["timeseries"] = [{**ident, **r} for r in ts.to_dict("records")]
        row["status"], row["error"] = "ok", ""
    except Exception:  # any model error is recorded, not fatal to the sweep
        row["status"], row["error"] = "failed", traceback.format_exc()
        tables = {}
    row["elapsed_s"] = round(time.perf_counter() - t0, 4)
    return RunResult(row, tables)


def run_chunk(chunk: Chunk) -> list[RunResult]:
    """Worker entry point: the chunk's runs, in order."""
    return [run_one(chunk.base, chunk.base_hash, spec) for spec in chunk.specs]


def replay_command(spec: RunSpec) -> str:
    """The ``tradeblocs run`` command that repeats this run exactly."""
    cmd = f"tradeblocs run {shlex.quote(spec.replay_file)} --seed {spec.seed}"
    return cmd + (f" --steps {spec.steps}" if spec.steps is not None else "")


# ---------------------------------------------------------------------------------------------
# executors


class Executor(Protocol):
    """Runs chunks and yields ``(index, results)`` as each finishes, or ``(index, exception)``
    when the infrastructure (not the model) failed for that chunk."""

    workers: int

    def run(self, chunks: list[Chunk]) -> Iterator[tuple[int, list[RunResult] | BaseException]]: ...

    def close(self, cancel: bool = False) -> None: ...


class SerialExecutor:
    """Runs in this process: one worker, easiest to debug (``--workers 1``)."""

    workers = 1

    def run(self, chunks: list[Chunk]) -> Iterator[tuple[int, list[RunResult] | BaseException]]:
        for i, chunk in enumerate(chunks):
            yield i, run_chunk(chunk)

    def close(self, cancel: bool = False) -> None:
        pass


def _mp_context() -> multiprocessing.context.BaseContext:
    """How worker processes start. Forking is cheapest (workers begin with everything
    imported) and safe while this process has a single thread; once it has more (a Dask client,
    a progress-bar monitor), a fork could copy a lock some thread holds, so workers come from a
    fork server that has imported the model instead. Mesa sets the global start method to spawn
    on import, so the choice is made explicitly here; spawn where fork does not exist."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and sys.platform == "linux" and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["tradeblocs.analysis.runner"])
        return ctx
    return multiprocessing.get_context("spawn")


class ProcessExecutor:
    """A local pool of worker processes (the default: one per core). Workers ignore Ctrl-C and
    die with this process (``analysis.procs.worker_init``); a cancelled run terminates them
    rather than waiting for the work in hand."""

    def __init__(self, workers: int) -> None:
        from .procs import worker_init

        self.workers = workers
        self.pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=_mp_context(), initializer=worker_init, initargs=(os.getpid(),)
        )

    def run(self, chunks: list[Chunk]) -> Iterator[tuple[int, list[RunResult] | BaseException]]:
        from .procs import signals_blocked

        with signals_blocked():  # workers start here; they set their own handlers first
            futures = {self.pool.submit(run_chunk, c): i for i, c in enumerate(chunks)}
        for fut in as_completed(futures):
            exc = fut.exception()
            yield futures[fut], (exc if exc is not None else fut.result())

    def close(self, cancel: bool = False) -> None:
        if cancel:
            from .procs import terminate_pool

            terminate_pool(self.pool)
        else:
            self.pool.shutdown(wait=True)


class DaskExecutor:
    """A Dask distributed cluster: the same chunks, sent to ``address`` (tcp://HOST:PORT).

    The workers need this package installed (same version); scenario files need not be
    shared, since each chunk carries its resolved base scenario (data tables a scenario names
    under ``data:`` must exist on the workers at the same paths).
    """

    def __init__(self, address: str) -> None:
        from distributed import Client

        try:
            self.client = Client(address, timeout="20s")
        except OSError as e:
            raise SweepError(f"cannot reach the Dask scheduler at {address}: {e}") from None
        self.workers = max(1, sum(self.client.nthreads().values()))
        self._futures: list = []

    def run(self, chunks: list[Chunk]) -> Iterator[tuple[int, list[RunResult] | BaseException]]:
        from distributed import as_completed as dask_completed

        self._futures = self.client.map(run_chunk, chunks, pure=False)
        index = {f.key: i for i, f in enumerate(self._futures)}
        for fut in dask_completed(self._futures):
            try:
                res: list[RunResult] | BaseException = fut.result()
            except Exception as e:  # e.g. KilledWorker: reported, and resumable
                res = e
            yield index[fut.key], res
            fut.release()

    def close(self, cancel: bool = False) -> None:
        import contextlib

        with contextlib.suppress(Exception):
            if cancel and self._futures:
                self.client.cancel(self._futures, asynchronous=False)
            self.client.close(timeout=1 if cancel else 10)


def default_workers() -> int:
    """All cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def make_executor(workers: int | None, scheduler: str | None, n_chunks: int) -> Executor:
    if scheduler:
        return DaskExecutor(scheduler)
    w = min(workers or default_workers(), max(n_chunks, 1))
    return SerialExecutor() if w <= 1 else ProcessExecutor(w)


# ---------------------------------------------------------------------------------------------
# the results folder


def _atomic_parquet(data: pd.DataFrame | list[dict], path: Path) -> None:
    """Write a frame, or rows as dicts, so that ``path`` either does not exist or is complete.

    Rows go straight to Arrow (a third of the time of a pandas round trip, which matters
    because the process writing parts shares the cores with the workers); their columns are
    the union of the rows' keys in order of appearance, so a failed run first loses nothing."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    tmp = path.with_name(f".{path.name}.tmp")
    if isinstance(data, pd.DataFrame):
        data.to_parquet(tmp, index=False)
    else:
        keys = list(dict.fromkeys(k for row in data for k in row))
        pq.write_table(pa.table({k: [row.get(k) for row in data] for k in keys}), tmp)
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)


class ResultStore:
    """A sweep's folder: ``design.json``, ``parts/`` while running, then ``results.parquet``
    (one row per run) and ``spells.parquet`` (and ``timeseries.parquet`` if asked).

    A chunk's auxiliary tables are written before its result rows, and a chunk counts as done
    only once its ``runs-N.parquet`` exists; spells without their runs file are leftovers of a
    killed process and are removed.
    """

    def __init__(self, out: Path) -> None:
        self.out = out
        self.parts = out / "parts"
        self.parts.mkdir(parents=True, exist_ok=True)
        for tmp in self.parts.glob(".*.tmp"):
            tmp.unlink()
        runs = {self._seq(p) for p in self.parts.glob("runs-*.parquet")}
        for table in AUX_TABLES:
            for p in self.parts.glob(f"{table}-*.parquet"):
                if self._seq(p) not in runs:
                    p.unlink()
        self._next = max(runs, default=-1) + 1

    @staticmethod
    def _seq(path: Path) -> int:
        return int(path.stem.rsplit("-", 1)[1])

    def _files(self, table: str) -> list[tuple[int, Path]]:
        files = sorted((self._seq(p), p) for p in self.parts.glob(f"{table}-*.parquet"))
        whole = self.out / f"{'results' if table == 'runs' else table}.parquet"
        return ([(-1, whole)] if whole.exists() else []) + files

    def done(self, retry_failed: bool = False) -> set[tuple[str, int]]:
        """Keys of runs on disk (failed ones too, unless they are to be retried)."""
        keys: set[tuple[str, int]] = set()
        for _, p in self._files("runs"):
            df = pd.read_parquet(p, columns=[*KEY, "status"])
            if retry_failed:
                df = df[df["status"] == "ok"]
            keys.update(zip(df["point"], df["replicate"].astype(int), strict=True))
        return keys

    def write(self, results: list[RunResult]) -> None:
        seq = self._next
        self._next += 1
        for table in AUX_TABLES:
            rows = [r for res in results for r in res.tables.get(table, ())]
            if rows:
                _atomic_parquet(rows, self.parts / f"{table}-{seq:06d}.parquet")
        _atomic_parquet([r.row for r in results], self.parts / f"runs-{seq:06d}.parquet")

    def _read(self, table: str) -> pd.DataFrame:
        frames = []
        for seq, p in self._files(table):
            df = pd.read_parquet(p)
            df["_part"] = seq
            frames.append(df)
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def consolidate(self, order: list[str]) -> pd.DataFrame:
        """Merge the parts into the final files (latest row per key wins) and return the rows."""
        runs = self._read("runs")
        if runs.empty:
            return runs
        runs = runs.drop_duplicates(KEY, keep="last")
        rank = {p: i for i, p in enumerate(order)}
        runs = runs.assign(_o=runs["point"].map(rank)).sort_values(["_o", "replicate"])
        kept = set(zip(runs["point"], runs["replicate"], runs["_part"], strict=True))
        for table in AUX_TABLES:
            aux = self._read(table)
            if aux.empty:
                continue
            mask = [k in kept for k in zip(aux["point"], aux["replicate"], aux["_part"], strict=True)]
            aux = aux[mask].assign(_o=lambda d: d["point"].map(rank))
            aux = aux.sort_values(["_o", "replicate"], kind="stable").drop(columns=["_o", "_part"])
            _atomic_parquet(aux.reset_index(drop=True), self.out / f"{table}.parquet")
        runs = runs.drop(columns=["_o", "_part"]).reset_index(drop=True)
        _atomic_parquet(runs, self.out / "results.parquet")
        for p in self.parts.glob("*.parquet"):
            p.unlink()
        return runs


def load_results(out: Path) -> pd.DataFrame:
    """All result rows in a sweep folder, finished or not (latest row per key)."""
    runs = ResultStore(out)._read("runs")
    return runs if runs.empty else runs.drop_duplicates(KEY, keep="last").drop(columns="_part")


# ---------------------------------------------------------------------------------------------
# a design and its execution


@dataclass
class Design:
    """What to run: points times replicates, seeded from ``base_seed``."""

    kind: str
    points: list[Point]
    replicates: int
    base_seed: int
    steps: int | None = None
    fit: bool = True
    timeseries: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def manifest(self, hashes: dict[str, str]) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "version": sim.__version__,
            "created": datetime.now().isoformat(timespec="seconds"),
            "command": " ".join(shlex.quote(a) for a in sys.argv),
            "base_seed": self.base_seed,
            "replicates": self.replicates,
            "steps": self.steps,
            "fit": self.fit,
            "timeseries": self.timeseries,
            "scenario_hashes": hashes,
            "points": [p.as_json() for p in self.points],
            "extra": self.extra,
        }


#: manifest keys that must match for a resume to add to the same experiment
_MUST_MATCH = (
    "kind",
    "base_seed",
    "steps",
    "fit",
    "timeseries",
    "scenario_hashes",
    "points",
    "extra",
)


@dataclass
class Outcome:
    """How an execution went."""

    out: Path
    total: int
    already: int
    ok: int = 0
    failed: int = 0
    lost: int = 0
    lost_reason: str = ""
    interrupted: bool = False
    results: pd.DataFrame | None = None

    @property
    def complete(self) -> bool:
        return not self.interrupted and self.lost == 0


def _bases(points: list[Point]) -> dict[str, tuple[Scenario, str]]:
    """Each distinct scenario file, loaded once, with its content hash."""
    out: dict[str, tuple[Scenario, str]] = {}
    for p in points:
        if p.scenario_file not in out:
            sc = load_scenario(p.scenario_file)
            out[p.scenario_file] = (sc, sc.content_hash())
    return out


def _comparable(manifest: dict, key: str) -> Any:
    """A manifest entry as JSON would give it back, without where replay files live."""
    value = json.loads(json.dumps(manifest.get(key), default=str))
    if key == "points" and value:
        value = [{k: v for k, v in p.items() if k != "replay_file"} for p in value]
    return value


def _check_manifest(out: Path, new: dict, resume: bool) -> None:
    path = out / MANIFEST
    if not resume:
        ran = (out / "results.parquet").exists() or any((out / "parts").glob("runs-*.parquet"))
        if ran:
            raise SweepError(
                f"{out} already holds results: add --resume to finish or extend them, or choose another --out"
            )
        return
    if not path.exists():
        raise SweepError(f"--resume: {out} has no {MANIFEST}; nothing to resume there")
    old = json.loads(path.read_text(encoding="utf-8"))
    for key in _MUST_MATCH:
        if _comparable(old, key) != _comparable(new, key):
            what = "the scenario files changed since" if key == "scenario_hashes" else f"{key} differs from"
            raise SweepError(
                f"--resume: {what} the experiment in {out} (see {path}); "
                "rerun with the same arguments, or start a new --out"
            )
    if old.get("version") != new["version"]:
        print(
            f"warning: {out} was started with tradeblocs {old.get('version')}, this is {new['version']}",
            file=sys.stderr,
        )


def _chunks(specs: list[tuple[str, RunSpec]], bases: dict, size: int) -> list[Chunk]:
    """Consecutive runs of the same base scenario, ``size`` at a time."""
    out: list[Chunk] = []
    i = 0
    while i < len(specs):
        f = specs[i][0]
        j = i
        while j < len(specs) and j - i < size and specs[j][0] == f:
            j += 1
        base, h = bases[f]
        out.append(Chunk(base, h, tuple(s for _, s in specs[i:j])))
        i = j
    return out


def auto_chunk_size(n_runs: int, workers: int) -> int:
    """Small enough to spread the work and keep the progress bar moving (about four chunks per
    worker, at most 16 runs), large enough to keep per-chunk overhead and part files few."""
    return max(1, min(16, n_runs // max(1, workers * 4)))


def execute(
    design: Design,
    out: Path,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    retry_failed: bool = False,
    chunk_size: int | None = None,
    progress: bool = True,
) -> Outcome:
    """Run the design's missing (point, replicate) keys and merge everything into ``out``.

    Returns as soon as the runs are done, the user interrupts (Ctrl-C) or a worker process
    dies; what finished is on disk in every case, and ``resume=True`` picks up from there.
    Sets each point's ``replay_file`` (``design.points`` is replaced).
    """
    bases = _bases(design.points)
    hashes = {f: h for f, (_, h) in bases.items()}
    for p in design.points:  # every point must load before anything runs
        clash = RESERVED & set(p.overrides)
        if clash:
            raise SweepError(
                f"cannot vary {', '.join(sorted(clash))}: a result column of that "
                "name is set by the sweep itself (seeds come from --replicates)"
            )
        resolve_point(bases[p.scenario_file][0], p.overrides, p.scenario_file)
    design.points = [replace(p, replay_file=replay_path(p, out)) for p in design.points]
    manifest = design.manifest(hashes)
    _check_manifest(out, manifest, resume)
    # reach the cluster before anything is written, so a wrong --scheduler leaves no folder
    n_runs = len(design.points) * design.replicates
    executor = make_executor(workers, scheduler, n_runs) if scheduler else None
    out.mkdir(parents=True, exist_ok=True)
    store = ResultStore(out)
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2, default=str), encoding="utf-8")
    write_point_files(design.points)

    done = store.done(retry_failed) if resume else set()
    seeds = [derive_seed(design.base_seed, k) for k in range(design.replicates)]
    todo = [
        (
            p.scenario_file,
            RunSpec(
                p.id,
                k,
                seeds[k],
                p.overrides,
                p.replay_file,
                design.steps,
                design.fit,
                design.timeseries,
            ),
        )
        for p in design.points
        for k in range(design.replicates)
        if (p.id, k) not in done
    ]
    total = len(design.points) * design.replicates
    result = Outcome(out, total, total - len(todo))
    order = [p.id for p in design.points]
    from .procs import shielded

    if todo:
        executor = executor or make_executor(workers, scheduler, len(todo))
        size = chunk_size or auto_chunk_size(len(todo), executor.workers)
        chunks = _chunks(todo, bases, size)
        bar = _ProgressBar(
            total=total,
            initial=result.already,
            unit="run",
            desc=design.kind,
            disable=not progress,
            dynamic_ncols=True,
            smoothing=0.1,
        )
        try:
            for i, res in executor.run(chunks):
                if isinstance(res, BaseException):
                    result.lost += len(chunks[i].specs)
                    result.lost_reason = result.lost_reason or _describe_loss(res)
                    continue
                with shielded():  # a part is written whole or not at all
                    store.write(res)
                failed = sum(r.row["status"] != "ok" for r in res)
                result.failed += failed
                result.ok += len(res) - failed
                bar.update(len(res))
                if result.failed:
                    bar.set_postfix(failed=result.failed, refresh=False)
            executor.close()
        except KeyboardInterrupt:
            result.interrupted = True
            executor.close(cancel=True)
        finally:
            bar.close()
    elif executor is not None:
        executor.close()
    with shielded():  # merge what finished, also after Ctrl-C; a second Ctrl-C still stops at once
        merged = store.consolidate(order)
    if result.complete:
        result.results = merged
    return result


class _ProgressBar(tqdm):
    """tqdm without its monitor thread: worker processes may still be forked after the bar
    starts, and forking is only safe while this process has a single thread."""

    monitor_interval = 0


def _describe_loss(exc: BaseException) -> str:
    if isinstance(exc, BrokenProcessPool):
        return (
            "a worker process died (out of memory, killed, or a crash in native code); "
            "the runs it and the other workers had in hand were not recorded"
        )
    return f"{type(exc).__name__}: {exc}"


def report(result: Outcome, resume_hint: str) -> int:
    """Tell the user how it went; the exit code: 0 all ok, 1 some runs failed, 3 runs lost to
    a worker or the cluster, 130 interrupted."""
    done = result.already + result.ok + result.failed
    if result.interrupted:
        print(
            f"interrupted: {done} of {result.total} runs are saved in {result.out}; "
            f"finish with: {resume_hint}",
            file=sys.stderr,
        )
        return 130
    if result.lost:
        print(
            f"error: {result.lost} runs were not done: {result.lost_reason}. {done} of "
            f"{result.total} runs are saved in {result.out}; finish with: {resume_hint}",
            file=sys.stderr,
        )
        return 3
    n_failed = 0
    if result.results is not None and not result.results.empty:
        n_failed = int((result.results["status"] != "ok").sum())
    if n_failed:
        print(
            f"warning: {n_failed} of {result.total} runs failed; their tracebacks are in the "
            f"'error' column of {result.out / 'results.parquet'} (rerun them with "
            "--resume --retry-failed)",
            file=sys.stderr,
        )
        return 1
    return 0


# ---------------------------------------------------------------------------------------------
# command-line plumbing shared by sweep, compare and sensitivity


def add_execution_args(p: argparse.ArgumentParser, replicates: int) -> None:
    """Options every many-run command takes."""
    from .cliargs import out_dir, positive, scheduler_address

    g = p.add_argument_group("execution")
    g.add_argument(
        "--replicates",
        "-r",
        type=positive,
        default=replicates,
        metavar="R",
        help=f"seeds per point; replicate k uses the same seed everywhere (default {replicates})",
    )
    g.add_argument(
        "--workers",
        "-w",
        type=positive,
        default=None,
        metavar="W",
        help="local worker processes (default: all cores; 1 runs in this process)",
    )
    g.add_argument(
        "--scheduler",
        type=scheduler_address,
        default=None,
        metavar="ADDRESS",
        help="a Dask scheduler, e.g. tcp://10.0.0.5:8786: run on that cluster instead",
    )
    g.add_argument(
        "--out",
        "-o",
        type=out_dir,
        default=None,
        metavar="DIR",
        help="results folder (default: sweeps/KIND-NAME-TIME)",
    )
    g.add_argument(
        "--resume",
        action="store_true",
        help="finish an interrupted experiment in --out: run only the missing runs",
    )
    g.add_argument(
        "--retry-failed", action="store_true", help="with --resume, run again the runs that failed"
    )
    g.add_argument(
        "--steps",
        type=positive,
        default=None,
        metavar="K",
        help="run only the first K steps of each run (smoke tests; no fit score)",
    )
    g.add_argument(
        "--no-fit",
        dest="fit",
        action="store_false",
        help="skip the fit score against the documented history (faster runs)",
    )
    g.add_argument(
        "--timeseries",
        action="store_true",
        help="also keep hemisphere-level series every step (timeseries.parquet)",
    )
    g.add_argument(
        "--chunk-size",
        type=positive,
        default=None,
        metavar="N",
        help="runs per task sent to a worker (default: automatic)",
    )
    g.add_argument("--quiet", "-q", action="store_true", help="no progress bar")


def safe_name(name: str, limit: int = 60) -> str:
    """A scenario name as one harmless folder-name component: letters, digits, ``-``, ``_`` and
    ``.`` only, no leading dot, bounded length (a name like ``../../x`` or ``/etc`` stays inside
    ``runs/`` or ``sweeps/``)."""
    import re

    cleaned = re.sub(r"[^A-Za-z0-9_.-]+", "_", str(name)).strip("._-")[:limit]
    return cleaned or "scenario"


def default_out(kind: str, name: str) -> Path:
    return Path("sweeps") / f"{kind}-{safe_name(name)}-{datetime.now():%Y%m%d-%H%M%S}"


def run_design(design: Design, args: argparse.Namespace, name: str) -> tuple[Outcome, int]:
    """Execute ``design`` as the command-line options say, report, and return the exit code."""
    if design.replicates < 1:
        raise SweepError("--replicates must be at least 1")
    if args.workers is not None and args.workers < 1:
        raise SweepError("--workers must be at least 1")
    out = args.out or default_out(design.kind, name)
    resume_hint = f"the same command with --out {shlex.quote(str(out))} --resume"
    if Path(sys.argv[0]).name in ("tradeblocs", "cli.py", "__main__.py"):  # a shell command line
        argv = [a for a in sys.argv[1:] if a != "--resume"]
        argv += [] if args.out else ["--out", str(out)]
        resume_hint = "tradeblocs " + " ".join(shlex.quote(a) for a in argv) + " --resume"
    result = execute(
        design,
        out,
        workers=args.workers,
        scheduler=args.scheduler,
        resume=args.resume,
        retry_failed=args.retry_failed,
        chunk_size=args.chunk_size,
        progress=not args.quiet,
    )
    return result, report(result, resume_hint)


def replay_path(point: Point, out: Path) -> str:
    """The YAML file that loads as this point: the scenario itself, or (with overrides) a small
    file in ``out/points/`` that extends it."""
    return str(out / "points" / f"{point.id}.yaml") if point.overrides else point.scenario_file


def write_point_files(points: Iterable[Point]) -> None:
    """Write each point's replay file, so ``tradeblocs run FILE --seed S`` repeats a run."""
    import yaml

    for p in points:
        if not p.overrides:
            continue
        path = Path(p.replay_file)
        path.parent.mkdir(parents=True, exist_ok=True)
        base = resolve_path(p.scenario_file).resolve()
        body = {
            "extends": os.path.relpath(base, path.parent.resolve()),
            **_raw_overrides(p.overrides),
        }
        text = (
            f"# point {p.id}: {json.dumps(p.overrides, default=str)}\n"
            f"# replay a run: tradeblocs run {path} --seed SEED (seeds are in results.parquet)\n"
            + yaml.safe_dump(body, sort_keys=False)
        )
        path.write_text(text, encoding="utf-8")


def outcome_label(name: str) -> str:
    if name in OUTCOME_LABELS:
        return OUTCOME_LABELS[name]
    if name.startswith("members_"):
        return f"{name[len('members_') :].replace('_', ' ')} members at the end"
    if name.startswith("us_ftas_"):
        return f"US FTAs in force, end of {name[len('us_ftas_') :]}"
    return name.replace("_", " ")


def short_label(name: str) -> str:
    """A column header for terminal tables: ``members_ALBA`` -> ``ALBA``."""
    short = {"us_ftas_in_force": "US FTAs", "us_alignment_index": "US align.", "fit_f1": "fit F1"}
    return short.get(name, name.removeprefix("members_"))


def outcome_color(name: str) -> str:
    """The project palette's colour for an outcome (its institution or alignment)."""
    from tradeblocs.sim.palette import INSTITUTION_COLORS

    if name.startswith("members_") and name[len("members_") :] in INSTITUTION_COLORS:
        return INSTITUTION_COLORS[name[len("members_") :]]
    if name.startswith("us_ftas") or name == "us_alignment_index":
        return INSTITUTION_COLORS["US_FTA"]
    return INSTITUTION_COLORS["FTAA"] if name.startswith("fit_") else INSTITUTION_COLORS["CELAC"]


def present_outcomes(df: pd.DataFrame, wanted: Iterable[str] | None) -> list[str]:
    """The requested outcomes (default: the headline ones) that the results actually hold."""
    names = list(wanted) if wanted else list(DEFAULT_OUTCOMES)
    missing = [n for n in names if n not in df.columns]
    if wanted and missing:
        raise SweepError(
            f"unknown outcome(s) {', '.join(missing)}; the results have: "
            + ", ".join(c for c in df.columns if df[c].dtype.kind in "if")
        )
    return [n for n in names if n in df.columns]


def small_multiples(n: int, width: float, height: float, ncols: int = 3) -> tuple[Any, list]:
    """A bare matplotlib figure with ``n`` panels of ``width`` x ``height`` inches, ``ncols`` to a
    row (no pyplot: no window, no display needed, no global state left behind)."""
    from matplotlib.figure import Figure

    ncols = max(1, min(ncols, n))
    nrows = max(1, math.ceil(n / ncols))
    fig = Figure(figsize=(width * ncols, height * nrows + 0.5), layout="constrained")
    axes = list(fig.subplots(nrows, ncols, squeeze=False).ravel())
    for ax in axes[n:]:
        ax.set_visible(False)
    return fig, axes[:n]
