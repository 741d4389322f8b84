"""Audit a claim: paste or upload a provider's own text and see its red-flag claims, each as its
sentence with the claim marked, what is wrong and what the evidence says; and which checklist
questions the text answers. With a provider and the page's URL (`?provider=ID` preselects the
provider), the findings become proposed red-flag evidence rows to download for the maintainers.
Nothing is written to the data from here."""

import json
from datetime import date

import streamlit as st

import ui
from vetting import proposals as P
from vetting.claims import (
    ANSWER_IDS, ANSWERS, FLAGS, MARK_CLOSE, MARK_OPEN, MAX_BYTES, UnreadableInput, audit, check_pasted, decode,
    excerpt_parts, looks_english, open_questions, proposal_rows, report_to_json, report_to_markdown, sentence_parts,
)
from vetting.claims.report import requested_provider
from vetting.schemas import is_http_url

ui.ensure_app()

UPLOAD_TYPES = ["txt", "html", "htm", "md"]
SHOWN_TEXT_LIMIT = 20_000  # characters of the audited text shown on the page

directory = ui.directory()
names = dict(zip(directory.providers["provider_id"], directory.providers["name"]))

st.title("Audit a provider's claims")
st.markdown(
    "Paste text from a provider's website or upload a saved page. The audit looks for claims the sources "
    "call red flags (guarantees, success rates above what trials report, pressure to sign up, "
    "'no side effects', Spravato at home, ketamine called FDA-approved for depression) and checks which "
    "questions from the checklist the text answers. It matches wording: read each finding in context, "
    "and treat it as a question to put to the provider, not a verdict.")


def source_links() -> dict[str, tuple[str, str]]:
    """source_id -> (url, title) for the source documents in the directory's sources file."""
    links = {}
    for row in directory.sources.itertuples(index=False):
        if isinstance(row.source_id, str) and row.source_id and isinstance(row.source_url, str):
            links[row.source_id] = (row.source_url, row.title if isinstance(row.title, str) else row.source_id)
    return links


def citation(sources, links: dict) -> str:
    parts = []
    for source in sources:
        url, title = links.get(source.source_id, ("", source.source_id))
        link = ui.source_markdown(url, title) if url else ui.escape_markdown(source.source_id)
        parts.append(f"{link}, section “{ui.escape_markdown(source.section)}”")
    return "Source: " + "; ".join(parts)


def marked(parts: tuple[str, str, str]) -> str:
    """(before, claim, after) as escaped Markdown, the claim in bold between « »."""
    before, claim, after = parts
    return (ui.escape_markdown(before) + f"**{MARK_OPEN}" + ui.escape_markdown(claim) + f"{MARK_CLOSE}**" +
            ui.escape_markdown(after))


# --- which provider and page (optional; needed only for a proposal) ---
provider_id, provider_note = requested_provider(st.query_params.get("provider"), names)
if provider_note:
    st.warning(ui.escape_markdown(provider_note), icon=":material/help:")
ordered = sorted(names, key=lambda p: str(names[p]).lower())
with st.container(border=True):
    st.markdown("**Whose page is it?** Optional: choose the provider and give the page's address to turn the "
                "findings into a proposal for the maintainers.")
    left, right = st.columns(2)
    chosen = left.selectbox("Provider", ordered, index=ordered.index(provider_id) if provider_id in ordered else None,
                            format_func=lambda p: str(names[p]), placeholder="Choose a provider", key="audit_provider")
    page_url = right.text_input("Address of the page (https://…)", key="audit_page_url").strip()
if chosen and chosen != st.query_params.get("provider"):
    st.query_params["provider"] = chosen  # a shareable link to this provider's audit
if chosen:
    st.page_link("pages/provider.py", label=f"Open {names[chosen]}'s page", icon=":material/local_hospital:",
                 query_params={"provider": chosen})

pasted = st.text_area("Paste provider text", key="audit_text", height=200,
                      placeholder="Paste the wording from a provider's page here…",
                      help="Plain text is read as it is; tick the box below if you pasted HTML source.")
pasted_is_html = st.checkbox("The pasted text is HTML source (read only its visible text)", key="audit_is_html")
upload = st.file_uploader("…or upload a saved page or text file (.txt, .html, .htm, .md; at most 2 MB)",
                          type=UPLOAD_TYPES, key="audit_upload", max_upload_size=2,
                          help="The file is read, never changed or kept. An uploaded file is audited instead of pasted text.")

text, name, is_html = None, None, None
try:
    if upload is not None:
        text = decode(upload.getvalue(), upload.name, MAX_BYTES)
        name, is_html = upload.name, upload.name.lower().endswith((".html", ".htm"))
        if not text.strip():
            raise UnreadableInput(f"{upload.name}: is empty")
    elif pasted and pasted.strip():
        text, name, is_html = check_pasted(pasted), "pasted text", pasted_is_html
