"""What the Find page's map draws, as a ready deck.gl JSON spec: state outlines from data/, and
one point per on-site provider.

Serialising a 50,000-point map through pydeck takes most of a second (its encoder pretty-prints and
sorts keys), so the spec is built here once per result set: the points go through pandas' C JSON
writer, only the columns the map and its tooltip use are sent, and layer ids are fixed so the
browser updates layers instead of recreating them. The page caches the string per filter state.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pydeck as pdk

from .filters import is_remote, per_distinct
from .vocab import CARE_SETTINGS, split_list

# Colour per care setting (RGBA); the legend beside the map names them in words too.
SETTING_COLOURS = {"clinic": [31, 94, 168, 220], "hybrid": [214, 110, 0, 220]}
OUTLINE_FILE = Path(__file__).resolve().parent.parent / "data" / "us-state-outlines.json"
TOOLTIP = {"text": "{name}\n{setting}\nRoutes: {routes}\nPrice per session: {price}"}
_ROUTE_WORDS = {"iv": "IV", "im": "IM", "sublingual": "sublingual", "oral": "oral",
                "esketamine_nasal": "Spravato", "ketamine_nasal": "ketamine nasal spray"}
_PLACEHOLDER = "__points_{}__"


@lru_cache(maxsize=2)
def state_outlines(path: str = str(OUTLINE_FILE)) -> list[dict]:
    """Border lines as PathLayer records; empty when the file is missing (the map still draws points)."""
    try:
        paths = json.loads(Path(path).read_text())["paths"]
    except (OSError, ValueError, KeyError):
        return []
    return [{"path": p} for p in paths]


def _money(values: pd.Series) -> pd.Series:
    return pd.Series([None if pd.isna(v) else f"${v:,.0f}" for v in values], index=values.index, dtype=object)


def provider_points(providers: pd.DataFrame, max_points: int | None = None) -> pd.DataFrame:
    """One row per on-site provider with a position: what the scatter layers and the tooltip need.
    With more than `max_points` providers, one row per area instead (see `group_points`)."""
    keep = (~is_remote(providers) & providers["latitude"].notna() & providers["longitude"].notna()).to_numpy()
    # Only the columns drawn, then the rows: filtering the whole results frame first would copy every column.
    on_site = providers[["name", "longitude", "latitude", "care_setting", "routes", "price_per_session_low",
                         "price_per_session_high"]][keep]
    points = pd.DataFrame({
        "name": on_site["name"],
        "lon": on_site["longitude"].round(4),
        "lat": on_site["latitude"].round(4),
        "care_setting": on_site["care_setting"],
        "setting": on_site["care_setting"].map(CARE_SETTINGS),
    })
    if max_points is not None and len(points) > max_points:
        return group_points(points, max_points)  # the tooltip then names the area's count
    points["routes"] = per_distinct(on_site["routes"], lambda cell: ", ".join(_ROUTE_WORDS.get(r, r) for r in split_list(cell))
                                    ).fillna("unknown").replace("", "unknown")
    low, high = on_site["price_per_session_low"], on_site["price_per_session_high"]
    price = _money(low).fillna("unknown")
    ranged = low.notna() & (high > low)
    price[ranged] = price[ranged] + "–" + _money(high[ranged])
    points["price"] = price
    return points


SETTING_RINGS = {"clinic": {"colour": [255, 255, 255], "line_px": 1, "min_px": 4},
                 "hybrid": {"colour": [40, 40, 40], "line_px": 3, "min_px": 6}}


@lru_cache(maxsize=16)
def _skeleton(latitude: float, longitude: float, zoom: float, tiles: bool) -> str:
    """The spec without providers (state outlines included), as compact JSON with one placeholder
    per care setting; built once per view position, since pydeck's own encoder is slow."""
    layers = [pdk.Layer("PathLayer", [], id="state-outlines", get_path="path",
                        get_color=[120, 120, 120, 200], width_min_pixels=1, pickable=False)]
    for setting, colour in SETTING_COLOURS.items():
        # A second cue beside colour: hybrid dots are larger, with a thick dark ring.
        ring = SETTING_RINGS.get(setting, SETTING_RINGS["clinic"])
        layers.append(pdk.Layer("ScatterplotLayer", [], id=f"providers-{setting}", get_position=["lon", "lat"],
                                get_fill_color=colour, get_radius=6000, radius_min_pixels=ring["min_px"],
                                radius_max_pixels=14, pickable=True, stroked=True, get_line_color=ring["colour"],
                                line_width_min_pixels=ring["line_px"]))
    # No base map unless tiles are on: map_provider=None is pydeck's "no basemap". (map_style=None would
    # make Streamlit's front end fetch a CARTO style.json from outside, even with tiles off.)
    base = {"map_provider": "carto", "map_style": "light"} if tiles else {"map_provider": None}
    deck = pdk.Deck(layers=layers, initial_view_state=pdk.ViewState(latitude=latitude, longitude=longitude, zoom=zoom),
                    tooltip=TOOLTIP, **base)
    spec = json.loads(deck.to_json())
    spec["layers"][0]["data"] = _PLACEHOLDER.format("outlines")
    for layer in spec["layers"][1:]:
        layer["data"] = _PLACEHOLDER.format(layer["id"].removeprefix("providers-"))
    text = json.dumps(spec, separators=(",", ":"))
    return text.replace(json.dumps(_PLACEHOLDER.format("outlines")),
                        json.dumps(state_outlines(), separators=(",", ":")), 1)


