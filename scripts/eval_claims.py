"""Measure the claim audit against labelled provider excerpts: precision and recall per flag and
per answer, and micro averages.

Usage: `python scripts/eval_claims.py [PATH] [--verbose]`, PATH defaulting to
../shared/claims-dev/claims_dev.jsonl beside the repository. The excerpts are read at evaluation
time and never copied into the repository; --verbose names the excerpt ids behind each miss.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from vetting.claims import ANSWER_IDS, FLAG_IDS, audit  # noqa: E402

DEFAULT_PATH = REPO.parent / "shared" / "claims-dev" / "claims_dev.jsonl"


def score(counts: dict) -> tuple[float | None, float | None]:
    """Precision and recall; None where nothing was predicted (or nothing was there to find)."""
    tp, fp, fn = counts["tp"], counts["fp"], counts["fn"]
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    return precision, recall


def evaluate(records: list[dict]) -> dict[str, dict[str, dict]]:
    """{"flags"|"answers": {id: {"tp", "fp", "fn", "tn", "fp_ids", "fn_ids"}}}."""
    table = {kind: {i: dict(tp=0, fp=0, fn=0, tn=0, fp_ids=[], fn_ids=[]) for i in ids}
             for kind, ids in (("flags", FLAG_IDS), ("answers", ANSWER_IDS))}
    for record in records:
        report = audit(record["text"], source=record.get("id", "?"))
        predicted = {"flags": {f.id for f in report.flags},
                     "answers": {a for a, match in report.answers.items() if match}}
        for kind in ("flags", "answers"):
            for label_id, counts in table[kind].items():
                truth = bool(record.get(kind, {}).get(label_id, False))
                guess = label_id in predicted[kind]
                key = "tp" if truth and guess else "fp" if guess else "fn" if truth else "tn"
                counts[key] += 1
                if key in ("fp", "fn"):
                    counts[f"{key}_ids"].append(record.get("id", "?"))
    return table


def _fmt(value: float | None) -> str:
    return "  n/a" if value is None else f"{value:5.2f}"


def print_table(table: dict, out=sys.stdout, verbose: bool = False) -> None:
    for kind, rows in table.items():
        print(f"\n{kind:<28} {'prec':>5} {'rec':>5}   tp  fp  fn  tn", file=out)
        total = dict(tp=0, fp=0, fn=0)
        for label_id, counts in rows.items():
            precision, recall = score(counts)
            print(f"{label_id:<28} {_fmt(precision)} {_fmt(recall)}  {counts['tp']:3} {counts['fp']:3} "
                  f"{counts['fn']:3} {counts['tn']:3}", file=out)
            if verbose and (counts["fp_ids"] or counts["fn_ids"]):
                print(f"{'':<28} false positives: {counts['fp_ids']}  misses: {counts['fn_ids']}", file=out)
            for key in total:
                total[key] += counts[key]
        precision, recall = score(total)
        print(f"{'micro average':<28} {_fmt(precision)} {_fmt(recall)}  {total['tp']:3} {total['fp']:3} "
              f"{total['fn']:3}", file=out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default=str(DEFAULT_PATH), help="labelled JSON-lines file")
    parser.add_argument("--verbose", action="store_true", help="name the excerpts behind each miss")
    args = parser.parse_args(argv)
    try:
        with open(args.path, encoding="utf-8") as handle:
            records = [json.loads(line) for line in handle if line.strip()]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        print(f"cannot read {args.path}: {error}", file=sys.stderr)
        return 2
    print(f"{len(records)} labelled excerpts from {args.path}")
    print_table(evaluate(records), verbose=args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
