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

from .institutions import STAGE_RANK

#: The status at which a US deal is in force: what "US FTAs in force" counts.
IN_FORCE = "in_force"
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


def map_categories(institutions: Mapping[str, Any]) -> dict[str, str]:
    """Institution id -> the map category its members get (``map_category``), where it has one."""
    out = {}
    for iid, inst in institutions.items():
        cat = _field(getattr(inst, "spec", inst), "map_category")  # a run-time object holds its spec
        if cat:
            out[iid] = cat
    return out


def alignment(statuses: Mapping[str, str], us_ids: Iterable[str], categories: Mapping[str, str]) -> str:
    """The map category of a state's statuses: a counter-hegemonic bloc's (``alba``) before any
    US deal, a US deal in force (``us_fta``) or in the making (``us_fta_pending``) before a
    customs union's (``mercosur``), else ``none``. ``categories``: map_categories."""
    member_of = {categories[iid] for iid, st in statuses.items() if st == "member" and iid in categories}
    if "alba" in member_of:
        return "alba"
    stage = us_stage(statuses, us_ids)
    if stage == STAGE_RANK[IN_FORCE]:
        return "us_fta"
    if stage >= STAGE_RANK["negotiating"]:
        return "us_fta_pending"
    if "mercosur" in member_of:
        return "mercosur"
    return "none"
