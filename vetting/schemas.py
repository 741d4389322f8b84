"""One pandera schema per data file, with a description for every column.

The descriptions are the data dictionary: `data/README.md` and the Data page are generated
from them, and a test fails when a column has none.
"""

from __future__ import annotations

import re

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from .vocab import (
    ANY_ROUTE,
    CARE_SETTINGS,
    PAYERS,
    CONDITIONS,
    CRITERION_IDS,
    FACT_KEYS,
    PRICE_UNITS,
    PROVIDER_STATUSES,
    ROUTES,
    SOURCE_KINDS,
    STATUSES,
    SUPERVISION_MODELS,
    US_STATES,
    fact_pages,
    split_list,
)

# Only absolute http(s) URLs become links; `javascript:`, `data:` and relative URLs never do.
URL_PATTERN = re.compile(r"^https?://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(:[0-9]{1,5})?([/?#][^\s<>\"']*)?$")
ID_PATTERN = r"^[a-z0-9][a-z0-9-]{1,80}$"
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
ZIP_PATTERN = r"^\d{5}$"
PHONE_PATTERN = r"^[2-9]\d{2}-[2-9]\d{2}-\d{4}( x\d{1,6})?$"
ID_OR_SEED = r"^[a-z0-9][a-z0-9-]{1,80}$"


def is_http_url(value) -> bool:
    return isinstance(value, str) and bool(URL_PATTERN.match(value))


def _all_in(series: pd.Series, vocabulary) -> pd.Series:
    """True where every semicolon-separated item of a cell is in the vocabulary (empty is fine)."""
    return series.map(lambda cell: all(item in vocabulary for item in split_list(cell)))


def _urls_ok(series: pd.Series) -> pd.Series:
    return series.map(lambda cell: all(is_http_url(u) for u in split_list(cell)))


def _dates_ok(series: pd.Series) -> pd.Series:
    parsed = pd.to_datetime(series, format="%Y-%m-%d", errors="coerce")
    return parsed.notna() | series.isna()


