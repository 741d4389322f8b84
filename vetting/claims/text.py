"""Text handling for the claim audit: provider input (bytes or pasted text) to audited text,
HTML to its visible text, sentences, and bounded excerpts.

Everything here is linear in the input and bounded: decoding refuses binary and oversized input
with a plain message (`UnreadableInput`), HTML is reduced by the standard library's lenient
parser, a run without sentence ends is cut at MAX_SENTENCE, and an excerpt never exceeds
EXCERPT_LIMIT characters.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

EXCERPT_LIMIT = 200  # characters, markers and ellipses included
MAX_SENTENCE = 1000  # a run without sentence ends is cut here, to keep windows bounded
MAX_BYTES = 2 * 1024 * 1024  # the largest page the audit reads (an HTML page is rarely over 500 kB)
MARK_OPEN, MARK_CLOSE, ELLIPSIS = "«", "»", "…"

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


def excerpt(text: str, start: int, end: int) -> str:
    """The excerpt as one string, the matched words between « »."""
    before, matched, after = excerpt_parts(text, start, end)
    return f"{before}{MARK_OPEN}{matched}{MARK_CLOSE}{after}"



SENTENCE_SHOWN = 400  # characters of a finding's sentence shown around the claim


def sentence_parts(text: str, sentence: tuple[int, int], start: int, end: int,
                   limit: int = SENTENCE_SHOWN) -> tuple[str, str, str]:
    """(before, claim, after) within the claim's own sentence, cut with an ellipsis only when the
    sentence is longer than `limit`."""
    s0, s1 = sentence
    return excerpt_parts(text[s0:s1], start - s0, min(end, s1) - s0, limit)


# ---------------------------------------------------------------- input


class UnreadableInput(Exception):
    """An input the audit cannot use; the message says why in plain words."""


def decode(raw: bytes, name: str, limit: int = MAX_BYTES) -> str:
    """UTF-8 text from raw bytes, or UnreadableInput for empty, binary, non-UTF-8 or oversized input."""
    if len(raw) > limit:
        raise UnreadableInput(f"{name}: larger than {limit // (1024 * 1024)} MB ({len(raw):,} bytes); "
                              "audit a smaller excerpt")
    if b"\x00" in raw:
        raise UnreadableInput(f"{name}: looks like a binary file, not text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableInput(f"{name}: is not UTF-8 text (save it as UTF-8 and try again)") from None


def check_pasted(text: str, name: str = "The pasted text", limit: int = MAX_BYTES) -> str:
    """Pasted text, or UnreadableInput when it is too large or holds binary data."""
    if len(text) > limit or len(text.encode("utf-8", errors="surrogatepass")) > limit:
        raise UnreadableInput(f"{name} is larger than {limit // (1024 * 1024)} MB; paste a shorter excerpt")
    if "\x00" in text:
        raise UnreadableInput(f"{name} holds binary data, not text")
    return text


_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_ENGLISH_WORDS = frozenset("""the and of to is for you your our we are with that this on be as it or at by
not from can ketamine will treatment patients have all more may their""".split())  # not "in", "an": German uses them too


def looks_english(text: str, sample: int = 20_000) -> bool:
    """Whether the text reads as English: the rules only know English wording. Short texts pass."""
    words = [w.lower() for w in _LATIN_WORD.findall(text[:sample])]
    letters = sum(1 for ch in text[:sample] if ch.isalpha())
    if letters < 40:
        return True
    if sum(len(w) for w in words) / letters <= 0.6:
        return False  # mostly another script
    if letters < 100:
        return True  # too short to judge by function words: a slogan has few
    return sum(1 for w in words if w in _ENGLISH_WORDS) >= max(2, len(words) // 6)
