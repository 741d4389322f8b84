"""Three real-browser journeys (Debian's chromium against `streamlit run`): patient, coordinator,
advocate. Slow by nature, so few; they still run in `make test` and CI."""

import csv
import io

import pytest

from tests.browser.server import wait_for_app

pytestmark = pytest.mark.slow


def test_patient_filters_opens_a_provider_and_sees_open_questions(page, app_url):
    page.goto(app_url + "/")
    wait_for_app(page)
    page.get_by_role("textbox", name="ZIP code", exact=True).fill("10001")
    page.keyboard.press("Enter")
    page.get_by_text("within 50 miles of 10001").first.wait_for(timeout=30_000)
    page.goto(page.url + "&route=iv")
    page.get_by_text("offering IV within 50 miles of 10001").first.wait_for(timeout=30_000)
    assert "route=iv" in page.url and "zip=10001" in page.url
    # open the first at-home service listed for New York, or else the first provider of the table
    page.goto(app_url + "/provider?provider=ember-health-nyc")
    page.get_by_text("Questions still to ask").wait_for(timeout=30_000)
    wait_for_app(page)
    body = page.inner_text("[data-testid='stMain']")
    assert "Ember Health" in body
    assert "Who will be directly supervising" in body or "supervis" in body.lower()


def test_coordinator_shortlists_compares_and_downloads_the_csv(page, app_url):
    ids = ["ember-health-nyc", "ketamine-north-duluth", "mindbloom"]
    page.goto(app_url + "/compare?shortlist=" + ",".join(ids))
    wait_for_app(page)
    page.get_by_role("button", name="Comparison (CSV)").first.wait_for(timeout=30_000)
    with page.expect_download(timeout=30_000) as download_info:
        page.get_by_role("button", name="Comparison (CSV)").first.click()
    path = download_info.value.path()
    rows = list(csv.DictReader(io.StringIO(open(path, encoding="utf-8-sig").read())))
    assert [r["provider_id"] for r in rows] == ids
    assert all(any(v.startswith("https://") for v in r.values() if v) for r in rows)
    # a colleague opening the same URL sees the same shortlist
    colleague = page.context.browser.new_page()
    colleague.goto(page.url)
    wait_for_app(colleague)
    assert "shortlist=" + "%2C".join(ids) in colleague.url or "shortlist=" + ",".join(ids) in colleague.url
    assert "Ketamine North" in colleague.inner_text("[data-testid='stMain']")
    colleague.close()


def test_advocate_pastes_text_and_sees_a_flag(page, app_url):
    page.goto(app_url + "/audit")
    wait_for_app(page)
    box = page.get_by_role("textbox", name="Paste provider text")
    box.fill("Our infusions are guaranteed to cure your depression. Book today!")
    box.press("Control+Enter")
    page.get_by_role("button", name="Report as JSON").first.wait_for(timeout=30_000)
    wait_for_app(page)
    body = page.inner_text("[data-testid='stMain']").lower()
    assert "guarantee" in body
    assert page.dialogs == []
