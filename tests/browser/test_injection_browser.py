"""Hostile provider names and typed text in a real browser: no dialog fires, no javascript: link
exists, the text shows literally."""

import pytest

from tests.browser.server import streamlit_server, wait_for_app
from tests.factories import provider, write_directory

HOSTILE = ["<img src=x onerror=alert(1)>", "[click](javascript:alert(1))", "<script>alert(2)</script>"]


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory):
    rows = [provider(f"hostile-{i}", name=name, city="New York", state="NY", zip="10001",
                     care_setting="at_home" if i == 2 else "clinic",
                     supervision_model="telehealth_remote" if i == 2 else "in_clinic_monitored",
                     states_served="NY" if i == 2 else "")
            for i, name in enumerate(HOSTILE)]
    folder = write_directory(tmp_path_factory.mktemp("hostile"), rows)
    with streamlit_server(data_dir=str(folder)) as url:
        yield url


@pytest.mark.parametrize("path", [
    "/?zip=10001&radius=20",
    "/?q=%5Bx%5D(javascript%3Aalert(3))",
    "/provider?provider=hostile-0",
    "/provider?provider=hostile-1",
    "/compare?shortlist=hostile-0,hostile-1,hostile-2",
])
def test_no_script_runs_and_no_javascript_link(page, hostile_url, path):
    page.goto(hostile_url + path)
    wait_for_app(page)
    page.wait_for_timeout(500)
    assert page.dialogs == []
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    assert not [h for h in hrefs if h.strip().lower().startswith(("javascript:", "data:"))], hrefs
    assert page.query_selector("img[src='x']") is None
    assert not page.query_selector("[data-testid='stException']")


def test_hostile_name_shows_literally_on_the_provider_page(page, hostile_url):
    page.goto(hostile_url + "/provider?provider=hostile-0")
    wait_for_app(page)
    assert HOSTILE[0] in page.inner_text("[data-testid='stMain']")
