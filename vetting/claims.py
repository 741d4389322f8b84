"""Claim audit: read a provider's text (plain or HTML) and find red-flag claims and the checklist
questions it answers, each with its position, an excerpt, why it matters and its source.

`audit(text)` returns an `AuditReport`; `report_to_json` and `report_to_markdown` turn it into
the downloadable forms. The rules (labels, sources, patterns) live in vetting/claim_rules.py.

Context rules, per sentence: a question does not claim or answer anything; a negation in the
same clause ("we never guarantee results") cancels a flag; a sentence that warns about a claim
("beware of clinics that promise a cure") is not making it. Everything runs in linear time:
the patterns are bounded and every context window is a bounded slice of one sentence. A rule
that starts with literal words runs only where str.find finds them (`_finditer`), with exactly
the matches re.finditer would give.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field
from typing import Callable
from html.parser import HTMLParser

from .claim_rules import (
    ANSWER_IDS, ANSWER_IMPLIES, ANSWER_RULES, ANSWERS, CONDITIONAL, CONTRAST, FLAG_IDS, FLAG_RULES, FLAGS,
    NEGATION, PROTOCOL_DETAILS_NEEDED, QUALIFIER, WARNING, AnswerInfo, FlagInfo, Rule,
)

__all__ = [
    "ANSWER_IDS", "ANSWERS", "FLAG_IDS", "FLAGS", "AnswerInfo", "AnswerMatch", "AuditReport", "FlagInfo", "Finding",
    "audit", "excerpt_parts", "looks_like_html", "open_questions", "reduce_html", "report_to_json",
    "report_to_markdown",
]

EXCERPT_LIMIT = 200  # characters, markers and ellipses included
MAX_MATCH = 150  # a marked span never grows beyond this, so the excerpt keeps some context
MAX_SENTENCE = 1000  # a run without sentence ends is cut here, to keep windows bounded
MARK_OPEN, MARK_CLOSE, ELLIPSIS = "«", "»", "…"


@dataclass(frozen=True)
class Finding:
    """One red-flag claim: where it is in the reduced text and what it is measured against."""

    id: str
    start: int
    end: int
    excerpt: str
    why: str
    source_id: str
    section: str
    criterion_id: str
    detail: str = ""


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


# ---------------------------------------------------------------- HTML to visible text

_SKIPPED = frozenset({"script", "style", "template", "noscript", "head", "title", "iframe", "object", "svg", "math"})
_BLOCKS = frozenset("""
address article aside blockquote br dd details div dl dt fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6
header hr li main nav ol p pre section summary table tbody thead tfoot tr ul caption option body html
""".split())
_CELLS = frozenset({"td", "th"})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
# The runs that squashing changes: a lone space stays as it is, so sub() leaves it alone (faster).
_SQUASHABLE = re.compile(r"[ \t\r\n\f\v\xa0]{2,}|[\t\r\n\f\v\xa0]")


class _VisibleText(HTMLParser):
    """Collects the text a browser would show: hidden elements dropped, blocks on their own lines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)  # entities arrive unescaped
        self.parts: list[str] = []
        self.skip: dict[str, int] = {}
        self.pre = 0

    def _skipping(self) -> bool:
        return any(self.skip.values())

    def handle_starttag(self, tag, attrs):
        if tag in _SKIPPED and tag not in _VOID:
            self.skip[tag] = self.skip.get(tag, 0) + 1
            return
        if tag == "body" or (tag in _BLOCKS and tag != "html"):
            self.skip.pop("head", None)  # a body element closes an unclosed head, as browsers do
        if tag == "pre":
            self.pre += 1
        if tag in _BLOCKS:
            self.parts.append("\n")
        elif tag in _CELLS:
            self.parts.append(" ")

    def handle_startendtag(self, tag, attrs):
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.skip:
            self.skip[tag] -= 1
            if self.skip[tag] <= 0:
                del self.skip[tag]
            return
        if tag == "pre" and self.pre:
            self.pre -= 1
        if tag in _BLOCKS:
            self.parts.append("\n")
        elif tag in _CELLS:
            self.parts.append(" ")

    def handle_data(self, data):
        if self._skipping() or not data:
            return
        if self.pre:
            self.parts.append(data.replace("\xa0", " "))
        else:
            self.parts.append(_SQUASHABLE.sub(" ", data))


