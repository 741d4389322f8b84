"""Controlled vocabularies shared by the schemas, filters, scoring and pages.

Each vocabulary maps an id (what the CSV files hold) to the words a person reads.
"""

import re

ROUTES = {
    "iv": "IV infusion",
    "im": "IM injection",
    "sublingual": "Sublingual (troche / lozenge)",
    "oral": "Oral tablet",
    "esketamine_nasal": "Spravato (esketamine nasal spray)",
    "ketamine_nasal": "Compounded ketamine nasal spray",
}

SUPERVISION_MODELS = {
    "in_clinic_monitored": "In-clinic, monitored",
    "rems_certified_observation": "REMS-certified observation (Spravato)",
    "telehealth_remote": "Telehealth, at home",
    "hybrid": "Hybrid (clinic, then home)",
}

CARE_SETTINGS = {
    "clinic": "Clinic",
    "at_home": "At home",
    "hybrid": "Hybrid",
}

CONDITIONS = {
    "depression": "Depression",
    "anxiety": "Anxiety",
    "ptsd": "PTSD",
    "ocd": "OCD",
    "bipolar_depression": "Bipolar depression",
    "suicidal_ideation": "Suicidal ideation",
    "chronic_pain": "Chronic pain",
    "substance_use": "Substance use",
    "eating_disorders": "Eating disorders",
    "postpartum_depression": "Postpartum depression",
}

STATUSES = {"met": "Met", "red_flag": "Red flag", "unknown": "Unknown"}

PROVIDER_STATUSES = {"active": "Active", "closed": "Closed", "unknown": "Unknown"}

PRICE_UNITS = {
    "session": "per session",
    "series": "per series",
    "program": "per program",
    "month": "per month",
    "consultation": "per consultation",
    "other": "other",
}

# Only a price listed per session is a per-session figure; the other units are shown as they are.
BUNDLED_UNITS = ("series", "program")

# Who pays, as the price's page puts it (data/prices.csv `payer`).
PAYERS = {
    "self_pay": "Self-pay",
    "insured_copay": "Insured (copay)",
    "cash_discount": "Cash discount",
    "unknown": "Not stated",
}

# A price row's `route` may be `any` when its page prices no particular route.
ANY_ROUTE = "any"

SOURCE_KINDS = {
    "source_document": "Source document published by a ketamine provider (checklists, cost and outcome figures)",
    "provider_site": "Provider's own site",
    "news": "News",
    "review_site": "Review site",
    "directory": "Directory or registry",
    "government": "Government or regulator",
    "professional_body": "Professional body",
    "journal": "Journal",
    "industry": "Industry or billing guide",
}

# Kinds whose words are a provider's own (its site, its ads, its blog documents): evidence resting on
# them is self-reported. Every other kind is independent of the provider it describes.
SELF_REPORTED_KINDS = ("provider_site", "source_document")
INDEPENDENT_REFERENCE_KINDS = ("government", "professional_body", "journal")

# USPS codes of the 50 states and DC (territories are not covered yet).
US_STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon",
    "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
    "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia",
    "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
}

LIST_SEPARATOR = ";"


def split_list(value) -> list[str]:
    """Split a semicolon-separated cell into trimmed, non-empty items."""
    if value is None or not isinstance(value, str):
        return []
    return [item.strip() for item in value.split(LIST_SEPARATOR) if item.strip()]

# The provider facts whose page is recorded one by one in providers.csv's `fact_sources`.
FACT_KEYS = ("name", "phone", "address", "states_served", "insurance", "routes", "status")


def fact_pages(value) -> dict[str, str] | None:
    """`phone=https://x/contact;address=https://x/contact` as {fact: page}; None when malformed."""
    pages: dict[str, str] = {}
    for item in split_list(value):
        fact, sep, url = item.partition("=")
        fact, url = fact.strip(), url.strip()
        if not sep or fact not in FACT_KEYS or not re.match(r"https?://\S+$", url):
            return None
        pages[fact] = url
    return pages


# Criterion ids of the red-flag checklist (DOMAIN.md §3); their full definitions, questions,
# applicability and sources live in vetting/checklist.toml, and a test keeps both in step.
CRITERION_IDS = (
    "medical_screening",
    "medical_framing",
    "licensed_clinicians",
    "no_guarantees",
    "success_rate_claims",
    "emergency_protocols",
    "integration_support",
    "followup_care",
    "contraindication_screening",
    "vital_sign_monitoring",
    "remote_monitoring",
    "rems_compliance",
    "named_supervisor",
    "protocol_described",
    "transparent_pricing",
    "condition_experience",
)
