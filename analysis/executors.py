"""Where the runs of an experiment execute: in this process, a local process pool, or a Dask
distributed cluster (``--scheduler tcp://HOST:PORT``), behind one interface.

An executor maps a picklable function over a list of items (chunks of runs) and yields each
result as it finishes, tagged with the item's index; it knows nothing about models, so the run
code and the executors can change apart.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from typing import Protocol, TypeVar

from .design import SweepError

T = TypeVar("T")
R = TypeVar("R")


class Executor(Protocol):
    """Runs ``task`` on each item and yields ``(index, result)`` as each finishes, or
    ``(index, exception)`` when the infrastructure (not the model) failed for that item."""

    workers: int

    def run(self, task: Callable[[T], R], items: list[T]) -> Iterator[tuple[int, R | BaseException]]: ...

    def close(self, cancel: bool = False) -> None: ...


class SerialExecutor:
    """Runs in this process: one worker, easiest to debug (``--workers 1``)."""

    workers = 1

    def run(self, task: Callable[[T], R], items: list[T]) -> Iterator[tuple[int, R | BaseException]]:
        """Each item in turn, in this process."""
        for i, item in enumerate(items):
            yield i, task(item)

    def close(self, cancel: bool = False) -> None:
        """Nothing to release."""


def _mp_context(preload: Sequence[str] = ()) -> multiprocessing.context.BaseContext:
    """How worker processes start. Forking is cheapest (workers begin with everything
    imported) and safe while this process has a single thread; once it has more (a Dask client,
    a progress-bar monitor), a fork could copy a lock some thread holds, so workers come from a
    fork server that has imported ``preload`` (the run code) instead. Mesa sets the global
    start method to spawn on import, so the choice is made explicitly here; spawn where fork
    does not exist."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and sys.platform == "linux" and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(list(preload))
        return ctx
    return multiprocessing.get_context("spawn")


class ProcessExecutor:
    """A local pool of worker processes (the default: one per core). Workers ignore Ctrl-C and
    die with this process (``analysis.procs.worker_init``); a cancelled run terminates them
    rather than waiting for the work in hand."""

    def __init__(self, workers: int, preload: Sequence[str] = ()) -> None:
        from .procs import worker_init

        self.workers = workers
        self.pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=_mp_context(preload),
            initializer=worker_init,
            initargs=(os.getpid(),),
        )

    def run(self, task: Callable[[T], R], items: list[T]) -> Iterator[tuple[int, R | BaseException]]:
        """Submit every item at once; yield them in the order they finish."""
        from .procs import signals_blocked

        with signals_blocked():  # workers start here; they set their own handlers first
            futures = {self.pool.submit(task, item): i for i, item in enumerate(items)}
        for fut in as_completed(futures):
            exc = fut.exception()
            yield futures[fut], (exc if exc is not None else fut.result())

    def close(self, cancel: bool = False) -> None:
        """Wait for the workers to finish, or (``cancel``) terminate them at once."""
        if cancel:
            from .procs import terminate_pool

            terminate_pool(self.pool)
        else:
            self.pool.shutdown(wait=True)


class DaskExecutor:
    """A Dask distributed cluster: the same chunks, sent to ``address`` (tcp://HOST:PORT).

    The workers need this package installed (same version); scenario files need not be
    shared, since each chunk carries its resolved base scenario (data tables a scenario names
    under ``data:`` must exist on the workers at the same paths).
    """

    def __init__(self, address: str) -> None:
        from distributed import Client

        try:
            self.client = Client(address, timeout="20s")
        except OSError as e:
            raise SweepError(f"cannot reach the Dask scheduler at {address}: {e}") from None
        self.workers = max(1, sum(self.client.nthreads().values()))
        self._futures: list = []

    def run(self, task: Callable[[T], R], items: list[T]) -> Iterator[tuple[int, R | BaseException]]:
        """Map the items on the cluster; yield them as they finish, releasing each result."""
        from distributed import as_completed as dask_completed

        self._futures = self.client.map(task, items, pure=False)
        index = {f.key: i for i, f in enumerate(self._futures)}
        for fut in dask_completed(self._futures):
            try:
                res: R | BaseException = fut.result()
            except Exception as e:  # e.g. KilledWorker: reported, and resumable
                res = e
            yield index[fut.key], res
            fut.release()

    def close(self, cancel: bool = False) -> None:
        """Disconnect from the cluster, cancelling the work sent if asked."""
        import contextlib

        with contextlib.suppress(Exception):
            if cancel and self._futures:
                self.client.cancel(self._futures, asynchronous=False)
            self.client.close(timeout=1 if cancel else 10)


def default_workers() -> int:
    """All cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def make_executor(
    workers: int | None, scheduler: str | None, n_chunks: int, preload: Sequence[str] = ()
) -> Executor:
    """The cluster at ``scheduler`` if given, else a pool of at most ``workers`` processes (no
    more than there are chunks), or this process alone for one worker."""
    if scheduler:
        return DaskExecutor(scheduler)
    w = min(workers or default_workers(), max(n_chunks, 1))
    return SerialExecutor() if w <= 1 else ProcessExecutor(w, preload)


def describe_loss(exc: BaseException) -> str:
    """Why the runs of a chunk were lost, in words for the user."""
    if isinstance(exc, BrokenProcessPool):
        return (
            "a worker process died (out of memory, killed, or a crash in native code); "
            "the runs it and the other workers had in hand were not recorded"
        )
    return f"{type(exc).__name__}: {exc}"
