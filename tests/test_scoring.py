"""Statuses, grades, must-haves, recorded answers and the `score` command."""

import csv
import io
import json
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vetting import answers as A
from vetting import scoring
from vetting.cli import main
from vetting.vocab import CRITERION_IDS, split_list

DATA = Path(__file__).resolve().parent.parent / "data"
URL = "https://example.org/page"


def providers_frame(*rows):
    """rows: (provider_id, care_setting, routes)."""
    return pd.DataFrame(rows, columns=["provider_id", "care_setting", "routes"])


def evidence_frame(rows):
    """rows: (provider_id, criterion_id, status[, checked_on[, note]])."""
    records = []
    for number, row in enumerate(rows):
        provider_id, criterion_id, status = row[:3]
        checked_on = row[3] if len(row) > 3 else "2026-01-01"
        note = row[4] if len(row) > 4 else f"note {number}"
        records.append({"provider_id": provider_id, "criterion_id": criterion_id, "status": status,
                        "note": note, "source_url": f"{URL}/{number}", "checked_on": checked_on})
    return pd.DataFrame(records, columns=["provider_id", "criterion_id", "status", "note", "source_url", "checked_on"])


def answer(provider_id, item_id, status, note="", recorded_on="2026-02-01"):
    return {"provider_id": provider_id, "item_id": item_id, "status": status, "note": note, "recorded_on": recorded_on}


CLINIC = providers_frame(("clinic-a", "clinic", "iv"))

# evidence rows for clinic-a / medical_screening, answers -> expected (status, origin, note)
RESOLUTION = [
    ([], [], ("unknown", None, None)),
    ([("met", "2026-01-01", "screens")], [], ("met", "public source", "screens")),
    ([("red_flag", "2026-01-01", "no screening")], [], ("red_flag", "public source", "no screening")),
    ([("met", "2026-03-01", "new met"), ("red_flag", "2025-01-01", "old flag")], [], ("red_flag", "public source", "old flag")),
    ([("red_flag", "2025-01-01", "old flag"), ("met", "2026-03-01", "new met")], [], ("red_flag", "public source", "old flag")),
    ([("met", "2025-01-01", "old"), ("met", "2026-03-01", "newest")], [], ("met", "public source", "newest")),
    ([("red_flag", "2026-01-01", "flag")], [answer("clinic-a", "medical_screening", "met", "asked: full intake")],
     ("met", "your answer", "asked: full intake")),
    ([("met", "2026-01-01", "met")], [answer("clinic-a", "medical_screening", "red_flag", "no intake")],
     ("red_flag", "your answer", "no intake")),
    ([("met", "2026-01-01", "met")], [answer("clinic-a", "medical_screening", "note", "call back")],
     ("met", "public source", "met")),
    ([], [answer("other-provider", "medical_screening", "red_flag")], ("unknown", None, None)),
    ([], [answer("clinic-a", "medical_screening", "met", "first"), answer("clinic-a", "medical_screening", "red_flag", "latest")],
     ("red_flag", "your answer", "latest")),
]


@pytest.mark.parametrize("rows, answers, expected", RESOLUTION)
def test_status_resolution(rows, answers, expected):
    evidence = evidence_frame([("clinic-a", "medical_screening", s, d, n) for s, d, n in rows])
    statuses = scoring.criterion_statuses(CLINIC, evidence, answers=answers)
    row = statuses.set_index("criterion_id").loc["medical_screening"]
    got = (row["status"], row["origin"], row["note"])
    assert tuple(None if pd.isna(v) else v for v in got) == expected


def test_answers_leave_the_shared_public_matrix_unchanged():
    """The Find page resolves public evidence once and shares it; one session's answers must not leak into it."""
    evidence = evidence_frame([("clinic-a", "medical_screening", "met")])
    public = scoring.public_status_matrix(CLINIC, evidence)
    before = public.status.copy()
    mine = scoring.with_answers(public, [answer("clinic-a", "medical_screening", "red_flag")])
    column = CRITERION_IDS.index("medical_screening")
    assert mine.status[0, column] == scoring.RED_FLAG and mine.answer_row[0, column] == 0
    assert (public.status == before).all() and (public.answer_row == -1).all()
    assert scoring.with_answers(public, None) is public


