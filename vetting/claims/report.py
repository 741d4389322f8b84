"""Report forms of a claim audit: JSON (offsets kept next to each sentence, for machines), a
Markdown document and a text summary (sentences, no offsets, for people), proposed red-flag
evidence rows for `python -m vetting merge`, and the rows of the batch CSV report.

A finding reads as: its sentence with the claim marked, what is wrong in plain words, and what
the evidence says with its source. Pasted text only ever reaches Markdown inside a fenced code
block, never as markup.
"""

from __future__ import annotations

import re

from .engine import AuditReport, Finding, open_questions
from .rules import ANSWER_IDS, ANSWERS, FLAG_CRITERION, FLAGS
from .text import MARK_CLOSE, MARK_OPEN, sentence_parts


def marked_sentence(report: AuditReport, finding: Finding) -> str:
    """The finding's sentence with the claim between « », cut with … only when very long."""
    before, claim, after = sentence_parts(report.text, (finding.sentence_start, finding.sentence_end),
                                          finding.start, finding.end)
    return f"{before}{MARK_OPEN}{claim}{MARK_CLOSE}{after}"


def finding_to_json(report: AuditReport, finding: Finding) -> dict:
    info = FLAGS[finding.id]
    return {
        "id": finding.id, "label": info.label, "criterion_id": info.criterion_id,
        "sentence": report.sentence(finding), "sentence_start": finding.sentence_start,
        "sentence_end": finding.sentence_end, "claim": report.text[finding.start:finding.end],
        "start": finding.start, "end": finding.end, "excerpt": finding.excerpt, "detail": finding.detail,
        "why": info.why, "evidence": info.evidence, "source_id": info.source_id, "section": info.section,
        "sources": [{"source_id": s.source_id, "section": s.section} for s in info.sources],
    }


def report_to_json(report: AuditReport) -> dict:
    """{"source", "read_as_html", "truncated", "flags": [finding_to_json ...], "answers": {id: bool}}."""
    return {
        "source": report.source,
        "read_as_html": report.read_as_html,
        "truncated": report.truncated,
        "flags": [finding_to_json(report, f) for f in report.flags],
        "answers": {answer_id: bool(report.answers.get(answer_id)) for answer_id in ANSWER_IDS},
    }


def _fenced(text: str) -> list[str]:
    """A code block that shows any text literally: its fence is longer than any backtick run inside."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence, text, fence]


def _citation(source_id: str, section: str, source_urls: dict[str, str]) -> str:
    url = source_urls.get(source_id)
    return f"{source_id}, \"{section}\"" + (f" <{url}>" if url else "")


def report_to_markdown(report: AuditReport, source_urls: dict[str, str] | None = None) -> str:
    """The report as a Markdown document (plain text and code blocks; never HTML).

    `source_urls` maps a source id to its address, to print beside each citation.
    """
    source_urls = source_urls or {}
    answered = [a for a in ANSWER_IDS if report.answers.get(a)]
    lines = [f"# Claim audit: {report.source}", "",
             f"- Red flags found: {len(report.flags)}",
             f"- Checklist questions answered: {len(answered)} of {len(ANSWER_IDS)}",
             "- Findings are listed in the order they appear in the text.", ""]
    if report.truncated:
        lines += ["Only the start of this very long text was audited.", ""]
    lines += ["This audit matches wording; it is not medical advice and cannot judge a provider on its own.", "",
              "## Red flags", ""]
    if not report.flags:
        lines += ["None of the red-flag patterns matched.", ""]
    for number, finding in enumerate(report.flags, 1):
        info = FLAGS[finding.id]
        lines += [f"### {number}. {info.label} (`{finding.id}`)", ""]
        lines += _fenced(marked_sentence(report, finding)) + [""]
        lines += [f"What is wrong: {info.why}", ""]
        if finding.detail:
            lines += [f"Measured: {finding.detail}", ""]
        lines += [f"What the evidence says: {info.evidence}", "",
                  "Sources: " + "; ".join(_citation(s.source_id, s.section, source_urls) for s in info.sources) +
                  f". Checklist criterion `{info.criterion_id}`.", ""]
    lines += ["## Checklist questions", ""]
    for answer_id in ANSWER_IDS:
        info, match = ANSWERS[answer_id], report.answers.get(answer_id)
        lines += [f"- Answered: {info.label}" if match else f"- Open: {info.label}. Ask the provider: {info.question}"]
    lines += [""]
    for answer_id in answered:
        lines += [f"### {ANSWERS[answer_id].label}", ""] + _fenced(report.answers[answer_id].excerpt) + [""]
    return "\n".join(lines)


def summary_lines(report: AuditReport) -> list[str]:
    """A readable summary for the terminal: each finding's sentence, then the questions left open."""
    answered = sum(1 for a in ANSWER_IDS if report.answers.get(a))
    lines = [f"== {report.source}: {len(report.flags)} red flag(s); {answered} of {len(ANSWER_IDS)} "
             f"checklist questions answered" + (" (only the start of a very long text was read)" if report.truncated else "")]
    if report.flags:
        lines.append("Red flags, in the order they appear:")
    for finding in report.flags:
        info = FLAGS[finding.id]
        lines.append(f"  - {info.label} [{finding.id}]")
        lines.append(f"      {marked_sentence(report, finding)}")
        if finding.detail:
            lines.append(f"      measured: {finding.detail}")
        lines.append(f"      what is wrong: {info.why}")
        lines.append(f"      evidence: {info.evidence}")
        lines.append(f"      source: {info.source_id}, \"{info.section}\" (criterion {info.criterion_id})")
    answered_labels = [ANSWERS[a].label for a in ANSWER_IDS if report.answers.get(a)]
    if answered_labels:
        lines.append("Answered: " + "; ".join(answered_labels))
    questions = open_questions(report)
    if questions:
        lines.append("Questions to ask the provider:")
        lines += [f"  - {info.question}" for info in questions]
    return lines


