"""District boundaries and the map drawn from them on the server: no tile server, no third party.

Staff upload a GeoJSON FeatureCollection whose features name the process's districts
(`properties.name`); `read_boundaries` checks all of it before anything is saved. `draw_map` projects the
outlines (longitude scaled by the cosine of the middle latitude, which is true enough for a city) into an
SVG in which each district is a labelled link and each marker a labelled link, with a title and a
description; the page lists the same links as its text alternative.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup, escape

from participate.core.errors import ValidationFailed

MAX_POSITIONS = 50_000  # points in one file: a city's districts need a few thousand at most
WIDTH = 640
PADDING = 12
Ring = list[tuple[float, float]]  # (longitude, latitude), closed


def _position(raw: Any) -> tuple[float, float] | None:
    if not isinstance(raw, list) or len(raw) < 2:
        return None
    lon, lat = raw[0], raw[1]
    if not all(
        isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in (lon, lat)
    ):
        return None
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return None
    return float(lon), float(lat)


def _polygons(geometry: Any) -> tuple[list[list[Ring]] | None, str | None]:
    """The polygons (each a list of rings: the outline, then any holes), or why the geometry is refused."""
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        return None, _("its geometry must be a Polygon or a MultiPolygon")
    coordinates = geometry.get("coordinates")
    polygons = [coordinates] if geometry["type"] == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons:
        return None, _("its geometry has no coordinates")
    made: list[list[Ring]] = []
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            return None, _("a polygon has no rings")
        rings: list[Ring] = []
        for raw_ring in polygon:
            if not isinstance(raw_ring, list):
                return None, _("a ring is not a list of positions")
            ring = [_position(p) for p in raw_ring]
            if any(p is None for p in ring):
                return None, _(
                    "a position is not a longitude between -180 and 180 and a latitude between -90 and 90"
                )
            points = [p for p in ring if p is not None]
            if len(points) < 4 or points[0] != points[-1]:
                return None, _("a ring must have at least four positions and end where it starts")
            rings.append(points)
        made.append(rings)
    return made, None


def read_boundaries(raw: bytes, district_names: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The geometry of each district the file names, by the district's own name; ValidationFailed listing
    every problem (up to ten) otherwise."""
    features = _features(raw)
    known = {name.casefold(): name for name in district_names}
    found: dict[str, dict[str, Any]] = {}
    problems: list[str] = []
    positions = 0
    for n, feature in enumerate(features, start=1):
        district, polygons = _district_of(n, feature, known, found)
        if isinstance(polygons, str):
            problems.append(polygons)
            continue
        positions += sum(len(ring) for rings in polygons for ring in rings)
        found[district] = {
            "type": "MultiPolygon",
            "coordinates": [[list(map(list, r)) for r in rings] for rings in polygons],
        }
    if positions > MAX_POSITIONS:
        problems.append(
            _(
                "The outlines have %(n)d points; simplify them to at most %(most)d.",
                n=positions,
                most=MAX_POSITIONS,
            )
        )
    if problems:
        raise ValidationFailed(_("Nothing was saved.") + " " + " ".join(problems[:10]))
    return found


def _features(raw: bytes) -> list[Any]:
    """The features of the GeoJSON file (a single Feature counts as a collection of one)."""
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ValidationFailed(_("The file is not text in UTF-8: upload a GeoJSON file.")) from None
    except json.JSONDecodeError as exc:
        raise ValidationFailed(
            _(
                "The file is not valid JSON (line %(line)d, column %(column)d).",
                line=exc.lineno,
                column=exc.colno,
            )
        ) from None
    if isinstance(document, dict) and document.get("type") == "Feature":
        document = {"type": "FeatureCollection", "features": [document]}
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise ValidationFailed(_("The file must be a GeoJSON FeatureCollection of the districts' outlines."))
    features = document.get("features")
    if not isinstance(features, list) or not features:
        raise ValidationFailed(_("The file has no features: add one per district."))
    return features


def _district_of(
    n: int, feature: Any, known: dict[str, str], found: dict[str, Any]
) -> tuple[str, list[list[Ring]] | str]:
    """The district the n-th feature outlines and its polygons, or what is wrong with the feature."""
    properties = feature.get("properties") if isinstance(feature, dict) else None
    name = properties.get("name") if isinstance(properties, dict) else None
    if not isinstance(name, str) or not name.strip():
        return "", _("Feature %(n)d has no name (properties.name).", n=n)
    district = known.get(name.strip().casefold())
    if district is None:
        return "", _(
            "Feature %(n)d is named “%(name)s”, which is not one of this process's districts (%(known)s).",
            n=n,
            name=name,
            known=", ".join(sorted(known.values())) or "—",
        )
    if district in found:
        return district, _("Feature %(n)d names %(name)s a second time.", n=n, name=district)
    polygons, problem = _polygons(feature.get("geometry"))
    if polygons is None:
        return district, _("Feature %(n)d (%(name)s): %(problem)s.", n=n, name=district, problem=problem)
    return district, polygons


