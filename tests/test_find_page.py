"""The Find page through AppTest: query parameters reproduce a view; changing a filter changes the table."""

import csv
import math
from pathlib import Path

import pytest
import zipcodes
from streamlit.testing.v1 import AppTest

DATA = Path(__file__).resolve().parent.parent / "data"


def run_find(params: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(DATA.parent / "app.py"), default_timeout=60)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def shown_ids(at: AppTest) -> set[str]:
    """Every provider the view holds (the table shows them 100 to a page)."""
    ids = at.session_state["find_provider_ids"]
    table = at.dataframe[0].value["provider_id"].tolist()
    assert table == ids[:100]
    return set(ids)


def expected_iv_in_clinic_near_10001() -> set[str]:
    """Computed independently of vetting/: straight from the CSV, zipcodes and the haversine formula."""
    home = zipcodes.matching("10001")[0]
    lat0, lon0 = math.radians(float(home["lat"])), math.radians(float(home["long"]))
    expected = set()
    for row in csv.DictReader(open(DATA / "providers.csv", encoding="utf-8")):
        if "iv" not in row["routes"].split(";") or row["supervision_model"] != "in_clinic_monitored":
            continue
        if row["status"] == "closed" or row["care_setting"] == "at_home":
            continue
        if row["latitude"]:
            lat, lon = float(row["latitude"]), float(row["longitude"])
        elif row["zip"]:
            z = zipcodes.matching(row["zip"])[0]
            lat, lon = float(z["lat"]), float(z["long"])
        elif row["city"] and row["state"]:
            found = [z for z in zipcodes.filter_by(state=row["state"]) if z["city"].lower() == row["city"].lower()]
            if not found:
                continue
            lat = sum(float(z["lat"]) for z in found) / len(found)
            lon = sum(float(z["long"]) for z in found) / len(found)
        else:
            continue
        lat, lon = math.radians(lat), math.radians(lon)
        a = math.sin((lat - lat0) / 2) ** 2 + math.cos(lat0) * math.cos(lat) * math.sin((lon - lon0) / 2) ** 2
        if 2 * 3958.8 * math.asin(math.sqrt(a)) <= 100:
            expected.add(row["provider_id"])
    return expected


def test_default_view_lists_every_open_provider():
    at = run_find()
    with open(DATA / "providers.csv", encoding="utf-8") as handle:
        open_ids = {r["provider_id"] for r in csv.DictReader(handle) if r["status"] != "closed"}
    assert shown_ids(at) == open_ids
    assert len(open_ids) >= 50
    assert at.header[0].value.startswith(f"{len(open_ids)} providers")


def test_query_params_reproduce_the_issue_example():
    at = run_find({"route": "iv", "supervision": "in_clinic_monitored", "zip": "10001", "radius": "100"})
    expected = expected_iv_in_clinic_near_10001()
    assert expected, "the bundled data should have IV clinics near 10001"
    assert shown_ids(at) == expected
    assert "within 100 miles of 10001" in at.header[0].value


def test_changing_a_filter_changes_the_table_and_the_url():
    at = run_find()
    before = shown_ids(at)
    at.multiselect(key="f_route").set_value(["esketamine_nasal"]).run()
    after = shown_ids(at)
    assert after and after < before
    assert at.query_params["route"] in ("esketamine_nasal", ["esketamine_nasal"])
    with open(DATA / "providers.csv", encoding="utf-8") as handle:
        spravato = {r["provider_id"] for r in csv.DictReader(handle)
                    if "esketamine_nasal" in r["routes"].split(";") and r["status"] != "closed"}
    assert after == spravato


@pytest.mark.parametrize("params, note", [
    ({"route": "bogus"}, "Ignored route='bogus'"),
    ({"radius": "abc", "zip": "10001"}, "Ignored radius='abc'"),
    ({"zip": "00000"}, "not a known US ZIP"),
    ({"max_price": "lots"}, "Ignored max_price='lots'"),
])
def test_bad_query_params_are_ignored_with_a_visible_note(params, note):
    at = run_find(params)
    assert any(note in w.value.replace("\\", "") for w in at.warning), [w.value for w in at.warning]
    assert len(at.dataframe) == 1


