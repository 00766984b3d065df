"""``tradeblocs compare BASELINE COUNTERFACTUAL...``: what each counterfactual changes, with
95% intervals over paired replicates.

Replicate k of every scenario runs with the same seed (derived from the baseline's seed and k),
so each counterfactual run has a twin in the baseline that drew the same random numbers; the
difference of a pair reflects the change, not the noise, and the interval is a t-interval over
the paired differences. Writes ``compare.csv`` (the table) and ``compare.png`` (a forest plot)
next to the runs, and prints the table.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from tradeblocs.sim.scenario import Scenario

from .design import Design, Point, SweepError
from .fig_labels import outcome_color, outcome_label, present_outcomes, small_multiples
from .runner import add_execution_args, run_design

LEVEL = 0.95


def paired_interval(diffs: np.ndarray, level: float = LEVEL) -> tuple[float, float]:
    """Mean of paired differences and the half-width of its t-interval (nan below two pairs)."""
    from scipy import stats

    d = np.asarray(diffs, dtype=float)
    n = len(d)
    if n == 0:
        return math.nan, math.nan
    if n < 2:
        return float(d.mean()), math.nan
    half = stats.t.ppf(0.5 + level / 2, n - 1) * d.std(ddof=1) / math.sqrt(n)
    return float(d.mean()), float(half)


def paired_differences(
    df: pd.DataFrame, baseline: str, counterfactuals: list[str], outcomes: list[str]
) -> pd.DataFrame:
    """For each counterfactual and outcome: both means over the replicates both ran
    successfully, the mean paired difference (counterfactual minus baseline) and its interval."""
    ok = df[df["status"] == "ok"]
    base = ok[ok["point"] == baseline].set_index("replicate")
    rows = []
    for cf in counterfactuals:
        other = ok[ok["point"] == cf].set_index("replicate")
        both = base.index.intersection(other.index)
        for outcome in outcomes:
            a = base.loc[both, outcome].to_numpy(float)
            b = other.loc[both, outcome].to_numpy(float)
            keep = ~(np.isnan(a) | np.isnan(b))
            diff, half = paired_interval(b[keep] - a[keep])
            rows.append(
                {
                    "counterfactual": cf,
                    "outcome": outcome,
                    "label": outcome_label(outcome),
                    "baseline_mean": float(a[keep].mean()) if keep.any() else math.nan,
                    "counterfactual_mean": float(b[keep].mean()) if keep.any() else math.nan,
                    "difference": diff,
                    "half_width": half,
                    "ci_low": diff - half,
                    "ci_high": diff + half,
                    "pairs": int(keep.sum()),
                }
            )
    return pd.DataFrame(rows)


def changed_keys(a: object, b: object, prefix: str = "") -> list[str]:
    """Dotted paths where two resolved scenarios (as ``model_dump(mode="json")``) differ; a
    list counts as one value."""
    if isinstance(a, dict) and isinstance(b, dict):
        out: list[str] = []
        for k in list(dict.fromkeys([*a, *b])):
            out += changed_keys(a.get(k), b.get(k), f"{prefix}.{k}" if prefix else str(k))
        return out
    return [] if a == b else [prefix]


def what_changes(base: Scenario, other: Scenario, limit: int = 8) -> str:
    """A line saying which keys a counterfactual changes relative to the baseline, so that a
    comparison against the wrong baseline (say a recalibrated one) shows at once."""
    keys = [
        k
        for k in changed_keys(base.model_dump(mode="json"), other.model_dump(mode="json"))
        if k not in ("name", "description")
    ]
    shown = ", ".join(keys[:limit]) + (f" and {len(keys) - limit} more" if len(keys) > limit else "")
    return f"{other.name} changes {len(keys)} key(s) of {base.name}: {shown or 'none'}"


def sentence(r: Any) -> str:
    """E.g. ``cf_x: US FTAs in force at the end: baseline 9.9, counterfactual 1.0
    (difference -8.9 ± 0.4, 95% CI, 20 pairs)``."""
    pm = "" if math.isnan(r.half_width) else f" ± {r.half_width:.2g}"
    return (
        f"{r.counterfactual}: {r.label}: baseline {r.baseline_mean:.3g}, counterfactual "
        f"{r.counterfactual_mean:.3g} (difference {r.difference:+.3g}{pm}, "
        f"{LEVEL:.0%} CI, {r.pairs} pairs)"
    )


def figure(table: pd.DataFrame, baseline: str, path: Path) -> None:
    """Forest plot: one panel per outcome, one row per counterfactual, the paired difference
    with its interval; the outcome's colour from the project palette."""
    outcomes = list(dict.fromkeys(table["outcome"]))
    cfs = list(dict.fromkeys(table["counterfactual"]))
    fig, axes = small_multiples(len(outcomes), 4.2, 0.8 + 0.38 * len(cfs))
    y = np.arange(len(cfs))
    for ax, outcome in zip(axes, outcomes, strict=False):
        sub = table[table["outcome"] == outcome].set_index("counterfactual").reindex(cfs)
        color = outcome_color(outcome)
        err = sub["half_width"].fillna(0).to_numpy()
        ax.axvline(0, color="0.5", linewidth=0.8)
        ax.errorbar(
            sub["difference"],
            y,
            xerr=err,
            fmt="o",
            color=color,
            ecolor=color,
            capsize=3,
            markeredgecolor="black",
            markeredgewidth=0.5,
        )
        ax.set_yticks(y, cfs if ax.get_subplotspec().is_first_col() else [""] * len(cfs))
        ax.set_ylim(len(cfs) - 0.5, -0.5)
        ax.set_title(outcome_label(outcome), fontsize=9)
        ax.grid(axis="x", color="0.9")
    pairs = int(table["pairs"].max()) if len(table) else 0
    fig.suptitle(
        f"Counterfactual minus {baseline}: mean paired difference, {LEVEL:.0%} "
        f"t-interval over {pairs} paired replicates",
        fontsize=10,
    )
    fig.savefig(path, dpi=130)


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "compare",
        help="counterfactuals against a baseline: paired differences with 95%% intervals",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("baseline", help="the baseline scenario (path or name in scenarios/)")
    p.add_argument(
        "counterfactuals",
        nargs="+",
        metavar="counterfactual",
        help="scenarios to compare with it, e.g. cf_no_china_boom",
    )
    p.add_argument(
        "--outcomes",
        default=None,
        metavar="A,B,...",
        help="result columns to compare (default: the headline outcomes)",
    )
    add_execution_args(p, replicates=20)
    return p


