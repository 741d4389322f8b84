"""The Find pipeline, pure: prices -> scores -> filters -> sorted results.

`enrich(directory)` adds the per-session prices (and, where scoring is available, grades);
`find(enriched, state)` applies the filters and sorts. The page and the benchmark both call these.
"""

from __future__ import annotations

from typing import Any, Mapping

import pandas as pd

import numpy as np

from .filters import View, apply_filters, is_remote
from .prices import per_session_prices
from .scoring import criterion_statuses, must_have_mask, score

SORTS = {
    "grade": "Grade, highest first (then name). The grade comes only from public evidence and your own "
             "answers (see Methodology); nothing is ever ordered, badged or hidden for payment.",
    "distance": "Distance from your ZIP, nearest first; at-home services serving your state come after, by name.",
    "name": "Name, A to Z.",
}


def enrich(providers: pd.DataFrame, evidence: pd.DataFrame | None = None, answers=None, weights=None,
           must_have: list[str] | None = None, must_have_known: bool = False) -> pd.DataFrame:
    """Providers with per-session prices, their scores and, when must-haves are chosen, whether
    each keeps them (`keeps_must_haves`, read by the must_have filter)."""
    enriched = providers.join(per_session_prices(providers))
    # Prepared once per data version, so that filtering and sorting on every rerun stay cheap.
    enriched["_remote"] = is_remote(providers).to_numpy()
    enriched["_name_rank"] = providers["name"].str.lower().rank(method="first").fillna(0).astype("int64").to_numpy()
    enriched["_states_served_text"] = providers["states_served"].astype("str")
    if evidence is None:
        return enriched
    scores = score(providers, evidence, answers=answers, weights=weights)
    enriched = enriched.join(scores.drop(columns=["provider_id"]))
    if must_have:
        statuses = criterion_statuses(providers, evidence, answers=answers)
        keeps = must_have_mask(statuses, must_have, drop_unknown=must_have_known,
                               provider_ids=providers["provider_id"])
        enriched["keeps_must_haves"] = keeps.to_numpy()
    return enriched


def find(enriched: pd.DataFrame, state: Mapping[str, Any], sort: str = "grade") -> tuple[pd.DataFrame, View]:
    """Filter and sort; the result carries `distance_miles` and `serves_your_state`."""
    view = apply_filters(enriched, state)
    shown = np.flatnonzero(view.mask.to_numpy())
    distance = view.distance_miles.to_numpy()[shown].round(1)
    name_rank = (enriched["_name_rank"].to_numpy()[shown] if "_name_rank" in enriched
                 else enriched["name"].iloc[shown].str.lower().rank(method="first").to_numpy())
    # np.lexsort sorts by the last key first; the name rank breaks ties, so the order is total.
    if sort == "distance" and view.context.zip_location is not None:
        order = np.lexsort((name_rank, np.nan_to_num(distance, nan=np.inf)))
    elif sort == "grade" and "grade" in enriched:
        order = np.lexsort((name_rank, -enriched["grade"].to_numpy()[shown]))
    else:
        order = np.argsort(name_rank, kind="stable")
    positions = shown[order]
    result = enriched.take(positions)  # one copy: only the rows shown, already in order
    result["distance_miles"] = distance[order]
    result["serves_your_state"] = view.serves_your_state.to_numpy()[positions]
    return result, view
