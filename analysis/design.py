"""What a many-run experiment runs: points, replicates, their seeds, and the manifest that
keeps a resumed experiment the same experiment.

A *run* is a (scenario, overrides, seed) triple. Runs are grouped into *points* (one scenario
with one set of overrides) times *replicates*; replicate ``k`` of every point gets the same
seed, derived from the base scenario's seed and ``k`` alone (common random numbers), so a
difference between two points is the change, not the noise, and no result depends on which
worker ran it or in what order.
"""

from __future__ import annotations

import json
import os
import shlex
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
from tradeblocs import sim
from tradeblocs.sim.scenario import (
    Scenario,
    ScenarioError,
    load_scenario,
    overrides_as_mapping,
    resolve_path,
    validate,
    with_overrides,
)

#: The columns that identify a run in the results.
KEY = ["point", "replicate"]
MANIFEST = "design.json"
#: Result columns a sweep sets itself, so no override may take their names.
RESERVED = frozenset(
    {
        "point",
        "replicate",
        "seed",
        "scenario",
        "scenario_hash",
        "version",
        "overrides",
        "replay",
        "status",
        "error",
        "elapsed_s",
        "steps",
        "end_date",
        "n_events",
        "n_chosen",
    }
)


class SweepError(ScenarioError):
    """An experiment cannot start or resume as asked; the message says why and what to do.

    A kind of ScenarioError, so the command line reports it as a usage error (exit code 2)."""


# ---------------------------------------------------------------------------------------------
# seeds and points


def derive_seed(base_seed: int, replicate: int) -> int:
    """Seed of replicate ``replicate``: a function of the scenario seed and the index only.

    Uses numpy's SeedSequence so neighbouring indices give unrelated streams; the result is a
    32-bit integer that ``tradeblocs run --seed`` accepts.
    """
    return int(np.random.SeedSequence([base_seed % 2**63, replicate]).generate_state(1)[0])


def resolve_point(base: Scenario, overrides: dict[str, Any], origin: str = "") -> Scenario:
    """The scenario ``base`` with ``overrides`` applied and validated (a ScenarioError names the
    override and the problem)."""
    if not overrides:
        return base
    raw = with_overrides(base.model_dump(mode="json", exclude_none=True), overrides)
    where = origin or base.name
    shown = ", ".join(f"{k}={v!r}" for k, v in overrides.items())
    return validate(raw, f"{where} with {shown}")


@dataclass(frozen=True)
class Point:
    """One scenario with one set of overrides; ``replay_file`` is a YAML that loads as it."""

    id: str
    scenario_file: str
    overrides: dict[str, Any] = field(default_factory=dict)
    replay_file: str = ""

    def as_json(self) -> dict:
        """The point as the manifest records it."""
        return {
            "id": self.id,
            "scenario_file": self.scenario_file,
            "overrides": self.overrides,
            "replay_file": self.replay_file,
        }


@dataclass(frozen=True)
class RunSpec:
    """Everything a worker needs for one run (picklable, small)."""

    point: str
    replicate: int
    seed: int
    overrides: dict[str, Any]
    replay_file: str
    steps: int | None = None
    fit: bool = True
    timeseries: bool = False


@dataclass(frozen=True)
class Chunk:
    """Runs sent to a worker together; they share a base scenario, shipped with them so
    workers need no access to the scenario files."""

    base: Scenario
    base_hash: str
    specs: tuple[RunSpec, ...]


@dataclass
class Design:
    """What to run: points times replicates, seeded from ``base_seed``."""

    kind: str
    points: list[Point]
    replicates: int
    base_seed: int
    steps: int | None = None
    fit: bool = True
    timeseries: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def manifest(self, hashes: dict[str, str]) -> dict[str, Any]:
        """The ``design.json`` of this design: what a resume must match, and how it was made."""
        return {
            "kind": self.kind,
            "version": sim.__version__,
            "created": datetime.now().isoformat(timespec="seconds"),
            "command": " ".join(shlex.quote(a) for a in sys.argv),
            "base_seed": self.base_seed,
            "replicates": self.replicates,
            "steps": self.steps,
            "fit": self.fit,
            "timeseries": self.timeseries,
            "scenario_hashes": hashes,
            "points": [p.as_json() for p in self.points],
            "extra": self.extra,
        }


def load_bases(points: list[Point]) -> dict[str, tuple[Scenario, str]]:
    """Each distinct scenario file, loaded once, with its content hash."""
    out: dict[str, tuple[Scenario, str]] = {}
    for p in points:
        if p.scenario_file not in out:
            sc = load_scenario(p.scenario_file)
            out[p.scenario_file] = (sc, sc.content_hash())
    return out


def check_points(points: list[Point], bases: dict[str, tuple[Scenario, str]]) -> None:
    """Fail before anything runs if a point overrides a result column or does not load."""
    for p in points:
        clash = RESERVED & set(p.overrides)
        if clash:
            raise SweepError(
                f"cannot vary {', '.join(sorted(clash))}: a result column of that "
                "name is set by the sweep itself (seeds come from --replicates)"
            )
        resolve_point(bases[p.scenario_file][0], p.overrides, p.scenario_file)


