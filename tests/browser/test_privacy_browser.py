"""No page makes the browser contact any host but the app's own (principle 5), checked in Chromium
by routing every request of a tour of every page; map tiles reach out only once the user asks."""

from urllib.parse import urlsplit

import pytest

from tests.browser.server import wait_for_app

TOUR = ["/", "/?route=iv,im&zip=10001&radius=100", "/provider?provider=ketamine-north-duluth",
        "/costs?route=esketamine_nasal", "/compare?shortlist=ember-health-nyc,ketamine-north-duluth,mindbloom",
        "/audit", "/methodology", "/data", "/suggest?provider=ketamine-north-duluth"]


def outside_requests(context, app_url):
    """Abort, and record, every request to a host other than the app's (data: and blob: stay local)."""
    own = urlsplit(app_url).netloc
    seen = []

    def handle(route):
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about") or parts.netloc == own:
            route.continue_()
        else:
            seen.append(url)
            route.abort()

    context.route("**/*", handle)
    return seen


@pytest.mark.slow
@pytest.mark.parametrize("width", [1280, 390])
def test_touring_every_page_contacts_no_outside_host(browser, app_url, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    seen = outside_requests(context, app_url)
    page = context.new_page()
    visited = []
    for path in TOUR:
        page.goto(app_url + path)
        wait_for_app(page)
        visited.append(path)
    context.close()
    assert visited == TOUR
    assert seen == [], f"outside requests: {sorted(set(seen))[:10]}"


def test_map_tiles_reach_out_only_after_the_user_turns_them_on(browser, app_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    seen = outside_requests(context, app_url)
    page = context.new_page()
    page.goto(app_url + "/?zip=10001&radius=100")
    wait_for_app(page)
    assert seen == []
    page.get_by_text("Street map background").click()
    wait_for_app(page)
    page.wait_for_timeout(2000)
    context.close()
    assert seen, "turning the street map on should load tiles from the tile server"
