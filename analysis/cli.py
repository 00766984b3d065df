"""The ``tradeblocs`` command line: one subcommand per module, each with ``add_parser``/``main``.

Only the module of the command being run is imported, so a slow or heavy import (Dask, Solara)
costs nothing to the others. The stop signals are routed first of all (``analysis.procs``), so a
Ctrl-C at any moment, even while the heavy modules load, ends the command with one line and no
traceback. Every error the user can cause (a bad file, a bad argument, a full disk) is one
line on stderr with exit code 2.
"""

from __future__ import annotations

import _signal  # the interpreter's builtin: no file to load, so the handler is set at once
import sys

if __name__ == "__main__" or sys.argv[0].rsplit("/", 1)[-1] == "tradeblocs":  # the command itself
    _signal.signal(_signal.SIGINT, lambda *_: sys.exit(130))  # until main() takes over

import argparse  # noqa: E402
import importlib  # noqa: E402
import os  # noqa: E402

#: subcommand -> (module with ``add_parser(subparsers)`` and ``main(args)``, one-line help)
COMMANDS = {
    "run": ("tradeblocs.analysis.run_cmd", "run a scenario file and write its results"),
    "score": ("tradeblocs.analysis.score", "score a run (or a folder of seeded runs) against the record"),
    "calibrate": (
        "tradeblocs.analysis.calibrate",
        "fit the weights to the record; out-of-sample test; ablations",
    ),
    "sweep": (
        "tradeblocs.analysis.sweep",
        "run many (parameter point, seed) pairs, resumable, local or Dask",
    ),
    "compare": ("tradeblocs.analysis.compare", "counterfactuals against the baseline with paired seeds"),
    "sensitivity": ("tradeblocs.analysis.sensitivity", "global sensitivity analysis with SALib"),
    "report": ("tradeblocs.analysis.report", "figures and a self-contained HTML report of a run"),
    "viz": ("tradeblocs.analysis.viz_cmd", "the browser visualisation (Mesa SolaraViz)"),
}


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("tradeblocs")
    except PackageNotFoundError:  # a source tree that was never installed
        return "unknown (not installed)"


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    from .cliargs import OneLineParser

    parser = OneLineParser(
        prog="tradeblocs",
        description="Agent-based model of the Americas' split between US FTAs and US-excluding blocs.",
    )
    parser.add_argument("--version", action="version", version=f"tradeblocs {_version()}")
    parser.add_argument(
        "--scenarios",
        metavar="DIR",
        action="append",
        default=[],
        help="a folder of your own scenario files, searched for bare names before the shipped "
        "ones (repeatable; also $TRADEBLOCS_SCENARIOS)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=OneLineParser)
    for name, (module, help_) in COMMANDS.items():
        if name == command:
            mod = importlib.import_module(module)
            p = mod.add_parser(sub)
            p.set_defaults(_main=mod.main)
        else:
            sub.add_parser(name, help=help_, add_help=False)
    return parser


def _oserror_line(e: OSError) -> str:
    """An OSError as one line: the file and the system's reason (disk full, read-only...)."""
    where = f"{e.filename}: " if getattr(e, "filename", None) else ""
    return f"{where}{e.strerror or e}"


def main(argv: list[str] | None = None) -> int:
    from . import procs

    procs.install()
    try:
        return _main(argv)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 128 + (procs.received() or _signal.SIGINT)


def _main(argv: list[str] | None) -> int:
    from tradeblocs.sim.inputs import InputError

    argv = sys.argv[1:] if argv is None else argv
    command = next((a for a in argv if a in COMMANDS), None)
    args = build_parser(command).parse_args(argv)
    if args.scenarios:
        from tradeblocs.sim.scenario import SCENARIO_PATH_ENV

        for d in args.scenarios:
            if not os.path.isdir(d):
                print(f"error: --scenarios {d}: not a folder", file=sys.stderr)
                return 2
        old = os.environ.get(SCENARIO_PATH_ENV, "")
        os.environ[SCENARIO_PATH_ENV] = os.pathsep.join([*args.scenarios, *filter(None, [old])])
    try:
        return int(args._main(args) or 0)
    except InputError as e:  # ScenarioError and SweepError are kinds of InputError
        print(f"error: {e}", file=sys.stderr)
        return 2
    except OSError as e:  # a missing file, a full disk, a read-only folder: one line
        print(f"error: {_oserror_line(e)}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
