"""Checks that rules in rules.toml name: the few tests that need arithmetic or a look around a
match, which a pattern cannot say. Each takes (text, match, sentence) and returns None to veto
the match or a detail string (often empty) to keep it.

The thresholds (the trial range, the inflated threshold) come from rules.toml through
`vetting.claims.rules.RULES`, read when a check runs.
"""

from __future__ import annotations

import re

from . import rules as _rules

NUMBER_WORDS = ("one two three four five six seven eight nine ten eleven twelve "
                "thirteen fourteen fifteen sixteen eighteen twenty").split()


def _thresholds():
    book = _rules.RULES
    return book.inflated_threshold, book.reference_response_range


_OTHER_TREATMENT = re.compile(
    r"\b(?:antidepressants?|ssris?|snris?|ect|electroconvulsive|placebo|tms|talk therapy|"
    r"psychotherapy alone|medications?)\b", re.I)
_NOT_A_RATE = re.compile(r"^\s{0,3}(?:fewer|less|lower|reduction|decrease|drop|off|discount|bioavailab)", re.I)
# Only a ceiling is stated ("up to 90%"), so the whole range is not above the threshold.
_CITED_STUDY = re.compile(r"\b(?:stud(?:y|ies)|trial|review|meta-analysis)\s{1,3}(?:by|from|led by|of|published)\s{1,3}"
                          r"(?:[A-Z]|\w+\s{1,3}(?:et al|and colleagues))|\bet al\b|\([A-Z][A-Za-z'-]+[^()]{0,40}\b(?:19|20)\d\d\)",
                          re.I)
_AMONG_RESPONDERS = re.compile(r"\bwho\s{1,3}(?:had\s{1,3}|have\s{1,3})?(?:experienced|responded|improved|benefited|"
                               r"completed|achieved|saw|reported)\b", re.I)
_UPPER_ONLY = re.compile(r"\b(?:up to|as many as|as high as)\s{1,3}$", re.I)


def _rate_check(text: str, match: re.Match, sentence: tuple[int, int]) -> str | None:
    """A stated response rate whose whole range is at or above the threshold, for ketamine itself."""
    before_number = text[max(0, match.start("lo") - 15):match.start("lo")]
    if _UPPER_ONLY.search(before_number) or before_number[-1:] in (".", ",") or before_number[-1:].isdigit():
        return None
    numbers = [float(match.group("lo"))] + ([float(match.group("hi"))] if match.group("hi") else [])
    threshold = _thresholds()[0]
    low = min(numbers)
    if not threshold <= low <= 100 or max(numbers) > 100:
        return None
    end_of_number = match.end("hi") if match.group("hi") else match.end("lo")
    after = re.sub(r"^\s{0,2}(?:%|percent|per cent)", "", text[end_of_number:min(end_of_number + 24, sentence[1])],
                   flags=re.I)
    if _NOT_A_RATE.match(after):
        return None  # "80% fewer symptoms" is a size of change, not a share of patients
    if _CITED_STUDY.search(text, sentence[0], sentence[1]):
        return None  # "in a 2010 study by Price and colleagues, 80% ...": the rate is a named study's
    if _AMONG_RESPONDERS.search(text, match.start(), min(match.end() + 40, sentence[1])):
        return None  # "84% of clients who improved kept their gains" counts earlier responders, not response
    before = text[max(sentence[0], match.start() - 80):match.start()]
    if _OTHER_TREATMENT.search(before) and not re.search(r"\bketamine|spravato|esketamine|infusion", before, re.I):
        return None  # the rate belongs to another treatment being compared
    stated = match.group("lo") + ("–" + match.group("hi") if match.group("hi") else "")
    low_ref, high_ref = _thresholds()[1]
    return f"states {stated}%; trials report about {low_ref}–{high_ref}% response"


def _most_check(text: str, match: re.Match, sentence: tuple[int, int]) -> str | None:
    tail = text[match.end():min(match.end() + 40, sentence[1])]
    if re.match(r"\s{0,3}(?:differently|individually|uniquely|at (?:different|their own))", tail, re.I):
        return None
    if re.search(r"recover\w{0,3}$", match.group(0), re.I) and re.match(
            r"\s{0,3}(?:from (?:the |each |an? )?(?:infusion|session|treatment|anesthe|anaesthe|effects|dissociat)|"
            r"(?:with)?in" + r"\s{1,3}(?:about |around )?\d{1,3}\s{0,2}(?:minutes|mins|hours?)|"
            r"quickly|fully within)", tail, re.I):
        return None  # recovering from the session itself, not from the illness
    low_ref, high_ref = _thresholds()[1]
    return f"claims most patients improve without qualification; trials report about {low_ref}–{high_ref}% response"


