"""Running many models: the engine behind ``tradeblocs sweep``, ``compare`` and ``sensitivity``.

It ties the parts together: a design (``analysis.design``: points, replicates, seeds) becomes
chunks of runs; an executor (``analysis.executors``: this process, a process pool or a Dask
cluster) runs each chunk through ``run_chunk``; each run becomes one result row (identity,
headline outcomes from ``analysis.outcomes``, fit score) plus its membership spells; and the
results folder (``analysis.store``) keeps every finished chunk, so an interrupted experiment
resumes where it stopped. The command-line options every many-run command shares are here too.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
import traceback
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm import tqdm
from tradeblocs import sim
from tradeblocs.sim import TradeBlocsModel
from tradeblocs.sim.scenario import Scenario

from .design import (
    MANIFEST,
    Chunk,
    Design,
    RunSpec,
    SweepError,
    auto_chunk_size,
    check_manifest,
    check_points,
    load_bases,
    make_chunks,
    pending_specs,
    replay_command,
    replay_path,
    resolve_point,
    write_point_files,
)
from .executors import describe_loss, make_executor
from .outcomes import outcomes
from .store import ChunkResult, ResultStore, RunResult

#: what a fork server imports before it forks workers: this module, hence the model
_PRELOAD = (__name__,)

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


def run_chunk(chunk: Chunk) -> ChunkResult:
    """Worker entry point: the chunk's runs, in order, with their tables in columns."""
    return ChunkResult.of([run_one(chunk.base, chunk.base_hash, spec) for spec in chunk.specs])


# ---------------------------------------------------------------------------------------------
# a design and its execution


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
        """Whether every run of the design is on disk (none lost, not interrupted)."""
        return not self.interrupted and self.lost == 0


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
    bases = load_bases(design.points)
    hashes = {f: h for f, (_, h) in bases.items()}
    check_points(design.points, bases)  # every point must load before anything runs
    design.points = [replace(p, replay_file=replay_path(p, out)) for p in design.points]
    manifest = design.manifest(hashes)
    check_manifest(out, manifest, resume)
    # reach the cluster before anything is written, so a wrong --scheduler leaves no folder
    n_runs = len(design.points) * design.replicates
    executor = make_executor(workers, scheduler, n_runs, _PRELOAD) if scheduler else None
    out.mkdir(parents=True, exist_ok=True)
    store = ResultStore(out)
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2, default=str), encoding="utf-8")
    write_point_files(design.points)

    todo = pending_specs(design, store.done(retry_failed) if resume else set())
    total = len(design.points) * design.replicates
    result = Outcome(out, total, total - len(todo))
    order = [p.id for p in design.points]
    from .procs import shielded

    if todo:
        executor = executor or make_executor(workers, scheduler, len(todo), _PRELOAD)
        size = chunk_size or auto_chunk_size(len(todo), executor.workers)
        chunks = make_chunks(todo, bases, size)
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
            for i, res in executor.run(run_chunk, chunks):
                if isinstance(res, BaseException):
                    result.lost += len(chunks[i].specs)
                    result.lost_reason = result.lost_reason or describe_loss(res)
                    continue
                with shielded():  # a part is written whole or not at all
                    store.write(res)
                failed = sum(r["status"] != "ok" for r in res.rows)
                result.failed += failed
                result.ok += len(res.rows) - failed
                bar.update(len(res.rows))
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
    """A new results folder for an experiment: ``sweeps/KIND-NAME-TIME``."""
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
