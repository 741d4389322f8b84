"""The Audit page through AppTest: pasted or uploaded text is audited, findings show their sentence
with the claim marked and their source link, pasted markup is shown literally, never rendered, bad
input gets a clear message, and a provider's audit becomes a proposal `merge` accepts."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import open_page
from vetting.claims import ANSWERS, FLAGS

APP = Path(__file__).resolve().parent.parent / "app.py"


def open_audit() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    at.switch_page("pages/audit.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def paste(text: str, at: AppTest | None = None) -> AppTest:
    at = at or open_audit()
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
    assert "> Our infusions **«guarantee results»** for everyone who completes the series\\." in markdown
    assert "characters" not in markdown  # people read the sentence, not offsets
    assert "What the evidence says" in markdown
    assert "](<https://helloinnerwell.com>)" in markdown  # the seed's address from data/sources.csv


def test_open_questions_are_listed_to_ask():
    at = paste("A session costs $450.")
    markdown = shown_markdown(at)
    assert metric(at, "Questions answered") == "1 of 9"
    assert ANSWERS["supervisor_named"].question in markdown
    assert ANSWERS["price_stated"].question not in markdown


def test_pasted_markup_is_shown_literally():
    payload = "<img src=x onerror=alert(1)>"
    at = paste(f"We guarantee results {payload} for everyone.")
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


# ---------------------------------------------------------------- bad input: a message, never a traceback

FIVE_MB = "We guarantee results. " * (5 * 1024 * 1024 // 22 + 1)


def upload(name: str, content: bytes) -> AppTest:
    at = open_audit()
    at.file_uploader(key="audit_upload").set_value((name, content, "text/plain")).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("make, kind, message", [
    (lambda: paste("   \n\t  "), "info", "Paste some text"),
    (lambda: paste(FIVE_MB), "error", "larger than 2 MB"),
    (lambda: paste("abc\x00def"), "error", "binary"),
    (lambda: upload("notes.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00"), "error", "binary"),
    (lambda: upload("latin.txt", "caf\xe9".encode("latin-1")), "error", "not UTF"),
    (lambda: upload("empty.txt", b"  \n"), "error", "is empty"),
    (lambda: upload("page.html", b"<html><body><script>alert('guarantee results')</script></body></html>"),
     "warning", "no visible text"),
    (lambda: paste("Nuestra clínica ofrece infusiones de ketamina con resultados garantizados para todos los "
                   "pacientes que completan la serie de seis sesiones. Cada sesión dura unos cuarenta minutos."), "warning", "does not look like English"),
])
def test_bad_input_gets_a_clear_message(make, kind, message):
    at = make()
    shown = [element.value for element in getattr(at, kind)]
    assert any(message in str(value) for value in shown), shown


def test_html_with_scripts_is_audited_on_its_visible_text_only():
    page = (b"<html><body><p>We guarantee results.</p><script>document.write('<b>cure</b>')</script>"
            b"<img src=x onerror=alert(1)></body></html>")
    at = upload("page.html", page)
    markdown = shown_markdown(at)
    assert metric(at, "Red flags found") == "1" and "document.write" not in markdown and "onerror" not in markdown


# ---------------------------------------------------------------- a provider's audit becomes a proposal

def test_provider_query_param_preselects_the_provider(bundled_directory):
    provider_id = bundled_directory.providers["provider_id"].iloc[0]
    at = open_page("pages/audit.py", provider=provider_id)
    assert at.selectbox(key="audit_provider").value == provider_id


def test_unknown_provider_query_param_is_a_note():
    at = open_page("pages/audit.py", provider="no-such-provider")
    assert any("no-such-provider" in w.value.replace("\\", "") for w in at.warning)
    assert at.selectbox(key="audit_provider").value is None


RETREAT = "Join our ketamine retreat in the mountains for a week of renewal."


def test_findings_become_a_downloadable_proposal_on_the_page(bundled_directory):
    provider_id = bundled_directory.providers["provider_id"].iloc[0]
    at = open_page("pages/audit.py", provider=provider_id)
    at.text_input(key="audit_page_url").input("https://example.org/our-retreats").run()
    at = paste(RETREAT, at)
    markdown = shown_markdown(at)
    assert f"evidence.csv {provider_id}" in markdown.replace("\\", "")  # the merge diff, one line per row
    labels = [str(b.proto.label) for b in at.get("download_button")]
    assert "Download the proposal (CSV)" in labels


def test_no_proposal_without_a_page_address(bundled_directory):
    at = open_page("pages/audit.py", provider=bundled_directory.providers["provider_id"].iloc[0])
    at = paste(RETREAT, at)
    assert any("give the page's address" in info.value for info in at.info)
    assert "Download the proposal (CSV)" not in [str(b.proto.label) for b in at.get("download_button")]


def test_the_proposal_the_page_builds_is_accepted_by_merge(bundled_directory, tmp_path):
    import io
    import shutil
    from datetime import date

    from tests.conftest import DATA
    from vetting import cli
    from vetting.claims import audit, proposal_rows
    from vetting.proposals import proposal_csv

    provider_id = bundled_directory.providers["provider_id"].iloc[0]
    rows = proposal_rows(audit(RETREAT), provider_id, "https://example.org/our-retreats", date.today().isoformat(),
                         bundled_directory, page_title="Our retreats")
    assert [(r["kind"], r.get("criterion_id"), r.get("status")) for r in rows] == [
        ("source", None, None), ("evidence", "medical_framing", "red_flag")]
    assert "mountains" not in rows[1]["note"]  # paraphrased, never the page's words
    proposal, data = tmp_path / "proposal.csv", tmp_path / "data"
    proposal.write_text(proposal_csv(rows), encoding="utf-8")
    shutil.copytree(DATA, data)
    out, err = io.StringIO(), io.StringIO()
    assert cli.main(["merge", str(proposal), str(data), "--apply"], out=out, err=err) == 0, out.getvalue() + err.getvalue()
    assert "https://example.org/our-retreats" in (data / "evidence.csv").read_text(encoding="utf-8")


def test_pages_import_no_command_line_module():
    import ast

    for page in (Path(__file__).resolve().parent.parent / "pages").glob("*.py"):
        tree = ast.parse(page.read_text(encoding="utf-8"))
        modules = [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)] + \
                  [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
        assert not [m for m in modules if m and (m.endswith("_cli") or m == "vetting.cli")], page.name


def test_claims_modules_stay_small():
    package = Path(__file__).resolve().parent.parent / "vetting" / "claims"
    sizes = {path.name: len(path.read_text(encoding="utf-8").splitlines()) for path in package.glob("*.py")}
    assert max(sizes.values()) <= 450, sizes
