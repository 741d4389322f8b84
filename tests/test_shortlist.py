"""vetting.shortlist and vetting.packet: the shortlist list and URL value, the comparison and its CSV,
the shortlist file (export, import, merge) and the referral packet PDF."""

from __future__ import annotations

import csv
import re
import io
import json
from datetime import date

import pypdf
import pytest

from tests.factories import price, evidence, provider, source, write_directory
from vetting import load_directory
from vetting import shortlist as S
from vetting.costs import parse_quote
from vetting.packet import build_packet, latin1

HOSTILE = "<img src=x onerror=alert(1)>"
TYPOGRAPHIC = "“Gamma” Ketamine — Café 診療所 🧠"
LONG_URL = "https://example.org/" + "very-long-path-segment/" * 20 + "end"
SEED = "https://example.org/seed-risks"
KNOWN = ["alpha-clinic", "beta-home", "gamma-clinic"]


@pytest.fixture(scope="module")
def directory(tmp_path_factory):
    folder = tmp_path_factory.mktemp("shortlist-data")
    write_directory(folder, [
        provider("alpha-clinic", name="Alpha Clinic", city="New York", state="NY", zip="10001", insurance="aetna",
                 phone="212-555-0100", street="1 Main St", website="https://example.org/alpha"),
        provider("beta-home", name=HOSTILE, care_setting="at_home", routes="sublingual", supervision_model="telehealth_remote",
                 states_served="NY;NJ"),
        provider("gamma-clinic", name=TYPOGRAPHIC, city="Chicago", state="IL", zip="60601", source_urls=LONG_URL),
    ], [
        evidence("alpha-clinic", "medical_screening", "met"),
        evidence("alpha-clinic", "no_guarantees", "red_flag", source_url="https://example.org/alpha-claims"),
    ], [source(), source("https://example.org/alpha-prices"), source("https://example.org/beta-prices"),
        source("https://example.org/alpha-claims"), source(LONG_URL),
        source(SEED, source_id="seed-risks-benefits-explained", kind="source_document")],
        prices=[price("alpha-clinic", 400, 500, source_url="https://example.org/alpha-prices"),
                price("beta-home", 1200, unit="program", route="sublingual", sessions_included=6,
                      source_url="https://example.org/beta-prices")])
    loaded = load_directory(folder)
    assert not loaded.problems, loaded.problems
    return loaded


def answer(provider_id="alpha-clinic", item_id="medical_screening", status="met", note="", recorded_on="2026-12-01"):
    return dict(provider_id=provider_id, item_id=item_id, status=status, note=note, recorded_on=recorded_on)


# --- the list and the URL value ------------------------------------------------------------------

@pytest.mark.parametrize("raw, expected, notes", [
    (None, [], 0),
    ("", [], 0),
    ("alpha-clinic,beta-home", ["alpha-clinic", "beta-home"], 0),
    (" beta-home , alpha-clinic,beta-home,", ["beta-home", "alpha-clinic"], 0),
    ("alpha-clinic,nope", ["alpha-clinic"], 1),
    (["alpha-clinic", "gamma-clinic"], ["alpha-clinic", "gamma-clinic"], 0),
    ("<script>,javascript:alert(1)", [], 1),
])
def test_parse_param(raw, expected, notes):
    ids, found_notes = S.parse_param(raw, KNOWN)
    assert ids == expected
    assert len(found_notes) == notes


def test_parse_param_caps_at_max():
    known = [f"p-{n}" for n in range(10)]
    ids, notes = S.parse_param(",".join(known), known)
    assert ids == known[:S.MAX_SHORTLIST]
    assert any(str(S.MAX_SHORTLIST) in n for n in notes)


@pytest.mark.parametrize("start, added, expected, notes", [
    ([], ["a-1"], ["a-1"], 0),
    (["a-1"], ["a-1"], ["a-1"], 0),  # idempotent: Find calls it on every rerun
    (["a-1", "b-2"], ["b-2", "c-3", "a-1"], ["a-1", "b-2", "c-3"], 0),
    (["a-1"], ["zz-9"], ["a-1"], 1),  # unknown
    ([f"p-{n}" for n in range(6)], ["a-1"], [f"p-{n}" for n in range(6)], 1),  # full
    ([f"p-{n}" for n in range(5)], ["a-1", "b-2"], [f"p-{n}" for n in range(5)] + ["a-1"], 1),
])
def test_add(start, added, expected, notes):
    known = ["a-1", "b-2", "c-3"] + [f"p-{n}" for n in range(6)]
    result, found_notes = S.add(start, added, known)
    assert result == expected
    assert len(found_notes) == notes
    assert S.add(result, added, known)[0] == result  # repeating changes nothing


