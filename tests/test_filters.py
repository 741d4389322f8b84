"""Filters as a table: query parameters in, provider ids out."""

import pandas as pd
import pytest

from tests.factories import SOURCE, price, provider, write_directory
from vetting import load_directory
from vetting import filters as F
from vetting.find import enrich, find

PROVIDERS = [
    provider("nyc-iv", zip="10001", city="New York", state="NY", insurance="Aetna;BCBS", conditions="depression",
             ),
    provider("newark-im", routes="im", zip="07102", city="Newark", state="NJ", insurance="Blue Cross Blue Shield",
             hsa_fsa="yes", conditions="depression;ptsd"),
    provider("philly-spravato", routes="esketamine_nasal", supervision_model="rems_certified_observation",
             zip="19103", state="PA", insurance="UHC", spravato_covered_by_insurance="yes"),
    provider("boston-iv", zip="02108", state="MA", superbill="yes", insurance="none"),
    provider("home-ny", name="Home Care NY", care_setting="at_home", routes="sublingual", supervision_model="telehealth_remote",
             states_served="NY;NJ"),
    provider("home-ca", care_setting="at_home", routes="oral", supervision_model="telehealth_remote", states_served="CA"),
    provider("closed-nyc", zip="10001", state="NY", status="closed", status_source_url=SOURCE),
    provider("hybrid-austin", name="Austin Hybrid", care_setting="hybrid", routes="sublingual;im", supervision_model="hybrid",
             zip="78701", city="Austin", state="TX", conditions="ptsd"),
]
PRICES = [
    price("nyc-iv", 500),
    price("newark-im", 300, 900, route="im"),
    price("boston-iv", 2400, unit="series", sessions_included=6),  # never divided into $400 sessions
    price("home-ny", 200, unit="month", route="sublingual"),
]
ALL_OPEN = {"nyc-iv", "newark-im", "philly-spravato", "boston-iv", "home-ny", "home-ca", "hybrid-austin"}


@pytest.fixture(scope="module")
def directory(tmp_path_factory):
    folder = write_directory(tmp_path_factory.mktemp("filters"), PROVIDERS, prices=PRICES)
    loaded = load_directory(folder)
    assert loaded.problems == []
    return loaded


@pytest.fixture(scope="module")
def enriched(directory):
    return enrich(directory.providers, prices=directory.prices)


@pytest.fixture(scope="module")
def reference(directory):
    """The providers with prices but without the prepared helper columns: the filters' slow path."""
    from vetting.prices import per_session_prices

    return directory.providers.join(per_session_prices(directory.providers, directory.prices))


CASES = [
    ({}, ALL_OPEN),
    ({"route": "iv"}, {"nyc-iv", "boston-iv"}),
    ({"route": "iv,im"}, {"nyc-iv", "boston-iv", "newark-im", "hybrid-austin"}),
    ({"supervision": "rems_certified_observation"}, {"philly-spravato"}),
    ({"setting": "at_home,hybrid"}, {"home-ny", "home-ca", "hybrid-austin"}),
    ({"insurance": "bcbs"}, {"nyc-iv", "newark-im"}),
    ({"insurance": "Blue Cross Blue Shield"}, {"nyc-iv", "newark-im"}),
    ({"insurance": "aetna,uhc"}, {"nyc-iv", "philly-spravato"}),
    ({"insurance": "any"}, {"nyc-iv", "newark-im", "philly-spravato"}),
    ({"insurance": "spravato_covered"}, {"philly-spravato"}),
    ({"insurance": "hsa_fsa"}, {"newark-im"}),
    ({"insurance": "superbill"}, {"boston-iv"}),
    ({"insurance": "bcbs,hsa_fsa"}, {"newark-im"}),
    ({"zip": "10001", "radius": "50"}, {"nyc-iv", "newark-im", "home-ny"}),
    ({"zip": "10001", "radius": "100"}, {"nyc-iv", "newark-im", "philly-spravato", "home-ny"}),
    ({"zip": "10001", "radius": "250"}, {"nyc-iv", "newark-im", "philly-spravato", "boston-iv", "home-ny"}),
    ({"zip": "10001"}, {"nyc-iv", "newark-im", "home-ny"}),  # default radius 50
    ({"zip": "90001", "radius": "10"}, {"home-ca"}),
    ({"state": "nj"}, {"newark-im", "home-ny"}),
    ({"state": "TX"}, {"hybrid-austin"}),
    ({"condition": "ptsd"}, {"newark-im", "hybrid-austin"}),
    ({"max_price": "400"}, {"newark-im"}),  # boston's $2,400 six-session series is not a per-session price
    ({"max_price": "99999"}, {"newark-im", "nyc-iv"}),  # nor is a monthly price
    ({"max_price": "299"}, set()),
    ({"q": "austin"}, {"hybrid-austin"}),
    ({"q": "HOME care"}, {"home-ny"}),
    ({"closed": "1", "zip": "10001", "radius": "5"}, {"nyc-iv", "closed-nyc", "home-ny"}),
    ({"route": "iv", "supervision": "in_clinic_monitored", "zip": "10001", "radius": "100"}, {"nyc-iv"}),
    # invalid values are ignored, so the view is as if they were absent
    ({"route": "teleport"}, ALL_OPEN),
    ({"radius": "abc", "zip": "10001"}, {"nyc-iv", "newark-im", "home-ny"}),
    ({"zip": "00000"}, ALL_OPEN),
    ({"max_price": "-5"}, ALL_OPEN),
]


