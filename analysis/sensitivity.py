"""``tradeblocs sensitivity SCENARIO --method sobol|morris``: which parameters drive the split?

Global sensitivity of the headline outcomes to the six decision weights and a few dynamics
parameters, with SALib. The sample (Saltelli/Sobol' or Morris trajectories, seeded by the
scenario seed) becomes the points of an experiment that runs through the same executors as
``tradeblocs sweep`` (all cores, or ``--scheduler`` for a Dask cluster) and resumes the same
way. Each point's outcome is its mean over ``--replicates`` seeds, replicate k using the same
seed at every point. Writes ``sensitivity_indices.csv`` and ``sensitivity.png``.

Sobol' ``S1`` is the share of an outcome's variance due to a parameter alone, ``ST`` the
share including its interactions (``--samples N`` gives N x (D + 2) points for D parameters).
Morris ``mu_star`` is the mean absolute elementary effect, ``sigma`` its spread (a sign of
interactions or non-linearity); N trajectories give N x (D + 1) points.
"""

from __future__ import annotations

import argparse
import math
from typing import Any

import numpy as np
import pandas as pd
from tradeblocs.sim.parameters import sensitivity_ranges

from .cliargs import int_range
from .design import Design, Point, SweepError
from .fig_labels import outcome_color, outcome_label, present_outcomes, short_label, small_multiples
from .runner import add_execution_args, run_design
from .sweep import parse_range

#: Parameters and the ranges explored by default: those declared ``sensitivity`` (the six
#: weights and a few dynamics parameters), each over its plausible range (sim/parameters.py).
PARAMETERS: dict[str, tuple[float, float]] = sensitivity_ranges()
DEFAULT_SAMPLES = {"sobol": 64, "morris": 16}
MORRIS_LEVELS = 4


def problem(params: list[str], extra: list[str]) -> dict[str, Any]:
    """The SALib problem: the chosen default parameters plus any ``NAME=LO:HI`` given."""
    bounds = {k: PARAMETERS[k] for k in params}
    for spec in extra:
        name, lo, hi, _ = parse_range(spec)
        if hi <= lo:
            raise SweepError(f"--param {spec!r}: needs LO < HI")
        bounds[name] = (lo, hi)
    if len(bounds) < 2:
        raise SweepError("a sensitivity analysis needs at least two parameters")
    return {
        "num_vars": len(bounds),
        "names": list(bounds),
        "bounds": [list(b) for b in bounds.values()],
    }


def sample(method: str, prob: dict, n: int, seed: int) -> np.ndarray:
    """The SALib sample matrix, one row per point."""
    if method == "sobol":
        from SALib.sample import sobol

        if n & (n - 1):
            raise SweepError(f"--samples {n}: Sobol' sampling needs a power of two (e.g. 32, 64)")
        return sobol.sample(prob, n, calc_second_order=False, seed=seed)
    from SALib.sample import morris

    return morris.sample(prob, n, num_levels=MORRIS_LEVELS, seed=seed)


def indices(method: str, prob: dict, x: np.ndarray, y: np.ndarray, seed: int) -> pd.DataFrame:
    """SALib's indices for one outcome, one row per parameter."""
    if method == "sobol":
        from SALib.analyze import sobol

        res = sobol.analyze(prob, y, calc_second_order=False, seed=seed)
        keys = ("S1", "S1_conf", "ST", "ST_conf")
    else:
        from SALib.analyze import morris

        res = morris.analyze(prob, x, y, num_levels=MORRIS_LEVELS, seed=seed)
        keys = ("mu", "mu_star", "sigma", "mu_star_conf")
    return pd.DataFrame({"parameter": prob["names"], **{k: np.asarray(res[k], float) for k in keys}})


def analyse(
    df: pd.DataFrame,
    method: str,
    prob: dict,
    x: np.ndarray,
    order: list[str],
    outcomes: list[str],
    seed: int,
) -> tuple[pd.DataFrame, list[str]]:
    """Indices for every outcome that varies; the notes say which were skipped and why."""
    ok = df[df["status"] == "ok"]
    means = ok.groupby("point")[outcomes].mean().reindex(order)
    missing = int(means.isna().all(axis=1).sum())
    if missing:
        raise SweepError(
            f"{missing} of {len(order)} sample points have no successful run; "
            "the indices need them all (see the error column of results.parquet)"
        )
    frames, notes = [], []
    for outcome in outcomes:
        y = means[outcome].to_numpy(float)
        if np.isnan(y).any() or np.allclose(y, y[0]):
            notes.append(
                f"{outcome}: {'missing values' if np.isnan(y).any() else 'does not vary'}; no indices"
            )
            continue
        frames.append(indices(method, prob, x, y, seed).assign(outcome=outcome))
    if not frames:
        return pd.DataFrame(), notes
    table = pd.concat(frames, ignore_index=True)
    table.insert(0, "method", method)
    cols = ["method", "outcome", "parameter"]
    return table[cols + [c for c in table.columns if c not in cols]], notes


