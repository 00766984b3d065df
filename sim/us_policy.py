"""The United States under competitive liberalization: whom it talks to, when its preferences
bite, when Congress approves and when a deal enters into force. Pure functions."""

from __future__ import annotations

import numpy as np

from .moves import legislature_has_had_time


def willing_partner(contestation: float, max_contestation: float) -> bool:
    """The US negotiates only with a government that does not contest it beyond a limit."""
    return contestation <= max_contestation


def takes_up(contestation: float, max_contestation: float, bound_to_negotiate_jointly: bool) -> bool:
    """The US opens talks only with a willing partner that is free to conclude alone: not a
    member of a customs union whose members negotiate with third parties only jointly (Mercosur
    Decision 32/00; Uruguay's 2006 approach ended in a framework agreement, not talks)."""
    return willing_partner(contestation, max_contestation) and not bound_to_negotiate_jointly


def preferences_at_risk(now: float, upcoming_expiry: float | None, horizon: float, threat: float) -> float:
    """What a holder of unilateral preferences (ATPDEA) could lose: a standing threat of
    decertification plus the risk of lapse, rising as the next expiry nears (within
    ``horizon`` years). A state that holds none has none at risk."""
    lapse = 0.0 if upcoming_expiry is None else max(0.0, 1.0 - (upcoming_expiry - now) / horizon)
    return min(1.0, threat + lapse)


def talks_long_enough(steps_at_table: int, steps_per_year: int, min_years: float) -> bool:
    """Talks conclude only after a minimum time at the table."""
    return steps_at_table / steps_per_year >= min_years


def ready_to_enter_into_force(steps_since: int, implementation_years: float, steps_per_year: int) -> bool:
    """A ratified and approved agreement enters into force once the partner has had time to pass
    its implementing reforms."""
    return steps_since >= implementation_years * steps_per_year


def table_mates(member_of: np.ndarray, requesters: np.ndarray, i: int) -> np.ndarray:
    """The requesters USTR takes to one table with ``i`` when it opens talks with it: ``i`` and
    those sharing a bloc with it. Competitive liberalization negotiated with neighbours in one
    trade bloc together, one launch and one round for all (the Andean talks opened in Cartagena
    on 18 May 2004 with Colombia, Peru and Ecuador, Bolivia observing; SACU's five in 2003);
    each partner still concludes and signs on its own. ``member_of``: states x blocs, True
    where a member; ``requesters``: the indices of the states waiting for talks on the text."""
    shared = member_of[requesters][:, member_of[i]].any(axis=1) | (requesters == i)
    return requesters[shared]


def room_at_the_table(partners_in_talks: int, capacity: float) -> bool:
    """The US opens talks with a new partner only while it negotiates with fewer than
    ``capacity`` partners at once: USTR's staff is finite (GAO-04-233, 2004), so requests wait
    their turn, oldest first."""
    return partners_in_talks < int(capacity)


def notice_served(steps_since_conclusion: int) -> bool:
    """Trade promotion authority (2002) has the President notify Congress 90 days before
    signing: a deal concluded this quarter can be signed from the next one."""
    return steps_since_conclusion >= 1


def congress_votes_on_trade(year: int, month: int) -> bool:
    """The House takes up no trade agreement from its August recess to the end of a federal
    election year (every even year): a vote is put off until after the election, as with
    CAFTA-DR in 2004 and Peru's agreement in 2006 (Kat 2022). ``month`` is 1-12."""
    return year % 2 == 1 or month < 7


def covered_by_act(plurilateral: bool, act_passed: bool) -> bool:
    """Congress approves a plurilateral text once, in one implementing act for all its parties:
    a party that signs or ratifies after the vote is covered without a new one (the CAFTA-DR
    act of July 2005, P.L. 109-53, under which Costa Rica's agreement entered into force in
    2009). A bilateral deal always needs its own vote."""
    return plurilateral and act_passed


def amended_to_template(
    signed_step: int, template_since: int | None, step: int, steps_per_year: int, min_years: float
) -> bool:
    """A deal signed before the Congress applied the May 2007 template goes to a vote only once
    amended to it, and the amendment ratified by the partner's legislature (Peru's two addenda
    on labour and the environment, Kat 2022): the legislature's time, counted from when the
    template began to apply. A deal signed under the template, or voted on without it, needs
    none."""
    if template_since is None or signed_step >= template_since:
        return True
    return bool(legislature_has_had_time(step - template_since, steps_per_year, min_years))
