"""A real browser through nginx in front of two replicas (deploy/): one session keeps working across
50 reruns, and every response it gets comes from one replica (its sticky cookie). ~45 s here, most
of it chromium redrawing the page 50 times."""

import pytest

from benchmarks.load import IDLE, RUN_COUNTER
from deploy.serve import cluster, nginx_path
from tests.browser.server import wait_for_app

pytestmark = pytest.mark.slow
RERUNS = 50


@pytest.fixture(scope="module")
def nginx_url():
    """`make serve REPLICAS=2`: the bundled data, two replicas, nginx on a free port."""
    if nginx_path() is None:
        pytest.skip("nginx is not installed: run `make nginx` (`make test` installs it, as it does chromium)")
    with cluster(2) as running:
        yield running.url


def test_a_browser_session_keeps_working_across_50_reruns_through_nginx(page, nginx_url):
    replicas = []
    page.on("response", lambda response: replicas.append(response.headers.get("x-upstream")))
    page.context.add_init_script(RUN_COUNTER)
    page.goto(nginx_url + "/")
    wait_for_app(page)
    toggle = page.get_by_test_id("stSidebar").get_by_text("No red flags", exact=True)
    for turn in range(RERUNS):
        before = page.evaluate("window.__runsDone")
        toggle.click(timeout=30_000)
        page.wait_for_function(IDLE, arg=before, timeout=90_000, polling=50)  # a loaded CI box is slower
        # The change reached the session: the app wrote it into the URL (on every odd turn).
        assert ("no_red_flags=1" in page.url) == (turn % 2 == 0), (turn, page.url)
    assert page.get_by_test_id("stException").count() == 0
    assert page.get_by_text("Connection error").count() == 0
    cookies = [c for c in page.context.cookies() if c["name"] == "stroute"]
    assert len(cookies) == 1
    assert len(set(replicas) - {None}) == 1, set(replicas)