class ProviderSchema(pa.DataFrameModel):
    """data/providers.csv: one row per provider. Empty means not found, never "no"."""

    provider_id: Series[str] = pa.Field(
        unique=True, str_matches=ID_PATTERN,
        description="Stable id: lowercase letters, digits and hyphens (e.g. `klarisana-san-antonio`).")
    name: Series[str] = pa.Field(str_length={"min_value": 1, "max_value": 200},
                                 description="The provider's name as it appears on its own site.")
    website: Series[str] = pa.Field(nullable=True,
                                    description="Home page (absolute http(s) URL).")
    status: Series[str] = pa.Field(nullable=True, isin=list(PROVIDER_STATUSES),
                                   description="active, closed or unknown (empty = unknown). Closed providers are hidden unless asked for.")
    status_source_url: Series[str] = pa.Field(nullable=True,
                                              description="Page that shows the status (required when status is closed).")
    care_setting: Series[str] = pa.Field(isin=list(CARE_SETTINGS),
                                         description="Where treatment happens: clinic, at_home or hybrid.")
    routes: Series[str] = pa.Field(nullable=True,
                                   description="Routes of administration offered, `;`-separated: " + ", ".join(ROUTES) + ".")
    supervision_model: Series[str] = pa.Field(isin=list(SUPERVISION_MODELS),
                                              description="How treatment is supervised: " + ", ".join(SUPERVISION_MODELS) + ".")
    phone: Series[str] = pa.Field(nullable=True, str_matches=PHONE_PATTERN,
                                  description="Main US phone number of this location as its page gives it, stored as `NNN-NNN-NNNN` (an extension as ` x123`).")
    street: Series[str] = pa.Field(nullable=True, description="Street address of the clinic, when the source gives one.")
    city: Series[str] = pa.Field(nullable=True, description="City of the clinic.")
    state: Series[str] = pa.Field(nullable=True, isin=list(US_STATES),
                                  description="Two-letter USPS code of the clinic's state (50 states and DC).")
    zip: Series[str] = pa.Field(nullable=True, str_matches=ZIP_PATTERN, description="Five-digit US ZIP code of the clinic.")
    location_note: Series[str] = pa.Field(nullable=True,
                                          description="How the location was determined when no cited page states an address (e.g. inferred from the provider's name).")
    latitude: Series[float] = pa.Field(nullable=True, ge=-90, le=90,
                                       description="Latitude; when empty it is geocoded offline from the ZIP, or else from city and state.")
    longitude: Series[float] = pa.Field(nullable=True, ge=-180, le=180,
                                        description="Longitude; geocoded like latitude.")
    states_served: Series[str] = pa.Field(nullable=True,
                                          description="States whose residents it treats, `;`-separated (for telehealth, the states it is licensed to serve).")
    insurance: Series[str] = pa.Field(nullable=True,
                                      description="Payers accepted as the source names them, `;`-separated; `none` means the source says it takes no insurance.")
    spravato_covered_by_insurance: Series[str] = pa.Field(nullable=True, isin=["yes", "no"],
                                                          description="yes if the source says Spravato is billed to insurance; no if it says it is not.")
    hsa_fsa: Series[str] = pa.Field(nullable=True, isin=["yes", "no"], description="yes if HSA/FSA funds are accepted.")
    superbill: Series[str] = pa.Field(nullable=True, isin=["yes", "no"],
                                      description="yes if a superbill is provided for out-of-network claims.")
    conditions: Series[str] = pa.Field(nullable=True,
                                       description="Conditions it says it treats, `;`-separated: " + ", ".join(CONDITIONS) + ".")
    evidence_note: Series[str] = pa.Field(nullable=True,
                                          description="When no evidence row exists: what its pages were checked for and did not show.")
    notes: Series[str] = pa.Field(nullable=True,
                                  description="What a reader should know about the row itself, e.g. weak or third-party sourcing.")
    source_urls: Series[str] = pa.Field(description="Pages the row's facts come from, `;`-separated.")
    fact_sources: Series[str] = pa.Field(nullable=True,
                                         description="Which of those pages shows which fact, as `fact=URL` pairs, `;`-separated; facts: "
                                                     + ", ".join(FACT_KEYS) + ". Each URL is one of the row's `source_urls`.")
    checked_on: Series[str] = pa.Field(str_matches=DATE_PATTERN, description="Date (YYYY-MM-DD) the sources were last read.")

    class Config:
        coerce = True

    @pa.check("fact_sources", name="known facts with http(s) pages")
    def _fact_sources(cls, series: Series[str]) -> Series[bool]:
        return series.map(lambda v: v is None or v != v or fact_pages(v) is not None)

    @pa.dataframe_check(name="fact_sources cite pages listed in source_urls")
    def _fact_pages_listed(cls, df: pd.DataFrame) -> Series[bool]:
        def listed(row) -> bool:
            pages = fact_pages(row["fact_sources"]) if isinstance(row["fact_sources"], str) else {}
            return not pages or set(pages.values()) <= set(split_list(row["source_urls"]))
        return df.apply(listed, axis=1)

    @pa.check("website", "status_source_url", "source_urls", name="http(s) URL")
    def _urls(cls, series: Series[str]) -> Series[bool]:
        return _urls_ok(series)

    @pa.check("routes", name="known routes")
    def _routes(cls, series: Series[str]) -> Series[bool]:
        return _all_in(series, ROUTES)

    @pa.check("states_served", name="US state codes")
    def _states_served(cls, series: Series[str]) -> Series[bool]:
        return _all_in(series, US_STATES)

    @pa.check("conditions", name="known conditions")
    def _conditions(cls, series: Series[str]) -> Series[bool]:
        return _all_in(series, CONDITIONS)

    @pa.check("checked_on", name="real date")
    def _checked_on(cls, series: Series[str]) -> Series[bool]:
        return _dates_ok(series)

    @pa.dataframe_check(name="a closed status needs status_source_url")
    def _closed_sourced(cls, df: pd.DataFrame) -> Series[bool]:
        return (df["status"] != "closed").fillna(True) | df["status_source_url"].notna()


