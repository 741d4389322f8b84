"""Draw a seeded random sample of new or changed facts from a staged collection, to re-check by hand.

    python scripts/verification_sample.py collection/2026-12-03 [--seed 20261203] [--size 40]

A fact is one provider field a helper filled (phone, address, states served, insurance, routes,
status), one price row or one evidence row, with the page it cites (the row's `fact_sources`
entry, else its first source URL). Prints CSV: fact_no, kind, provider_id, field, value, url. The
checker writes the verdict (ok / wrong / not shown) beside each row; the error rate is the share
that is not ok.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

PROVIDER_FACTS = {"phone": ("phone",), "address": ("street", "city", "state", "zip"),
                  "states_served": ("states_served",), "insurance": ("insurance",), "routes": ("routes",),
                  "status": ("status",)}


def _fact_pages(row: dict) -> dict[str, str]:
    pages = {}
    for part in (row.get("fact_sources") or "").split(";"):
        key, _, url = part.partition("=")
        if url.startswith("http"):
            pages[key.strip()] = url.strip()
    return pages


def facts(folder: Path) -> list[dict]:
    """Every fact in every region folder under `folder`, in a stable order."""
    found = []
    for region in sorted(p for p in folder.iterdir() if p.is_dir()):
        def rows(name):
            path = region / name
            return list(csv.DictReader(path.open(encoding="utf-8"))) if path.exists() else []
        for row in rows("providers.csv"):
            pages = _fact_pages(row)
            fallback = (row.get("source_urls") or "").split(";")[0].strip()
            for fact, columns in PROVIDER_FACTS.items():
                value = ", ".join(row[c] for c in columns if row.get(c))
                if value and not (fact == "status" and value == "open"):
                    found.append({"kind": "provider", "provider_id": row["provider_id"], "field": fact,
                                  "value": value, "url": pages.get(fact, fallback), "region": region.name})
        for row in rows("prices.csv"):
            found.append({"kind": "price", "provider_id": row["provider_id"], "field": f"{row['route']}/{row['unit']}",
                          "value": f"{row['low_usd']}-{row['high_usd']} ({row.get('sessions_included') or '-'}) {row['note']}",
                          "url": row["source_url"], "region": region.name})
        for row in rows("evidence.csv"):
            found.append({"kind": "evidence", "provider_id": row["provider_id"], "field": row["criterion_id"],
                          "value": f"{row['status']}: {row['note']}", "url": row["source_url"], "region": region.name})
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seed", type=int, default=20261203)
    parser.add_argument("--size", type=int, default=40)
    args = parser.parse_args(argv)
    universe = facts(args.folder)
    sample = random.Random(args.seed).sample(universe, min(args.size, len(universe)))
    writer = csv.DictWriter(sys.stdout, ["fact_no", "kind", "region", "provider_id", "field", "value", "url"])
    writer.writeheader()
    for number, fact in enumerate(sample, 1):
        writer.writerow({"fact_no": number, **fact})
    print(f"# {len(sample)} of {len(universe)} facts, seed {args.seed}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
