"""`python -m vetting score [--format csv|json] [DATA_DIR]`: one record per provider with its grade.

Fields: provider_id, grade, red_flags, met, unknown, applicable, coverage (see vetting.scoring for
the formula). Rows the loader set aside are left out and counted on stderr; `validate` lists them.
"""

from __future__ import annotations

import json
from pathlib import Path

from .loader import load_directory
from .scoring import score

FIELDS = ["provider_id", "grade", "red_flags", "met", "unknown", "applicable", "coverage"]


def register(subparsers) -> None:
    parser = subparsers.add_parser("score", help="grade every provider against the red-flag checklist")
    parser.add_argument("--format", choices=["csv", "json"], default="csv", help="csv (default) or json (one array)")
    parser.add_argument("data_dir", nargs="?", default=None,
                        help="folder with providers.csv, evidence.csv, sources.csv (default: the bundled data/)")


def run(args, out, err, stdin) -> int:
    from .cli import DEFAULT_DATA_DIR

    data_dir = Path(args.data_dir or DEFAULT_DATA_DIR)
    if not data_dir.is_dir():
        print(f"error: data folder not found: {data_dir}", file=err)
        return 2
    directory = load_directory(data_dir)
    if not (data_dir / "providers.csv").exists():
        print(f"error: {data_dir} has no providers.csv", file=err)
        return 2
    if directory.problems:
        print(f"note: {len(directory.problems)} row(s) set aside; run `python -m vetting validate {data_dir}` "
              "to list them", file=err)
    table = score(directory.providers, directory.evidence)[FIELDS]
    table["coverage"] = table["coverage"].round(4)
    if args.format == "json":
        # A provider with too little known has no grade: null, never NaN (which is not JSON).
        records = table.astype(object).where(table.notna(), None).to_dict("records")
        json.dump(records, out, indent=1)
        print(file=out)
    else:
        out.write(table.to_csv(index=False, lineterminator="\n"))
    return 0
