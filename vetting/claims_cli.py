"""`python -m vetting audit [--json] FILE...`: audit provider text for red-flag claims.

`-` reads standard input. With --json, one JSON object per file per line (see
`claims.report_to_json`); without it, a readable summary per file. A file that cannot be read
(missing, a folder, binary or not UTF-8, over 2 MB) gets a message; the others are still
audited and the exit code is 2.
"""

from __future__ import annotations

import json
import os

from .claims import ANSWER_IDS, ANSWERS, FLAGS, audit, open_questions, report_to_json

MAX_BYTES = 2 * 1024 * 1024
HTML_SUFFIXES = (".html", ".htm")
TEXT_SUFFIXES = (".txt", ".md", ".markdown")


class UnreadableInput(Exception):
    """An input the audit cannot use; the message says why in plain words."""


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "audit", help="find red-flag claims (guarantees, inflated success rates, 'no side effects', ...) in provider text")
    parser.add_argument("files", nargs="+", metavar="FILE", help="text, Markdown or HTML file; '-' reads standard input")
    parser.add_argument("--json", action="store_true", help="one JSON object per file per line")


def decode(raw: bytes, name: str) -> str:
    """UTF-8 text from raw bytes, or UnreadableInput for binary, non-UTF-8 or oversized input."""
    if len(raw) > MAX_BYTES:
        raise UnreadableInput(f"{name}: larger than 2 MB ({len(raw):,} bytes); audit a smaller excerpt")
    if b"\x00" in raw:
        raise UnreadableInput(f"{name}: looks like a binary file, not text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableInput(f"{name}: is not UTF-8 text (save it as UTF-8 and try again)") from None


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


def summary_lines(report) -> list[str]:
    """A readable summary: flags in text order, then the questions left open."""
    answered = sum(1 for a in ANSWER_IDS if report.answers.get(a))
    lines = [f"== {report.source}: {len(report.flags)} red flag(s); {answered} of {len(ANSWER_IDS)} "
             f"checklist questions answered"]
    if report.flags:
        lines.append("Red flags, in the order they appear:")
    for finding in report.flags:
        lines.append(f"  - {FLAGS[finding.id].label} [{finding.id}] at characters {finding.start}-{finding.end}")
        lines.append(f"      {finding.excerpt}")
        if finding.detail:
            lines.append(f"      measured: {finding.detail}")
        lines.append(f"      why: {finding.why}")
        lines.append(f"      source: {finding.source_id}, \"{finding.section}\" (criterion {finding.criterion_id})")
    answered_labels = [ANSWERS[a].label for a in ANSWER_IDS if report.answers.get(a)]
    if answered_labels:
        lines.append("Answered: " + "; ".join(answered_labels))
    questions = open_questions(report)
    if questions:
        lines.append("Questions to ask the provider:")
        lines += [f"  - {info.question}" for info in questions]
    return lines


def run(args, out, err, stdin) -> int:
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
