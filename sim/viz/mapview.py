"""The map of the Americas as an SVG string: states coloured by alignment, ties between capitals.

Drawn by hand rather than with a tile server or a plotting library so that it works offline,
stays crisp at any size, and is cheap enough to redraw on every step. The country shapes are
Natural Earth 1:110m (public domain; see ``sim/data/README_map.md``). Ties are a networkx graph:
each bloc's members joined by the shortest tree over their capitals (a full clique of ALBA or
Mercosur members would be a hairball), and each state with a US agreement joined to Washington.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from html import escape
from math import hypot
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx

from ..institutions import ACTIVE, STAGE_RANK
from ..palette import ALIGNMENT_COLORS, ALIGNMENT_LABELS, INSTITUTION_COLORS
from ..us_deal import us_deal_ids

if TYPE_CHECKING:
    from ..model import TradeBlocsModel

MAP_PATH = Path(__file__).resolve().parents[1] / "data" / "americas_110m.geojson"
#: The window shown: lon_min, lat_min, lon_max, lat_max (Washington to Tierra del Fuego).
VIEW = (-118.0, -56.5, -33.0, 41.5)
SCALE = 6.0  # SVG units per degree
WASHINGTON = ("USA", 38.9, -77.04)
LAND = "#f3f0e8"  # countries outside the model
OCEAN = "#e6eef4"
PACIFIC_ALLIANCE_OUTLINE = INSTITUTION_COLORS["PACIFIC_ALLIANCE"]
#: Label nudges (dx, dy in SVG units) where capitals crowd: Central America and the Caribbean.
LABEL_NUDGE = {
    "GTM": (-24, -4), "SLV": (-22, 9), "HND": (0, -7), "NIC": (7, 3), "CRI": (-22, 8),
    "PAN": (6, 9), "CUB": (0, -7), "DOM": (7, 3), "URY": (6, 8), "PRY": (-24, 0),
    "ECU": (-24, 0), "VEN": (0, -7), "USA": (6, -4),
}  # fmt: skip
#: Short display names for institution ids.
SHORT = {
    "US_FTA": "US FTA", "CAFTA_DR": "CAFTA-DR", "PACIFIC_ALLIANCE": "Pacific Alliance",
    "MERCOSUR": "Mercosur", "UNASUR": "UNASUR", "CELAC": "CELAC", "ALBA": "ALBA",
    "CAN": "Andean Community", "NAFTA": "NAFTA", "TPP": "TPP", "FTAA": "FTAA",
    "ATPDEA": "ATPDEA",
}  # fmt: skip


def short_name(iid: str) -> str:
    """Readable short name of an institution id (``PACIFIC_ALLIANCE`` -> ``Pacific Alliance``)."""
    return SHORT.get(iid, iid.replace("_", " ").title())


@dataclass(frozen=True)
class Country:
    iso3: str
    name: str
    rings: tuple[tuple[tuple[float, float], ...], ...]  # (lon, lat) outer rings


@cache
def load_countries(path: Path = MAP_PATH) -> tuple[Country, ...]:
    """The countries in the generated GeoJSON (outer rings only: 1:110m has no lakes to cut)."""
    data = json.loads(Path(path).read_text())
    out = []
    for f in data["features"]:
        geom = f["geometry"]
        polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        rings = tuple(tuple((x, y) for x, y in poly[0]) for poly in polys)
        out.append(Country(f["properties"]["iso3"], f["properties"]["name"], rings))
    return tuple(out)


def project(lon: float, lat: float) -> tuple[float, float]:
    """Plate carrée into SVG coordinates (origin top left of ``VIEW``)."""
    return (lon - VIEW[0]) * SCALE, (VIEW[3] - lat) * SCALE


def _path_d(rings: tuple[tuple[tuple[float, float], ...], ...]) -> str:
    parts = []
    for ring in rings:
        pts = [project(x, y) for x, y in ring]
        parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in pts) + "Z")
    return "".join(parts)


# --- ties --------------------------------------------------------------------------------------


def tie_blocs(model: TradeBlocsModel) -> list[str]:
    """Blocs whose ties are drawn: trade and political blocs, not the everyone-is-in forums."""
    return [
        iid for iid, inst in model.insts.items()
        if inst.kind == "bloc" and inst.spec.political_model != "lowest_common_denominator"
    ]  # fmt: skip


def capitals(model: TradeBlocsModel) -> dict[str, tuple[float, float]]:
    """iso3 -> (lat, lon) of the capital, for the model's states and Washington."""
    caps = {s.iso3: (s.lat, s.lon) for s in model.states}
    caps[WASHINGTON[0]] = WASHINGTON[1:]
    return caps


