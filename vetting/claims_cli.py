"""`python -m vetting audit [--json] FILE...` and `python -m vetting audit --by-provider FILE.jsonl`:
audit provider text for red-flag claims.

`-` reads standard input. With --json, one JSON object per file per line (see
`vetting.claims.report_to_json`: each finding's sentence with its character offsets); without
it, a readable summary per file (sentences, no offsets). A file that cannot be read (missing, a
folder, binary or not UTF-8, over 2 MB) gets a message; the others are still audited and the
exit code is 2.

--by-provider reads JSON lines `{"provider_id", "url", "text"}` one at a time and writes a CSV
report (`--out`, default standard output) with one row per finding: provider, page URL, flag,
criterion, claim and sentence; a page with no finding gets one row saying so. Memory stays
bounded: one record is held at a time and a line longer than the 2 MB limit is skipped unread.
A progress bar is drawn on standard error when it is a terminal. Records that cannot be used
are named on standard error (line number and why) and the exit code is 2.
"""

from __future__ import annotations

import csv
import json
import os
import time

from .claims import (
    MAX_BYTES, UnreadableInput, audit, batch_rows, decode, report_to_json, summary_lines,
)
from .claims.report import BATCH_COLUMNS
from .spreadsheet import safe_cell

HTML_SUFFIXES = (".html", ".htm")
TEXT_SUFFIXES = (".txt", ".md", ".markdown")
MAX_RECORD = MAX_BYTES + 64 * 1024  # a record's text plus its URL and id


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "audit", help="find red-flag claims (guarantees, inflated success rates, 'no side effects', ...) in provider text")
    parser.add_argument("files", nargs="*", metavar="FILE", help="text, Markdown or HTML file; '-' reads standard input")
    parser.add_argument("--json", action="store_true", help="one JSON object per file per line")
    parser.add_argument("--by-provider", metavar="FILE.jsonl",
                        help="audit JSON-lines records {provider_id, url, text}; write a CSV report per provider")
    parser.add_argument("--out", metavar="REPORT.csv", help="with --by-provider: write the CSV here (default: standard output)")


