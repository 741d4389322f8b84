"""Per-session prices: what the Find table shows and the max-price filter compares.

A provider's price is stored as the source gives it (per session, series, month or programme).
It becomes a per-session figure only by a conversion a person can follow: a series or programme
price divided by the number of sessions the source says it covers. A monthly price has no
per-session equivalent (the number of doses a month is not stated), so it stays unconverted.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

STALE_AFTER_DAYS = 365


def per_session_prices(providers: pd.DataFrame, today: pd.Timestamp | None = None) -> pd.DataFrame:
    """Per-session low/high (NaN when not convertible), how they were derived, and staleness."""
    unit = providers["price_unit"]
    sessions = providers["price_sessions"]
    divisor = pd.Series(np.nan, index=providers.index)
    divisor[unit == "session"] = 1.0
    bundled = unit.isin(["series", "program"]) & sessions.notna()
    divisor[bundled] = sessions[bundled]
    low = providers["price_low_usd"] / divisor
    high = providers["price_high_usd"].fillna(providers["price_low_usd"]) / divisor
    basis = pd.Series(None, index=providers.index, dtype=object)
    basis[unit == "session"] = "listed per session"
    basis[bundled] = ("listed per " + unit[bundled] + ", divided by " +
                      sessions[bundled].map(lambda n: f"{n:g}") + " sessions")
    has_price = providers["price_low_usd"].notna()
    basis[has_price & divisor.isna()] = "listed per " + unit[has_price & divisor.isna()].fillna("?") + "; no per-session figure"
    today = today if today is not None else pd.Timestamp.today().normalize()
    checked = pd.to_datetime(providers["checked_on"], errors="coerce")
    stale = has_price & ((today - checked).dt.days > STALE_AFTER_DAYS)
    return pd.DataFrame({
        "price_per_session_low": low.round(2),
        "price_per_session_high": high.round(2),
        "price_basis": basis,
        "price_possibly_stale": stale,
    }, index=providers.index)
