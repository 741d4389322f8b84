"""The Suggest page through the app's navigation (AppTest, no browser): what it downloads merges."""

import io
import shutil
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.conftest import open_page as open_app_page

from vetting import load_directory
from vetting import proposals as P
from vetting.cli import main
from vetting.loader import DATA_FILES

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
NEW_URL = "https://suggested-clinic.example.com/about"


@pytest.fixture(scope="module")
def bundled(bundled_directory):
    return bundled_directory


@pytest.fixture
def downloads(monkeypatch) -> dict:
    """What the page offers for download, by widget key."""
    captured = {}
    original = st.download_button  # bound to the main area when streamlit is imported

    def spy(label, data, *args, **kwargs):
        captured[kwargs.get("key")] = data
        return original(label, data, *args, **kwargs)

    monkeypatch.setattr(st, "download_button", spy)
    return captured


def open_page(provider_id=None) -> AppTest:
    return open_app_page("pages/suggest.py", provider=provider_id)


def errors(at) -> str:
    return "\n".join(e.value for e in at.error)


def add_button(at, prefix):
    return at.button(key=f"{prefix}_add")


def provider_with_empty(directory, column):
    for (provider_id,), cells in P.current_rows(directory)["provider"].items():
        if cells.get(column) is None:
            return provider_id, cells
    pytest.skip(f"no provider with an empty {column}")


def merge_into_copy(tmp_path, proposal: str) -> tuple[int, str, Path]:
    folder = tmp_path / "data"
    folder.mkdir()
    for name in DATA_FILES:
        shutil.copy(DATA / name, folder / name)
    path = tmp_path / "proposal.csv"
    path.write_text(proposal, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = main(["merge", "--apply", str(path), str(folder)], out=out, err=err)
    return code, out.getvalue() + err.getvalue(), folder


@pytest.mark.parametrize("provider_id, note", [
    (None, "Choose the provider whose facts you want to correct."),
    ("no-such-clinic", "No provider with the id “no\\-such\\-clinic” is in the directory."),
])
def test_without_a_known_provider_the_page_asks_for_one(provider_id, note):
    at = open_page(provider_id)
    shown = [e.value for e in list(at.info) + list(at.warning)]
    assert any(note in text for text in shown), shown
    assert at.selectbox(key="suggest_provider").value is None
    assert not at.get("download_button")


def test_a_correction_is_validated_as_typed_and_downloads_a_proposal_that_merges(bundled, downloads, tmp_path):
    provider_id, cells = provider_with_empty(bundled, "city")
    at = open_page(provider_id)
    assert at.selectbox(key="suggest_provider").value == provider_id
    prefix = f"fix_0_{provider_id}"
    assert at.text_input(key=f"{prefix}_name").value == cells["name"]  # the form starts from the data
    at.text_input(key=f"{prefix}_city").input("Springfield")
    at.text_input(key=f"{prefix}_source_url").input("javascript:alert(1)")
    at.text_area(key=f"{prefix}_reason").input("The contact page gives the city.")
    at.run()
    assert "**Source URL**: source\\_url 'javascript\\:alert\\(1\\)' is not an absolute http\\(s\\) URL" in errors(at)
    assert add_button(at, prefix).disabled and not at.get("download_button")

    known_url = cells["source_urls"].split(";")[0]
    at.text_input(key=f"{prefix}_source_url").input(known_url)
    at.run()
    assert errors(at) == "" and not add_button(at, prefix).disabled
    add_button(at, prefix).click()
    at.run()
    assert not at.exception
    assert [b.label for b in at.get("download_button")] == ["Download the proposal (CSV)"]
    assert at.text_area(key=f"fix_1_{provider_id}_reason").value == ""  # the form is fresh for the next correction
    # A second row: what the same page shows for a checklist criterion.
    eprefix = f"evidence_1_{provider_id}"
    criterion_id = next(c for c in ("medical_screening", "emergency_protocols", "followup_care")
                        if not ((bundled.evidence["provider_id"] == provider_id) & (bundled.evidence["criterion_id"] == c)
                                & (bundled.evidence["source_url"] == known_url)).any())
    at.selectbox(key=f"{eprefix}_criterion").set_value(criterion_id)
    at.text_area(key=f"{eprefix}_note").input("Asks about medical history before the first session.")
    at.text_input(key=f"{eprefix}_source_url").input(known_url)
    at.text_area(key=f"{eprefix}_reason").input("Shown on the page.")
    at.run()
    assert errors(at) == ""
    at.button(key=f"{eprefix}_add").click()
    at.run()
    assert [r["kind"] for r in at.session_state["proposal_rows"]] == ["provider", "evidence"]
    code, output, folder = merge_into_copy(tmp_path, downloads["download_proposal"])
    assert code == 0, output
    assert f"~ providers.csv {provider_id}: city: (empty) -> Springfield" in output
    merged = load_directory(folder)
    assert merged.providers.set_index("provider_id").at[provider_id, "city"] == "Springfield"
    mine = merged.evidence[(merged.evidence["provider_id"] == provider_id) & (merged.evidence["criterion_id"] == criterion_id)]
    assert mine["note"].tolist()[-1] == "Asks about medical history before the first session."


def test_a_new_provider_with_its_page_can_be_collected_and_removed(bundled, downloads, tmp_path):
    at = open_page()
    prefix = "new_0"
    at.text_input(key=f"{prefix}_name").input("Suggested Ketamine **Clinic**")
    at.text_input(key=f"{prefix}_city").input("Boise")
    at.selectbox(key=f"{prefix}_state").set_value("ID")
    at.selectbox(key=f"{prefix}_care_setting").set_value("clinic")
    at.run()
    assert "**Source URL**: every proposed fact needs the page that shows it" in errors(at)
    assert add_button(at, prefix).disabled
    at.selectbox(key=f"{prefix}_supervision_model").set_value("in_clinic_monitored")
    at.text_input(key=f"{prefix}_source_url").input(NEW_URL)
    at.run()
    at.text_input(key=f"{prefix}_source_title").input("About the clinic")
    at.text_area(key=f"{prefix}_reason").input("Its own site lists the clinic.")
    at.run()
    assert errors(at) == ""
    add_button(at, prefix).click()
    at.run()
    rows = at.session_state["proposal_rows"]
    assert [(r["kind"], r["action"]) for r in rows] == [("source", "add"), ("provider", "add")]
    assert rows[1]["provider_id"] == "suggested-ketamine-clinic-boise"
    assert at.dataframe[0].value["kind"].tolist() == ["source", "provider"]  # user text in a table, never Markdown
    code, output, folder = merge_into_copy(tmp_path, downloads["download_proposal"])
    assert code == 0, output
    assert "suggested-ketamine-clinic-boise" in set(load_directory(folder).providers["provider_id"])

    # Removing the source row leaves a provider citing an unlisted page: no download until fixed.
    at.button(key="remove_row_0").click()
    at.run()
    assert [r["kind"] for r in at.session_state["proposal_rows"]] == ["provider"]
    assert "is not listed in sources\\.csv" in errors(at)
    assert not at.get("download_button")
    at.button(key="remove_row_0").click()
    at.run()
    assert at.session_state["proposal_rows"] == [] and not at.get("download_button")