# ---------------------------------------------------------------- proposals and batch rows


def proposed_notes(report: AuditReport) -> dict[str, str]:
    """criterion_id -> the paraphrased note of a red-flag evidence row: one per criterion, naming
    every kind of claim found for it (never the page's own words, only measured figures)."""
    notes: dict[str, list[str]] = {}
    for finding in report.flags:
        info = FLAGS[finding.id]
        parts = notes.setdefault(FLAG_CRITERION[finding.id], [])
        text = info.note + (f" ({finding.detail})" if finding.detail else "")
        if text not in parts:
            parts.append(text)
    return {criterion: " ".join(parts)[:400] for criterion, parts in notes.items()}


def proposal_rows(report: AuditReport, provider_id: str, page_url: str, checked_on: str, directory,
                  page_title: str | None = None) -> list[dict]:
    """Rows of a proposal file (vetting/proposals.py) with one red-flag evidence row per criterion
    the findings touch, citing `page_url` (and adding it to sources.csv when it is new)."""
    from ..proposals import evidence_rows

    if not page_title:
        names = dict(zip(directory.providers["provider_id"], directory.providers["name"]))
        page_title = f"{names.get(provider_id, provider_id)}: page read by the claim audit"
    rows: list[dict] = []
    for criterion_id, note in proposed_notes(report).items():
        found = sorted({FLAGS[f.id].label for f in report.flags if FLAG_CRITERION[f.id] == criterion_id})
        reason = (f"Claim audit of {page_url} on {checked_on}: {'; '.join(found)}. "
                  "Read the page before merging: the audit matches wording.")
        rows += evidence_rows(provider_id, criterion_id, "red_flag", note, page_url, reason, checked_on, directory,
                              pending=rows, source_title=page_title, source_kind="provider_site")
    return rows


BATCH_COLUMNS = ["provider_id", "url", "flag", "label", "criterion_id", "claim", "sentence", "source_id"]


def batch_rows(provider_id: str, url: str, report: AuditReport) -> list[dict]:
    """Rows of the batch CSV: one per finding, or one empty-flag row when a page has none."""
    if not report.flags:
        return [{"provider_id": provider_id, "url": url, "flag": "", "label": "no red flag found", "criterion_id": "",
                 "claim": "", "sentence": "", "source_id": ""}]
    return [{"provider_id": provider_id, "url": url, "flag": f.id, "label": FLAGS[f.id].label,
             "criterion_id": FLAGS[f.id].criterion_id, "claim": report.text[f.start:f.end],
             "sentence": marked_sentence(report, f), "source_id": FLAGS[f.id].source_id} for f in report.flags]


def requested_provider(raw, known: dict) -> tuple[str | None, str | None]:
    """The `?provider=` query value as (provider_id, None) when it names a provider in `known`,
    else (None, a note to show; None when nothing was asked for)."""
    if not isinstance(raw, str) or not raw.strip():
        return None, None
    value = raw.strip()
    if value in known:
        return value, None
    return None, f"No provider with the id “{value[:80]}” is in the directory. Choose one below."