def reduce_html(html: str) -> str:
    """The visible text of an HTML page: scripts, styles, template/noscript/head dropped, entities
    unescaped, each block element on its own line (no blank lines)."""
    parser = _VisibleText()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # html.parser is lenient; should it give up, keep what it collected
        pass
    lines = (line.strip(" \t") for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)


_HTML_TAG = re.compile(r"<(?:!doctype\s{1,5}html|html|head|body|p|div|br|span|a|h[1-6]|ul|ol|li|table|script|style|"
                       r"section|article|meta|link|title|main|nav|header|footer)\b[^<>]{0,2000}>", re.I)
_HTML_CLOSE = re.compile(r"</(?:html|body|p|div|span|a|h[1-6]|ul|ol|li|table|script|style|section|article|title|"
                         r"main|nav|header|footer)\s{0,5}>|<!doctype\s{1,5}html", re.I)
_DETECT_LIMIT = 200_000


def looks_like_html(text: str) -> bool:
    """True when the text holds HTML markup (a known opening tag and a closing tag or doctype)."""
    head = text[:_DETECT_LIMIT]
    return bool(_HTML_TAG.search(head) and _HTML_CLOSE.search(head))


# ---------------------------------------------------------------- sentences and clauses

_SENTENCE_END = re.compile(r"\n|[.!?]{1,5}[\"'”’)\]]{0,3}(?=\s|$)")
_ABBREVIATIONS = frozenset("dr mr mrs ms st vs etc approx no inc ltd jr sr fig dept mt ft prof e.g i.e".split())
_DOTTED = re.compile(r"(?:[a-z]\.){1,4}[a-z]?")  # M.D, U.S, e.g
_CLAUSE_BREAK = re.compile(r"[,;:()\u2014\u2013]|\s-\s|\b(?:but|however|although|though|whereas|while|and)\b", re.I)
_WINDOW = 100  # how far back a negation or a cue may sit
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence (start, end) pairs covering the text: split at line breaks and at . ! ? followed by
    space (not after Dr., e.g. or an initial); runs longer than MAX_SENTENCE are cut at a space."""
    spans: list[tuple[int, int]] = []
    append, start = spans.append, 0
    for boundary in _SENTENCE_END.finditer(text):
        at = boundary.start()
        if text[at] == "." and _is_abbreviation(text[max(start, at - 12):at]):
            continue
        end = boundary.end()
        if end - start > MAX_SENTENCE:
            _add_span(text, start, end, spans)
        elif end > start:
            append((start, end))  # the common case of _add_span, inline: this loop runs per sentence
        start = end
    _add_span(text, start, len(text), spans)
    return spans


def _is_abbreviation(before: str) -> bool:
    """True when the word before a full stop is an abbreviation or an initial (Dr. Lee, J. Smith, e.g.)."""
    parts = before.rsplit(None, 1)
    word = parts[-1].lower().lstrip("(\"'“‘") if parts and not before[-1:].isspace() else ""
    return bool(word) and (word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()) or
                           bool(_DOTTED.fullmatch(word)))


def _add_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while end - start > MAX_SENTENCE:
        cut = text.rfind(" ", start + MAX_SENTENCE // 2, start + MAX_SENTENCE)
        cut = cut + 1 if cut != -1 else start + MAX_SENTENCE
        spans.append((start, cut))
        start = cut
    if end > start:
        spans.append((start, end))


class _Sentences:
    def __init__(self, text: str) -> None:
        self.text = text
        lowered = text.lower()
        # Same length, so spans agree; a few letters (İ) grow when lower-cased: then ASCII only.
        self.lowered = lowered if len(lowered) == len(text) else text.translate(_ASCII_LOWER)
        self.spans = sentence_spans(text)
        self.starts = [s for s, _ in self.spans]
        self._anchored: dict[bool, _Anchored] = {}
        self._questions: dict[int, bool] = {}
        self._mentions: dict[tuple, bool] = {}
        self._words: str | None = None

    def anchored(self, case_sensitive: bool) -> _Anchored:
        """Literal positions in the text the rule runs on: the original or the lower-cased copy."""
        if case_sensitive not in self._anchored:
            self._anchored[case_sensitive] = _Anchored(self.text if case_sensitive else self.lowered, self.words)
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


def _context_allows(rule: Rule, sentences: _Sentences, text: str, match: re.Match, sentence: tuple[int, int]) -> bool:
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


# ---------------------------------------------------------------- excerpts


def _squash(text: str) -> str:
    """Each run of whitespace as one space. Plain str methods: much faster than re.sub on short text."""
    if "  " not in text and text.isprintable():
        return text  # no tab, line break, no-break space or double space: nothing to squash
    for space in "\t\r\n\f\v\xa0":
        if space in text:
            text = text.replace(space, " ")
    while "  " in text:
        text = text.replace("  ", " ")
    return text


def excerpt_parts(text: str, start: int, end: int, limit: int = EXCERPT_LIMIT) -> tuple[str, str, str]:
    """(before, matched, after) around text[start:end]: the context has its whitespace squashed and
    an ellipsis where it was cut; with the two markers the three parts fit in `limit` characters."""
    matched = text[start:end]
    room = max(limit - len(matched) - len(MARK_OPEN) - len(MARK_CLOSE) - 2 * len(ELLIPSIS), 0)
    reach = 2 * room + 2  # squashing only shortens, so this much raw text is always enough
    before_all = _squash(text[max(0, start - reach):start])
    after_all = _squash(text[end:end + reach])
    after_len = min(len(after_all), room - min(len(before_all), room // 2))
    before_len = min(len(before_all), room - after_len)
    before = before_all[len(before_all) - before_len:] if before_len else ""
    after = after_all[:after_len]
    if before_len < len(before_all) or start - reach > 0:
        before = ELLIPSIS + before.lstrip()
    if after_len < len(after_all) or end + reach < len(text):
        after = after.rstrip() + ELLIPSIS
    return before, matched, after


def _excerpt(text: str, start: int, end: int) -> str:
    before, matched, after = excerpt_parts(text, start, end)
    return f"{before}{MARK_OPEN}{matched}{MARK_CLOSE}{after}"


# ---------------------------------------------------------------- the audit


_META = frozenset("\\[](){}?*+|.^$")


def _literal_run(alternative: str) -> str:
    run = ""
    for ch in alternative:
        if ch in _META:
            break
        run += ch
    if alternative[len(run):len(run) + 1] in ("?", "*", "{"):
        run = run[:-1]  # the quantifier makes the last character optional
    return run


def _leading_group(pattern: str) -> tuple[list[str], int] | None:
    """The alternatives of a pattern's leading `(?:...)` group and the index of its closing
    parenthesis; None when the group never closes."""
    depth, alternatives, current, i = 0, [], "", 3
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            current, i = current + pattern[i:i + 2], i + 2
            continue
        if ch == ")" and depth == 0:
            return alternatives + [current], i
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if ch == "|" and depth == 0:
            alternatives.append(current)
            current = ""
        else:
            current += ch
        i += 1
    return None


@functools.lru_cache(maxsize=None)
def leading_literals(pattern: str) -> tuple[str, ...] | None:
    """The literal strings one of which every match of `pattern` starts with, or None when the
    pattern does not start with literals. `_anchors` builds on it."""
    if not pattern.startswith("(?:"):
        run = _literal_run(pattern)
        return (run,) if run else None
    group = _leading_group(pattern)
    if group is None:
        return None
    alternatives, i = group
    if pattern[i + 1:i + 2] in ("?", "*") or pattern[i + 1:i + 3] == "{0":
        return None  # the whole group is optional
    runs = tuple(_literal_run(alternative) for alternative in alternatives)
    return None if not all(runs) else runs


def _word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


_MAX_EXPANSIONS = 16  # spellings kept per alternative ("in-?network" gives two)


def _expand(alternative: str) -> list[str]:
    """The literal strings one of which every match of `alternative` starts with: optional
    characters and small character classes at the start are spelled out ("k[- ]?hole" gives
    "k-hole", "k hole" and "khole"), so the anchors are longer and occur less often."""
    heads, i = [""], 0
    while i < len(alternative):
        ch = alternative[i]
        if ch == "[":
            close = alternative.find("]", i + 2)
            members = alternative[i + 1:close] if close != -1 else ""
            if not members or "\\" in members or members[0] == "^" or "-" in members[1:-1] or "[" in members:
                break
            options, i = list(members), close + 1
        elif ch == "\\" and i + 1 < len(alternative) and not alternative[i + 1].isalnum():
            options, i = [alternative[i + 1]], i + 2
        elif ch in _META:
            break
        else:
            options, i = [ch], i + 1
        quantifier = alternative[i:i + 1]
        if quantifier in ("*", "{"):
            break  # may repeat zero times: the anchors stop before it
        if quantifier == "?":
            options, i = options + [""], i + 1
        if len(heads) * len(options) > _MAX_EXPANSIONS:
            break
        heads = [head + option for head in heads for option in options]
        if quantifier == "+":
            break  # what follows a repeat is not a fixed distance away
    return heads


def _top_level_alternatives(pattern: str) -> list[str] | None:
    """The alternatives of the pattern's top level, or None when that is not a plain sequence."""
    depth, in_class, i = 0, False, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            i += 1 if pattern[i + 1:i + 2] != "]" else 2  # "[]...]" holds a literal ]
            continue
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            return None  # an alternation outside any group: a match may start in either half
        i += 1
    return [pattern]