def tie_graph(model: TradeBlocsModel) -> nx.MultiGraph:
    """Who is tied to whom now.

    Edges carry ``kind`` ("bloc" or "us"), ``institution`` and, for US ties, ``status`` (the
    furthest stage reached with any US agreement, negotiating or beyond). Bloc ties are the
    minimum spanning tree of the members' capitals by distance.
    """
    caps = capitals(model)
    g = nx.MultiGraph()
    for iso3, (lat, lon) in caps.items():
        g.add_node(iso3, lat=lat, lon=lon)
    for iid in tie_blocs(model):
        members = sorted(c for c in model.insts[iid].members if model.by_iso[c].status.get(iid) in ACTIVE)
        clique = nx.Graph()
        clique.add_nodes_from(members)
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                clique.add_edge(a, b, weight=hypot(caps[a][0] - caps[b][0], caps[a][1] - caps[b][1]))
        for a, b in nx.minimum_spanning_tree(clique).edges():
            g.add_edge(a, b, kind="bloc", institution=iid)
    us = set(us_deal_ids(model.insts))
    for s in model.states:
        best: tuple[int, str, str] | None = None
        for iid, st in s.status.items():
            if iid in us and STAGE_RANK.get(st, 0) >= STAGE_RANK["negotiating"]:
                cand = (STAGE_RANK[st], iid, st)
                best = max(best, cand) if best else cand
        if best:
            g.add_edge(WASHINGTON[0], s.iso3, kind="us", institution=best[1], status=best[2])
    return g


# --- drawing -----------------------------------------------------------------------------------

#: Where the arcs to Washington meet before one trunk carries them on (the Florida Straits):
#: bundling a dozen arcs into one keeps Central America and the Caribbean readable.
JUNCTION = (24.0, -81.0)


@cache
def country_paths(path: Path = MAP_PATH) -> tuple[tuple[str, str, str], ...]:
    """(iso3, name, SVG path data) of every country, projected once per process."""
    return tuple((c.iso3, c.name, _path_d(c.rings)) for c in load_countries(path))