def deck_json(points: pd.DataFrame, latitude: float, longitude: float, zoom: float, tiles: bool) -> str:
    """The deck.gl JSON spec: state outlines plus one scatter layer per care setting."""
    text = _skeleton(latitude, longitude, zoom, tiles)
    columns = ["name", "lon", "lat", "setting", "routes", "price"]
    for setting in SETTING_COLOURS:
        records = points.loc[points["care_setting"] == setting, columns].to_json(
            orient="records", force_ascii=False, double_precision=4)
        text = text.replace(json.dumps(_PLACEHOLDER.format(setting)), records, 1)
    return text


class PreparedDeck(pdk.Deck):
    """A pydeck Deck whose JSON was built (and cached) already; st.pydeck_chart only calls to_json()."""

    def __init__(self, spec_json: str, tooltip: dict | None = None):
        super().__init__(layers=[], tooltip=tooltip if tooltip is not None else TOOLTIP)
        self._spec_json = spec_json

    def to_json(self) -> str:
        return self._spec_json


MAX_POINTS = 3000  # beyond this, points overlap at any zoom a person uses; group them instead
GROUP_DEGREES = (0.25, 0.5, 1.0, 2.0)  # grid sizes tried in turn (0.25 degree is about 17 miles)


def group_points(points: pd.DataFrame, max_points: int = MAX_POINTS) -> pd.DataFrame:
    """One dot per grid cell and care setting, with the number of providers it stands for: what the
    map draws when more providers match than it can show one by one. The finest grid that keeps the
    dots under `max_points` is used."""
    lat, lon = points["lat"].to_numpy(), points["lon"].to_numpy()
    setting = pd.Categorical(points["care_setting"]).codes.astype(np.int64)
    for degrees in GROUP_DEGREES:
        cell = (np.round(lat / degrees).astype(np.int64) * 4000 + np.round(lon / degrees).astype(np.int64)) * 8 + setting
        _cells, first, counts = np.unique(cell, return_index=True, return_counts=True)
        if len(first) <= max_points:
            break
    grouped = points.iloc[first][["name", "care_setting", "setting"]].copy()
    grouped["lat"] = np.round(np.round(lat[first] / degrees) * degrees, 4)
    grouped["lon"] = np.round(np.round(lon[first] / degrees) * degrees, 4)
    many = counts > 1
    names = grouped["name"].to_numpy(dtype=object, copy=True)
    names[many] = [f"{n:,} providers in this area" for n in counts[many]]
    grouped["name"] = names
    grouped["routes"] = "see the table"
    grouped["price"] = "see the table"
    return grouped[["name", "lon", "lat", "care_setting", "setting", "routes", "price"]]


def fit_view(longitudes, latitudes, width_px: int = 700, height_px: int = 420, max_zoom: float = 9.0,
             margin: float = 0.3) -> tuple[float, float, float] | None:
    """(latitude, longitude, zoom) of a Web-Mercator view that shows every point, for a map about
    `width_px` x `height_px`; None with fewer than two points. Numpy only, so it costs well under a
    millisecond at 50,000 points (pydeck's compute_view takes ~90 ms there)."""
    lon = np.asarray(longitudes, dtype="float64")
    lat = np.clip(np.asarray(latitudes, dtype="float64"), -85.0, 85.0)
    keep = np.isfinite(lon) & np.isfinite(lat)
    lon, lat = lon[keep], lat[keep]
    if len(lon) < 2:
        return None
    west, east = float(lon.min()), float(lon.max())
    y = np.log(np.tan(np.pi / 4 + np.radians(lat) / 2))
    south_y, north_y = float(y.min()), float(y.max())
    lon_span = max(east - west, 1e-3)
    y_span = max(north_y - south_y, 1e-5)
    zoom_x = np.log2(width_px * 360.0 / (256.0 * lon_span))
    zoom_y = np.log2(height_px * 2 * np.pi / (256.0 * y_span))
    zoom = float(np.clip(min(zoom_x, zoom_y) - margin, 1.0, max_zoom))
    centre_lat = float(np.degrees(2 * np.arctan(np.exp((south_y + north_y) / 2)) - np.pi / 2))
    return centre_lat, (west + east) / 2, zoom
