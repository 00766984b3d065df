"""The calibration data shipped with the package: states, yearly trade and GDP, leaders,
exogenous paths (oil price, China's imports) and the free-trade agreements among Latin
American states. Every table carries a ``source`` column."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

DATA_DIR = Path(str(resources.files("tradeblocs.sim") / "data"))

#: The 19 Latin American states of the baseline, in a fixed order (north to south).
LAC19 = (
    "MEX", "GTM", "SLV", "HND", "NIC", "CRI", "PAN", "DOM", "CUB",
    "VEN", "COL", "ECU", "PER", "BOL", "CHL", "ARG", "URY", "PRY", "BRA",
)  # fmt: skip


#: the columns the model reads from each table (a replacement must have them; more may follow)
COLUMNS: dict[str, tuple[str, ...]] = {
    "states.csv": (
        "iso3", "name", "subregion", "lat", "lon", "commodity_intensity", "state_export_share",
        "free_zone_share", "oil_net_imports_kbd",
    ),
    "trade.csv": (
        "country", "year", "gdp_usd_bn", "exports_usd_bn", "share_us", "share_china", "share_region",
    ),
    "leaders.csv": ("country", "leader", "start", "end", "irregular", "economic", "contestation"),
    "exogenous.csv": ("year", "oil_price_usd", "china_imports_usd_bn"),
    "bilateral.csv": ("country", "partner", "year", "share"),
    "partner_record.csv": ("country", "year", "labour_concern", "tax_opacity"),
    "trade_agreements.csv": ("a", "b", "kind", "in_force"),
}  # fmt: skip


def missing_columns(name: str, columns: list[str] | pd.Index) -> list[str]:
    """What a table named ``name`` lacks among its source column and the columns the model
    reads from it."""
    return [c for c in ("source", *COLUMNS.get(name, ())) if c not in columns]


def _read(name: str, path: str | Path | None = None) -> pd.DataFrame:
    """A data table (the shipped one, or a replacement at ``path``) with its source column and
    every column the model reads; else an InputError naming the file and what it lacks."""
    from .inputs import InputError

    p = Path(path) if path else DATA_DIR / name
    if not p.exists():
        raise FileNotFoundError(f"data table not found: {p}")
    df = pd.read_csv(p)
    missing = missing_columns(name, df.columns)
    if missing:
        raise InputError(f"{p}: data table ({name}) lacks the column(s) {', '.join(missing)}")
    return df


@dataclass(eq=False)
class Tables:
    """All data tables a model run needs, loaded once and shared read-only."""

    states: pd.DataFrame
    trade: pd.DataFrame
    leaders: pd.DataFrame
    exogenous: pd.DataFrame
    bilateral: pd.DataFrame
    partner_record: pd.DataFrame
    trade_agreements: pd.DataFrame
    _trade_rows: dict[str, list[dict]] = field(init=False, repr=False)
    _exo_rows: dict[int, dict] = field(init=False, repr=False)
    #: iso3 -> the states table's row
    state_info: dict[str, dict] = field(init=False, repr=False)
    #: iso3 -> leader terms (dicts with start_t/end_t as fractional years), in order
    terms: dict[str, list[dict]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._trade_rows = {
            c: g.sort_values("year").to_dict("records") for c, g in self.trade.groupby("country")
        }
        self._exo_rows = {int(r["year"]): r for r in self.exogenous.to_dict("records")}
        rec = self.partner_record
        self._concern = {
            (c, int(y)): max(float(lab), float(tax))
            for c, y, lab, tax in zip(
                rec["country"], rec["year"], rec["labour_concern"], rec["tax_opacity"], strict=True
            )
        }
        self._record_years = (int(rec["year"].min()), int(rec["year"].max())) if len(rec) else (0, 0)
        self.state_info = self.states.set_index("iso3").to_dict("index")
        lead = self.leaders.assign(
            start_t=self.leaders["start"].map(_iso_to_year), end_t=self.leaders["end"].map(_iso_to_year)
        )
        self.terms = {c: g.sort_values("start_t").to_dict("records") for c, g in lead.groupby("country")}

    def trade_row(self, iso3: str, year: int) -> dict:
        """Trade and GDP of ``iso3`` in ``year``, clamped to the years the table covers."""
        rows = self._trade_rows[iso3]
        year = min(max(year, rows[0]["year"]), rows[-1]["year"])
        return rows[year - rows[0]["year"]]

    @cache  # noqa: B019 - a handful of (year, order) keys per process
    def year_arrays(self, year: int, order: tuple[str, ...]) -> tuple[np.ndarray, ...]:
        """GDP, exports and the US, China and regional export shares of the states in ``order``
        in ``year`` (trade_row), as read-only arrays shared by every run."""
        rows = [self.trade_row(iso, year) for iso in order]
        out = []
        for c in ("gdp_usd_bn", "exports_usd_bn", "share_us", "share_china", "share_region"):
            a = np.array([float(r[c]) for r in rows])
            a.flags.writeable = False
            out.append(a)
        return tuple(out)

    @cache  # noqa: B019 - a handful of (year, order) keys per process
    def bilateral_matrix(self, year: int, order: tuple[str, ...]) -> np.ndarray:
        """Export shares between the states in ``order`` in ``year``: row exporter, column partner."""
        b = self.bilateral
        years = b["year"]
        year = min(max(year, int(years.min())), int(years.max()))
        sub = b[years == year]
        pos = {c: i for i, c in enumerate(order)}
        mat = np.zeros((len(order), len(order)))
        for c, p, v in zip(sub["country"], sub["partner"], sub["share"], strict=True):
            if c in pos and p in pos:
                mat[pos[c], pos[p]] = v
        return mat

    @cache  # noqa: B019 - one or two orders per process
    def agreement_dates(self, order: tuple[str, ...]) -> np.ndarray:
        """When each pair of the states in ``order`` first held a free-trade agreement in force
        with each other (fractional years, symmetric; inf where never), read-only and shared by
        every run: partial-scope agreements do not count."""
        pos = {c: i for i, c in enumerate(order)}
        out = np.full((len(order), len(order)), np.inf)
        fta = self.trade_agreements[self.trade_agreements["kind"] == "fta"].dropna(subset=["in_force"])
        for a, b, d in zip(fta["a"], fta["b"], fta["in_force"], strict=True):
            if a in pos and b in pos:
                i, j = pos[a], pos[b]
                out[i, j] = out[j, i] = min(out[i, j], _iso_to_year(d))
        out.flags.writeable = False
        return out

    def concern(self, iso3: str, year: int) -> float:
        """What the US Congress's template looks at in a partner: the larger of its labour-rights
        concern and its tax opacity in ``year``, clamped to the years the table covers (0 where
        the record has no row for the state)."""
        y0, y1 = self._record_years
        return self._concern.get((iso3, min(max(year, y0), y1)), 0.0)

    def exo(self, year: int) -> dict:
        """Exogenous paths (oil price, China's imports) for ``year``, clamped to the table."""
        years = self._exo_rows
        return years[min(max(year, min(years)), max(years))]


@lru_cache(maxsize=8)
def load_tables(
    trade: str | None = None,
    leaders: str | None = None,
    states: str | None = None,
    bilateral: str | None = None,
    partner_record: str | None = None,
    trade_agreements: str | None = None,
) -> Tables:
    """Load the shipped tables, or replacements given as paths (a scenario's ``data:`` key)."""
    t = Tables(
        states=_read("states.csv", states),
        trade=_read("trade.csv", trade),
        leaders=_read("leaders.csv", leaders),
        exogenous=_read("exogenous.csv"),
        bilateral=_read("bilateral.csv", bilateral),
        partner_record=_read("partner_record.csv", partner_record),
        trade_agreements=_read("trade_agreements.csv", trade_agreements),
    )
    return t


def _iso_to_year(s: str) -> float:
    y, m, d = (int(x) for x in str(s).split("-"))
    return y + (m - 1) / 12 + (d - 1) / 372
