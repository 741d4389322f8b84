"""The claim audit engine: run the rules of rules.toml over a provider's text and report red-flag
claims and the checklist questions it answers, each with its sentence.

`audit(text)` returns an `AuditReport`. Context rules, per sentence: a question does not claim or
answer anything; a negation in the same clause ("we never guarantee results") cancels a flag; a
sentence that warns about a claim ("beware of clinics that promise a cure") is not making it.
Everything runs in linear time: the patterns are bounded, every context window is a bounded
slice of one sentence, and literal-led rules run only where their first words occur
(vetting/claims/anchors.py).

Input larger than MAX_AUDIT_CHARS is audited up to that point and the report says so
(`truncated`), so a 5 MB paste gives a bounded result rather than a long wait.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from .anchors import Anchored, _word_char, finditer
from .rules import (
    ANSWER_IDS, ANSWER_IMPLIES, ANSWER_RULES, ANSWERS, CONDITIONAL, CONTRAST, FLAG_IDS, FLAG_RULES, FLAGS, NEGATION,
    PROTOCOL_DETAILS_NEEDED, QUALIFIER, WARNING, AnswerInfo, Rule,
)
from .text import excerpt, looks_like_html, reduce_html, sentence_spans

MAX_MATCH = 150  # a marked span never grows beyond this, so the excerpt keeps some context
MAX_AUDIT_CHARS = 2_000_000  # characters of reduced text audited; the rest is reported as not read
_CLAUSE_BREAK = re.compile(r"[,;:()\u2014\u2013]|\s-\s|\b(?:but|however|although|though|whereas|while|and)\b", re.I)
_WINDOW = 100  # how far back a negation or a cue may sit
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


@dataclass(frozen=True)
class Finding:
    """One red-flag claim: the claim's span and its sentence's span in the audited text, and what
    it is measured against. Offsets are for machines (the JSON); people read `sentence`."""

    id: str
    start: int
    end: int
    sentence_start: int
    sentence_end: int
    excerpt: str
    detail: str = ""

    @property
    def info(self):
        return FLAGS[self.id]

    @property
    def why(self) -> str:
        return FLAGS[self.id].why

    @property
    def source_id(self) -> str:
        return FLAGS[self.id].source_id

    @property
    def section(self) -> str:
        return FLAGS[self.id].section

    @property
    def criterion_id(self) -> str:
        return FLAGS[self.id].criterion_id


@dataclass(frozen=True)
class AnswerMatch:
    """Where the text answers a checklist question."""

    start: int
    end: int
    excerpt: str
    detail: str = ""


@dataclass
class AuditReport:
    source: str
    text: str  # the reduced text every span points into
    flags: list[Finding] = field(default_factory=list)  # ordered by position in the text
    answers: dict[str, AnswerMatch | None] = field(default_factory=dict)
    read_as_html: bool = False
    truncated: bool = False  # the text was longer than MAX_AUDIT_CHARS; only its start was audited

    def sentence(self, finding: Finding) -> str:
        return self.text[finding.sentence_start:finding.sentence_end].strip()


class Sentences:
    """One text, its lower-cased copy and its sentences, with what the rules look up remembered."""

    def __init__(self, text: str) -> None:
        self.text = text
        lowered = text.lower()
        # Same length, so spans agree; a few letters (İ) grow when lower-cased: then ASCII only.
        self.lowered = lowered if len(lowered) == len(text) else text.translate(_ASCII_LOWER)
        self.spans = sentence_spans(text)
        self.starts = [s for s, _ in self.spans]
        self._anchored: dict[bool, Anchored] = {}
        self._questions: dict[int, bool] = {}
        self._mentions: dict[tuple, bool] = {}
        self._words: str | None = None

    def anchored(self, case_sensitive: bool) -> Anchored:
        """Literal positions in the text the rule runs on: the original or the lower-cased copy."""
        if case_sensitive not in self._anchored:
            self._anchored[case_sensitive] = Anchored(self.text if case_sensitive else self.lowered, self.words)
        return self._anchored[case_sensitive]

    def words(self) -> str:
        """Every whitespace-separated word of the lower-cased text, once each, one a line."""
        if self._words is None:
            self._words = "\n".join(set(self.lowered.split()))
        return self._words

    def around(self, position: int) -> tuple[int, int]:
        index = bisect.bisect_right(self.starts, position) - 1
        return self.spans[max(index, 0)] if self.spans else (0, len(self.text))

    def mentions(self, pattern: re.Pattern, text: str, sentence: tuple[int, int]) -> bool:
        """Whether pattern occurs in the sentence (of text: the original or the lower-cased copy);
        remembered, as a long sentence may hold many matches."""
        key = (pattern, text is self.text, sentence)
        if key not in self._mentions:
            self._mentions[key] = pattern.search(text[sentence[0]:sentence[1]]) is not None
        return self._mentions[key]

    def is_question(self, sentence: tuple[int, int]) -> bool:
        if sentence[0] not in self._questions:
            tail = self.text[max(sentence[0], sentence[1] - 8):sentence[1]].rstrip(" \t\r\n\"'”’)]")
            self._questions[sentence[0]] = tail.endswith("?")
        return self._questions[sentence[0]]


def _clause_before(text: str, sentence: tuple[int, int], position: int) -> str:
    window = text[max(sentence[0], position - _WINDOW):position]
    last = None
    for last in _CLAUSE_BREAK.finditer(window):
        pass
    return window[last.end():] if last else window


def _context_allows(rule: Rule, sentences: Sentences, text: str, match: re.Match, sentence: tuple[int, int]) -> bool:
    """The sentence-level context rules of a flag: negation, warnings, conditionals, contrasts, hedges."""
    clause = _clause_before(text, sentence, match.start())
    if rule.negation in ("prefix", "inside") and NEGATION.search(clause):
        return False
    if rule.negation == "inside" and NEGATION.search(match.group(0)):
        return False
    if rule.warning and sentences.mentions(WARNING, text, sentence):
        return False
    if rule.conditional and CONDITIONAL.search(clause):
        return False
    if rule.contrast and CONTRAST.search(text, max(sentence[0], match.start() - _WINDOW), match.start()):
        return False
    if rule.qualifier and sentences.mentions(QUALIFIER, text, sentence):
        return False
    return True


def _matches(rule: Rule, sentences: Sentences, apply_context: bool):
    """(start, end, detail, sentence) for every match of the rule that survives its context rules."""
    text = sentences.text if rule.case_sensitive else sentences.lowered
    for match in finditer(rule.pattern, sentences.anchored(rule.case_sensitive)):
        start = match.start()
        if start and _word_char(text[start - 1]) and _word_char(text[start]):
            continue  # the rules start at a word boundary ("cure" is not inside "secure")
        sentence = sentences.around(start)
        if sentences.is_question(sentence):
            continue
        if apply_context and not _context_allows(rule, sentences, text, match, sentence):
            continue
        detail = rule.check(text, match, sentence) if rule.check else ""
        if detail is None:
            continue
        yield match.start(), min(match.end(), match.start() + MAX_MATCH), detail, sentence


def _find_flags(text: str, sentences: Sentences) -> list[Finding]:
    findings: list[Finding] = []
    for flag_id in FLAG_IDS:
        spans = sorted(
            (hit for rule in FLAG_RULES[flag_id] for hit in _matches(rule, sentences, apply_context=True)),
            key=lambda hit: (hit[0], -hit[1]))
        last_end, last_sentence = -1, None
        for start, end, detail, sentence in spans:
            if start < last_end or sentence == last_sentence:
                continue  # overlaps a match already kept for this flag, or its sentence already shows it
            last_end, last_sentence = end, sentence
            findings.append(Finding(flag_id, start, end, *_trimmed(text, sentence), excerpt(text, start, end), detail))
    findings.sort(key=lambda f: (f.start, FLAG_IDS.index(f.id)))
    return findings


def _trimmed(text: str, sentence: tuple[int, int]) -> tuple[int, int]:
    """The sentence span without the whitespace around it."""
    start, end = sentence
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _first(rule: Rule, sentences: Sentences):
    return next(_matches(rule, sentences, apply_context=False), None)


def _find_answers(text: str, sentences: Sentences) -> dict[str, AnswerMatch | None]:
    answers: dict[str, AnswerMatch | None] = {}
    for answer_id in ANSWER_IDS:
        hits = [(hit, rule) for rule in ANSWER_RULES[answer_id] if (hit := _first(rule, sentences))]
        if answer_id == "protocol_described":
            earliest: dict[str, tuple] = {}
            for hit, rule in hits:
                if rule.category not in earliest or hit[0] < earliest[rule.category][0]:
                    earliest[rule.category] = hit
            if len(earliest) < PROTOCOL_DETAILS_NEEDED:
                answers[answer_id] = None
                continue
            details = sorted(earliest.items(), key=lambda item: item[1][0])
            start, end = details[0][1][:2]
            detail = "; ".join(f"{category}: {text[hit[0]:hit[1]]}" for category, hit in details)
            answers[answer_id] = AnswerMatch(start, end, excerpt(text, start, end), detail)
            continue
        if not hits:
            answers[answer_id] = None
            continue
        start, end, detail, _ = min((hit for hit, _ in hits), key=lambda hit: hit[0])
        answers[answer_id] = AnswerMatch(start, end, excerpt(text, start, end), detail)
    for answer_id, implied in ANSWER_IMPLIES.items():
        for other in implied:
            if answers.get(answer_id) and not answers.get(other):
                answers[other] = answers[answer_id]
    return answers


def audit(text: str, source: str = "pasted text", is_html: bool | None = None) -> AuditReport:
    """Audit provider text. `is_html=None` decides from the text itself (see `looks_like_html`).

    The report's `text` is what was audited (HTML reduced to its visible text); every span in
    the report points into it.
    """
    text = "" if text is None else str(text)
    read_as_html = looks_like_html(text) if is_html is None else bool(is_html)
    reduced = reduce_html(text) if read_as_html else text
    truncated = len(reduced) > MAX_AUDIT_CHARS
    if truncated:
        cut = reduced.rfind("\n", MAX_AUDIT_CHARS // 2, MAX_AUDIT_CHARS)
        reduced = reduced[:cut if cut != -1 else MAX_AUDIT_CHARS]
    sentences = Sentences(reduced)
    return AuditReport(source=source, text=reduced, flags=_find_flags(reduced, sentences),
                       answers=_find_answers(reduced, sentences), read_as_html=read_as_html, truncated=truncated)


def open_questions(report: AuditReport) -> list[AnswerInfo]:
    """The checklist questions the text leaves open, in checklist order."""
    return [ANSWERS[answer_id] for answer_id in ANSWER_IDS if not report.answers.get(answer_id)]