def main(args: argparse.Namespace) -> int:
    from rich.table import Table
    from tradeblocs.sim.scenario import load_scenario, resolve_path

    files = [str(resolve_path(s).resolve()) for s in [args.baseline, *args.counterfactuals]]
    scenarios = [load_scenario(f) for f in files]
    names = [sc.name for sc in scenarios]
    if len(set(names)) < len(names):
        names = [Path(f).stem for f in files]
    if len(set(names)) < len(names):
        raise SweepError("the same scenario is given twice")
    if args.replicates < 2:
        raise SweepError("--replicates must be at least 2 for an interval")
    points = [Point(n, f) for n, f in zip(names, files, strict=True)]
    design = Design(
        "compare",
        points,
        args.replicates,
        scenarios[0].seed,
        args.steps,
        args.fit,
        args.timeseries,
        {"baseline": names[0]},
    )
    result, code = run_design(design, args, names[0])
    if result.results is None:
        return code
    wanted = args.outcomes.split(",") if args.outcomes else None
    table = paired_differences(result.results, names[0], names[1:], present_outcomes(result.results, wanted))
    table.to_csv(result.out / "compare.csv", index=False)
    figure(table, names[0], result.out / "compare.png")

    from .cliargs import console

    con = console()
    for sc in scenarios[1:]:
        con.print(what_changes(scenarios[0], sc))
    for cf in names[1:]:
        t = Table(title=f"{cf} minus {names[0]} ({LEVEL:.0%} t-interval over paired replicates)")
        for c in ("outcome", "baseline", "counterfactual", "difference", "95% CI", "pairs"):
            t.add_column(c, justify="left" if c == "outcome" else "right")
        for r in table[table["counterfactual"] == cf].itertuples():
            ci = "" if math.isnan(r.half_width) else f"{r.ci_low:+.3g} to {r.ci_high:+.3g}"
            t.add_row(
                r.label,
                f"{r.baseline_mean:.3g}",
                f"{r.counterfactual_mean:.3g}",
                f"{r.difference:+.3g}",
                ci,
                str(r.pairs),
            )
        con.print(t)
    for r in table[table["outcome"] == table["outcome"].iloc[0]].itertuples():
        con.print(sentence(r))
    con.print(
        f"table: {result.out / 'compare.csv'}  figure: {result.out / 'compare.png'}  "
        f"runs: {result.out / 'results.parquet'}"
    )
    return code
