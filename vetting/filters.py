"""The Find page's filters as data (Datasette-style): one registry, each filter knowing its
query-parameter name, how to parse a value, how to apply itself and how to say itself in words.

    state, notes = parse_params({"route": "iv,im", "zip": "78701", "radius": "50"})
    view = apply_filters(providers, state)     # mask, distances, per-filter masks
    describe(state, view.count)                # "3 providers offering IV or IM within 50 miles of 78701"

Query parameters (multi-values comma-separated): route, supervision, setting, insurance, zip,
radius, state, condition, max_price, q, closed, and, once scores exist, no_red_flags, min_grade.
Invalid values are dropped and reported in `notes`, never raised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import numpy as np
import pandas as pd

from . import geo
from .insurance import PAYER_LABELS, accepts_insurance, parse_payer, payer_ids
from .vocab import CARE_SETTINGS, CONDITIONS, CRITERION_IDS, ROUTES, SUPERVISION_MODELS, US_STATES, split_list

DEFAULT_RADIUS_MILES = 50.0
HOME_CARE_SETTINGS = ("at_home", "hybrid")  # care settings in which treatment happens at home
MAX_RADIUS_MILES = 3000.0
INSURANCE_FEATURES = {
    "any": "accept insurance",
    "spravato_covered": "bill Spravato to insurance",
    "hsa_fsa": "take HSA/FSA funds",
    "superbill": "give a superbill",
}


@dataclass
class Context:
    """Values derived once per view that several filters need (location of the user's ZIP)."""
    zip_location: tuple[float, float, str] | None = None
    radius: float = DEFAULT_RADIUS_MILES
    must_have_known: bool = False
    remote_here: pd.Series | None = None
    distance_miles: pd.Series | None = None  # from the ZIP, worked out once per view
    home_care: bool = True  # the care-setting filter allows at-home care (none set, at home or hybrid)


@dataclass(frozen=True)
class Filter:
    key: str
    label: str
    multi: bool
    parse_one: Callable[[str], Any]          # raises ValueError for an invalid value
    apply: Callable[[pd.DataFrame, Any, Context], pd.Series]
    phrase: Callable[[Any, Context], str]
    options: Mapping[str, str] = field(default_factory=dict)  # value -> label, for widgets


def _choice(vocabulary: Mapping[str, str], what: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        value = value.strip().lower()
        if value not in vocabulary:
            raise ValueError(f"unknown {what} {value!r}")
        return value
    return parse


# List columns whose filters are prepared once per directory: one boolean column per item
# (`_has:routes:iv`), so a filter is a column lookup instead of parsing `;`-lists on every view.
def _accepted_payers(cell) -> set[str]:
    """Payer ids of an `insurance` cell, plus "any" when it names any accepted plan."""
    return set(payer_ids(cell)) | ({"any"} if accepts_insurance(cell) is True else set())


MEMBERSHIP = {
    "routes": (lambda: ROUTES, lambda cell: set(split_list(cell))),
    "conditions": (lambda: CONDITIONS, lambda cell: set(split_list(cell))),
    "states_served": (lambda: US_STATES, lambda cell: set(split_list(cell))),
    "insurance": (lambda: {"any": "any", **PAYER_LABELS}, _accepted_payers),
}


def member_column(column: str, item: str) -> str:
    return f"_has:{column}:{item}"


def prepare_columns(providers: pd.DataFrame) -> pd.DataFrame:
    """Helper columns the filters read when present (built once per data version, see
    vetting.find.prepare): list membership per item, at-home flag, open flag, search text."""
    columns: dict[str, np.ndarray] = {}
    for column, (vocabulary, items_of) in MEMBERSHIP.items():
        codes, cells = pd.factorize(np.asarray(providers[column], dtype=object))
        items = [items_of(cell) for cell in cells]
        for item in vocabulary():
            # One lookup per distinct cell; code -1 (empty cell) picks the appended False.
            hits = np.array([item in each for each in items] + [False], dtype=bool)
            columns[member_column(column, item)] = hits[codes]
    columns["_remote"] = ((providers["care_setting"] == "at_home")
                          | (providers["supervision_model"] == "telehealth_remote")).to_numpy(dtype=bool)
    columns["_open"] = providers["status"].ne("closed").fillna(True).to_numpy(dtype=bool)
    columns["_search_text"] = (providers["name"].fillna("") + " " + providers["city"].fillna("")).str.lower().to_numpy(dtype=object)
    return pd.DataFrame(columns, index=providers.index)


def _member_mask(providers: pd.DataFrame, column: str, wanted) -> pd.Series | None:
    """The prepared membership of `wanted` items (any of them), or None if not prepared."""
    names = [member_column(column, item) for item in wanted]
    if not names or not all(name in providers.columns for name in names):
        return None
    return pd.Series(np.logical_or.reduce([providers[name].to_numpy() for name in names]), index=providers.index)


def per_distinct(series: pd.Series, function: Callable[[Any], Any]) -> pd.Series:
    """Apply `function` once per distinct cell, not once per row: list cells repeat a great deal
    (a few hundred route or payer combinations across a directory of any size)."""
    distinct = series.dropna().unique()
    mapping = {cell: function(cell) for cell in distinct}
    return series.map(mapping)


def _has_any(series: pd.Series, wanted: set[str]) -> pd.Series:
    """True where a `;`-list cell contains any of `wanted` (unknown cells never match), worked out
    once per distinct cell."""
    return per_distinct(series, lambda cell: bool(wanted.intersection(split_list(cell)))).fillna(False).astype(bool)


def _any_item(column: str) -> Callable[[pd.DataFrame, list, Context], pd.Series]:
    """Rows whose `;`-list column contains any of the chosen values."""
    def apply(providers: pd.DataFrame, values: list, context: Context) -> pd.Series:
        prepared = _member_mask(providers, column, values)
        return prepared if prepared is not None else _has_any(providers[column], set(values))
    return apply


def _words(values: list, vocabulary: Mapping[str, str], joiner: str = "or") -> str:
    labels = [vocabulary.get(v, v) for v in values]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + f" {joiner} " + labels[-1]


SUPERVISION_WORDS = {"in_clinic_monitored": "monitored in a clinic",
                     "rems_certified_observation": "with REMS-certified observation",
                     "telehealth_remote": "supervised by telehealth at home", "hybrid": "with hybrid supervision"}
SETTING_WORDS = {"clinic": "in a clinic", "at_home": "at home", "hybrid": "in a clinic and at home"}
ROUTE_WORDS = {"iv": "IV", "im": "IM", "sublingual": "sublingual", "oral": "oral",
               "esketamine_nasal": "Spravato", "ketamine_nasal": "ketamine nasal spray"}


def _parse_insurance(value: str) -> str:
    value = value.strip().lower()
    if value in INSURANCE_FEATURES:
        return value
    payer = parse_payer(value)
    if payer is None:
        raise ValueError(f"unknown payer {value!r}")
    return payer


def _apply_insurance(providers: pd.DataFrame, values: list, context: Context) -> pd.Series:
    """Any of the chosen payers, and every chosen feature (HSA/FSA, superbill, Spravato covered)."""
    payers = {v for v in values if v not in INSURANCE_FEATURES}
    keep = pd.Series(True, index=providers.index)
    for wanted in ([sorted(payers)] if payers else []) + ([["any"]] if "any" in values else []):
        prepared = _member_mask(providers, "insurance", wanted)
        if prepared is None:
            prepared = per_distinct(providers["insurance"], lambda cell: bool(set(wanted) & _accepted_payers(cell)))
        keep &= prepared.fillna(False).astype(bool)
    for feature, column in (("spravato_covered", "spravato_covered_by_insurance"), ("hsa_fsa", "hsa_fsa"),
                            ("superbill", "superbill")):
        if feature in values:
            keep &= providers[column].eq("yes").fillna(False)
    return keep


def _phrase_insurance(values: list, context: Context) -> str:
    payers = [PAYER_LABELS[v] for v in values if v in PAYER_LABELS]
    parts = [f"accept {_words(payers, {}, 'or')}"] if payers else []
    parts += [INSURANCE_FEATURES[v] for v in values if v in INSURANCE_FEATURES]
    return "that " + " and ".join(parts)


def _parse_zip(value: str) -> str:
    value = value.strip()
    if geo.zip_location(value) is None:
        raise ValueError(f"{value!r} is not a known US ZIP code")
    return value


def is_remote(providers: pd.DataFrame) -> pd.Series:
    """Providers that treat people at home, so they serve a whole state rather than a radius."""
    if "_remote" in providers:
        return providers["_remote"]
    return (providers["care_setting"] == "at_home") | (providers["supervision_model"] == "telehealth_remote")


def serves_state(providers: pd.DataFrame, state: str) -> pd.Series:
    """True where `states_served` lists the two-letter code `state`."""
    prepared = _member_mask(providers, "states_served", [state])
    return prepared if prepared is not None else _has_any(providers["states_served"], {state})


def remote_in_zip_state(providers: pd.DataFrame, context: Context) -> pd.Series:
    """At-home services licensed in the state of the user's ZIP (worked out once per view)."""
    if context.remote_here is None:
        context.remote_here = is_remote(providers) & serves_state(providers, context.zip_location[2])
    return context.remote_here


def distances(providers: pd.DataFrame, context: Context) -> pd.Series:
    if context.zip_location is None:
        return pd.Series(np.nan, index=providers.index)
    if context.distance_miles is None:
        latitude, longitude, _state = context.zip_location
        context.distance_miles = pd.Series(
            geo.haversine_miles(latitude, longitude, providers["latitude"], providers["longitude"]), index=providers.index)
    return context.distance_miles


def _apply_zip(providers: pd.DataFrame, value: str, context: Context) -> pd.Series:
    """On-site providers within the radius, plus at-home services licensed in the ZIP's state."""
    within = (distances(providers, context) <= context.radius).fillna(False)
    return (within & ~is_remote(providers)) | remote_in_zip_state(providers, context)


def _phrase_zip(value: str, context: Context) -> str:
    state = context.zip_location[2] if context.zip_location else "?"
    # "Clinic" only: no at-home wording, since no at-home service is shown.
    home = f" (or treating at home in {state})" if context.home_care else ""
    return f"within {context.radius:g} miles of {value}{home}"


def _number(value: str, message: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(message) from None
    if not np.isfinite(number):
        raise ValueError(message)
    return number


def _parse_max_price(value: str) -> float:
    number = _number(value, "must be a positive number of dollars")
    if number <= 0:
        raise ValueError("must be a positive number of dollars")
    return number


def _apply_max_price(providers: pd.DataFrame, value: float, context: Context) -> pd.Series:
    """Lowest per-session price at or under the maximum; providers without a per-session price drop out."""
    return (providers["price_per_session_low"] <= value).fillna(False)


def _apply_q(providers: pd.DataFrame, value: str, context: Context) -> pd.Series:
    needle = value.lower()
    if "_search_text" in providers:
        text = providers["_search_text"]
    else:
        text = (providers["name"].fillna("") + " " + providers["city"].fillna("")).str.lower()
    return text.str.contains(needle, regex=False).fillna(False).astype(bool)


def _parse_q(value: str) -> str:
    value = " ".join(value.split())[:100]
    if not value:
        raise ValueError("empty search")
    return value


def _parse_flag(value: str) -> bool:
    if value.strip().lower() in ("1", "true", "yes"):
        return True
    if value.strip().lower() in ("0", "false", "no", ""):
        return False
    raise ValueError("use 1 or 0")


def _apply_closed(providers: pd.DataFrame, value: bool, context: Context) -> pd.Series:
    if value:
        return pd.Series(True, index=providers.index)
    return providers["_open"] if "_open" in providers else providers["status"].ne("closed").fillna(True)


def _parse_min_grade(value: str) -> float:
    number = _number(value, "must be a number from 0 to 100")
    if not 0 <= number <= 100:
        raise ValueError("must be between 0 and 100")
    return number


FILTERS: list[Filter] = [
    Filter("route", "Route of administration", True, _choice(ROUTES, "route"), _any_item("routes"),
           lambda v, c: "offering " + _words(v, ROUTE_WORDS), ROUTES),
    Filter("supervision", "Supervision model", True, _choice(SUPERVISION_MODELS, "supervision model"),
           lambda p, v, c: p["supervision_model"].isin(v),
           lambda v, c: _words(v, SUPERVISION_WORDS), SUPERVISION_MODELS),
    Filter("setting", "Care setting", True, _choice(CARE_SETTINGS, "care setting"),
           lambda p, v, c: p["care_setting"].isin(v),
           lambda v, c: _words(v, SETTING_WORDS), CARE_SETTINGS),
    Filter("insurance", "Insurance and payment", True, _parse_insurance, _apply_insurance, _phrase_insurance,
           {**INSURANCE_FEATURES, **PAYER_LABELS}),
    Filter("zip", "Near ZIP code", False, _parse_zip, _apply_zip, _phrase_zip),
    Filter("state", "State", False, _choice({k.lower(): v for k, v in US_STATES.items()}, "state"),
           lambda p, v, c: p["state"].eq(v.upper()).fillna(False) | serves_state(p, v.upper()),
           lambda v, c: f"in or serving {US_STATES[v.upper()]}", {k.lower(): v for k, v in US_STATES.items()}),
    Filter("condition", "Condition treated", True, _choice(CONDITIONS, "condition"), _any_item("conditions"),
           lambda v, c: "treating " + _words([CONDITIONS[x].lower() if x not in ("ptsd", "ocd") else CONDITIONS[x] for x in v], {}),
           CONDITIONS),
    Filter("max_price", "Max price per session (USD)", False, _parse_max_price, _apply_max_price,
           lambda v, c: f"from ${v:,.0f} a session or less"),
    Filter("q", "Name or city", False, _parse_q, _apply_q, lambda v, c: f"matching “{v}”"),
    Filter("closed", "Include closed providers", False, _parse_flag, _apply_closed,
           lambda v, c: "including closed ones" if v else ""),
    Filter("no_red_flags", "No red flags", False, _parse_flag,
           lambda p, v, c: p["red_flags"].eq(0) if v else pd.Series(True, index=p.index),
           lambda v, c: "with no red flags" if v else ""),
    Filter("min_grade", "Minimum grade", False, _parse_min_grade,
           lambda p, v, c: (p["grade"] >= v).fillna(False), lambda v, c: f"graded {v:g} or above"),
]
FILTERS.append(Filter(
    "must_have", "Must-have criteria", True, _choice({c: c for c in CRITERION_IDS}, "criterion"),
    lambda p, v, c: p["keeps_must_haves"] if "keeps_must_haves" in p else pd.Series(True, index=p.index),
    lambda v, c: ("without a red flag or an unknown on " if c.must_have_known else "without a red flag on ")
    + _words([x.replace("_", " ") for x in v], {}, "or")))
FILTERS_BY_KEY = {f.key: f for f in FILTERS}
# Words read best with where before who pays: "offering IV within 50 miles of 78701 that accept Aetna".
DESCRIBE_ORDER = ("route", "supervision", "setting", "zip", "state", "insurance", "condition", "max_price", "q",
                  "no_red_flags", "min_grade", "must_have", "closed")
EXTRA_PARAMS = ("radius", "must_have_known")  # modify another filter, not filters of their own


def parse_params(params: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Parse query parameters into filter values; invalid values are dropped with a note."""
    state: dict[str, Any] = {}
    notes: list[str] = []
    for flt in FILTERS:
        raw = params.get(flt.key)
        if raw is None or (isinstance(raw, str) and raw.strip() == ""):
            continue
        raw_values = raw if isinstance(raw, list) else [raw]
        items = [item for value in raw_values for item in str(value).split(",")] if flt.multi else [str(raw_values[-1])]
        parsed = []
        for item in items:
            if flt.multi and not item.strip():
                continue
            try:
                value = flt.parse_one(item)
            except (ValueError, TypeError) as error:
                notes.append(f"Ignored {flt.key}={item[:40]!r}: {error}.")
                continue
            if value not in parsed:
                parsed.append(value)
        if parsed:
            state[flt.key] = parsed if flt.multi else parsed[0]
    radius = params.get("radius")
    if radius not in (None, ""):
        try:
            value = float(radius if not isinstance(radius, list) else radius[-1])
            if not 0 < value <= MAX_RADIUS_MILES:
                raise ValueError
            state["radius"] = value
        except (TypeError, ValueError):
            notes.append(f"Ignored radius={str(radius)[:40]!r}: must be a number of miles from 1 to {MAX_RADIUS_MILES:g}.")
    if params.get("must_have_known") not in (None, ""):
        try:
            state["must_have_known"] = _parse_flag(str(params["must_have_known"]))
        except ValueError:
            notes.append("Ignored must_have_known: use 1 or 0.")
    if "radius" in state and "zip" not in state:
        notes.append("A radius needs a ZIP code; it has no effect on its own.")
    return state, notes


def to_params(state: Mapping[str, Any]) -> dict[str, str]:
    """Filter values back to query parameters (the inverse of parse_params for valid values)."""
    params = {}
    for key, value in state.items():
        if value in (None, [], "", False):
            continue
        if isinstance(value, list):
            params[key] = ",".join(value)
        elif isinstance(value, bool):
            params[key] = "1"
        elif isinstance(value, float):
            params[key] = f"{value:g}"
        else:
            params[key] = str(value)
    return params


def context_for(state: Mapping[str, Any]) -> Context:
    location = geo.zip_location(state["zip"]) if "zip" in state else None
    settings = state.get("setting") or list(HOME_CARE_SETTINGS)
    return Context(zip_location=location, radius=float(state.get("radius", DEFAULT_RADIUS_MILES)),
                   must_have_known=bool(state.get("must_have_known", False)),
                   home_care=any(s in HOME_CARE_SETTINGS for s in settings))


@dataclass
class View:
    mask: pd.Series                     # providers shown
    masks: dict[str, pd.Series]         # each active filter alone
    distance_miles: pd.Series
    serves_your_state: pd.Series
    context: Context

    @property
    def count(self) -> int:
        return int(self.mask.sum())


def apply_filters(providers: pd.DataFrame, state: Mapping[str, Any]) -> View:
    """Apply every active filter; `providers` needs the per-session price columns and, for the
    grade filters, the score columns. Closed providers are hidden unless `closed` is set."""
    context = context_for(state)
    active = dict(state)
    active.setdefault("closed", False)
    masks = {}
    for key, value in active.items():
        flt = FILTERS_BY_KEY.get(key)
        if flt is None:
            continue
        if flt.key in ("no_red_flags", "min_grade") and "grade" not in providers.columns:
            continue
        masks[key] = flt.apply(providers, value, context).astype(bool)
    mask = pd.Series(True, index=providers.index)
    for each in masks.values():
        mask &= each
    distance = distances(providers, context)
    if context.zip_location is not None:
        remote_here = remote_in_zip_state(providers, context)
        distance = distance.where(~is_remote(providers))
    else:
        remote_here = pd.Series(False, index=providers.index)
    return View(mask=mask, masks=masks, distance_miles=distance, serves_your_state=remote_here, context=context)


def describe(state: Mapping[str, Any], count: int) -> str:
    """The view in one sentence: '3 providers offering IV or IM within 50 miles of 78701 that accept Aetna'."""
    context = context_for(state)
    phrases = []
    for flt in sorted(FILTERS, key=lambda f: DESCRIBE_ORDER.index(f.key)):
        if flt.key in state:
            phrase = flt.phrase(state[flt.key], context)
            if phrase:
                phrases.append(phrase)
    noun = "provider" if count == 1 else "providers"
    return " ".join([f"{count:,} {noun}"] + phrases) + "."


def most_restrictive(view: View, state: Mapping[str, Any]) -> tuple[str, int] | None:
    """For an empty result: the filter that removes the most providers on its own, and how many
    would show without it."""
    if not view.masks:
        return None
    candidates = [k for k in view.masks if k in state] or list(view.masks)
    worst_key = min(candidates, key=lambda k: int(view.masks[k].sum()))
    others = pd.Series(True, index=view.mask.index)
    for key, each in view.masks.items():
        if key != worst_key:
            others &= each
    return worst_key, int(others.sum())