def test_statuses_only_for_applicable_criteria_and_ignore_evidence_that_does_not_apply():
    providers = providers_frame(("home-a", "at_home", "sublingual"), ("spravato-b", "clinic", "esketamine_nasal"))
    evidence = evidence_frame([("home-a", "vital_sign_monitoring", "red_flag"), ("home-a", "remote_monitoring", "met"),
                               ("spravato-b", "rems_compliance", "red_flag")])
    statuses = scoring.criterion_statuses(providers, evidence)
    home = statuses[statuses["provider_id"] == "home-a"].set_index("criterion_id")["status"]
    spravato = statuses[statuses["provider_id"] == "spravato-b"].set_index("criterion_id")["status"]
    assert "vital_sign_monitoring" not in home and home["remote_monitoring"] == "met"
    assert spravato["rems_compliance"] == "red_flag" and "remote_monitoring" not in spravato
    scores = scoring.score(providers, evidence).set_index("provider_id")
    assert scores.loc["home-a", "red_flags"] == 0  # the at-home service is not judged on clinic monitoring
    assert scores.loc["spravato-b", "red_flags"] == 1
    assert scores.loc["spravato-b", "red_flag_criteria"] == "rems_compliance"


def test_provider_without_evidence_is_all_unknown_and_has_no_grade():
    statuses = scoring.criterion_statuses(CLINIC, evidence_frame([]))
    assert set(statuses["status"]) == {"unknown"}
    row = scoring.score(CLINIC, evidence_frame([])).iloc[0]
    assert pd.isna(row["grade"]) and (row["red_flags"], row["met"], row["coverage"]) == (0, 0, 0.0)
    assert row["unknown"] == row["applicable"] == len(statuses)
    assert scoring.score(CLINIC, evidence_frame([]), min_known_share=0).iloc[0]["grade"] == 50.0  # the formula alone


# An IV clinic has 14 applicable criteria: a third is 4.67, so 4 known gives no grade and 5 does.
KNOWN_ORDER = ["medical_screening", "licensed_clinicians", "emergency_protocols", "followup_care",
               "protocol_described", "integration_support", "named_supervisor"]


@pytest.mark.parametrize("known, graded", [(0, False), (1, False), (4, False), (5, True), (7, True)])
def test_grade_is_null_below_a_third_known(known, graded):
    rows = [("clinic-a", c, "met") for c in KNOWN_ORDER[:known]]
    row = scoring.score(CLINIC, evidence_frame(rows)).iloc[0]
    assert row["applicable"] == 14
    assert pd.notna(row["grade"]) is graded


@pytest.mark.parametrize("status", ["met", "red_flag"])
def test_red_flags_count_as_known_but_never_raise_a_grade(status):
    base = [("clinic-a", c, "met") for c in KNOWN_ORDER[:5]]
    before = scoring.score(CLINIC, evidence_frame(base)).iloc[0]["grade"]
    after = scoring.score(CLINIC, evidence_frame(base + [("clinic-a", "no_guarantees", status)])).iloc[0]["grade"]
    assert (after > before) if status == "met" else (after < before)


@pytest.mark.parametrize("grade, known, applicable, text", [
    (61.5, 8, 13, "62 · 8 of 13 known"),   # half up, not to even
    (62.49, 8, 13, "62 · 8 of 13 known"),
    (float("nan"), 2, 13, "not enough known yet: 2 of 13 checked"),
    (None, 0, 14, "not enough known yet: 0 of 14 checked"),
    (100.0, 14, 14, "100 · 14 of 14 known"),
])
def test_grade_text_is_the_one_rounding(grade, known, applicable, text):
    assert scoring.grade_text(grade, known, applicable) == text


def test_score_is_indexed_like_providers():
    providers = providers_frame(("a-1", "clinic", "iv"), ("b-2", "at_home", "oral"))
    providers.index = [7, 3]
    scores = scoring.score(providers, evidence_frame([("b-2", "medical_screening", "met")]))
    assert list(scores.index) == [7, 3] and list(scores["provider_id"]) == ["a-1", "b-2"]
    assert list(scores.columns) == scoring.SCORE_COLUMNS


