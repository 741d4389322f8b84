"""axe-core on every page in Debian's chromium: no serious or critical violation."""

import pytest

from tests.browser.server import PHONE_AGENT, wait_for_app

PAGES = ["/?route=iv,im&zip=10001&radius=100", "/provider?provider=ketamine-north-duluth", "/costs",
         "/compare?shortlist=ketamine-north-duluth,mindbloom", "/audit", "/methodology", "/data",
         "/suggest?provider=ketamine-north-duluth"]


@pytest.mark.parametrize("path", PAGES)
def test_no_serious_accessibility_violations(page, app_url, path):
    from axe_playwright_python.sync_playwright import Axe

    page.goto(app_url + path)
    wait_for_app(page)
    assert not page.query_selector("[data-testid='stException']"), path
    violations = Axe().run(page).response["violations"]
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]])
               for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == [], serious


def serious_violations(page) -> list:
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]])
            for v in violations if v["impact"] in ("serious", "critical")]




@pytest.mark.parametrize("sidebar_open", [False, True])
def test_find_on_a_phone_with_cards_and_with_the_filters_open(browser, app_url, sidebar_open):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  user_agent=PHONE_AGENT)
    page = context.new_page()
    page.goto(app_url + "/?zip=10001&radius=100")
    wait_for_app(page)
    assert page.locator(".st-key-find_cards_view").is_visible()  # filled results, as cards
    if sidebar_open:
        page.get_by_test_id("stExpandSidebarButton").click()
        page.get_by_role("heading", name="Filters").wait_for()
    found = serious_violations(page)
    context.close()
    assert found == [], found
