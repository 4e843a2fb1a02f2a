"""A map that works out of the box (issue 18): staff upload district outlines (GeoJSON, checked whole before
anything is saved) and the site draws an accessible SVG map from them, with no tile server."""

from __future__ import annotations

import io
import json
import re

import pytest

from participate.core.errors import ValidationFailed
from participate.extensions import db
from participate.processes import geo, services
from participate.processes.models import District
from tests.conftest import csrf_token
from tests.factories import make_process, make_user

SQUARE = [[13.0, 55.6], [13.02, 55.6], [13.02, 55.61], [13.0, 55.61], [13.0, 55.6]]
EAST = [[13.02, 55.6], [13.04, 55.6], [13.04, 55.61], [13.02, 55.61], [13.02, 55.6]]


def feature(name, ring, kind="Polygon"):
    coordinates = [ring] if kind == "Polygon" else [[ring]]
    return {
        "type": "Feature",
        "properties": {"name": name},
        "geometry": {"type": kind, "coordinates": coordinates},
    }


def collection(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def process_with_districts():
    process = make_process()
    process.districts.extend(
        [District(name="Hyllie", budget_minor=100_000_00), District(name="Husie", budget_minor=100_000_00)]
    )
    db.session.commit()
    return process


def test_a_good_file_gives_each_named_district_its_outline(app):
    found = geo.read_boundaries(
        collection(feature("hyllie", SQUARE), feature("Husie", EAST, "MultiPolygon")), ["Hyllie", "Husie"]
    )
    assert sorted(found) == ["Husie", "Hyllie"]
    assert found["Hyllie"]["type"] == "MultiPolygon" and found["Hyllie"]["coordinates"] == [[SQUARE]]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"\xff\xfe", "not text in UTF-8"),
        (b'{"type": "FeatureCollection", "features": [', "not valid JSON (line 1"),
        (json.dumps({"type": "Polygon", "coordinates": [SQUARE]}).encode(), "FeatureCollection"),
        (collection(), "no features"),
        (
            collection(feature("Oxie", SQUARE)),
            "“Oxie”, which is not one of this process's districts (Husie, Hyllie)",
        ),
        (collection(feature("Hyllie", SQUARE[:-1])), "end where it starts"),
        (
            collection(feature("Hyllie", [[13.0, 95.0], *SQUARE[1:-1], [13.0, 95.0]])),
            "latitude between -90 and 90",
        ),
        (collection(feature("Hyllie", SQUARE), feature("Hyllie", EAST)), "names Hyllie a second time"),
        (
            json.dumps(
                {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}}]}
            ).encode(),
            "has no name",
        ),
        (
            json.dumps(
                {
                    "type": "FeatureCollection",
                    "features": [
                        {
                            "type": "Feature",
                            "properties": {"name": "Husie"},
                            "geometry": {"type": "Point", "coordinates": [13, 55]},
                        }
                    ],
                }
            ).encode(),
            "Polygon or a MultiPolygon",
        ),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(app, raw, message):
    with pytest.raises(ValidationFailed, match=re.escape(message)):
        geo.read_boundaries(raw, ["Hyllie", "Husie"])


def test_nothing_is_half_saved(app):
    process = process_with_districts()
    with pytest.raises(ValidationFailed, match="Nothing was saved"):
        services.set_boundaries(
            make_user("staff"), process, collection(feature("Hyllie", SQUARE), feature("Nowhere", EAST))
        )
    db.session.rollback()
    assert all(d.boundary is None for d in process.districts)


def test_the_map_is_drawn_with_a_title_a_description_and_each_district_a_labelled_link(app):
    areas = [geo.Area("Hyllie", "/p?district=1", [[SQUARE]], 1), geo.Area("Husie & co", None, [[EAST]], 2)]
    svg = str(
        geo.draw_map(
            areas,
            [geo.Marker("Benches", "/proposals/9", 13.01, 55.605)],
            map_id="m",
            title="Map",
            description="The districts",
        )
    )
    assert svg.startswith('<svg class="district-map" id="m"') and 'aria-labelledby="m-title m-desc"' in svg
    assert '<title id="m-title">Map</title>' in svg and '<desc id="m-desc">The districts</desc>' in svg
    assert '<a href="/p?district=1" aria-label="Hyllie">' in svg and 'data-district-id="1"' in svg
    assert 'aria-label="Husie &amp; co"' in svg  # escaped
    assert '<a href="/proposals/9" aria-label="Benches"><circle class="map-marker"' in svg
    # the names are drawn last, over any marker, and hidden from screen readers (the links carry them)
    labels = svg.index('<g class="district-labels" aria-hidden="true">')
    assert labels > svg.index('class="map-marker"') and svg.count('class="district-label"', labels) == 2
    assert (
        str(geo.draw_map([geo.Area("Empty", None, [], 3)], [], map_id="x", title="t", description="d")) == ""
    )


