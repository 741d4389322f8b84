"""Precision and recall of the claim audit against labelled excerpts.

A labelled record is `{"id", "text", "flags": [flag ids that are truly there], "split"}` (the
JSON lines in benchmarks/claims/). Each record is audited on its own; a flag counts once per
record. `evaluate` returns plain counts per flag so tests and the CLI compare whole tables.
"""

from __future__ import annotations

import json
from pathlib import Path

from .engine import audit
from .rules import FLAG_IDS

BENCH_DIR = Path(__file__).resolve().parent.parent.parent / "benchmarks" / "claims"
DATA_FILES = ("real.jsonl", "written.jsonl")


def load_records(paths=None) -> list[dict]:
    records = []
    for path in paths or [BENCH_DIR / name for name in DATA_FILES]:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    record = json.loads(line)
                    record.setdefault("source_file", Path(path).name)
                    records.append(record)
    return records


def _labels(record: dict) -> set[str]:
    flags = record.get("flags", [])
    if isinstance(flags, dict):  # the shared excerpts label every flag true/false
        return {flag_id for flag_id, value in flags.items() if value}
    return set(flags)


def evaluate(records: list[dict]) -> dict[str, dict]:
    """{flag_id: {"tp", "fp", "fn", "fp_ids", "fn_ids"}}, plus "overall" (micro totals)."""
    table = {flag_id: {"tp": 0, "fp": 0, "fn": 0, "fp_ids": [], "fn_ids": []} for flag_id in FLAG_IDS}
    for record in records:
        truth = _labels(record)
        found = {finding.id for finding in audit(record["text"], source=record.get("id", "?")).flags}
        for flag_id, counts in table.items():
            if flag_id in truth and flag_id in found:
                counts["tp"] += 1
            elif flag_id in found:
                counts["fp"] += 1
                counts["fp_ids"].append(record.get("id", "?"))
            elif flag_id in truth:
                counts["fn"] += 1
                counts["fn_ids"].append(record.get("id", "?"))
    overall = {key: sum(table[f][key] for f in FLAG_IDS) for key in ("tp", "fp", "fn")}
    overall["fp_ids"] = [i for f in FLAG_IDS for i in table[f]["fp_ids"]]
    overall["fn_ids"] = [i for f in FLAG_IDS for i in table[f]["fn_ids"]]
    table["overall"] = overall
    return table


def precision_recall(counts: dict) -> tuple[float | None, float | None]:
    """None where nothing was predicted (precision) or nothing was there to find (recall)."""
    tp, fp, fn = counts["tp"], counts["fp"], counts["fn"]
    return (tp / (tp + fp) if tp + fp else None), (tp / (tp + fn) if tp + fn else None)


def by_split(records: list[dict]) -> dict[str, list[dict]]:
    splits: dict[str, list[dict]] = {}
    for record in records:
        splits.setdefault(record.get("split", "dev"), []).append(record)
    return splits
