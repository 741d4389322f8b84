"""The shortlist through AppTest: a shared ?shortlist= link, add, remove, the Compare page, its
downloads (CSV, PDF, shortlist file) and import, on a synthetic directory (VETTING_DATA_DIR)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pypdf
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from tests.factories import price, evidence, provider, source, write_directory
from vetting import shortlist as S
from vetting.checklists import SEED_SOURCE_IDS

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = "<img src=x onerror=alert(1)>"
IDS = ["alpha-clinic", "beta-home", "gamma-clinic"]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("compare-data")
    write_directory(folder, [
        provider("alpha-clinic", name="Alpha Clinic", zip="10001", city="New York", state="NY"),
        provider("beta-home", name=HOSTILE, care_setting="at_home", routes="sublingual",
                 supervision_model="telehealth_remote", states_served="NY"),
        provider("gamma-clinic", name="Gamma Clinic", zip="60601", city="Chicago", state="IL"),
        provider("delta-clinic", name="Delta Clinic", state="TX"),
    ], [evidence("alpha-clinic", "no_guarantees", "red_flag", source_url="https://example.org/alpha-claims")],
        [source(), source("https://example.org/alpha-prices"), source("https://example.org/alpha-claims")]
        + [source(f"https://example.org/{seed}", source_id=seed, kind="source_document") for seed in SEED_SOURCE_IDS],
        prices=[price("alpha-clinic", 400, source_url="https://example.org/alpha-prices")])
    return folder


@pytest.fixture
def env(data_dir, monkeypatch):
    monkeypatch.setenv("VETTING_DATA_DIR", str(data_dir))
    return data_dir


@pytest.fixture
def downloads(monkeypatch):
    """file name -> bytes of every download button the page renders (deferred ones are called)."""
    captured: dict[str, bytes] = {}
    add, add_deferred = MediaFileManager.add, MediaFileManager.add_deferred

    def record_add(self, data, mimetype, coordinates, file_name=None, is_for_static_download=False):
        if file_name:
            captured[file_name] = data if isinstance(data, bytes) else str(data).encode()
        return add(self, data, mimetype, coordinates, file_name, is_for_static_download)

    def record_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        if file_name:
            captured[file_name] = data_callable()
        return add_deferred(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add", record_add)
    monkeypatch.setattr(MediaFileManager, "add_deferred", record_deferred)
    return captured


def compare_page(shortlist: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if shortlist is not None:
        at.query_params["shortlist"] = shortlist
    at.switch_page("pages/compare.py")
    return run(at)


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def url_shortlist(at: AppTest) -> str | None:
    """?shortlist= as the app left it (AppTest keeps a value as text or as a list of texts)."""
    value = at.query_params.get("shortlist")
    return value[-1] if isinstance(value, list) else value


def cards(at: AppTest) -> dict[str, dict[str, str]]:
    """Provider name (as escaped Markdown) -> {fact label: the line after it}, one card per provider."""
    found = {}
    for markdown in at.markdown:
        if markdown.value.startswith("#### "):
            heading, *lines = markdown.value.splitlines()
            facts = {}
            for line in lines:
                label, _, value = line.removeprefix("- **").partition(":** ")
                facts[label.replace("\\", "").removesuffix(" ≠")] = (value, label.endswith(" ≠"))
            found[heading.removeprefix("#### ")] = facts
    return found


def download(downloads: dict[str, bytes], extension: str) -> bytes:
    found = [data for name, data in downloads.items() if name.endswith(extension)]
    assert len(found) == 1, list(downloads)
    return found[0]


def test_shared_link_shows_the_same_shortlist(env):
    at = compare_page("alpha-clinic,gamma-clinic,not-here")
    assert list(cards(at)) == ["Alpha Clinic", "Gamma Clinic"]
    assert at.session_state["shortlist"] == ["alpha-clinic", "gamma-clinic"]
    assert url_shortlist(at) == "alpha-clinic,gamma-clinic"  # the unknown id leaves the URL
    assert any("not\\-here" in w.value for w in at.warning)


def test_differences_are_marked_in_text_and_facts_link_their_sources(env):
    at = compare_page("alpha-clinic,gamma-clinic")
    alpha, gamma = cards(at)["Alpha Clinic"], cards(at)["Gamma Clinic"]
    assert not alpha["Care setting"][1] and alpha["Known prices (as listed)"][1]  # same / ≠ differs
    assert "[source](<https://example.org/alpha-prices>)" in alpha["Known prices (as listed)"][0]
    assert "[source](<https://example.org/alpha-claims>)" in alpha["Red flags"][0]
    for card in (alpha, gamma):
        for label, (cell, _) in card.items():
            unknown = re.match(r"^(Unknown|not known|not stated|insurance unknown|no public price|none found|no estimate|"
                               r"not enough known yet: 0 |0 of |location unknown)", cell.replace("\\", "").strip())
            if unknown:
                assert "](<" not in cell, (label, cell)  # unknown means no link
            else:
                assert "[source](<https://" in cell, (label, cell)  # one short link first
            assert "source 1" not in cell and "source 2" not in cell
            if label not in ("Known prices (as listed)", "Induction estimate"):
                assert cell.count("](<") <= 1, (label, cell)  # one short link


def test_hostile_name_renders_literally(env):
    at = compare_page("beta-home,alpha-clinic")
    texts = [m.value for m in at.markdown] + [b.label for b in at.button] + [e.label for e in at.expander]
    assert any("\\<img src=x onerror=alert\\(1\\)\\>" in t for t in texts)
    assert not any(re.search(r"(?<!\\)<img", t) for t in texts)


def test_remove_button_takes_a_provider_off_the_list_and_the_url(env):
    at = compare_page("alpha-clinic,gamma-clinic")
    at.button(key="remove_alpha-clinic").click()
    run(at)
    assert at.session_state["shortlist"] == ["gamma-clinic"]
    assert url_shortlist(at) == "gamma-clinic"
    assert list(cards(at)) == ["Gamma Clinic"]
    assert [t.value for t in at.toast] == ["Removed Alpha Clinic from your shortlist\\."]
    at.button(key="remove_gamma-clinic").click()
    run(at)
    assert url_shortlist(at) is None
    assert at.info and "empty" in at.info[0].value
    # Find is the default page: its link is the app root ("").
    assert any(link.proto.label == "Go to Find providers" and link.proto.page in ("", "find") for link in at.get("page_link"))


def test_empty_shortlist_explains_how_to_add(env):
    at = compare_page()
    assert "Find providers" in at.info[0].value and "Add to shortlist" in at.info[0].value
    assert not cards(at)


ADD_SCRIPT = """
import streamlit as st
import ui
ui.shortlist_toggle("alpha-clinic")
if st.session_state.get("also_add"):
    ui.shortlist_add(st.session_state["also_add"])