def chart(table: pd.DataFrame, method: str, path) -> None:
    """One panel per outcome: Sobol' total (light) and first-order (solid) indices, or Morris
    mu* with its interval; the outcome's colour from the project palette."""
    outcomes = list(dict.fromkeys(table["outcome"]))
    params = list(dict.fromkeys(table["parameter"]))
    fig, axes = small_multiples(len(outcomes), 3.6, 0.7 + 0.26 * len(params))
    y = np.arange(len(params))
    for ax, outcome in zip(axes, outcomes, strict=False):
        sub = table[table["outcome"] == outcome].set_index("parameter").reindex(params)
        color = outcome_color(outcome)
        if method == "sobol":
            ax.barh(
                y,
                sub["ST"],
                color=color,
                alpha=0.35,
                label="total (ST)",
                xerr=sub["ST_conf"],
                error_kw={"ecolor": "0.4", "lw": 0.8},
            )
            ax.barh(
                y,
                sub["S1"],
                height=0.45,
                color=color,
                edgecolor="black",
                linewidth=0.4,
                label="first order (S1)",
            )
            ax.set_xlabel("share of variance")
        else:
            ax.barh(
                y,
                sub["mu_star"],
                color=color,
                xerr=sub["mu_star_conf"],
                error_kw={"ecolor": "0.4", "lw": 0.8},
                label="mu*",
            )
            ax.plot(sub["sigma"], y, "k|", markersize=9, label="sigma")
            ax.set_xlabel("mean |elementary effect|")
        ax.set_yticks(y, params if ax.get_subplotspec().is_first_col() else [""] * len(params))
        ax.invert_yaxis()
        ax.set_title(outcome_label(outcome), fontsize=9)
        ax.grid(axis="x", color="0.9")
    axes[0].legend(fontsize=7, loc="lower right")
    title = "Sobol' indices" if method == "sobol" else "Morris screening"
    fig.suptitle(f"{title}: sensitivity of the headline outcomes", fontsize=10)
    fig.savefig(path, dpi=130)


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "sensitivity",
        help="global sensitivity (SALib Sobol' or Morris) of the outcomes to the parameters",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("scenario", help="scenario YAML path, or a name in scenarios/")
    p.add_argument("--method", choices=("sobol", "morris"), required=True)
    p.add_argument(
        "--samples",
        "-n",
        type=int_range(1, 1_000_000, "samples"),
        default=None,
        metavar="N",
        help="Sobol' base samples (power of two, default 64) or Morris trajectories (default 16)",
    )
    p.add_argument(
        "--params",
        default=",".join(PARAMETERS),
        metavar="A,B,...",
        help="which of the default parameters to vary (default: all: "
        + ", ".join(f"{k} {lo:g}..{hi:g}" for k, (lo, hi) in PARAMETERS.items())
        + ")",
    )
    p.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=LO:HI",
        help="vary another parameter (or dotted key), or change a range (repeatable)",
    )
    p.add_argument(
        "--outcomes",
        default=None,
        metavar="A,B,...",
        help="result columns to analyse (default: the headline outcomes)",
    )
    add_execution_args(p, replicates=1)
    return p


def main(args: argparse.Namespace) -> int:
    from rich.table import Table
    from tradeblocs.sim.scenario import load_scenario, resolve_path

    path = str(resolve_path(args.scenario).resolve())
    sc = load_scenario(path)
    chosen = [s.strip() for s in args.params.split(",") if s.strip()]
    unknown = [c for c in chosen if c not in PARAMETERS]
    if unknown:
        raise SweepError(
            f"--params: {', '.join(unknown)} not among the defaults "
            f"({', '.join(PARAMETERS)}); add others with --param NAME=LO:HI"
        )
    prob = problem(chosen, args.param)
    n = args.samples or DEFAULT_SAMPLES[args.method]
    x = sample(args.method, prob, n, sc.seed % 2**32)
    width = len(str(len(x) - 1))
    points = [
        Point(f"s{i:0{width}d}", path, dict(zip(prob["names"], map(float, row), strict=True)))
        for i, row in enumerate(x)
    ]
    extra = {"method": args.method, "samples": n, "problem": prob}
    design = Design(
        "sensitivity",
        points,
        args.replicates,
        sc.seed,
        args.steps,
        args.fit,
        args.timeseries,
        extra,
    )
    result, code = run_design(design, args, f"{args.method}-{sc.name}")
    if result.results is None:
        return code
    wanted = args.outcomes.split(",") if args.outcomes else None
    outcomes = present_outcomes(result.results, wanted)
    table, notes = analyse(
        result.results, args.method, prob, x, [p.id for p in points], outcomes, sc.seed % 2**32
    )
    from .cliargs import console

    con = console()
    for note in notes:
        con.print(f"note: {note}")
    if table.empty:
        con.print("no outcome varied across the sample: nothing to analyse")
        return code or 1
    table.to_csv(result.out / "sensitivity_indices.csv", index=False)
    chart(table, args.method, result.out / "sensitivity.png")
    key = "ST" if args.method == "sobol" else "mu_star"
    wide = table.pivot(index="parameter", columns="outcome", values=key)
    wide = wide.reindex(index=prob["names"], columns=list(dict.fromkeys(table["outcome"])))
    t = Table(
        title=f"{'Sobol total-order ST' if key == 'ST' else 'Morris mu*'} "
        f"({len(points)} points x {args.replicates} replicates)"
    )
    t.add_column("parameter")
    for c in wide.columns:
        t.add_column(short_label(c), justify="right")
    for name, r in wide.iterrows():
        t.add_row(name, *("" if math.isnan(v) else f"{v:.3f}" for v in r.values))
    con.print(t)
    con.print(
        f"indices: {result.out / 'sensitivity_indices.csv'}  chart: "
        f"{result.out / 'sensitivity.png'}  runs: {result.out / 'results.parquet'}"
    )
    return code