@functools.lru_cache(maxsize=None)
def _anchors(pattern: str) -> tuple[str, ...] | None:
    """The literals every match of `pattern` starts with (see `leading_literals`; a named group
    at the start counts like `(?:`), spelled out by `_expand`; None when there are none."""
    if _top_level_alternatives(pattern) is None:
        return None
    body = "(?:" + pattern[pattern.index(">") + 1:] if pattern.startswith("(?P<") else pattern
    if leading_literals(body) is None:
        return None
    # the leading group's alternatives (leading_literals checked that it closes and is not optional)
    alternatives = [body] if not body.startswith("(?:") else _leading_group(body)[0]
    literals = [head for alternative in alternatives for head in _expand(alternative)]
    if not all(literals):
        return None
    # A literal that starts with another adds no start positions of its own.
    literals = sorted(set(literals))
    return tuple(lit for lit in literals if not any(lit != other and lit.startswith(other) for other in literals))


def _occurrences(text: str, literal: str) -> list[int]:
    """Every position where literal starts, overlapping ones included."""
    positions, find, at = [], text.find, text.find(literal)
    while at != -1:
        positions.append(at)
        at = find(literal, at + 1)
    return positions


_WORD_RUN = re.compile(r"[A-Za-z0-9]+")


class _Anchored:
    """Where literals occur in one text, each looked up once and shared by the rules."""

    def __init__(self, text: str, words: Callable[[], str]) -> None:
        self.text = text
        self.found: dict[str, list[int]] = {}
        self.words = words

    def positions(self, literal: str) -> list[int]:
        if literal not in self.found:
            head = _WORD_RUN.match(literal)
            # Lower-casing maps each ASCII letter to one ASCII letter and never makes or removes a
            # space, so the words of the lower-cased text serve the original text too.
            if head is not None and head.start() == 0 and head.group(0).lower() not in self.words():
                self.found[literal] = []  # its leading letters occur in no word: skip the scan
            else:
                self.found[literal] = _occurrences(self.text, literal)
        return self.found[literal]


