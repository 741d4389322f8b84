"""The ZIP centroids shipped in vetting/ against the `zipcodes` package they are built from.

The expected values are computed here straight from `zipcodes` (as geo did before it shipped the
file), so a stale file or a change in how geo reads it fails a test."""

import gzip
import math

import pandas as pd
import pytest
import zipcodes

from scripts.build_zip_centroids import centroid_csv
from vetting import geo


def reference_zip_table() -> pd.DataFrame:
    """The table geo used to build from `zipcodes` at run time."""
    rows = [(z["zip_code"], float(z["lat"]), float(z["long"]), z["city"].lower(), z["state"])
            for z in zipcodes.list_all() if z.get("lat") and z.get("long")]
    table = pd.DataFrame(rows, columns=["zip", "latitude", "longitude", "city", "state"])
    return table.drop_duplicates("zip").set_index("zip")


def zip_centroid(zip_code: str) -> tuple[float, float, str]:
    z = next(z for z in zipcodes.matching(zip_code) if z.get("lat") and z.get("long"))
    return float(z["lat"]), float(z["long"]), z["state"]


def city_centroid(city: str, state: str) -> tuple[float, float]:
    found = [z for z in zipcodes.filter_by(state=state) if z["city"].lower() == city.lower() and z.get("lat") and z.get("long")]
    return (sum(float(z["lat"]) for z in found) / len(found), sum(float(z["long"]) for z in found) / len(found))


def test_shipped_file_matches_the_installed_zipcodes_package():
    shipped = gzip.decompress(geo.ZIP_CENTROIDS.read_bytes()).decode("utf-8")
    assert shipped == centroid_csv(), "vetting/zip_centroids.csv.gz is stale: run python scripts/build_zip_centroids.py"


def test_zip_table_and_city_table_equal_the_tables_built_from_zipcodes():
    reference = reference_zip_table()
    pd.testing.assert_frame_equal(geo.zip_table(), reference, check_exact=True)
    expected_cities = reference.groupby(["city", "state"])[["latitude", "longitude"]].mean()
    pd.testing.assert_frame_equal(geo.city_table(), expected_cities, check_exact=True)


def test_geo_does_not_import_zipcodes():
    import subprocess
    import sys

    code = "import sys; from vetting import geo; geo.zip_table(); geo.city_table(); print('zipcodes' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=str(geo.ZIP_CENTROIDS.parent.parent))
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("zip_code", ["00501", "00601", "10001", "20001", "37203", "78701", "96799", "99501", "99950"])
def test_zip_location_is_the_zipcodes_centroid(zip_code):
    assert geo.zip_location(zip_code) == zip_centroid(zip_code)


@pytest.mark.parametrize("city, state", [("New York", "NY"), ("Nashville", "TN"), ("Springfield", "IL"),
                                         ("San Juan", "PR"), ("Holtsville", "NY"), ("Winston-Salem", "NC")])
def test_city_table_is_the_mean_zipcodes_centroid(city, state):
    latitude, longitude = geo.city_table().loc[(city.lower(), state)]
    assert (latitude, longitude) == pytest.approx(city_centroid(city, state), rel=1e-12)


NAN = float("nan")
# (latitude, longitude, zip, city, state in the file; how geo should place the provider)
GEOCODE_CASES = [
    ("given position", 1.5, 2.5, "10001", "New York", "NY", "file"),
    ("zip", None, None, "10001", "Nowhere", "NY", "zip"),
    ("zip beats city", None, None, "78701", "Nashville", "TN", "zip"),
    ("half a position uses the zip", 40.0, None, "99501", None, "AK", "zip"),
    ("unknown zip falls back to city", None, None, "00000", "Nashville", "TN", "city"),
    ("city in capitals", None, None, None, "NEW YORK", "NY", "city"),
    ("city without state", None, None, None, "Nashville", None, None),
    ("unknown city", None, None, None, "Atlantis", "TX", None),
    ("nothing", None, None, None, None, None, None),
]


@pytest.mark.parametrize("what, latitude, longitude, zip_code, city, state, geocoded_from", GEOCODE_CASES,
                         ids=[c[0] for c in GEOCODE_CASES])
def test_geocode_providers_places_each_case_from_zipcodes(what, latitude, longitude, zip_code, city, state, geocoded_from):
    frame = pd.DataFrame({"latitude": [latitude], "longitude": [longitude], "zip": [zip_code], "city": [city],
                          "state": [state]}, dtype=object).astype({"latitude": "float64", "longitude": "float64"})
    placed = geo.geocode_providers(frame).iloc[0]
    if geocoded_from == "file":
        expected = (latitude, longitude)
    elif geocoded_from == "zip":
        expected = zip_centroid(zip_code)[:2]
    elif geocoded_from == "city":
        expected = city_centroid(city, state)
    else:
        expected = (latitude if latitude is not None else NAN, longitude if longitude is not None else NAN)
    assert placed["geocoded_from"] == geocoded_from
    got = (placed["latitude"], placed["longitude"])
    assert all((math.isnan(g) and math.isnan(e)) or g == pytest.approx(e, rel=1e-12) for g, e in zip(got, expected)), (got, expected)
