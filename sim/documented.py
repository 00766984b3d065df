"""The documented record replayed into statuses: the one replay the app and the fit score share.

The record is ``sim/data/history_events.csv``: dated, sourced events (a state, an institution,
an action). It ships as package data of ``tradeblocs.sim`` (found through importlib.resources),
so the app reads it without ``analysis`` and the fit score reads the same file from ``sim``.
Replaying the events with :data:`ACTION_STATUS` gives each (state, institution) pair a run of
status spells, in the same form a run writes its ``memberships.csv``.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources
from pathlib import Path
from typing import NamedTuple

from .dates import parse_date

HISTORY_CSV = Path(str(resources.files("tradeblocs.sim") / "data" / "history_events.csv"))
#: Columns every history file must have (``note`` is optional).
REQUIRED = ("date", "country", "institution", "action", "source")

#: The status each documented action leaves a state in; None takes it out of the institution.
#: An action absent here (``us_approved``: the US Congress's vote) changes no status.
#: ``acceding`` is an accession protocol to a bloc, a status of its own (not a US-deal stage);
#: ``suspended`` (a state's own suspension) and ``sanctioned`` (the bloc's) keep a status that
#: is not "in" (``institutions.ACTIVE``); ``declined`` ends whatever prospect there was, as
#: walking away from talks (``suspended_talks``) does.
ACTION_STATUS: dict[str, str | None] = {
    "requested": "requested",
    "negotiating": "negotiating",
    "concluded": "concluded",
    "signed": "signed",
    "ratified": "ratified",
    "in_force": "in_force",
    "joined": "member",
    "founded": "member",
    "acceding": "acceding",
    "readmitted": "member",
    "suspended": "suspended",
    "resumed": "member",
    "sanctioned": "sanctioned",
    "left": None,
    "lapsed": None,
    "withdrew": None,
    "suspended_talks": None,
    "declined": None,
}

#: Actions only a membership institution (a bloc or a preference programme) records.
MEMBERSHIP_ACTIONS = frozenset(
    {"joined", "founded", "acceding", "readmitted", "suspended", "resumed", "sanctioned", "left", "lapsed"}
)
#: Steps of a treaty: in a membership institution, a member's steps in the bloc's own treaty.
TREATY_STEPS = frozenset({"signed", "ratified", "in_force"})


class Event(NamedTuple):
    """One documented event, with its date as a fractional year ``t``."""

    t: float
    date: str
    country: str
    institution: str
    action: str
    source: str
    note: str


class Spell(NamedTuple):
    """A status a state held in an institution from ``start`` to ``end`` ("" and NaN: still open)."""

    country: str
    institution: str
    status: str
    start: str
    end: str
    start_year: float
    end_year: float


def _key(path: str | Path | None) -> str:
    """One cache key per file however it is named (None: the shipped record)."""
    return str(HISTORY_CSV if path is None else Path(path))


def load_events(path: str | Path | None = None) -> tuple[Event, ...]:
    """The documented events in date order (the file's order within a day)."""
    return _load_events(_key(path))


@cache
def _load_events(path: str) -> tuple[Event, ...]:
    """Read and check the history file once per path."""
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        missing = set(REQUIRED) - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path}: missing columns {sorted(missing)}")
        rows = [
            Event(
                parse_date(r["date"]),
                r["date"],
                r["country"] or "",
                r["institution"],
                r["action"],
                r["source"] or "",
                r.get("note") or "",
            )
            for r in reader
        ]
    return tuple(sorted(rows, key=lambda e: e.t))


def membership_institutions(path: str | Path | None = None) -> frozenset[str]:
    """Institutions whose rows are memberships, read from the record itself (any with a join,
    founding, accession, exit or lapse), so no code has to list institutions by name."""
    return _membership_institutions(_key(path))


@cache
def _membership_institutions(path: str) -> frozenset[str]:
    """Membership institutions of one history file."""
    return frozenset(e.institution for e in _load_events(path) if e.action in MEMBERSHIP_ACTIONS)


def treaty_step(institution: str, action: str, path: str | Path | None = None) -> bool:
    """A member signing, ratifying or bringing into force its bloc's own treaty: not a change of
    status, so neither a status of its own nor an event scored for timing."""
    return action in TREATY_STEPS and institution in membership_institutions(path)


def next_status(
    institution: str, action: str, current: str | None, path: str | Path | None = None
) -> str | None:
    """The status a documented ``action`` leaves a state in, given its ``current`` one: the
    table's, except that a bloc's treaty steps keep the membership (or make one)."""
    if action not in ACTION_STATUS:
        return current
    if treaty_step(institution, action, path):
        return current or "member"
    return ACTION_STATUS[action]


def spells(path: str | Path | None = None) -> tuple[Spell, ...]:
    """The record as status spells, closed ones first in order of their end, then open ones."""
    return _spells(_key(path))


@cache
def _spells(path: str) -> tuple[Spell, ...]:
    """Replay one history file's events into spells."""
    done: list[Spell] = []
    open_: dict[tuple[str, str], Spell] = {}
    for e in _load_events(path):
        if not e.country:  # an institution-wide event: no state's status
            continue
        key = (e.country, e.institution)
        cur = open_.get(key)
        new = next_status(e.institution, e.action, cur.status if cur else None, path)
        if cur is not None and cur.status == new:
            continue
        if cur is not None:
            done.append(open_.pop(key)._replace(end=e.date, end_year=e.t))
        if new is not None:
            open_[key] = Spell(e.country, e.institution, new, e.date, "", e.t, float("nan"))
    return (*done, *open_.values())


def statuses_before(t: float, path: str | Path | None = None) -> dict[tuple[str, str], str]:
    """(state, institution) -> the documented status just before time ``t`` (fractional year):
    every event dated before ``t`` has happened, none dated at or after it."""
    return {
        (s.country, s.institution): s.status for s in spells(path) if s.start_year < t and not s.end_year < t
    }
