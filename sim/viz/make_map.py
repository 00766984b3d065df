"""Generate ``sim/data/americas_110m.geojson``, the map the browser app draws.

Run once by a developer (the output is committed; nothing runs this at app time)::

    .venv/bin/python sim/viz/make_map.py            # fetches the wheel with pip
    .venv/bin/python sim/viz/make_map.py --wheel /tmp/x/geopandas-0.14.4-py3-none-any.whl

Source: Natural Earth 1:110m admin-0 countries (public domain), as shipped inside the PyPI wheel
``geopandas==0.14.4`` at ``geopandas/datasets/naturalearth_lowres/``. The shapefile is read
straight out of the wheel with the small reader below (the format is simple and a reader keeps
the generator free of GIS dependencies), cut to the Americas window the app shows, simplified
with Douglas-Peucker and rounded to 0.01 degree, which keeps the file small and the coasts
recognisable at the size the app draws them.
"""

from __future__ import annotations

import argparse
import io
import json
import struct
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

WHEEL = "geopandas==0.14.4"
INNER = "geopandas/datasets/naturalearth_lowres/naturalearth_lowres"
OUT = Path(__file__).resolve().parents[1] / "data" / "americas_110m.geojson"
#: lon_min, lat_min, lon_max, lat_max of what is kept (a little wider than the app's view)
WINDOW = (-128.0, -60.0, -28.0, 46.0)
TOLERANCE = 0.08  # degrees, Douglas-Peucker
MIN_AREA = 0.15  # square degrees: islands smaller than this are dropped (kept for named states)
KEEP_SMALL = {"CUB", "DOM", "HTI", "JAM", "PRI", "TTO", "SLV", "BHS", "BLZ"}
#: overseas parts of non-American states that sit in the window: name in the table -> (code, name)
OVERSEAS = {"France": ("GUF", "French Guiana")}

Ring = list[tuple[float, float]]


def read_dbf(data: bytes) -> list[dict[str, str]]:
    """Records of a dBASE III table as dicts of stripped strings."""
    n_rec, header_len, rec_len = struct.unpack("<IHH", data[4:12])
    fields = []
    pos = 32
    while data[pos] != 0x0D:
        name = data[pos : pos + 11].split(b"\0")[0].decode("ascii")
        fields.append((name, data[pos + 16]))
        pos += 32
    out = []
    for i in range(n_rec):
        rec = data[header_len + i * rec_len : header_len + (i + 1) * rec_len]
        off, row = 1, {}
        for name, length in fields:
            row[name] = rec[off : off + length].decode("utf-8", "replace").strip()
            off += length
        out.append(row)
    return out


def read_shp_polygons(data: bytes) -> list[list[Ring]]:
    """Each record of a polygon shapefile as its list of rings (lon, lat)."""
    shapes, pos = [], 100
    while pos < len(data):
        _, length = struct.unpack(">ii", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + 2 * length]
        pos += 8 + 2 * length
        if struct.unpack("<i", body[:4])[0] != 5:  # 5 = polygon; null shapes carry no rings
            shapes.append([])
            continue
        n_parts, n_points = struct.unpack("<ii", body[36:44])
        parts = list(struct.unpack(f"<{n_parts}i", body[44 : 44 + 4 * n_parts])) + [n_points]
        pts = struct.unpack(f"<{2 * n_points}d", body[44 + 4 * n_parts : 44 + 4 * n_parts + 16 * n_points])
        xy = list(zip(pts[0::2], pts[1::2], strict=True))
        shapes.append([xy[parts[i] : parts[i + 1]] for i in range(n_parts)])
    return shapes


def clip_ring(ring: Ring, window: tuple[float, float, float, float]) -> Ring:
    """Sutherland-Hodgman clip of a closed ring to an axis-aligned window."""
    x0, y0, x1, y1 = window
    edges = [
        (lambda p: p[0] >= x0, lambda a, b: _cross_x(a, b, x0)),
        (lambda p: p[0] <= x1, lambda a, b: _cross_x(a, b, x1)),
        (lambda p: p[1] >= y0, lambda a, b: _cross_y(a, b, y0)),
        (lambda p: p[1] <= y1, lambda a, b: _cross_y(a, b, y1)),
    ]
    out = list(ring)
    for inside, cross in edges:
        pts, out = out, []
        for i, cur in enumerate(pts):
            prev = pts[i - 1]
            if inside(cur):
                if not inside(prev):
                    out.append(cross(prev, cur))
                out.append(cur)
            elif inside(prev):
                out.append(cross(prev, cur))
        if not out:
            return []
    return out


