"""Argument types that range-check what the user typed, so a bad value is a one-line usage
error (``--seed -1``, ``--steps 0``, ``--chunk-size -3``) instead of a traceback, an empty run
or an endless loop later on."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

#: Seeds are non-negative and fit numpy's seed sequence (the scenario loader's bound).
MAX_SEED = 2**63 - 1


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line on stderr (exit code 2)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


class DefaultsFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """``--help`` shows each option's default, except where there is none to show (flags, and
    options whose help already says what happens by default)."""

    def _get_help_string(self, action: argparse.Action) -> str:
        if action.default in (None, False) or "default" in (action.help or ""):
            return action.help or ""
        return super()._get_help_string(action)


def console():  # -> rich.console.Console
    """A Rich console that never cuts a table at 80 columns when the output is not a
    terminal (a pipe, a file, CI): there it is 200 columns wide; on a terminal, its width."""
    from rich.console import Console

    return Console() if sys.stdout.isatty() else Console(width=200)


def int_range(lo: int, hi: int | None = None, what: str = "") -> Callable[[str], int]:
    """An argparse type: a whole number in ``[lo, hi]``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < lo or (hi is not None and value > hi):
            bound = f"between {lo} and {hi}" if hi is not None else f"at least {lo}"
            raise argparse.ArgumentTypeError(f"must be {bound}, got {value}")
        return value

    parse.__name__ = what or "int"
    return parse


seed = int_range(0, MAX_SEED, "seed")
positive = int_range(1, 10**9, "positive int")


def scheduler_address(text: str) -> str:
    """A Dask scheduler address: ``SCHEME://HOST:PORT`` (tcp, tls, ws, wss, ucx, inproc)."""
    m = re.fullmatch(r"(tcp|tls|ws|wss|ucx|inproc)://([^\s/:]+|\[[0-9a-fA-F:]+\])(?::(\d{1,5}))?/?", text)
    if not m or (m.group(3) is not None and not 0 < int(m.group(3)) < 65536):
        raise argparse.ArgumentTypeError(f"expected an address like tcp://HOST:8786, got {text!r}")
    return text


def out_dir(text: str) -> Path:
    """An output folder: may not exist yet, but must not be an existing file."""
    p = Path(text)
    if p.exists() and not p.is_dir():
        raise argparse.ArgumentTypeError(f"{text} exists and is not a folder")
    return p


def out_file(text: str) -> Path:
    """An output file: may exist (the command says whether it replaces it), not as a folder."""
    p = Path(text)
    if p.is_dir():
        raise argparse.ArgumentTypeError(f"{text} is a folder, not a file")
    return p


def fail(message: str) -> NoReturn:
    """Report a usage problem found after parsing, in one line, and exit with 2."""
    print(f"error: {message}", file=sys.stderr)
    raise SystemExit(2)