class EvidenceSchema(pa.DataFrameModel):
    """data/evidence.csv: what a public page shows about one provider and one checklist criterion."""

    provider_id: Series[str] = pa.Field(description="The provider (an id in providers.csv).")
    criterion_id: Series[str] = pa.Field(isin=list(CRITERION_IDS), description="The checklist criterion (DOMAIN.md §3 ids).")
    status: Series[str] = pa.Field(isin=["met", "red_flag"],
                                   description="met, or red_flag only where the page itself shows the problem. Unknown is never written: it is the absence of a row.")
    note: Series[str] = pa.Field(str_length={"min_value": 1, "max_value": 400},
                                 description="What the page shows, paraphrased in one or two sentences.")
    source_url: Series[str] = pa.Field(description="The page that shows it (a source_url in sources.csv).")
    checked_on: Series[str] = pa.Field(str_matches=DATE_PATTERN, description="Date (YYYY-MM-DD) the page was read.")

    class Config:
        coerce = True

    @pa.check("source_url", name="http(s) URL")
    def _url(cls, series: Series[str]) -> Series[bool]:
        return _urls_ok(series)

    @pa.check("checked_on", name="real date")
    def _checked_on(cls, series: Series[str]) -> Series[bool]:
        return _dates_ok(series)


class SourceSchema(pa.DataFrameModel):
    """data/sources.csv: every page or document the directory cites."""

    source_url: Series[str] = pa.Field(unique=True, description="The page's address (absolute http(s) URL); the key other files cite.")
    source_id: Series[str] = pa.Field(nullable=True, str_matches=ID_PATTERN,
                                      description="Short id for the source documents (e.g. `seed-innerwell-ketamine-101`), cited by costs and checklists.")
    title: Series[str] = pa.Field(str_length={"min_value": 1}, description="The page's title.")
    publisher: Series[str] = pa.Field(nullable=True, description="Who publishes the page.")
    kind: Series[str] = pa.Field(isin=list(SOURCE_KINDS), description="What kind of source: " + ", ".join(SOURCE_KINDS) + ".")
    published: Series[str] = pa.Field(nullable=True, description="Publication date as the page gives it, if any.")
    notes: Series[str] = pa.Field(nullable=True, description="Anything a reader should know about the source.")

    class Config:
        coerce = True

    @pa.check("source_url", name="http(s) URL")
    def _url(cls, series: Series[str]) -> Series[bool]:
        return _urls_ok(series)


# What a costs.csv figure is, so a list price is never read as a market price, nor marketing as a survey.
FIGURE_KINDS = {
    "provider_published": "a provider's own published figure",
    "marketing": "a marketing claim",
    "list_price": "a manufacturer's list price",
    "medicare_payment": "a Medicare payment rate",
    "billing_code": "a billing code fact",
    "news_survey": "prices reported by news or a consumer survey",
}
PAYER_CONTEXTS = {"self_pay": "Self-pay", "insured": "With insurance", "any": "Any payer"}
COURSE_PARAMETERS = {
    "induction_sessions": "sessions in the first (induction) series",
    "induction_weeks": "weeks the induction series takes",
    "maintenance_interval_weeks": "weeks between maintenance (booster) sessions",
}


