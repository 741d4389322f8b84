"""Small generated directories for tests (synthetic: never written into data/)."""

from __future__ import annotations

import csv
from pathlib import Path

from vetting.schemas import SCHEMAS

PROVIDER_COLUMNS = list(SCHEMAS["providers.csv"].to_schema().columns)
EVIDENCE_COLUMNS = list(SCHEMAS["evidence.csv"].to_schema().columns)
SOURCE_COLUMNS = list(SCHEMAS["sources.csv"].to_schema().columns)
PRICE_COLUMNS = list(SCHEMAS["prices.csv"].to_schema().columns)
SOURCE = "https://example.org/synthetic-source"


def provider(provider_id: str, **fields) -> dict:
    row = {c: "" for c in PROVIDER_COLUMNS}
    row.update(provider_id=provider_id, name=f"Synthetic {provider_id}", care_setting="clinic", routes="iv",
               supervision_model="in_clinic_monitored", source_urls=SOURCE, checked_on="2026-11-01")
    row.update({k: "" if v is None else str(v) for k, v in fields.items()})
    return row


def evidence(provider_id: str, criterion_id: str, status: str = "met", **fields) -> dict:
    row = dict(provider_id=provider_id, criterion_id=criterion_id, status=status, note="Synthetic note.",
               source_url=SOURCE, checked_on="2026-11-01")
    row.update(fields)
    return row


def price(provider_id: str, low, high=None, unit: str = "session", route: str = "iv", **fields) -> dict:
    row = dict(provider_id=provider_id, route=route, unit=unit, sessions_included="", low_usd=str(low),
               high_usd=str(low if high is None else high), payer="self_pay", note="Synthetic price.",
               source_url=SOURCE, checked_on="2026-11-01")
    row.update({k: "" if v is None else str(v) for k, v in fields.items()})
    return row


def source(url: str = SOURCE, **fields) -> dict:
    row = {c: "" for c in SOURCE_COLUMNS}
    row.update(source_url=url, title="Synthetic page", kind="provider_site")
    row.update(fields)
    return row


def write_csv(path: Path, rows: list[dict], columns: list[str] | None = None) -> Path:
    columns = columns or (list(rows[0]) if rows else [])
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_directory(folder: Path, providers: list[dict], evidence_rows: list[dict] = (),
                    sources: list[dict] | None = None, prices: list[dict] = ()) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(folder / "prices.csv", list(prices), PRICE_COLUMNS)
    write_csv(folder / "providers.csv", providers, PROVIDER_COLUMNS)
    write_csv(folder / "evidence.csv", list(evidence_rows), EVIDENCE_COLUMNS)
    write_csv(folder / "sources.csv", sources if sources is not None else [source()], SOURCE_COLUMNS)
    return folder
