"""The fit of a run to the documented history: statuses, timing, and (over seeds) the Brier score.

Only the agents' own choices count: a status that began with a scenario-imposed (forced) event
is left out of the score, and so is a documented event whose simulated match was forced; both
are counted and reported.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from sim.dates import parse_date
from sim.tables import LAC19

from .history import (
    BLOCS,
    FIRST_YEAR,
    LAST_YEAR,
    POSITIVE,
    history_cells,
    load_history,
    status_class,
)

CLASSES = (*POSITIVE, "other")
#: documented actions scored for timing, and the simulated actions that count as the same
TIMING = {
    "requested": {"requested"},
    "negotiating": {"negotiating"},
    "signed": {"signed"},
    "ratified": {"ratified"},
    "in_force": {"in_force"},
    "joined": {"joined", "founded"},
    "founded": {"founded", "joined"},
    "acceding": {"acceding"},
    "left": {"left", "withdrew"},
    "suspended": {"suspended"},
    "readmitted": {"readmitted"},
    "lapsed": {"lapsed", "left"},
    "suspended_talks": {"suspended_talks", "withdrew"},
    "declined": {"declined"},
}
SIM_TIMED = set().union(*TIMING.values()) - {"withdrew"}
SIM_ALL = SIM_TIMED | {"withdrew"}
TIMING_COLUMNS = ("hist_date", "country", "institution", "action", "sim_date", "error_years", "outcome")


def _t(label: object) -> float:
    s = "" if label is None or label != label else str(label)
    return float("inf") if s == "" else parse_date(s)


@dataclass
class RunCells:
    """A run's class at each (country, institution, year end), and the forced cells."""

    cells: dict[tuple[str, str, int], str]
    forced: set[tuple[str, str, int]]
    last_year: int


def run_cells(
    spells: pd.DataFrame | list[dict], events: pd.DataFrame | list[dict], last_year: int = LAST_YEAR
) -> RunCells:
    """Year-end statuses of a run, marking cells held through a scenario-imposed event."""
    ev = events.to_dict("records") if isinstance(events, pd.DataFrame) else events
    sp = spells.to_dict("records") if isinstance(spells, pd.DataFrame) else spells
    forced_starts = {(e["country"], e["institution"], e["date"]) for e in ev if e["forced"] and e["country"]}
    years = range(FIRST_YEAR, last_year + 1)
    cells: dict[tuple[str, str, int], str] = {}
    forced: set[tuple[str, str, int]] = set()
    for r in sp:
        start = _t(r["start"]) if r["start"] else -np.inf
        end = _t(r["end"])
        is_forced = (r["country"], r["institution"], r["start"]) in forced_starts
        for y in years:
            if start <= y + 0.999 < end:
                key = (r["country"], r["institution"], y)
                cells[key] = r["status"]
                if is_forced:
                    forced.add(key)
    return RunCells(cells, forced, last_year)


def _universe(institutions: list[str], states: list[str], last_year: int) -> list[tuple]:
    return [(c, i, y) for c in states for i in institutions for y in range(FIRST_YEAR, last_year + 1)]


def status_fit(
    rc: RunCells,
    institutions: list[str],
    states: tuple[str, ...] = LAC19,
    first_year: int = FIRST_YEAR,
    table: bool = True,
) -> dict:
    """F1 over positive classes and accuracy for year ends from ``first_year``, overall and at
    the last year end; with ``table``, the counts per state and institution too."""
    hist = history_cells()
    totals = {"all": [0, 0, 0, 0, 0], "end": [0, 0, 0, 0, 0]}  # cells, agree, tp, fp, fn
    per_pair: dict[tuple[str, str], list[int]] = {}
    for key in _universe(institutions, states, rc.last_year):
        if key[2] < first_year or key in rc.forced:
            continue
        s, h = status_class(rc.cells.get(key)), status_class(hist.get(key))
        hit = s == h and h != "other"
        counts = (1, s == h, hit, s != "other" and not hit, h != "other" and not hit)
        rows = [totals["all"]]
        if key[2] == rc.last_year:
            rows.append(totals["end"])
        if table:
            rows.append(per_pair.setdefault(key[:2], [0, 0, 0, 0, 0]))
        for row in rows:
            for i, c in enumerate(counts):
                row[i] += c
    out: dict = {}
    for label, (n, agree, tp, fp, fn) in totals.items():
        f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0
        out[label] = {
            "f1": f1,
            "accuracy": agree / n if n else 1.0,
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "cells": n,
        }
    if table:
        out["table"] = _pair_table(
            pd.DataFrame(
                [(c, i, *v) for (c, i), v in per_pair.items()],
                columns=["country", "institution", "cells", "agree", "tp", "fp", "fn"],
            )
        )
    out["forced_cells"] = len(rc.forced)
    return out


