"""Audit a claim: paste or upload a provider's own text and see its red-flag claims and which
checklist questions it answers, each with the source the check comes from."""

import json

import streamlit as st

import ui
from vetting.claims import (
    ANSWER_IDS, ANSWERS, FLAGS, MARK_CLOSE, MARK_OPEN, audit, excerpt_parts, open_questions, report_to_json,
    report_to_markdown,
)
from vetting.claims_cli import MAX_BYTES, UnreadableInput, decode

ui.ensure_app()

UPLOAD_TYPES = ["txt", "html", "htm", "md"]
SHOWN_TEXT_LIMIT = 20_000  # characters of the audited text shown on the page

st.title("Audit a provider's claims")
st.markdown(
    "Paste text from a provider's website or upload a saved page. The audit looks for claims the source "
    "documents call red flags (guarantees, success rates above what trials report, pressure to sign up, "
    "'no side effects', Spravato at home, ketamine called FDA-approved for depression) and checks which "
    "questions from the checklist the text answers. It matches wording: read each finding in context, "
    "and treat it as a question to put to the provider, not a verdict.")


def source_links() -> dict[str, tuple[str, str]]:
    """source_id -> (url, title) for the source documents in the directory's sources file."""
    sources = ui.directory().sources
    links = {}
    for row in sources.itertuples(index=False):
        if isinstance(row.source_id, str) and row.source_id and isinstance(row.source_url, str):
            links[row.source_id] = (row.source_url, row.title if isinstance(row.title, str) else row.source_id)
    return links


def citation(source_id: str, section: str, links: dict) -> str:
    url, title = links.get(source_id, ("", source_id))
    link = ui.source_markdown(url, title) if url else ui.escape_markdown(source_id)
    return f"Source: {link}, section “{ui.escape_markdown(section)}”"


def marked_excerpt(text: str, start: int, end: int) -> str:
    """The excerpt as escaped Markdown, the matched words in bold between « »."""
    before, matched, after = excerpt_parts(text, start, end)
    return (ui.escape_markdown(before) + f"**{MARK_OPEN}" + ui.escape_markdown(matched) + f"{MARK_CLOSE}**" +
            ui.escape_markdown(after))


pasted = st.text_area("Paste provider text", key="audit_text", height=200,
                      placeholder="Paste the wording from a provider's page here…",
                      help="Plain text is read as it is; tick the box below if you pasted HTML source.")
pasted_is_html = st.checkbox("The pasted text is HTML source (read only its visible text)", key="audit_is_html")
upload = st.file_uploader("…or upload a saved page or text file (.txt, .html, .htm, .md; at most 2 MB)",
                          type=UPLOAD_TYPES, key="audit_upload", max_upload_size=2,
                          help="The file is read, never changed or kept. An uploaded file is audited instead of pasted text.")

text, name, is_html = None, None, None
if upload is not None:
    raw = upload.getvalue()
    try:
        text = decode(raw, upload.name)
        name = upload.name
        is_html = upload.name.lower().endswith((".html", ".htm"))
    except UnreadableInput as problem:
        st.error(f"This file cannot be audited: {problem}. Upload a UTF-8 text, Markdown or HTML file of at most 2 MB.",
                 icon=":material/error:")
elif pasted and pasted.strip():
    if len(pasted.encode("utf-8", errors="surrogatepass")) > MAX_BYTES:
        st.error("The pasted text is larger than 2 MB; paste a shorter excerpt.", icon=":material/error:")
    else:
        text, name, is_html = pasted, "pasted text", pasted_is_html

if text is None:
    st.info("Paste some text or upload a file to audit it.", icon=":material/info:")
    st.stop()

report = audit(text, source=name, is_html=is_html)
links = source_links()
answered = [a for a in ANSWER_IDS if report.answers.get(a)]
questions = open_questions(report)

st.subheader("Summary")
col_flags, col_answered, col_open = st.columns(3)
col_flags.metric("Red flags found", len(report.flags))
col_answered.metric("Questions answered", f"{len(answered)} of {len(ANSWER_IDS)}")
col_open.metric("Questions left open", len(questions))
if report.read_as_html:
    st.caption("Read as HTML: scripts, styles and hidden parts were dropped; positions refer to the visible text.")

st.subheader("Red flags")
st.caption("Findings are listed in the order they appear in the text (by character position), not by importance.")
if not report.flags:
    st.success("None of the red-flag patterns matched. That is not a clean bill of health: the audit only "
               "recognises typical wording.", icon=":material/check_circle:")
for number, finding in enumerate(report.flags, 1):
    info = FLAGS[finding.id]
    with st.container(border=True):
        st.markdown(f"**{number}. {ui.escape_markdown(info.label)}** · characters {finding.start}–{finding.end}")
        st.markdown(marked_excerpt(report.text, finding.start, finding.end))
        if finding.detail:
            st.caption(ui.escape_markdown(f"Measured: {finding.detail}."))
        st.markdown(f"Why it matters: {ui.escape_markdown(finding.why)}")
        st.caption(citation(finding.source_id, finding.section, links) +
                   f"; checklist criterion `{finding.criterion_id}`")

st.subheader("Questions to ask the provider")
if questions:
    st.caption("The text does not answer these checklist questions. Unknown is not a red flag: ask.")
    for info in questions:
        st.markdown(f"- {ui.escape_markdown(info.question)}  \n  {citation(info.source_id, info.section, links)}")
else:
    st.success("The text touches on every checklist question.", icon=":material/check_circle:")

if answered:
    with st.expander(f"Questions the text answers ({len(answered)})"):
        for answer_id in answered:
            info, match = ANSWERS[answer_id], report.answers[answer_id]
            st.markdown(f"**{ui.escape_markdown(info.label)}**: " + marked_excerpt(report.text, match.start, match.end))
            st.caption(citation(info.source_id, info.section, links))

with st.expander("The text that was audited"):
    shown = report.text[:SHOWN_TEXT_LIMIT]
    st.text(shown + ("\n…" if len(report.text) > SHOWN_TEXT_LIMIT else ""))

st.subheader("Download the report")
url_by_id = {source_id: url for source_id, (url, _) in links.items()}
col_md, col_json = st.columns(2)
col_md.download_button("Report as Markdown", report_to_markdown(report, url_by_id), file_name="claim-audit.md",
                       mime="text/markdown", icon=":material/download:")
col_json.download_button("Report as JSON", json.dumps(report_to_json(report), ensure_ascii=False, indent=2),
                         file_name="claim-audit.json", mime="application/json", icon=":material/download:")
