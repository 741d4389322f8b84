"""`python -m vetting merge [--apply] FILE [DATA_DIR]`: check a proposal file against the data.

Prints one line per change: `+ providers.csv ID: field=value, ...` (a new row),
`~ providers.csv ID: field: old -> new` (a changed field), `! rejected line N: column: why`,
`? conflict line N: ...` (the data holds something the proposal does not expect), then a summary.
Exit 0 when every row would apply cleanly, 1 when some rows are rejected or in conflict (or the
merged data would not load cleanly), 2 when the file or the data folder cannot be read.
With --apply the accepted rows are written (rejected and conflicting rows never are); the
format and rules are in `vetting/proposals.py`.
"""

from __future__ import annotations

import os
from pathlib import Path

from .loader import load_directory
from .proposals import MergeError, apply_merge, plan_merge, validate_proposal

MAX_BYTES = 5 * 1024 * 1024


def register(subparsers) -> None:
    parser = subparsers.add_parser("merge", help="check a proposal file (corrections, new providers) and show what it would change")
    parser.add_argument("file", metavar="FILE", help="the proposal CSV (see vetting/proposals.py for the format)")
    parser.add_argument("data_dir", nargs="?", default=None, help="folder with providers.csv, evidence.csv, sources.csv (default: the bundled data/)")
    parser.add_argument("--apply", action="store_true", help="write the accepted rows into the data files")


def read_proposal(name: str) -> bytes:
    """The file's bytes, or ValueError with a plain message."""
    if os.path.isdir(name):
        raise ValueError(f"{name}: is a folder, not a file")
    try:
        if os.path.getsize(name) > MAX_BYTES:
            raise ValueError(f"{name}: larger than 5 MB; split the proposal")
        with open(name, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        raise ValueError(f"{name}: no such file") from None
    except OSError as error:
        raise ValueError(f"{name}: cannot be read ({error.strerror or error})") from None


def run(args, out, err, stdin) -> int:
    from .cli import DEFAULT_DATA_DIR

    data_dir = Path(args.data_dir or DEFAULT_DATA_DIR)
    try:
        raw = read_proposal(args.file)
    except ValueError as error:
        print(f"error: {error}", file=err)
        return 2
    if not data_dir.is_dir():
        print(f"error: {data_dir}: data folder not found", file=err)
        return 2
    directory = load_directory(data_dir)
    if directory.problems:
        print(f"note: the data already has {len(directory.problems)} problem(s) "
              f"(see `python -m vetting validate`); the merge checks only for new ones", file=err)
    name = os.path.basename(args.file)
    rows, problems = validate_proposal(raw, directory, name=name)
    unusable = [p for p in problems if p.line == 0]
    if unusable:
        for problem in unusable:
            print(f"error: {args.file}: {problem.message}", file=err)
        return 2
    plan = plan_merge(rows, directory, problems)
    for line in plan.lines():
        print(line, file=out)
    print(plan.summary(), file=out)
    if args.apply and plan.accepted:
        try:
            written = apply_merge(plan, data_dir)
        except MergeError as error:
            print(f"not applied: {error}", file=err)
            return 1
        for file_name in written:
            added = sum(1 for e in plan.added if e.file == file_name)
            updated = sum(1 for e in plan.updated if e.file == file_name and e.changes)
            print(f"wrote {data_dir / file_name} ({added} added, {updated} updated)", file=out)
    elif args.apply:
        print("nothing to apply", file=out)
    return 0 if plan.clean else 1