def _pair_table(table: pd.DataFrame) -> pd.DataFrame:
    """Add accuracy and F1 columns to per-pair counts."""
    table["accuracy"] = table["agree"] / table["cells"]
    denom = 2 * table["tp"] + table["fp"] + table["fn"]
    table["f1"] = np.where(denom > 0, 2 * table["tp"] / denom.where(denom > 0, 1), np.nan)
    return table


@cache
def _history_timed(states: tuple[str, ...]) -> list[tuple[float, str, str, str, str]]:
    """Documented events scored for timing: (t, date, country, institution, action), 2003+."""
    h = load_history()
    # a bloc member's treaty steps (signing, ratifying the framework) are not a change of status
    return [
        (r.t, r.date, r.country, r.institution, r.action)
        for r in h.itertuples()
        if r.t >= FIRST_YEAR
        and r.action in TIMING
        and r.country in states
        and not _treaty_step(r.institution, r.action)
    ]


def _treaty_step(institution: str, action: str) -> bool:
    """A bloc member signing or ratifying the bloc's treaty: not a change of status."""
    return institution in BLOCS and action in ("signed", "ratified", "in_force")


def timing_fit(
    events: pd.DataFrame | list[dict],
    last_year: int = LAST_YEAR,
    states: tuple[str, ...] = LAC19,
    first_year: int = FIRST_YEAR,
) -> dict:
    """Each documented event in [first_year, last_year] matched to the nearest simulated event
    of the same kind for the same state and institution; the rest are missed or spurious."""
    records = events.to_dict("records") if isinstance(events, pd.DataFrame) else events
    lo, hi = first_year, last_year + 1
    groups: dict[tuple[str, str], list[list]] = {}
    for e in records:
        if e["country"] and e["action"] in SIM_ALL and not _treaty_step(e["institution"], e["action"]):
            t = parse_date(e["date"])
            if lo <= t < hi:
                groups.setdefault((e["country"], e["institution"]), []).append(
                    [t, e["action"], bool(e["forced"]), e["date"], False]
                )
    rows = []
    forced_excluded = 0
    for t, date, country, inst, action in _history_timed(tuple(states)):
        if not lo <= t < hi:
            continue
        ok = TIMING[action]
        cand = [c for c in groups.get((country, inst), ()) if not c[4] and c[1] in ok]
        if not cand:
            rows.append((date, country, inst, action, None, float("nan"), "missed"))
            continue
        best = min(cand, key=lambda c: abs(c[0] - t))
        best[4] = True
        if best[2]:
            forced_excluded += 1
            rows.append((date, country, inst, action, best[3], float("nan"), "forced"))
        else:
            rows.append((date, country, inst, action, best[3], best[0] - t, "matched"))
    spurious = [
        (c[3], k[0], k[1], c[1])
        for k, cs in groups.items()
        for c in cs
        if not c[4] and not c[2] and c[1] in SIM_TIMED
    ]
    errs = [abs(r[5]) for r in rows if r[6] == "matched"]
    return {
        "table": pd.DataFrame(
            rows,
            columns=list(TIMING_COLUMNS),
        ),
        "median_error": float(np.median(errs)) if errs else float("nan"),
        "within_1y": float(np.mean([e <= 1.0 for e in errs])) if errs else float("nan"),
        # share of all documented events the run reproduced within a year (misses count against)
        "timely": sum(e <= 1.0 for e in errs) / max(1, sum(r[6] != "forced" for r in rows)),
        "matched": len(errs),
        "missed": sum(r[6] == "missed" for r in rows),
        "forced": forced_excluded,
        "spurious": len(spurious),
        "spurious_events": pd.DataFrame(spurious, columns=["date", "country", "institution", "action"]),
    }