def _out_of_check(text: str, match: re.Match, sentence: tuple[int, int]) -> str | None:
    words = {w: i + 1 for i, w in enumerate(NUMBER_WORDS[:12])}

    def value(token: str) -> int:
        return int(token) if token.isdigit() else words.get(token.lower(), 0)

    part, whole = value(match.group("part")), value(match.group("whole"))
    if not whole or part > whole or part * 100 < _thresholds()[0] * whole:
        return None
    low_ref, high_ref = _thresholds()[1]
    return f"states {part} in {whole}; trials report about {low_ref}–{high_ref}% response"



_OTHER_FORM = re.compile(r"\b(?:ketamine|lozenges?|troches?|tablets?|oral|sublingual|rdt|"
                         r"in (?:our|the|a) (?:clinic|office|center|centre))\b", re.I)


# A sentence that describes the in-clinic observation ("we observe you for two hours, then a friend
# drives you home") is the opposite of Spravato at home.
_IN_CLINIC = re.compile(r"\b(?:observ\w{1,6}|certified|healthcare setting|on[- ]site|in[- ](?:clinic|office)|"
                        r"(?:in|at) (?:our|the|a) (?:clinic|office|center|centre|practice)|"
                        r"driv(?:e|es|er|ing)|ride home|transportation)\b", re.I)


def _spravato_check(text: str, match: re.Match, sentence: tuple[int, int]) -> str | None:
    # "Spravato in clinic and ketamine lozenges at home": the home part is about another form.
    if _OTHER_FORM.search(match.group(0)) or _IN_CLINIC.search(text, sentence[0], sentence[1]):
        return None
    return ""



_KETAMINE_FORM = re.compile(r"\b(?:ketamine|infusions?|lozenges?|troches?|rdts?|compounded|intravenous|iv)\b", re.I)
_MENTAL_HEALTH = re.compile(r"\b(?:depress\w{0,5}|antidepress\w{0,5}|anxiety|ptsd|mental|mood|psychiatric|suicid\w{0,6}|"
                            r"ocd|bipolar|trauma|therap\w{0,5})\b", re.I)
_CORRECT_APPROVAL = re.compile(r"\b(?:spravato|esketamine|anesthe\w{0,6}|anaesthe\w{0,6}|sedation|"
                               r"off[- ]label)\b", re.I)


def _fda_check(text: str, match: re.Match, sentence: tuple[int, int]) -> str | None:
    """Approval claimed for racemic ketamine in mental health; the clause decides what was approved."""
    clause = text[sentence[0]:sentence[1]]
    start, end = match.start() - sentence[0], match.end() - sentence[0]
    left = max(clause.rfind(ch, 0, start) for ch in ",;:()—–")
    right_positions = [p for p in (clause.find(ch, end) for ch in ",;:()—–") if p != -1]
    clause = clause[left + 1:min(right_positions) if right_positions else len(clause)]
    whole = text[sentence[0]:sentence[1]]
    if not _KETAMINE_FORM.search(clause) and _MENTAL_HEALTH.search(clause) and _KETAMINE_FORM.search(whole) \
            and not re.search(r"\b(?:spravato|esketamine)\b", whole, re.I):
        clause = whole  # "As an FDA-approved antidepressant, ketamine infusion is ...": the subject is in the next clause
    if _CORRECT_APPROVAL.search(clause) or not _KETAMINE_FORM.search(clause) or not _MENTAL_HEALTH.search(clause):
        return None
    # "Spravato (esketamine) is an FDA approved ketamine-based treatment": the subject is esketamine
    before = text[sentence[0]:match.start()]
    if re.search(r"\b(?:spravato|esketamine)\b", before, re.I) and not re.search(r"\b(?:unlike|whereas|while|but|than)\b", before, re.I):
        return None
    return ""



_QUALIFIED_NO = re.compile(r"\b(?:little|few|minimal|almost|nearly|virtually|hardly|rarely)\b[^\n.!?]{0,6}$", re.I)
_NOT_HEALTH_RISK = re.compile(r"[\s-]{0,3}(?:consult\w{0,6}|trial|cancel\w{0,7}|refund|money|to try|obligation|"
                              r"commitment|call|assessment|evaluation|guarantee|to you|fees?|of (?:losing|forfeit\w{0,3}|"
                              r"being charged|a fee|fees|a charge|cancellation|your deposit))", re.I)
_ADDICTION_CONDITION = re.compile(r"[\s,]{0,3}(?:(?:when|if) (?:used|taken|given|administered|prescribed|dosed|"
                                  r"properly|correctly|appropriately)|at (?:low|therapeutic|these|the doses)|in (?:a |our )?"
                                  r"(?:medical|clinical|controlled)|as (?:prescribed|used|directed)|under)", re.I)


