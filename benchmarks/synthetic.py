"""Deterministic synthetic directories for benchmarks: N providers with evidence and sources,
in the exact CSV formats of data/ (columns from vetting.schemas).

Everything is visibly synthetic: ids `synthetic-000001`, names "Synthetic Provider 000001", every
URL on https://synthetic.example/. Positions are real US ZIP centroids (the `zipcodes` package), so
the loader's offline geocoding, the ZIP-radius filter and the map behave as with real data.
Never write these files into data/: `generate_directory` refuses to.

    python -m benchmarks.synthetic 1000 /tmp/synthetic-1k
"""

from __future__ import annotations

import csv
import random
import sys
from functools import lru_cache
from pathlib import Path

from vetting.checklists import criteria
from vetting.schemas import SCHEMAS
from vetting.vocab import CONDITIONS, US_STATES, split_list

HOST = "https://synthetic.example"
DEFAULT_SEED = 20261122
PROVIDER_COLUMNS = list(SCHEMAS["providers.csv"].to_schema().columns)
PRICE_COLUMNS = list(SCHEMAS["prices.csv"].to_schema().columns)
EVIDENCE_COLUMNS = list(SCHEMAS["evidence.csv"].to_schema().columns)
SOURCE_COLUMNS = list(SCHEMAS["sources.csv"].to_schema().columns)
REAL_DATA_DIR = (Path(__file__).resolve().parent.parent / "data").resolve()

# (care_setting, supervision_model, routes choices, share): mirrors the mix in data/providers.csv.
KINDS = [
    ("clinic", "in_clinic_monitored", ["iv", "iv", "iv", "iv;im", "iv;esketamine_nasal", "im", "iv;im;esketamine_nasal"], 0.62),
    ("clinic", "rems_certified_observation", ["esketamine_nasal", "esketamine_nasal", "iv;esketamine_nasal"], 0.13),
    ("at_home", "telehealth_remote", ["sublingual", "sublingual", "oral", "sublingual;ketamine_nasal"], 0.15),
    ("hybrid", "hybrid", ["sublingual;im", "iv;sublingual", "im;sublingual;oral"], 0.10),
]
PAYER_NAMES = ["Aetna", "Aetna PPO", "Blue Cross Blue Shield", "BCBS", "BlueCross BlueShield", "Cigna",
               "UnitedHealthcare", "Optum", "Medicare", "Medicaid", "Tricare", "Humana", "Magellan",
               "Kaiser Permanente", "Anthem", "most major plans"]
NOTES = {
    "met": "Synthetic note: the synthetic page describes this practice.",
    "red_flag": "Synthetic note: the synthetic page shows the problem this criterion looks for.",
}


@lru_cache(maxsize=1)
def zip_pool() -> tuple[tuple[str, str, str, float, float], ...]:
    """(zip, city, state, latitude, longitude) of active standard ZIPs in the 50 states and DC."""
    import zipcodes

    pool = [(z["zip_code"], z["city"], z["state"], float(z["lat"]), float(z["long"]))
            for z in zipcodes.list_all()
            if z["zip_code_type"] == "STANDARD" and z["active"] and z["state"] in US_STATES and z["lat"] and z["long"]]
    return tuple(sorted(pool))


@lru_cache(maxsize=1)
def applicable_criteria() -> dict[tuple[str, str], list[str]]:
    """(care_setting, routes cell) -> criterion ids that apply, so evidence only cites applicable ones."""
    table = criteria()
    result = {}
    for setting, _supervision, route_choices, _share in KINDS:
        for cell in route_choices:
            routes = set(cell.split(";"))
            result[(setting, cell)] = [c for c in table.index if setting in table.at[c, "care_settings"]
                                       and (not table.at[c, "routes_any"] or routes & set(table.at[c, "routes_any"]))]
    return result


def _pick_kind(rng: random.Random):
    roll, total = rng.random(), 0.0
    for kind in KINDS:
        total += kind[3]
        if roll < total:
            return kind
    return KINDS[0]