class PriceSchema(pa.DataFrameModel):
    """data/prices.csv: one price a page shows, per provider, route and unit. A price counts only under
    its route, and per session only when its unit is a session; nothing here is ever divided."""

    provider_id: Series[str] = pa.Field(description="The provider (an id in providers.csv).")
    route: Series[str] = pa.Field(isin=list(ROUTES) + [ANY_ROUTE],
                                  description="The route priced (one the provider offers), or `any` when the page prices no particular route.")
    unit: Series[str] = pa.Field(isin=list(PRICE_UNITS), description="What the price buys: " + ", ".join(PRICE_UNITS) + ".")
    sessions_included: Series[float] = pa.Field(nullable=True, gt=0,
                                                description="Sessions a series or program includes, when the page says (a positive whole number; an optional booster is not included).")
    low_usd: Series[float] = pa.Field(nullable=True, ge=0, description="Lowest price in US dollars, per `unit`.")
    high_usd: Series[float] = pa.Field(nullable=True, ge=0, description="Highest price in US dollars, per `unit` (the same as low for one price).")
    payer: Series[str] = pa.Field(isin=list(PAYERS), description="Who pays: " + ", ".join(PAYERS) + ".")
    note: Series[str] = pa.Field(nullable=True, str_length={"max_value": 400},
                                 description="What the price covers, paraphrased; says when the page is a third-party report.")
    source_url: Series[str] = pa.Field(description="The page that shows the price (a source_url in sources.csv).")
    checked_on: Series[str] = pa.Field(str_matches=DATE_PATTERN, description="Date (YYYY-MM-DD) the page was read.")

    class Config:
        coerce = True

    @pa.check("source_url", name="http(s) URL")
    def _url(cls, series: Series[str]) -> Series[bool]:
        return _urls_ok(series)

    @pa.check("checked_on", name="real date")
    def _checked_on(cls, series: Series[str]) -> Series[bool]:
        return _dates_ok(series)

    @pa.check("sessions_included", name="a positive whole number")
    def _whole_sessions(cls, series: Series[float]) -> Series[bool]:
        return series.isna() | (series == series.round())

    @pa.dataframe_check(name="low_usd is not above high_usd")
    def _order(cls, df: pd.DataFrame) -> Series[bool]:
        return ~(df["low_usd"] > df["high_usd"]).fillna(False)

    @pa.dataframe_check(name="a price needs low_usd or high_usd")
    def _has_amount(cls, df: pd.DataFrame) -> Series[bool]:
        return df["low_usd"].notna() | df["high_usd"].notna()


class CostSchema(pa.DataFrameModel):
    """data/costs.csv: one cost or coverage figure from the source documents (DOMAIN.md §5) per row."""

    cost_id: Series[str] = pa.Field(unique=True, str_matches=r"^[a-z0-9][a-z0-9-]{1,80}$",
                                    description="Stable id of the figure (e.g. `iv-clinic-per-session`).")
    route: Series[str] = pa.Field(nullable=True, isin=list(ROUTES),
                                  description="Route of administration the figure is about; empty means any route.")
    care_setting: Series[str] = pa.Field(nullable=True, isin=list(CARE_SETTINGS),
                                         description="clinic, at_home or hybrid; empty means any setting.")
    low_usd: Series[float] = pa.Field(nullable=True, ge=0,
                                      description="Lowest amount in US dollars, per `unit`; empty where the document gives no number.")
    high_usd: Series[float] = pa.Field(nullable=True, ge=0,
                                       description="Highest amount in US dollars, per `unit`; empty where the document gives no number.")
    unit: Series[str] = pa.Field(nullable=True, isin=list(PRICE_UNITS),
                                 description="What the amount buys: " + ", ".join(PRICE_UNITS) + " (required with a number).")
    payer_context: Series[str] = pa.Field(isin=list(PAYER_CONTEXTS),
                                          description="Who pays in the figure: self_pay, insured (the patient's share with insurance) or any.")
    summary: Series[str] = pa.Field(str_length={"min_value": 1, "max_value": 400},
                                    description="What the document says, paraphrased in one sentence.")
    figure_kind: Series[str] = pa.Field(isin=list(FIGURE_KINDS),
                                        description="What the figure is: " + ", ".join(f"`{k}` ({v})" for k, v in FIGURE_KINDS.items()) + ".")
    source_id: Series[str] = pa.Field(str_matches=ID_PATTERN,
                                      description="The source (a `source_id` in sources.csv).")
    section: Series[str] = pa.Field(str_length={"min_value": 1},
                                    description="The section of the source the figure is in.")
    checked_on: Series[str] = pa.Field(nullable=True, str_matches=DATE_PATTERN,
                                       description="Date (YYYY-MM-DD) the source was read.")

    class Config:
        coerce = True
        strict = True

    @pa.dataframe_check(name="low_usd is not above high_usd")
    def _order(cls, df: pd.DataFrame) -> Series[bool]:
        return ~(df["low_usd"] > df["high_usd"]).fillna(False)

    @pa.dataframe_check(name="a number needs a unit")
    def _unit(cls, df: pd.DataFrame) -> Series[bool]:
        has_number = df["low_usd"].notna() | df["high_usd"].notna()
        return ~has_number | df["unit"].notna()

    @pa.dataframe_check(name="high_usd needs low_usd")
    def _low_first(cls, df: pd.DataFrame) -> Series[bool]:
        return df["high_usd"].isna() | df["low_usd"].notna()