def test_a_click_on_the_map_reads_back_as_the_place_clicked(app):
    """The script inverts the projection with the numbers the SVG carries (static/js/location-picker.js)."""
    projection = geo.Projection.around([SQUARE, EAST])
    for lon, lat in [(13.0, 55.6), (13.031, 55.6077), (13.04, 55.61)]:
        x, y = projection.point(lon, lat)
        back_lon = projection.west + (x - geo.PADDING) / (projection.squeeze * projection.scale)
        back_lat = projection.north - (y - geo.PADDING) / projection.scale
        assert (round(back_lon, 9), round(back_lat, 9)) == (lon, lat)
    assert geo.contains([[SQUARE]], *geo.label_point([[SQUARE]]))
    assert not geo.contains([[SQUARE]], 13.03, 55.605)


def test_staff_upload_outlines_and_the_process_page_shows_the_map(app, as_user):
    process = process_with_districts()
    client = as_user(make_user("staff"))
    page = f"/manage/processes/{process.id}/districts"
    bad = client.post(
        f"/manage/processes/{process.id}/boundaries",
        data={"map-csrf_token": csrf_token(client, page), "map-file": (io.BytesIO(b"not json"), "d.geojson")},
    )
    assert bad.status_code == 400 and "not valid JSON" in bad.get_data(as_text=True)
    good = client.post(
        f"/manage/processes/{process.id}/boundaries",
        data={
            "map-csrf_token": csrf_token(client, page),
            "map-file": (
                io.BytesIO(collection(feature("Hyllie", SQUARE), feature("Husie", EAST))),
                "d.geojson",
            ),
        },
    )
    assert good.status_code == 302
    db.session.expire_all()
    assert all(d.boundary for d in process.districts)
    public = client.get(f"/processes/{process.slug}").get_data(as_text=True)
    svg = public[public.index('<svg class="district-map"') : public.index("</svg>")]
    for district in process.districts:
        link = f"/processes/{process.slug}/proposals/?district={district.id}"
        assert f'<a href="{link}" aria-label="{district.name}">' in svg  # on the map
        assert f'<a href="{link}">{district.name}</a>' in public  # and in the table, its text alternative
    assert "staff" not in svg.lower() and "tile" not in svg


def test_the_proposal_form_offers_the_map_and_keeps_a_street_address(app, as_user):
    from participate.proposals.models import Proposal
    from tests.conftest import post_form

    process = process_with_districts()
    services.set_boundaries(make_user("staff"), process, collection(feature("Hyllie", SQUARE)))
    db.session.commit()
    client = as_user(make_user())
    form = client.get(f"/processes/{process.slug}/proposals/new").get_data(as_text=True)
    assert "data-location-picker" in form and 'data-latitude-field="latitude"' in form
    assert "js/location-picker.js" in form and 'name="address"' in form
    hyllie = next(d for d in process.districts if d.name == "Hyllie")
    response = post_form(
        client,
        f"/processes/{process.slug}/proposals/new",
        {
            "title": "Benches by the square",
            "summary": "Somewhere to sit",
            "cost": "10000",
            "district": str(hyllie.id),
            "category": "",
            "address": "Hyllie Boulevard 10",
            "publish": "1",
        },
        token_from=f"/processes/{process.slug}/proposals/new",
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 302, body[body.find("<main") :][:3000]
    proposal = db.session.query(Proposal).one()
    assert (proposal.address, proposal.district_id, proposal.latitude) == (
        "Hyllie Boulevard 10",
        hyllie.id,
        None,
    )
    assert "Hyllie Boulevard 10" in client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
