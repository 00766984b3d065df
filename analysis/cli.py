"""The ``tradeblocs`` command line: one subcommand per module, each with ``add_parser``/``main``."""

from __future__ import annotations

import argparse
import importlib
import sys

#: subcommand -> module that implements it (``add_parser(subparsers)`` and ``main(args)``)
COMMANDS = {
    "run": "analysis.run_cmd",
    "score": "analysis.score",
    "calibrate": "analysis.calibrate",
    "sweep": "analysis.sweep",
    "compare": "analysis.compare",
    "sensitivity": "analysis.sensitivity",
    "report": "analysis.report",
    "viz": "analysis.viz_cmd",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tradeblocs",
        description="Agent-based model of the Americas' split between US FTAs and US-excluding blocs.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, module in COMMANDS.items():
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as e:
            if e.name != module:
                raise
            continue
        p = mod.add_parser(sub)
        p.set_defaults(_main=mod.main)
    return parser


def main(argv: list[str] | None = None) -> int:
    from sim.scenario import ScenarioError

    args = build_parser().parse_args(argv)
    try:
        return int(args._main(args) or 0)
    except ScenarioError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