def pending_specs(design: Design, done: set[tuple[str, int]]) -> list[tuple[str, RunSpec]]:
    """The runs of ``design`` not in ``done``, point by point, each with its scenario file."""
    seeds = [derive_seed(design.base_seed, k) for k in range(design.replicates)]
    return [
        (
            p.scenario_file,
            RunSpec(
                p.id,
                k,
                seeds[k],
                p.overrides,
                p.replay_file,
                design.steps,
                design.fit,
                design.timeseries,
            ),
        )
        for p in design.points
        for k in range(design.replicates)
        if (p.id, k) not in done
    ]


def make_chunks(
    specs: list[tuple[str, RunSpec]], bases: dict[str, tuple[Scenario, str]], size: int
) -> list[Chunk]:
    """Consecutive runs of the same base scenario, ``size`` at a time."""
    out: list[Chunk] = []
    i = 0
    while i < len(specs):
        f = specs[i][0]
        j = i
        while j < len(specs) and j - i < size and specs[j][0] == f:
            j += 1
        base, h = bases[f]
        out.append(Chunk(base, h, tuple(s for _, s in specs[i:j])))
        i = j
    return out


def auto_chunk_size(n_runs: int, workers: int) -> int:
    """Small enough to spread the work and keep the progress bar moving (about four chunks per
    worker, at most 64 runs: well under a second of work, all a killed sweep can lose), large
    enough to keep per-chunk overhead (a Parquet part written and synced) small."""
    return max(1, min(64, n_runs // max(1, workers * 4)))


# ---------------------------------------------------------------------------------------------
# the manifest: a resume adds to the same experiment or refuses


#: manifest keys that must match for a resume to add to the same experiment
_MUST_MATCH = (
    "kind",
    "base_seed",
    "steps",
    "fit",
    "timeseries",
    "scenario_hashes",
    "points",
    "extra",
)


def _comparable(manifest: dict, key: str) -> Any:
    """A manifest entry as JSON would give it back, without where replay files live."""
    value = json.loads(json.dumps(manifest.get(key), default=str))
    if key == "points" and value:
        value = [{k: v for k, v in p.items() if k != "replay_file"} for p in value]
    return value


def check_manifest(out: Path, new: dict, resume: bool) -> None:
    """Refuse to mix a new experiment into a folder with results, or to resume a different one."""
    path = out / MANIFEST
    if not resume:
        ran = (out / "results.parquet").exists() or any((out / "parts").glob("runs-*.parquet"))
        if ran:
            raise SweepError(
                f"{out} already holds results: add --resume to finish or extend them, or choose another --out"
            )
        return
    if not path.exists():
        raise SweepError(f"--resume: {out} has no {MANIFEST}; nothing to resume there")
    old = json.loads(path.read_text(encoding="utf-8"))
    for key in _MUST_MATCH:
        if _comparable(old, key) != _comparable(new, key):
            what = "the scenario files changed since" if key == "scenario_hashes" else f"{key} differs from"
            raise SweepError(
                f"--resume: {what} the experiment in {out} (see {path}); "
                "rerun with the same arguments, or start a new --out"
            )
    if old.get("version") != new["version"]:
        print(
            f"warning: {out} was started with tradeblocs {old.get('version')}, this is {new['version']}",
            file=sys.stderr,
        )


# ---------------------------------------------------------------------------------------------
# replaying a run


def replay_command(spec: RunSpec) -> str:
    """The ``tradeblocs run`` command that repeats this run exactly."""
    cmd = f"tradeblocs run {shlex.quote(spec.replay_file)} --seed {spec.seed}"
    return cmd + (f" --steps {spec.steps}" if spec.steps is not None else "")


def replay_path(point: Point, out: Path) -> str:
    """The YAML file that loads as this point: the scenario itself, or (with overrides) a small
    file in ``out/points/`` that extends it."""
    return str(out / "points" / f"{point.id}.yaml") if point.overrides else point.scenario_file


def write_point_files(points: Iterable[Point]) -> None:
    """Write each point's replay file, so ``tradeblocs run FILE --seed S`` repeats a run."""
    import yaml

    for p in points:
        if not p.overrides:
            continue
        path = Path(p.replay_file)
        path.parent.mkdir(parents=True, exist_ok=True)
        base = resolve_path(p.scenario_file).resolve()
        body = {
            "extends": os.path.relpath(base, path.parent.resolve()),
            **overrides_as_mapping(p.overrides),
        }
        text = (
            f"# point {p.id}: {json.dumps(p.overrides, default=str)}\n"
            f"# replay a run: tradeblocs run {path} --seed SEED (seeds are in results.parquet)\n"
            + yaml.safe_dump(body, sort_keys=False)
        )
        path.write_text(text, encoding="utf-8")