"""


def test_add_button_and_repeated_add(env):
    at = run(AppTest.from_string(ADD_SCRIPT, default_timeout=60))
    assert at.button[0].label == "Add to shortlist"
    at.button[0].click()
    run(at)
    assert at.session_state["shortlist"] == ["alpha-clinic"]
    assert "Added to your shortlist" in at.toast[0].value
    assert url_shortlist(at) == "alpha-clinic"
    assert at.button[0].label == "Remove from shortlist"
    at.session_state["also_add"] = ["gamma-clinic", "alpha-clinic"]
    for _ in range(3):  # Find calls shortlist_add on every rerun while rows are selected: harmless
        run(at)
        assert at.session_state["shortlist"] == ["alpha-clinic", "gamma-clinic"]
        assert not at.warning
    at.session_state["also_add"] = []  # rows deselected; otherwise the next rerun would add it back
    at.button[0].click()
    run(at)
    assert at.session_state["shortlist"] == ["gamma-clinic"]


def test_adding_past_the_limit_says_so(env, tmp_path, monkeypatch):
    many = [provider(f"p-{n}") for n in range(8)]
    monkeypatch.setenv("VETTING_DATA_DIR", str(write_directory(tmp_path, many)))
    at = AppTest.from_string("import ui\nui.shortlist_add([f'p-{n}' for n in range(8)])", default_timeout=60)
    run(at)
    assert at.session_state["shortlist"] == [f"p-{n}" for n in range(S.MAX_SHORTLIST)]
    assert "full" in at.warning[0].value


def test_downloads_round_trip_through_import(env, downloads):
    answers = [dict(provider_id="alpha-clinic", item_id="emergency_protocols", status="met",
                    note="Crash cart on site.", recorded_on="2026-12-01")]
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["shortlist"] = ",".join(IDS)
    at.session_state["answers"] = answers
    at.switch_page("pages/compare.py")
    run(at)
    rows = list(csv.DictReader(io.StringIO(download(downloads, ".csv").decode())))
    assert [r["provider_id"] for r in rows] == IDS
    assert rows[0]["prices_source_urls"] == "https://example.org/alpha-prices"

    pdf = pypdf.PdfReader(io.BytesIO(download(downloads, ".pdf")))
    text = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
    for name in ("Alpha Clinic", HOSTILE, "Gamma Clinic"):
        assert name in text
    assert "Your answer (2026-12-01) - Emergency protocols: Met" in text

    exported = download(downloads, ".json")
    assert json.loads(exported)["shortlist"] == IDS

    fresh = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    fresh.switch_page("pages/compare.py")
    run(fresh)
    fresh.file_uploader(key="shortlist_import").upload("shortlist.json", exported, "application/json")
    run(fresh)
    assert fresh.session_state["shortlist"] == IDS
    assert fresh.session_state["answers"] == answers
    assert url_shortlist(fresh) == ",".join(IDS)
    assert fresh.success and not fresh.error
    run(fresh)  # the uploader keeps its file: a rerun must not import it again
    assert fresh.session_state["answers"] == answers


@pytest.mark.parametrize("content, message", [
    (b"{broken", "not valid JSON"),
    (json.dumps({"version": 9, "shortlist": ["gamma-clinic"], "answers": []}).encode(), "unsupported version 9"),
    (json.dumps({"version": 1, "shortlist": ["nobody-here"], "answers": []}).encode(), "none of its providers"),
    (json.dumps({"version": 1, "shortlist": ["gamma-clinic"],
                 "answers": [{"provider_id": "gamma-clinic", "item_id": "x", "status": "met",
                              "recorded_on": "2026-12-01"}]}).encode(), "bad answers"),
    (b" " * (S.MAX_FILE_BYTES + 10), "at most 1,000,000 bytes"),
])
def test_malformed_import_changes_nothing(env, content, message):
    answers = [dict(provider_id="alpha-clinic", item_id="medical_screening", status="met", note="",
                    recorded_on="2026-12-01")]
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["shortlist"] = "alpha-clinic"
    at.session_state["answers"] = answers
    at.switch_page("pages/compare.py")
    run(at)
    at.file_uploader(key="shortlist_import").upload("shortlist.json", content, "application/json")
    run(at)
    assert at.error and message.replace(" ", "") in at.error[0].value.replace("\\", "").replace(" ", "")
    assert "Nothing was changed" in at.error[0].value
    assert at.session_state["shortlist"] == ["alpha-clinic"]
    assert at.session_state["answers"] == answers


@pytest.mark.parametrize("shortlist, name, location_has_home, distance_has_home", [
    ("alpha-clinic", "Alpha Clinic", False, False),   # a clinic: no at-home wording
    ("beta-home", "\\<img src=x onerror=alert\\(1\\)\\>", True, True),
])
def test_at_home_wording_only_for_an_at_home_care_setting(env, shortlist, name, location_has_home, distance_has_home):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["shortlist"] = shortlist
    at.session_state["find_params"] = {"zip": "10001"}
    at.switch_page("pages/compare.py")
    card = cards(run(at))[name]
    assert ("at home" in card["Address or states served"][0]) is location_has_home
    assert ("at home" in card["Distance from your ZIP"][0]) is distance_has_home


def test_a_quote_shows_on_the_card_and_in_the_csv_without_a_link(env, downloads):
    from vetting.costs import parse_quote
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["shortlist"] = "alpha-clinic,gamma-clinic"
    at.session_state["cost_quotes"] = [parse_quote("450", "session", None, "iv", "alpha-clinic")]
    at.switch_page("pages/compare.py")
    card = cards(run(at))
    assert card["Alpha Clinic"]["Your quote (entered by you)"][0] == "\\$450 per session, IV infusion"  # no link
    assert card["Gamma Clinic"]["Your quote (entered by you)"][0] == "none entered"
    rows = list(csv.DictReader(io.StringIO(download(downloads, ".csv").decode())))
    assert rows[0]["your_quote"] == "$450 per session, IV infusion" and rows[0]["your_quote_source_urls"] == ""
