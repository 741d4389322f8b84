"""Answers a person records while vetting a provider (e.g. after a phone call).

An answer is a dict: provider_id, item_id (a criterion id or a patient-question id), status
("met", "red_flag" or "note"), note (free text) and recorded_on ("YYYY-MM-DD"). A met or red_flag
answer to a criterion overrides public evidence for that session, marked "your answer"; a note
changes no status. Answers are keyed by provider + item: the latest recorded one wins.

`to_csv`/`from_csv` and `to_json`/`from_json` round-trip; the readers validate and raise
ValueError with a message that names the row and the field.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from typing import Iterable

import pandas as pd

from .checklists import load_checklist
from .schemas import ID_PATTERN
from .spreadsheet import read_cell, safe_frame
from .vocab import CRITERION_IDS

ANSWER_COLUMNS = ["provider_id", "item_id", "status", "note", "recorded_on"]
ANSWER_STATUSES = {"met": "Met", "red_flag": "Red flag", "note": "Note only"}
MAX_NOTE_CHARS = 2000
_ID = re.compile(ID_PATTERN)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def item_ids() -> set[str]:
    """Every id an answer may name: criteria and patient-side questions."""
    return set(CRITERION_IDS) | set(load_checklist()[1].index)


def _problem(record, position: int, item_names: set[str]) -> str | None:
    where = f"answer {position}"
    if not isinstance(record, dict):
        return f"{where}: expected an object with {', '.join(ANSWER_COLUMNS)}"
    missing = [c for c in ANSWER_COLUMNS if c not in record and c != "note"]
    if missing:
        return f"{where}: missing {', '.join(missing)}"
    unknown = [c for c in record if c not in ANSWER_COLUMNS]
    if unknown:
        return f"{where}: unknown field(s) {', '.join(map(str, unknown))}"
    provider_id, item_id, status = record["provider_id"], record["item_id"], record["status"]
    if not isinstance(provider_id, str) or not _ID.match(provider_id):
        return f"{where}: provider_id {provider_id!r} is not a provider id (lowercase letters, digits, hyphens)"
    if item_id not in item_names:
        return f"{where}: item_id {item_id!r} is not a checklist criterion or question"
    if status not in ANSWER_STATUSES:
        return f"{where}: status {status!r} is not one of {', '.join(ANSWER_STATUSES)}"
    note = record.get("note")
    if note is not None and not isinstance(note, str):
        return f"{where}: note must be text"
    if note is not None and len(note) > MAX_NOTE_CHARS:
        return f"{where}: note is longer than {MAX_NOTE_CHARS} characters"
    recorded_on = record["recorded_on"]
    if not isinstance(recorded_on, str) or not _DATE.match(recorded_on):
        return f"{where}: recorded_on {recorded_on!r} is not a YYYY-MM-DD date"
    try:
        date.fromisoformat(recorded_on)
    except ValueError:
        return f"{where}: recorded_on {recorded_on!r} is not a real date"
    return None


def answers_frame(answers) -> pd.DataFrame:
    """Validate a list of answer dicts (or a frame) and return them as a frame with ANSWER_COLUMNS.

    Raises ValueError naming the first bad answer (1-based). Later answers for the same provider and
    item replace earlier ones (the list order is the recording order)."""
    if answers is None:
        records = []
    elif isinstance(answers, pd.DataFrame):
        records = answers.astype(object).where(answers.notna(), None).to_dict("records")
    elif isinstance(answers, (list, tuple)):
        records = list(answers)
    else:
        raise ValueError("answers must be a list of objects")
    names = item_ids()
    for position, record in enumerate(records, start=1):
        problem = _problem(record, position, names)
        if problem:
            raise ValueError(problem)
    frame = pd.DataFrame([{c: r.get(c) for c in ANSWER_COLUMNS} for r in records], columns=ANSWER_COLUMNS, dtype=object)
    frame["note"] = frame["note"].fillna("")
    frame = frame.drop_duplicates(["provider_id", "item_id"], keep="last")
    return frame.reset_index(drop=True)


def record_answer(answers: list[dict] | None, answer: dict) -> list[dict]:
    """A new list with `answer` replacing any earlier answer for the same provider and item."""
    problem = _problem(answer, 1, item_ids())
    if problem:
        raise ValueError(problem.replace("answer 1: ", ""))
    key = (answer["provider_id"], answer["item_id"])
    kept = [a for a in (answers or []) if (a.get("provider_id"), a.get("item_id")) != key]
    return kept + [{c: answer.get(c, "") for c in ANSWER_COLUMNS}]


def to_csv(answers) -> str:
    """Answers as CSV; notes that would start a spreadsheet formula are quoted (vetting.spreadsheet)."""
    return safe_frame(answers_frame(answers)).to_csv(index=False, lineterminator="\n")


def from_csv(text: str) -> pd.DataFrame:
    """Answers from CSV text with the header provider_id,item_id,status,note,recorded_on."""
    if not isinstance(text, str):
        raise ValueError("answers CSV must be text")
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    header = reader.fieldnames or []
    missing = [c for c in ANSWER_COLUMNS if c not in header]
    if missing:
        raise ValueError(f"answers CSV: header lacks {', '.join(missing)} (expected {','.join(ANSWER_COLUMNS)})")
    records = []
    try:
        for row in reader:
            if None in row:
                raise ValueError(f"answers CSV line {reader.line_num}: more cells than the header has")
            records.append({c: (read_cell(row[c]) if row[c] is not None else "") for c in header})
    except csv.Error as error:
        raise ValueError(f"answers CSV line {reader.line_num}: unreadable ({error})") from error
    try:
        return answers_frame(records)
    except ValueError as error:
        raise ValueError(f"answers CSV: {error} (line = answer + 1)") from None


def to_json(answers) -> str:
    return json.dumps(answers_frame(answers).to_dict("records"), ensure_ascii=False, indent=1)


def from_json(text: str) -> pd.DataFrame:
    """Answers from a JSON array of answer objects."""
    try:
        data = json.loads(text)
    except (TypeError, json.JSONDecodeError) as error:
        raise ValueError(f"answers JSON is not valid JSON: {error}") from None
    if not isinstance(data, list):
        raise ValueError("answers JSON must be an array of answer objects")
    try:
        return answers_frame(data)
    except ValueError as error:
        raise ValueError(f"answers JSON: {error}") from None


CALL_SHEET_COLUMNS = ["provider_id", "provider_name", "item_id", "question", "status", "note", "recorded_on"]


QUOTE_ITEM = "your_quote"


def call_sheet(provider_id: str, provider_name: str, questions: list[tuple[str, str]], answers,
               quotes: Iterable[str] = ()) -> pd.DataFrame:
    """One row per question to ask (item_id, question) with the answer you recorded, if any.

    Answers to other items of this provider (e.g. a criterion already answered publicly) follow, then
    one QUOTE_ITEM row per price this provider quoted you (`quotes`: each in words, in `note`)."""
    frame = answers_frame(answers)
    mine = frame[frame["provider_id"] == provider_id].set_index("item_id")
    asked = [item_id for item_id, _ in questions]
    rows = [(item_id, question) for item_id, question in questions]
    rows += [(item_id, "") for item_id in mine.index if item_id not in asked]
    records = []
    for item_id, question in rows:
        answer = mine.loc[item_id] if item_id in mine.index else None
        records.append({
            "provider_id": provider_id, "provider_name": provider_name, "item_id": item_id, "question": question,
            "status": answer["status"] if answer is not None else "",
            "note": answer["note"] if answer is not None else "",
            "recorded_on": answer["recorded_on"] if answer is not None else "",
        })
    for quote in quotes:
        records.append({"provider_id": provider_id, "provider_name": provider_name, "item_id": QUOTE_ITEM,
                        "question": "The price they quoted you", "status": "", "note": quote, "recorded_on": ""})
    return pd.DataFrame(records, columns=CALL_SHEET_COLUMNS, dtype=object)


def call_sheet_markdown(sheet: pd.DataFrame, provider_name: str, prepared_on: str, website: str | None = None,
                        phone: str | None = None, address: str | None = None) -> str:
    """The call sheet as a Markdown document to print or keep beside the phone: the contact first
    (phone, address, website; "not known" when no page shows it), then the questions."""
    lines = [f"# Call sheet: {provider_name}", "", f"Prepared on {prepared_on}.", "",
             f"- Phone: {phone or 'not known'}", f"- Address: {address or 'not known'}",
             f"- Website: {website or 'not known'}"]
    lines += ["", "Not medical advice. In crisis, call or text 988, or call 911.", ""]
    quoted = [row.note for row in sheet.itertuples(index=False) if row.item_id == QUOTE_ITEM]
    if quoted:
        lines += ["## Your quote (entered by you)"] + [f"- {note}" for note in quoted] + [""]
    asked = sheet[sheet["item_id"] != QUOTE_ITEM]
    for number, row in enumerate(asked.itertuples(index=False), start=1):
        lines.append(f"## {number}. {row.question or row.item_id}")
        if row.status:
            answer = ANSWER_STATUSES.get(row.status, row.status)
            lines.append(f"- Your answer ({row.recorded_on}): **{answer}**" + (f": {row.note}" if row.note else ""))
        else:
            lines.append("- Answer: ____________________________________________")
        lines.append("")
    return "\n".join(lines)


def call_sheet_csv(sheet: pd.DataFrame) -> str:
    return safe_frame(sheet).to_csv(index=False, lineterminator="\n")