def test_empty_result_says_which_filter_removed_the_most():
    at = run_find({"route": "esketamine_nasal", "q": "zzzz-no-such-name"})
    assert any("Name or city" in i.value for i in at.info), [i.value for i in at.info]
    assert len(at.dataframe) == 0


def test_safety_notice_on_the_page():
    at = run_find()
    assert any("988" in c.value and "911" in c.value and "not medical advice" in c.value for c in at.caption)


def test_filters_survive_a_visit_to_another_page():
    at = run_find({"route": "esketamine_nasal"})
    before = shown_ids(at)
    at.switch_page("pages/methodology.py").run()
    assert not at.exception
    at.switch_page("pages/find.py").run()
    assert not at.exception
    assert at.multiselect(key="f_route").value == ["esketamine_nasal"]
    assert shown_ids(at) == before


def test_the_table_pages_through_large_results():
    at = run_find()
    ids = at.session_state["find_provider_ids"]
    assert len(ids) > 200
    assert at.dataframe[0].value["provider_id"].tolist() == ids[:100]
    at.number_input(key="f_page").set_value(3).run()
    assert at.dataframe[0].value["provider_id"].tolist() == ids[200:300]
    assert any("Showing 201 to" in c.value for c in at.caption)


def test_an_empty_zip_search_offers_the_nearest_providers_and_a_wider_radius():
    """Austin + IV finds nothing within 50 miles: the page names the nearest IV providers with their
    distances and offers one click to widen the radius, after which they are in the results."""
    at = run_find({"zip": "78701", "route": "iv", "radius": "10"})
    assert at.session_state["find_provider_ids"] == []
    assert [s.value for s in at.subheader][:1] == ["Nearest providers that match your other filters"]
    widen = next(b for b in at.button if b.label.startswith("Widen the radius to "))
    radius = float(widen.label.split(" to ")[1].split()[0])
    widen.click().run()
    assert not at.exception
    assert at.session_state["f_radius"] == radius
    assert at.session_state["find_provider_ids"], "the wider radius should reach the nearest providers"


@pytest.mark.parametrize("setting, insurance, expected_setting, expected_insurance", [
    ("clinic", "yes", ["clinic", "hybrid"], ["any"]),
    ("home", "unsure", ["at_home", "hybrid"], []),
    ("either", "no", [], []),
])
def test_the_guided_start_sets_the_filters_and_the_url(setting, insurance, expected_setting, expected_insurance):
    at = run_find()
    assert at.expander[0].label.startswith("New here?")
    at.text_input(key="g_zip").input("10001")
    at.radio(key="g_setting").set_value(setting)
    at.radio(key="g_insurance").set_value(insurance)
    next(b for b in at.button if b.label == "Show providers").click().run()
    assert not at.exception
    assert at.session_state["f_zip"] == "10001"
    assert at.session_state["f_setting"] == expected_setting
    assert at.session_state["f_insurance"] == expected_insurance
    assert at.query_params["zip"] in ("10001", ["10001"])  # the URL holds the result, to share or come back to


def test_cards_show_the_same_providers_as_the_table():
    at = run_find({"zip": "10001", "radius": "100"})
    table_names = at.dataframe[0].value["name"].tolist()
    at.toggle(key="f_cards").set_value(True).run()
    assert not at.exception and not at.dataframe
    card_names = [m.value.split("**")[1].replace("\\", "") for m in at.markdown
                  if m.value.startswith("**") and "Checklist:" in m.value]
    assert card_names == table_names[:20]  # names are shown escaped; the same order as the table


def test_changed_weights_stay_when_the_inputs_are_folded_away():
    at = run_find()
    at.toggle(key="f_show_weights").set_value(True).run()
    key = next(n.key for n in at.number_input if n.key and n.key.startswith("w_"))
    at.number_input(key=key).set_value(0.0).run()
    assert any("your own weights" in i.value for i in at.info)
    at.toggle(key="f_show_weights").set_value(False).run()
    assert not any(n.key == key for n in at.number_input)  # folded away: not drawn
    assert any("your own weights" in i.value for i in at.info)  # still in use
    assert at.session_state["find_weights"][key.removeprefix("w_")] == 0.0