def _institutions(spells: pd.DataFrame | list[dict]) -> list[str]:
    names = spells["institution"] if isinstance(spells, pd.DataFrame) else [s["institution"] for s in spells]
    return sorted(set(load_history().institution) | set(names))


def quick_fit(
    spells: pd.DataFrame | list[dict],
    events: pd.DataFrame | list[dict],
    last_year: int = LAST_YEAR,
    first_year: int = FIRST_YEAR,
) -> dict:
    """Headline fit numbers of one run (frames or the model's own lists), for the year ends and
    documented events from ``first_year`` to ``last_year``."""
    if isinstance(events, pd.DataFrame):
        events = events.assign(
            forced=events["forced"].astype(bool), country=events["country"].fillna("")
        ).to_dict("records")
    if isinstance(spells, pd.DataFrame):
        spells = spells.fillna({"start": "", "end": ""}).to_dict("records")
    rc = run_cells(spells, events, last_year)
    sf = status_fit(rc, _institutions(spells), first_year=first_year, table=False)
    tf = timing_fit(events, last_year, first_year=first_year)
    return _numbers(sf, tf)


def _numbers(sf: dict, tf: dict) -> dict:
    """The headline numbers of a status fit and a timing fit."""
    return {
        "f1": sf["all"]["f1"],
        "accuracy": sf["all"]["accuracy"],
        "f1_2016": sf["end"]["f1"],
        "accuracy_2016": sf["end"]["accuracy"],
        "timing_median": tf["median_error"],
        "within_1y": tf["within_1y"],
        "timely": tf["timely"],
        "missed": tf["missed"],
        "spurious": tf["spurious"],
        "forced_excluded": sf["forced_cells"] + tf["forced"],
    }


def brier(runs: list[RunCells], institutions: list[str], states: tuple[str, ...] = LAC19) -> float:
    """Multi-class Brier score of the seeds' share in each class against the record."""
    hist = history_cells()
    last = min(r.last_year for r in runs)
    total, n = 0.0, 0
    for key in _universe(institutions, states, last):
        if all(key in r.forced for r in runs):
            continue
        h = status_class(hist.get(key))
        sims = [status_class(r.cells.get(key)) for r in runs if key not in r.forced]
        for c in CLASSES:
            p = sum(s == c for s in sims) / len(sims)
            total += (p - (h == c)) ** 2
        n += 1
    return total / n if n else float("nan")


def headline(fit: dict) -> str:
    """One line, e.g. ``fit: F1 0.91 (acc 0.96) end-2016 F1 0.94 | timing ... | ...``."""
    s = (
        f"fit: F1 {fit['f1']:.2f} (acc {fit['accuracy']:.2f}) end-{fit.get('last_year', LAST_YEAR)} "
        f"F1 {fit['f1_2016']:.2f} | timing median {fit['timing_median']:.1f} y, "
        f"{100 * fit['within_1y']:.0f}% within 1 y | {fit['missed']:.0f} missed, "
        f"{fit['spurious']:.0f} spurious | {fit['forced_excluded']:.0f} forced excluded"
    )
    if "brier" in fit:
        s += f" | Brier {fit['brier']:.3f} over {fit['seeds']} seeds"
    return s


# --- run folders ---------------------------------------------------------------------------


def run_dirs(path: Path) -> list[Path]:
    """A run folder, or the run folders inside ``path`` (one per seed)."""
    path = Path(path)
    if (path / "events.csv").exists():
        return [path]
    found = sorted(p.parent for p in path.glob("*/events.csv"))
    if not found:
        raise FileNotFoundError(f"{path}: no events.csv here or in its subfolders (is it a run folder?)")
    return found