def read_input(name: str, stdin) -> tuple[str, bool | None]:
    """The text of one input and whether it is HTML (None: decide from the text)."""
    if name == "-":
        buffer = getattr(stdin, "buffer", None)
        if buffer is not None:
            return decode(buffer.read(MAX_BYTES + 1), "standard input"), None
        text = stdin.read(MAX_BYTES + 1)
        if len(text.encode("utf-8", errors="surrogatepass")) > MAX_BYTES:
            raise UnreadableInput("standard input: larger than 2 MB; audit a smaller excerpt")
        if "\x00" in text:
            raise UnreadableInput("standard input: looks like binary data, not text")
        return text, None
    if os.path.isdir(name):
        raise UnreadableInput(f"{name}: is a folder, not a file")
    try:
        size = os.path.getsize(name)
        if size > MAX_BYTES:
            raise UnreadableInput(f"{name}: larger than 2 MB ({size:,} bytes); audit a smaller excerpt")
        with open(name, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise UnreadableInput(f"{name}: no such file") from None
    except OSError as error:
        raise UnreadableInput(f"{name}: cannot be read ({error.strerror or error})") from None
    suffix = os.path.splitext(name)[1].lower()
    is_html = True if suffix in HTML_SUFFIXES else False if suffix in TEXT_SUFFIXES else None
    return decode(raw, name), is_html


# ---------------------------------------------------------------- batch


class Progress:
    """A one-line progress bar on a terminal stream (bytes read of the file); silent otherwise."""

    def __init__(self, stream, total: int, every: float = 0.2) -> None:
        self.stream, self.total, self.every = stream, max(total, 1), every
        self.enabled = bool(getattr(stream, "isatty", lambda: False)())
        self.last = 0.0

    def update(self, done: int, records: int, force: bool = False) -> None:
        now = time.monotonic()
        if not self.enabled or (not force and now - self.last < self.every):
            return
        self.last = now
        share = min(done / self.total, 1.0)
        bar = "#" * int(share * 30)
        self.stream.write(f"\raudit {bar:<30} {share:4.0%}  {records:,} pages")
        self.stream.flush()

    def close(self, done: int, records: int) -> None:
        if self.enabled:
            self.update(done, records, force=True)
            self.stream.write("\n")
            self.stream.flush()


def parse_record(line: bytes, number: int) -> tuple[str, str, str]:
    """(provider_id, url, text) of one JSON line, or UnreadableInput naming the line and the problem."""
    where = f"line {number}"
    try:
        record = json.loads(decode(line, where))
    except json.JSONDecodeError as error:
        raise UnreadableInput(f"{where}: not a JSON object ({error.msg})") from None
    if not isinstance(record, dict):
        raise UnreadableInput(f"{where}: not a JSON object")
    values = []
    for key in ("provider_id", "url", "text"):
        value = record.get(key)
        if not isinstance(value, str) or (key != "text" and not value.strip()):
            raise UnreadableInput(f"{where}: needs {key} as text")
        values.append(value.strip() if key != "text" else value)
    if not values[2].strip():
        raise UnreadableInput(f"{where}: text is empty")
    return values[0], values[1], values[2]


def _records(handle, err, skipped: list[int]):
    """(line number, bytes) per line; a line over MAX_RECORD is skipped without being held in memory."""
    number = 0
    while True:
        line = handle.readline(MAX_RECORD + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_RECORD and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):
                line = handle.readline(1024 * 1024)  # drain the rest of the overlong line
            print(f"audit: line {number}: longer than 2 MB; skipped", file=err)
            skipped.append(number)
            continue
        if line.strip():
            yield number, line


def run_by_provider(path: str, out_path: str | None, out, err) -> int:
    try:
        total = os.path.getsize(path)
        handle = open(path, "rb")
    except FileNotFoundError:
        print(f"audit: {path}: no such file", file=err)
        return 2
    except OSError as error:
        print(f"audit: {path}: cannot be read ({error.strerror or error})", file=err)
        return 2
    target = open(out_path, "w", encoding="utf-8", newline="") if out_path else out
    progress = Progress(err, total)
    skipped: list[int] = []
    pages = findings = 0
    try:
        writer = csv.DictWriter(target, fieldnames=BATCH_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for number, line in _records(handle, err, skipped):
            try:
                provider_id, url, text = parse_record(line, number)
            except UnreadableInput as problem:
                print(f"audit: {problem}; skipped", file=err)
                skipped.append(number)
                continue
            report = audit(text, source=url)
            rows = batch_rows(provider_id, url, report)
            writer.writerows({key: safe_cell(value) for key, value in row.items()} for row in rows)
            pages += 1
            findings += len(report.flags)
            progress.update(handle.tell(), pages)
        progress.close(total, pages)
    finally:
        handle.close()
        if out_path:
            target.close()
    print(f"audit: {pages:,} page(s), {findings:,} finding(s)" + (f", {len(skipped)} record(s) skipped" if skipped else "")
          + (f"; report in {out_path}" if out_path else ""), file=err)
    return 2 if skipped else 0


def run(args, out, err, stdin) -> int:
    if args.by_provider:
        if args.files:
            print("audit: give either FILE... or --by-provider FILE.jsonl, not both", file=err)
            return 2
        return run_by_provider(args.by_provider, args.out, out, err)
    if not args.files:
        print("audit: name at least one FILE ('-' reads standard input), or use --by-provider FILE.jsonl", file=err)
        return 2
    exit_code = 0
    for name in args.files:
        try:
            text, is_html = read_input(name, stdin)
        except UnreadableInput as problem:
            print(f"audit: {problem}", file=err)
            exit_code = 2
            continue
        report = audit(text, source="stdin" if name == "-" else name, is_html=is_html)
        if args.json:
            print(json.dumps(report_to_json(report), ensure_ascii=False), file=out)
        else:
            print("\n".join(summary_lines(report)), file=out)
            print(file=out)
    return exit_code
