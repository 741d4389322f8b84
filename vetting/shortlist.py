"""A shortlist of providers: the URL parameter, the comparison, its CSV, and the shortlist file.

Pure (no streamlit): the Compare page and ui.py only render what this module returns.

- `parse_param` / `to_param`: `?shortlist=id1,id2` <-> a list of ids; unknown ids are dropped
  with a note.
- `add` / `remove`: new lists, never mutating; adding is idempotent (an id already in the list
  changes nothing), and the list holds at most MAX_SHORTLIST ids (what Compare shows side by side).
- `compare`: one row per provider and fact, with the value as text and the source URLs it comes
  from (none for an unknown value, and none for your own quote); `comparison_table` puts providers
  side by side and marks facts that differ; `comparison_csv` is one row per provider with a
  `<fact>_source_urls` column beside every fact, so it holds the referral packet's summary too.
- `export_file` / `parse_file` / `merge_answers`: the shortlist file
  {"version": 1, "exported_on": "YYYY-MM-DD", "shortlist": [ids], "answers": [...]} (or the
  comparison CSV's provider_id column) and how an import joins what the session already holds.

Merge rule for imported answers: answers are keyed by provider + item. An imported answer is
taken when the session has none for that key, or when it was recorded on a later date than the
session's; on the same date or earlier the session's own answer is kept (nothing you recorded is
overwritten by an answer that is not newer).
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable, Mapping

import pandas as pd

from .answers import ANSWER_COLUMNS, answers_frame
from .checklists import applicable_questions, criteria, patient_questions
from .costs import CostInputError, Quote, estimate_course, usd_range
from .geo import distance_label, haversine_miles, zip_location
from .prices import describe_price, per_session_prices, prices_for
from .schemas import ID_PATTERN
from .scoring import criterion_statuses, grade_text, score
from .spreadsheet import safe_cell
from .vocab import CARE_SETTINGS, PROVIDER_STATUSES, ROUTES, SUPERVISION_MODELS, fact_pages, split_list

MAX_SHORTLIST = 6
MAX_FILE_BYTES = 1_000_000
FILE_VERSION = 1
PARAM = "shortlist"
_ID = re.compile(ID_PATTERN)

# (fact id, label) in the order the comparison shows them; the CSV uses the ids as column names.
FACTS = [
    ("status", "Status"),
    ("care_setting", "Care setting"),
    ("routes", "Routes"),
    ("supervision_model", "Supervision"),
    ("phone", "Phone"),
    ("location", "Address or states served"),
    ("distance", "Distance from your ZIP"),
    ("insurance", "Insurance and payment (as stated)"),
    ("prices", "Known prices (as listed)"),
    ("course_estimate", "Induction estimate"),
    ("grade", "Checklist grade"),
    ("red_flags", "Red flags"),
    ("coverage", "Criteria known (coverage)"),
    ("open_questions", "Questions still open"),
    ("checked_on", "Checked on"),
    ("website", "Website"),
    ("your_quote", "Your quote (entered by you)"),
]
FACT_LABELS = dict(FACTS)
# Facts that are always different by nature: no "differs" marker for them.
NOT_COMPARED = {"website", "your_quote"}
# The summary a coordinator reads first: page 1 of the referral packet, and the CSV carries it too.
SUMMARY_FACTS = ["phone", "location", "routes", "care_setting", "prices", "insurance", "grade", "red_flags",
                 "open_questions", "your_quote"]
FACT_COLUMNS = ["provider_id", "name", "fact", "label", "value", "source_urls"]


# ---------------------------------------------------------------------------------------------
# The list and the URL parameter


def parse_param(raw, known_ids: Iterable[str]) -> tuple[list[str], list[str]]:
    """Ids from a `?shortlist=` value (text or a list of texts, comma-separated), in order, each once.

    Unknown or malformed ids are dropped with a note; ids past MAX_SHORTLIST are dropped with a note."""
    if raw is None:
        return [], []
    values = raw if isinstance(raw, (list, tuple)) else [raw]
    items = [item.strip() for value in values for item in str(value).split(",") if item.strip()]
    known = set(known_ids)
    unknown = [item for item in dict.fromkeys(items) if item not in known]
    ids = [item for item in dict.fromkeys(items) if item in known]
    notes = []
    if unknown:
        shown = ", ".join(repr(item[:40]) for item in unknown[:5]) + (" …" if len(unknown) > 5 else "")
        notes.append(f"Ignored {len(unknown)} id(s) in the shortlist link that are not in this directory: {shown}.")
    if len(ids) > MAX_SHORTLIST:
        notes.append(f"A shortlist holds at most {MAX_SHORTLIST} providers; the link's last "
                     f"{len(ids) - MAX_SHORTLIST} were left out.")
        ids = ids[:MAX_SHORTLIST]
    return ids, notes


def to_param(ids: Iterable[str]) -> str:
    """The `?shortlist=` value for a list of ids ("" for none)."""
    return ",".join(ids)


def add(shortlist: Iterable[str], ids: Iterable[str], known_ids: Iterable[str] | None = None) -> tuple[list[str], list[str]]:
    """A new shortlist with `ids` appended (those already in it stay where they are) and notes.

    Idempotent: adding ids already present returns the same list and no note. Ids past
    MAX_SHORTLIST, or unknown when `known_ids` is given, are not added and are named in a note."""
    current = list(dict.fromkeys(shortlist))
    new = [i for i in dict.fromkeys(ids) if i not in current]
    notes = []
    if known_ids is not None:
        known = set(known_ids)
        unknown = [i for i in new if i not in known]
        if unknown:
            notes.append(f"Not added (not in this directory): {', '.join(unknown[:5])}.")
        new = [i for i in new if i in known]
    room = max(0, MAX_SHORTLIST - len(current))
    if len(new) > room:
        notes.append(f"Your shortlist is full: it holds at most {MAX_SHORTLIST} providers, the most Compare "
                     f"shows side by side. {len(new) - room} not added; remove one first.")
    return current + new[:room], notes


def remove(shortlist: Iterable[str], ids: Iterable[str]) -> list[str]:
    """A new shortlist without `ids`."""
    gone = set(ids)
    return [i for i in dict.fromkeys(shortlist) if i not in gone]


# ---------------------------------------------------------------------------------------------
# The comparison


@dataclass(frozen=True)
class CourseInputs:
    """How the induction estimate is made: sessions (from data/course_defaults.csv) and their source."""

    sessions: int = 6
    source_url: str | None = None
    label: str = "default induction length"


def source_url_of(source_id: str | None, sources: pd.DataFrame) -> str | None:
    """The URL of a seed document id in sources.csv, or None."""
    if not source_id or sources is None or "source_id" not in sources:
        return None
    match = sources.loc[sources["source_id"] == source_id, "source_url"]
    return match.iloc[0] if len(match) else None


def _text(value) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _course_estimate(price: Mapping, course: CourseInputs) -> str:
    """The induction range via vetting.costs.estimate_course; a sentence saying why when there is none."""
    low, high = price["price_per_session_low"], price["price_per_session_high"]
    if pd.isna(low):
        return "no estimate: no price listed per session (program prices are never divided into sessions)"
    try:
        estimate = estimate_course(float(low), None if pd.isna(high) else float(high), sessions=course.sessions)
    except CostInputError as error:
        return f"no estimate: {error}"
    return f"{course.sessions} sessions: {usd_range(estimate.induction_low, estimate.induction_high)}"


def _payment(row: Mapping) -> str:
    insurance = split_list(row.get("insurance"))
    parts = ["takes no insurance (as stated)" if insurance == ["none"] else
             ("; ".join(insurance) if insurance else "insurance unknown")]
    for column, label in (("hsa_fsa", "HSA/FSA"), ("superbill", "superbill"),
                          ("spravato_covered_by_insurance", "Spravato billed to insurance")):
        if _text(row.get(column)):
            parts.append(f"{label}: {row[column]}")
    return " · ".join(parts)


def _location(row: Mapping) -> str:
    """The street address (or what part of it is known); for at-home care, the states served."""
    if row.get("care_setting") == "at_home":
        served = split_list(row.get("states_served"))
        return "at home; serves " + (", ".join(served) if served else "states not listed")
    city_line = " ".join(x for x in (", ".join(x for x in (_text(row.get("city")), _text(row.get("state"))) if x),
                                     _text(row.get("zip"))) if x)
    place = ", ".join(x for x in (_text(row.get("street")), city_line) if x)
    if row.get("care_setting") == "hybrid" and split_list(row.get("states_served")):
        place += ("; " if place else "") + "at home in " + ", ".join(split_list(row.get("states_served")))
    return place or "location unknown"


def _distance(row: Mapping, home: tuple[float, float, str] | None) -> str:
    if home is None:
        return ""
    if row.get("care_setting") == "at_home":
        served = home[2] in split_list(row.get("states_served"))
        return f"at home: {'serves' if served else 'does not list'} your state ({home[2]})"
    latitude, longitude = row.get("latitude"), row.get("longitude")
    if latitude is None or pd.isna(latitude) or longitude is None or pd.isna(longitude):
        return "unknown (no clinic position)"
    miles = float(haversine_miles(home[0], home[1], latitude, longitude))
    return distance_label(miles, row.get("geocoded_from")) + " (straight line)"


def open_questions(providers: pd.DataFrame, statuses: pd.DataFrame, answers: pd.DataFrame,
                   sources: pd.DataFrame) -> pd.DataFrame:
    """Questions still open per provider: provider_id, item_id, title, question, source_url.

    A criterion's question is open while its status is unknown (no evidence, no met/red_flag
    answer); a patient-side question is open until you record any answer to it (a note counts)."""
    checklist = criteria()
    rows = []
    unknown = statuses[statuses["status"] == "unknown"]
    for provider_id, criterion_id in zip(unknown["provider_id"], unknown["criterion_id"]):
        item = checklist.loc[criterion_id]
        cited = item["question_source"] if isinstance(item["question_source"], dict) else item["sources"][0]
        rows.append({"provider_id": provider_id, "item_id": criterion_id, "title": item["title"],
                     "question": item["question"], "source_url": source_url_of(cited.get("source_id"), sources)})
    questions = patient_questions()
    applies = applicable_questions(providers)
    answered = set(zip(answers["provider_id"], answers["item_id"]))
    for index, provider_id in zip(providers.index, providers["provider_id"]):
        for question_id in questions.index:
            if applies.at[index, question_id] and (provider_id, question_id) not in answered:
                item = questions.loc[question_id]
                rows.append({"provider_id": provider_id, "item_id": question_id, "title": item["title"],
                             "question": item["question"],
                             "source_url": source_url_of(item["sources"][0].get("source_id"), sources)})
    frame = pd.DataFrame(rows, columns=["provider_id", "item_id", "title", "question", "source_url"])
    order = {pid: n for n, pid in enumerate(providers["provider_id"])}
    return frame.sort_values("provider_id", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)


@dataclass
class Comparison:
    """Everything Compare, the CSV and the referral packet show, for the shortlisted providers."""

    providers: pd.DataFrame      # the shortlisted rows of providers.csv, in shortlist order
    facts: pd.DataFrame          # FACT_COLUMNS, one row per provider and fact
    statuses: pd.DataFrame       # vetting.scoring.criterion_statuses for these providers
    questions: pd.DataFrame      # open_questions
    answers: pd.DataFrame        # your recorded answers about these providers
    home: tuple[float, float, str] | None = None
    notes: list[str] = field(default_factory=list)


def compare(providers: pd.DataFrame, evidence: pd.DataFrame, sources: pd.DataFrame, ids: list[str],
            answers=None, zip_code: str | None = None, course: CourseInputs = CourseInputs(),
            prices: pd.DataFrame | None = None, quotes: Iterable[Quote] = ()) -> Comparison:
    """The comparison of the providers `ids` (shortlist order; unknown ids are skipped with a note).

    `answers`: your recorded answers (list of dicts, see vetting.answers); `zip_code`: five digits
    for distances (an unknown ZIP gives a note and no distances); `prices`: data/prices.csv rows (each
    shown as listed, under its own route and unit); `quotes`: prices you were quoted
    (vetting.costs.Quote), shown as the fact "your_quote" for the providers that quoted them when any
    shortlisted provider has one. Raises ValueError for bad answers."""
    notes = []
    chosen = providers.set_index("provider_id", drop=False)
    missing = [i for i in ids if i not in chosen.index]
    if missing:
        notes.append(f"Not in this directory, so not compared: {', '.join(missing)}.")
    chosen = chosen.loc[[i for i in ids if i in chosen.index]].reset_index(drop=True)
    home = None
    if zip_code:
        home = zip_location(zip_code)
        if home is None:
            notes.append(f"{zip_code[:10]!r} is not a known five-digit US ZIP code; distances are left out.")
    all_answers = answers_frame(answers)
    mine = all_answers[all_answers["provider_id"].isin(list(chosen["provider_id"]))].reset_index(drop=True)
    statuses = criterion_statuses(chosen, evidence, mine)
    scores = score(chosen, evidence, mine).set_index("provider_id")
    price_rows = prices if prices is not None else pd.DataFrame(columns=["provider_id"])
    per_session = per_session_prices(chosen, price_rows)
    questions = open_questions(chosen, statuses, mine, sources)
    checklist = criteria()
    quoted: dict[str, list[Quote]] = {}
    for quote in quotes:
        if quote.provider_id in set(chosen["provider_id"]):
            quoted.setdefault(quote.provider_id, []).append(quote)
    rows = []
    for index, row in chosen.iterrows():
        provider_id = row["provider_id"]
        page_urls = split_list(row["source_urls"])
        # The page a fact is shown on, when the row records it; else the provider's pages.
        shown_on = fact_pages(row.get("fact_sources")) or {}

        def source(fact: str, known: bool) -> list[str]:
            return ([shown_on[fact]] if fact in shown_on else page_urls) if known else []
        mine_status = statuses[statuses["provider_id"] == provider_id]
        evidence_urls = list(dict.fromkeys(u for u in mine_status["source_url"] if isinstance(u, str)))
        red = mine_status[mine_status["status"] == "red_flag"]
        red_urls = list(dict.fromkeys(u for u in red["source_url"] if isinstance(u, str)))
        red_text = "none found" if red.empty else "; ".join(
            checklist.at[c, "title"] + (" (your answer)" if o == "your answer" else "")
            for c, o in zip(red["criterion_id"], red["origin"]))
        own = provider_id in set(mine["provider_id"])
        grade_row = scores.loc[provider_id]
        asked = questions[questions["provider_id"] == provider_id]
        price = per_session.loc[index]
        listed = prices_for(price_rows, provider_id) if len(price_rows) else price_rows
        price_text = "; ".join(describe_price(p) for _, p in listed.iterrows()) or "no public price"
        if price["price_possibly_stale"]:
            price_text += " · checked over a year ago: possibly stale"
        price_urls = list(dict.fromkeys(listed["source_url"])) if len(listed) else []
        session_urls = list(dict.fromkeys(listed.loc[listed["unit"] == "session", "source_url"])) if len(listed) else []
        status_value = PROVIDER_STATUSES.get(_text(row["status"]) or "unknown", "Unknown")
        location = _location(row)
        location_known = not location.endswith(("location unknown", "states not listed"))
        location_fact = "address" if _text(row.get("street")) or row.get("care_setting") != "at_home" else "states_served"
        distance = _distance(row, home)
        payment = _payment(row)
        values = {
            "status": (status_value, [row["status_source_url"]] if _text(row["status_source_url"]) else
                       source("status", _text(row["status"]) not in ("", "unknown"))),
            "care_setting": (CARE_SETTINGS.get(row["care_setting"], _text(row["care_setting"])) or "not known",
                             source("care_setting", bool(_text(row["care_setting"])))),
            "routes": (", ".join(ROUTES.get(r, r) for r in split_list(row["routes"])) or "not stated",
                       source("routes", bool(split_list(row["routes"])))),
            "supervision_model": (SUPERVISION_MODELS.get(row["supervision_model"], _text(row["supervision_model"]))
                                  or "not known", source("supervision_model", bool(_text(row["supervision_model"])))),
            "phone": (_text(row.get("phone")) or "not known", source("phone", bool(_text(row.get("phone"))))),
            "location": (location, source(location_fact, location_known)),
            "distance": (distance, source(location_fact, not distance.startswith("unknown"))),
            "insurance": (payment, source("insurance", not payment.startswith("insurance unknown")
                                          or " · " in payment)),
            "prices": (price_text, price_urls),
            "course_estimate": (_course_estimate(price, course),
                                session_urls + ([course.source_url] if course.source_url and session_urls else [])),
            "grade": (grade_text(grade_row["grade"], grade_row["met"] + grade_row["red_flags"], grade_row["applicable"])
                      + (" (includes your answers)" if own else ""), evidence_urls),
            "red_flags": (f"{int(grade_row['red_flags'])}: {red_text}" if len(red) else red_text, red_urls),
            "coverage": (f"{int(grade_row['met'] + grade_row['red_flags'])} of {int(grade_row['applicable'])} "
                         f"({grade_row['coverage'] * 100:.0f}%)", evidence_urls),
            "open_questions": (f"{len(asked)}: " + "; ".join(asked["title"]) if len(asked) else "0",
                               list(dict.fromkeys(u for u in asked["source_url"] if isinstance(u, str)))),
            "checked_on": (_text(row["checked_on"]), page_urls),
            "website": (_text(row["website"]) or "not known", [row["website"]] if _text(row["website"]) else []),
            "your_quote": ("; ".join(q.describe() for q in quoted.get(provider_id, [])) or "none entered", []),
        }
        for fact, _ in FACTS:
            if (fact == "distance" and home is None) or (fact == "your_quote" and not quoted):
                continue
            value, urls = values[fact]
            rows.append({"provider_id": provider_id, "name": row["name"], "fact": fact, "label": FACT_LABELS[fact],
                         "value": value, "source_urls": [u for u in dict.fromkeys(urls) if u]})
    facts = pd.DataFrame(rows, columns=FACT_COLUMNS)
    return Comparison(chosen, facts, statuses, questions, mine, home, notes)


def differs(values: Iterable[str]) -> bool:
    """True when at least two providers have different values."""
    return len(set(values)) > 1


def comparison_table(comparison: Comparison) -> pd.DataFrame:
    """Facts as rows, one column per provider (its name), plus `differs`: "≠ differs", "same" or "".

    Provider columns are keyed by name; two providers with the same name get "(2)" added."""
    facts = comparison.facts
    names: dict[str, str] = {}
    for provider_id, name in zip(comparison.providers["provider_id"], comparison.providers["name"]):
        label, n = name, 2
        while label in names.values():
            label, n = f"{name} ({n})", n + 1
        names[provider_id] = label
    rows = []
    for fact in dict.fromkeys(facts["fact"]):
        part = facts[facts["fact"] == fact]
        values = dict(zip(part["provider_id"], part["value"]))
        if fact in NOT_COMPARED or len(values) < 2:
            marker = ""
        else:
            marker = "≠ differs" if differs(values.values()) else "same"
        rows.append({"fact": FACT_LABELS[fact], "differs": marker} | {names[p]: v for p, v in values.items()})
    return pd.DataFrame(rows, columns=["fact", "differs"] + list(names.values()))


def comparison_csv(comparison: Comparison) -> str:
    """One row per provider: provider_id, name, then each fact and `<fact>_source_urls` (';'-joined)."""
    facts = comparison.facts
    columns = ["provider_id", "name"]
    for fact in dict.fromkeys(facts["fact"]):
        columns += [fact, f"{fact}_source_urls"]
    records = []
    for provider_id, part in facts.groupby("provider_id", sort=False):
        record = {"provider_id": provider_id, "name": part["name"].iloc[0]}
        for fact, value, urls in zip(part["fact"], part["value"], part["source_urls"]):
            record[fact] = value
            record[f"{fact}_source_urls"] = ";".join(urls)
        records.append(record)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows({key: safe_cell(value) for key, value in record.items()} for record in records)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# The shortlist file


class ShortlistFileError(ValueError):
    """A shortlist file that cannot be imported; the message says what is wrong."""


@dataclass
class ImportedShortlist:
    shortlist: list[str]
    answers: list[dict]
    notes: list[str] = field(default_factory=list)


def export_file(ids: Iterable[str], answers=None, today: date | None = None) -> str:
    """The shortlist file as JSON text, with your answers about the shortlisted providers only."""
    ids = list(dict.fromkeys(ids))
    frame = answers_frame(answers)
    frame = frame[frame["provider_id"].isin(ids)]
    return json.dumps({
        "version": FILE_VERSION,
        "exported_on": (today or date.today()).isoformat(),
        "shortlist": ids,
        "answers": frame.to_dict("records"),
    }, ensure_ascii=False, indent=1)


def _ids_from_csv(text: str) -> list[str]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if "provider_id" not in (reader.fieldnames or []):
        raise ShortlistFileError("not a shortlist file: it is neither JSON nor a CSV with a provider_id column "
                                 "(use the shortlist file or the comparison CSV exported from Compare)")
    try:
        return [row["provider_id"].strip() for row in reader if (row.get("provider_id") or "").strip()]
    except csv.Error as error:
        raise ShortlistFileError(f"the CSV is unreadable at line {reader.line_num}: {error}") from None


def parse_file(data: bytes, known_ids: Iterable[str]) -> ImportedShortlist:
    """Read a shortlist file (JSON, version 1) or a comparison CSV (its provider_id column).

    Raises ShortlistFileError saying what is wrong: too large, not UTF-8, not JSON/CSV, wrong
    version, ids that are not ids, an id list longer than MAX_SHORTLIST, bad answers, or no id
    of this directory at all. Ids (and answers about providers) not in this directory are left
    out with a note, so a file from an older version of the directory still imports."""
    if len(data) > MAX_FILE_BYTES:
        raise ShortlistFileError(f"the file is {len(data):,} bytes; a shortlist file is at most {MAX_FILE_BYTES:,} bytes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ShortlistFileError("the file is not UTF-8 text (is it a PDF or a spreadsheet? export the shortlist "
                                 "file or the comparison CSV from Compare)") from None
    if not text.strip():
        raise ShortlistFileError("the file is empty")
    if text.lstrip()[:1] in "{[":
        try:
            payload = json.loads(text)
        except json.JSONDecodeError as error:
            raise ShortlistFileError(f"the file is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})") from None
        if not isinstance(payload, dict):
            raise ShortlistFileError('the JSON must be an object with "version", "shortlist" and "answers"')
        version = payload.get("version")
        if type(version) is not int or version != FILE_VERSION:
            raise ShortlistFileError(f"unsupported version {version!r}: this app reads shortlist files of version {FILE_VERSION}")
        ids = payload.get("shortlist")
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise ShortlistFileError('"shortlist" must be a list of provider ids (text)')
        raw_answers = payload.get("answers", [])
        if not isinstance(raw_answers, list):
            raise ShortlistFileError('"answers" must be a list of answer objects')
        try:
            answers = answers_frame(raw_answers)
        except ValueError as error:
            raise ShortlistFileError(f"bad answers: {error}") from None
    else:
        ids, answers = _ids_from_csv(text), answers_frame([])
    bad = [i for i in ids if not _ID.match(i)]
    if bad:
        raise ShortlistFileError(f"{bad[0][:40]!r} is not a provider id (lowercase letters, digits and hyphens)")
    ids = list(dict.fromkeys(ids))
    if len(ids) > MAX_SHORTLIST:
        raise ShortlistFileError(f"the file lists {len(ids)} providers; a shortlist holds at most {MAX_SHORTLIST}")
    known = set(known_ids)
    notes = []
    unknown = [i for i in ids if i not in known]
    if ids and len(unknown) == len(ids):
        raise ShortlistFileError(f"none of its providers is in this directory ({', '.join(unknown[:5])})")
    if unknown:
        notes.append(f"Left out {len(unknown)} provider(s) not in this directory: {', '.join(unknown[:5])}.")
    stray = answers[~answers["provider_id"].isin(known)]
    if len(stray):
        notes.append(f"Left out {len(stray)} answer(s) about providers not in this directory.")
    answers = answers[answers["provider_id"].isin(known)]
    return ImportedShortlist([i for i in ids if i in known], answers.to_dict("records"), notes)


def merge_answers(current: list[dict] | None, imported: list[dict]) -> tuple[list[dict], dict[str, int]]:
    """Your answers joined with imported ones (see the module docstring for the rule), and counts
    {"added", "replaced", "kept"}. Neither input is changed."""
    merged = {(a["provider_id"], a["item_id"]): {c: a.get(c, "") for c in ANSWER_COLUMNS} for a in (current or [])}
    counts = {"added": 0, "replaced": 0, "kept": 0}
    for answer in imported:
        key = (answer["provider_id"], answer["item_id"])
        record = {c: answer.get(c, "") for c in ANSWER_COLUMNS}
        if key not in merged:
            merged[key] = record
            counts["added"] += 1
        elif record["recorded_on"] > merged[key]["recorded_on"]:  # ISO dates compare as text
            del merged[key]  # re-inserted last: the list order is the recording order
            merged[key] = record
            counts["replaced"] += 1
        elif record != merged[key]:
            counts["kept"] += 1
    return list(merged.values()), counts


def apply_import(shortlist: list[str], answers: list[dict] | None, imported: ImportedShortlist) -> tuple[list[str], list[dict], list[str]]:
    """The session's shortlist and answers after an import, and what happened, in sentences.

    The shortlist keeps its own ids first, then adds the imported ones up to MAX_SHORTLIST."""
    ids, notes = add(shortlist, imported.shortlist)
    merged, counts = merge_answers(answers, imported.answers)
    added_ids = len(ids) - len(list(dict.fromkeys(shortlist)))
    summary = (f"Imported: {added_ids} provider(s) added to your shortlist; answers: {counts['added']} added, "
               f"{counts['replaced']} replaced by newer ones, {counts['kept']} of yours kept (same date or newer).")
    return ids, merged, [summary] + imported.notes + notes
