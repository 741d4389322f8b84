"""Claim audit: read a provider's text (plain or HTML) and find red-flag claims and the checklist
questions it answers, each with its sentence, what is wrong in plain words, what the evidence
says and its source.

The package, in the order data flows:
- `rules.toml` / `rules`: every rule as data (explanation, evidence, sources, patterns, examples);
  `checks`: the few checks a pattern cannot express.
- `text`: input decoding, HTML to visible text, sentences, excerpts.
- `anchors`: fast literal-led matching, identical to re.finditer.
- `engine`: `audit(text) -> AuditReport`.
- `report`: JSON, Markdown, terminal summary, proposal rows, batch rows.
- `evaluation`: precision and recall against labelled excerpts.
"""

from .engine import MAX_AUDIT_CHARS, AnswerMatch, AuditReport, Finding, audit, open_questions
from .report import (
    batch_rows, finding_to_json, marked_sentence, proposal_rows, proposed_notes, report_to_json, report_to_markdown,
    summary_lines,
)
from .rules import (
    ANSWER_IDS, ANSWERS, FLAG_CRITERION, FLAG_IDS, FLAGS, AnswerInfo, FlagInfo, SourceRef,
)
from .text import (
    ELLIPSIS, EXCERPT_LIMIT, MARK_CLOSE, MARK_OPEN, MAX_BYTES, UnreadableInput, check_pasted, decode, excerpt_parts,
    looks_english, looks_like_html, reduce_html, sentence_parts,
)

__all__ = [
    "ANSWER_IDS", "ANSWERS", "ELLIPSIS", "EXCERPT_LIMIT", "FLAG_CRITERION", "FLAG_IDS", "FLAGS", "MARK_CLOSE",
    "MARK_OPEN", "MAX_AUDIT_CHARS", "MAX_BYTES", "AnswerInfo", "AnswerMatch", "AuditReport", "FlagInfo", "Finding",
    "SourceRef", "UnreadableInput", "audit", "batch_rows", "check_pasted", "decode", "excerpt_parts",
    "finding_to_json", "looks_english", "looks_like_html", "marked_sentence", "open_questions", "proposal_rows",
    "proposed_notes", "reduce_html", "report_to_json", "report_to_markdown", "sentence_parts", "summary_lines",
]
