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
    CARE_SETTINGS,
    CONDITIONS,
    CRITERION_IDS,
    PRICE_UNITS,
    PROVIDER_STATUSES,
    ROUTES,
    SOURCE_KINDS,
    STATUSES,
    SUPERVISION_MODELS,
    US_STATES,
    split_list,
)

# Only absolute http(s) URLs become links; `javascript:`, `data:` and relative URLs never do.
URL_PATTERN = re.compile(r"^https?://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(:[0-9]{1,5})?([/?#][^\s<>\"']*)?$")
ID_PATTERN = r"^[a-z0-9][a-z0-9-]{1,80}$"
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
ZIP_PATTERN = r"^\d{5}$"


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
    price_low_usd: Series[float] = pa.Field(nullable=True, ge=0, description="Lowest listed price in US dollars, per `price_unit`.")
    price_high_usd: Series[float] = pa.Field(nullable=True, ge=0, description="Highest listed price in US dollars, per `price_unit`.")
    price_unit: Series[str] = pa.Field(nullable=True, isin=list(PRICE_UNITS),
                                       description="What the price buys: " + ", ".join(PRICE_UNITS) + ".")
    price_sessions: Series[float] = pa.Field(nullable=True, gt=0,
                                             description="Number of sessions a series or program price covers (used to give a per-session figure).")
    price_note: Series[str] = pa.Field(nullable=True, description="What the price includes, and whether it is a third-party report.")
    price_source_url: Series[str] = pa.Field(nullable=True, description="Page showing the price (required when a price is given).")
    conditions: Series[str] = pa.Field(nullable=True,
                                       description="Conditions it says it treats, `;`-separated: " + ", ".join(CONDITIONS) + ".")
    evidence_note: Series[str] = pa.Field(nullable=True,
                                          description="When no evidence row exists: what its pages were checked for and did not show.")
    notes: Series[str] = pa.Field(nullable=True,
                                  description="What a reader should know about the row itself, e.g. weak or third-party sourcing.")
    source_urls: Series[str] = pa.Field(description="Pages the row's facts come from, `;`-separated.")
    checked_on: Series[str] = pa.Field(str_matches=DATE_PATTERN, description="Date (YYYY-MM-DD) the sources were last read.")

    class Config:
        coerce = True

    @pa.check("website", "status_source_url", "price_source_url", "source_urls", name="http(s) URL")
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

    @pa.dataframe_check(name="price_low_usd is not above price_high_usd")
    def _price_order(cls, df: pd.DataFrame) -> Series[bool]:
        return ~(df["price_low_usd"] > df["price_high_usd"]).fillna(False)

    @pa.dataframe_check(name="a price needs price_unit and price_source_url")
    def _price_sourced(cls, df: pd.DataFrame) -> Series[bool]:
        has_price = df["price_low_usd"].notna() | df["price_high_usd"].notna()
        return ~has_price | (df["price_unit"].notna() & df["price_source_url"].notna())

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


SCHEMAS: dict[str, type[pa.DataFrameModel]] = {
    "providers.csv": ProviderSchema,
    "evidence.csv": EvidenceSchema,
    "sources.csv": SourceSchema,
}

# Columns a file must have; the others are optional and added empty when absent.
REQUIRED_COLUMNS = {
    "providers.csv": ["provider_id", "name", "care_setting", "supervision_model", "source_urls", "checked_on"],
    "evidence.csv": ["provider_id", "criterion_id", "status", "note", "source_url", "checked_on"],
    "sources.csv": ["source_url", "title", "kind"],
}

NUMERIC_COLUMNS = {
    "providers.csv": ["latitude", "longitude", "price_low_usd", "price_high_usd", "price_sessions"],
}


def column_descriptions(file_name: str) -> dict[str, str]:
    """Column name -> description for one data file, in file order."""
    schema = SCHEMAS[file_name].to_schema()
    return {name: column.description or "" for name, column in schema.columns.items()}
