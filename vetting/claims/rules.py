"""The claim-audit rules, loaded from rules.toml beside this file: flags and answers with their
plain-words explanation, evidence, sources, patterns and examples.

The TOML file is the one place a reviewer reads and edits; this module only compiles it and
holds the few checks that need arithmetic or a look around a match (a stated rate against the
trial range, "no risk" that is about money, "Spravato in clinic, lozenges at home"). A rule
names its check by a key of `CHECKS`; an unknown key, fragment or field fails at import.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

RULES_PATH = Path(__file__).with_name("rules.toml")


@dataclass(frozen=True)
class SourceRef:
    source_id: str
    section: str


@dataclass(frozen=True)
class Rule:
    """One pattern for a flag or an answer, with the context rules that apply to it (rules.toml
    describes each field). `check(text, match, sentence)` may veto a match (None) or describe it."""

    pattern: re.Pattern
    negation: str = "prefix"
    warning: bool = True
    conditional: bool = False
    contrast: bool = False
    qualifier: bool = False
    check: Callable[[str, re.Match, tuple[int, int]], str | None] | None = None
    category: str = ""
    case_sensitive: bool = False


@dataclass(frozen=True)
class FlagInfo:
    """A red flag the audit looks for: what is wrong in plain words, what the evidence says, and where."""

    id: str
    label: str
    why: str
    evidence: str
    criterion_id: str
    sources: tuple[SourceRef, ...]
    note: str = ""
    must_match: tuple[str, ...] = ()
    must_not_match: tuple[str, ...] = ()

    @property
    def source_id(self) -> str:
        return self.sources[0].source_id

    @property
    def section(self) -> str:
        return self.sources[0].section


@dataclass(frozen=True)
class AnswerInfo:
    """A checklist question that provider text may answer."""

    id: str
    label: str
    question: str
    why: str
    criterion_id: str
    sources: tuple[SourceRef, ...]
    implies: tuple[str, ...] = ()
    must_match: tuple[str, ...] = ()
    must_not_match: tuple[str, ...] = ()

    @property
    def source_id(self) -> str:
        return self.sources[0].source_id

    @property
    def section(self) -> str:
        return self.sources[0].section


# ---------------------------------------------------------------- compiling patterns

_PLACEHOLDER = re.compile(r"\{\{(\w+)(?::(\d+))?\}\}")
_LEADING_DIGITS = re.compile(r"^((?:\(\?P<\w{1,20}>)?)\[0-9\]\{1,([2-9])\}")


def gap(limit: int) -> str:
    """Up to `limit` characters that stay inside one sentence."""
    return rf"[^\n.!?]{{0,{limit}}}?"


def expand(pattern: str, fragments: dict[str, str], depth: int = 0) -> str:
    """The pattern with every `{{NAME}}` fragment and `{{gap:N}}` spelled out."""
    if depth > 8:
        raise ValueError(f"rules.toml: fragments nest too deeply in {pattern[:60]!r}")

    def replace(match: re.Match) -> str:
        name, number = match.group(1), match.group(2)
        if name == "gap" and number:
            return gap(int(number))
        if name not in fragments:
            raise ValueError(f"rules.toml: unknown fragment {{{{{name}}}}}")
        return expand(fragments[name], fragments, depth + 1)

    return _PLACEHOLDER.sub(replace, pattern)


def rx(pattern: str, case_sensitive: bool = False) -> re.Pattern:
    """Compile a rule for speed: a case-insensitive rule is lower-cased and runs on lower-cased text
    (re.I would make the engine try every position); a leading \\b is dropped because the engine
    checks the left word boundary itself, which lets re jump straight to the first literal.
    Whitespace runs never cross a line break (a line is a block of its own)."""
    if not case_sensitive:
        pattern = pattern.lower().replace("(?p<", "(?P<")
    if pattern.startswith(r"\b"):
        pattern = pattern[2:]
    # "[0-9]{1,3}" and "[0-9][0-9]{0,2}" match alike, but only a leading character class lets re skip
    # straight to the digits instead of trying the repeat at every position.
    pattern = _LEADING_DIGITS.sub(lambda m: f"{m[1]}[0-9][0-9]{{0,{int(m[2]) - 1}}}", pattern, count=1)
    return re.compile(pattern.replace(r"\s{", r"[^\S\n]{"))


# ---------------------------------------------------------------- loading

_FLAG_RULE_FIELDS = {"pattern", "negation", "warning", "conditional", "contrast", "qualifier", "check", "case_sensitive"}
_ANSWER_RULE_FIELDS = {"pattern", "check", "category", "case_sensitive"}


def _rule(entry: dict, fragments: dict, checks: dict, is_answer: bool) -> Rule:
    allowed = _ANSWER_RULE_FIELDS if is_answer else _FLAG_RULE_FIELDS
    unknown = set(entry) - allowed
    if unknown:
        raise ValueError(f"rules.toml: unknown rule field(s) {sorted(unknown)} in {entry.get('pattern', '')[:60]!r}")
    check_name = entry.get("check")
    if check_name is not None and check_name not in checks:
        raise ValueError(f"rules.toml: unknown check {check_name!r}")
    case_sensitive = bool(entry.get("case_sensitive", False))
    pattern = rx(expand(entry["pattern"], fragments), case_sensitive)
    check = checks[check_name] if check_name else None
    if is_answer:
        return Rule(pattern, negation="none", warning=False, check=check, category=entry.get("category", ""),
                    case_sensitive=case_sensitive)
    negation = entry.get("negation", "prefix")
    if negation not in ("prefix", "inside", "none"):
        raise ValueError(f"rules.toml: negation must be prefix, inside or none, not {negation!r}")
    return Rule(pattern, negation=negation, warning=entry.get("warning", True),
                conditional=entry.get("conditional", False), contrast=entry.get("contrast", False),
                qualifier=entry.get("qualifier", False), check=check, case_sensitive=case_sensitive)


def _sources(entry: dict) -> tuple[SourceRef, ...]:
    return tuple(SourceRef(s["source_id"], s["section"]) for s in entry["sources"])


@dataclass(frozen=True)
class RuleBook:
    """Everything rules.toml holds, compiled."""

    flags: dict[str, FlagInfo]
    answers: dict[str, AnswerInfo]
    flag_rules: dict[str, tuple[Rule, ...]]
    answer_rules: dict[str, tuple[Rule, ...]]
    context: dict[str, re.Pattern]
    reference_response_range: tuple[int, int]
    inflated_threshold: int
    protocol_details_needed: int
    fragments: dict[str, str] = field(default_factory=dict)


def load_rules(path: Path = RULES_PATH, checks: dict | None = None) -> RuleBook:
    from .checks import CHECKS

    checks = CHECKS if checks is None else checks
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    fragments = data["fragments"]
    flags, flag_rules, answers, answer_rules = {}, {}, {}, {}
    for entry in data["flags"]:
        flags[entry["id"]] = FlagInfo(entry["id"], entry["label"], entry["why"], entry["evidence"], entry["criterion"],
                                      _sources(entry), entry["note"], tuple(entry.get("must_match", ())),
                                      tuple(entry.get("must_not_match", ())))
        flag_rules[entry["id"]] = tuple(_rule(r, fragments, checks, False) for r in entry["rules"])
    for entry in data["answers"]:
        answers[entry["id"]] = AnswerInfo(entry["id"], entry["label"], entry["question"], entry["why"],
                                          entry["criterion"], _sources(entry), tuple(entry.get("implies", ())),
                                          tuple(entry.get("must_match", ())), tuple(entry.get("must_not_match", ())))
        answer_rules[entry["id"]] = tuple(_rule(r, fragments, checks, True) for r in entry["rules"])
    context = {name: re.compile(expand(p, fragments), re.I) for name, p in data["context"].items()}
    low, high = data["reference_response_range"]
    return RuleBook(flags, answers, flag_rules, answer_rules, context, (low, high), data["inflated_threshold"],
                    data["protocol_details_needed"], fragments)


RULES = load_rules()
FLAGS: dict[str, FlagInfo] = RULES.flags
ANSWERS: dict[str, AnswerInfo] = RULES.answers
FLAG_IDS: tuple[str, ...] = tuple(FLAGS)
ANSWER_IDS: tuple[str, ...] = tuple(ANSWERS)
FLAG_RULES = RULES.flag_rules
ANSWER_RULES = RULES.answer_rules
ANSWER_IMPLIES = {a.id: a.implies for a in ANSWERS.values() if a.implies}
PROTOCOL_DETAILS_NEEDED = RULES.protocol_details_needed
REFERENCE_RESPONSE_RANGE = RULES.reference_response_range
NEGATION, WARNING, QUALIFIER, CONDITIONAL, CONTRAST = (
    RULES.context[name] for name in ("negation", "warning", "qualifier", "conditional", "contrast"))
# The one mapping from an audit flag to the checklist criterion it is evidence for.
FLAG_CRITERION: dict[str, str] = {flag_id: info.criterion_id for flag_id, info in FLAGS.items()}