def _cross_x(a: tuple[float, float], b: tuple[float, float], x: float) -> tuple[float, float]:
    t = (x - a[0]) / (b[0] - a[0])
    return (x, a[1] + t * (b[1] - a[1]))


def _cross_y(a: tuple[float, float], b: tuple[float, float], y: float) -> tuple[float, float]:
    t = (y - a[1]) / (b[1] - a[1])
    return (a[0] + t * (b[0] - a[0]), y)


def simplify(ring: Ring, tol: float) -> Ring:
    """Douglas-Peucker simplification of a ring (its first and last points are kept)."""
    if len(ring) < 4:
        return ring
    keep = [False] * len(ring)
    keep[0] = keep[-1] = True
    stack = [(0, len(ring) - 1)]
    while stack:
        i, j = stack.pop()
        (ax, ay), (bx, by) = ring[i], ring[j]
        dx, dy = bx - ax, by - ay
        norm = (dx * dx + dy * dy) ** 0.5
        best, best_k = -1.0, -1
        for k in range(i + 1, j):
            px, py = ring[k]
            d = (
                abs(dy * px - dx * py + bx * ay - by * ax) / norm
                if norm
                else ((px - ax) ** 2 + (py - ay) ** 2) ** 0.5
            )
            if d > best:
                best, best_k = d, k
        if best > tol:
            keep[best_k] = True
            stack += [(i, best_k), (best_k, j)]
    return [p for p, k in zip(ring, keep, strict=True) if k]


def area(ring: Ring) -> float:
    """Unsigned shoelace area in square degrees."""
    pairs = zip(ring, ring[1:] + ring[:1], strict=True)
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in pairs)) / 2


def build(shp: bytes, dbf: bytes) -> dict:
    """The GeoJSON FeatureCollection of the Americas, clipped and simplified."""
    features = []
    for rec, rings in zip(read_dbf(dbf), read_shp_polygons(shp), strict=True):
        iso3, name = rec["iso_a3"], rec["name"]
        if rec["continent"] not in ("North America", "South America"):
            if name not in OVERSEAS:
                continue
            iso3, name = OVERSEAS[name]
        polys = []
        for ring in rings:
            r = simplify(clip_ring(ring, WINDOW), TOLERANCE)
            if len(r) < 4 or (area(r) < MIN_AREA and iso3 not in KEEP_SMALL):
                continue
            r = [(round(x, 2), round(y, 2)) for x, y in r]
            if r[0] != r[-1]:
                r.append(r[0])
            polys.append([[list(p) for p in r]])
        if polys:
            features.append({
                "type": "Feature",
                "properties": {"iso3": iso3, "name": name},
                "geometry": {"type": "MultiPolygon", "coordinates": polys},
            })  # fmt: skip
    features.sort(key=lambda f: f["properties"]["iso3"])
    return {
        "type": "FeatureCollection",
        "source": "Natural Earth 1:110m admin-0 countries (public domain), via geopandas 0.14.4",
        "features": features,
    }


def wheel_path(given: Path | None, tmp: Path) -> Path:
    """The geopandas wheel: as given, or downloaded with pip into ``tmp``."""
    if given:
        return given
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", WHEEL, "-d", str(tmp)], check=True)
    return next(tmp.glob("geopandas-*.whl"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wheel", type=Path, help="path to geopandas-0.14.4-py3-none-any.whl")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(wheel_path(args.wheel, Path(tmp))) as z:
        shp, dbf = z.read(INNER + ".shp"), z.read(INNER + ".dbf")
    gj = build(shp, dbf)
    buf = io.StringIO()
    json.dump(gj, buf, separators=(",", ":"))
    args.out.write_text(buf.getvalue() + "\n")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KB, {len(gj['features'])} countries)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