def _no_risk_check(text: str, match: re.Match, sentence: tuple[int, int]) -> str | None:
    if _QUALIFIED_NO.search(text[max(sentence[0], match.start() - 20):match.start()]):
        return None  # "few or no side effects" already admits some
    if _NOT_HEALTH_RISK.match(text, match.end()):
        return None  # "no-risk consultation" is about money or commitment
    return ""


def _addiction_check(text: str, match: re.Match, sentence: tuple[int, int]) -> str | None:
    return None if _ADDICTION_CONDITION.match(text, match.end()) else ""



_REFERRER = re.compile(r"\b(?:your|referral|refer\w{0,3}|from|inform|tell|ask|talk to|current)\b[^\n.!?]{0,25}$", re.I)


def _own_clinician(text: str, match: re.Match, sentence: tuple[int, int]) -> str | None:
    """A credential that belongs to the provider, not to the patient's own doctor or a referrer."""
    if _REFERRER.search(text[max(sentence[0], match.start() - 30):match.start()]):
        return None
    return ""


# Capitalised words that start sentences or name roles, not people.
NOT_NAMES = frozenset("""
a an the our we you your they their he she it this that these those my his her its i
staff nurses nurse doctors doctor physicians physician clinicians clinician providers provider patients patient
team everyone someone anyone each every all both some many most no our trained licensed medical clinical
ketamine spravato esketamine therapy therapists therapist psychiatrists psychiatrist care treatment sessions session
monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
september october november december dr mr mrs ms please then after before during once while when if upon here there
""".split())



_CREDENTIAL_HOLDER = re.compile(r"(?:\b(?:our|an?|the|by|staff|team)\s{1,3}|\(|\b[A-Z][a-z]{1,20},?\s{1,2})$")


def _credential_context(text: str, match: re.Match, sentence: tuple[int, int]) -> str | None:
    """An abbreviation such as MD or RN counts after "our", "an", "(" or a name, not as a state code."""
    before = text[max(sentence[0], match.start() - 25):match.start()]
    if not _CREDENTIAL_HOLDER.search(before) and not re.search(r"\b(?:our|an?|the|by|staff|team)\s{1,3}$", before, re.I):
        return None
    return _own_clinician(text, match, sentence)


def _is_name(word: str) -> bool:
    return word.lower() not in NOT_NAMES


def _named_person(text: str, match: re.Match, sentence: tuple[int, int]) -> str | None:
    names = [g for g in match.groups() if g]
    return "" if names and all(_is_name(n) for n in names) else None



_SESSION_WORDS = re.compile(r"\b(?:session|infusion|treatment|procedure|appointment|visit|dose|dosing|takes|lasts|"
                            r"effects)", re.I)


def _session_length(text: str, match: re.Match, sentence: tuple[int, int]) -> str | None:
    """A duration counts as a session length when its sentence is about a session or a dose."""
    return "" if _SESSION_WORDS.search(text, sentence[0], sentence[1]) else None



_RESULT_CUE = re.compile(r"\b(?:feel\w{0,3}|relie\w{1,5}|results?|better|recover\w{0,3}|heal\w{0,3}|cure\w{0,1}|"
                         r"work\w{0,1}|improv\w{1,5}|lighter|yourself again|old self|depress\w{0,5}|anxiety|symptoms|"
                         r"happ(?:y|ier)|life|change)\b", re.I)
_SERVICE_PROMISE = re.compile(r"\bpromise\w{0,2}\s{1,3}to\s{1,3}(?:answer|call|return|respond|reply|keep|protect|"
                              r"treat you with|listen|be honest|tell|explain|respect)", re.I)


def _promise_result_check(text: str, match: re.Match, sentence: tuple[int, int]) -> str | None:
    """A promise counts when its sentence is about how the patient will feel or fare, not about service."""
    if _SERVICE_PROMISE.search(text, sentence[0], sentence[1]):
        return None
    return "" if _RESULT_CUE.search(text, sentence[0], sentence[1]) else None


_PROMISER = re.compile(r"(?:\b(?:we|i)|\b(?:that['’]s|this is|it['’]s|is)\s{1,3}(?:our|my))\s{1,3}$", re.I)


def _promise_check(text: str, match: re.Match, sentence: tuple[int, int]) -> str | None:
    """"We promise ..." or "... that's our promise" about how the patient will feel."""
    if not _PROMISER.search(text[max(sentence[0], match.start() - 16):match.start()]):
        return None
    return _promise_result_check(text, match, sentence)


