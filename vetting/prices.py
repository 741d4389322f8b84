"""Prices as their pages give them (data/prices.csv), and the per-session figure Find shows.

A price row is one route and one unit. Only a price listed per session is a per-session figure:
a series, program or monthly price is shown as what it is, with the sessions it includes, and is
never divided into per-session cents that nobody quoted. A price counts only under its route.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .vocab import ANY_ROUTE, BUNDLED_UNITS, PRICE_UNITS, ROUTES

STALE_AFTER_DAYS = 365
SUMMARY_COLUMNS = ["price_per_session_low", "price_per_session_high", "price_basis", "price_possibly_stale"]


def money(value) -> str:
    """Whole dollars, as every page and export shows a price ("$1,250")."""
    return "" if value is None or pd.isna(value) else f"${value:,.0f}"


def money_range(low, high=None) -> str:
    """"$400-1,200", or one figure when low and high agree (either may be missing)."""
    if low is None or pd.isna(low):
        low = high
    if high is None or pd.isna(high) or round(high) == round(low):
        return money(low)
    return f"{money(low)}-{high:,.0f}"


def describe_price(row) -> str:
    """One price row in words: amount, unit, route and the sessions a bundle includes."""
    text = f"{money_range(row['low_usd'], row['high_usd'])} {PRICE_UNITS.get(row['unit'], row['unit'])}"
    if row["unit"] in BUNDLED_UNITS and pd.notna(row.get("sessions_included")):
        text += f" ({row['sessions_included']:g} sessions included)"
    if row["route"] != ANY_ROUTE:
        text += f", {ROUTES.get(row['route'], row['route'])}"
    return text


def prices_for(prices: pd.DataFrame, provider_id: str) -> pd.DataFrame:
    """One provider's price rows, sessions first, then by unit and amount."""
    rows = prices[prices["provider_id"] == provider_id]
    order = rows["unit"].map({u: i for i, u in enumerate(PRICE_UNITS)})
    return rows.assign(_order=order).sort_values(["_order", "low_usd"]).drop(columns="_order")


def per_session_prices(providers: pd.DataFrame, prices: pd.DataFrame | None,
                       today: pd.Timestamp | None = None) -> pd.DataFrame:
    """Per provider (aligned with `providers`): the lowest and highest per-session price any of its
    pages lists (NaN when none is listed per session), a basis in words, and staleness."""
    index = providers.index
    out = pd.DataFrame({"price_per_session_low": np.nan, "price_per_session_high": np.nan,
                        "price_basis": None, "price_possibly_stale": False}, index=index)
    out["price_basis"] = out["price_basis"].astype(object)
    if prices is None or prices.empty:
        return out
    today = today if today is not None else pd.Timestamp.today().normalize()
    checked = pd.to_datetime(prices["checked_on"], format="%Y-%m-%d", errors="coerce")
    stale_ids = set(prices.loc[(today - checked).dt.days > STALE_AFTER_DAYS, "provider_id"])
    # a copay is what an insured patient pays, not the clinic's price
    per_session = prices[(prices["unit"] == "session") & (prices["payer"] != "insured_copay")]
    low = per_session.groupby("provider_id")["low_usd"].min()
    high = per_session.assign(high=per_session["high_usd"].fillna(per_session["low_usd"])).groupby("provider_id")["high"].max()
    low = low.fillna(high.reindex(low.index))
    ids = providers["provider_id"]
    out["price_per_session_low"] = ids.map(low).to_numpy(dtype="float64")
    out["price_per_session_high"] = ids.map(high).to_numpy(dtype="float64")
    session_ids = set(per_session["provider_id"])
    other = prices[~prices["provider_id"].isin(session_ids)]
    # A provider priced only per series, program or month: say so, without a per-session figure.
    other_units = other.groupby("provider_id")["unit"].agg(lambda units: sorted(set(units), key=list(PRICE_UNITS).index))
    basis = ids.map(lambda pid: "listed per session" if pid in session_ids else
                    ("listed per " + " / ".join(other_units[pid]) + "; not divided into sessions"
                     if pid in other_units.index else None))
    out["price_basis"] = basis.to_numpy(dtype=object)
    out["price_possibly_stale"] = ids.isin(stale_ids).to_numpy()
    return out
