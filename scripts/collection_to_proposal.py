"""Turn staged collection folders into one proposal file that `python -m vetting merge` checks and applies.

    python scripts/collection_to_proposal.py OUT.csv FOLDER [FOLDER ...] [--data data] [--on 2026-12-03]

Each FOLDER holds a helper's `providers.csv`, `evidence.csv`, `prices.csv` and `sources.csv` in the
format of collection/2026-12-03/BRIEF.md (a folder of region folders is read region by region).
Nothing here writes to data/: the proposal goes through the same validation as any correction,
so a malformed phone, a ZIP in another state or a price for a route the provider does not offer is
rejected with its line and column, and the rest is applied.

Rules, so that nothing already in the data is overwritten:
- an existing provider gets only the fields that are empty in the data; list fields (routes,
  conditions, insurance, states served, source URLs) gain the new items; a different scalar value
  (a name, a city) is never applied but listed in the report for a person to check;
- a helper's `CORRECTION:` note is never applied, only reported;
- `fact_sources` keeps only pages that the row also lists in `source_urls`;
- evidence and price rows are added when their key (provider, criterion or route and unit, page)
  is new; a staged page missing from sources.csv is added from the helper's sources.csv.
The report (OUT.csv with `.report.txt`) lists every row or field left out, and why.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from vetting.contact import normalise_phone  # noqa: E402
from vetting.proposals import ALL_COLUMNS, EXPECTED_PREFIX, SOURCE_KIND  # noqa: E402
from vetting.vocab import FACT_KEYS, SOURCE_KINDS, split_list  # noqa: E402

SCALAR_FIELDS = ["name", "website", "status", "status_source_url", "care_setting", "supervision_model", "phone",
                 "street", "city", "state", "zip", "spravato_covered_by_insurance", "hsa_fsa", "superbill"]
LIST_FIELDS = ["routes", "conditions", "insurance", "states_served"]
STATUS_WORDS = {"open": "active", "active": "active", "closed": "closed", "unknown": "unknown"}


def _rows(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return [{k.strip(): (v or "").strip() for k, v in row.items() if k} for row in csv.DictReader(handle)]


def _folders(paths: list[Path]) -> list[Path]:
    found = []
    for path in paths:
        if (path / "providers.csv").exists() or (path / "prices.csv").exists() or (path / "evidence.csv").exists():
            found.append(path)
        else:
            found.extend(sorted(p for p in path.iterdir() if p.is_dir()))
    return found


def _union(old: str, new: str) -> str:
    items = split_list(old)
    items += [i for i in split_list(new) if i not in items]
    return ";".join(items)


def _fact_sources(value: str, urls: list[str]) -> str:
    pairs = []
    for item in split_list(value):
        fact, _, url = item.partition("=")
        fact, url = fact.strip(), url.strip()
        if fact in FACT_KEYS and url in urls and f"{fact}={url}" not in pairs:
            pairs.append(f"{fact}={url}")
    return ";".join(pairs)


def supervision_from(care_setting: str, routes: list[str]) -> str:
    """The supervision model that BRIEF.md defines for a setting and its routes ("" when the setting is unknown)."""
    if care_setting == "at_home":
        return "telehealth_remote"
    if care_setting == "hybrid":
        return "hybrid"
    if care_setting == "clinic":
        # a clinic row comes from a page describing ketamine given there; only a Spravato-only clinic differs
        return "rems_certified_observation" if set(routes) == {"esketamine_nasal"} else "in_clinic_monitored"
    return ""


class Builder:
    def __init__(self, data: Path, on: str):
        self.on = on
        self.providers = {r["provider_id"]: r for r in _rows(data / "providers.csv")}
        self.websites = {r["website"].rstrip("/").lower(): r["provider_id"] for r in self.providers.values() if r["website"]}
        self.sources = {r["source_url"] for r in _rows(data / "sources.csv")}
        self.evidence = {(r["provider_id"], r["criterion_id"], r["source_url"]) for r in _rows(data / "evidence.csv")}
        self.prices = {(r["provider_id"], r["route"], r["unit"], r["source_url"]) for r in _rows(data / "prices.csv")}
        self.out: list[dict] = []
        self.report: list[str] = []
        self.staged_sources: dict[str, dict] = {}
        self.cited: list[str] = []
        self.proposed_providers: dict[str, dict] = {}

    def _row(self, kind: str, action: str, source_url: str, reason: str, **fields) -> dict:
        row = {"kind": kind, "action": action, "source_url": source_url, "proposed_on": self.on, "reason": reason}
        row.update({k: v for k, v in fields.items() if v not in (None, "")})
        self.out.append(row)
        return row

    def provider(self, staged: dict, where: str) -> None:
        pid = staged.get("provider_id", "")
        urls = split_list(staged.get("source_urls"))
        if staged.get("phone"):
            phone = normalise_phone(staged["phone"])
            if phone is None:
                self.report.append(f"{where}: {pid}: phone {staged['phone']!r} is not a US number; left out")
            staged["phone"] = phone or ""
        if staged.get("status"):
            staged["status"] = STATUS_WORDS.get(staged["status"].lower(), staged["status"])
            if staged["status"] == "active" and not staged.get("status_source_url"):
                staged["status"] = ""  # "open" is the default and needs no page of its own
        if "CORRECTION:" in staged.get("notes", ""):
            self.report.append(f"{where}: {pid}: helper's correction to check by hand: {staged['notes']}")
            staged["notes"] = ""
        if staged.get("is_new", "").lower() == "yes":
            self._new_provider(pid, staged, urls, where)
        else:
            self._update_provider(pid, staged, urls, where)

    def _new_provider(self, pid: str, staged: dict, urls: list[str], where: str) -> None:
        if pid in self.providers or pid in self.proposed_providers:
            self.report.append(f"{where}: {pid}: new row reuses an existing id; left out")
            return
        site = staged.get("website", "").rstrip("/").lower()
        if site and site in self.websites and not any(staged.get(c) for c in ("street", "city", "phone")):
            self.report.append(f"{where}: {pid}: same website as {self.websites[site]} and no location or phone of its own; left out")
            return
        if not urls:
            self.report.append(f"{where}: {pid}: new row cites no page; left out")
            return
        fields = {c: staged.get(c, "") for c in SCALAR_FIELDS + LIST_FIELDS + ["notes"]}
        if not fields["supervision_model"]:
            fields["supervision_model"] = supervision_from(fields["care_setting"], split_list(fields["routes"]))
        fields["source_urls"] = ";".join(urls)
        fields["fact_sources"] = _fact_sources(staged.get("fact_sources", ""), urls)
        fields["checked_on"] = staged.get("checked_on") or self.on
        self.proposed_providers[pid] = self._row("provider", "add", urls[0], f"new provider from the {where} collection",
                                                 provider_id=pid, **fields)
        self.cited += urls + ([staged["status_source_url"]] if staged.get("status_source_url") else [])

    def _update_provider(self, pid: str, staged: dict, urls: list[str], where: str) -> None:
        current = self.providers.get(pid)
        if current is None:
            self.report.append(f"{where}: {pid}: marked existing but not in providers.csv; left out")
            return
        fields, expected = {}, {}
        for column in SCALAR_FIELDS:
            new, old = staged.get(column, ""), current.get(column, "")
            if not new or new == old:
                continue
            if old:
                self.report.append(f"{where}: {pid}: {column} is {old!r} in the data, the helper found {new!r}; not applied")
                continue
            fields[column] = new
        for column in LIST_FIELDS:
            new, old = staged.get(column, ""), current.get(column, "")
            merged = _union(old, new)
            if merged != ";".join(split_list(old)):
                fields[column] = merged
                if old:
                    expected[column] = old
        if staged.get("notes") and not current.get("notes"):
            fields["notes"] = staged["notes"]
        all_urls = split_list(current.get("source_urls"))
        all_urls += [u for u in urls if u not in all_urls]
        if not fields:
            return
        facts = _fact_sources(";".join(filter(None, [current.get("fact_sources", ""), staged.get("fact_sources", "")])), all_urls)
        if facts and facts != current.get("fact_sources", ""):
            fields["fact_sources"] = facts
            if current.get("fact_sources"):
                expected["fact_sources"] = current["fact_sources"]
        fields["source_urls"] = ";".join(all_urls)
        expected["source_urls"] = current.get("source_urls", "")
        fields["checked_on"] = self.on
        expected["checked_on"] = current.get("checked_on", "")
        source = next(iter(urls), all_urls[0])
        self._row("provider", "update", source, f"facts found by the {where} collection", provider_id=pid, **fields,
                  **{EXPECTED_PREFIX + k: v for k, v in expected.items()})
        self.cited += urls

    def evidence_row(self, staged: dict, where: str) -> None:
        key = (staged.get("provider_id"), staged.get("criterion_id"), staged.get("source_url"))
        if key in self.evidence:
            return
        self.evidence.add(key)
        self._row("evidence", "add", staged.get("source_url", ""), f"evidence from the {where} collection",
                  provider_id=key[0], criterion_id=key[1], status=staged.get("status"), note=staged.get("note"),
                  checked_on=staged.get("checked_on") or self.on)
        self.cited.append(staged.get("source_url", ""))

    def price_row(self, staged: dict, where: str) -> None:
        key = (staged.get("provider_id"), staged.get("route"), staged.get("unit"), staged.get("source_url"))
        if key in self.prices:
            return
        self.prices.add(key)
        self._row("price", "add", staged.get("source_url", ""), f"price from the {where} collection",
                  provider_id=key[0], route=key[1], unit=key[2], sessions_included=staged.get("sessions_included"),
                  low_usd=staged.get("low_usd"), high_usd=staged.get("high_usd"), payer=staged.get("payer") or "unknown",
                  note=staged.get("note"), checked_on=staged.get("checked_on") or self.on)
        self.cited.append(staged.get("source_url", ""))

    def source_rows(self) -> None:
        for url in dict.fromkeys(u for u in self.cited if u):
            if url in self.sources:
                continue
            staged = self.staged_sources.get(url)
            if staged is None:
                self.report.append(f"sources: {url} is cited but no helper listed it in sources.csv; rows citing it are rejected")
                continue
            kind = staged.get("kind") if staged.get("kind") in SOURCE_KINDS else ""
            title = staged.get("title") or staged.get("publisher")
            if not kind or not title:
                self.report.append(f"sources: {url} has no usable title or kind ({staged.get('kind')!r}); rows citing it are rejected")
                continue
            self.sources.add(url)
            self._row("source", "add", url, "page read by a collection helper", title=title,
                      publisher=staged.get("publisher"), **{SOURCE_KIND: kind}, published=staged.get("published"),
                      notes=staged.get("notes"))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("folders", type=Path, nargs="+")
    parser.add_argument("--data", type=Path, default=Path("data"))
    parser.add_argument("--on", default="2026-12-03")
    args = parser.parse_args(argv)
    builder = Builder(args.data, args.on)
    folders = _folders(args.folders)
    for folder in folders:
        for row in _rows(folder / "sources.csv"):
            builder.staged_sources.setdefault(row.get("source_url", ""), row)
    for folder in folders:
        for row in _rows(folder / "providers.csv"):
            builder.provider(row, folder.name)
    for folder in folders:
        for row in _rows(folder / "evidence.csv"):
            builder.evidence_row(row, folder.name)
        for row in _rows(folder / "prices.csv"):
            builder.price_row(row, folder.name)
    builder.source_rows()
    # sources first, so every page a row cites is known when the merge reads it
    rows = [r for r in builder.out if r["kind"] == "source"] + [r for r in builder.out if r["kind"] != "source"]
    with args.out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, ALL_COLUMNS, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    args.out.with_suffix(".report.txt").write_text("\n".join(builder.report) + "\n", encoding="utf-8")
    counts = {k: sum(r["kind"] == k for r in rows) for k in ("provider", "evidence", "price", "source")}
    print(f"{args.out}: {counts}; {len(builder.report)} notes in {args.out.with_suffix('.report.txt')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
