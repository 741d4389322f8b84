"""The Find pipeline, pure: prepare -> enrich (scores) -> find (filters and sort).

- `prepare(providers, evidence)`: everything that depends only on the data version, built once per
  version (the app caches it): per-session prices, the filters' helper columns (list membership per
  route, condition, state served and payer; at-home and open flags; search text; name order) and
  the public evidence resolved into a status matrix.
- `enrich(prepared, answers, weights, must_have)`: grades from that matrix with your answers and
  weights (cheap: arrays only), as columns beside the prepared ones.
- `find(enriched, state, sort)`: filters, sort, and a copy of only the rows shown.

`enrich(providers, evidence, ...)` with a frame prepares first (one call for tests and scripts).
The page and the benchmark both call these.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .filters import MAX_RADIUS_MILES, View, apply_filters, prepare_columns
from .prices import per_session_prices
from .scoring import StatusMatrix, must_have_mask, public_status_matrix, score_matrix, with_answers

# The default order rewards nothing a provider writes about itself: place, then name. Sorting by the
# checklist is a choice the user makes. Nothing is ever ordered, badged or hidden for payment.
DEFAULT_SORT = "place"
SORTS = {
    "place": "Nearest first when you give a ZIP (at-home services that serve your state follow, by name); "
             "without a ZIP, by state and then name. This order does not depend on how much a provider "
             "says about itself.",
    "grade": "Checklist grade, highest first, then name. Providers with too little known to be graded "
             "follow as their own group, by name. The grade comes only from public evidence and your own "
             "answers (see Methodology).",
    "name": "Name, A to Z.",
}


HELPER_PREFIXES = ("_has:", "_search_text", "_open")  # read by the filters only; not copied into results


@dataclass(frozen=True)
class Prepared:
    """A directory made ready for Find: read-only, shared by every view of one data version."""
    providers: pd.DataFrame           # the providers' columns, prices and the filters' helper columns
    public: StatusMatrix | None       # public evidence resolved; None when no evidence was given


def prepare(providers: pd.DataFrame, evidence: pd.DataFrame | None = None,
            prices: pd.DataFrame | None = None) -> Prepared:
    """Prices (data/prices.csv rows), filter helper columns and resolved public evidence: the
    per-data-version work."""
    helpers = prepare_columns(providers)
    helpers["_name_rank"] = providers["name"].str.lower().rank(method="first").fillna(0).astype("int64").to_numpy()
    base = pd.concat([providers, per_session_prices(providers, prices), helpers], axis=1)
    return Prepared(base, public_status_matrix(providers, evidence) if evidence is not None else None)


def enrich(prepared: Prepared | pd.DataFrame, evidence: pd.DataFrame | None = None, answers=None, weights=None,
           must_have: list[str] | None = None, must_have_known: bool = False,
           prices: pd.DataFrame | None = None) -> pd.DataFrame:
    """The prepared providers with their scores and, when must-haves are chosen, whether each keeps
    them (`keeps_must_haves`, read by the must_have filter). Given a frame of providers instead of
    a Prepared, prepares it with `evidence` and `prices` first."""
    if not isinstance(prepared, Prepared):
        prepared = prepare(prepared, evidence, prices)
    if prepared.public is None:
        return prepared.providers
    matrix = with_answers(prepared.public, answers)
    scores = score_matrix(matrix, weights, index=prepared.providers.index).drop(columns=["provider_id"])
    if must_have:
        keeps = must_have_mask(matrix, must_have, drop_unknown=must_have_known)
        scores["keeps_must_haves"] = keeps.to_numpy()
    # A shallow concat: the prepared columns are shared (copy-on-write), not copied, per answers and weights.
    return pd.concat([prepared.providers, scores], axis=1)


# What the Find page shows, draws and lists: its cached results keep only these (a 50,000-row result
# with every column costs ~18 MB per filter state; with these, about half).
PAGE_COLUMNS = ["provider_id", "name", "grade", "red_flags", "coverage", "met", "unknown", "applicable", "phone",
                "street", "zip", "geocoded_from", "location_precision", "city", "state", "care_setting", "routes",
                "supervision_model", "price_per_session_low", "price_per_session_high", "price_basis",
                "price_possibly_stale", "insurance", "website", "checked_on", "latitude", "longitude",
                "states_served", "_remote"]


def find(enriched: pd.DataFrame, state: Mapping[str, Any], sort: str = DEFAULT_SORT,
         columns: list[str] | None = None) -> tuple[pd.DataFrame, View]:
    """Filter and sort; the result carries `distance_miles` and `serves_your_state`, and every
    column of `enriched` but the filters' helpers (or only `columns`, those of them present)."""
    view = apply_filters(enriched, state)
    shown = np.flatnonzero(view.mask.to_numpy())
    distance = view.distance_miles.to_numpy()[shown].round(1)
    name_rank = (enriched["_name_rank"].to_numpy()[shown] if "_name_rank" in enriched
                 else enriched["name"].iloc[shown].str.lower().rank(method="first").to_numpy())
    # np.lexsort sorts by the last key first; the name rank breaks ties, so the order is total.
    if sort in ("place", "distance") and view.context.zip_location is not None:
        order = np.lexsort((name_rank, np.nan_to_num(distance, nan=np.inf)))
    elif sort in ("place", "distance"):
        us_state = enriched["state"].iloc[shown].fillna("~").to_numpy(dtype=object)  # no state: last
        order = np.lexsort((name_rank, us_state))
    elif sort == "grade" and "grade" in enriched:
        grade = enriched["grade"].to_numpy()[shown]
        # Ungraded providers form their own group after the graded ones (nan -> +inf after negation).
        order = np.lexsort((name_rank, np.nan_to_num(-grade, nan=np.inf)))
    else:
        order = np.argsort(name_rank, kind="stable")
    positions = shown[order]
    # One copy: only the rows shown, already in order, without the filters' helper columns.
    wanted = set(columns) if columns is not None else None
    kept = [i for i, name in enumerate(enriched.columns)
            if (name in wanted if wanted is not None else not name.startswith(HELPER_PREFIXES))]
    result = enriched.iloc[positions, kept]
    result["distance_miles"] = distance[order]
    result["serves_your_state"] = view.serves_your_state.to_numpy()[positions]
    return result, view


