"""``tradeblocs viz``: the model in the browser (Mesa SolaraViz), served from this machine only."""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

#: The Solara app, by module path (``solara run sim/viz/app.py`` works too).
APP = "tradeblocs.sim.viz.app"
HOST = "127.0.0.1"
#: Settings that keep Solara from calling home: no telemetry, no "made with Solara" banner.
OFFLINE_ENV = {"SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False", "SOLARA_THEME_SHOW_BANNER": "False"}


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    from .cliargs import int_range

    p = sub.add_parser(
        "viz",
        help="open the model in the browser (Mesa SolaraViz; works offline)",
        description="Start the browser app on 127.0.0.1 and print its address. Stop it with Ctrl-C.",
    )
    p.add_argument(
        "scenario", nargs="?", default=None,
        help="scenario to open (a name in scenarios/ or a path; default: the baseline)",
    )  # fmt: skip
    p.add_argument("--port", type=int_range(0, 65535, "port"), default=8765,
                   help="port (default 8765; 0 picks a free one)")  # fmt: skip
    return p


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def port_taken(port: int) -> bool:
    """Whether a server already listens on ``port`` (bound like uvicorn binds, with
    SO_REUSEADDR, so a port still in TIME_WAIT after a previous run counts as free)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((HOST, port))
        except OSError:
            return True
    return False


def scenario_arg(name: str | None) -> str | None:
    """The scenario as the app takes it: a bare name for files in ``scenarios/`` (so the picker
    shows it), an absolute path for any other file. Loads it first, so a bad file fails here
    with the loader's clear message rather than in the browser."""
    if name is None:
        return None
    from tradeblocs.sim.scenario import SCENARIO_DIR, load_scenario, resolve_path

    path = resolve_path(name).resolve()
    load_scenario(path)
    return path.stem if path.parent == SCENARIO_DIR.resolve() else str(path)


def solara_command(port: int) -> list[str]:
    """``solara run`` in production mode (no dev-mode checks that fetch from solara.dev), without
    its PyPI version check or opening a browser."""
    return [sys.executable, "-m", "solara", "run", APP, "--host", HOST, "--port", str(port),
            "--production", "--no-open", "--no-check-version"]  # fmt: skip


def server_env(scenario: str | None) -> dict[str, str]:
    """The server's environment: ours, the offline settings (unless the user set them) and the
    scenario the app opens with."""
    from tradeblocs.sim.viz.controls import SCENARIO_ENV

    env = dict(os.environ)
    for k, v in OFFLINE_ENV.items():
        env.setdefault(k, v)
    if scenario:
        env[SCENARIO_ENV] = scenario
    else:
        env.pop(SCENARIO_ENV, None)
    return env


def main(args: argparse.Namespace) -> int:
    scenario = scenario_arg(args.scenario)
    port = args.port or free_port()
    if port_taken(port):
        print(f"error: port {port} is in use; try --port 0 for a free one", file=sys.stderr)
        return 2
    from tradeblocs.sim.model import DEFAULT_SCENARIO

    shown = scenario or DEFAULT_SCENARIO
    print(f"tradeblocs viz: {shown} at http://{HOST}:{port}/  (Ctrl-C stops it)", flush=True)
    from .procs import _die_with_parent

    # the server dies with this command even if it is killed outright (PR_SET_PDEATHSIG)
    proc = subprocess.Popen(solara_command(port), env=server_env(scenario), cwd=Path.cwd(),
                            preexec_fn=_die_with_parent)  # fmt: skip
    try:
        return proc.wait()
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM (analysis.procs): stop the server, briefly
        stop_server(proc)
        return 130


def stop_server(proc: subprocess.Popen, grace: float = 1.5) -> None:
    """SIGINT the server (Ctrl-C in a terminal already sent it one), then SIGKILL it if it is
    still serving after ``grace`` seconds."""
    import contextlib

    with contextlib.suppress(ProcessLookupError):
        proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)
