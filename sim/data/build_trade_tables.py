"""Rebuild ``trade.csv`` and ``bilateral.csv`` (2000-2020) from the shared reference extracts.

Run by hand from the repository root, with the project's venv:

    python sim/data/build_trade_tables.py            # reads ../shared/data, writes sim/data
    python sim/data/build_trade_tables.py --check    # only compares, writes nothing

It reads the IMF Direction of Trade Statistics and World Bank GDP extracts in the shared data
folder (``../shared/data`` next to the repository, or ``--shared PATH``); those files are not
part of the project. Nothing in the ``sim`` package imports this script.

Definitions (the same as the 2000-2016 rows, which this script reproduces exactly):

* ``share_us``, ``share_china``: goods exports to the United States / to China (mainland),
  over exports to the World.
* ``share_region``: exports to the IMF "Western Hemisphere" group plus Cuba (Cuba is not in the
  IMF aggregate), over exports to the World. For Cuba itself, the Western Hemisphere group only.
* ``exports_usd_bn``: exports to the World, US$ bn. ``gdp_usd_bn``: World Bank
  NY.GDP.MKTP.CD, US$ bn.
* Reporter data (exports FOB as the state reports them) for every state except Cuba, Honduras
  and Nicaragua, which use partner (mirror) data: what the World, the US, China, the Western
  Hemisphere group and Cuba report importing from them (CIF). Cuba does not report; Honduras
  and Nicaragua leave maquila/free-zone exports out of their own figures.
* A partner cell with no DOTS record counts as 0. A blank China cell is named in the row's
  source (e.g. Paraguay from 2016: no DOTS record of exports to China); blank US cells (US
  imports from Cuba in some years) and blank Cuba cells are not, as in the 2000-2016 rows.
* Venezuela: the World Bank has no GDP after 2014; it is carried forward from 2014, and the
  row's source says so.
* ``bilateral.csv``: reporter exports FOB to each of the other 18 states over exports to the
  World, for every state (Cuba's reporter-side values are IMF estimates: partial).

Rounding: shares 4 decimals (bilateral 5), exports 3, GDP 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[1].parent / "shared" / "data"

#: The 19 states, north to south (the order of sim.tables.LAC19, used for bilateral.csv).
LAC19 = (
    "MEX", "GTM", "SLV", "HND", "NIC", "CRI", "PAN", "DOM", "CUB",
    "VEN", "COL", "ECU", "PER", "BOL", "CHL", "ARG", "URY", "PRY", "BRA",
)  # fmt: skip
MIRROR = ("CUB", "HND", "NIC")
FIRST_YEAR, LAST_YEAR = 2000, 2020

GDP_SRC = "GDP: World Bank WDI NY.GDP.MKTP.CD"
SOURCE_REPORTER = "IMF DOTS, reporter exports FOB; region = IMF Western Hemisphere + Cuba; " + GDP_SRC
SOURCE_MIRROR = "IMF DOTS, partner (mirror) imports CIF; region = IMF Western Hemisphere + Cuba; " + GDP_SRC
GDP_CARRIED = "GDP n/a in World Bank, carried forward from {year}"
CHINA_BLANK = "China share blank in DOTS, set to 0; "
SOURCE_BILATERAL = "IMF DOTS, reporter exports FOB to partner / to world"
SOURCE_BILATERAL_CUB = "IMF DOTS, reporter-side values as compiled (Cuba does not report; partial)"


def load(shared: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """Exports by (state, year) x partner from the reporter and mirror files, and GDP in US$ bn."""
    rep = pd.read_csv(shared / "imf_dots_reporter_lac19_2000_2020.csv")
    rep = rep[rep.flow == "exports_fob"].pivot_table(
        index=["reporter_iso3", "year"], columns="partner_code", values="value_usd_mn", aggfunc="sum"
    )
    mir = pd.read_csv(shared / "imf_dots_mirror_lac19_2000_2020.csv").pivot_table(
        index=["exporter_iso3", "year"], columns="importer_code", values="imports_cif_usd_mn", aggfunc="sum"
    )
    gdp = pd.read_csv(shared / "wb_gdp_current_usd_lac19_2000_2020.csv")
    gdp = gdp.set_index(["country_iso3", "year"])["gdp_current_usd"] / 1e9
    return rep, mir, gdp


def build_trade(rep: pd.DataFrame, mir: pd.DataFrame, gdp: pd.Series) -> pd.DataFrame:
    rows = []
    for c in sorted(LAC19):
        last_gdp = None
        for y in range(FIRST_YEAR, LAST_YEAR + 1):
            if c in MIRROR:
                v = mir.loc[(c, y)].fillna(0.0)
                world, us, cn = v["WLD"], v.get("USA", 0.0), v.get("CHN", 0.0)
                region = v["AGG_WHEM"] + (v.get("CUB", 0.0) if c != "CUB" else 0.0)
                source = SOURCE_MIRROR
            else:
                v = rep.loc[(c, y)].fillna(0.0)
                world, us, cn = v["WLD"], v.get("USA", 0.0), v.get("CHN", 0.0)
                region = v["AGG_WHEM"] + v.get("CUB", 0.0)
                source = SOURCE_REPORTER
            if "CHN" not in v.index or v["CHN"] == 0.0:
                source = source.replace(GDP_SRC, CHINA_BLANK + GDP_SRC)
            g = gdp.get((c, y))
            if g is None or pd.isna(g):
                if last_gdp is None:
                    raise ValueError(f"{c} {y}: no GDP and nothing to carry forward")
                g, source = last_gdp[1], source.replace(GDP_SRC, GDP_CARRIED.format(year=last_gdp[0]))
            else:
                last_gdp = (y, g)
            rows.append(
                {
                    "country": c,
                    "year": y,
                    "share_us": round(us / world, 4),
                    "share_china": round(cn / world, 4),
                    "share_region": round(region / world, 4),
                    "exports_usd_bn": round(world / 1000, 3),
                    "gdp_usd_bn": round(g, 2),
                    "source": source,
                }
            )
    return pd.DataFrame(rows)


def build_bilateral(rep: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for c in LAC19:
        source = SOURCE_BILATERAL_CUB if c == "CUB" else SOURCE_BILATERAL
        for y in range(FIRST_YEAR, LAST_YEAR + 1):
            v = rep.loc[(c, y)]
            for p in LAC19:
                if p == c:
                    continue
                x = v.get(p, float("nan"))
                share = 0.0 if pd.isna(x) else round(x / v["WLD"], 5)
                rows.append({"country": c, "year": y, "partner": p, "share": share, "source": source})
    return pd.DataFrame(rows)


def compare(name: str, new: pd.DataFrame, keys: list[str]) -> int:
    """Rows of the shipped table that the rebuild does not reproduce exactly (printed)."""
    old = pd.read_csv(HERE / name)
    merged = old.merge(new, on=keys, how="left", suffixes=("", "_new"), indicator=True)
    cols = [c for c in old.columns if c not in keys]
    bad = merged["_merge"] != "both"
    for col in cols:
        bad |= merged[col].astype(str) != merged[f"{col}_new"].astype(str)
    print(f"{name}: {len(old)} shipped rows, {int(bad.sum())} not reproduced; rebuild has {len(new)} rows")
    if bad.any():
        print(merged.loc[bad, keys + cols + [f"{c}_new" for c in cols]].head(20).to_string())
    return int(bad.sum())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=SHARED, help="folder with the reference extracts")
    ap.add_argument("--check", action="store_true", help="compare with the shipped tables, write nothing")
    args = ap.parse_args(argv)
    rep, mir, gdp = load(args.shared)
    trade, bilateral = build_trade(rep, mir, gdp), build_bilateral(rep)
    mismatches = compare("trade.csv", trade, ["country", "year"]) + compare(
        "bilateral.csv", bilateral, ["country", "year", "partner"]
    )
    if args.check:
        return 1 if mismatches else 0
    if mismatches:
        print("not writing: the rebuild disagrees with rows already shipped", file=sys.stderr)
        return 1
    trade.to_csv(HERE / "trade.csv", index=False)
    bilateral.to_csv(HERE / "bilateral.csv", index=False)
    print("wrote trade.csv and bilateral.csv")
    return 0


if __name__ == "__main__":
    sys.exit(main())
