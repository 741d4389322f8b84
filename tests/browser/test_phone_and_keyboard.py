"""Phone width and keyboard: the safety notice and the results stay reachable."""

from tests.browser.server import wait_for_app


def test_phone_width_shows_notice_and_results(browser, app_url):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(app_url + "/?route=iv")
    wait_for_app(page)
    notice = page.get_by_text("Call or text", exact=False).first
    assert notice.is_visible()
    assert page.query_selector("[data-testid='stDataFrame']")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 400, f"page scrolls sideways at phone width ({width}px)"
    context.close()


def test_filters_work_from_the_keyboard(page, app_url):
    page.goto(app_url + "/")
    wait_for_app(page)
    box = page.get_by_label("Name or city")
    box.focus()
    page.keyboard.type("zzzz-nothing")
    page.keyboard.press("Enter")
    page.get_by_text("No provider matches every filter").wait_for(timeout=30_000)
    assert "zzzz-nothing" in page.url