def _luminance(hex_colour: str) -> float:
    r, g, b = (int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def casing_for(colour: str) -> str:
    """The halo under a tie: dark under a light tie, white under a dark one, so that the tie
    reads on every fill, its own colour's included (Mercosur's ochre on a Mercosur state)."""
    try:
        return "#1b1b1b" if _luminance(colour) > 0.45 else "#ffffff"
    except ValueError:
        return "#ffffff"


def svg_map(
    model: TradeBlocsModel, selected: str | None = None, documented: dict[str, str] | None = None
) -> str:
    """The whole map as one ``<svg>`` element (scales to its container's width).

    ``documented`` (iso3 -> alignment category in the record) adds the documented-history
    layer: a badge by each capital in the colour the state had in history, ringed where the
    run differs from it. States and capitals carry ``data-iso`` so a click can pick a state.
    """
    w, h = project(VIEW[2], VIEW[1])
    by_iso = {s.iso3: s for s in model.states}
    pa = model.insts.get("PACIFIC_ALLIANCE")
    pa_members = pa.members if pa is not None else set()
    date = escape(str(getattr(model, "display_date", model.date)))
    out = [
        f'<svg class="tb-map" viewBox="0 0 {w:.0f} {h:.0f}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Map of the Americas, {date}">',
        f'<rect class="tb-ocean" width="{w:.0f}" height="{h:.0f}" fill="{OCEAN}"/>',
    ]
    outlines = []
    for iso3, name, d in country_paths():
        s = by_iso.get(iso3)
        if s is None:
            out.append(
                f'<path class="tb-land" d="{d}" fill="{LAND}" stroke="#c9c4b8" stroke-width="0.5">'
                f"<title>{escape(name)}</title></path>"
            )
            continue
        stroke, sw = ("#ffffff", 0.8)
        if iso3 == selected:
            stroke, sw = ("#111111", 2.6)
        label = escape(ALIGNMENT_LABELS[s.alignment])
        out.append(
            f'<path class="tb-state" data-iso="{escape(iso3)}" data-alignment="{escape(s.alignment)}" '
            f'd="{d}" fill="{ALIGNMENT_COLORS[s.alignment]}" stroke="{stroke}" '
            f'stroke-width="{sw}" stroke-linejoin="round"><title>{escape(s.name)}: {label}</title></path>'
        )
        if iso3 in pa_members:  # a white halo under the indigo outline: visible on every fill
            outlines.append(
                f'<path d="{d}" fill="none" stroke="#ffffff" stroke-width="4.2" stroke-linejoin="round"/>'
                f'<path data-outline="PACIFIC_ALLIANCE" data-iso="{escape(iso3)}" d="{d}" fill="none" '
                f'stroke="{PACIFIC_ALLIANCE_OUTLINE}" stroke-width="2.2" stroke-linejoin="round"/>'
            )
    out.append('<g class="tb-outlines" pointer-events="none">' + "".join(outlines) + "</g>")
    out.append(_svg_ties(model))
    if documented:
        out.append(_svg_documented(model, documented))
    out.append(_svg_capitals(model, selected))
    out.append("</svg>")
    return "".join(out)


def _svg_documented(model: TradeBlocsModel, documented: dict[str, str]) -> str:
    """The documented-history layer: a badge per state in its documented alignment colour,
    with a thick ring where the run disagrees with the record."""
    out = ['<g class="tb-documented">']
    for s in model.states:
        doc = documented.get(s.iso3)
        if doc is None:
            continue
        x, y = project(s.lon, s.lat)
        differs = doc != s.alignment
        ring = ("#111111", 2.0) if differs else ("#ffffff", 1.0)
        out.append(
            f'<rect data-doc-iso="{escape(s.iso3)}" data-doc-alignment="{doc}" '
            f'data-differs="{str(differs).lower()}" '
            f'x="{x - 13:.1f}" y="{y + 3:.1f}" width="9" height="9" rx="2" fill="{ALIGNMENT_COLORS[doc]}" '
            f'stroke="{ring[0]}" stroke-width="{ring[1]}"><title>{escape(s.name)} in the record: '
            f"{escape(ALIGNMENT_LABELS[doc])}{' (the run differs)' if differs else ''}</title></rect>"
        )
    out.append("</g>")
    return "".join(out)


def _svg_ties(model: TradeBlocsModel) -> str:
    g = tie_graph(model)
    blocs = tie_blocs(model)
    casing, ties = [], []  # a halo under each tie, so a tie reads over a fill of its colour
    jx, jy = project(JUNCTION[1], JUNCTION[0])
    wx, wy = project(WASHINGTON[2], WASHINGTON[1])
    in_force = pending = 0
    blue = INSTITUTION_COLORS["US_FTA"]
    for a, b, d in g.edges(data=True):
        iid = d["institution"]
        if d["kind"] == "us":  # a faint branch to the junction; the trunk carries it on
            state = b if a == WASHINGTON[0] else a
            x1, y1 = project(g.nodes[state]["lon"], g.nodes[state]["lat"])
            cx, cy = (x1 + jx) / 2 + (jy - y1) * 0.15, (y1 + jy) / 2 - (jx - x1) * 0.15
            geom = f"M{x1:.1f},{y1:.1f}Q{cx:.1f},{cy:.1f} {jx:.1f},{jy:.1f}"
            done = d["status"] == "in_force"
            in_force, pending = in_force + done, pending + (not done)
            style = "" if done else ' stroke-dasharray="4 3"'
            ties.append(
                f'<path data-tie="us" data-inst="{escape(iid)}" data-iso="{escape(state)}" d="{geom}" '
                f'stroke="{blue}" stroke-width="1.1" opacity="0.55"{style}/>'
            )
            continue
        (x1, y1), (x2, y2) = (project(g.nodes[n]["lon"], g.nodes[n]["lat"]) for n in (a, b))
        dx, dy = x2 - x1, y2 - y1
        n = hypot(dx, dy) or 1.0
        px, py = -dy / n, dx / n  # unit normal: parallel ties of different blocs side by side
        off = (blocs.index(iid) - (len(blocs) - 1) / 2) * 2.4
        geom = f"M{x1 + px * off:.1f},{y1 + py * off:.1f}L{x2 + px * off:.1f},{y2 + py * off:.1f}"
        colour = INSTITUTION_COLORS.get(iid, "#555555")
        casing.append(f'<path d="{geom}" stroke="{casing_for(colour)}" stroke-width="4.4" opacity="0.9"/>')
        ties.append(
            f'<path data-tie="bloc" data-inst="{escape(iid)}" d="{geom}" stroke="{colour}" '
            'stroke-width="2.4"/>'
        )
    if in_force + pending:
        width = 1.5 + 0.45 * (in_force + pending)
        trunk = f"M{jx:.1f},{jy:.1f}L{wx:.1f},{wy:.1f}"
        casing.append(f'<path d="{trunk}" stroke="#ffffff" stroke-width="{width + 2:.1f}" opacity="0.8"/>')
        ties.append(
            f'<path data-tie="us-trunk" d="{trunk}" stroke="{blue}" stroke-width="{width:.1f}">'
            f"<title>US agreements: {in_force} in force, {pending} negotiating or signed</title></path>"
            f'<text class="tb-trunk-label" x="{(jx + wx) / 2 + 6:.1f}" y="{(jy + wy) / 2:.1f}" '
            'font-size="9" font-weight="700" '
            f'fill="#10243a" stroke="#fff" stroke-width="2.5" paint-order="stroke">'
            f"US: {in_force} in force, {pending} pending</text>"
        )
    return '<g class="tb-ties" fill="none" stroke-linecap="round">' + "".join(casing + ties) + "</g>"


def _svg_capitals(model: TradeBlocsModel, selected: str | None) -> str:
    out = ['<g class="tb-capitals" font-family="sans-serif" font-size="9" font-weight="600">']
    for iso3, (lat, lon) in capitals(model).items():
        x, y = project(lon, lat)
        ndx, ndy = LABEL_NUDGE.get(iso3, (5, -4))
        name = "Washington" if iso3 == WASHINGTON[0] else iso3
        r = 3 if iso3 == selected else 2.2
        shape = (
            f'<rect x="{x - 3:.1f}" y="{y - 3:.1f}" width="6" height="6" fill="#222"/>'
            if iso3 == WASHINGTON[0]
            else f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="#fff" stroke="#222" stroke-width="1"/>'
        )
        pick = "" if iso3 == WASHINGTON[0] else f' data-iso="{escape(iso3)}" class="tb-capital"'
        out.append(
            f"<g{pick}>" + shape + f'<text x="{x + ndx:.1f}" y="{y + ndy:.1f}" fill="#222" stroke="#fff" '
            f'stroke-width="2.5" paint-order="stroke">{escape(name)}</text></g>'
        )
    out.append("</g>")
    return "".join(out)


def _legend_item(swatch_style: str, text: str) -> str:
    return f'<span class="tb-legend-item"><span style="{swatch_style}"></span>{escape(text)}</span>'


def legend_html(model: TradeBlocsModel, documented: bool = False) -> str:
    """The on-screen legend: fills by alignment, the Pacific Alliance outline, the tie styles
    and, with the documented-history layer on, its badges."""
    box = "display:inline-block;width:14px;height:12px;margin-right:5px;vertical-align:-1px;border-radius:2px"
    line = "display:inline-block;width:22px;margin-right:5px;vertical-align:3px;border-top:3px"
    blue = INSTITUTION_COLORS["US_FTA"]
    items = [
        _legend_item(f"{box};background:{ALIGNMENT_COLORS[k]};border:1px solid #999", v)
        for k, v in ALIGNMENT_LABELS.items()
    ]
    items += [
        _legend_item(
            f"{box};border:2.5px solid {PACIFIC_ALLIANCE_OUTLINE}", "Pacific Alliance member (outline)"
        ),
        _legend_item(f"{line} solid {blue}", "US agreement in force (bundled to Washington)"),
        _legend_item(f"{line} dashed {blue}", "negotiating or signed"),
    ]
    if documented:
        items.append(_legend_item(f"{box};width:10px;height:10px;background:#ccc;border:2px solid #111",
                                  "documented alignment (ringed: the run differs)"))  # fmt: skip
    items += [
        _legend_item(f"{line} solid {INSTITUTION_COLORS.get(iid, '#555')}", f"{short_name(iid)} ties")
        for iid in tie_blocs(model)
    ]
    return '<div class="tb-legend">' + "".join(items) + "</div>"
