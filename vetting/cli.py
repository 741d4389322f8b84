"""Command line: `python -m vetting validate|score|cost|audit ...`.

Each subcommand lives beside the domain code it uses (`register(subparsers)` adds its
arguments, `run(args, out, err, stdin)` returns the exit code). Errors are messages, never
tracebacks.
"""

from __future__ import annotations

import argparse
import os
import sys
from importlib import import_module

DEFAULT_DATA_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data")

# subcommand -> module that defines register() and run()
SUBCOMMANDS = {
    "validate": "vetting.cli_validate",
    "score": "vetting.scoring_cli",
    "cost": "vetting.costs_cli",
    "audit": "vetting.claims_cli",
    "audit-eval": "vetting.claims_eval_cli",
    "merge": "vetting.merge_cli",
}


def build_parser() -> tuple[argparse.ArgumentParser, dict]:
    parser = argparse.ArgumentParser(prog="python -m vetting", description="Ketamine-therapy provider directory tools.")
    subparsers = parser.add_subparsers(dest="command", required=True)
    modules = {}
    for name, module_name in SUBCOMMANDS.items():
        try:
            module = import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name != module_name:
                raise
            continue  # a subcommand not built yet is simply not offered
        module.register(subparsers)
        modules[name] = module
    return parser, modules


def main(argv: list[str] | None = None, out=None, err=None, stdin=None) -> int:
    out, err, stdin = out or sys.stdout, err or sys.stderr, stdin or sys.stdin
    parser, modules = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    try:
        return int(modules[args.command].run(args, out=out, err=err, stdin=stdin))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as error:  # the last guard: a message, never a traceback
        print(f"error: {type(error).__name__}: {error}", file=err)
        return 2
