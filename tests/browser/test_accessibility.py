"""axe-core on every page in Debian's chromium: no serious or critical violation."""

import pytest

from tests.browser.server import wait_for_app

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