@pytest.mark.parametrize("start, removed, expected", [
    (["a-1", "b-2"], ["a-1"], ["b-2"]),
    (["a-1", "b-2"], ["zz-9"], ["a-1", "b-2"]),
    (["a-1"], ["a-1"], []),
])
def test_remove(start, removed, expected):
    assert S.remove(start, removed) == expected
    assert S.to_param(S.remove(start, removed)) == ",".join(expected)


# --- the comparison ------------------------------------------------------------------------------

def fact(comparison, provider_id, name):
    rows = comparison.facts[(comparison.facts["provider_id"] == provider_id) & (comparison.facts["fact"] == name)]
    assert len(rows) == 1
    return rows.iloc[0]


UNKNOWN_VALUE = re.compile(r"^(no estimate|no public price|not known|not stated|insurance unknown|none found|Unknown|location unknown|not enough known yet: 0 |0 of )")


def compared(directory, ids=KNOWN, **kwargs):
    return S.compare(directory.providers, directory.evidence, directory.sources, ids, prices=directory.prices, **kwargs)


def test_every_known_fact_has_a_source_and_unknown_has_none(directory):
    comparison = compared(directory, zip_code="10001", quotes=[parse_quote("450", "session", None, "iv", "alpha-clinic")])
    assert list(comparison.providers["provider_id"]) == KNOWN
    assert len(comparison.facts) == len(KNOWN) * len(S.FACTS)
    for row in comparison.facts.itertuples():
        if row.fact == "your_quote":
            assert row.source_urls == [], row  # entered by you: nothing to link
            continue
        if UNKNOWN_VALUE.match(row.value):
            assert row.source_urls == [], (row.provider_id, row.fact, row.value)  # unknown: no link
            continue
        if row.fact in ("distance", "open_questions") and not row.source_urls:
            continue  # computed from your ZIP / from the checklist, not a provider fact
        assert row.source_urls and all(u.startswith("https://") for u in row.source_urls), (row.provider_id, row.fact)


def test_facts_come_from_the_rows(directory):
    comparison = compared(directory, zip_code="10001")
    price = fact(comparison, "alpha-clinic", "prices")
    assert "$400-500 per session" in price.value and price.source_urls == ["https://example.org/alpha-prices"]
    assert fact(comparison, "alpha-clinic", "course_estimate").value == "6 sessions: $2,400 to $3,000"
    # A program price is shown as a program, never divided into sessions, and gives no estimate.
    assert fact(comparison, "beta-home", "prices").value.startswith("$1,200 per program (6 sessions included)")
    assert "$200" not in fact(comparison, "beta-home", "prices").value
    assert fact(comparison, "beta-home", "course_estimate").value.startswith("no estimate")
    assert fact(comparison, "gamma-clinic", "prices").value == "no public price"
    assert fact(comparison, "alpha-clinic", "phone").value == "212-555-0100"
    assert fact(comparison, "alpha-clinic", "location").value == "1 Main St, New York, NY 10001"
    red = fact(comparison, "alpha-clinic", "red_flags")
    assert "No guarantees" in red.value and red.source_urls == ["https://example.org/alpha-claims"]
    assert fact(comparison, "beta-home", "red_flags").value == "none found"
    assert fact(comparison, "alpha-clinic", "distance").value.startswith("about 1 mi (from the ZIP centre)")
    assert fact(comparison, "beta-home", "distance").value == "at home: serves your state (NY)"
    assert fact(comparison, "gamma-clinic", "distance").value.endswith("(straight line)")


def test_unknown_zip_gives_a_note_and_no_distance(directory):
    comparison = compared(directory, KNOWN, zip_code="00000")
    assert comparison.home is None and comparison.notes
    assert "distance" not in set(comparison.facts["fact"])


def test_differs_marker(directory):
    table = S.comparison_table(compared(directory, ["alpha-clinic", "gamma-clinic"])).set_index("fact")
    assert table.at["Care setting", "differs"] == "same"  # both clinics
    assert table.at["Supervision", "differs"] == "same"
    assert table.at["Known prices (as listed)", "differs"] == "≠ differs"
    assert table.at["Address or states served", "differs"] == "≠ differs"
    assert table.at["Website", "differs"] == ""  # never compared


