"""Stopping cleanly: signals in the command and in its worker processes.

Why this exists: a sweep or a calibration spends its time in worker processes. Left to Python's
defaults, Ctrl-C raises KeyboardInterrupt in every process of the terminal's process group (a
traceback from each worker), the pool waits for the work in hand before it stops (tens of
seconds), SIGTERM kills the main process alone, and a killed main process leaves its workers
running. Here:

- the command turns its first SIGINT or SIGTERM into KeyboardInterrupt in the main thread (the
  commands catch it, stop their workers and save what finished); a second one exits at once;
- worker processes ignore SIGINT (the main process decides), die with the main process
  (``PR_SET_PDEATHSIG`` on Linux, and a watchdog thread that polls the parent elsewhere), and
  are terminated, not waited for, when the command stops;
- ``shielded()`` defers the first signal over a short step that should not be cut (merging
  finished results); a second signal still exits at once (every file is written atomically).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time
import weakref
from collections.abc import Iterator
from typing import Any

#: The signals that stop a command.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)

_main_pid: int | None = None
_received: list[int] = []
_shield_depth = 0
_deferred: list[int] = []


def install() -> None:
    """Route SIGINT and SIGTERM of this (main) process through ``_on_signal``."""
    global _main_pid
    _main_pid = os.getpid()
    for sig in STOP_SIGNALS:
        signal.signal(sig, _on_signal)
    if not getattr(sys.unraisablehook, "_tradeblocs", False):
        sys.unraisablehook = _redeliver(sys.unraisablehook)


def _redeliver(hook: Any) -> Any:
    """An unraisable-exception hook for the stop signal: a first signal whose KeyboardInterrupt
    was raised inside a callback Python can only report (a weakref's during an import, at
    start-up) is delivered again, so it stops the command instead of printing a traceback and
    being lost; anything else goes to ``hook``."""

    def handle(unraisable: Any) -> None:
        if isinstance(unraisable.exc_value, KeyboardInterrupt) and _received and os.getpid() == _main_pid:
            # sent from a timer thread: sent from here, the handler would raise inside this hook
            threading.Timer(0.01, os.kill, (os.getpid(), _received.pop())).start()
            return
        hook(unraisable)

    handle._tradeblocs = True  # type: ignore[attr-defined]
    return handle


def received() -> int | None:
    """The first stop signal received, if any (for the exit code, 128 + signal)."""
    return _received[0] if _received else None


def _on_signal(signum: int, _frame: Any) -> None:
    if os.getpid() != _main_pid:  # a forked child before its initializer ran: the parent decides
        return
    _received.append(signum)
    if len(_received) > 1:
        kill_children()
        os.write(2, b"interrupted again: stopped at once\n")
        os._exit(128 + _received[0])
    if _shield_depth:
        _deferred.append(signum)
        return
    raise KeyboardInterrupt


@contextlib.contextmanager
def shielded() -> Iterator[None]:
    """Defer a first stop signal until the block ends (a second one still exits at once)."""
    global _shield_depth
    _shield_depth += 1
    try:
        yield
    finally:
        _shield_depth -= 1
    if not _shield_depth and _deferred:
        _deferred.clear()
        raise KeyboardInterrupt


@contextlib.contextmanager
def signals_blocked() -> Iterator[None]:
    """Block the stop signals in this thread while worker processes start: a child inherits the
    blocked mask and unblocks it only once ``worker_init`` has set its own handlers, so a Ctrl-C
    during a worker's start-up cannot print a traceback there. Signals that arrive meanwhile are
    delivered to this process when the block ends."""
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - not POSIX
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        with shielded():
            yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def kill_children() -> None:
    """SIGKILL every child process this process started with multiprocessing (best effort)."""
    import multiprocessing

    for p in multiprocessing.active_children():
        with contextlib.suppress(Exception):
            p.kill()


# ---------------------------------------------------------------------------------------------
# worker side


def _die_with_parent() -> None:
    """Ask Linux to SIGKILL this process when the thread that started it exits."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _watch(parent_pid: int, ppid: int, interval: float) -> None:
    while True:
        time.sleep(interval)
        if os.getppid() != ppid or not _alive(parent_pid):
            os._exit(1)


def worker_init(parent_pid: int, interval: float = 0.5) -> None:
    """Initializer of every worker process: ignore Ctrl-C (the main process stops us), die on
    SIGTERM without a traceback, and never outlive the main process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    _die_with_parent()
    ppid = os.getppid()
    if not _alive(parent_pid):
        os._exit(1)
    threading.Thread(target=_watch, args=(parent_pid, ppid, interval), daemon=True).start()


#: threads whose uncaught exceptions are not shown: the manager threads of pools torn down on
#: purpose, which can trip over the futures they were handling (nobody waits for those)
_SILENCED: weakref.WeakSet = weakref.WeakSet()
_HOOK_INSTALLED = False


def _silence(thread: threading.Thread | None) -> None:
    """Keep ``thread``'s uncaught exception off stderr (threading.excepthook)."""
    global _HOOK_INSTALLED
    if thread is None:
        return
    _SILENCED.add(thread)
    if not _HOOK_INSTALLED:
        previous = threading.excepthook

        def hook(args: Any) -> None:
            if args.thread not in _SILENCED:
                previous(args)

        threading.excepthook = hook
        _HOOK_INSTALLED = True


def terminate_pool(pool: Any, grace: float = 0.5) -> None:
    """Stop a ``ProcessPoolExecutor`` now: cancel what is queued, SIGTERM its workers, SIGKILL
    any still alive after ``grace`` seconds. The work they had in hand is lost (the callers save
    finished work as it finishes)."""
    procs = list((getattr(pool, "_processes", None) or {}).values())
    manager = getattr(pool, "_executor_manager_thread", None)
    _silence(manager)
    with contextlib.suppress(Exception):
        pool.shutdown(wait=False, cancel_futures=True)
    # Python 3.11's pool manager thread, on seeing its workers die, sets an exception on every
    # pending future and fails (a traceback on stderr) on one already cancelled; nobody waits
    # for these futures any more, so forget them first
    with contextlib.suppress(Exception):
        pool._pending_work_items.clear()
    for p in procs:
        with contextlib.suppress(Exception):
            p.terminate()
    deadline = time.monotonic() + grace
    for p in procs:
        with contextlib.suppress(Exception):
            p.join(max(0.0, deadline - time.monotonic()))
            if p.is_alive():
                p.kill()
                p.join(0.5)
    # with its workers gone the manager thread closes its wake-up pipe and ends; Python 3.11's
    # exit hook writes to that pipe without the pool's lock, so a manager still closing it at
    # exit prints "Exception ignored ... Bad file descriptor" (CI caught one): let it end first
    if manager is not None:
        with contextlib.suppress(RuntimeError):  # never started
            manager.join(grace)