# ---- the four grade properties, on random evidence over small synthetic directories ----
# They are properties of the formula, so these tests grade everyone (min_known_share=0); the
# threshold below which no grade is shown is tested on its own further down.
FORMULA = {"min_known_share": 0}
SETTINGS = [("clinic", "iv"), ("at_home", "sublingual"), ("hybrid", "iv;sublingual"), ("clinic", "esketamine_nasal")]
provider_strategy = st.lists(st.sampled_from(SETTINGS), min_size=2, max_size=6)
row_strategy = st.tuples(st.integers(0, 5), st.sampled_from(CRITERION_IDS), st.sampled_from(["met", "red_flag"]))
weights_strategy = st.one_of(st.none(), st.dictionaries(st.sampled_from(CRITERION_IDS), st.integers(0, 5)))


def synthetic(settings_list, rows):
    providers = providers_frame(*[(f"p-{i}", s, r) for i, (s, r) in enumerate(settings_list)])
    evidence = evidence_frame([(f"p-{i % len(settings_list)}", c, s) for i, c, s in rows])
    return providers, evidence


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(provider_strategy, st.lists(row_strategy, max_size=25), weights_strategy)
def test_grade_bounds_and_unknown_is_never_a_red_flag(settings_list, rows, weights):
    providers, evidence = synthetic(settings_list, rows)
    scores = scoring.score(providers, evidence, weights=weights, **FORMULA)
    statuses = scoring.criterion_statuses(providers, evidence)
    flagged = statuses[statuses["status"] == "red_flag"].groupby("provider_id").size()
    assert scores.set_index("provider_id")["red_flags"].to_dict() == {
        p: int(flagged.get(p, 0)) for p in providers["provider_id"]}
    assert scores["grade"].between(0, 100).all()
    assert (scores["met"] + scores["red_flags"] + scores["unknown"] == scores["applicable"]).all()
    clean = scores[scores["red_flags"] == 0]
    assert (clean["grade"] >= 50).all()
    assert (clean.loc[clean["met"] == 0, "grade"] == 50).all()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(provider_strategy, st.lists(row_strategy, max_size=20), row_strategy, weights_strategy)
def test_adding_evidence_moves_grades_the_right_way(settings_list, rows, extra, weights):
    providers, evidence = synthetic(settings_list, rows)
    before = scoring.score(providers, evidence, weights=weights, **FORMULA)["grade"]
    after = scoring.score(providers, pd.concat([evidence, synthetic(settings_list, [extra])[1]], ignore_index=True),
                          weights=weights, **FORMULA)["grade"]
    if extra[2] == "met":
        assert (after >= before).all()  # a new met never lowers a grade
    else:
        assert (after <= before).all()  # a new red flag never raises one


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(provider_strategy, st.lists(row_strategy, max_size=30), weights_strategy)
def test_every_flagged_provider_is_below_every_clean_one(settings_list, rows, weights):
    providers, evidence = synthetic(settings_list, rows)
    scores = scoring.score(providers, evidence, weights=weights, **FORMULA)
    flagged, clean = scores[scores["red_flags"] > 0], scores[scores["red_flags"] == 0]
    if len(flagged) and len(clean):
        assert flagged["grade"].max() < clean["grade"].min()
    assert (flagged["grade"] < 50).all()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(provider_strategy, st.lists(row_strategy, max_size=20), st.sampled_from(CRITERION_IDS),
       st.sampled_from(["met", "red_flag"]))
def test_your_answer_moves_grades_like_evidence(settings_list, rows, criterion_id, status):
    providers, evidence = synthetic(settings_list, rows)
    before = scoring.score(providers, evidence, **FORMULA)
    after = scoring.score(providers, evidence, answers=[answer("p-0", criterion_id, status)], **FORMULA)
    if status == "met":
        assert after.loc[0, "grade"] >= before.loc[0, "grade"]
    else:
        assert after.loc[0, "grade"] <= before.loc[0, "grade"]
    assert (after.loc[1:, "grade"] == before.loc[1:, "grade"]).all()  # other providers are untouched


@pytest.fixture(scope="module")
def bundled(bundled_directory):
    return bundled_directory


