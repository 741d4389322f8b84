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


def test_deep_link_as_first_visit_still_runs_through_app_py(page):
    """A fresh server whose first visitor opens /provider directly: the page still gets the
    navigation and the safety notice (Streamlit's legacy pages/ mode is switched off)."""
    from tests.browser.server import streamlit_server

    with streamlit_server() as url:
        page.goto(url + "/provider?provider=ketamine-north-duluth")
        page.get_by_text("Facts and sources").wait_for(timeout=60_000)
        main = page.inner_text("[data-testid='stMain']")
        assert "988" in main and "not medical advice" in main
        links = page.eval_on_selector_all("[data-testid='stSidebarNavLink']", "els => els.map(e => e.innerText)")
        assert any("Find providers" in text for text in links), links


def test_concurrent_first_visits_to_deep_links_all_load(browser):
    """Several sessions opening pages directly on a fresh server, at once: each runs through app.py
    without an exception (a rerun raised while `ui` was being imported once left a half-imported
    module to the other sessions)."""
    from tests.browser.server import streamlit_server, wait_for_app

    with streamlit_server() as url:
        context = browser.new_context()
        pages = [context.new_page() for _ in range(3)]
        for tab, path in zip(pages, ["/provider?provider=ketamine-north-duluth", "/costs", "/methodology"]):
            tab.goto(url + path, wait_until="commit")
        for tab in pages:
            wait_for_app(tab)
            tab.get_by_test_id("stMain").get_by_text("988", exact=False).first.wait_for(timeout=60_000)
            assert tab.get_by_test_id("stException").count() == 0
            assert tab.get_by_text("Page not found").count() == 0
        context.close()


def test_the_costs_page_link_to_find_opens_find(page, app_url):
    """The Costs table links to Find with a route and setting (a relative link: Find is the app's
    root page); resolved from /costs as the browser does, it opens Find with those filters."""
    from urllib.parse import urljoin

    target = urljoin(app_url + "/costs", "./?route=iv&setting=clinic")
    assert target == app_url + "/?route=iv&setting=clinic"
    page.goto(target)
    wait_for_app(page)
    page.get_by_role("heading", name="offering IV").first.wait_for(timeout=60_000)
    assert page.get_by_text("Page not found").count() == 0
