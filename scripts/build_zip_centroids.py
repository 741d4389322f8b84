"""Build vetting/zip_centroids.csv.gz (the ZIP centroids `vetting.geo` reads) from the `zipcodes` package.

    python scripts/build_zip_centroids.py

One row per ZIP code that has a position: zip (five-character text), latitude, longitude, city
(lower case) and state, in the package's order, first row kept per ZIP. The package gives at most
4 decimals (about 11 m), so rounding to 4 keeps every value exact. Reading this 0.5 MB file
replaces loading the package's 42,000 dicts (about 80 MB that the process never gives back).
tests/test_zip_centroids.py fails when the shipped file no longer matches the installed package.
"""

import csv
import gzip
import io
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "vetting" / "zip_centroids.csv.gz"
COLUMNS = ("zip", "latitude", "longitude", "city", "state")


def centroid_rows() -> list[tuple[str, float, float, str, str]]:
    """(zip, latitude, longitude, city, state) per ZIP with a position; the first row wins a repeated ZIP."""
    import zipcodes

    rows, seen = [], set()
    for z in zipcodes.list_all():
        if not (z.get("lat") and z.get("long")) or z["zip_code"] in seen:
            continue
        seen.add(z["zip_code"])
        rows.append((z["zip_code"], round(float(z["lat"]), 4), round(float(z["long"]), 4), z["city"].lower(), z["state"]))
    return rows


def centroid_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows((zip_code, repr(lat), repr(lon), city, state) for zip_code, lat, lon, city, state in centroid_rows())
    return out.getvalue()


if __name__ == "__main__":
    # mtime=0: rebuilding from the same package gives the same bytes.
    OUT.write_bytes(gzip.compress(centroid_csv().encode("utf-8"), compresslevel=9, mtime=0))
    print(f"wrote {OUT}")
