"""`python -m vetting validate [DATA_DIR]`: exit 0 when clean, 1 with one line per problem."""

from __future__ import annotations

from pathlib import Path

from .costs import COSTS_FILE, COURSE_FILE, load_costs, load_course_figures
from .loader import load_directory


def register(subparsers) -> None:
    parser = subparsers.add_parser("validate", help="check the data files; one line per problem (file:line:column: message)")
    parser.add_argument("data_dir", nargs="?", default=None, help="folder with providers.csv, evidence.csv, sources.csv (default: the bundled data/)")


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
    if problems:
        print(f"{len(problems)} problem(s); {len(directory.providers)} providers, "
              f"{len(directory.evidence)} evidence rows and {len(directory.sources)} sources loaded", file=err)
        return 1
    print(f"ok: {len(directory.providers)} providers, {len(directory.evidence)} evidence rows, "
          f"{len(directory.sources)} sources", file=err)
    return 0
