"""The checklist data (vetting/checklist.toml) and who each criterion applies to."""

import csv
from pathlib import Path

import pandas as pd
import pytest

from vetting import checklists
from vetting.vocab import CRITERION_IDS, SELF_REPORTED_KINDS

DATA = Path(__file__).resolve().parent.parent / "data"


def bundled_sources() -> dict[str, str]:
    """source_id -> kind, for the bundled sources.csv."""
    with open(DATA / "sources.csv", newline="", encoding="utf-8") as handle:
        return {row["source_id"]: row["kind"] for row in csv.DictReader(handle) if row["source_id"]}


def bundled_seed_ids() -> set[str]:
    return set(bundled_sources())


def test_criterion_ids_are_exactly_the_vocabulary():
    assert tuple(checklists.criteria().index) == CRITERION_IDS


@pytest.mark.parametrize("column", ["title", "red_flag", "question", "why"])
def test_every_criterion_has_text(column):
    values = checklists.criteria()[column]
    assert values.map(lambda v: isinstance(v, str) and len(v.strip()) > 3).all(), values[values.isna()]


@pytest.mark.parametrize("criterion_id", CRITERION_IDS)
def test_every_criterion_cites_an_independent_source_in_sources_csv(criterion_id):
    kinds = bundled_sources()
    cited = [s["source_id"] for s in checklists.criteria().at[criterion_id, "sources"]]
    independent = [c for c in cited if kinds.get(c) not in (None, *SELF_REPORTED_KINDS)]
    assert independent, f"{criterion_id} cites only provider-published documents: {cited}"


@pytest.mark.parametrize("criterion_id", CRITERION_IDS)
def test_every_criterion_has_a_rubric_with_examples(criterion_id):
    row = checklists.criteria().loc[criterion_id]
    assert row["rubric_counts"] and row["rubric_not"]
    assert all(isinstance(t, str) and len(t) > 15 for t in list(row["rubric_counts"]) + list(row["rubric_not"]))


def test_a_hedged_success_rate_is_written_down_as_not_a_promise():
    # The rubric itself must say that "80%, but we can't guarantee" is not a guarantee (issue 13).
    not_a_promise = " ".join(checklists.criteria().at["no_guarantees", "rubric_not"]).lower()
    assert "hedged success rate" in not_a_promise and "not a promise" in not_a_promise
    assert checklists.criteria().at["success_rate_claims", "severity"]


def test_every_citation_names_a_bundled_seed_and_a_section():
    seeds = bundled_seed_ids()
    cited = [s for sources in checklists.criteria()["sources"] for s in sources]
    cited += [q for q in checklists.criteria()["question_source"] if isinstance(q, dict)]
    cited += [s for sources in checklists.patient_questions()["sources"] for s in sources]
    assert cited
    assert {s["source_id"] for s in cited} <= seeds
    assert all(s["section"].strip() for s in cited)


@pytest.mark.parametrize("criterion_id, weight", [
    ("medical_screening", 3), ("contraindication_screening", 3), ("emergency_protocols", 3),
    ("vital_sign_monitoring", 3), ("remote_monitoring", 3), ("rems_compliance", 3), ("licensed_clinicians", 3),
    ("no_guarantees", 2), ("success_rate_claims", 1), ("medical_framing", 2), ("named_supervisor", 2), ("followup_care", 2),
    ("integration_support", 2), ("protocol_described", 1), ("transparent_pricing", 1), ("condition_experience", 1),
])
def test_default_weights_follow_the_documented_rationale(criterion_id, weight):
    assert checklists.default_weights()[criterion_id] == weight
    assert "safety" in checklists.weight_rationale().lower()


@pytest.mark.parametrize("question_id", ["transport_home", "medications", "spravato_prior_authorization",
                                         "total_cost_and_refunds", "medical_history"])
def test_patient_questions_exist_with_a_source(question_id):
    question = checklists.patient_questions().loc[question_id]
    assert question["question"].endswith("?") and question["why"] and question["sources"]


# care_setting, routes, criterion, applies
APPLICABILITY = [
    ("clinic", "iv", "vital_sign_monitoring", True),
    ("clinic", "iv", "remote_monitoring", False),
    ("at_home", "sublingual", "vital_sign_monitoring", False),
    ("at_home", "sublingual", "remote_monitoring", True),
    ("hybrid", "iv;sublingual", "vital_sign_monitoring", True),
    ("hybrid", "iv;sublingual", "remote_monitoring", True),
    ("clinic", "esketamine_nasal", "rems_compliance", True),
    ("clinic", "iv;esketamine_nasal", "rems_compliance", True),
    ("clinic", "iv; esketamine_nasal", "rems_compliance", True),
    ("clinic", "iv", "rems_compliance", False),
    ("clinic", "ketamine_nasal", "rems_compliance", False),  # compounded spray is not Spravato
    ("clinic", None, "rems_compliance", False),
    ("at_home", "oral", "medical_screening", True),
    ("clinic", None, "transparent_pricing", True),
    ("hybrid", "im", "contraindication_screening", True),
]


@pytest.mark.parametrize("care_setting, routes, criterion_id, expected", APPLICABILITY)
def test_applicable(care_setting, routes, criterion_id, expected):
    providers = pd.DataFrame({"provider_id": ["p-1"], "care_setting": [care_setting], "routes": [routes]})
    assert bool(checklists.applicable(providers).loc[0, criterion_id]) is expected


@pytest.mark.parametrize("routes, expected", [("esketamine_nasal", True), ("iv", False), ("ketamine_nasal", False)])
def test_spravato_prior_authorization_only_where_spravato_is_offered(routes, expected):
    providers = pd.DataFrame({"provider_id": ["p-1"], "care_setting": ["clinic"], "routes": [routes]})
    assert bool(checklists.applicable_questions(providers).loc[0, "spravato_prior_authorization"]) is expected


def test_applicable_is_indexed_like_providers_with_all_criteria():
    providers = pd.DataFrame({"provider_id": ["a-1", "b-2"], "care_setting": ["clinic", "at_home"],
                              "routes": ["iv", "oral"]}, index=[10, 20])
    frame = checklists.applicable(providers)
    assert list(frame.index) == [10, 20] and tuple(frame.columns) == CRITERION_IDS
    assert frame.dtypes.eq(bool).all()


@pytest.mark.parametrize("broken, message", [
    ('id = "x"', "missing"),
    ('weight = -1', "weight"),
    ('rubric_counts = [', "rubric"),
    ('applies_to = { care_settings = ["moon"], routes_any = [] }', "applies_to"),
])
def test_malformed_checklist_is_reported(tmp_path, broken, message):
    text = (Path(checklists.CHECKLIST_PATH).read_text(encoding="utf-8"))
    # Replace the first criterion's weight / applies_to line, or drop its title, to break one field.
    if broken.startswith("weight"):
        text = text.replace("weight = 3", broken, 1)
    elif broken.startswith("rubric"):
        text = text.replace("rubric_counts = [", "rubric_unused = [", 1)
    elif broken.startswith("applies_to"):
        text = text.replace('applies_to = { care_settings = ["clinic", "at_home", "hybrid"], routes_any = [] }', broken, 1)
    else:
        text = text.replace('title = "Medical screening"\n', "", 1)
    path = tmp_path / "checklist.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(checklists.ChecklistError, match=message):
        checklists.load_checklist(path)