def _date(rng: random.Random) -> str:
    # Spread over two years so some prices are older than a year (flagged possibly stale).
    return f"{rng.choice((2025, 2026))}-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}"


def _price(rng: random.Random, row: dict) -> dict | None:
    """A prices.csv row for one of the provider's routes, or None (most providers list no price)."""
    if rng.random() > 0.45:
        return None
    unit = rng.choices(["session", "series", "month", "program"], weights=[65, 15, 10, 10])[0]
    sessions = ""
    if unit == "session":
        low = rng.randrange(150, 900, 25)
        high = low if rng.random() < 0.6 else low + rng.randrange(25, 400, 25)
    elif unit == "month":
        low = high = rng.randrange(99, 400, 10)
    else:
        sessions = str(rng.choice((4, 6, 8)))
        low = rng.randrange(1500, 6000, 100)
        high = low
    route = rng.choice(split_list(row["routes"]) or ["any"])
    return {"provider_id": row["provider_id"], "route": route, "unit": unit, "sessions_included": sessions,
            "low_usd": str(low), "high_usd": str(high), "payer": "self_pay", "note": "Synthetic price for benchmarks.",
            "source_url": f"{HOST}/providers/{row['provider_id']}/pricing", "checked_on": row["checked_on"]}


def provider_rows(n: int, seed: int = DEFAULT_SEED) -> tuple[list[dict], list[dict], list[dict], list[dict]]:
    """Providers, evidence, sources and prices rows (dicts of strings) for n synthetic providers."""
    rng = random.Random(seed)
    pool = zip_pool()
    states = sorted(US_STATES)
    applicable = applicable_criteria()
    providers, evidence, sources, prices = [], [], [], []
    for number in range(1, n + 1):
        pid = f"synthetic-{number:06d}"
        page = f"{HOST}/providers/{pid}"
        setting, supervision, route_choices, _share = _pick_kind(rng)
        routes = rng.choice(route_choices)
        row = {c: "" for c in PROVIDER_COLUMNS}
        row.update(provider_id=pid, name=f"Synthetic Provider {number:06d}", website=page, care_setting=setting,
                   routes=routes, supervision_model=supervision, source_urls=page, checked_on=_date(rng))
        zip_code, city, state, latitude, longitude = rng.choice(pool)
        if setting == "at_home":
            row["states_served"] = ";".join(sorted(rng.sample(states, rng.randint(3, 30))))
            if rng.random() < 0.3:  # some services name a head-office state, none a street
                row["state"] = state
        else:
            row.update(city=city, state=state, states_served=state)
            how = rng.random()
            if how < 0.60:      # ZIP only: geocoded from the ZIP centroid
                row["zip"] = zip_code
            elif how < 0.85:    # coordinates in the file (a little off the centroid, like a street address)
                row.update(zip=zip_code, street=f"{rng.randint(1, 9999)} Synthetic Street",
                           latitude=f"{latitude + rng.uniform(-0.02, 0.02):.5f}",
                           longitude=f"{longitude + rng.uniform(-0.02, 0.02):.5f}")
            # else: city and state only, geocoded from the city's mean ZIP centroid
        roll = rng.random()
        row["status"] = "closed" if roll < 0.03 else ("active" if roll < 0.65 else "")
        if row["status"] == "closed":
            row["status_source_url"] = page
        roll = rng.random()
        if roll < 0.10:
            row["insurance"] = "none"
        elif roll < 0.35:
            row["insurance"] = ";".join(rng.sample(PAYER_NAMES, rng.randint(1, 4)))
            if "esketamine_nasal" in routes:
                row["spravato_covered_by_insurance"] = rng.choice(("yes", "yes", "no"))
        row["hsa_fsa"] = rng.choices(["yes", "no", ""], weights=[30, 5, 65])[0]
        row["superbill"] = rng.choices(["yes", "no", ""], weights=[20, 3, 77])[0]
        price = _price(rng, row)
        others = [c for c in CONDITIONS if c != "depression"]
        row["conditions"] = ";".join(["depression"] + rng.sample(others, rng.randint(0, 3))) if rng.random() < 0.85 else ""
        providers.append(row)
        sources.append({**{c: "" for c in SOURCE_COLUMNS}, "source_url": page, "title": f"Synthetic page for {row['name']}",
                        "publisher": "Synthetic (benchmark data)", "kind": "provider_site",
                        "notes": "Synthetic benchmark data; not a real provider."})
        if price is not None:
            prices.append(price)
            sources.append({**sources[-1], "source_url": price["source_url"], "title": f"Synthetic prices of {row['name']}"})
        for criterion_id in rng.sample(applicable[(setting, routes)], rng.choice((2, 3))):
            status = "red_flag" if rng.random() < 0.12 else "met"
            evidence.append({"provider_id": pid, "criterion_id": criterion_id, "status": status,
                             "note": NOTES[status], "source_url": page, "checked_on": row["checked_on"]})
    return providers, evidence, sources, prices