def test_a_red_flag_on_any_bundled_provider_moves_it_below_every_clean_one(bundled):
    providers, evidence = bundled.providers, bundled.evidence
    clean_ids = set(scoring.score(providers, evidence).query("red_flags == 0")["provider_id"])
    clean_ids = set(scoring.score(providers, evidence, min_known_share=0).query("red_flags == 0")["provider_id"])
    for provider_id in providers["provider_id"]:
        flagged = pd.concat([evidence, evidence_frame([(provider_id, "medical_screening", "red_flag")])], ignore_index=True)
        scores = scoring.score(providers, flagged, min_known_share=0).set_index("provider_id")["grade"]
        others = [p for p in clean_ids if p != provider_id]
        assert scores[provider_id] < scores[others].min(), provider_id


@pytest.mark.parametrize("weights, message", [
    ({"no_such_criterion": 1}, "unknown criterion"), ({"medical_screening": -1}, ">= 0"),
    ({"medical_screening": "heavy"}, "number"), ({"medical_screening": float("nan")}, ">= 0"),
])
def test_bad_weights_are_refused(weights, message):
    with pytest.raises(ValueError, match=message):
        scoring.score(CLINIC, evidence_frame([]), weights=weights)


def test_weights_change_the_grade():
    evidence = evidence_frame([("clinic-a", "transparent_pricing", "met")])
    light = scoring.score(CLINIC, evidence, **FORMULA).loc[0, "grade"]
    heavy = scoring.score(CLINIC, evidence, weights={"transparent_pricing": 10}, **FORMULA).loc[0, "grade"]
    assert heavy > light > 50


# ---- must-haves ----
MUST_HAVE_PROVIDERS = providers_frame(("flag-a", "clinic", "iv"), ("met-b", "clinic", "iv"), ("blank-c", "clinic", "iv"),
                                      ("home-d", "at_home", "oral"))
MUST_HAVE_EVIDENCE = evidence_frame([("flag-a", "vital_sign_monitoring", "red_flag"), ("met-b", "vital_sign_monitoring", "met"),
                                     ("home-d", "remote_monitoring", "met")])


@pytest.mark.parametrize("must_have, drop_unknown, kept", [
    ([], False, {"flag-a", "met-b", "blank-c", "home-d"}),
    (["vital_sign_monitoring"], False, {"met-b", "blank-c", "home-d"}),
    (["vital_sign_monitoring"], True, {"met-b", "home-d"}),  # home-d: the criterion does not apply, so it stays
    (["vital_sign_monitoring", "remote_monitoring"], True, {"met-b", "home-d"}),
    (["medical_screening"], True, set()),
    (["medical_screening"], False, {"flag-a", "met-b", "blank-c", "home-d"}),
])
def test_must_have_mask(must_have, drop_unknown, kept):
    statuses = scoring.criterion_statuses(MUST_HAVE_PROVIDERS, MUST_HAVE_EVIDENCE)
    from_long = scoring.must_have_mask(statuses, must_have, drop_unknown)
    from_matrix = scoring.must_have_mask(scoring.status_matrix(MUST_HAVE_PROVIDERS, MUST_HAVE_EVIDENCE), must_have, drop_unknown)
    assert set(from_long[from_long].index) == kept
    assert from_matrix.to_dict() == from_long.to_dict()


def test_must_have_rejects_unknown_criteria():
    with pytest.raises(ValueError, match="must-have"):
        scoring.must_have_mask(scoring.criterion_statuses(CLINIC, evidence_frame([])), ["nope"], False)


def test_scoring_at_directory_scale_matches_scoring_one_by_one(bundled):
    """50,000 rows scored at once give each provider the grade it gets alone (speed is measured in
    `make bench`, not asserted here)."""
    copies = 50_000 // len(bundled.providers) + 1
    providers = pd.concat([bundled.providers] * copies, ignore_index=True).iloc[:50_000]
    originals = providers["provider_id"].copy()
    providers = providers.assign(provider_id=[f"p-{i}" for i in range(len(providers))])
    renamed = dict(zip(originals.iloc[: len(bundled.providers)], providers["provider_id"].iloc[: len(bundled.providers)]))
    evidence = bundled.evidence.assign(provider_id=bundled.evidence["provider_id"].map(renamed))
    scores = scoring.score(providers, evidence)
    assert len(scores) == 50_000
    alone = scoring.score(bundled.providers, bundled.evidence)
    first = scores.iloc[: len(bundled.providers)].reset_index(drop=True)
    assert first["grade"].fillna(-1).tolist() == alone["grade"].fillna(-1).tolist()
    assert first["red_flags"].tolist() == alone["red_flags"].tolist()
    # copies without evidence are providers about which nothing is known: no grade
    assert scores["grade"].iloc[len(bundled.providers):].isna().all()


