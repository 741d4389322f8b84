"""Methodology: the checklist, how grades are computed, what unknown means, how fresh the data is,
and how results are ordered."""

import streamlit as st

import ui
from vetting import checklists, provenance, scoring
from vetting.find import DEFAULT_SORT, SORTS
from vetting.vocab import CARE_SETTINGS, ROUTES

ui.ensure_app()

directory = ui.directory()
sources = directory.sources
source_titles = dict(zip(sources["source_url"], sources["title"]))
seed_urls = {sid: url for sid, url in zip(sources["source_id"], sources["source_url"]) if isinstance(sid, str)}


def citation(citations) -> str:
    """Seed sources as links (title from sources.csv) with the section each item comes from."""
    parts = []
    for source in citations:
        url = seed_urls.get(source["source_id"])
        title = source_titles.get(url, source["source_id"]) if url else source["source_id"]
        label = ui.source_markdown(url, title) if url else ui.escape_markdown(title)
        parts.append(f"{label}, “{ui.escape_markdown(source['section'])}”")
    return "; ".join(parts)


def applies_to(care_settings, routes_any) -> str:
    if set(care_settings) == set(CARE_SETTINGS) and not routes_any:
        return "every provider"
    text = "care: " + ", ".join(CARE_SETTINGS[s].lower() for s in care_settings)
    if routes_any:
        text += "; only where it offers " + " or ".join(ROUTES[r] for r in routes_any)
    return text


st.title("Methodology")
st.markdown(
    "Every provider is checked against one checklist of red flags. Its criteria come from four source "
    "documents **published by ketamine providers** (see *Who wrote our sources* below) and are each "
    "backed by at least one independent source: the FDA, the American Psychiatric Association's task "
    "force, a professional society, a peer-reviewed study or the DEA. Each criterion has a question you "
    "can ask the provider. A red flag is recorded only where a public page shows the problem; where "
    "nothing is found the criterion stays **unknown**.")

# --- the checklist ---
st.header("The checklist")
criteria = checklists.criteria()
header = "| Criterion | Red flag | Question to ask | Applies to | Weight | Sources |\n|---|---|---|---|---|---|"
rows = [
    f"| **{ui.escape_markdown(c['title'])}** (`{cid}`) | {ui.escape_markdown(c['red_flag'])} | "
    f"{ui.escape_markdown(c['question'])} | {ui.escape_markdown(applies_to(c['care_settings'], c['routes_any']))} | "
    f"{c['weight']:g} | {citation(c['sources'])} |"
    for cid, c in criteria.iterrows()
]
st.markdown(header + "\n" + "\n".join(rows))
st.caption("Questions come from the same documents where they name one; the others are plain questions "
           "written for this directory about the same criterion.")

st.subheader("The red-flag rubric")
st.caption("What counts as a red flag for each criterion, and what does not. When a page is unclear, it is "
           "not a red flag. Every red flag shown links the page and says, in our words, what it claims.")
for cid, c in criteria.iterrows():
    counts = [x for x in (c["rubric_counts"] if isinstance(c["rubric_counts"], list) else []) if x]
    not_ = [x for x in (c["rubric_not"] if isinstance(c["rubric_not"], list) else []) if x]
    with st.expander(c["title"]):
        st.markdown("**Counts as a red flag:**\n" + "\n".join(f"- {ui.escape_markdown(x)}" for x in counts)
                    + "\n\n**Does not count:**\n" + "\n".join(f"- {ui.escape_markdown(x)}" for x in not_))
        if isinstance(c["severity"], str) and c["severity"]:
            st.markdown(f"**Severity:** {ui.escape_markdown(c['severity'])}")

st.subheader("Who wrote our sources")
documents = sources[sources["kind"] == "source_document"]
st.markdown(
    "The four source documents the checklist started from are all **published by ketamine providers**, "
    "who have an interest in how ketamine care is judged: "
    + "; ".join(f"{ui.source_markdown(r['source_url'], r['title'])} ({ui.escape_markdown(r['publisher'] or 'publisher not named')})"
                for _, r in documents.iterrows())
    + ". We cite them for what they say, but no criterion rests on them alone: each also cites an independent "
    "source, shown beside it in the table above.")
publishers = provenance.published_sources(directory.providers, sources)
if len(publishers):
    names = sorted(set(publishers["name"]))
    st.markdown(
        f"Providers listed here that publish one of these documents: {ui.escape_markdown(', '.join(names))}. "
        "Their pages say so, and their grades follow exactly the same rules as everyone's.")
st.markdown(
    "Evidence rows are marked by whose words they rest on: the **provider's own words** (its site, ads or "
    "blog) or an **independent page** (news, a regulator, a registry, a journal). A provider can describe "
    "safeguards it does not keep; an independent page is harder to write for yourself.")

st.subheader("Default weights")
st.markdown(ui.escape_markdown(checklists.weight_rationale()))
st.info("You can change the weights, and mark criteria as must-haves, on **Find providers**. "
        "The defaults above apply until you do.", icon=":material/tune:")

st.subheader("Questions about your own situation")
patient = checklists.patient_questions()
st.markdown("| Question | Why ask | Source |\n|---|---|---|\n" + "\n".join(
    f"| {ui.escape_markdown(q['question'])} | {ui.escape_markdown(q['why'])} | {citation(q['sources'])} |"
    for _, q in patient.iterrows()))
st.caption("These never count in a grade: they are about you, not about the provider.")

# --- the grade ---
st.header("How the grade is computed")
st.markdown(scoring.FORMULA_MARKDOWN)

st.header("What unknown means")
st.markdown(
    "Unknown means that no public page we read says either way: the provider may do it, or not. "
    "It is not a red flag and it does not lower a grade; it lowers **coverage**, the share of criteria "
    "we know about. Ask the provider: the questions for every unknown criterion are on its page, where "
    "you can record the answer (for your session only) and download a call sheet.")

# --- freshness ---
st.header("How fresh the data is")
freshness = scoring.data_freshness(directory.providers, directory.evidence)
table = freshness.assign(facts=freshness["facts"].map({"providers": "Provider facts (providers.csv)",
                                                       "evidence": "Checklist evidence (evidence.csv)"}))
st.dataframe(table, hide_index=True, column_config={
    "facts": st.column_config.TextColumn("Facts"),
    "rows": st.column_config.NumberColumn("Rows"),
    "oldest_checked_on": st.column_config.DateColumn("Oldest check", format="YYYY-MM-DD"),
    "median_checked_on": st.column_config.DateColumn("Median check", format="YYYY-MM-DD"),
    "older_than_12_months": st.column_config.NumberColumn("Checked over 12 months ago"),
})
stale = int(freshness["older_than_12_months"].sum())
st.caption(f"{stale} fact(s) were last checked more than 12 months ago. Every page shows when its facts "
           "were checked; prices checked over a year ago are marked as possibly out of date.")

# --- neutral ranking ---
st.header("Neutral ranking")
st.markdown(
    "Nothing in this directory is ordered, badged or hidden for payment, and no provider can pay to "
    "change its grade or its place. **Find providers** lists providers by place unless you choose "
    f"otherwise: {ui.escape_markdown(SORTS[DEFAULT_SORT])} Sorting by checklist grade is a choice you make "
    f"there: {ui.escape_markdown(SORTS['grade'])} A provider is graded only when at least a third of the "
    "criteria that apply to it are known, so a provider that writes little about itself is not ranked "
    "below one that writes a lot; it is shown as *not enough known yet*, with the questions to ask.")
