"""What counts as a deal with the United States: one predicate for the app, the report and the sweeps.

A US deal is any institution the United States is party to that is a trade agreement, not a
unilateral preference programme: the bilateral agreements, NAFTA, CAFTA-DR, the TPP and, should
it ever be signed, the FTAA (a hemispheric agreement including the US). A preference (ATPDEA) is
granted, not negotiated, so holding one is not a deal. This is the model's own definition (its
``us_ftas_in_force`` count and its ``us_agreement`` requirement); everything outside the model
core reads it from here, so a simulated line and the documented line beside it count the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .institutions import STAGE_RANK, US_DEAL

#: The status at which a US deal is in force: what "US FTAs in force" counts.
IN_FORCE = "in_force"
#: Statuses at which a state holds a US deal (signed or further): the ``us_agreement`` requirement.
HELD = US_DEAL
#: The institution kind that is granted rather than negotiated.
PREFERENCE = "preference"


def is_us_deal(kind: str | None, includes_us: bool | None) -> bool:
    """Whether an institution of ``kind`` that does or does not include the US is a US deal."""
    return bool(includes_us) and kind != PREFERENCE


def _field(spec: Any, name: str) -> Any:
    """A field of an institution given as a run-time object, a scenario spec or a plain dict."""
    return spec.get(name) if isinstance(spec, Mapping) else getattr(spec, name, None)


def us_deal_ids(institutions: Mapping[str, Any]) -> list[str]:
    """The ids of the US deals among ``institutions`` (id -> object or dict with ``kind`` and
    ``includes_us``), in their order: the model's, a scenario's or a resolved scenario file's."""
    return [
        iid
        for iid, spec in institutions.items()
        if is_us_deal(_field(spec, "kind"), _field(spec, "includes_us"))
    ]


def us_stage(statuses: Mapping[str, str], us_ids: Iterable[str]) -> int:
    """Furthest stage (0 none .. 6 in force, ``STAGE_RANK``) a state has reached in any US deal,
    from its institution -> status map: the rank behind the map's US categories."""
    return max((STAGE_RANK.get(statuses.get(iid, ""), 0) for iid in us_ids), default=0)


def alignment(statuses: Mapping[str, str], us_ids: Iterable[str]) -> str:
    """The map category of a state's statuses (``alba``, ``us_fta``, ``us_fta_pending``,
    ``mercosur``, ``none``), by the precedence of the model's ``LatinState.alignment``."""
    if statuses.get("ALBA") == "member":
        return "alba"
    stage = us_stage(statuses, us_ids)
    if stage == STAGE_RANK[IN_FORCE]:
        return "us_fta"
    if stage >= STAGE_RANK["negotiating"]:
        return "us_fta_pending"
    if statuses.get("MERCOSUR") == "member":
        return "mercosur"
    return "none"
