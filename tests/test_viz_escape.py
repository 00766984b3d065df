"""Everything a scenario can put into the app's HTML and SVG is escaped: a crafted institution
id, name and scenario name render as text, never as markup."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from tradeblocs.sim.model import TradeBlocsModel
from tradeblocs.sim.scenario import read_raw, resolve_path, validate
from tradeblocs.sim.viz import mapview, panels

HOSTILE = 'x"><script>alert(1)</script><svg onload="alert(2)'


def _hostile_model() -> TradeBlocsModel:
    raw = read_raw(resolve_path("baseline_calibrated"))
    raw["name"] = HOSTILE
    raw["institutions"][HOSTILE] = {
        "name": HOSTILE, "kind": "bloc", "economic_model": "none", "political_model": "autonomist",
        "founding": {"date": "2004Q1"},
    }  # fmt: skip
    raw.setdefault("interventions", []).append(
        {"date": "2004Q1", "kind": "found", "institution": HOSTILE, "members": ["VEN", "BOL", "ECU"]}
    )
    sc = validate(raw, "hostile")
    model = TradeBlocsModel(sc, seed=1)
    for _ in range(8):
        model.step()
    return model


def test_hostile_ids_are_escaped_in_map_and_panels() -> None:
    model = _hostile_model()
    svg = mapview.svg_map(model, "VEN")
    assert "<script" not in svg
    root = ET.fromstring(svg)  # still well-formed XML, with no injected element or handler
    assert not [el for el in root.iter() if el.tag.endswith("script") or "onload" in el.attrib]
    insts = {el.get("data-inst") for el in root.iter() if el.get("data-inst")}
    assert HOSTILE in insts  # the tie is drawn, its id intact as text
    for html in (panels.inspector_html(model, "VEN"), mapview.legend_html(model)):
        assert "<script" not in html