def polygons_of(boundary: str | None) -> list[list[Ring]]:
    if not boundary:
        return []
    geometry = json.loads(boundary)
    return [[[(float(x), float(y)) for x, y in ring] for ring in rings] for rings in geometry["coordinates"]]


# Drawing


@dataclass(frozen=True)
class Area:
    name: str
    url: str | None
    polygons: list[list[Ring]]
    district_id: int | None = None


@dataclass(frozen=True)
class Marker:
    title: str
    url: str | None
    longitude: float
    latitude: float


@dataclass
class Projection:
    west: float
    north: float
    scale: float  # SVG units per degree of latitude
    squeeze: float  # cos(middle latitude): a degree of longitude is this much shorter
    height: float = field(default=0.0)

    @classmethod
    def around(cls, rings: list[Ring]) -> Projection:
        lons = [x for ring in rings for x, _y in ring]
        lats = [y for ring in rings for _x, y in ring]
        west, east, south, north = min(lons), max(lons), min(lats), max(lats)
        squeeze = math.cos(math.radians((north + south) / 2))
        scale = (WIDTH - 2 * PADDING) / max((east - west) * squeeze, 1e-9)
        return cls(west, north, scale, squeeze, (north - south) * scale + 2 * PADDING)

    def point(self, lon: float, lat: float) -> tuple[float, float]:
        return (
            PADDING + (lon - self.west) * self.squeeze * self.scale,
            PADDING + (self.north - lat) * self.scale,
        )


def _path(projection: Projection, polygons: list[list[Ring]]) -> str:
    parts = []
    for rings in polygons:
        for ring in rings:
            points = [projection.point(x, y) for x, y in ring[:-1]]
            parts.append("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in points) + " Z")
    return " ".join(parts)


def label_point(polygons: list[list[Ring]]) -> tuple[float, float]:
    """The centroid of the largest outline (where its name is written, and a marker with no coordinates)."""
    best, best_area = (0.0, 0.0), -1.0
    for rings in polygons:
        ring = rings[0]
        area = cx = cy = 0.0
        for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
            cross = x0 * y1 - x1 * y0
            area += cross
            cx += (x0 + x1) * cross
            cy += (y0 + y1) * cross
        if abs(area) > best_area and area:
            best_area, best = abs(area), (cx / (3 * area), cy / (3 * area))
    return best


def contains(polygons: list[list[Ring]], lon: float, lat: float) -> bool:
    """Whether the point is inside (even-odd rule over every ring, so holes are left out)."""
    inside = False
    for rings in polygons:
        for ring in rings:
            for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
                if (y0 > lat) != (y1 > lat) and lon < x0 + (lat - y0) * (x1 - x0) / (y1 - y0):
                    inside = not inside
    return inside


def draw_map(
    areas: list[Area], markers: list[Marker], *, map_id: str, title: str, description: str
) -> Markup:
    """An SVG of the districts (each a link with its name) and the markers; empty without outlines."""
    drawn = [a for a in areas if a.polygons]
    if not drawn:
        return Markup("")
    projection = Projection.around([ring for a in drawn for rings in a.polygons for ring in rings])
    out = [
        f'<svg class="district-map" id="{map_id}" viewBox="0 0 {WIDTH} {projection.height:.0f}" role="group" '
        f'aria-labelledby="{map_id}-title {map_id}-desc" data-west="{projection.west}" '
        f'data-north="{projection.north}" data-scale="{projection.scale}" data-squeeze="{projection.squeeze}" '
        f'data-padding="{PADDING}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{map_id}-title">{escape(title)}</title>',
        f'<desc id="{map_id}-desc">{escape(description)}</desc>',
    ]
    labels = []
    for n, area in enumerate(drawn):
        district = f' data-district-id="{area.district_id}"' if area.district_id else ""
        shape = f'<path class="district-shape district-shade-{n % 6}" d="{_path(projection, area.polygons)}"{district}/>'
        x, y = projection.point(*label_point(area.polygons))
        labels.append(
            f'<text class="district-label" x="{x:.1f}" y="{y:.1f}" text-anchor="middle">{escape(area.name)}</text>'
        )
        if area.url:
            out.append(f'<a href="{escape(area.url)}" aria-label="{escape(area.name)}">{shape}</a>')
        else:
            out.append(f'<g role="img" aria-label="{escape(area.name)}">{shape}</g>')
    for marker in markers:
        x, y = projection.point(marker.longitude, marker.latitude)
        dot = f'<circle class="map-marker" cx="{x:.1f}" cy="{y:.1f}" r="9"><title>{escape(marker.title)}</title></circle>'
        if marker.url:
            out.append(f'<a href="{escape(marker.url)}" aria-label="{escape(marker.title)}">{dot}</a>')
        else:
            out.append(dot)
    # Names go on top, haloed, so a marker never hides one; the shapes' links already carry them for
    # screen readers.
    out.append(f'<g class="district-labels" aria-hidden="true">{"".join(labels)}</g></svg>')
    return Markup("".join(out))
