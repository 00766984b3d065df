"""Institutions at run time: the scenario's catalogue plus who is in and how they lean."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .decision import ORIENTATION
from .scenario import STATUSES, Institution

#: Stages of an agreement with the US, in order; a later stage implies the earlier ones.
US_STAGES = ("requested", "negotiating", "concluded", "signed", "ratified", "in_force")
STAGE_RANK = {s: i + 1 for i, s in enumerate(US_STAGES)}
#: Statuses that count as "in" an institution (for peers, blocs' size and the fit score).
ACTIVE = frozenset({"member", "signed", "ratified", "in_force"})
#: Statuses that count as having (or about to have) a deal with the US.
US_DEAL = frozenset({"signed", "ratified", "in_force"})
#: Statuses a neighbour's US deal counts from, for the domino effect: talks already threaten.
US_TALKS = frozenset({"negotiating", "concluded", "signed", "ratified", "in_force"})
#: Statuses at which a deal's text exists: what changes a bloc whose member holds it.
US_TEXT = frozenset({"concluded", "signed", "ratified", "in_force"})

#: Statuses as small integers, for the states x institutions array; 0 is "not in".
CODES = ("", *STATUSES)
CODE = {s: i for i, s in enumerate(CODES)}


def status_mask(statuses: frozenset[str] | set[str]) -> np.ndarray:
    """A lookup table: ``status_mask(ACTIVE)[codes]`` is True where a code is in ``statuses``."""
    return np.array([c in statuses for c in CODES])


IS_ACTIVE = status_mask(ACTIVE)
IS_US_DEAL = status_mask(US_DEAL)
IS_US_TALKS = status_mask(US_TALKS)
IS_US_TEXT = status_mask(US_TEXT)
#: Statuses of a US deal on which the US still has something to decide (short of in force).
US_PENDING = frozenset({"requested", "negotiating", "concluded", "signed", "ratified"})
IS_US_PENDING = status_mask(US_PENDING)
#: a unilateral preference still held (withdrawn by a sanction, it can be restored)
IS_PREFERENCE_HELD = status_mask({"member", "sanctioned"})


@dataclass
class InstitutionState:
    """One institution during a run."""

    id: str
    spec: Institution
    scope: frozenset[str]
    founded: bool = False
    founded_step: int | None = None
    closed: bool = False
    #: orientation toward the US of its political model (how members see it: model.character)
    orientation: float = 0.0
    members: set[str] = field(default_factory=set)

    @classmethod
    def build(cls, iid: str, spec: Institution, states: list[str]) -> InstitutionState:
        scope = frozenset(states if spec.scope == "all" else [s for s in spec.scope if s in states])
        o = ORIENTATION[spec.political_model]
        return cls(
            id=iid,
            spec=spec,
            scope=scope,
            founded=spec.founding is None,
            orientation=o,
        )

    def __post_init__(self) -> None:
        self.kind: str = self.spec.kind
        self.includes_us: bool = self.spec.includes_us

    @property
    def open(self) -> bool:
        """Whether states can take steps toward it now: founded and not closed."""
        return self.founded and not self.closed

    def found(self, step: int) -> None:
        """It is founded (again, if it had closed) at ``step``."""
        self.founded, self.closed, self.founded_step = True, False, step

    def close(self) -> None:
        """It ends for everyone: no step toward it any more."""
        self.closed = True

    @property
    def markets(self) -> list[str]:
        if self.spec.markets is not None:
            return self.spec.markets
        return ["us"] if self.spec.includes_us else ["members"]