@pytest.mark.parametrize("path", ["prepared", "reference"])
@pytest.mark.parametrize("params, expected", CASES, ids=[str(c[0]) for c in CASES])
def test_filters(enriched, reference, path, params, expected):
    state, _notes = F.parse_params(params)
    result, view = find(enriched if path == "prepared" else reference, state)
    assert set(result["provider_id"]) == expected
    assert view.count == len(expected)


def test_prepared_columns_mark_list_membership(enriched):
    rows = enriched.set_index("provider_id")
    assert rows.loc["newark-im", F.member_column("conditions", "ptsd")]
    assert not rows.loc["nyc-iv", F.member_column("conditions", "ptsd")]
    assert rows.loc["home-ny", F.member_column("states_served", "NJ")]
    assert rows.loc["newark-im", F.member_column("insurance", "bcbs")]
    assert not rows.loc["boston-iv", F.member_column("insurance", "any")]  # "none" accepts no plan
    assert not rows.loc["home-ca", F.member_column("insurance", "any")]    # unknown is not "accepts"


@pytest.mark.parametrize("params, note_fragment", [
    ({"route": "teleport"}, "route='teleport'"),
    ({"zip": "00000"}, "not a known US ZIP"),
    ({"zip": "10001", "radius": "abc"}, "radius='abc'"),
    ({"radius": "20"}, "needs a ZIP"),
    ({"max_price": "cheap"}, "positive number"),
    ({"min_grade": "150"}, "between 0 and 100"),
    ({"state": "ZZ"}, "unknown state"),
])
def test_invalid_params_give_a_note(params, note_fragment):
    _state, notes = F.parse_params(params)
    assert any(note_fragment in note for note in notes), notes


def test_telehealth_in_state_is_labelled_not_measured(enriched):
    state, _ = F.parse_params({"zip": "10001", "radius": "50"})
    result, _view = find(enriched, state, sort="distance")
    rows = result.set_index("provider_id")
    assert bool(rows.loc["home-ny", "serves_your_state"]) is True
    assert rows["distance_miles"].isna()["home-ny"]
    assert rows.loc["newark-im", "distance_miles"] == pytest.approx(9, abs=3)
    assert list(result["provider_id"]) == ["nyc-iv", "newark-im", "home-ny"]  # nearest first, remote last


@pytest.mark.parametrize("params, sentence", [
    ({}, "7 providers."),
    ({"route": "iv,im", "zip": "10001", "radius": "50", "insurance": "aetna"},
     "1 provider offering IV or IM within 50 miles of 10001 (or treating at home in NY) that accept Aetna."),
    ({"route": "iv", "zip": "10001", "setting": "clinic"}, "1 provider offering IV in a clinic within 50 miles of 10001."),
    ({"zip": "10001", "setting": "clinic,hybrid"},
     "2 providers in a clinic or in a clinic and at home within 50 miles of 10001 (or treating at home in NY)."),
    ({"supervision": "rems_certified_observation", "state": "pa"},
     "1 provider with REMS-certified observation in or serving Pennsylvania."),
    ({"setting": "clinic", "zip": "10001", "radius": "50"}, None),  # no at-home wording for clinics only
])
def test_description(enriched, params, sentence):
    state, _ = F.parse_params(params)
    _result, view = find(enriched, state)
    described = F.describe(state, view.count)
    if sentence is None:
        assert "within 50 miles of 10001" in described and "at home" not in described
    else:
        assert described == sentence


