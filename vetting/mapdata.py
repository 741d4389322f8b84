"""What the Find page's map draws: state outlines from data/, and one point per on-site provider.

Kept out of the page so it can be cached per filter state and measured in the benchmark.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .filters import is_remote
from .vocab import CARE_SETTINGS, split_list

# Colour per care setting (RGBA); the legend beside the map names them in words too.
SETTING_COLOURS = {"clinic": [31, 94, 168, 220], "hybrid": [214, 110, 0, 220], "at_home": [90, 90, 90, 220]}
OUTLINE_FILE = Path(__file__).resolve().parent.parent / "data" / "us-state-outlines.json"


@lru_cache(maxsize=2)
def state_outlines(path: str = str(OUTLINE_FILE)) -> list[dict]:
    """Border lines as PathLayer records; empty when the file is missing (the map still draws points)."""
    try:
        paths = json.loads(Path(path).read_text())["paths"]
    except (OSError, ValueError, KeyError):
        return []
    return [{"path": p} for p in paths]


def provider_points(providers: pd.DataFrame) -> pd.DataFrame:
    """One row per on-site provider with a position: what the scatter layer and its tooltip need."""
    on_site = providers[~is_remote(providers) & providers["latitude"].notna() & providers["longitude"].notna()]
    routes = on_site["routes"].map(lambda cell: ", ".join(split_list(cell)) or "unknown")
    low, high = on_site["price_per_session_low"], on_site["price_per_session_high"]
    price = pd.Series("unknown", index=on_site.index, dtype=object)
    known = low.notna()
    price[known] = [f"${value:,.0f}" for value in low[known]]
    ranged = known & (high > low)
    price[ranged] = [f"{text}–${value:,.0f}" for text, value in zip(price[ranged], high[ranged])]
    return pd.DataFrame({
        "name": on_site["name"],
        "lon": on_site["longitude"].round(4),
        "lat": on_site["latitude"].round(4),
        "setting": on_site["care_setting"].map(CARE_SETTINGS),
        "routes": routes,
        "price": price,
        "color": on_site["care_setting"].map(SETTING_COLOURS),
    })
