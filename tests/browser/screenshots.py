"""`make screenshots`: save a screenshot of every page (desktop and phone width) for the README."""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.browser.server import CHROMIUM_ARGS, chromium_path, streamlit_server, wait_for_app

PAGES = {
    "find": "/?route=iv,im&zip=10001&radius=100",
    "provider": "/provider?provider=ketamine-north-duluth",
    "costs": "/costs",
    "compare": "/compare?shortlist=ember-health-nyc,ketamine-north-duluth,mindbloom",
    "audit": "/audit",
    "methodology": "/methodology",
    "data": "/data",
    "suggest": "/suggest?provider=ketamine-north-duluth",
}


def main(out_dir: str) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with streamlit_server() as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        for width, suffix in ((1280, ""), (390, "-phone")):
            page = browser.new_page(viewport={"width": width, "height": 900})
            for name, path in PAGES.items():
                page.goto(url + path)
                wait_for_app(page)
                page.wait_for_timeout(1500)  # let the map and charts draw
                page.screenshot(path=str(out / f"{name}{suffix}.png"), full_page=(suffix == ""))
                print(out / f"{name}{suffix}.png")
            page.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