# Radii offered when a ZIP search finds nothing: the smallest of these that reaches the nearest match.
WIDER_RADII = (25, 50, 100, 150, 250, 500, 1000, 3000)


@dataclass(frozen=True)
class Fallback:
    """What to offer when a search near a ZIP finds nothing (or everything is far away)."""
    nearest: pd.DataFrame            # on-site providers matching every other filter, nearest first, with distance_miles
    wider_radius: float | None       # the smallest offered radius that reaches the nearest one
    at_home_here: int                # at-home services serving the ZIP's state if the setting filter allowed them


def nearest_fallback(enriched: pd.DataFrame, state: Mapping[str, Any], limit: int = 5) -> Fallback | None:
    """For a ZIP search: the nearest on-site providers that match every filter but the radius, the
    radius that would reach the nearest, and how many at-home services serve the ZIP's state if the
    care-setting filter were dropped. None without a known ZIP."""
    if "zip" not in state:
        return None
    others = {k: v for k, v in state.items() if k != "radius"}
    view = apply_filters(enriched, {**others, "radius": MAX_RADIUS_MILES})
    if view.context.zip_location is None:
        return None
    on_site = view.mask & view.distance_miles.notna() & ~view.serves_your_state
    nearest, _ = find(enriched.loc[on_site.to_numpy()], {**others, "radius": MAX_RADIUS_MILES}, sort="distance")
    nearest = nearest.head(limit)
    wider = None
    if len(nearest):
        reach = float(nearest["distance_miles"].iloc[0])
        wider = next((float(r) for r in WIDER_RADII if r >= reach), None)
    at_home = 0
    if "setting" in state:
        without_setting = apply_filters(enriched, {k: v for k, v in state.items() if k != "setting"})
        at_home = int((without_setting.mask & without_setting.serves_your_state).sum())
    return Fallback(nearest, wider, at_home)