def test_open_questions_close_with_evidence_and_answers(directory):
    before = compared(directory, ["alpha-clinic"])
    open_before = set(before.questions["item_id"])
    assert "medical_screening" not in open_before  # met by public evidence
    assert {"emergency_protocols", "transport_home"} <= open_before
    assert set(before.questions["source_url"].dropna()) <= {SEED} | set(directory.sources["source_url"])
    after = compared(directory, ["alpha-clinic"],
                      answers=[answer(item_id="emergency_protocols", status="met"),
                               answer(item_id="transport_home", status="note", note="Needs a driver.")])
    assert set(after.questions["item_id"]) == open_before - {"emergency_protocols", "transport_home"}
    assert fact(after, "alpha-clinic", "open_questions").value.startswith(f"{len(open_before) - 2}:")


def test_comparison_csv_has_a_source_column_per_fact(directory):
    comparison = compared(directory, KNOWN)
    rows = list(csv.DictReader(io.StringIO(S.comparison_csv(comparison))))
    assert [r["provider_id"] for r in rows] == KNOWN
    assert [r["name"] for r in rows] == ["Alpha Clinic", HOSTILE, TYPOGRAPHIC]
    for fact_id in set(comparison.facts["fact"]):
        assert fact_id in rows[0] and f"{fact_id}_source_urls" in rows[0]
    assert rows[0]["prices_source_urls"] == "https://example.org/alpha-prices"
    assert rows[2]["care_setting_source_urls"] == LONG_URL


# --- the shortlist file --------------------------------------------------------------------------

ANSWERS = [answer(), answer("beta-home", "transport_home", "note", "Ask about a driver, “please”.", "2026-12-02")]


def test_export_then_import_gives_the_same_shortlist_and_answers():
    text = S.export_file(["beta-home", "alpha-clinic"], ANSWERS, today=date(2026, 12, 3))
    payload = json.loads(text)
    assert payload["version"] == 1 and payload["exported_on"] == "2026-12-03"
    imported = S.parse_file(text.encode("utf-8"), KNOWN)
    assert imported.shortlist == ["beta-home", "alpha-clinic"] and imported.notes == []
    ids, answers, _ = S.apply_import([], [], imported)
    assert ids == ["beta-home", "alpha-clinic"]
    assert answers == ANSWERS


def test_export_keeps_only_answers_about_the_shortlist():
    payload = json.loads(S.export_file(["alpha-clinic"], ANSWERS))
    assert payload["answers"] == [ANSWERS[0]]


def test_comparison_csv_imports_as_a_shortlist(directory):
    text = S.comparison_csv(compared(directory, ["gamma-clinic", "alpha-clinic"]))
    imported = S.parse_file(text.encode("utf-8"), KNOWN)
    assert imported.shortlist == ["gamma-clinic", "alpha-clinic"] and imported.answers == []


def test_unknown_ids_in_a_file_are_left_out_with_a_note():
    text = json.dumps({"version": 1, "shortlist": ["alpha-clinic", "gone-clinic"],
                       "answers": [answer("gone-clinic")]})
    imported = S.parse_file(text.encode(), KNOWN)
    assert imported.shortlist == ["alpha-clinic"] and imported.answers == []
    assert len(imported.notes) == 2 and "gone-clinic" in imported.notes[0]


def _file(drop: str | None = None, **overrides) -> bytes:
    payload = {"version": 1, "exported_on": "2026-12-01", "shortlist": ["alpha-clinic"], "answers": []} | overrides
    payload.pop(drop, None)
    return json.dumps(payload).encode()


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (b"   \n", "empty"),
    (b"{not json", "not valid JSON"),
    (b"\xff\xfe\x00binary", "not UTF-8"),
    (b"[1, 2]", "must be an object"),
    (_file(version=2), "unsupported version 2"),
    (_file(version="1"), "unsupported version '1'"),
    (_file(version=True), "unsupported version True"),
    (_file(drop="version"), "unsupported version None"),
    (_file(shortlist="alpha-clinic"), '"shortlist" must be a list'),
    (_file(shortlist=[1, 2]), '"shortlist" must be a list'),
    (_file(shortlist=["Alpha Clinic"]), "is not a provider id"),
    (_file(shortlist=["gone-1", "gone-2"]), "none of its providers"),
    (_file(shortlist=[f"p-{n}" for n in range(7)]), "at most 6"),
    (_file(answers={"a": 1}), '"answers" must be a list'),
    (_file(answers=[answer(status="maybe")]), "bad answers: answer 1: status 'maybe'"),
    (_file(answers=[answer(item_id="not_a_criterion")]), "bad answers: answer 1: item_id"),
    (_file(answers=[answer(), answer(recorded_on="2026-02-30")]), "bad answers: answer 2: recorded_on"),
    (_file(answers=["text"]), "bad answers: answer 1: expected an object"),
    (b"name,website\nAlpha,https://example.org\n", "provider_id column"),
    (b"x" * (S.MAX_FILE_BYTES + 1), "at most 1,000,000 bytes"),
])
def test_malformed_files_say_what_is_wrong(data, message):
    with pytest.raises(S.ShortlistFileError) as caught:
        S.parse_file(data, KNOWN)
    assert message in str(caught.value)


