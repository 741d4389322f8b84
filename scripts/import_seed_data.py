"""Import ../shared/seed-data into data/, applying the reviewed corrections listed below.

Run once (kept for the record and to redo the import): `python scripts/import_seed_data.py SEED_DIR DATA_DIR`.
Every change to a seed row is listed in CORRECTIONS with the reason; `data/README.md` repeats them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

# The four source documents (../shared/seeds/README.md). URLs were found in stored copies of the
# pages; Ketamine 101's article address was not found, so it links to its publisher's site.
SOURCE_DOCUMENTS = [
    dict(source_url="https://www.lumin.health/blog/what-makes-medical-ketamine-different-from-non-medical-ketamine",
         source_id="seed-lumin-medical-vs-nonmedical", title="What Makes Medical Ketamine Different from Non-Medical Ketamine",
         publisher="Lumin Health", kind="source_document", published="",
         notes="Provider blog (in-clinic and Spravato); its claims about itself are audited, not taken as evidence."),
    dict(source_url="https://www.betterucare.com/blog/ketamine-risks-and-benefits",
         source_id="seed-risks-benefits-explained", title="Ketamine Therapy Risks and Benefits Explained",
         publisher="BetterU (at-home ketamine program)", kind="source_document", published="2025-12-24",
         notes="Provider blog (at-home). The text names no publisher; the address was found in a stored copy of the page."),
    dict(source_url="https://helloinnerwell.com",
         source_id="seed-innerwell-ketamine-101", title="Ketamine 101 (Jenn Sinrich; medical review Mike Cooper, MD)",
         publisher="Innerwell", kind="source_document", published="",
         notes="Provider blog (at-home). The article's own address was not found; the link goes to the publisher's site."),
    dict(source_url="https://helloinnerwell.com/reflections/misconceptions-about-ketamine",
         source_id="seed-innerwell-myths-facts", title="Ketamine Therapy Myths and Facts: What You Should Know",
         publisher="Innerwell", kind="source_document", published="",
         notes="Provider blog (at-home); medical review Lawrence Tucker, MD. Its internal outcome figures are vendor claims."),
]

# (provider_id, column, new value, reason)
CORRECTIONS = [
    ("journey-clinical", "website", "",
     "the seed gave a partner therapist's page (calmtherapy.center) as Journey Clinical's website; left unknown"),
    ("philadelphia-integrative-psychiatry", "price_low_usd", "",
     "$10 is an insured copay with the maker's savings programme, not a price; moved to the note only"),
    ("philadelphia-integrative-psychiatry", "price_high_usd", "", "as above"),
    ("philadelphia-integrative-psychiatry", "price_unit", "", "as above"),
    ("philadelphia-integrative-psychiatry", "price_note",
     "Insured Spravato patients: about $10 per treatment with the manufacturer's savings programme, before deductibles (a copay, not a price)",
     "as above"),
    ("philadelphia-integrative-psychiatry", "price_source_url", "", "as above"),
    ("nushama-nyc", "price_low_usd", "4500",
     "the seed mixed two products ($2,800 for 6 group sessions, $4,500 for the IV programme) into one range; kept the IV programme"),
    ("nushama-nyc", "price_sessions", "7", "the $4,500 programme covers 6 IV infusions and a booster"),
    ("nushama-nyc", "price_note",
     "$4,500 IV programme: 6 infusions plus a booster, assessment, preparation and integration; a 6-session group programme is $2,800",
     "as above"),
    ("inner-path-baltimore", "price_note",
     "2-hour KAP dosing session $400 (dissolving tablet) or $450 (IM); 6-session protocol $4,375-$4,675 all-in; could not be re-verified at hand-over",
     "the seed's own verification could not re-see this price"),
]


def import_seed(seed_dir: Path, data_dir: Path) -> None:
    providers = pd.read_csv(seed_dir / "providers.csv", dtype=str, keep_default_na=False)
    evidence = pd.read_csv(seed_dir / "evidence.csv", dtype=str, keep_default_na=False)
    sources = pd.read_csv(seed_dir / "sources.csv", dtype=str, keep_default_na=False)

    for column in ("status", "status_source_url", "latitude", "longitude", "price_sessions", "evidence_note"):
        if column not in providers:
            providers[column] = ""
    for provider_id, column, value, _reason in CORRECTIONS:
        rows = providers["provider_id"] == provider_id
        assert rows.sum() == 1, provider_id
        providers.loc[rows, column] = value

    # Evidence inherits the date its provider's pages were read.
    checked = providers.set_index("provider_id")["checked_on"]
    evidence["checked_on"] = evidence["provider_id"].map(checked)

    sources["source_id"] = ""
    sources["published"] = ""
    sources = pd.concat([pd.DataFrame(SOURCE_DOCUMENTS), sources], ignore_index=True)

    order = ["provider_id", "name", "website", "status", "status_source_url", "care_setting", "routes",
             "supervision_model", "street", "city", "state", "zip", "latitude", "longitude", "states_served",
             "insurance", "spravato_covered_by_insurance", "hsa_fsa", "superbill", "price_low_usd",
             "price_high_usd", "price_unit", "price_sessions", "price_note", "price_source_url", "conditions",
             "evidence_note", "source_urls", "checked_on"]
    data_dir.mkdir(parents=True, exist_ok=True)
    providers[order].to_csv(data_dir / "providers.csv", index=False)
    evidence[["provider_id", "criterion_id", "status", "note", "source_url", "checked_on"]].to_csv(
        data_dir / "evidence.csv", index=False)
    sources[["source_url", "source_id", "title", "publisher", "kind", "published", "notes"]].to_csv(
        data_dir / "sources.csv", index=False)


if __name__ == "__main__":
    import_seed(Path(sys.argv[1]), Path(sys.argv[2]))
