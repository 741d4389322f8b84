"""`python -m vetting validate [DATA_DIR]`: exit 0 when clean, 1 with one line per problem."""

from __future__ import annotations

from .loader import load_directory


def register(subparsers) -> None:
    parser = subparsers.add_parser("validate", help="check the data files; one line per problem (file:line:column: message)")
    parser.add_argument("data_dir", nargs="?", default=None, help="folder with providers.csv, evidence.csv, sources.csv (default: the bundled data/)")


def run(args, out, err, stdin) -> int:
    from .cli import DEFAULT_DATA_DIR

    directory = load_directory(args.data_dir or DEFAULT_DATA_DIR)
    for problem in directory.problems:
        print(problem, file=out)
    if directory.problems:
        print(f"{len(directory.problems)} problem(s); {len(directory.providers)} providers, "
              f"{len(directory.evidence)} evidence rows and {len(directory.sources)} sources loaded", file=err)
        return 1
    print(f"ok: {len(directory.providers)} providers, {len(directory.evidence)} evidence rows, "
          f"{len(directory.sources)} sources", file=err)
    return 0
