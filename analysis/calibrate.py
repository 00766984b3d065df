"""Calibration to the documented history, the out-of-sample test, and the ablation table.

The model is stochastic, so a parameter vector is scored by the mean fit over a fixed set of
seeds (common random numbers make the objective deterministic). SciPy's differential evolution
searches the bounded weights and dynamics parameters in parallel on the available cores.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from tradeblocs.sim import TradeBlocsModel, load_scenario
from tradeblocs.sim.model import scenario_with
from tradeblocs.sim.parameters import calibration_ranges
from tradeblocs.sim.scenario import Scenario, resolve_path

from .history import LAST_YEAR
from .score import TIMING_SIGMA, lcd_forums, median_text, model_fit
from .targets import check, targets

#: what calibration searches: each parameter declared ``calibrate`` over its plausible range
#: (sim/parameters.py), in the declaration's order
BOUNDS: dict[str, tuple[float, float]] = calibration_ranges()
FIT_KEYS = (
    "hit_share",
    "timing_median",
    "timing_likelihood",
    "paths",
    "lcd_hit_share",
    "f1",
    "f1_2016",
    "accuracy",
    "missed",
    "spurious",
    "spurious_exits",
    "events",
    "forced_excluded",
)

#: ablations: name -> (parameter overrides, what it tests)
ABLATIONS: dict[str, tuple[dict, str]] = {
    "full model": ({}, "all six terms as calibrated"),
    "without influence": (
        {"w_influence": 0.0},
        "no export-lobby pull (Hirschman's influence effect)",
    ),
    "without coercion": ({"w_coercion": 0.0}, "no threat of lost preferences or trade diversion"),
    "without peer pressure": ({"w_peer": 0.0}, "no domino effect among neighbours"),
    "ideology only": (
        {"w_econ": 0.0, "w_coercion": 0.0, "w_influence": 0.0, "w_peer": 0.0, "w_cost": 0.0},
        "governments weigh only ideological affinity",
    ),
    "dependence only": (
        {"w_ideology": 0.0, "w_peer": 0.0, "w_cost": 0.0, "lcd_appeal": 0.0},
        "governments weigh only trade dependence (econ, coercion, influence)",
    ),
    "do nothing": ({}, "everyone keeps its 2003 statuses"),
}


def seeds_for(base: int, n: int) -> list[int]:
    """``n`` seeds derived from the scenario's seed (the same for every parameter vector)."""
    return [int(s) for s in np.random.SeedSequence(base).generate_state(n)]


@dataclass
class Window:
    """Which year ends and documented events the score looks at."""

    first_year: int = 2003
    last_year: int = LAST_YEAR


@dataclass
class Objective:
    """Mean fit over seeds of a parameter vector; picklable for worker processes."""

    scenario: Scenario
    seeds: list[int]
    names: list[str]
    window: Window = field(default_factory=Window)
    fixed: dict = field(default_factory=dict)

    def fit(self, overrides: dict, do_nothing: bool = False) -> dict:
        """Mean fit over the seeds, scored straight from the model's own lists (no frames);
        the median error pooled over the seeds' events (a miss counted as beyond the window)."""
        rows = []
        sc = scenario_with(self.scenario, **self.fixed, **overrides)
        for seed in self.seeds:
            m = TradeBlocsModel(sc, seed=seed, collect="none")
            if not do_nothing:  # do nothing: the starting statuses, held to the end
                m.run()
            rows.append(model_fit(m, self.window.last_year, self.window.first_year))
        with warnings.catch_warnings():  # a window with no path or forum join has nothing to average
            warnings.simplefilter("ignore", RuntimeWarning)
            out = {k: float(np.nanmean([r[k] for r in rows])) for k in FIT_KEYS}
        out["timing_median"] = float(np.median([r["timing_median"] for r in rows]))
        return out

    def __call__(self, x: np.ndarray) -> float:
        return loss(self.fit(dict(zip(self.names, map(float, x), strict=True))))


#: weights of the calibration objective: timing likelihood, documented paths, end-of-window F1
LOSS_WEIGHTS = {"timing_likelihood": 0.5, "paths": 0.4, "f1_2016": 0.1}
#: what each simulated event with no documented counterpart costs the objective
SPURIOUS_CHARGE = 0.002


