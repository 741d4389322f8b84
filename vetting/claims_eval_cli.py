"""`python -m vetting audit-eval [FILE.jsonl ...] [--verbose]`: precision and recall of the claim
audit per flag and overall, on the development and held-out excerpts of benchmarks/claims/.

The held-out part was set aside before the rules were tuned; only the dev part was looked at
while tuning. --verbose names the excerpts behind each miss and false alarm. Exit 0 always,
unless a file cannot be read (2); the figures are a measurement, not a gate.
"""

from __future__ import annotations

import json

from .claims.evaluation import by_split, evaluate, load_records, precision_recall
from .claims.rules import FLAG_IDS


def register(subparsers) -> None:
    parser = subparsers.add_parser("audit-eval", help="precision and recall of the claim audit on labelled excerpts")
    parser.add_argument("files", nargs="*", metavar="FILE.jsonl",
                        help="labelled JSON lines (default: benchmarks/claims/real.jsonl and written.jsonl)")
    parser.add_argument("--verbose", action="store_true", help="name the excerpts behind each miss and false alarm")


def _fmt(value: float | None) -> str:
    return "  n/a" if value is None else f"{value:5.2f}"


def table_lines(name: str, records: list[dict], verbose: bool = False) -> list[str]:
    table = evaluate(records)
    lines = [f"{name}: {len(records)} excerpts", f"  {'flag':<22} {'prec':>5} {'rec':>5}   tp  fp  fn"]
    for flag_id in (*FLAG_IDS, "overall"):
        counts = table[flag_id]
        precision, recall = precision_recall(counts)
        lines.append(f"  {flag_id:<22} {_fmt(precision)} {_fmt(recall)}  {counts['tp']:3} {counts['fp']:3} {counts['fn']:3}")
        if verbose and flag_id != "overall" and (counts["fp_ids"] or counts["fn_ids"]):
            lines.append(f"  {'':<22} false alarms: {counts['fp_ids']}  misses: {counts['fn_ids']}")
    return lines


def run(args, out, err, stdin) -> int:
    try:
        records = load_records(args.files or None)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError) as error:
        print(f"audit-eval: cannot read the labelled excerpts: {error}", file=err)
        return 2
    splits = by_split(records)
    for name in sorted(splits, key=lambda s: (s != "dev", s)):
        print("\n".join(table_lines(name, splits[name], args.verbose)), file=out)
        print(file=out)
    return 0