def _write(path: Path, rows: list[dict], columns: list[str]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def generate_directory(folder: str | Path, n: int, seed: int = DEFAULT_SEED) -> Path:
    """Write providers.csv, evidence.csv, sources.csv and prices.csv for n synthetic providers into folder."""
    folder = Path(folder).resolve()
    if folder == REAL_DATA_DIR or REAL_DATA_DIR in folder.parents:
        raise ValueError("synthetic data never goes into data/; use a temporary folder")
    folder.mkdir(parents=True, exist_ok=True)
    providers, evidence, sources, prices = provider_rows(n, seed)
    _write(folder / "providers.csv", providers, PROVIDER_COLUMNS)
    _write(folder / "evidence.csv", evidence, EVIDENCE_COLUMNS)
    _write(folder / "sources.csv", sources, SOURCE_COLUMNS)
    _write(folder / "prices.csv", prices, PRICE_COLUMNS)
    return folder


# Marketing-like sentences for the claim audit benchmark: some make claims the audit flags, some
# answer checklist questions, most are filler. All written for this benchmark.
MARKETING_SENTENCES = [
    "Our synthetic clinic offers ketamine infusions in a calm, private suite.",
    "Results are guaranteed or your money back!",
    "Ketamine cures depression in just one session.",
    "Our treatment is 100% safe with no side effects.",
    "Ketamine is FDA approved for depression.",
    "Over 95% of our patients feel better after the first infusion.",
    "A board-certified anesthesiologist monitors your blood pressure, heart rate and oxygen throughout.",
    "Every patient completes a medical and psychiatric screening before treatment.",
    "We follow up by phone the day after each session.",
    "Integration sessions with a licensed therapist are included.",
    "Spravato is given under REMS-certified observation for two hours.",
    "Book online today and start feeling like yourself again.",
    "Most insurance plans are not accepted; we provide a superbill on request.",
    "Is ketamine addictive? Not when given in a clinic.",
    "Experience a journey of the mind in our relaxing lounge.",
    "Our team has treated thousands of patients since 2015.",
    "Nine out of ten patients respond to treatment.",
    "Ask us about our emergency protocols and on-site crash cart.",
    "Prices start at $450 per infusion.",
    "Feel the difference in hours, not weeks.",
]


def marketing_text(size: int = 1_000_000, seed: int = DEFAULT_SEED) -> str:
    """About `size` characters of marketing-like paragraphs (deterministic for a seed)."""
    rng = random.Random(seed)
    parts, length = [], 0
    while length < size:
        paragraph = " ".join(rng.choice(MARKETING_SENTENCES) for _ in range(rng.randint(3, 8))) + "\n\n"
        parts.append(paragraph)
        length += len(paragraph)
    return "".join(parts)[:size]


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print("usage: python -m benchmarks.synthetic N FOLDER", file=sys.stderr)
        raise SystemExit(2)
    print(generate_directory(sys.argv[2], int(sys.argv[1])))