class CourseFigureSchema(pa.DataFrameModel):
    """data/course_defaults.csv: how long a course runs, per the source documents (DOMAIN.md §5)."""

    figure_id: Series[str] = pa.Field(unique=True, str_matches=r"^[a-z0-9][a-z0-9-]{1,80}$",
                                      description="Stable id of the figure.")
    parameter: Series[str] = pa.Field(isin=list(COURSE_PARAMETERS),
                                      description="What is counted: " + ", ".join(COURSE_PARAMETERS) + ".")
    low: Series[float] = pa.Field(nullable=True, gt=0, description="Lowest count the document gives; empty where it gives none.")
    high: Series[float] = pa.Field(nullable=True, gt=0, description="Highest count the document gives.")
    default: Series[float] = pa.Field(nullable=True, gt=0,
                                      description="The estimator's default, on the one row it is taken from; must lie within that row's low-high.")
    unit: Series[str] = pa.Field(isin=["sessions", "weeks"], description="sessions or weeks.")
    summary: Series[str] = pa.Field(str_length={"min_value": 1, "max_value": 400}, description="What the document says, paraphrased.")
    source_id: Series[str] = pa.Field(str_matches=ID_PATTERN, description="The source document (a `source_id` in sources.csv).")
    section: Series[str] = pa.Field(str_length={"min_value": 1}, description="The section of the document the figure is in.")

    class Config:
        coerce = True
        strict = True

    @pa.dataframe_check(name="low is not above high")
    def _order(cls, df: pd.DataFrame) -> Series[bool]:
        return ~(df["low"] > df["high"]).fillna(False)

    @pa.dataframe_check(name="default lies within low-high")
    def _default_inside(cls, df: pd.DataFrame) -> Series[bool]:
        inside = (df["default"] >= df["low"]) & (df["default"] <= df["high"])
        return df["default"].isna() | inside.fillna(False)


SCHEMAS: dict[str, type[pa.DataFrameModel]] = {
    "providers.csv": ProviderSchema,
    "evidence.csv": EvidenceSchema,
    "sources.csv": SourceSchema,
    "prices.csv": PriceSchema,
    "costs.csv": CostSchema,
    "course_defaults.csv": CourseFigureSchema,
}

# Columns a file must have; the others are optional and added empty when absent.
REQUIRED_COLUMNS = {
    "providers.csv": ["provider_id", "name", "care_setting", "supervision_model", "source_urls", "checked_on"],
    "evidence.csv": ["provider_id", "criterion_id", "status", "note", "source_url", "checked_on"],
    "sources.csv": ["source_url", "title", "kind"],
    "prices.csv": ["provider_id", "route", "unit", "payer", "source_url", "checked_on"],
    "costs.csv": ["cost_id", "payer_context", "summary", "figure_kind", "source_id", "section"],
    "course_defaults.csv": ["figure_id", "parameter", "unit", "summary", "source_id", "section"],
}

NUMERIC_COLUMNS = {
    "providers.csv": ["latitude", "longitude"],
    "prices.csv": ["sessions_included", "low_usd", "high_usd"],
    "costs.csv": ["low_usd", "high_usd"],
    "course_defaults.csv": ["low", "high", "default"],
}


def column_descriptions(file_name: str) -> dict[str, str]:
    """Column name -> description for one data file, in file order."""
    schema = SCHEMAS[file_name].to_schema()
    return {name: column.description or "" for name, column in schema.columns.items()}
