"""``tradeblocs score``: the fit of a run to the documented history, as one line.

The per-pair and timing tables are written beside the run (``fit_table.csv``,
``fit_timing.csv``) and printed only with ``--tables``; the scoring itself is
``analysis.score``."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "score",
        help="score a run (or a folder of seeded runs) against the record",
        description="Print the fit of a run to the documented history in one line; write "
        "fit_table.csv and fit_timing.csv beside it.",
    )
    p.add_argument("run_dir", type=Path, help="folder written by `tradeblocs run`, or a folder of them")
    p.add_argument("--json", action="store_true", help="print the fit as JSON")
    p.add_argument("--tables", action="store_true", help="also print the per-pair and timing tables")
    return p


def main(args: argparse.Namespace) -> int:
    from . import score

    if args.tables or args.json:
        return score.main(args)
    res = score.score_run(args.run_dir)
    res["table"].to_csv(args.run_dir / "fit_table.csv", index=False)
    res["timing"].to_csv(args.run_dir / "fit_timing.csv", index=False)
    print(res["headline"])
    return 0