@pytest.mark.parametrize("current, imported, expected_status, counts", [
    ([], [answer(status="red_flag")], "red_flag", {"added": 1, "replaced": 0, "kept": 0}),
    ([answer(recorded_on="2026-12-01")], [answer(status="red_flag", recorded_on="2026-12-05")], "red_flag",
     {"added": 0, "replaced": 1, "kept": 0}),
    ([answer(recorded_on="2026-12-05")], [answer(status="red_flag", recorded_on="2026-12-01")], "met",
     {"added": 0, "replaced": 0, "kept": 1}),
    ([answer(recorded_on="2026-12-01")], [answer(status="red_flag", recorded_on="2026-12-01")], "met",
     {"added": 0, "replaced": 0, "kept": 1}),  # same date: yours is kept
    ([answer()], [answer()], "met", {"added": 0, "replaced": 0, "kept": 0}),  # identical: nothing to report
])
def test_merge_answers(current, imported, expected_status, counts):
    merged, found = S.merge_answers(current, imported)
    assert len(merged) == 1 and merged[0]["status"] == expected_status
    assert found == counts


def test_merge_keeps_one_answer_per_key_with_the_newest_last():
    merged, _ = S.merge_answers([answer(), answer(item_id="emergency_protocols")],
                                [answer(status="red_flag", recorded_on="2026-12-09")])
    assert [(a["item_id"], a["status"]) for a in merged] == [("emergency_protocols", "met"), ("medical_screening", "red_flag")]


def test_import_keeps_the_session_shortlist_first_and_caps_it():
    session = [f"p-{n}" for n in range(5)]
    imported = S.ImportedShortlist(["alpha-clinic", "beta-home"], [])
    ids, _, messages = S.apply_import(session, [], imported)
    assert ids == session + ["alpha-clinic"]
    assert any("full" in m for m in messages)


# --- the referral packet -------------------------------------------------------------------------

def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@pytest.mark.parametrize("text, expected", [
    ("“Quoted” — dash – en ‘x’ …", '"Quoted" - dash - en \'x\' ...'),
    ("Café naïve", "Café naïve"),
    ("診療所 🧠", "??? ?"),
    ("tab\there\x00\x07", "tab here"),
])
def test_latin1(text, expected):
    assert latin1(text) == expected
    latin1(text).encode("latin-1")


def test_packet_opens_and_names_every_provider(directory):
    comparison = compared(directory, KNOWN,
                           answers=[answer(note="They said “yes” — on the phone.")])
    data = build_packet(comparison, today=date(2026, 12, 3))
    text = pdf_text(data)
    for name in comparison.providers["name"]:
        assert " ".join(latin1(name).split()) in text
    assert HOSTILE in text
    assert "2026-12-03" in text
    assert "Your answer (2026-12-01) - Medical screening: Met" in text
    assert "https://example.org/alpha-claims" in text  # the red flag's evidence source
    assert "[RED FLAG] No guarantees or pressure" in text and "Not yet known from public sources" in text


@pytest.mark.parametrize("user_zip, user_insurance, shown, hidden", [
    (None, None, [], ["ZIP code you entered", "Insurance you entered"]),
    ("10001", None, ["ZIP code you entered: 10001"], ["Insurance you entered"]),
    (None, "aetna", ["Insurance you entered: aetna"], ["ZIP code you entered"]),
])
def test_packet_holds_only_what_the_user_entered(directory, user_zip, user_insurance, shown, hidden):
    comparison = compared(directory, ["alpha-clinic"])
    text = pdf_text(build_packet(comparison, user_zip=user_zip, user_insurance=user_insurance))
    for part in shown:
        assert part in text
    for part in hidden:
        assert part not in text
