"""Distances against hand-computed great-circle values, and offline ZIP lookups."""

import math

import pytest

from vetting.geo import EARTH_RADIUS_MILES, haversine_miles, zip_location

R = EARTH_RADIUS_MILES

DISTANCES = [
    # (from lat, lon, to lat, lon, miles computed by hand)
    (0, 0, 0, 0, 0.0),
    (0, 0, 0, 1, 2 * math.pi * R / 360),          # one degree along the equator: 69.09 mi
    (0, 0, 1, 0, 2 * math.pi * R / 360),          # one degree of latitude
    (0, 0, 90, 0, math.pi * R / 2),               # equator to pole
    (0, 0, 0, 180, math.pi * R),                  # antipodes
    (60, 0, 60, 1, 2 * math.pi * R / 360 * 0.5),  # at 60°N a degree of longitude is half as long (±0.01%)
    (40.7128, -74.0060, 34.0522, -118.2437, 2445.6),  # New York to Los Angeles
]


@pytest.mark.parametrize("lat1, lon1, lat2, lon2, miles", DISTANCES)
def test_haversine_matches_hand_computed_values(lat1, lon1, lat2, lon2, miles):
    assert float(haversine_miles(lat1, lon1, lat2, lon2)) == pytest.approx(miles, rel=2e-4, abs=1e-6)


def test_haversine_is_vectorised_and_symmetric():
    out = haversine_miles([0, 0], [0, 0], [0, 90], [1, 0])
    assert out.tolist() == pytest.approx([2 * math.pi * R / 360, math.pi * R / 2])
    assert float(haversine_miles(10, 20, 30, 40)) == pytest.approx(float(haversine_miles(30, 40, 10, 20)))


@pytest.mark.parametrize("zip_code, state", [("10001", "NY"), ("78701", "TX"), ("99501", "AK"), ("20001", "DC")])
def test_known_zip_codes(zip_code, state):
    latitude, longitude, found_state = zip_location(zip_code)
    assert found_state == state
    assert -90 <= latitude <= 90 and -180 <= longitude <= 180


@pytest.mark.parametrize("zip_code", ["00000", "1234", "123456", "abcde", "", None, "10001 "])
def test_unknown_zip_codes(zip_code):
    assert zip_location(zip_code) is None
