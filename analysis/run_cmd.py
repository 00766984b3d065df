"""``tradeblocs run``: one scenario, one seed, files a researcher can read."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path

from rich.table import Table


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    from .cliargs import out_dir, positive, seed

    p = sub.add_parser("run", help="run a scenario file and write its results")
    p.add_argument("scenario", help="scenario YAML path, or a name in scenarios/ (e.g. baseline_2003_2016)")
    p.add_argument("--seed", type=seed, default=None, help="random seed (default: the scenario's)")
    p.add_argument("--out", type=out_dir, default=None, help="output folder (default: runs/NAME-SEED-TIME)")
    p.add_argument("--steps", type=positive, default=None, help="run only the first K steps")
    p.add_argument("--quiet", action="store_true", help="print nothing but the output folder")
    return p


def main(args: argparse.Namespace) -> int:
    from tradeblocs.sim import TradeBlocsModel, load_scenario
    from tradeblocs.sim.output import write_run

    sc = load_scenario(args.scenario)
    seed = sc.seed if args.seed is None else args.seed
    model = TradeBlocsModel(sc, seed=seed)
    model.run(args.steps)
    from .runner import safe_name

    out = args.out or Path("runs") / f"{safe_name(sc.name)}-s{seed}-{datetime.now():%Y%m%d-%H%M%S}"
    summary = write_run(model, out, seed)
    if args.quiet:
        print(out)
        return 0
    print_summary(model, summary, out)
    return 0


def print_summary(model, summary: dict, out: Path) -> None:
    """Who ended up where, and the decisions where influence and coercion weighed most."""
    from tradeblocs.sim.output import top_decisions

    from .cliargs import console

    con = console()
    con.print(
        f"[bold]{summary['scenario']}[/] seed {summary['seed']} "
        f"({summary['steps']} steps, through {summary['last_step_date']}), hash {summary['scenario_hash']}"
    )
    t = Table(title="Who ended up where", show_lines=False)
    t.add_column("state")
    t.add_column("alignment")
    t.add_column("memberships")
    for iso3, statuses in summary["final_positions"].items():
        t.add_row(iso3, summary["alignment"][iso3], ", ".join(f"{k} ({v})" for k, v in statuses.items()))
    con.print(t)
    con.print(
        f"US FTAs in force: {summary['us_ftas_in_force']}   US-alignment index (GDP-weighted): "
        f"{summary['us_alignment_index']:+.2f}   bloc sizes: "
        + ", ".join(f"{k} {v}" for k, v in summary["bloc_members"].items())
    )
    for term in ("influence", "coercion"):
        top = top_decisions(model, term)
        top = top[top[term] != 0]
        if top.empty:  # a table of zeros says nothing: say why instead
            weight = getattr(model.p, f"w_{term}")
            con.print(f"No chosen move had a {term} term (its weight, w_{term}, is {weight:g} here).")
            continue
        t = Table(title=f"Five decisions with the largest {term} term")
        for c in ("date", "country", "institution", "action", "utility", term):
            t.add_column(c)
        for _, r in top.iterrows():
            t.add_row(r.date, r.country, r.institution, r.action, f"{r.utility:+.2f}", f"{r[term]:+.2f}")
        con.print(t)
    con.print(
        f"{summary['forced_events']} events were imposed by the scenario (forced=true). "
        f"Files written to [bold]{out}[/]"
    )
