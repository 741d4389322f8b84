"""`python -m vetting validate [--stale DAYS] [DATA_DIR]`: exit 0 when clean, 1 with one line per
problem (`file:line:column: message`), then (on stderr) the coverage table of vetting/coverage.py. `--stale DAYS` also lists facts last checked more than DAYS
ago; stale facts are listed, not errors, so they do not change the exit code."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .costs import COSTS_FILE, COURSE_FILE, load_costs, load_course_figures
from .coverage import coverage_frame, coverage_rows, read_previous
from .loader import LINE, load_directory


def register(subparsers) -> None:
    parser = subparsers.add_parser("validate", help="check the data files; one line per problem (file:line:column: message)")
    parser.add_argument("data_dir", nargs="?", default=None, help="folder with providers.csv, evidence.csv, sources.csv (default: the bundled data/)")
    parser.add_argument("--stale", type=int, metavar="DAYS", default=None,
                        help="also list facts whose checked_on is more than DAYS days ago")


def stale_facts(frame: pd.DataFrame, file_name: str, days: int, today: pd.Timestamp) -> list[str]:
    """One line per row checked more than `days` ago: `file:line:checked_on: checked on D (N days ago)`."""
    checked = pd.to_datetime(frame["checked_on"], errors="coerce")
    age = (today - checked).dt.days
    lines = []
    for index in frame.index[age > days]:
        what = frame.at[index, "provider_id"] + (f" {frame.at[index, 'criterion_id']}" if "criterion_id" in frame else "")
        lines.append(f"{file_name}:{int(frame.at[index, LINE])}:checked_on: {what} checked on "
                     f"{frame.at[index, 'checked_on']} ({int(age[index])} days ago)")
    return lines


def run(args, out, err, stdin) -> int:
    from .cli import DEFAULT_DATA_DIR

    data_dir = Path(args.data_dir or DEFAULT_DATA_DIR)
    directory = load_directory(data_dir)
    problems = list(directory.problems)
    # The cost reference files are optional (an organisation's own list may not have them).
    for name, loader in ((COSTS_FILE, load_costs), (COURSE_FILE, load_course_figures)):
        if (data_dir / name).exists():
            problems += loader(data_dir)[1]
    for problem in problems:
        print(problem, file=out)
    if args.stale is not None:
        today = pd.Timestamp.today().normalize()
        stale = (stale_facts(directory.providers, "providers.csv", args.stale, today)
                 + stale_facts(directory.evidence, "evidence.csv", args.stale, today))
        for line in stale:
            print(line, file=out)
        print(f"{len(stale)} fact(s) last checked more than {args.stale} days ago", file=err)
    previous = read_previous(data_dir)
    table = coverage_frame(coverage_rows(directory), previous[1] if previous else None)
    label = f" (previous: {previous[0]})" if previous else ""
    print(f"coverage{label}:", file=err)
    for row in table.itertuples(index=False):
        print(f"  {row.Measure}: {row.Now}" + (f"  [was {row[2]}]" if row[2] else ""), file=err)
    if problems:
        print(f"{len(problems)} problem(s); {len(directory.providers)} providers, "
              f"{len(directory.evidence)} evidence rows and {len(directory.sources)} sources loaded", file=err)
        return 1
    print(f"ok: {len(directory.providers)} providers, {len(directory.evidence)} evidence rows, "
          f"{len(directory.sources)} sources", file=err)
    return 0
