"""The shipped data tables: sourced, consistent, and agreeing with the seed documents."""

from __future__ import annotations

import pandas as pd
import pytest
from tradeblocs.sim.tables import COLUMNS, DATA_DIR, LAC19, load_tables, missing_columns


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
    assert t.groupby("country").year.agg(["min", "max"]).eq([2000, 2020]).all().all()
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


# --- trade, bilateral and exogenous tables extended to 2020 (sim/data/build_trade_tables.py) ---

YEARS = list(range(2000, 2021))
SHARES = ["share_us", "share_china", "share_region"]

#: (state, column) pairs whose 2016 -> 2017 change is larger than any year-on-year change of
#: 2000-2016, and why that is real rather than a break in construction.
JUMP_ALLOWED = {
    ("URY", "share_china"): "China became Uruguay's first export market in 2017 (soy, beef, pulp): "
    "Uruguay XXI via El Pais, https://www.elpais.com.uy/informacion/gira-china-despierta-optimismo-cara-futuro.html",
    ("SLV", "share_china"): "a share under 1% that swings by as much from year to year "
    "(0.80% in 2015, 0.11% in 2016, 0.84% in 2017); 0.73 points against a largest earlier move of 0.69",
}


def _year_on_year(g: pd.DataFrame, col: str) -> pd.Series:
    """Change from the year before: in share points for shares, relative for exports and GDP."""
    s = g.set_index("year")[col].sort_index()
    return (s.diff() if col.startswith("share") else s / s.shift() - 1).abs()


def test_trade_has_every_state_and_year_2000_2020_once():
    t = pd.read_csv(DATA_DIR / "trade.csv")
    assert not t.duplicated(["country", "year"]).any()
    for c in LAC19:
        assert sorted(t.loc[t.country == c, "year"]) == YEARS, c


def test_exogenous_has_every_year_2000_2020_sourced():
    e = pd.read_csv(DATA_DIR / "exogenous.csv")
    assert sorted(e.year) == YEARS
    assert e.source.str.contains("EIA").all() and e.source.str.contains("WTO").all()
    assert (e.oil_price_usd > 0).all() and (e.china_imports_usd_bn > 0).all()


def test_bilateral_has_every_pair_and_year_2000_2020():
    b = pd.read_csv(DATA_DIR / "bilateral.csv")
    assert not b.duplicated(["country", "year", "partner"]).any()
    assert (b.country != b.partner).all()
    counts = b.groupby(["country", "year"]).size()
    assert len(counts) == len(LAC19) * len(YEARS) and (counts == len(LAC19) - 1).all()


def test_new_rows_name_their_source():
    t = pd.read_csv(DATA_DIR / "trade.csv")
    new = t[t.year >= 2017]
    assert new.source.str.startswith("IMF DOTS").all()
    assert new.source.str.contains("GDP").all()
    mirror = new.country.isin(["CUB", "HND", "NIC"])
    assert new.loc[mirror, "source"].str.contains("mirror").all()
    assert not new.loc[~mirror, "source"].str.contains("mirror").any()
    b = pd.read_csv(DATA_DIR / "bilateral.csv")
    assert b.loc[b.year >= 2017, "source"].str.startswith("IMF DOTS").all()


def test_filled_gdp_is_marked_in_the_source():
    """Venezuela has no World Bank GDP after 2014: carried forward, and the row says so."""
    t = pd.read_csv(DATA_DIR / "trade.csv")
    ven = t[t.country == "VEN"].set_index("year")
    gdp_2014 = ven.loc[2014, "gdp_usd_bn"]
    assert (ven.loc[2015:, "gdp_usd_bn"] == gdp_2014).all()
    assert ven.loc[2015:, "source"].str.contains("carried forward from 2014").all()
    assert not t.loc[t.country != "VEN", "source"].str.contains("carried forward").any()


def test_shares_in_unit_interval_through_2020():
    t = pd.read_csv(DATA_DIR / "trade.csv")
    assert t[SHARES].ge(0).all().all() and t[SHARES].le(1).all().all()
    assert (t[SHARES].sum(axis=1) <= 1.0001).all()
    assert (t.exports_usd_bn > 0).all() and (t.gdp_usd_bn > 0).all()
    b = pd.read_csv(DATA_DIR / "bilateral.csv")
    assert b.share.between(0, 1).all()
    assert (b.groupby(["country", "year"]).share.sum() <= 1.0001).all()


def test_bilateral_shares_fit_inside_the_regional_share():
    """The 18 partners are part of the region, so for reporter-data states their shares sum to
    at most share_region (Cuba, Honduras and Nicaragua use mirror data in trade.csv only)."""
    t = pd.read_csv(DATA_DIR / "trade.csv").set_index(["country", "year"])
    b = pd.read_csv(DATA_DIR / "bilateral.csv").groupby(["country", "year"]).share.sum()
    reporter = [c for c in LAC19 if c not in ("CUB", "HND", "NIC")]
    for c in reporter:
        for y in YEARS:
            assert b[(c, y)] <= t.loc[(c, y), "share_region"] + 1e-4, (c, y)


def test_no_break_between_2016_and_2017():
    """The 2017 rows continue the 2000-2016 ones: no state's 2016 -> 2017 change in any column
    is larger than its largest year-on-year change in 2000-2016, except the allow-listed ones."""
    t = pd.read_csv(DATA_DIR / "trade.csv")
    breaks = set()
    for col in [*SHARES, "exports_usd_bn", "gdp_usd_bn"]:
        for c, g in t.groupby("country"):
            d = _year_on_year(g, col)
            if d[2017] > d.loc[2001:2016].max():
                breaks.add((c, col))
    assert breaks - set(JUMP_ALLOWED) == set(), "unexplained 2016 -> 2017 jumps"
    assert set(JUMP_ALLOWED) - breaks == set(), "allow-list entries that are no longer needed"