def _finditer(pattern: re.Pattern, anchored: _Anchored):
    """The same matches as pattern.finditer(text), faster for a pattern that starts with literals:
    re tries an alternation at every position, whereas str.find jumps from one occurrence of a
    literal to the next; the pattern then runs only where a match can start, and a match that
    starts inside the previous one is skipped, just as finditer does."""
    text = anchored.text
    literals = _anchors(pattern.pattern)
    if literals is None:
        yield from pattern.finditer(text)
        return
    lists = [found for literal in literals if (found := anchored.positions(literal))]
    if not lists:
        return
    if len(literals) == 1:
        yield from pattern.finditer(text)  # one literal prefix: re's own search jumps to it
        return
    starts = sorted(set().union(*lists)) if len(lists) > 1 else lists[0]
    match, resume = pattern.match, 0
    for at in starts:
        if at < resume:
            continue
        found = match(text, at)
        if found is not None:
            yield found
            resume = found.end() if found.end() > at else at + 1


def _matches(rule: Rule, sentences: _Sentences, apply_context: bool):
    """(start, end, detail) for every match of the rule that survives its context rules."""
    text = sentences.text if rule.case_sensitive else sentences.lowered
    for match in _finditer(rule.pattern, sentences.anchored(rule.case_sensitive)):
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
        yield match.start(), min(match.end(), match.start() + MAX_MATCH), detail


