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


def _basis(unit, sessions) -> str | None:
    """How a per-session figure was derived, in words (None where there is no price)."""
    if not isinstance(unit, str):
        return None
    if unit == "session":
        return "listed per session"
    if pd.notna(sessions):
        return f"listed per {unit}, divided by {sessions:g} sessions"
    return f"listed per {unit}; no per-session figure"


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
    has_price = providers["price_low_usd"].notna()
    # The wording depends only on (unit, sessions): build it once per distinct pair, not per row.
    pairs = pd.DataFrame({"unit": unit.where(has_price), "sessions": sessions.where(bundled)})
    # ngroup(sort=False) numbers pairs in order of first appearance, as drop_duplicates lists them.
    codes = pairs.groupby(["unit", "sessions"], dropna=False, sort=False).ngroup().to_numpy()
    wording = np.array([_basis(u, n) for u, n in pairs.drop_duplicates().itertuples(index=False, name=None)],
                       dtype=object)
    basis = pd.Series(wording[codes], index=providers.index, dtype=object)
    today = today if today is not None else pd.Timestamp.today().normalize()
    checked = pd.to_datetime(providers["checked_on"], format="%Y-%m-%d", errors="coerce")
    stale = has_price & ((today - checked).dt.days > STALE_AFTER_DAYS)
    return pd.DataFrame({
        "price_per_session_low": low.round(2),
        "price_per_session_high": high.round(2),
        "price_basis": basis,
        "price_possibly_stale": stale,
    }, index=providers.index)
