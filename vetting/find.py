"""The Find pipeline, pure: prices -> scores -> filters -> sorted results.

`enrich(directory)` adds the per-session prices (and, where scoring is available, grades);
`find(enriched, state)` applies the filters and sorts. The page and the benchmark both call these.
"""

from __future__ import annotations

from typing import Any, Mapping

import pandas as pd

from .filters import View, apply_filters
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
    result = enriched.assign(distance_miles=view.distance_miles.round(1),
                             serves_your_state=view.serves_your_state)[view.mask]
    name_key = result["name"].str.lower()
    if sort == "distance" and view.context.zip_location is not None:
        result = result.assign(_n=name_key).sort_values(["distance_miles", "_n"], na_position="last", kind="stable")
    elif sort == "grade" and "grade" in result.columns:
        result = result.assign(_n=name_key).sort_values(["grade", "_n"], ascending=[False, True], kind="stable")
    else:
        result = result.assign(_n=name_key).sort_values("_n", kind="stable")
    return result.drop(columns="_n"), view