def _find_flags(text: str, sentences: _Sentences) -> list[Finding]:
    findings: list[Finding] = []
    for flag_id in FLAG_IDS:
        info = FLAGS[flag_id]
        spans = sorted(
            (hit for rule in FLAG_RULES[flag_id] for hit in _matches(rule, sentences, apply_context=True)),
            key=lambda hit: (hit[0], -hit[1]))
        last_end = -1
        for start, end, detail in spans:
            if start < last_end:
                continue  # overlaps a match already kept for this flag
            last_end = end
            findings.append(Finding(flag_id, start, end, _excerpt(text, start, end), info.why, info.source_id,
                                    info.section, info.criterion_id, detail))
    findings.sort(key=lambda f: (f.start, FLAG_IDS.index(f.id)))
    return findings


def _first(rule: Rule, sentences: _Sentences):
    return next(_matches(rule, sentences, apply_context=False), None)


def _find_answers(text: str, sentences: _Sentences) -> dict[str, AnswerMatch | None]:
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
            start, end, _ = details[0][1]
            detail = "; ".join(f"{category}: {text[s:e]}" for category, (s, e, _) in details)
            answers[answer_id] = AnswerMatch(start, end, _excerpt(text, start, end), detail)
            continue
        if not hits:
            answers[answer_id] = None
            continue
        start, end, detail = min((hit for hit, _ in hits), key=lambda hit: hit[0])
        answers[answer_id] = AnswerMatch(start, end, _excerpt(text, start, end), detail)
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
    sentences = _Sentences(reduced)
    return AuditReport(source=source, text=reduced, flags=_find_flags(reduced, sentences),
                       answers=_find_answers(reduced, sentences), read_as_html=read_as_html)


def open_questions(report: AuditReport) -> list[AnswerInfo]:
    """The checklist questions the text leaves open, in checklist order."""
    return [ANSWERS[answer_id] for answer_id in ANSWER_IDS if not report.answers.get(answer_id)]


# ---------------------------------------------------------------- report forms


def report_to_json(report: AuditReport) -> dict:
    """{"source", "flags": [{"id", "start", "end", "excerpt", "why", "source_id"}], "answers": {id: bool}}."""
    return {
        "source": report.source,
        "flags": [{"id": f.id, "start": f.start, "end": f.end, "excerpt": f.excerpt, "why": f.why,
                   "source_id": f.source_id} for f in report.flags],
        "answers": {answer_id: bool(report.answers.get(answer_id)) for answer_id in ANSWER_IDS},
    }


def _fenced(text: str) -> list[str]:
    """A code block that shows any text literally: its fence is longer than any backtick run inside."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence, text, fence]


def report_to_markdown(report: AuditReport, source_urls: dict[str, str] | None = None) -> str:
    """The report as a Markdown document (plain text and code blocks; never HTML).

    `source_urls` maps a source id to its address, to print beside each citation.
    """
    source_urls = source_urls or {}
    answered = [a for a in ANSWER_IDS if report.answers.get(a)]
    lines = [f"# Claim audit: {report.source}", "",
             f"- Red flags found: {len(report.flags)}",
             f"- Checklist questions answered: {len(answered)} of {len(ANSWER_IDS)}",
             "- Findings are listed in the order they appear in the text.", "",
             "This audit matches wording; it is not medical advice and cannot judge a provider on its own.", "",
             "## Red flags", ""]
    if not report.flags:
        lines += ["None of the red-flag patterns matched.", ""]
    for number, finding in enumerate(report.flags, 1):
        info = FLAGS[finding.id]
        url = source_urls.get(finding.source_id)
        lines += [f"### {number}. {info.label} (`{finding.id}`, characters {finding.start}–{finding.end})", "",
                  f"Why it matters: {finding.why}", ""]
        if finding.detail:
            lines += [f"Measured: {finding.detail}", ""]
        lines += [f"Source: {finding.source_id}, \"{finding.section}\"" + (f" <{url}>" if url else "") +
                  f"; checklist criterion `{finding.criterion_id}`.", ""]
        lines += _fenced(finding.excerpt) + [""]
    lines += ["## Checklist questions", ""]
    for answer_id in ANSWER_IDS:
        info, match = ANSWERS[answer_id], report.answers.get(answer_id)
        if match:
            lines += [f"- Answered: {info.label} (characters {match.start}–{match.end})"]
        else:
            lines += [f"- Open: {info.label}. Ask the provider: {info.question}"]
    lines += [""]
    for answer_id in answered:
        match = report.answers[answer_id]
        lines += [f"### {ANSWERS[answer_id].label}", ""] + _fenced(match.excerpt) + [""]
    return "\n".join(lines)
