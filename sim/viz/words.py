"""Plain words for the model's events, as the event feed shows them.

Every row names its subject: a state when the event is a state's ("Peru signed the US FTA"),
the institution when it is the institution's own ("ALBA was founded"). The verbs live in two
tables, so that a new action the model starts logging needs one line here; until it has one,
an unknown action still reads as "Peru: action words (institution)" rather than failing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .mapview import short_name

if TYPE_CHECKING:
    from ..model import TradeBlocsModel

#: What a state did or had done to it: ``{who}`` the state's name, ``{inst}`` the institution.
STATE_ACTIONS: dict[str, str] = {
    "requested": "{who} asked for talks on {inst}",
    "negotiating": "{who} opened talks on {inst}",
    "concluded": "{who} concluded talks on {inst}",
    "signed": "{who} signed {inst}",
    "ratified": "{who} ratified {inst}",
    "us_approved": "the US Congress approved {inst} with {who}",
    "in_force": "{inst} entered into force for {who}",
    "joined": "{who} joined {inst}",
    "acceding": "{who} applied to join {inst}",
    "founded": "{who} founded {inst}",
    "left": "{who} left {inst}",
    "withdrew": "{who} withdrew from {inst}",
    "suspended_talks": "talks on {inst} with {who} were broken off",
    "suspended": "{who} was suspended from {inst}",
    "readmitted": "{who} was readmitted to {inst}",
    "declined": "{who} declined {inst}",
    "lapsed": "{inst} lapsed for {who}",
    "initial": "{who} started in {inst}",
}
#: What happened to an institution as a whole (events with no state).
INSTITUTION_ACTIONS: dict[str, str] = {
    "founded": "{inst} was founded",
    "lapsed": "{inst} lapsed",
    "concluded": "talks on {inst} concluded",
    "in_force": "{inst} entered into force",
    "suspended": "{inst} was suspended",
    "dissolved": "{inst} was dissolved",
}
#: Institution names as they read inside a sentence.
IN_SENTENCE = {"US_FTA": "a US free trade agreement", "FTAA": "the FTAA", "TPP": "the TPP",
               "CAN": "the Andean Community", "PACIFIC_ALLIANCE": "the Pacific Alliance"}  # fmt: skip


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def inst_words(iid: str) -> str:
    """An institution's name as it reads in a sentence (``US_FTA`` -> "a US free trade agreement")."""
    return IN_SENTENCE.get(iid, short_name(iid)) if iid else ""


def describe(event: dict, who: str) -> str:
    """One event as a sentence naming its subject; ``who`` is the state's display name ("" for
    an institution's own event). Unknown actions fall back to "Who: action words (institution)"."""
    action = str(event.get("action") or "")
    iid = str(event.get("institution") or "")
    inst = inst_words(iid)
    if action == "election":
        return f"{who} held an election" if who else "An election"
    if who:
        template = STATE_ACTIONS.get(action)
        if template is None:
            words = action.replace("_", " ")
            return f"{who}: {words}" + (f" ({short_name(iid)})" if iid else "")
        return _cap(template.format(who=who, inst=inst))
    template = INSTITUTION_ACTIONS.get(action)
    if template is None:
        return f"{short_name(iid) or 'The hemisphere'}: {action.replace('_', ' ')}"
    return _cap(template.format(inst=inst))


def state_name(model: TradeBlocsModel, iso3: str) -> str:
    """Display name of a state code; "the United States" for the hegemon, the code if unknown."""
    if not iso3:
        return ""
    if iso3 == "USA":
        return "the United States"
    s = model.by_iso.get(iso3)
    return s.name if s else iso3