def loss(fit: dict) -> float:
    """What calibration minimises: one minus the honest objective, plus a small charge per
    spurious event. The objective weighs the per-event timing likelihood (mean over the
    documented events the agents chose of a Gaussian kernel of the error, width
    ``TIMING_SIGMA`` years, a miss scoring 0), the share of documented paths reproduced step
    by step, and end-of-window status F1 as a minor term. A term with nothing to score in the
    window (NaN) counts 0. A spurious exit (a state leaving what it never left) is charged what
    a missed documented event costs the timing term: a false exit is as wrong as a missed one."""
    total = sum(w * (0.0 if math.isnan(fit[k]) else fit[k]) for k, w in LOSS_WEIGHTS.items())
    events = fit.get("events", 0.0)
    per_miss = LOSS_WEIGHTS["timing_likelihood"] / events if events > 0 else 0.0  # NaN: no charge
    return 1.0 - total + SPURIOUS_CHARGE * fit["spurious"] + per_miss * fit.get("spurious_exits", 0.0)


class _Pool:
    """A map over worker processes for differential evolution, with a progress bar.

    Differential evolution (``updating="deferred"``) calls it once per generation with the whole
    population, first the initial one, then each generation's trial vectors; the pool keeps the
    population as selection leaves it (a trial replaces its parent when it is no worse) and
    writes it to ``checkpoint`` after every generation, so an interrupted calibration resumes
    from the last finished generation. Workers ignore Ctrl-C and die with this process
    (``analysis.procs``); on an interrupt they are terminated, not waited for."""

    def __init__(self, workers: int, progress, checkpoint: Path | None = None, meta: dict | None = None,
                 population: list | None = None, energies: list | None = None,
                 generation: int = 0) -> None:  # fmt: skip
        from .procs import worker_init

        self.ex = (
            ProcessPoolExecutor(max_workers=workers, initializer=worker_init, initargs=(os.getpid(),))
            if workers > 1
            else None
        )
        self.progress = progress
        self.checkpoint, self.meta = checkpoint, meta or {}
        self.population, self.energies = population, energies
        self.generation = generation
        self._resumed_init = population is not None

    def __call__(self, func, iterable):
        from .procs import signals_blocked

        items = list(iterable)
        if self.ex:
            with signals_blocked():  # workers start on first use
                it = self.ex.map(func, items, chunksize=max(1, len(items) // 16))
        else:
            it = map(func, items)
        out = []
        for r in it:
            out.append(r)
            self.progress.update(1)
        self._record(items, out)
        return out

    def _record(self, items: list, energies: list) -> None:
        xs = [[float(v) for v in x] for x in items]
        if self.population is None or self._resumed_init or len(xs) != len(self.population):
            self.population, self.energies = xs, [float(e) for e in energies]
            self._resumed_init = False  # the resumed population re-evaluated: not a generation
        else:
            for i, (x, e) in enumerate(zip(xs, energies, strict=True)):
                if e <= self.energies[i]:
                    self.population[i], self.energies[i] = x, float(e)
            self.generation += 1
        if self.checkpoint is not None:
            from .procs import shielded

            body = {**self.meta, "generation": self.generation, "population": self.population,
                    "energies": self.energies}  # fmt: skip
            tmp = self.checkpoint.with_name(f".{self.checkpoint.name}.tmp")
            with shielded():
                tmp.write_text(json.dumps(body), encoding="utf-8")
                os.replace(tmp, self.checkpoint)

    def close(self, cancel: bool = False) -> None:
        if self.ex:
            if cancel:
                from .procs import terminate_pool

                terminate_pool(self.ex)
            else:
                self.ex.shutdown()


def start_point(values: list[float], bounds: list[tuple[float, float]]) -> np.ndarray:
    """A starting point for differential evolution: ``values`` clipped into ``bounds`` and kept
    a hair (1e-9 of the range) inside them. SciPy rescales the start to [0, 1] and refuses it
    if rounding puts a value that sits on a bound (a calibrated 0.1 on a range from 0.1) a hair
    outside."""
    lo, hi = np.array(bounds, dtype=float).T
    margin = 1e-9 * (hi - lo)
    return np.clip(np.asarray(values, dtype=float), lo + margin, hi - margin)


def calibrate(
    scenario: Scenario,
    n_seeds: int = 20,
    maxiter: int = 12,
    popsize: int = 6,
    workers: int | None = None,
    window: Window | None = None,
    names: list[str] | None = None,
    checkpoint: Path | None = None,
    resume: bool = False,
    warm_start: bool = True,
    refine_rounds: int = 0,
    start_from: Scenario | None = None,
) -> tuple[dict, dict, float]:
    """Differential evolution over ``BOUNDS``; returns (parameters, fit, seconds).

    With ``warm_start`` the scenario's own parameters (or ``start_from``'s) join the first
    population; without it the search starts from a Latin hypercube alone (the out-of-sample
    search: the scenario's numbers may have seen the years held out).

    With ``refine_rounds`` the search's best point is then settled by ``refine``, on the same
    seeds (not checkpointed: a resumed search refines again).

    With ``checkpoint`` the population is saved after every generation; with ``resume`` a
    saved population of the same search (scenario, seeds, window, parameters) is the starting
    population and only the remaining generations run. A resumed search re-evaluates the saved
    population once and draws new random numbers, so it is not bit-identical to an
    uninterrupted one."""
    from scipy.optimize import differential_evolution
    from tqdm import tqdm

    names = names or list(BOUNDS)
    win = window or Window()
    obj = Objective(scenario, seeds_for(scenario.seed, n_seeds), names, win)
    workers = workers or os.cpu_count() or 1
    bounds = [BOUNDS[n] for n in names]
    x0 = start_point([getattr((start_from or scenario).parameters, n) for n in names], bounds)
    meta = {"scenario_hash": scenario.content_hash(), "seeds": n_seeds, "names": names,
            "window": [win.first_year, win.last_year], "popsize": popsize, "maxiter": maxiter}  # fmt: skip
    saved = _load_checkpoint(checkpoint, meta) if resume and checkpoint else None
    done = saved["generation"] if saved else 0
    remaining = max(0, maxiter - done)
    init = np.array(saved["population"]) if saved else "latinhypercube"
    if saved:
        print(f"resuming from {checkpoint}: generation {done} of {maxiter}")
    total = popsize * len(names) * (remaining + 1)
    start = time.time()
    with tqdm(total=total, desc="calibrating", unit="eval") as bar:
        pool = _Pool(workers, bar, checkpoint, meta, saved and saved["population"],
                     saved and saved["energies"], done)  # fmt: skip
        best = {"loss": float("inf")}

        def report(intermediate_result) -> None:
            best["loss"] = float(intermediate_result.fun)
            bar.set_postfix(best_loss=f"{best['loss']:.4f}")

        interrupted = False
        try:
            res = differential_evolution(
                obj,
                bounds,
                x0=None if saved or not warm_start else x0,
                init=init,
                maxiter=max(1, remaining),
                popsize=popsize,
                seed=scenario.seed % (2**32),
                workers=pool,
                updating="deferred",
                polish=False,
                tol=1e-4,
                callback=report,
            )
        except KeyboardInterrupt:
            interrupted = True
            raise
        finally:
            pool.close(cancel=interrupted)
    params = {n: round(float(v), 4) for n, v in zip(names, res.x, strict=True)}
    if refine_rounds:
        params, _, _ = refine(obj, params, refine_rounds, workers)
    return params, obj.fit(params), time.time() - start


def refine(
    func,
    start: dict[str, float],
    rounds: int,
    workers: int = 1,
    points: int = 9,
    bounds: dict[str, tuple[float, float]] | None = None,
) -> tuple[dict[str, float], float, int]:
    """Coordinate search from ``start``: for each parameter in turn, ``points`` values across
    its range and two either side of the current one (a quarter of the range, halved each
    round); the parameter moves only where the loss strictly falls. Returns (parameters, loss,
    evaluations). Differential evolution explores the whole box but, on a noisy loss that is
    flat between the seeds' events, stops short of the best point near its own; this settles
    it, deterministically (the same seeds, the same order), and never makes the loss worse."""
    from tqdm import tqdm

    from .procs import worker_init

    bounds = bounds or BOUNDS
    names = list(start)
    x = {n: round(float(v), 4) for n, v in start.items()}
    best = float(func(np.array([x[n] for n in names])))
    evals = 1
    ex = (
        ProcessPoolExecutor(max_workers=workers, initializer=worker_init, initargs=(os.getpid(),))
        if workers > 1
        else None
    )
    try:
        with tqdm(total=rounds * len(names), desc="refining", unit="param") as bar:
            for r in range(rounds):
                moved = False
                for n in names:
                    lo, hi = bounds[n]
                    step = (hi - lo) / 4 / 2**r
                    grid = [*np.linspace(lo, hi, points), x[n] - step, x[n] + step]
                    tries = sorted({round(float(v), 4) for v in grid if lo <= v <= hi} - {round(x[n], 4)})
                    vectors = [np.array([v if m == n else x[m] for m in names]) for v in tries]
                    losses = list(ex.map(func, vectors) if ex else map(func, vectors))
                    evals += len(vectors)
                    k = int(np.argmin(losses)) if losses else -1
                    if k >= 0 and losses[k] < best - 1e-12:
                        best, x[n], moved = float(losses[k]), tries[k], True
                    bar.update(1)
                    bar.set_postfix(best_loss=f"{best:.4f}")
                if not moved:
                    break
    finally:
        if ex is not None:
            ex.shutdown()
    return x, best, evals


def _load_checkpoint(path: Path, meta: dict) -> dict | None:
    """A saved population of the same search, or None when there is none; a checkpoint of a
    different search (other scenario, seeds, window or parameters) is an error, not ignored."""
    from tradeblocs.sim.inputs import read_text

    from .design import SweepError

    if not path.exists():
        return None
    try:
        saved = json.loads(read_text(path, "calibration checkpoint", 50_000_000))
    except ValueError as e:
        raise SweepError(f"{path}: unreadable checkpoint ({e}); delete it to start afresh") from None
    for key in ("scenario_hash", "seeds", "names", "window", "popsize"):
        if saved.get(key) != meta[key]:
            raise SweepError(
                f"{path}: checkpoint of a different search ({key} differs); "
                "use the same arguments, or drop --resume to start afresh"
            )
    return saved


def ablation_table(scenario: Scenario, n_seeds: int = 20, window: Window | None = None) -> pd.DataFrame:
    """Fit of the full model, its knock-outs and the null rules (same seeds for all)."""
    obj = Objective(scenario, seeds_for(scenario.seed, n_seeds), [], window or Window())
    rows = []
    for name, (over, what) in ABLATIONS.items():
        fit = obj.fit(over, do_nothing=name == "do nothing")
        rows.append({"model": name, "what": what, **fit})
    return pd.DataFrame(rows)


def target_shares(scenario: Scenario, n_seeds: int = 20) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Share of seeds in which each documented path emerged unforced, and the mean weighted
    terms of Peru's own moves toward its US agreement (Kat's case: influence or coercion?)."""
    titles = targets()
    hits: dict[str, int] = dict.fromkeys(titles, 0)
    seeds = seeds_for(scenario.seed, n_seeds)
    lcd = lcd_forums(scenario.institutions)
    peru: list[dict] = []
    for seed in seeds:
        m = TradeBlocsModel(scenario, seed=seed, collect="none").run()
        for name, ok in check(m.events, lcd=lcd).items():
            hits[name] += bool(ok)
        peru += [
            e
            for e in m.events
            if e["country"] == "PER"
            and e["institution"] == "US_FTA"
            and not e["forced"]
            and e["action"] in ("requested", "signed", "ratified")
        ]
    paths = pd.DataFrame([{"path": titles[k], "share_of_seeds": v / len(seeds)} for k, v in hits.items()])
    terms = ["econ", "coercion", "influence", "ideology", "peer", "cost"]
    cols = ["action", *terms, "utility"]
    moves = pd.DataFrame(peru, columns=cols) if peru else pd.DataFrame(columns=cols)
    return paths, moves.groupby("action", sort=False)[[*terms, "utility"]].mean().reset_index()


def write_calibrated(base_path: Path, params: dict, fit: dict, out: Path, note: str) -> None:
    """A scenario that extends ``base_path`` with the calibrated parameters; fit in its header."""
    from tradeblocs.sim.scenario import scenario_dirs

    rel = os.path.relpath(base_path.resolve(), out.resolve().parent)
    named = base_path.resolve().parent in {d.resolve() for d in scenario_dirs()}
    if named and base_path.resolve().parent != out.resolve().parent:
        rel = base_path.stem  # a shipped (or --scenarios) file: by name, valid in any install
    header = [
        "# Calibrated baseline: written by `tradeblocs calibrate`; re-run it to regenerate.",
        f"# {note}",
        f"# Fit (mean over the calibration seeds, forced events excluded): "
        f"{100 * fit['hit_share']:.0f}% of documented agent-chosen events within 1 y,",
        f"# median error {median_text(fit['timing_median'])}, timing likelihood "
        f"{fit['timing_likelihood']:.3f} (sigma {TIMING_SIGMA} y), paths {100 * fit['paths']:.0f}%,",
        f"# F1 {fit['f1']:.3f}, end-{LAST_YEAR} F1 {fit['f1_2016']:.3f}, accuracy {fit['accuracy']:.3f}, "
        f"{fit['missed']:.1f} missed, {fit['spurious']:.1f} spurious.",
    ]
    body = {"extends": rel, "name": out.stem, "parameters": params}
    out.write_text("\n".join(header) + "\n" + yaml.safe_dump(body, sort_keys=False), encoding="utf-8")


def markdown_table(df: pd.DataFrame) -> str:
    cols = ["model", *(k for k in FIT_KEYS if k not in ("forced_excluded", "events"))]
    head = "| " + " | ".join(c.replace("_", " ") for c in cols) + " |"
    lines = [head, "|" + "---|" * len(cols)]
    for r in df.itertuples():
        vals = []
        for c in cols:
            v = getattr(r, c)
            if isinstance(v, str):
                vals.append(v)
            elif c == "timing_median":
                vals.append(median_text(v))
            else:
                vals.append(f"{v:.1f}" if c in ("missed", "spurious") else f"{v:.2f}")
        lines.append("| " + " | ".join(vals) + " |")
    return "\n".join(lines)


# --- CLI -----------------------------------------------------------------------------------


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    from .cliargs import DefaultsFormatter, int_range, out_file, positive

    p = sub.add_parser(
        "calibrate",
        help="fit the weights to the documented history; out-of-sample test; ablations",
        description="Fit the weights to the documented history with differential evolution, "
        "then the out-of-sample test and the ablation tables. Writes a new calibrated scenario "
        "(never an existing file unless --replace) and checkpoints the population after every "
        "generation, so an interrupted search continues with --resume.",
        formatter_class=DefaultsFormatter,
    )
    p.add_argument("scenario", help="scenario to calibrate (its parameters are the starting point)")
    p.add_argument("--seeds", type=positive, default=12, help="seeds per evaluation")
    p.add_argument("--maxiter", type=int_range(1, 10_000), default=10,
                   help="differential evolution generations")  # fmt: skip
    p.add_argument("--popsize", type=int_range(1, 1000), default=5,
                   help=f"population per searched parameter (x {len(BOUNDS)} parameters)")  # fmt: skip
    p.add_argument("--refine", type=int_range(0, 20), default=0, metavar="ROUNDS",
                   help="then settle the best point by coordinate search, up to ROUNDS rounds over "
                   "every parameter (about 11 evaluations per parameter and round)")  # fmt: skip
    p.add_argument("--start", default=None, metavar="SCENARIO",
                   help="start the search from this scenario's parameters (e.g. the shipped "
                   "calibration) instead of SCENARIO's own; not the out-of-sample search")  # fmt: skip
    p.add_argument("--workers", type=positive, default=None, help="processes (default: all cores)")
    p.add_argument(
        "--out",
        type=out_file,
        default=None,
        help="calibrated scenario to write (default: REPORT_DIR/NAME-calibrated-TIME.yaml, a new "
        "file); an existing file only with --replace",
    )
    p.add_argument("--replace", action="store_true", help="allow --out to overwrite an existing file")
    p.add_argument("--resume", action="store_true",
                   help="continue an interrupted search from REPORT_DIR/checkpoint-*.json")  # fmt: skip
    p.add_argument(
        "--report-dir",
        type=Path,
        default=Path("calibration"),
        help="where the tables, REPORT.md and the checkpoints go",
    )
    p.add_argument(
        "--holdout-from",
        type=int_range(2004, LAST_YEAR),
        default=2010,
        help="out-of-sample test: calibrate on year ends before this year, score the rest",
    )
    p.add_argument("--skip-holdout", action="store_true", help="skip the out-of-sample calibration")
    p.add_argument(
        "--tables-only",
        action="store_true",
        help="no search: just the fit and ablation tables of SCENARIO as it is",
    )
    return p


def output_path(args: argparse.Namespace, sc: Scenario) -> Path:
    """Where the calibrated scenario goes: ``--out`` (refused if it exists, unless
    ``--replace``), else a new file in the report folder; never a committed file by default."""
    from datetime import datetime

    from .design import SweepError
    from .runner import safe_name

    if args.out is None:
        return args.report_dir / f"{safe_name(sc.name)}-calibrated-{datetime.now():%Y%m%d-%H%M%S}.yaml"
    if args.out.exists() and not args.replace:
        raise SweepError(f"--out {args.out}: file exists; add --replace to overwrite it, or choose another")
    return args.out


def main(args: argparse.Namespace) -> int:
    import shlex
    import sys

    try:
        return _main(args)
    except KeyboardInterrupt:
        argv = [a for a in sys.argv[1:] if a != "--resume"]
        print(
            f"interrupted: the population of the last finished generation is saved in "
            f"{args.report_dir}/checkpoint-*.json; continue with: tradeblocs "
            + " ".join(shlex.quote(a) for a in argv)
            + " --resume",
            file=sys.stderr,
        )
        return 130


def _main(args: argparse.Namespace) -> int:
    path = resolve_path(args.scenario)
    sc = load_scenario(path)
    start_from = load_scenario(args.start) if args.start else None  # read before --out replaces it
    out = None if args.tables_only else output_path(args, sc)
    args.report_dir.mkdir(parents=True, exist_ok=True)
    lines = [f"# Calibration of {sc.name}", ""]
    if out is not None:
        params, fit, secs = calibrate(sc, args.seeds, args.maxiter, args.popsize, args.workers,
                                      checkpoint=args.report_dir / "checkpoint-full.json",
                                      resume=args.resume, refine_rounds=args.refine,
                                      start_from=start_from)  # fmt: skip
        out.parent.mkdir(parents=True, exist_ok=True)
        write_calibrated(
            path,
            params,
            fit,
            out,
            f"{args.seeds} seeds, differential evolution {args.maxiter} generations x "
            f"{args.popsize * len(BOUNDS)}"
            + (f", started from {start_from.name}" if start_from else "")
            + (f", refined up to {args.refine} rounds" if args.refine else "")
            + f", {secs / 60:.1f} min",
        )
        print(f"calibrated scenario written to {out}")
        lines += [f"Calibrated parameters ({secs / 60:.1f} min): `{params}`", ""]
        sc = load_scenario(out)
    abl = ablation_table(sc, args.seeds)
    abl.to_csv(args.report_dir / "ablations.csv", index=False)
    lines += ["## Fit and ablations (2003-2016, mean over seeds)", "", markdown_table(abl), ""]
    paths, peru = target_shares(sc, args.seeds)
    paths.to_csv(args.report_dir / "paths.csv", index=False)
    peru.to_csv(args.report_dir / "peru_terms.csv", index=False)
    lines += [
        "## Documented paths (share of seeds where each emerged unforced)",
        "",
        "| path | share of seeds |",
        "|---|---|",
    ]
    lines += [f"| {r.path} | {r.share_of_seeds:.2f} |" for r in paths.itertuples()] + [""]
    lines += [
        "## Peru's moves toward its US agreement: mean weighted terms over seeds",
        "",
        "| " + " | ".join(peru.columns) + " |",
        "|" + "---|" * len(peru.columns),
    ]
    lines += [
        "| " + " | ".join(v if isinstance(v, str) else f"{v:+.2f}" for v in row) + " |"
        for row in peru.itertuples(index=False)
    ] + [""]
    if not args.skip_holdout:
        train = Window(2003, args.holdout_from - 1)
        test = Window(args.holdout_from, LAST_YEAR)
        base = load_scenario(path)
        if args.tables_only:
            params = {}
            in_fit = Objective(sc, seeds_for(sc.seed, args.seeds), [], train).fit({})
        else:
            # no warm start: the scenario's numbers were fitted on the whole window, the years
            # this search must not see
            params, in_fit, _ = calibrate(base, args.seeds, args.maxiter, args.popsize, args.workers, train,
                                          checkpoint=args.report_dir / "checkpoint-holdout.json",
                                          resume=args.resume, warm_start=False,
                                          refine_rounds=args.refine)  # fmt: skip
        src = base if not args.tables_only else sc
        out_fit = Objective(src, seeds_for(sc.seed, args.seeds), [], test).fit(params)
        holdout = pd.DataFrame(
            [
                {"model": f"in sample 2003-{args.holdout_from - 1}", **in_fit},
                {"model": f"out of sample {args.holdout_from}-{LAST_YEAR}", **out_fit},
            ]
        )
        holdout.to_csv(args.report_dir / "holdout.csv", index=False)
        lines += [
            f"## Out of sample (calibrated on year ends before {args.holdout_from})",
            "",
            markdown_table(holdout),
            "",
        ]
    text = "\n".join(lines)
    (args.report_dir / "REPORT.md").write_text(text, encoding="utf-8")
    print(text)
    return 0