# ---- recorded answers ----
GOOD_ANSWERS = [answer("clinic-a", "medical_screening", "met", 'said "yes", with a comma'),
                answer("clinic-a", "transport_home", "note", "needs a driver\nsecond line")]


@pytest.mark.parametrize("write, read", [(A.to_csv, A.from_csv), (A.to_json, A.from_json)])
def test_answers_round_trip(write, read):
    frame = read(write(GOOD_ANSWERS))
    assert frame.to_dict("records") == GOOD_ANSWERS


@pytest.mark.parametrize("text, message", [
    ("not json", "not valid JSON"),
    ('{"provider_id": "a"}', "array"),
    ('[{"provider_id": "a-1", "item_id": "medical_screening", "status": "maybe", "recorded_on": "2026-01-01"}]', "status"),
    ('[{"provider_id": "a-1", "item_id": "bogus", "status": "met", "recorded_on": "2026-01-01"}]', "item_id"),
    ('[{"provider_id": "A B", "item_id": "medications", "status": "met", "recorded_on": "2026-01-01"}]', "provider_id"),
    ('[{"provider_id": "a-1", "item_id": "medications", "status": "met", "recorded_on": "2026-02-30"}]', "real date"),
    ('[{"provider_id": "a-1", "item_id": "medications", "status": "met"}]', "missing recorded_on"),
    ('[{"provider_id": "a-1", "item_id": "medications", "status": "met", "recorded_on": "2026-01-01", "x": 1}]', "unknown field"),
    ('[{"provider_id": "a-1", "item_id": "medications", "status": "met", "note": 5, "recorded_on": "2026-01-01"}]', "note"),
])
def test_bad_answers_json_is_refused_with_a_clear_message(text, message):
    with pytest.raises(ValueError, match=message):
        A.from_json(text)


@pytest.mark.parametrize("text, message", [
    ("provider_id,item_id\n", "header lacks"),
    ("provider_id,item_id,status,note,recorded_on\na-1,medications,met,ok,2026-01-01,extra\n", "more cells"),
    ("provider_id,item_id,status,note,recorded_on\na-1,medications,great,ok,2026-01-01\n", "status"),
])
def test_bad_answers_csv_is_refused_with_a_clear_message(text, message):
    with pytest.raises(ValueError, match=message):
        A.from_csv(text)


def test_record_answer_replaces_the_earlier_answer_for_the_same_item():
    answers = A.record_answer([], answer("clinic-a", "medical_screening", "met"))
    answers = A.record_answer(answers, answer("clinic-a", "medications", "note", "ask"))
    answers = A.record_answer(answers, answer("clinic-a", "medical_screening", "red_flag", "changed"))
    assert [(a["item_id"], a["status"]) for a in answers] == [("medications", "note"), ("medical_screening", "red_flag")]


def test_call_sheet_lists_questions_and_answers():
    sheet = A.call_sheet("clinic-a", "Clinic A", [("medical_screening", "Q1?"), ("medications", "Q2?")],
                         [answer("clinic-a", "medications", "note", "stop lamotrigine?")])
    assert sheet[["item_id", "status", "note"]].values.tolist() == [
        ["medical_screening", "", ""], ["medications", "note", "stop lamotrigine?"]]
    markdown = A.call_sheet_markdown(sheet, "Clinic A", "2026-02-01")
    assert "Q1?" in markdown and "stop lamotrigine?" in markdown
    assert "- Phone: not known" in markdown  # unknown contact is said, not left out
    with_contact = A.call_sheet_markdown(sheet, "Clinic A", "2026-02-01", phone="512-555-0100",
                                         address="1 Main St, Austin, TX, 78701")
    head = with_contact.split("## ")[0]  # the contact comes before the first question
    assert "- Phone: 512-555-0100" in head and "- Address: 1 Main St, Austin, TX, 78701" in head


