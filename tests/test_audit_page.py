"""The Audit page through AppTest: pasted or uploaded text is audited, findings carry their source
link, and pasted markup is shown literally, never rendered."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from vetting.claims import ANSWERS, FLAGS

APP = Path(__file__).resolve().parent.parent / "app.py"


def open_audit() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    at.switch_page("pages/audit.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def paste(text: str) -> AppTest:
    at = open_audit()
    at.text_area(key="audit_text").input(text).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def shown_markdown(at: AppTest) -> str:
    return "\n".join(str(element.value) for element in list(at.markdown) + list(at.caption))


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_nothing_pasted_asks_for_text():
    at = open_audit()
    assert any("Paste some text" in info.value for info in at.info)
    assert not at.metric


def test_pasted_guarantee_is_flagged_with_its_source_link():
    at = paste("Our infusions guarantee results for everyone who completes the series.")
    markdown = shown_markdown(at)
    assert metric(at, "Red flags found") == "1"
    assert FLAGS["guarantee_or_cure"].label in markdown
    assert "**«guarantee results»**" in markdown
    assert "](<https://helloinnerwell.com>)" in markdown  # the seed's address from data/sources.csv


def test_open_questions_are_listed_to_ask():
    at = paste("A session costs $450.")
    markdown = shown_markdown(at)
    assert metric(at, "Questions answered") == "1 of 9"
    assert ANSWERS["supervisor_named"].question in markdown
    assert ANSWERS["price_stated"].question not in markdown


def test_pasted_markup_is_shown_literally():
    payload = "<img src=x onerror=alert(1)>"
    at = paste(f"We guarantee results. {payload}")
    markdown = shown_markdown(at)
    assert payload not in markdown  # every pasted character reaches st.markdown escaped
    assert r"\<img src=x onerror=alert\(1\)\>" in markdown
    assert any(payload in text.value for text in at.text)  # the audited text, shown as plain text


def test_uploaded_html_is_reduced_to_visible_text():
    at = open_audit()
    page = b"<html><head><title>t</title></head><body><p>Results are guaranteed.</p><script>cure()</script></body></html>"
    at.file_uploader(key="audit_upload").set_value(("page.html", page, "text/html")).run()
    assert not at.exception
    assert metric(at, "Red flags found") == "1"
    assert any("Results are guaranteed." == text.value for text in at.text)


@pytest.mark.parametrize("content", [b"\x89PNG\r\n\x1a\n\x00\x00\x00", "caf\xe9".encode("latin-1")])
def test_binary_or_non_utf8_upload_gets_a_clear_message(content):
    at = open_audit()
    at.file_uploader(key="audit_upload").set_value(("notes.txt", content, "text/plain")).run()
    assert not at.exception
    assert any("cannot be audited" in error.value for error in at.error)
    assert not at.metric