def _read_run(d: Path) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    ev = pd.read_csv(d / "events.csv", keep_default_na=False, na_values={"utility": [""]})
    ev["forced"] = ev["forced"].astype(str).str.lower().eq("true")
    sp = pd.read_csv(d / "memberships.csv", dtype=str, keep_default_na=False)
    last_year = LAST_YEAR
    summ = d / "summary.json"
    if summ.exists():
        last = json.loads(summ.read_text()).get("last_step_date")
        if last:
            t = parse_date(last)
            y = int(t)
            last_year = min(LAST_YEAR, y if t - y >= 0.74 else y - 1)
    return ev, sp, last_year


def score_run(path: str | Path) -> dict:
    """Score one run folder (or a folder of seeds: means, and the Brier score across them)."""
    dirs = run_dirs(Path(path))
    fits, cells, tables, timings = [], [], [], []
    for d in dirs:
        ev, sp, last_year = _read_run(d)
        rc = run_cells(sp, ev, last_year)
        insts = _institutions(sp)
        sf = status_fit(rc, insts)
        tf = timing_fit(ev, last_year)
        cells.append(rc)
        tables.append(sf["table"].assign(seed_dir=d.name))
        timings.append(tf["table"].assign(seed_dir=d.name))
        fits.append({**_numbers(sf, tf), "last_year": last_year})
    fit = {k: float(np.nanmean([f[k] for f in fits])) for k in fits[0]}
    fit["last_year"] = int(min(f["last_year"] for f in fits))
    fit["seeds"] = len(dirs)
    if len(dirs) > 1:
        fit["brier"] = brier(cells, insts)
    table = _pair_table(
        pd.concat(tables)
        .groupby(["country", "institution"], as_index=False)[["cells", "agree", "tp", "fp", "fn"]]
        .sum()
    )
    return {"fit": fit, "headline": headline(fit), "table": table, "timing": pd.concat(timings)}


# --- CLI -----------------------------------------------------------------------------------


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser("score", help="score a run (or a folder of seeded runs) against the record")
    p.add_argument("run_dir", type=Path, help="folder written by `tradeblocs run`, or a folder of them")
    p.add_argument("--json", action="store_true", help="print the fit as JSON")
    return p


def main(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    res = score_run(args.run_dir)
    target = args.run_dir
    res["table"].to_csv(target / "fit_table.csv", index=False)
    res["timing"].to_csv(target / "fit_timing.csv", index=False)
    if args.json:
        print(json.dumps(res["fit"], indent=2))
        return 0
    con = Console()
    scored = res["table"][(res["table"].tp + res["table"].fp + res["table"].fn) > 0]
    t = Table(title="Fit by state and institution (year-end statuses; pairs never in either omitted)")
    for c in ("country", "institution", "cells", "accuracy", "f1", "tp", "fp", "fn"):
        t.add_column(c, justify="right" if c not in ("country", "institution") else "left")
    for r in scored.sort_values(["country", "institution"]).itertuples():
        f1 = "" if r.f1 != r.f1 else f"{r.f1:.2f}"
        t.add_row(
            r.country,
            r.institution,
            str(r.cells),
            f"{r.accuracy:.2f}",
            f1,
            str(r.tp),
            str(r.fp),
            str(r.fn),
        )
    con.print(t)
    tim = res["timing"]
    bad = tim[(tim.outcome != "matched") | (tim.error_years.abs() > 1)]
    if len(bad):
        t = Table(title="Documented events missed, forced, or more than a year off")
        for c in TIMING_COLUMNS:
            t.add_column(c)
        for r in bad.head(40).itertuples():
            err = "" if r.error_years != r.error_years else f"{r.error_years:+.2f}"
            t.add_row(
                r.hist_date,
                r.country,
                r.institution,
                r.action,
                str(r.sim_date or ""),
                err,
                r.outcome,
            )
        con.print(t)
    con.print(f"[bold]{res['headline']}[/]")
    con.print(f"tables written to {target / 'fit_table.csv'} and {target / 'fit_timing.csv'}")
    return 0
