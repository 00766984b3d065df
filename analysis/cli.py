"""The ``tradeblocs`` command line: one subcommand per module, each with ``add_parser``/``main``.

Only the module of the command being run is imported, so a slow or heavy import (Dask, Solara)
costs nothing to the others.
"""

from __future__ import annotations

import argparse
import importlib
import sys

#: subcommand -> (module with ``add_parser(subparsers)`` and ``main(args)``, one-line help)
COMMANDS = {
    "run": ("analysis.run_cmd", "run a scenario file and write its results"),
    "score": ("analysis.score", "score a run (or a folder of seeded runs) against the record"),
    "calibrate": (
        "analysis.calibrate",
        "fit the weights to the record; out-of-sample test; ablations",
    ),
    "sweep": ("analysis.sweep", "run many (parameter point, seed) pairs, resumable, local or Dask"),
    "compare": ("analysis.compare", "counterfactuals against the baseline with paired seeds"),
    "sensitivity": ("analysis.sensitivity", "global sensitivity analysis with SALib"),
    "report": ("analysis.report", "figures and a self-contained HTML report of a run"),
    "viz": ("analysis.viz_cmd", "the browser visualisation (Mesa SolaraViz)"),
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tradeblocs",
        description="Agent-based model of the Americas' split between US FTAs and US-excluding blocs.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (module, help_) in COMMANDS.items():
        if name == command:
            mod = importlib.import_module(module)
            p = mod.add_parser(sub)
            p.set_defaults(_main=mod.main)
        else:
            sub.add_parser(name, help=help_, add_help=False)
    return parser


def main(argv: list[str] | None = None) -> int:
    from sim.scenario import ScenarioError

    argv = sys.argv[1:] if argv is None else argv
    command = next((a for a in argv if not a.startswith("-")), None)
    args = build_parser(command if command in COMMANDS else None).parse_args(argv)
    try:
        return int(args._main(args) or 0)
    except ScenarioError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except FileNotFoundError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
