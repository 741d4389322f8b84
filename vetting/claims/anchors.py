"""Fast matching: the same matches `re.finditer` gives, found by jumping between occurrences of
the literal words a pattern starts with.

A rule that starts with literal words runs only where str.find finds them (`finditer`), with
exactly the matches re.finditer would give (a test holds the two equal on fuzzed text). re tries
an alternation at every position; str.find jumps from one occurrence to the next.
"""

from __future__ import annotations

import functools
import re
from typing import Callable

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
    pattern does not start with literals. `anchors` builds on it."""
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
def anchors(pattern: str) -> tuple[str, ...] | None:
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


class Anchored:
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


def finditer(pattern: re.Pattern, anchored: Anchored):
    """The same matches as pattern.finditer(text), faster for a pattern that starts with literals:
    re tries an alternation at every position, whereas str.find jumps from one occurrence of a
    literal to the next; the pattern then runs only where a match can start, and a match that
    starts inside the previous one is skipped, just as finditer does."""
    text = anchored.text
    literals = anchors(pattern.pattern)
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

