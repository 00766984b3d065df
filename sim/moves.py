"""The moves open to each government at each status: the institutions' procedure, for every
state and institution at once.

Each (state, institution) cell has at most two moves, a first and a second (-1: none):

- not in: ask the US for talks (``requested``), apply where the members must consent
  (``acceding``) or join; never a preference programme (the US grants it) nor hemispheric
  talks (they conclude all at once), and only where the institution's requirements are met and,
  for a US agreement, while the US takes requests;
- a member, or a requester: leave or withdraw; where participation can lapse, a member may
  instead suspend its own participation;
- suspended by its own choice: resume, or leave for good;
- in talks with the US (negotiating or concluded): walk away; concluded talks can be signed
  while the US can sign (trade promotion authority);
- signed: ratify at home, once the legislature has had its time (``legislature_has_had_time``).

A sanction (``sanctioned``) leaves the state nothing to do: it is the others' act.
"""

from __future__ import annotations

import numpy as np

from . import decision as rules
from .institutions import CODE, CODES

#: The moves by code: (action logged, its entry in rules.MOVE_VALUE).
MOVES: tuple[tuple[str, str], ...] = (
    ("requested", "requested"),
    ("acceding", "acceding"),
    ("joined", "joined"),
    ("left", "left"),
    ("withdrew", "withdrew"),
    ("suspended", "suspended"),
    ("resumed", "resumed"),
    ("left", "left_suspended"),
    ("suspended_talks", "suspended_talks"),
    ("signed", "signed"),
    ("ratified", "ratified"),
)
MOVE = {value: i for i, (_, value) in enumerate(MOVES)}
NONE = -1
#: +1 for a step in, -1 for a step out (whose terms are those of staying, negated)
SIGN = np.array([int(rules.MOVE_VALUE[v][0]) for _, v in MOVES])
#: each move's (a, b, e, d) of rules.MOVE_VALUE as four lookup vectors, by move code
COEFFICIENTS = tuple(np.array([rules.MOVE_VALUE[v][n] for _, v in MOVES]) for n in range(4))


def move_table(
    us_agreement: np.ndarray,
    hemispheric: np.ndarray,
    preference: np.ndarray,
    approval: np.ndarray,
    takes_requests: np.ndarray,
    can_lapse: np.ndarray,
    can_sign: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """The procedure as two tables, status code x institution -> first and second move (NONE
    where there is none), before requirements and scope."""
    k = len(us_agreement)
    first = np.full((len(CODES), k), NONE)
    second = np.full((len(CODES), k), NONE)
    join = ~preference & ~hemispheric & (~us_agreement | takes_requests)
    first[0] = np.where(
        join,
        np.where(us_agreement, MOVE["requested"], np.where(approval, MOVE["acceding"], MOVE["joined"])),
        NONE,
    )
    # hemispheric talks are signed and ratified, never joined or left
    first[CODE["member"]] = np.where(hemispheric, NONE, MOVE["left"])
    second[CODE["member"]] = np.where(can_lapse & ~hemispheric, MOVE["suspended"], NONE)
    first[CODE["requested"]] = np.where(us_agreement, MOVE["withdrew"], NONE)
    first[CODE["suspended"]] = np.where(hemispheric, NONE, MOVE["resumed"])
    second[CODE["suspended"]] = np.where(hemispheric, NONE, MOVE["left_suspended"])
    for talks in ("negotiating", "concluded"):
        first[CODE[talks]] = np.where(us_agreement, MOVE["suspended_talks"], NONE)
    second[CODE["concluded"]] = np.where(us_agreement & can_sign, MOVE["signed"], NONE)
    first[CODE["signed"]] = np.where(us_agreement | hemispheric, MOVE["ratified"], NONE)
    return first, second


def legislature_has_had_time(steps_since_signature, steps_per_year: int, min_years: float):
    """A partner's legislature ratifies a signed agreement only after a minimum time (committee
    hearings and votes: four months for Chile in 2003, about seven for El Salvador and Colombia,
    seventeen for Nicaragua); works on one number or an array of them."""
    return steps_since_signature >= round(min_years * steps_per_year)