# --- leaders in two dimensions, the partner record and the states' static columns (README_leaders.md) ---

PROCESSES = {"election", "succession", "interim", "summary_removal", "coup", "other"}


def test_leaders_two_dimensions_and_process_are_coded_and_sourced():
    le = pd.read_csv(DATA_DIR / "leaders.csv")
    assert {"country", "leader", "start", "end", "ideology", "irregular", "source"} <= set(le.columns)
    assert le.source.fillna("").str.strip().astype(bool).all()
    assert le.economic.between(-1, 1).all() and le.ideology.between(-1, 1).all()
    assert le.contestation.between(0, 1).all()
    assert set(le.process) <= PROCESSES
    assert (le.irregular == le.process.isin(["summary_removal", "coup"])).all()
    # the process is justified by procedure, never by a bloc's reaction
    flagged = le[le.irregular]
    assert not flagged.source.str.contains("suspend", case=False).any()


def test_leaders_contiguous_through_2020():
    le = pd.read_csv(DATA_DIR / "leaders.csv")
    assert set(le.country) == set(LAC19)
    for c, g in le.groupby("country"):
        g = g.sort_values("start")
        assert (g.start.iloc[1:].values == g.end.iloc[:-1].values).all(), c
        assert (g.start < g.end).all(), c
        assert g.start.iloc[0] <= "2003-01-01" and g.end.iloc[-1] >= "2020-12-31", c


def test_leaders_anchor_cases():
    le = pd.read_csv(DATA_DIR / "leaders.csv").set_index(["country", "leader"])
    assert le.loc[("BRA", "Michel Temer"), "process"] == "succession"
    assert le.loc[("ECU", "Alfredo Palacio"), "process"] == "summary_removal"
    assert le.loc[("PRY", "Federico Franco"), "process"] == "summary_removal"
    assert le.loc[("HND", "Roberto Micheletti"), "process"] == "coup"
    moderate = [("CHL", "Ricardo Lagos"), ("BRA", "Luiz Inácio Lula da Silva"), ("URY", "José Mujica")]
    contestatory = [("VEN", "Hugo Chávez"), ("BOL", "Evo Morales"), ("ECU", "Rafael Correa")]
    assert max(le.loc[k, "contestation"] for k in moderate) < 0.5
    assert min(le.loc[k, "contestation"] for k in contestatory) >= 0.8
    assert all(le.loc[k, "economic"] < 0 for k in moderate)


def test_partner_record_covers_every_state_and_year_in_range():
    r = pd.read_csv(DATA_DIR / "partner_record.csv")
    states = pd.read_csv(DATA_DIR / "states.csv")
    assert list(r.columns) == ["country", "year", "labour_concern", "tax_opacity", "source"]
    assert not r.duplicated(["country", "year"]).any()
    for c in states.iso3:
        if c == "USA":
            continue
        assert sorted(r.loc[r.country == c, "year"]) == list(range(2000, 2021)), c
    assert set(r.country) == set(LAC19)
    assert r.labour_concern.between(0, 1).all() and r.tax_opacity.between(0, 1).all()
    assert r.source.fillna("").str.strip().astype(bool).all()


def test_partner_record_agrees_with_the_2007_template_story():
    """Colombia's labour record improved before its FTA vote; Panama's TIEA (2010) removed its opacity."""
    r = pd.read_csv(DATA_DIR / "partner_record.csv").set_index(["country", "year"])
    assert r.loc[("COL", 2002), "labour_concern"] == 1.0
    assert r.loc[("COL", 2011), "labour_concern"] < r.loc[("COL", 2006), "labour_concern"]
    assert r.loc[("PAN", 2010), "tax_opacity"] == 1.0 and r.loc[("PAN", 2011), "tax_opacity"] == 0.0


def test_states_static_columns_in_range_and_sourced():
    s = pd.read_csv(DATA_DIR / "states.csv")
    assert s.free_zone_share.between(0, 1).all()
    assert s.oil_net_imports_kbd.notna().all()
    for c in ("VEN", "MEX", "ECU", "COL"):
        assert s.set_index("iso3").loc[c, "oil_net_imports_kbd"] < 0, c
    for col in ("source", "source_free_zone", "source_oil"):
        assert s[col].fillna("").str.strip().astype(bool).all(), col


def test_trade_agreements_are_pairs_of_known_states_dated_by_2016():
    """The free-trade agreements table: each pair once in order, a known kind, and nothing in
    force after 2016 (a forecast may read no later outcome); signature before entry into force."""
    t = pd.read_csv(DATA_DIR / "trade_agreements.csv")
    assert set(t["a"]) | set(t["b"]) <= set(LAC19)
    assert (t["a"] < t["b"]).all()
    assert set(t["kind"].dropna()) <= {"fta", "partial"}
    assert t["source"].notna().all()
    dated = t.dropna(subset=["in_force"])
    assert (pd.to_datetime(dated["in_force"]) <= "2016-12-31").all()
    both = dated.dropna(subset=["signed"])
    assert (pd.to_datetime(both["signed"]) <= pd.to_datetime(both["in_force"])).all()
    # the model reads only free-trade agreements, symmetric, from their first entry into force
    order = ("CHL", "MEX", "PER")
    since = load_tables().agreement_dates(order)
    assert (since == since.T).all() and since[0, 1] < since[0, 2] < since[1, 2] < 2013


@pytest.mark.parametrize("name", sorted(COLUMNS))
def test_each_shipped_table_has_the_columns_the_model_reads(name):
    assert missing_columns(name, pd.read_csv(DATA_DIR / name, nrows=0).columns) == []
