"""An experiment's results folder, written so that a killed process loses only the runs in
flight.

Results go to the folder one small Parquet part per finished chunk of runs, written atomically
(temporary file, fsync, rename); a ``--resume`` runs exactly the (point, replicate) keys not yet
on disk. At the end the parts are merged into ``results.parquet`` and ``spells.parquet``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .design import KEY

#: Tables written next to the result rows, one row per spell / per step of a run.
AUX_TABLES = ("spells", "timeseries")


@dataclass
class RunResult:
    """One run as the store keeps it: its result row and its rows of the auxiliary tables."""

    row: dict[str, Any]
    tables: dict[str, list[dict]]


@dataclass
class ChunkResult:
    """A chunk of runs as a worker hands it back: each run's result row, and the chunk's
    auxiliary tables already in columns (built by the worker, so the process that writes the
    parts, which shares the cores with the workers, only writes them)."""

    rows: list[dict[str, Any]]
    aux: dict[str, Any]  # table name -> pyarrow.Table

    @classmethod
    def of(cls, results: list[RunResult]) -> ChunkResult:
        """The chunk of these runs: their rows, and their auxiliary rows table by table."""
        aux = {}
        for table in AUX_TABLES:
            rows = [r for res in results for r in res.tables.get(table, ())]
            if rows:
                aux[table] = rows_to_table(rows)
        return cls([r.row for r in results], aux)


def rows_to_table(rows: list[dict]) -> Any:
    """Rows as dicts straight to an Arrow table (a third of the time of a pandas round trip);
    its columns are the union of the rows' keys in order of appearance, so a failed run first
    loses nothing."""
    import pyarrow as pa

    keys = list(dict.fromkeys(k for row in rows for k in row))
    return pa.table({k: [row.get(k) for row in rows] for k in keys})


def _atomic_parquet(data: Any, path: Path) -> None:
    """Write a frame, an Arrow table or rows as dicts (rows_to_table) so that ``path`` either
    does not exist or is complete."""
    import pyarrow.parquet as pq

    tmp = path.with_name(f".{path.name}.tmp")
    if isinstance(data, pd.DataFrame):
        data.to_parquet(tmp, index=False)
    else:
        pq.write_table(rows_to_table(data) if isinstance(data, list) else data, tmp)
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)


class ResultStore:
    """A sweep's folder: ``design.json``, ``parts/`` while running, then ``results.parquet``
    (one row per run) and ``spells.parquet`` (and ``timeseries.parquet`` if asked).

    A chunk's auxiliary tables are written before its result rows, and a chunk counts as done
    only once its ``runs-N.parquet`` exists; spells without their runs file are leftovers of a
    killed process and are removed.
    """

    def __init__(self, out: Path) -> None:
        self.out = out
        self.parts = out / "parts"
        self.parts.mkdir(parents=True, exist_ok=True)
        for tmp in self.parts.glob(".*.tmp"):
            tmp.unlink()
        runs = {self._seq(p) for p in self.parts.glob("runs-*.parquet")}
        for table in AUX_TABLES:
            for p in self.parts.glob(f"{table}-*.parquet"):
                if self._seq(p) not in runs:
                    p.unlink()
        self._next = max(runs, default=-1) + 1

    @staticmethod
    def _seq(path: Path) -> int:
        """The sequence number of a part file (``runs-000012.parquet`` -> 12)."""
        return int(path.stem.rsplit("-", 1)[1])

    def _files(self, table: str) -> list[tuple[int, Path]]:
        """The merged file of ``table`` (sequence -1) if any, then its parts in order."""
        files = sorted((self._seq(p), p) for p in self.parts.glob(f"{table}-*.parquet"))
        whole = self.out / f"{'results' if table == 'runs' else table}.parquet"
        return ([(-1, whole)] if whole.exists() else []) + files

    def done(self, retry_failed: bool = False) -> set[tuple[str, int]]:
        """Keys of runs on disk (failed ones too, unless they are to be retried)."""
        keys: set[tuple[str, int]] = set()
        for _, p in self._files("runs"):
            df = pd.read_parquet(p, columns=[*KEY, "status"])
            if retry_failed:
                df = df[df["status"] == "ok"]
            keys.update(zip(df["point"], df["replicate"].astype(int), strict=True))
        return keys

    def write(self, chunk: ChunkResult) -> None:
        """One chunk's results as new parts: the auxiliary tables first, the result rows last."""
        seq = self._next
        self._next += 1
        for table in AUX_TABLES:
            if table in chunk.aux:
                _atomic_parquet(chunk.aux[table], self.parts / f"{table}-{seq:06d}.parquet")
        _atomic_parquet(chunk.rows, self.parts / f"runs-{seq:06d}.parquet")

    def read(self, table: str) -> pd.DataFrame:
        """Every row of ``table`` on disk, merged file and parts, with the part each came from."""
        frames = []
        for seq, p in self._files(table):
            df = pd.read_parquet(p)
            df["_part"] = seq
            frames.append(df)
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def consolidate(self, order: list[str]) -> pd.DataFrame:
        """Merge the parts into the final files (latest row per key wins) and return the rows."""
        runs = self.read("runs")
        if runs.empty:
            return runs
        runs = runs.drop_duplicates(KEY, keep="last")
        rank = {p: i for i, p in enumerate(order)}
        runs = runs.assign(_o=runs["point"].map(rank)).sort_values(["_o", "replicate"])
        kept = set(zip(runs["point"], runs["replicate"], runs["_part"], strict=True))
        for table in AUX_TABLES:
            aux = self.read(table)
            if aux.empty:
                continue
            mask = [k in kept for k in zip(aux["point"], aux["replicate"], aux["_part"], strict=True)]
            aux = aux[mask].assign(_o=lambda d: d["point"].map(rank))
            aux = aux.sort_values(["_o", "replicate"], kind="stable").drop(columns=["_o", "_part"])
            _atomic_parquet(aux.reset_index(drop=True), self.out / f"{table}.parquet")
        runs = runs.drop(columns=["_o", "_part"]).reset_index(drop=True)
        _atomic_parquet(runs, self.out / "results.parquet")
        for p in self.parts.glob("*.parquet"):
            p.unlink()
        return runs


def load_results(out: Path) -> pd.DataFrame:
    """All result rows in a sweep folder, finished or not (latest row per key)."""
    runs = ResultStore(out).read("runs")
    return runs if runs.empty else runs.drop_duplicates(KEY, keep="last").drop(columns="_part")
