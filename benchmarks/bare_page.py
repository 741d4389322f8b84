"""The floor for the Find page's rerun: a bare Streamlit page with no filtering or scoring, that
renders a table the size of the Find table (every provider, the same 18 columns) and a map with one
point per provider (a pydeck ScatterplotLayer). The benchmark runs it with AppTest:

    VETTING_DATA_DIR=/tmp/synthetic-50k streamlit run benchmarks/bare_page.py

Everything is built once (st.cache_resource: no copy per rerun), so a rerun costs only what
Streamlit spends rendering the table and serialising the map.
"""

import os

import numpy as np
import pandas as pd
import pydeck as pdk
import streamlit as st

from vetting import load_directory


@st.cache_resource
def frames(folder: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    directory = load_directory(folder)
    providers = directory.providers
    n = len(providers)
    # The bare floor shows one listed price per provider, with no derivation (the real page's prices).
    first = directory.prices.drop_duplicates("provider_id").set_index("provider_id")
    low = providers["provider_id"].map(first["low_usd"])
    high = providers["provider_id"].map(first["high_usd"])
    table = pd.DataFrame({
        "provider_id": providers["provider_id"], "details": "provider?provider=" + providers["provider_id"],
        "name": providers["name"], "grade": np.linspace(0, 100, n).round(1), "red_flags": np.arange(n) % 3,
        "coverage": np.arange(n) % 100, "where": providers["city"].fillna("location unknown"),
        "distance_miles": np.arange(n) / 10.0, "care_setting": providers["care_setting"],
        "routes": providers["routes"].fillna("").str.split(";"), "supervision": providers["supervision_model"],
        "price_low": low, "price_high": high,
        "price_basis": providers["provider_id"].map(first["unit"]).fillna("no public price"),
        "insurance": providers["insurance"].fillna("unknown"), "website": providers["website"],
        "checked_on": pd.to_datetime(providers["checked_on"], errors="coerce"),
        "states_served": providers["states_served"],
    })
    points = pd.DataFrame({
        "name": providers["name"], "lon": providers["longitude"].fillna(-98.35).round(4),
        "lat": providers["latitude"].fillna(39.5).round(4), "setting": providers["care_setting"],
        "routes": providers["routes"].fillna("unknown"), "price": low.fillna(0).map("${:,.0f}".format),
        "color": [[31, 94, 168, 220]] * n,
    })
    return table, points


table, points = frames(os.environ["VETTING_DATA_DIR"])
st.title("Bare page (benchmark floor)")
st.checkbox("A widget to change between reruns", key="tick")
st.dataframe(table, hide_index=True)
st.pydeck_chart(pdk.Deck(
    layers=[pdk.Layer("ScatterplotLayer", points, get_position=["lon", "lat"], get_fill_color="color",
                      get_radius=6000, radius_min_pixels=4, pickable=True)],
    initial_view_state=pdk.ViewState(latitude=39.5, longitude=-98.35, zoom=3), map_provider=None,
    tooltip={"text": "{name}\n{setting}\nRoutes: {routes}\nPrice per session: {price}"}), height=420)
