"""`make screenshots`: save a screenshot of every page (desktop and phone width) for the README."""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.browser.server import CHROMIUM_ARGS, PHONE_AGENT, chromium_path, streamlit_server, wait_for_app

PAGES = {
    "find": "/?route=iv,im&zip=10001&radius=100",
    "find-nozip": "/",
    "provider": "/provider?provider=ketamine-north-duluth",
    "costs": "/costs",
    "compare": "/compare?shortlist=ember-health-nyc,ketamine-north-duluth,mindbloom",
    "audit": "/audit",
    "methodology": "/methodology",
    "data": "/data",
    "suggest": "/suggest?provider=ketamine-north-duluth",
}



# The Audit page with findings: a provider chosen by ?provider=, a page address and pasted text.
AUDIT_FINDINGS = ("/audit?provider=ketamine-north-duluth", "https://example.org/faq",
                  "Our success rate is 92%. You will feel like yourself again after your first session, that's our "
                  "promise. Ketamine is completely non-addictive. Spravato is given in our office, where a nurse "
                  "observes you for two hours before a friend drives you home.")


def audit_findings(page, url: str, out: Path) -> None:
    path, address, text = AUDIT_FINDINGS
    page.goto(url + path)
    wait_for_app(page)
    page.get_by_role("textbox", name="Address of the page (https://…)").fill(address)
    page.get_by_role("textbox", name="Address of the page (https://…)").press("Enter")
    wait_for_app(page)
    box = page.get_by_role("textbox", name="Paste provider text")
    box.fill(text)
    box.press("Control+Enter")
    page.get_by_role("button", name="Download the proposal (CSV)").first.wait_for(timeout=30_000)
    wait_for_app(page)
    page.set_viewport_size({"width": 1280, "height": 3200})  # the page scrolls inside the app, not the window
    page.wait_for_timeout(1000)
    page.screenshot(path=str(out / "audit-findings.png"), full_page=True)
    print(out / "audit-findings.png")


def main(out_dir: str) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with streamlit_server() as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        for width, suffix in ((1280, ""), (390, "-phone")):
            # The phone run says it is a phone (as a real one does), so Find starts with cards.
            phone = {"is_mobile": True, "has_touch": True, "user_agent": PHONE_AGENT} if suffix else {}
            # The app scrolls inside its own box, so a tall window is what shows a whole page.
            page = browser.new_page(viewport={"width": width, "height": 2600 if not suffix else 1800}, **phone)
            for name, path in PAGES.items():
                page.goto(url + path)
                wait_for_app(page)
                page.wait_for_timeout(1500)  # let the map and charts draw
                page.screenshot(path=str(out / f"{name}{suffix}.png"), full_page=(suffix == ""))
                print(out / f"{name}{suffix}.png")
            if suffix == "":
                audit_findings(page, url, out)
            page.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