# Describing ketamine's street reputation is not selling a high.
_STREET_REPUTATION = re.compile(r"\b(?:club drug|street drug|party drug|known as|reputation|stigma|nickname|special k|"
                                r"abus\w{1,4}|misus\w{1,4}|illicit|recreational(?:ly)? us\w{1,3}|used recreationally|"
                                r"horse tranquili[sz]er|animal tranquili[sz]er)\b", re.I)


def _recreational_check(text: str, match: re.Match, sentence: tuple[int, int]) -> str | None:
    return None if _STREET_REPUTATION.search(text, sentence[0], sentence[1]) else ""


_CONDITION = re.compile(r"\b(?:depress\w{0,5}|anxiety|ptsd|ocd|symptoms?|pain|suicidal|trauma|mental health)\b", re.I)
_ENDING = re.compile(r"\b(?:gone|end\w{0,2}|fix\w{0,3}|cure\w{0,1}|heal\w{0,3}|eliminat\w{1,4}|eras\w{1,3}|rid|free|"
                     r"goodbye|beat|over|resolv\w{1,3}|disappear\w{0,2}|vanish\w{0,2})\b", re.I)


def _lasting_cure_check(text: str, match: re.Match, sentence: tuple[int, int]) -> str | None:
    """"Forever" or "for good" said of an illness ending, not of a lasting change in general."""
    window = text[sentence[0]:sentence[1]]
    return "" if _CONDITION.search(window) and _ENDING.search(window) else None


_SUFFERING = re.compile(r"\b(?:suffer\w{0,3}|struggl\w{1,3}|depress\w{0,5}|anxi\w{2,5}|ptsd|ocd|pain|panic|dark days)\b", re.I)


def _lasting_cure_any_check(text: str, match: re.Match, sentence: tuple[int, int]) -> str | None:
    """"Never ... again" said of the illness or the suffering, not of paperwork or waiting rooms."""
    return "" if _SUFFERING.search(match.group(0)) else None


# "Serious side effects are rare" is accurate; an unqualified "side effects are rare" is not.
_LIMITED_KIND = re.compile(r"\b(?:serious|severe|major|significant|dangerous|long[- ]term|lasting|permanent|lingering|"
                           r"life[- ]threatening|adverse)\s{1,3}(?:\w{1,15}\s{1,3})?$", re.I)


_TINY_SHARE = re.compile(r"\b(?:less than|under|fewer than|below)\s{1,3}[0-9]{1,2}(?:\.[0-9])?\s{0,2}(?:%|percent)", re.I)


def _unqualified_side_effects_check(text: str, match: re.Match, sentence: tuple[int, int]) -> str | None:
    """"Side effects are rare, affecting less than 2%": rarity put as a tiny share. "Rare and mild" alone is not."""
    if _LIMITED_KIND.search(text[max(sentence[0], match.start() - 30):match.start()]):
        return None
    return "" if _TINY_SHARE.search(text, match.end(), sentence[1]) else None


_SESSION_CUE = re.compile(r"\b(?:ketamine|journeys?|sessions?|infusions?|trips?|retreats?)\b", re.I)


def _drinks_with_ketamine_check(text: str, match: re.Match, sentence: tuple[int, int]) -> str | None:
    """Cocktails or a party offered alongside the ketamine session itself."""
    if not _SESSION_CUE.search(text, sentence[0], sentence[1]):
        return None
    return _recreational_check(text, match, sentence)


_ESKETAMINE = re.compile(r"\b(?:spravato|esketamine)\b", re.I)
_RACEMIC = re.compile(r"\bketamine\b", re.I)


def _breakthrough_check(text: str, match: re.Match, sentence: tuple[int, int]) -> str | None:
    """"Breakthrough therapy" said of ketamine itself (the FDA gave the designation to esketamine)."""
    window = text[sentence[0]:sentence[1]]
    if _ESKETAMINE.search(window) or not _RACEMIC.search(window) or "fda" not in window.lower():
        return None
    return ""


CHECKS = {
    "rate": _rate_check,
    "most": _most_check,
    "out_of": _out_of_check,
    "spravato": _spravato_check,
    "fda": _fda_check,
    "no_risk": _no_risk_check,
    "addiction": _addiction_check,
    "own_clinician": _own_clinician,
    "credential_context": _credential_context,
    "named_person": _named_person,
    "session_length": _session_length,
    "promise_result": _promise_result_check,
    "promise": _promise_check,
    "drinks_with_ketamine": _drinks_with_ketamine_check,
    "recreational": _recreational_check,
    "breakthrough": _breakthrough_check,
    "lasting_cure": _lasting_cure_check,
    "lasting_cure_any": _lasting_cure_any_check,
    "unqualified_side_effects": _unqualified_side_effects_check,
}