def test_params_round_trip():
    params = {"route": "iv,im", "zip": "10001", "radius": "100", "insurance": "bcbs,hsa_fsa", "max_price": "500", "q": "clinic"}
    state, notes = F.parse_params(params)
    assert notes == []
    assert F.parse_params(F.to_params(state))[0] == state


def test_empty_result_names_the_most_restrictive_filter(enriched):
    state, _ = F.parse_params({"route": "esketamine_nasal", "state": "ca"})
    _result, view = find(enriched, state)
    assert view.count == 0
    key, without = F.most_restrictive(view, state)
    assert key in ("route", "state") and without == 1


@pytest.mark.parametrize("params, expected", [
    ({}, {"flagged", "met", "silent"}),
    ({"must_have": "medical_screening"}, {"met", "silent"}),
    ({"must_have": "medical_screening", "must_have_known": "1"}, {"met"}),
    ({"must_have": "rems_compliance", "must_have_known": "1"}, {"flagged", "met", "silent"}),  # applies to none
    ({"no_red_flags": "1"}, {"met", "silent"}),
    ({"min_grade": "51"}, {"met"}),
    ({"min_grade": "1"}, {"met", "flagged"}),  # "silent" has no grade at all: too little is known
])
def test_must_have_and_grade_filters(tmp_path, params, expected):
    from tests.factories import evidence
    from vetting.find import enrich

    known = ["followup_care", "protocol_described", "licensed_clinicians", "named_supervisor"]
    # 5 of 14 applicable criteria known: enough for a grade (a third); "silent" has none.
    folder = write_directory(tmp_path, [provider("flagged"), provider("met"), provider("silent")],
                             [evidence("flagged", "medical_screening", "red_flag"),
                              evidence("met", "medical_screening", "met")]
                             + [evidence(p, c, "met") for p in ("flagged", "met") for c in known])
    directory = load_directory(folder)
    state, notes = F.parse_params(params)
    assert notes == []
    enriched = enrich(directory.providers, directory.evidence, must_have=state.get("must_have"),
                      must_have_known=bool(state.get("must_have_known")))
    result, _view = find(enriched, state)
    assert set(result["provider_id"]) == expected


def test_find_can_keep_only_the_page_columns(enriched):
    from vetting.find import PAGE_COLUMNS

    state, _ = F.parse_params({"zip": "10001", "radius": "50"})
    full, _view = find(enriched, state)
    slim, _view = find(enriched, state, columns=PAGE_COLUMNS)
    assert list(slim["provider_id"]) == list(full["provider_id"])
    assert set(slim.columns) == ({c for c in PAGE_COLUMNS if c in enriched} | {"distance_miles", "serves_your_state"})
    assert not any(c.startswith("_has:") for c in full.columns)  # helpers never reach results


@pytest.mark.parametrize("params", [{}, {"zip": "78701", "radius": "300"}, {"state": "tx"}, {"route": "iv"}])
def test_the_default_order_does_not_move_when_a_provider_writes_more_about_itself(bundled_directory, params):
    """Adding "met" evidence to one provider (as a marketing-rich site would earn) changes its grade,
    never its place in the default order."""
    from vetting.checklists import criteria
    from vetting.filters import parse_params
    directory = bundled_directory
    state, _ = parse_params(params)
    before, _ = find(enrich(directory.providers, directory.evidence, prices=directory.prices), state)
    target = before["provider_id"].iloc[len(before) // 2]
    extra = pd.DataFrame([{"provider_id": target, "criterion_id": cid, "status": "met", "note": "Synthetic.",
                           "source_url": "https://example.org/synthetic", "checked_on": "2026-12-01"}
                          for cid in criteria().index])
    after, _ = find(enrich(directory.providers, pd.concat([directory.evidence, extra], ignore_index=True),
                           prices=directory.prices), state)
    assert after["provider_id"].tolist() == before["provider_id"].tolist()
    assert after.set_index("provider_id").at[target, "met"] > before.set_index("provider_id").at[target, "met"]
