"""Offline geocoding from ZIP centroids shipped with the package, and great-circle distances.

The centroids (vetting/zip_centroids.csv.gz) come from the `zipcodes` package, which stays in
requirements.txt: scripts/build_zip_centroids.py rebuilds the file from it and a test checks the
two still agree. Nothing here imports `zipcodes` at run time, so its 42,000 dicts never load.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

EARTH_RADIUS_MILES = 3958.8
ZIP_CENTROIDS = Path(__file__).with_name("zip_centroids.csv.gz")


@lru_cache(maxsize=1)
def zip_table() -> pd.DataFrame:
    """All US ZIP codes with centroid, city and state, indexed by ZIP (read once per process)."""
    # na_filter off: every cell is filled, and no city name may turn into NaN.
    table = pd.read_csv(ZIP_CENTROIDS, dtype={"zip": "str", "latitude": "float64", "longitude": "float64",
                                              "city": "str", "state": "str"}, na_filter=False)
    return table.set_index("zip")


@lru_cache(maxsize=1)
def city_table() -> pd.DataFrame:
    """Mean ZIP centroid per (city, state): the position used when a provider has no ZIP."""
    return zip_table().groupby(["city", "state"])[["latitude", "longitude"]].mean()


def zip_location(zip_code: str) -> tuple[float, float, str] | None:
    """(latitude, longitude, state) of a five-digit ZIP, or None if it is not a known US ZIP."""
    if not isinstance(zip_code, str) or len(zip_code) != 5 or not zip_code.isdigit():
        return None
    table = zip_table()
    if zip_code not in table.index:
        return None
    row = table.loc[zip_code]
    return float(row["latitude"]), float(row["longitude"]), str(row["state"])


def geocode_providers(providers: pd.DataFrame) -> pd.DataFrame:
    """Fill missing latitude/longitude from ZIP, else from city and state; record how in `geocoded_from`."""
    providers = providers.copy(deep=False)  # copy-on-write: only the columns written below are copied
    source = pd.Series(np.where(providers["latitude"].notna() & providers["longitude"].notna(), "file", ""),
                       index=providers.index, dtype=object)
    need = source == ""
    if need.any():
        zips = zip_table()
        zip_codes = providers.loc[need, "zip"]
        found = zip_codes[zip_codes.map(lambda z: isinstance(z, str)) & zip_codes.isin(zips.index)]
        providers.loc[found.index, "latitude"] = zips.loc[found.values, "latitude"].to_numpy()
        providers.loc[found.index, "longitude"] = zips.loc[found.values, "longitude"].to_numpy()
        source[found.index] = "zip"
        need = source == ""
        cities = city_table()
        position = {key: i for i, key in enumerate(cities.index)}  # (city, state) -> row of city_table
        rows = [(index, position.get((city.lower(), state), -1))
                for index, city, state in zip(providers.index[need], providers.loc[need, "city"], providers.loc[need, "state"])
                if isinstance(city, str) and isinstance(state, str)]
        rows = [(index, at) for index, at in rows if at >= 0]
        if rows:
            placed, at = (list(column) for column in zip(*rows))
            providers.loc[placed, "latitude"] = cities["latitude"].to_numpy()[at]
            providers.loc[placed, "longitude"] = cities["longitude"].to_numpy()[at]
            source[placed] = "city"
    providers["geocoded_from"] = source.replace("", None)
    providers["location_precision"] = location_precision(providers)
    return providers


# How exactly a provider's place is known, most exact first (shown beside every distance).
LOCATION_PRECISIONS = {
    "street": "street address",
    "zip": "ZIP code",
    "city": "city only",
    "state": "state only",
}


def location_precision(providers: pd.DataFrame) -> pd.Series:
    """street / zip / city / state: the most exact part of the address the data holds (None: nothing)."""
    def known(column) -> np.ndarray:
        if column not in providers:
            return np.zeros(len(providers), dtype=bool)
        return np.array([isinstance(v, str) and bool(v.strip()) for v in providers[column]], dtype=bool)
    street, zip_code, city, state = (known(c) for c in ("street", "zip", "city", "state"))
    chosen = np.select([street & zip_code, zip_code, city & state, state], list(LOCATION_PRECISIONS), "")
    return pd.Series(chosen, index=providers.index, dtype=object).replace("", None)


def distance_label(miles: float, geocoded_from: str | None) -> str:
    """A distance in words with its precision: exact coordinates, a ZIP centre or a city centre."""
    if miles is None or pd.isna(miles):
        return ""
    if geocoded_from == "file":
        return f"{miles:,.1f} mi"
    centre = "the city centre" if geocoded_from == "city" else "the ZIP centre"
    return f"about {max(1, round(miles)):,} mi (from {centre})"


def zip_problems(zip_code, state) -> str | None:
    """Why a row's ZIP is wrong (unknown, or in another state), or None when it is fine or empty."""
    if not isinstance(zip_code, str) or not zip_code:
        return None
    located = zip_location(zip_code)
    if located is None:
        return f"ZIP {zip_code!r} is not a known US ZIP code"
    if isinstance(state, str) and state and located[2] != state:
        return f"ZIP {zip_code!r} is in {located[2]}, not in the row's state {state}"
    return None


def haversine_miles(lat1, lon1, lat2, lon2):
    """Great-circle distance in miles; works on scalars and on numpy/pandas arrays."""
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(v, dtype="float64")) for v in (lat1, lon1, lat2, lon2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * np.arcsin(np.sqrt(np.clip(a, 0, 1)))
