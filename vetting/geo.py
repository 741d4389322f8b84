"""Offline geocoding (the `zipcodes` package's ZIP centroids) and great-circle distances."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

EARTH_RADIUS_MILES = 3958.8


@lru_cache(maxsize=1)
def zip_table() -> pd.DataFrame:
    """All US ZIP codes with centroid, city and state, indexed by ZIP (read once per process)."""
    import zipcodes  # imported here: its data file loads in about a second

    rows = [(z["zip_code"], float(z["lat"]), float(z["long"]), z["city"].lower(), z["state"])
            for z in zipcodes.list_all() if z.get("lat") and z.get("long")]
    # The package keeps its 42,000 dicts (~180 MB) alive; this 2 MB table is all we need of them.
    zipcodes._zips_cache = None
    table = pd.DataFrame(rows, columns=["zip", "latitude", "longitude", "city", "state"])
    return table.drop_duplicates("zip").set_index("zip")


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
    providers = providers.copy()
    source = pd.Series(np.where(providers["latitude"].notna() & providers["longitude"].notna(), "file", ""),
                       index=providers.index, dtype=object)
    need = source == ""
    if need.any():
        zips = zip_table()
        by_zip = providers.loc[need, "zip"].map(lambda z: z if isinstance(z, str) and z in zips.index else None)
        found = by_zip.dropna()
        providers.loc[found.index, "latitude"] = zips.loc[found.values, "latitude"].to_numpy()
        providers.loc[found.index, "longitude"] = zips.loc[found.values, "longitude"].to_numpy()
        source[found.index] = "zip"
        need = source == ""
        cities = city_table()
        for index in providers.index[need]:
            city, state = providers.at[index, "city"], providers.at[index, "state"]
            if isinstance(city, str) and isinstance(state, str) and (city.lower(), state) in cities.index:
                latitude, longitude = cities.loc[(city.lower(), state)]
                providers.at[index, "latitude"], providers.at[index, "longitude"] = latitude, longitude
                source[index] = "city"
    providers["geocoded_from"] = source.replace("", None)
    return providers


def haversine_miles(lat1, lon1, lat2, lon2):
    """Great-circle distance in miles; works on scalars and on numpy/pandas arrays."""
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(v, dtype="float64")) for v in (lat1, lon1, lat2, lon2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * np.arcsin(np.sqrt(np.clip(a, 0, 1)))
