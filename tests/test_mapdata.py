"""The map's data: only on-site providers with a position, grouped by area above the cap, and a
deck.gl spec that is valid JSON with the points in their care setting's layer."""

import json

import numpy as np
import pandas as pd
import pytest

from vetting.mapdata import deck_json, group_points, provider_points


def results(rows):
    """rows: (name, care_setting, supervision_model, latitude, longitude, routes, low, high)."""
    frame = pd.DataFrame(rows, columns=["name", "care_setting", "supervision_model", "latitude", "longitude", "routes",
                                        "price_per_session_low", "price_per_session_high"])
    return frame.astype({"latitude": "float64", "longitude": "float64", "price_per_session_low": "float64",
                         "price_per_session_high": "float64"})


ROWS = [
    ("Clinic A", "clinic", "in_clinic_monitored", 40.75, -73.99, "iv;im", 400.0, 600.0),
    ("Hybrid B", "hybrid", "hybrid", 30.27, -97.74, "sublingual", None, None),
    ("Home C", "at_home", "telehealth_remote", 40.0, -75.0, "oral", 200.0, None),
    ("Nowhere D", "clinic", "in_clinic_monitored", None, None, "iv", 300.0, 300.0),
]


def test_points_are_on_site_providers_with_a_position():
    points = provider_points(results(ROWS)).set_index("name")
    assert list(points.index) == ["Clinic A", "Hybrid B"]
    assert points.loc["Clinic A", "routes"] == "IV, IM"
    assert points.loc["Clinic A", "price"] == "$400–$600"
    assert points.loc["Hybrid B", "price"] == "unknown"


@pytest.mark.parametrize("n, cap, box", [
    (4000, 3000, (25, 48, -124, -67)),   # across the US: grouped under the default cap
    (500, 100, (40, 42, -75, -73)),      # one metro area: grouped on a fine grid
    (2000, 3000, (25, 48, -124, -67)),   # under the cap: one dot per provider
])
def test_grouping_keeps_every_provider_under_the_cap(n, cap, box):
    generator = np.random.default_rng(n)
    south, north, west, east = box
    rows = [(f"P{i}", "clinic" if i % 3 else "hybrid", "in_clinic_monitored", generator.uniform(south, north),
             generator.uniform(west, east), "iv", None, None) for i in range(n)]
    points = provider_points(results(rows), max_points=cap)
    assert len(points) <= min(cap, n)
    counts = [int(name.split()[0].replace(",", "")) if name.endswith("in this area") else 1 for name in points["name"]]
    assert sum(counts) == n
    assert (set(points["routes"]) == {"see the table"}) == (n > cap)


def test_deck_json_puts_each_point_in_its_setting_layer():
    spec = json.loads(deck_json(provider_points(results(ROWS)), 39.5, -98.35, 3.0, False))
    layers = {layer["id"]: layer for layer in spec["layers"]}
    assert [p["name"] for p in layers["providers-clinic"]["data"]] == ["Clinic A"]
    assert [p["name"] for p in layers["providers-hybrid"]["data"]] == ["Hybrid B"]
    assert spec["initialViewState"]["zoom"] == 3.0


@pytest.mark.parametrize("lons, lats", [
    ([-122.4, -73.9, -157.8, -149.9], [37.7, 40.7, 21.3, 61.2]),   # California, New York, Hawaii, Alaska
    ([-122.4, -73.9, -80.2, -97.7], [37.7, 40.7, 25.7, 30.2]),      # the contiguous states
    ([-73.99, -73.95], [40.70, 40.75]),                             # one city
])
def test_fit_view_shows_every_point(lons, lats):
    import math

    from vetting.mapdata import fit_view
    latitude, longitude, zoom = fit_view(lons, lats)
    # The view's extent at this zoom (700 x 420 px, Web Mercator) contains every point.
    half_lon = 700 * 360 / (256 * 2 ** zoom) / 2
    assert all(abs(lon - longitude) <= half_lon for lon in lons)
    y = lambda lat: math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))  # noqa: E731
    half_y = 420 * 2 * math.pi / (256 * 2 ** zoom) / 2
    assert all(abs(y(lat) - y(latitude)) <= half_y for lat in lats)
    assert 1 <= zoom <= 9


def test_fit_view_needs_two_points():
    from vetting.mapdata import fit_view
    assert fit_view([-73.9], [40.7]) is None and fit_view([float("nan"), -73.9], [40.7, float("nan")]) is None