except UnreadableInput as problem:
    st.error(f"This cannot be audited: {ui.escape_markdown(str(problem))}. Use UTF-8 text, Markdown or HTML of at "
             "most 2 MB.", icon=":material/error:")
    text = None

if text is None:
    st.info("Paste some text or upload a file to audit it.", icon=":material/info:")
    st.stop()

report = audit(text, source=name, is_html=is_html)
links = source_links()
answered = [a for a in ANSWER_IDS if report.answers.get(a)]
questions = open_questions(report)

st.header("Summary")
col_flags, col_answered, col_open = st.columns(3)
col_flags.metric("Red flags found", len(report.flags))
col_answered.metric("Questions answered", f"{len(answered)} of {len(ANSWER_IDS)}")
col_open.metric("Questions left open", len(questions))
if report.read_as_html:
    st.caption("Read as HTML: scripts, styles and hidden parts were dropped; only the visible text was audited.")
if not report.text.strip():
    st.warning("There is no visible text to audit (the page may be only scripts, images or markup).",
               icon=":material/warning:")
if report.truncated:
    st.warning("The text is very long, so only its first part was audited.", icon=":material/warning:")
if report.text.strip() and not looks_english(report.text):
    st.warning("This text does not look like English. The audit only recognises English wording, so finding "
               "nothing here says nothing about the page.", icon=":material/translate:")

st.header("Red flags")
st.caption("Findings are listed in the order they appear in the text, not by importance.")
if not report.flags:
    st.success("None of the red-flag patterns matched. That is not a clean bill of health: the audit only "
               "recognises typical wording.", icon=":material/check_circle:")
for number, finding in enumerate(report.flags, 1):
    info = FLAGS[finding.id]
    with st.container(border=True):
        st.markdown(f"**{number}. {ui.escape_markdown(info.label)}**")
        st.markdown("> " + marked(sentence_parts(report.text, (finding.sentence_start, finding.sentence_end),
                                                 finding.start, finding.end)))
        st.markdown(f"**What is wrong:** {ui.escape_markdown(info.why)}")
        if finding.detail:
            st.caption(ui.escape_markdown(f"Measured: {finding.detail}."))
        st.markdown(f"**What the evidence says:** {ui.escape_markdown(info.evidence)}")
        st.caption(citation(info.sources, links) + f"; checklist criterion `{info.criterion_id}`")

st.header("Questions to ask the provider")
if questions:
    st.caption("The text does not answer these checklist questions. Unknown is not a red flag: ask.")
    for info in questions:
        st.markdown(f"- {ui.escape_markdown(info.question)}  \n  {citation(info.sources, links)}")
else:
    st.success("The text touches on every checklist question.", icon=":material/check_circle:")

if answered:
    with st.expander(f"Questions the text answers ({len(answered)})"):
        for answer_id in answered:
            info, match = ANSWERS[answer_id], report.answers[answer_id]
            st.markdown(f"**{ui.escape_markdown(info.label)}**: " +
                        marked(excerpt_parts(report.text, match.start, match.end)))
            st.caption(citation(info.sources, links))

with st.expander("The text that was audited"):
    shown = report.text[:SHOWN_TEXT_LIMIT]
    st.text(shown + ("\n…" if len(report.text) > SHOWN_TEXT_LIMIT else ""))

st.header("Download the report")
url_by_id = {source_id: url for source_id, (url, _) in links.items()}
col_md, col_json = st.columns(2)
col_md.download_button("Report as Markdown", report_to_markdown(report, url_by_id), file_name="claim-audit.md",
                       mime="text/markdown", icon=":material/download:")
col_json.download_button("Report as JSON", json.dumps(report_to_json(report), ensure_ascii=False, indent=2),
                         file_name="claim-audit.json", mime="application/json", icon=":material/download:")

st.header("Propose these findings as evidence")
if not report.flags:
    st.caption("There is nothing to propose: no red flag was found.")
elif not chosen or not is_http_url(page_url):
    st.info("Choose the provider and give the page's address (an http or https URL) above to build a proposal "
            "file of red-flag evidence rows.", icon=":material/info:")
else:
    today = date.today().isoformat()
    rows = proposal_rows(report, chosen, page_url, today, directory)
    checked, problems = P.validate_proposal(rows, directory)
    plan = P.plan_merge(checked, directory, problems)
    st.caption(f"{len(rows)} row(s) for {ui.escape_markdown(names[chosen])}, citing the page you gave. The notes "
               "are paraphrased; the maintainers read the page before merging with `python -m vetting merge`.")
    for line in plan.lines():
        st.markdown("- " + ui.escape_markdown(line))
    if plan.clean:
        st.download_button("Download the proposal (CSV)", data=P.proposal_csv(rows),
                           file_name=f"audit-proposal-{chosen}-{today}.csv", mime="text/csv",
                           icon=":material/download:", key="download_audit_proposal")
    else:
        st.error("The proposal would not pass the maintainers' checks (see the lines above), so it is not offered "
                 "for download.", icon=":material/error:")
