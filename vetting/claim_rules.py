"""The claim-audit rules: what each flag and each answered question means, where it comes from,
and the patterns that find it in a provider's own words.

Every entry names its source (a seed id from the source documents and the section, as in
docs/DOMAIN.md) and the checklist criterion it feeds. The patterns are this project's own
general wording, not phrases copied from any page.

Linear time by construction: every repetition is bounded ({0,40} style), gaps never cross a
line or a sentence end (`[^\\n.!?]`), and each pattern starts with a literal word, so the cost
per position is a small constant. The engine in vetting/claims.py runs the patterns and applies
the context rules (questions, negation, warnings, qualifiers) described on each `Rule`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

# ---------------------------------------------------------------- what is checked, and why


@dataclass(frozen=True)
class FlagInfo:
    """A red flag the audit looks for in provider text."""

    id: str
    label: str
    why: str
    criterion_id: str
    source_id: str
    section: str


@dataclass(frozen=True)
class AnswerInfo:
    """A question from the checklist that provider text may answer."""

    id: str
    label: str
    question: str  # what to ask the provider when the text leaves it open
    why: str
    criterion_id: str
    source_id: str
    section: str


KETAMINE_101 = "seed-innerwell-ketamine-101"
MYTHS_FACTS = "seed-innerwell-myths-facts"
RISKS_BENEFITS = "seed-risks-benefits-explained"
LUMIN = "seed-lumin-medical-vs-nonmedical"
RED_FLAGS_SECTION = "How to Find a Reputable Ketamine Therapy Provider (red flags)"
QUESTIONS_SECTION = "How to Find a Reputable Ketamine Therapy Provider (questions to ask)"

# The outcome range trials report for treatment-resistant depression (DOMAIN.md §6).
REFERENCE_RESPONSE_RANGE = (40, 70)
INFLATED_THRESHOLD = 75  # a stated rate whose whole range is at or above this is flagged

FLAGS: dict[str, FlagInfo] = {
    flag.id: flag
    for flag in (
        FlagInfo(
            "guarantee_or_cure", "Guarantees results or promises a cure",
            "Ketamine helps many people but not everyone, so a promised result or a cure is a "
            "warning sign about how a provider talks to patients.",
            "no_guarantees", KETAMINE_101, RED_FLAGS_SECTION),
        FlagInfo(
            "inflated_efficacy", "Success rate above what trials report",
            "Trials in treatment-resistant depression report response in roughly 40 to 70% of "
            "patients, so a stated rate of 75% or more (or 'most patients recover') oversells it.",
            "success_rate_claims", MYTHS_FACTS, "What Are the Benefits?"),
        FlagInfo(
            "pressure_tactics", "Pressure to sign up quickly",
            "Urgency and scarcity (limited spots, offers that expire) push people to commit "
            "before they have checked a provider, which the sources list as a red flag.",
            "no_guarantees", KETAMINE_101, RED_FLAGS_SECTION),
        FlagInfo(
            "recreational_framing", "Sells an experience rather than medical treatment",
            "Presenting ketamine as a getaway, retreat or high instead of supervised medical care "
            "is what the sources separate from legitimate treatment.",
            "medical_framing", LUMIN, "The Role of Intent"),
        FlagInfo(
            "spravato_at_home", "Spravato (esketamine) offered for home use",
            "Spravato may only be given in a certified clinic with at least two hours of on-site "
            "observation after each dose; it is never handed out for use at home.",
            "rems_compliance", RISKS_BENEFITS, "When an In-Clinic Setting Makes Sense"),
        FlagInfo(
            "fda_overclaim", "Calls ketamine FDA-approved for mental health",
            "Only esketamine (Spravato) is FDA-approved for depression; ketamine itself is "
            "approved as an anaesthetic, and its use for mental health is off-label.",
            "no_guarantees", RISKS_BENEFITS, "Choosing a Reputable Provider"),
        FlagInfo(
            "minimizes_risk", "Says there are no side effects or no risk",
            "Ketamine commonly causes dissociation, nausea and a rise in blood pressure, and "
            "frequent high-dose use carries real risks, so 'no risk' claims mislead.",
            "no_guarantees", KETAMINE_101, "Common Short-Term Side Effects"),
    )
}

ANSWERS: dict[str, AnswerInfo] = {
    answer.id: answer
    for answer in (
        AnswerInfo(
            "screening_described", "Medical screening described",
            "What does your medical and psychiatric screening cover before the first treatment?",
            "A thorough screening finds the people for whom ketamine is unsafe.",
            "medical_screening", RISKS_BENEFITS, "Your Initial Screening and Prep"),
        AnswerInfo(
            "licensed_clinicians_named", "Licensed clinicians named",
            "Which licensed clinicians (MD, RN, NP, psychiatrist) treat patients?",
            "Treatment should be given by licensed medical professionals, not unlicensed guides.",
            "licensed_clinicians", KETAMINE_101, RED_FLAGS_SECTION),
        AnswerInfo(
            "monitoring_described", "Monitoring during treatment described",
            "What medical monitoring is provided during and after each dose?",
            "Blood pressure, pulse and oxygen (or, at home, regular check-ins) show problems early.",
            "vital_sign_monitoring", KETAMINE_101, QUESTIONS_SECTION),
        AnswerInfo(
            "adverse_reaction_handling", "Handling of adverse reactions described",
            "How do you handle adverse reactions and emergencies?",
            "A provider needs a plan and the means to act when a patient reacts badly.",
            "emergency_protocols", KETAMINE_101, QUESTIONS_SECTION),
        AnswerInfo(
            "integration_support", "Integration support offered",
            "What integration or follow-up support do you offer between and after sessions?",
            "Support to make sense of sessions is part of safe, lasting treatment.",
            "integration_support", RISKS_BENEFITS, "The Role of Integration and Support"),
        AnswerInfo(
            "supervisor_named", "Supervising clinician named",
            "Who, by name, will directly supervise my treatment?",
            "Knowing who is responsible for your care lets you check their licence.",
            "named_supervisor", KETAMINE_101, QUESTIONS_SECTION),
        AnswerInfo(
            "protocol_described", "Treatment protocol described",
            "What protocol do you follow: route, dose basis, number and length of sessions?",
            "A stated protocol (route, dosing basis, series length) shows a medical plan.",
            "protocol_described", KETAMINE_101, "Timeline"),
        AnswerInfo(
            "price_stated", "Price stated",
            "What does a session and a full series cost?",
            "Public prices let you compare providers before you commit.",
            "transparent_pricing", RISKS_BENEFITS, "Comparing Cost and Accessibility"),
        AnswerInfo(
            "insurance_stated", "Insurance position stated",
            "Do you take insurance, or help with out-of-network reimbursement, HSA or FSA?",
            "Off-label ketamine is rarely covered, so the payment position matters before you start.",
            "transparent_pricing", KETAMINE_101, "FAQ: Is ketamine covered by insurance?"),
    )
}

FLAG_IDS: tuple[str, ...] = tuple(FLAGS)
ANSWER_IDS: tuple[str, ...] = tuple(ANSWERS)

# ---------------------------------------------------------------- pattern building blocks


def gap(limit: int) -> str:
    """Up to `limit` characters that stay inside one sentence."""
    return rf"[^\n.!?]{{0,{limit}}}?"


W = r"\s{1,3}"  # a short run of spaces between words (rx keeps it on one line)
WORD = r"[A-Za-z'’-]{1,15}"
NUMBER_WORDS = ("one two three four five six seven eight nine ten eleven twelve "
                "thirteen fourteen fifteen sixteen eighteen twenty").split()
COUNT = r"(?:[0-9]{1,2}|" + "|".join(NUMBER_WORDS) + r")"
# A pattern that starts with a group whose alternatives do not all start with a letter makes re try
# every position; such rules are split in two, one led by digits and one by number words.
COUNT_WORDS = r"(?:" + "|".join(NUMBER_WORDS) + r")"
PEOPLE = r"(?:patients|clients|people|users|members|individuals|participants|veterans|adults|subjects|those)"

# Words that turn a clause around ("we never guarantee", "is not a cure").
NEGATION = re.compile(
    r"\b(?:not|never|no|none|nor|neither|without|cannot|nobody|nothing|nowhere|hardly|"
    r"can['’]?t|won['’]?t|isn['’]?t|aren['’]?t|doesn['’]?t|don['’]?t|didn['’]?t|wasn['’]?t|"
    r"shouldn['’]?t|mustn['’]?t|wouldn['’]?t|couldn['’]?t)\b",
    re.I)
# A sentence that warns about a claim is not making it ("beware of clinics that promise a cure").
WARNING = re.compile(
    r"\b(?:myths?|misconceptions?|misleading|beware|wary|red[- ]flags?|watch out|be cautious|"
    r"skeptical|sceptical|avoid|steer clear|falsely|false claims?|claims? (?:that|to)|untrue|"
    r"warning signs?)\b",
    re.I)
# Hedges that make "most patients" a qualified statement.
QUALIFIER = re.compile(
    r"\b(?:may|might|could|not everyone|not all|results (?:may )?vary|individual results|"
    r"although|though|however|some (?:patients|people|clients) (?:do not|don['’]t|may not|need))\b",
    re.I)
CONDITIONAL = re.compile(r"\b(?:if|whether|unless|wonder\w{0,3}|ask\w{0,3})\b", re.I)
# Contrasts like "unlike a recreational trip" or "rather than a party".
CONTRAST = re.compile(r"\b(?:unlike|rather than|instead of|as opposed to|differs? from|different from|versus|vs)\b", re.I)


@dataclass(frozen=True)
class Rule:
    """One pattern for a flag or an answer, with the context rules that apply to it.

    negation: "prefix" looks for a negation in the clause before the match; "inside" also in
    the matched words; "none" ignores it (the pattern carries its own). `check(text, match,
    sentence)` may veto a match (return None) or describe it (return a detail string).
    """

    pattern: re.Pattern
    negation: str = "prefix"
    warning: bool = True
    conditional: bool = False
    contrast: bool = False
    qualifier: bool = False
    check: Callable[[str, re.Match, tuple[int, int]], str | None] | None = None
    category: str = ""  # for protocol_described: which kind of concrete detail this is
    case_sensitive: bool = False  # runs on the original text, not the lower-cased copy


def rx(pattern: str, flags: int = re.I) -> re.Pattern:
    """Compile a rule for speed: a case-insensitive rule is lower-cased and runs on lower-cased text
    (re.I would make the engine try every position); a leading \\b is dropped because the engine
    checks the left word boundary itself, which lets re jump straight to the first literal.
    Whitespace runs never cross a line break (a line is a block of its own)."""
    if flags & re.I:
        pattern, flags = pattern.lower().replace("(?p<", "(?P<"), flags & ~re.I
    if pattern.startswith(r"\b"):
        pattern = pattern[2:]
    # "[0-9]{1,3}" and "[0-9][0-9]{0,2}" match alike, but only a leading character class lets re skip
    # straight to the digits instead of trying the repeat at every position.
    pattern = _LEADING_DIGITS.sub(lambda m: f"{m[1]}[0-9][0-9]{{0,{int(m[2]) - 1}}}", pattern, count=1)
    return re.compile(pattern.replace(r"\s{", r"[^\S\n]{"), flags)


_LEADING_DIGITS = re.compile(r"^((?:\(\?P<\w{1,20}>)?)\[0-9\]\{1,([2-9])\}")


# ---------------------------------------------------------------- flag patterns

RESULT_WORDS = (r"(?:results?|relief|success|outcomes?|improvement|recovery|remission|a cure|"
                r"to (?:work|help|heal|cure|relieve|improve|feel)|(?:that )?you(?:['’]ll| will)" + W +
                r"(?:feel|get|see|be|recover|improve))")

GUARANTEE_OR_CURE = (
    Rule(rx(r"\bguarantee[sd]?\b" + gap(40) + r"\b" + RESULT_WORDS)),
    Rule(rx(r"\b(?:results?|relief|success|improvement|recovery|remission|satisfaction)" + W +
            r"(?:is" + W + r"|are" + W + r")?guaranteed\b")),
    Rule(rx(r"\b(?:cures?|cured|curing|cure-all)\b(?![- ]?rate)"), conditional=True),
    Rule(rx(r"\bmiracle\b")),
    Rule(rx(r"\bmagic" + W + r"(?:bullet|pill|wand|cure|fix)\b")),
    Rule(rx(r"\bpermanent(?:ly)?" + W + r"(?:" + WORD + W + r")?(?:relief|fix|solution|end|eliminat\w{0,5}|"
            r"recovery|cure|heal\w{0,3}|free)\b")),
    Rule(rx(r"\b(?:eliminat\w{1,4}|end|erase|eradicat\w{1,4}|get rid of|beat)" + W + r"(?:your" + W + r")?"
            r"(?:depression|anxiety|ptsd|ocd|pain|suicidal" + W + r"\w{1,10})" + W +
            r"(?:for good|forever|permanently|once and for all)")),
    Rule(rx(r"\bnever" + W + r"(?:feel|be)" + W + r"(?:depressed|anxious|sad)" + W + r"again\b")),
    Rule(rx(r"\b100" + r"\s{0,2}(?:%|percent)" + r"\s{0,3}(?:success|effective|guaranteed|results?|cure)")),
    Rule(rx(r"\b(?:we" + W + r"|will" + W + r")promise\w{0,2}" + W + r"(?:you" + W + r")?" + RESULT_WORDS)),
    Rule(rx(r"\bworks?" + W + r"for" + W + r"(?:everyone|everybody|every" + W + r"(?:patient|person|one)|all" + W +
            r"(?:patients|people))\b")),
)

_PERCENT = r"\s{0,2}(?:%|percent|per cent)"
# Starts with a digit class (fast to scan for); "up to" before it is checked in _rate_check.
_RATE = (r"(?P<lo>[0-9]{1,3}(?:\.[0-9]{1,2})?)(?:" + _PERCENT +
         r")?(?:\s{0,2}(?:-|–|—|to)\s{0,2}(?P<hi>[0-9]{1,3}(?:\.[0-9]{1,2})?))?" + _PERCENT)
_EFFECT_VERB = (r"(?:respond\w{0,3}|improv\w{1,4}|recover\w{0,3}|relie\w{1,5}|remission|better|benefit\w{0,3}|"
                r"success\w{0,4}|results?|symptom relief|reduc\w{1,5} (?:their |in )?symptoms|"
                r"fewer symptoms|effective)")
_OTHER_TREATMENT = re.compile(
    r"\b(?:antidepressants?|ssris?|snris?|ect|electroconvulsive|placebo|tms|talk therapy|"
    r"psychotherapy alone|medications?)\b", re.I)
_NOT_A_RATE = re.compile(r"^\s{0,3}(?:fewer|less|lower|reduction|decrease|drop|off|discount|bioavailab)", re.I)
# Only a ceiling is stated ("up to 90%"), so the whole range is not above the threshold.
_UPPER_ONLY = re.compile(r"\b(?:up to|as many as|as high as)\s{1,3}$", re.I)


def _rate_check(text: str, match: re.Match, sentence: tuple[int, int]) -> str | None:
    """A stated response rate whose whole range is at or above the threshold, for ketamine itself."""
    before_number = text[max(0, match.start("lo") - 15):match.start("lo")]
    if _UPPER_ONLY.search(before_number) or before_number[-1:] in (".", ",") or before_number[-1:].isdigit():
        return None
    numbers = [float(match.group("lo"))] + ([float(match.group("hi"))] if match.group("hi") else [])
    low = min(numbers)
    if not INFLATED_THRESHOLD <= low <= 100 or max(numbers) > 100:
        return None
    end_of_number = match.end("hi") if match.group("hi") else match.end("lo")
    after = re.sub(r"^\s{0,2}(?:%|percent|per cent)", "", text[end_of_number:min(end_of_number + 24, sentence[1])],
                   flags=re.I)
    if _NOT_A_RATE.match(after):
        return None  # "80% fewer symptoms" is a size of change, not a share of patients
    before = text[max(sentence[0], match.start() - 80):match.start()]
    if _OTHER_TREATMENT.search(before) and not re.search(r"\bketamine|spravato|esketamine|infusion", before, re.I):
        return None  # the rate belongs to another treatment being compared
    stated = match.group("lo") + ("–" + match.group("hi") if match.group("hi") else "")
    low_ref, high_ref = REFERENCE_RESPONSE_RANGE
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
    low_ref, high_ref = REFERENCE_RESPONSE_RANGE
    return f"claims most patients improve without qualification; trials report about {low_ref}–{high_ref}% response"


def _out_of_check(text: str, match: re.Match, sentence: tuple[int, int]) -> str | None:
    words = {w: i + 1 for i, w in enumerate(NUMBER_WORDS[:12])}

    def value(token: str) -> int:
        return int(token) if token.isdigit() else words.get(token.lower(), 0)

    part, whole = value(match.group("part")), value(match.group("whole"))
    if not whole or part > whole or part * 100 < INFLATED_THRESHOLD * whole:
        return None
    low_ref, high_ref = REFERENCE_RESPONSE_RANGE
    return f"states {part} in {whole}; trials report about {low_ref}–{high_ref}% response"


INFLATED_EFFICACY = (
    # "85% of our patients respond"
    Rule(rx(_RATE + r"\s{0,3}of" + W + r"(?:our" + W + r"|the" + W + r"|all" + W + r"|my" + W + r")?"
            r"(?:" + WORD + W + r"){0,2}?" + PEOPLE + r"\b" + gap(60) + r"\b" + _EFFECT_VERB),
         negation="inside", check=_rate_check),
    # "an 85% success rate", "is 90% effective"
    Rule(rx(_RATE + r"\s{0,3}(?:" + WORD + W + r")?(?:(?:success|response|remission|efficacy|"
            r"effectiveness|improvement|recovery)" + W + r"rates?|effective|efficacy|success)\b"), check=_rate_check),
    # "a success rate of 85%"
    Rule(rx(r"\b(?:success|response|remission|efficacy|effectiveness|improvement|recovery)" + W + r"rates?" +
            gap(30) + _RATE), check=_rate_check),
    # "works for 90% of patients", "relief in over 80% of people"
    Rule(rx(r"\b(?:works?|effective|relie\w{1,5}|respon\w{1,5}|improv\w{1,5}|helps?|helped|remission)" + W +
            r"(?:\w{1,12}" + W + r"){0,2}?(?:in|for)" + W + _RATE), check=_rate_check),
    # "9 out of 10 patients feel better"
    *(Rule(rx(part + W + r"(?:out" + W + r")?of" + W + r"(?:every" + W + r")?(?P<whole>[0-9]{1,3}|ten|five|four)" + W +
              r"(?:of" + W + r"our" + W + r")?" + PEOPLE + gap(50) + r"\b" + _EFFECT_VERB),
           negation="inside", check=_out_of_check)
      for part in (r"(?P<part>[0-9]{1,2})", r"\b(?P<part>" + "|".join(NUMBER_WORDS[:12]) + r")")),
    # "most patients recover", "the majority of our clients experience relief"
    Rule(rx(r"\b(?:most|nearly all|almost all|virtually all|all|every one|the (?:vast |overwhelming )?majority)" + W +
            r"(?:of" + W + r")?(?:our" + W + r"|the" + W + r"|my" + W + r")?" + PEOPLE + r"\b" + gap(50) +
            r"\b(?:recover\w{0,3}|respond\w{0,3}|feel\w{0,3}" + W + r"(?:better|relief|improvement)|"
            r"(?:find|get|experience|report|see|notice|achieve|feel)\w{0,2}" + W + r"(?:" + WORD + W + r"){0,2}?"
            r"(?:relief|reduced symptoms|reduction in symptoms|improvement|results|remission|better)|improve[sd]?|"
            r"get better|are cured|go into remission)"),
         negation="inside", qualifier=True, check=_most_check),
)

PRESSURE_TACTICS = (
    Rule(rx(r"\blimited[- ](?:time|availability|spots?|spaces?|openings?|slots?|offers?|enrollment|enrolment)\b")),
    Rule(rx(r"\b(?:only|just)" + W + r"(?:\d{1,3}|a few|few|one|two|three|four|five)" + W + r"(?:" + WORD + W + r")?"
            r"(?:spots?|openings?|slots?|appointments?|spaces?|seats?|places?)" + W + r"(?:left|remain\w{0,3})\b")),
    Rule(rx(r"\b(?:act|book|call|sign up|enrol\w{0,2}|buy|schedule|reserve|register)" + W + r"(?:now|today)" + W +
            r"(?:before|to (?:lock|secure|save|claim|get the)|and (?:save|get \d))")),
    Rule(rx(r"\b(?:offer|discount|deal|special|promotion|promo|price|pricing|sale)" + W + r"(?:" + WORD + W + r")?"
            r"(?:ends|expires?|won['’]t last|will not last|is ending)\b")),
    Rule(rx(r"\b(?:spots?|appointments?|openings?|slots?|spaces?)" + W + r"(?:are" + W + r")?(?:filling|going|booking)" +
            W + r"(?:up" + W + r")?(?:fast|quickly)")),
    Rule(rx(r"\b(?:last chance|today only|hurry|don['’]t miss out|do not miss out|before it['’]s too late|"
            r"while (?:spots|supplies|openings) last|first come,? first served)\b")),
    Rule(rx(r"\b(?:prices?|rates?)" + W + r"(?:will" + W + r")?(?:go(?:es|ing)?" + W + r"up|increase|rise)" + W +
            r"(?:soon|on|after|next|at midnight)")),
)

RECREATIONAL_FRAMING = (
    Rule(rx(r"\b(?:ketamine|psychedelic|healing|wellness|luxury|weekend|week-long|weeklong|immersive|destination|"
            r"personal|private|group)[- ]?\s{0,2}(?:" + WORD + W + r")?retreats?\b"), contrast=True),
    Rule(rx(r"\bretreats?" + W + r"(?:" + WORD + W + r")?(?:in|at|to)" + W + r"(?:the" + W + r")?"
            r"(?:woods|mountains|beach|forest|desert|island|jungle|coast|countryside|lake)"), contrast=True),
    Rule(rx(r"\b(?:get|getting|feel|feeling)" + W + r"high\b"), contrast=True),
    Rule(rx(r"\bk[- ]?hole\b")),
    Rule(rx(r"\brecreational" + W + r"(?:experience|session|journey|trip|adventure|fun|getaway|escape)s?\b"),
         contrast=True),
    Rule(rx(r"\b(?:fun|exciting|euphoric|blissful|mind[- ]blowing|trippy|wild)" + W + r"(?:" + WORD + W + r")?"
            r"(?:trip|ride|adventure|high|escape|getaway)\b"), contrast=True),
    Rule(rx(r"\b(?:psychedelic|ketamine)" + W + r"(?:adventure|getaway|vacation|escape|party|parties)\b"), contrast=True),
    Rule(rx(r"\b(?:vacation|getaway|holiday|escape)" + W + r"for" + W + r"(?:your|the)" + W + r"(?:mind|brain|soul)\b"),
         contrast=True),
)

_HOME = (r"(?:at[- ]home|home[- ]use|(?:from|in)" + W + r"(?:the" + W + r"comfort" + W + r"of" + W + r")?(?:your" + W +
         r")?(?:own" + W + r")?home|delivered|shipped|mailed|to your door|take[- ]home)")
_OTHER_FORM = re.compile(r"\b(?:ketamine|lozenges?|troches?|tablets?|oral|sublingual|rdt|"
                         r"in (?:our|the|a) (?:clinic|office|center|centre))\b", re.I)


def _spravato_check(text: str, match: re.Match, sentence: tuple[int, int]) -> str | None:
    # "Spravato in clinic and ketamine lozenges at home": the home part is about another form.
    return None if _OTHER_FORM.search(match.group(0)) else ""


SPRAVATO_AT_HOME = (
    Rule(rx(r"\b(?:spravato|esketamine)\b" + gap(50) + r"\b" + _HOME), negation="inside", check=_spravato_check),
    Rule(rx(r"\b(?:at[- ]home|home[- ]based|home)" + W + r"(?:spravato|esketamine)\b"), negation="inside"),
    Rule(rx(r"\b(?:ship|deliver|mail)\w{0,3}" + W + gap(30) + r"\b(?:spravato|esketamine)\b"), negation="inside",
         check=_spravato_check),
)

_KETAMINE_FORM = re.compile(r"\b(?:ketamine|infusions?|lozenges?|troches?|rdts?|compounded|intravenous|iv)\b", re.I)
_MENTAL_HEALTH = re.compile(r"\b(?:depress\w{0,5}|anxiety|ptsd|mental|mood|psychiatric|suicid\w{0,6}|ocd|bipolar|"
                            r"trauma)\b", re.I)
_CORRECT_APPROVAL = re.compile(r"\b(?:spravato|esketamine|anesthe\w{0,6}|anaesthe\w{0,6}|sedation|"
                               r"off[- ]label)\b", re.I)


def _fda_check(text: str, match: re.Match, sentence: tuple[int, int]) -> str | None:
    """Approval claimed for racemic ketamine in mental health; the clause decides what was approved."""
    clause = text[sentence[0]:sentence[1]]
    start, end = match.start() - sentence[0], match.end() - sentence[0]
    left = max(clause.rfind(ch, 0, start) for ch in ",;:()—–")
    right_positions = [p for p in (clause.find(ch, end) for ch in ",;:()—–") if p != -1]
    clause = clause[left + 1:min(right_positions) if right_positions else len(clause)]
    if _CORRECT_APPROVAL.search(clause) or not _KETAMINE_FORM.search(clause) or not _MENTAL_HEALTH.search(clause):
        return None
    return ""


FDA_OVERCLAIM = (
    Rule(rx(r"\b(?:FDA|food and drug administration)[- ]?(?:approved|cleared|approval)\b"), negation="prefix",
         check=_fda_check),
    Rule(rx(r"\bapproved" + W + r"by" + W + r"the" + W + r"(?:U\.?S\.?" + W + r")?(?:FDA|food and drug administration)\b"),
         check=_fda_check),
)

_SEVERITY = (r"(?:known|serious|severe|major|significant|long[- ]term|lasting|permanent|harmful|negative|adverse|real|"
             r"dangerous|bad|lingering)")
_QUALIFIED_NO = re.compile(r"\b(?:little|few|minimal|almost|nearly|virtually|hardly|rarely)\b[^\n.!?]{0,6}$", re.I)
_NOT_HEALTH_RISK = re.compile(r"^[\s-]{0,3}(?:consult\w{0,6}|trial|cancel\w{0,7}|refund|money|to try|obligation|"
                              r"commitment|call|assessment|evaluation|guarantee|to you|fees?)", re.I)
_ADDICTION_CONDITION = re.compile(r"^[\s,]{0,3}(?:when|if|at (?:low|therapeutic|these|the doses)|in (?:a |our )?"
                                  r"(?:medical|clinical|controlled)|as (?:prescribed|used|directed)|under)", re.I)


def _no_risk_check(text: str, match: re.Match, sentence: tuple[int, int]) -> str | None:
    if _QUALIFIED_NO.search(text[max(sentence[0], match.start() - 20):match.start()]):
        return None  # "few or no side effects" already admits some
    if _NOT_HEALTH_RISK.match(text, match.end()):
        return None  # "no-risk consultation" is about money or commitment
    return ""


def _addiction_check(text: str, match: re.Match, sentence: tuple[int, int]) -> str | None:
    return None if _ADDICTION_CONDITION.match(text, match.end()) else ""


MINIMIZES_RISK = (
    Rule(rx(r"\b(?:no|zero|without(?:" + W + r"any)?)" + W + r"(?:" + _SEVERITY + W + r"(?:(?:or|and|,)" + W + _SEVERITY +
            W + r")?)?(?:side[- ]effects?|risks?(?![-\w])|dangers?|adverse" + W +
            r"(?:effects|reactions|events)|complications|health risks?)"),
         conditional=True, check=_no_risk_check),
    Rule(rx(r"\b(?:completely|totally|100\s{0,2}%|perfectly|absolutely|entirely|100 percent)" + W +
            r"(?:safe|harmless|risk[- ]free)\b"), conditional=True),
    Rule(rx(r"\brisk[- ]free\b"), conditional=True, check=_no_risk_check),
    Rule(rx(r"\bsafe" + W + r"for" + W + r"(?:everyone|everybody|anyone|all" + W + PEOPLE + r")\b"), conditional=True),
    Rule(rx(r"\bnon[- ]?addictive\b"), conditional=True, check=_addiction_check),
    Rule(rx(r"\b(?:not|isn['’]t|never)" + W + r"(?:physically" + W + r"|chemically" + W + r"|inherently" + W + r")?"
            r"(?:addictive|habit[- ]forming)\b(?:" + W + r"at" + W + r"all)?"), conditional=True, check=_addiction_check),
    Rule(rx(r"\b(?:no|zero)" + W + r"(?:risk" + W + r"of" + W + r"|addictive" + W + r")?(?:addiction|dependence|"
            r"dependency|potential|properties)\b"), conditional=True, check=_addiction_check),
    Rule(rx(r"\b(?:impossible|can['’]?t|cannot)" + W + r"(?:to" + W + r")?(?:get|become|be)" + W + r"addicted"),
         conditional=True, check=_addiction_check),
)

FLAG_RULES: dict[str, tuple[Rule, ...]] = {
    "guarantee_or_cure": GUARANTEE_OR_CURE,
    "inflated_efficacy": INFLATED_EFFICACY,
    "pressure_tactics": PRESSURE_TACTICS,
    "recreational_framing": RECREATIONAL_FRAMING,
    "spravato_at_home": SPRAVATO_AT_HOME,
    "fda_overclaim": FDA_OVERCLAIM,
    "minimizes_risk": MINIMIZES_RISK,
}

# ---------------------------------------------------------------- answer patterns
# Answers ignore negation ("we do not take insurance" still answers the insurance question);
# questions in the text ("How do you handle side effects?") do not answer anything.


def answer(pattern: str, flags: int = re.I, check=None, category: str = "") -> Rule:
    return Rule(rx(pattern, flags), negation="none", warning=False, check=check, category=category,
                case_sensitive=not flags & re.I)


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

_NAME = r"(?:[A-Z][a-z'’]{1,20}(?:-[A-Z][a-z]{1,20})?)"
_CREDENTIAL = r"(?:M\.?D\.?|D\.O\.|R\.?N\.?|APRN|CRNA|N\.?P\.?|PMHNP(?:-BC)?|FNP(?:-C|-BC)?|DNP|PA-C|Ph\.?D\.?|LCSW|LMFT|LPC)"


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


LICENSED_CLINICIANS_NAMED = (
    answer(r"\b(?:psychiatrists?|anesthesiologists?|anaesthetists?|nurse practitioners?|registered nurses?|"
           r"medical doctors?|nurse anesthetists?|psychiatric nurses?|board[- ]certified" + W +
           r"(?:physicians?|doctors?))\b", check=_own_clinician),
    answer(_CREDENTIAL + r"s?(?![A-Za-z])(?!\s{0,2}\d)", flags=0, check=_credential_context),
    answer(r"\bDr\.?\s{1,2}(" + _NAME + r")", flags=0, check=_named_person),
)

SUPERVISOR_NAMED = (
    # "Dr. Rivera will review", "Dr Chen oversees"
    answer(r"\bDr\.?\s{1,2}(" + _NAME + r")(?:\s{1,2}" + _NAME + r")?" + gap(60) +
           r"\b(?:supervis\w{1,5}|overs\w{2,5}|monitor\w{0,3}|administer\w{0,3}|review\w{0,3}|lead\w{0,3}|leads|"
           r"direct\w{0,3}|prescrib\w{1,4}|evaluat\w{1,4}|assess\w{0,4}|discuss\w{0,3}|see\w{0,3} (?:you|every|each)|"
           r"meet\w{0,3}|manag\w{1,4}|present|perform\w{0,3}|determin\w{1,4}|treat\w{0,3}|medical director)",
           flags=0, check=_named_person),
    # "medical director Dr. Rivera", "our RN, Sam"
    answer(r"\b(?:Medical [Dd]irector|medical [Dd]irector|Our (?:RN|MD|NP|nurse|psychiatrist|anesthesiologist|"
           r"physician|doctor|clinician|prescriber)|our (?:RN|MD|NP|nurse|psychiatrist|anesthesiologist|physician|doctor|"
           r"clinician|prescriber))\s{0,2},?\s{0,2}(?:is\s{1,3})?(?:Dr\.?\s{1,2})?(" + _NAME + r")", flags=0,
           check=_named_person),
    # "Ana Ruiz, MD" (a first and last name: "Rockville, MD" is a place)
    answer(r"\b(" + _NAME + r")\s{1,2}(" + _NAME + r"),?\s{1,2}(?:RN|MD|M\.D\.|NP|APRN|CRNA|PMHNP|DNP|DO|D\.O\.)"
           r"(?![A-Za-z])(?!\s{0,2}[0-9])", flags=0, check=_named_person),
    # "Sam (our RN)", "Sam, our nurse practitioner,"
    answer(r"\b(" + _NAME + r")(?:\s{1,2}(" + _NAME + r"))?\s{0,2}(?:\((?:our\s{1,3}|the\s{1,3})?|,\s{1,2}(?:our|the|a)\s{1,3})"
           r"(?:RN|MD|NP|APRN|CRNA|PMHNP|registered nurse|nurse practitioner|nurse|psychiatrist|anesthesiologist|"
           r"medical director)\b", flags=0, check=_named_person),
    # "Sam and Alex will monitor", "Jordan supervises"
    answer(r"\b(" + _NAME + r")(?:,?\s{1,3}(?:and|&)\s{1,3}(" + _NAME + r"))?\s{1,3}(?:will\s{1,3}|who\s{1,3})?"
           r"(?:monitor|supervis|oversee|administer|watch over|check)\w{0,3}\b", flags=0, check=_named_person),
)

SCREENING = (
    answer(r"\b(?:medical|psychiatric|health|mental health|clinical|thorough|comprehensive|initial)" + W +
           r"(?:screening|evaluation|assessment|intake|eligibility|clearance|exam(?:ination)?)\b"),
    answer(r"\bscreen(?:s|ed|ing)?\b" + gap(30) + r"\b(?:for|patients|contraindicat\w{0,6}|eligib\w{0,6}|history)"),
    answer(r"(?:contra-?indicat\w{0,6}|medical contradictions?)\b"),
    answer(r"\b(?:review|discuss|go over|goes over|assess|evaluat)\w{0,4}\b" + gap(30) +
           r"\b(?:medical history|health history|medications|medical records|psychiatric history|diagnosis)\b"),
    answer(r"\bmedical records\b"),
    answer(r"(?:not a|not|good|right|suitable|appropriate|eligible)" + W + r"candidates?\b"),
)

MONITORING = (
    answer(r"\bmonitor(?:s|ed|ing)?\b" + gap(40) + r"\b(?:vital|blood pressure|heart|oxygen|pulse|breathing|"
           r"throughout|during|after|closely|continuous\w{0,2}|for" + W + r"(?:at least" + W + r")?\w{1,5}" + W +
           r"(?:hours?|minutes)|you|patients|the group|each|every|your)"),
    answer(r"\b(?:continuous\w{0,2}|closely|constantly)" + W + r"monitor\w{0,3}"),
    answer(r"(?:vital signs?|vitals|oxygen saturation|pulse oximet\w{1,4}|heart rhythm|ecg|ekg)\b"),
    answer(r"\bblood pressure\b" + gap(30) + r"\b(?:monitor\w{0,3}|check\w{0,3}|measur\w{1,4}|track\w{0,3})"),
    answer(r"\b(?:monitor\w{0,3}|check\w{0,3}|measur\w{1,4}|track\w{0,3})" + gap(30) + r"\bblood pressure\b"),
    answer(r"\b(?:virtual|video|regular|weekly|scheduled|clinician|follow-up)" + W + r"check-?ins?\b"),
    answer(r"\b(?:treatment|session|infusion|dose|dosing|patients?|you)\w{0,2}" + W + r"(?:is" + W + r"|are" + W +
           r"|will be" + W + r")?(?:supervised|monitored|observed)\b"),
    answer(r"\bobserv(?:e|ed|ation)\b" + gap(30) + r"\b(?:hours?|minutes)\b"),
)

_ADVERSE_TERMS = (r"(?:side effects?|nausea|vomiting|dizziness|blood pressure|adverse|reactions?|emergenc\w{1,4}|"
                  r"these symptoms|discomfort|distress|panic|anxiety during)")
ADVERSE = (
    answer(r"\b(?:treat|manage|handle|address|reduce|relieve|eliminate|prevent|help with|respond to|minimi[sz]e)\w{0,3}"
           r"\b" + gap(25) + r"\b" + _ADVERSE_TERMS),
    answer(r"\b(?:anti-?nausea|zofran|ondansetron)\b"),
    answer(r"\bemergenc(?:y|ies)" + W + r"(?:protocols?|equipment|plans?|procedures?|medications?|response)\b"),
    answer(r"\b(?:crash cart|ACLS|BLS|advanced cardiac life support|basic life support|defibrillator|AED)\b"),
    answer(r"\b(?:lower\w{0,3}|adjust\w{0,3}|reduc\w{1,4}|split\w{0,4}|stop\w{0,4}|paus\w{1,4}|slow\w{0,3})" + W +
           r"(?:the" + W + r"|your" + W + r"|their" + W + r")?(?:dose|dosage|infusion|rate)\b" + gap(40) +
           r"\b(?:side effects?|nausea|discomfort|uncomfortable|distress|reduce|feel|doesn['’]t feel good|if)"),
    answer(r"\bif" + W + r"(?:you|a patient|patients)" + W + r"(?:experience|feel|have|develop)\w{0,2}" + W +
           r"(?:any" + W + r")?(?:side effects?|discomfort|distress|an adverse|nausea|a reaction)"),
)

INTEGRATION = (
    answer(r"\bintegration\b"),
    answer(r"\brefer\w{0,4}\b" + gap(40) + r"\b(?:therapists?|counsel\w{1,5}|psychotherap\w{1,5})"),
    answer(r"\bnetwork" + W + r"of" + W + r"(?:\w{1,12}" + W + r")?(?:therapists?|counsel\w{1,5}|providers)"),
    answer(r"\b(?:we|our team)\b" + gap(30) + r"\b(?:offer|provide|include)\w{0,2}\b" + gap(40) +
           r"\b(?:therapy sessions?|counsel\w{1,5}|coaching|support groups?|follow-?up (?:sessions?|calls?|visits?|care))"),
    answer(r"\b(?:therapy|counsel\w{0,5}|coaching)" + W + r"(?:sessions?" + W + r")?(?:after|following|between)" + W +
           r"(?:your" + W + r"|each" + W + r")?(?:sessions?|infusions?|treatments?|doses?|dosing)"),
)

# protocol_described: two different kinds of concrete detail.
_SESSION_WORDS = re.compile(r"\b(?:session|infusion|treatment|procedure|appointment|visit|dose|dosing|takes|lasts|"
                            r"effects)", re.I)


def _session_length(text: str, match: re.Match, sentence: tuple[int, int]) -> str | None:
    """A duration counts as a session length when its sentence is about a session or a dose."""
    return "" if _SESSION_WORDS.search(text, sentence[0], sentence[1]) else None

PROTOCOL = (
    answer(r"\b(?:intravenous\w{0,2}|infusions?|intramuscular\w{0,2}|injections?|troches?|lozenges?|sublingual\w{0,2}|"
           r"oral" + W + r"(?:tablets?|ketamine|doses?)|tablets|nasal sprays?|intranasal)\b", category="route"),
    answer(r"\b(?:IV|IM)\b", flags=0, category="route"),
    answer(r"\b(?:series|course|round|induction|set)" + W + r"of" + W + COUNT + r"\b", category="sessions"),
    answer(r"[0-9]{1,2}" + W + r"(?:" + WORD + W + r")?(?:sessions|infusions|treatments|injections|doses)" + W +
           r"over\b", category="sessions"),
    answer(r"\b" + COUNT_WORDS + W + r"(?:" + WORD + W + r")?(?:sessions|infusions|treatments|injections|doses)" + W +
           r"over\b", category="sessions"),
    answer(r"\b(?:course|series|induction)\b" + gap(40) + r"\b" + COUNT + W + r"(?:" + WORD + W + r")?"
           r"(?:sessions|infusions|treatments|injections)\b", category="sessions"),
    answer(r"[0-9]{1,3}(?:\s{0,2}(?:-|–|to)\s{0,2}[0-9]{1,3})?\s{0,2}-?\s{0,2}(?:minutes?|mins?|hours?)\b",
           check=_session_length, category="length"),
    answer(r"\b(?:forty|fifty|sixty|ninety|one|two|three)\s{0,2}-?\s{0,2}(?:minutes?|mins?|hours?)\b",
           check=_session_length, category="length"),
    answer(r"(?:mg\s{0,2}/\s{0,2}kg|mg per (?:kg|kilogram)|milligrams? per kilogram)\b", category="dosing"),
    answer(r"\bdos(?:e|es|age|ing)\b" + gap(40) + r"\b(?:based (?:up)?on|according to|depend\w{0,3} on|tailored|"
           r"calculated|weight)", category="dosing"),
    answer(r"\btitrat\w{1,6}\b", category="dosing"),
    answer(r"\b(?:adjust\w{0,3}|split\w{0,4})" + W + r"(?:the" + W + r"|your" + W + r")?dos(?:e|es|age|ing)\b",
           category="dosing"),
)

PRICE = (
    answer(r"\$\s{0,2}\d[\d,]{0,9}(?:\.\d{2})?"),
    answer(r"[0-9][0-9,]{0,9}" + W + r"(?:dollars|usd)\b"),
)

INSURANCE = (
    answer(r"(?:insurance|insurers?|in-?network|out[- ]of[- ]network|medicare|medicaid|tricare|superbills?|"
           r"co-?pays?|reimburs\w{1,6}|hsa|fsa)\b"),
)

ANSWER_RULES: dict[str, tuple[Rule, ...]] = {
    "screening_described": SCREENING,
    "licensed_clinicians_named": LICENSED_CLINICIANS_NAMED,
    "monitoring_described": MONITORING,
    "adverse_reaction_handling": ADVERSE,
    "integration_support": INTEGRATION,
    "supervisor_named": SUPERVISOR_NAMED,
    "protocol_described": PROTOCOL,
    "price_stated": PRICE,
    "insurance_stated": INSURANCE,
}
# A named supervisor is also a named clinician.
ANSWER_IMPLIES = {"supervisor_named": ("licensed_clinicians_named",)}
PROTOCOL_DETAILS_NEEDED = 2