# ---- the command line, against the bundled data computed independently from the CSV files ----
def expected_counts() -> dict[str, dict[str, int]]:
    with open(DATA / "providers.csv", newline="", encoding="utf-8") as handle:
        providers = list(csv.DictReader(handle))
    with open(DATA / "evidence.csv", newline="", encoding="utf-8") as handle:
        evidence = list(csv.DictReader(handle))
    universal = set(CRITERION_IDS) - {"vital_sign_monitoring", "remote_monitoring", "rems_compliance"}
    applies = {}
    for row in providers:
        criteria = set(universal)
        if row["care_setting"] in ("clinic", "hybrid"):
            criteria.add("vital_sign_monitoring")
        if row["care_setting"] in ("at_home", "hybrid"):
            criteria.add("remote_monitoring")
        if "esketamine_nasal" in split_list(row["routes"]):
            criteria.add("rems_compliance")
        applies[row["provider_id"]] = criteria
    found = defaultdict(lambda: defaultdict(set))
    for row in evidence:
        if row["criterion_id"] in applies.get(row["provider_id"], set()):
            found[row["provider_id"]][row["status"]].add(row["criterion_id"])
    counts = {}
    for provider_id, criteria in applies.items():
        red = found[provider_id]["red_flag"]
        met = found[provider_id]["met"] - red
        counts[provider_id] = {"red_flags": len(red), "met": len(met), "applicable": len(criteria),
                               "unknown": len(criteria) - len(red) - len(met)}
    return counts


def run_cli(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = main(["score", *argv], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_cli_counts_agree_with_the_csv_files():
    code, out, _ = run_cli(str(DATA))
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    got = {r["provider_id"]: {k: int(r[k]) for k in ("red_flags", "met", "applicable", "unknown")} for r in rows}
    assert got == expected_counts()
    assert all((r["grade"] == "" or 0 <= float(r["grade"]) <= 100) and 0 <= float(r["coverage"]) <= 1 for r in rows)


def test_cli_json_is_one_array_matching_csv():
    code, out, _ = run_cli("--format", "json", str(DATA))
    assert code == 0
    records = json.loads(out)
    assert isinstance(records, list) and list(records[0]) == scoring_cli_fields()
    _, csv_out, _ = run_cli(str(DATA))
    assert [r["provider_id"] for r in records] == [r["provider_id"] for r in csv.DictReader(io.StringIO(csv_out))]
    # grade is null exactly when under a third of the applicable criteria are known, and set at half or more
    for record in records:
        known = record["met"] + record["red_flags"]
        assert (record["grade"] is None) == (3 * known < record["applicable"]), record
        if 2 * known >= record["applicable"]:
            assert isinstance(record["grade"], float)


def scoring_cli_fields():
    from vetting.scoring_cli import FIELDS
    return FIELDS


@pytest.mark.parametrize("folder", ["does-not-exist", "file"])
def test_cli_missing_folder_is_a_message_and_exit_2(tmp_path, folder):
    target = tmp_path / folder
    if folder == "file":
        target.write_text("x")
    code, out, err = run_cli(str(target))
    assert code == 2 and out == "" and "not found" in err and "Traceback" not in err


def test_cli_folder_without_providers_is_exit_2(tmp_path):
    code, _, err = run_cli(str(tmp_path))
    assert code == 2 and "providers.csv" in err


def test_data_freshness_counts_old_facts():
    providers = pd.DataFrame({"checked_on": ["2024-01-01", "2026-01-01", "2026-06-01"]})
    evidence = pd.DataFrame({"checked_on": ["2026-06-01"]})
    table = scoring.data_freshness(providers, evidence, today=pd.Timestamp("2026-07-01")).set_index("facts")
    assert table.loc["providers", "older_than_12_months"] == 1 and table.loc["evidence", "older_than_12_months"] == 0
    assert table.loc["providers", "oldest_checked_on"] == pd.Timestamp("2024-01-01")
    assert table.loc["providers", "median_checked_on"] == pd.Timestamp("2026-01-01")
