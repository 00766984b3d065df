"""``tradeblocs sweep``: a scenario over a grid, ranges or a Latin hypercube of parameters, times
seeds, on all cores or a Dask cluster, resumable; one Parquet row per run.

Axes name a parameter (``w_influence``), a dotted scenario key (``exogenous.china_strength``)
or a model shorthand (``competitive_liberalization``). ``--grid`` and ``--range`` axes are
crossed; with ``--lhs N`` the ``--range`` axes are instead sampled by an N-point Latin
hypercube (seeded by the scenario seed), crossed with any ``--grid`` axes.
"""

from __future__ import annotations

import argparse
import itertools
import math
from typing import Any

import numpy as np

from .cliargs import int_range
from .design import Design, Point, SweepError
from .fig_labels import DEFAULT_OUTCOMES, short_label
from .runner import add_execution_args, run_design


def parse_value(text: str) -> Any:
    """A grid value as a YAML scalar would read it: 2 -> int, 0.5 / 1e-3 -> float,
    true/false -> bool, anything else -> str."""
    import yaml

    t = text.strip()
    for conv in (int, float):
        try:
            return conv(t)
        except ValueError:
            pass
    value = yaml.safe_load(t) if t else ""
    return value if isinstance(value, bool | type(None)) else t


def _split(spec: str, flag: str) -> tuple[str, str]:
    name, sep, rest = spec.partition("=")
    if not sep or not name.strip() or not rest.strip():
        raise SweepError(f"{flag} {spec!r}: expected NAME=VALUES")
    return name.strip(), rest


def parse_grid(spec: str) -> tuple[str, list[Any]]:
    """``NAME=V1,V2,...``; numbers in one axis are all made floats if any is a float."""
    name, rest = _split(spec, "--grid")
    values = [parse_value(v) for v in rest.split(",")]
    kinds = {
        "bool" if isinstance(v, bool) else "number" if isinstance(v, int | float) else type(v).__name__
        for v in values
    }
    if len(kinds) > 1:
        raise SweepError(f"--grid {spec!r}: mixes {' and '.join(sorted(kinds))} values")
    if kinds == {"number"} and any(isinstance(v, float) for v in values):
        values = [float(v) for v in values]
    if len(set(map(repr, values))) != len(values):
        raise SweepError(f"--grid {spec!r}: a value is repeated")
    return name, values


def parse_range(spec: str) -> tuple[str, float, float, int | None]:
    """``NAME=LO:HI:N`` (N evenly spaced values) or ``NAME=LO:HI`` (bounds, for ``--lhs``)."""
    name, rest = _split(spec, "--range")
    parts = rest.split(":")
    try:
        lo, hi = float(parts[0]), float(parts[1])
        n = int(parts[2]) if len(parts) == 3 else None
    except (ValueError, IndexError):
        raise SweepError(f"--range {spec!r}: expected NAME=LO:HI:N or NAME=LO:HI") from None
    if len(parts) > 3 or hi < lo or (n is not None and n < 1):
        raise SweepError(f"--range {spec!r}: expected LO <= HI and N >= 1")
    return name, lo, hi, n


def build_points(grids: list[str], ranges: list[str], lhs: int | None, seed: int) -> list[dict[str, Any]]:
    """The override sets of the sweep, in a fixed order (the first axis varies slowest)."""
    axes: dict[str, list[Any]] = {}
    bounds: dict[str, tuple[float, float]] = {}
    for spec in grids:
        name, values = parse_grid(spec)
        axes[name] = values
    for spec in ranges:
        name, lo, hi, n = parse_range(spec)
        if name in axes or name in bounds:
            raise SweepError(f"{name} is given twice")
        if lhs:
            bounds[name] = (lo, hi)
        elif n is None:
            raise SweepError(f"--range {spec!r}: give the number of values (LO:HI:N) or use --lhs")
        else:
            axes[name] = [float(v) for v in np.linspace(lo, hi, n)]
    if len(axes) != len(grids) + (0 if lhs else len(ranges)):
        raise SweepError("an axis is given twice")
    if lhs and not bounds:
        raise SweepError("--lhs needs at least one --range NAME=LO:HI to sample")
    grid = [dict(zip(axes, combo, strict=True)) for combo in itertools.product(*axes.values())]
    if not lhs:
        return grid
    from scipy.stats import qmc

    unit = qmc.LatinHypercube(d=len(bounds), seed=seed % 2**32).random(lhs)
    lo = np.array([b[0] for b in bounds.values()])
    hi = np.array([b[1] for b in bounds.values()])
    sample = [dict(zip(bounds, map(float, row), strict=True)) for row in lo + unit * (hi - lo)]
    return [{**g, **s} for g in grid for s in sample]


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "sweep",
        help="run a scenario over parameter values and seeds (resumable, parallel)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("scenario", help="scenario YAML path, or a name in scenarios/")
    p.add_argument(
        "--grid",
        action="append",
        default=[],
        metavar="NAME=V1,V2,...",
        help="values of one axis, e.g. w_influence=0.5,1,2 (repeatable)",
    )
    p.add_argument(
        "--range",
        action="append",
        default=[],
        metavar="NAME=LO:HI:N",
        help="N evenly spaced values from LO to HI (with --lhs: NAME=LO:HI bounds)",
    )
    p.add_argument(
        "--lhs",
        type=int_range(1, 1_000_000, "points"),
        default=None,
        metavar="N",
        help="sample the --range axes with an N-point Latin hypercube",
    )
    add_execution_args(p, replicates=1)
    return p


def main(args: argparse.Namespace) -> int:
    from tradeblocs.sim.scenario import load_scenario, resolve_path

    path = str(resolve_path(args.scenario).resolve())
    sc = load_scenario(path)
    overrides = build_points(args.grid, args.range, args.lhs, sc.seed)
    width = max(5, len(str(len(overrides) - 1)))
    points = [Point(f"p{i:0{width}d}", path, ov) for i, ov in enumerate(overrides)]
    design = Design(
        "sweep",
        points,
        args.replicates,
        sc.seed,
        args.steps,
        args.fit,
        args.timeseries,
        {"lhs": args.lhs},
    )
    result, code = run_design(design, args, sc.name)
    if result.results is not None:
        print_summary(result.results, list(overrides[0]), DEFAULT_OUTCOMES)
        print(
            f"results: {result.out / 'results.parquet'} ({len(result.results)} runs), "
            f"spells: {result.out / 'spells.parquet'}; each row's 'replay' column is the "
            "tradeblocs run command that repeats it"
        )
    return code


def print_summary(df, axes: list[str], outcomes: tuple[str, ...], limit: int = 20) -> None:
    """Mean outcomes per point (the first ``limit`` points), as a table."""
    from rich.table import Table

    ok = df[df["status"] == "ok"]
    cols = [o for o in outcomes if o in ok.columns]
    if ok.empty or not cols:
        return
    means = ok.groupby("point", sort=False).agg({**{a: "first" for a in axes}, **{c: "mean" for c in cols}})
    means.insert(len(axes), "runs", ok.groupby("point", sort=False).size())
    t = Table(
        title=f"Mean outcomes per point ({len(means)} points"
        + (f", first {limit} shown)" if len(means) > limit else ")")
    )
    for c in ["point", *means.columns]:
        t.add_column(short_label(c), justify="left" if c == "point" else "right")
    for pid, r in means.head(limit).iterrows():
        t.add_row(pid, *(_fmt(v) for v in r.values))
    from .cliargs import console

    console().print(t)


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return "nan" if math.isnan(v) else f"{v:.3g}"
    return str(v)
