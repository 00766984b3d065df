"""The shipped data tables: sourced, consistent, and agreeing with the seed documents."""

from __future__ import annotations

import pandas as pd
import pytest

from sim.tables import DATA_DIR, LAC19, load_tables


@pytest.mark.parametrize("name", ["states.csv", "trade.csv", "bilateral.csv", "leaders.csv", "exogenous.csv"])
def test_every_row_has_a_source(name):
    df = pd.read_csv(DATA_DIR / name)
    assert "source" in df.columns and df["source"].fillna("").str.strip().astype(bool).all()


def test_peru_us_share_agrees_with_kat():
    """Kat (2022): the US took over 29% of Peru's exports in 2004."""
    row = load_tables().trade_row("PER", 2004)
    assert row["share_us"] > 0.29


def test_trade_covers_every_state_and_year_with_valid_shares():
    t = load_tables().trade
    assert set(t.country) == set(LAC19)
    assert t.groupby("country").year.agg(["min", "max"]).eq([2000, 2016]).all().all()
    shares = t[["share_us", "share_china", "share_region"]]
    assert shares.ge(0).all().all() and (shares.sum(axis=1) <= 1.0001).all()


def test_leader_terms_are_contiguous_and_coded():
    leaders = load_tables().leaders
    assert set(leaders.country) == set(LAC19)
    assert leaders.ideology.between(-1, 1).all()
    for _, g in leaders.groupby("country"):
        g = g.sort_values("start")
        gaps = pd.to_datetime(g.start.iloc[1:].values) - pd.to_datetime(g.end.iloc[:-1].values)
        assert (abs(gaps.days) <= 7).all()
        assert g.start.iloc[0] <= "2003-01-01" and g.end.iloc[-1] >= "2016-12-31"
