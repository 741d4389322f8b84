"""The Find page in a real browser (Debian's chromium): the table and the map are drawn."""

from tests.browser.server import wait_for_app


def test_find_page_shows_table_and_map(page, app_url):
    page.goto(f"{app_url}/?route=iv&zip=10001&radius=100")
    wait_for_app(page)
    page.wait_for_selector("[data-testid='stDataFrame']", timeout=60_000)
    page.wait_for_selector("[data-testid='stDeckGlJsonChart'] canvas", timeout=60_000)
    heading = page.get_by_role("heading", name="within 100 miles of 10001").first
    assert heading.is_visible()
    assert "988" in page.inner_text("body")
    assert page.dialogs == []
