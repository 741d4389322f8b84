"""One provider (`?provider=ID`): its facts with sources, the checklist, the questions still to ask,
your answers (for this session) and a call sheet to download."""

from datetime import date

import pandas as pd
import streamlit as st

import ui
from vetting import answers as A
from vetting import checklists, provenance, scoring
from vetting.prices import describe_price, prices_for
from vetting.geo import LOCATION_PRECISIONS
from vetting.vocab import CARE_SETTINGS, CONDITIONS, PROVIDER_STATUSES, ROUTES, SUPERVISION_MODELS, fact_pages, split_list

ui.ensure_app()

# Material icons (no emoji font needed); red is only for red flags, unknown is neutral grey.
STATUS_LABELS = {"met": ":green[:material/check_circle: Met]", "red_flag": ":red[:material/flag: Red flag]",
                 "unknown": ":gray[:material/help: Unknown]"}
UNKNOWN_FACT = "not found on its public pages (unknown)"

directory = ui.directory()
providers, evidence, sources = directory.providers, directory.evidence, directory.sources
names = dict(zip(providers["provider_id"], providers["name"]))

st.page_link("pages/find.py", label="Back to Find providers", icon=":material/arrow_back:")

# --- which provider: the URL names it; otherwise (or when the id is unknown) the person chooses ---
requested = st.query_params.get("provider")
if requested not in names:
    st.title("Provider")
    if requested:
        st.warning(f"No provider with the id “{ui.escape_markdown(requested[:80])}” is in the directory. "
                   "Choose one below.", icon=":material/help:")
    else:
        st.info("No provider chosen yet. Choose one below, or open one from **Find providers**.", icon=":material/info:")
    choice = st.selectbox("Provider", sorted(names, key=lambda p: names[p].lower()), index=None,
                          format_func=names.get, placeholder="Choose a provider")
    if choice is None:
        st.stop()
    st.query_params["provider"] = choice  # a shareable link to this view
    requested = choice

provider_id = requested
row = providers.loc[providers["provider_id"] == provider_id].iloc[0]
one = providers.loc[providers["provider_id"] == provider_id]
today = date.today()

answers = st.session_state.get("answers", [])
try:
    A.answers_frame(answers)
except ValueError as error:  # answers imported from a file elsewhere; never a traceback here
    st.warning(f"Your recorded answers could not be used ({error}); showing public evidence only.")
    answers = []


def save_answer(item_id: str) -> None:
    """Form callback: record (or replace) your answer for one item; it runs before the page redraws."""
    status = st.session_state.get(f"answer_status_{item_id}") or "note"
    note = (st.session_state.get(f"answer_note_{item_id}") or "").strip()
    try:
        st.session_state["answers"] = A.record_answer(st.session_state.get("answers", []), {
            "provider_id": provider_id, "item_id": item_id, "status": status, "note": note,
            "recorded_on": today.isoformat()})
    except ValueError as error:
        st.session_state["answer_error"] = str(error)


def forget_answer(item_id: str) -> None:
    st.session_state["answers"] = [a for a in st.session_state.get("answers", [])
                                   if (a.get("provider_id"), a.get("item_id")) != (provider_id, item_id)]


def cell(value) -> str | None:
    return None if value is None or (isinstance(value, float) and pd.isna(value)) or value == "" else str(value)


source_titles = dict(zip(sources["source_url"], sources["title"]))
seed_urls = {sid: url for sid, url in zip(sources["source_id"], sources["source_url"]) if isinstance(sid, str)}


def link(url: str) -> str:
    return ui.source_markdown(url, source_titles.get(url) or ui.source_label(url))


def seed_citation(citations) -> str:
    """Seed sources as links (title via sources.csv), each with its section."""
    parts = []
    for source in citations:
        url = seed_urls.get(source["source_id"])
        title = source_titles.get(url, source["source_id"]) if url else source["source_id"]
        parts.append(f"{ui.source_markdown(url, title) if url else ui.escape_markdown(title)}, "
                     f"“{ui.escape_markdown(source['section'])}”")
    return "; ".join(parts)


# --- header and grade ---
st.title(ui.escape_markdown(row["name"]))
ui.shortlist_toggle(provider_id)
st.page_link("pages/suggest.py", label="Suggest a correction", icon=":material/edit_note:",
             query_params={"provider": provider_id})
st.page_link("pages/audit.py", label="Audit a page of this provider", icon=":material/fact_check:",
             query_params={"provider": provider_id})
scores = scoring.score(one, evidence, answers=answers or None).iloc[0]
public_scores = scoring.score(one, evidence).iloc[0]
statuses = scoring.criterion_statuses(one, evidence, answers=answers or None)
public_statuses = scoring.criterion_statuses(one, evidence)
criteria = checklists.criteria()

grade_col, flags_col, coverage_col = st.columns([2, 1, 1])  # the grade reads "72 · 6 of 14 known"
known = int(scores["met"] + scores["red_flags"])
grade_shown = scoring.round_grade(scores["grade"])
public_shown = scoring.round_grade(public_scores["grade"])
# The grade as it reads everywhere (Find, Compare, packet, CSV): the number with its coverage.
grade_col.metric("Checklist grade", "not enough known" if grade_shown is None
                 else scoring.grade_text(scores["grade"], known, scores["applicable"]),
                 delta=(f"{grade_shown - public_shown:+d} from your answers"
                        if grade_shown is not None and public_shown is not None and grade_shown != public_shown else None),
                 help=scoring.grade_text(scores["grade"], known, scores["applicable"])
                      + ". From public evidence and your own answers; see Methodology for the formula.")
if grade_shown is None:
    st.info(f"Not enough known yet to grade: {known} of {int(scores['applicable'])} checked. "
            "The questions below are what to ask.", icon=":material/help:")
flags_col.metric("Red flags", int(scores["red_flags"]), help="Criteria where a source (or your answer) shows the problem")
coverage_col.metric("Known", f"{scores['coverage']:.0%}",
                    help=f"{int(scores['met'] + scores['red_flags'])} of {int(scores['applicable'])} applicable "
                         "criteria have evidence; the rest is unknown, which is never counted against a provider.")
if st.session_state.pop("answer_error", None):
    st.error("That answer could not be saved.")

# --- facts, each with its source ---
st.header("Facts and sources")
checked = pd.to_datetime(row["checked_on"], errors="coerce")
days = (pd.Timestamp(today) - checked).days if pd.notna(checked) else None
lines = []
website = cell(row["website"])
fact_page = fact_pages(row.get("fact_sources")) or {}


def shown_on(fact: str, known: bool) -> str:
    """" (source)", linking the page that shows this fact, when the row records one."""
    return f" ({ui.source_markdown(fact_page[fact], 'source')})" if known and fact in fact_page else ""


lines.append(f"- **Phone:** {ui.phone_markdown(row['phone']) or UNKNOWN_FACT}{shown_on('phone', bool(cell(row['phone'])))}")
lines.append(f"- **Website:** {ui.source_markdown(website) if website else UNKNOWN_FACT}")
if cell(row["status"]) and row["status"] != "active":
    status_source = cell(row["status_source_url"])
    lines.append(f"- **Status:** {PROVIDER_STATUSES.get(row['status'], row['status'])}"
                 + (f" ({link(status_source)})" if status_source else ""))
lines.append(f"- **Care setting:** {CARE_SETTINGS.get(row['care_setting'], ui.escape_markdown(row['care_setting']))}")
routes = [ROUTES.get(r, r) for r in split_list(row["routes"])]
lines.append(f"- **Routes:** {ui.escape_markdown(', '.join(routes)) if routes else UNKNOWN_FACT}{shown_on('routes', bool(routes))}")
lines.append(f"- **Supervision:** {SUPERVISION_MODELS.get(row['supervision_model'], ui.escape_markdown(row['supervision_model']))}")
place = ", ".join(x for x in (cell(row["street"]), cell(row["city"]), cell(row["state"]), cell(row["zip"])) if x)
location_note = f" ({ui.escape_markdown(row['location_note'])})" if cell(row["location_note"]) else ""
precision = LOCATION_PRECISIONS.get(row.get("location_precision"), "")
lines.append(f"- **Address:** {ui.escape_markdown(place) if place else UNKNOWN_FACT}{location_note}"
             + (f" (known to: {precision})" if place and precision else "") + shown_on("address", bool(place)))
served = split_list(row["states_served"])
lines.append(f"- **States served:** {ui.escape_markdown(', '.join(served)) if served else UNKNOWN_FACT}"
             + shown_on("states_served", bool(served)))
insurance = cell(row["insurance"])
lines.append(f"- **Insurance (as stated):** {ui.escape_markdown(insurance.replace(';', ', ')) if insurance else UNKNOWN_FACT}"
             + shown_on("insurance", bool(insurance)))
for column, label in (("spravato_covered_by_insurance", "Spravato billed to insurance"), ("hsa_fsa", "HSA/FSA accepted"),
                      ("superbill", "Superbill provided")):
    if cell(row[column]):
        lines.append(f"- **{label}:** {row[column]}")
listed_prices = prices_for(directory.prices, provider_id)
if listed_prices.empty:
    lines.append(f"- **Prices:** {UNKNOWN_FACT}")
else:
    # Each price as its page lists it: a program stays a program, never split into per-session cents.
    lines.append("- **Prices (as listed):**")
    for _, price in listed_prices.iterrows():
        note = f" {ui.escape_markdown(price['note'])}." if cell(price["note"]) else ""
        lines.append(f"    - {ui.escape_markdown(describe_price(price))}.{note} ({link(price['source_url'])}, "
                     f"checked {price['checked_on']})")
conditions = [CONDITIONS.get(c, c) for c in split_list(row["conditions"])]
lines.append(f"- **Conditions it says it treats:** {ui.escape_markdown(', '.join(conditions)) if conditions else UNKNOWN_FACT}")
lines.append(f"- **Checked on:** {row['checked_on']}" + (f" ({days} days ago)" if days is not None else ""))
lines.append("- **Sources:** " + " · ".join(link(url) for url in split_list(row["source_urls"])))
st.markdown("\n".join(lines))
if cell(row["notes"]):
    st.info("About this entry: " + ui.escape_markdown(row["notes"]), icon=":material/info:")
if cell(row["evidence_note"]):
    st.caption("What its pages were checked for: " + ui.escape_markdown(row["evidence_note"]))

# A provider that publishes one of the directory's source documents says so here.
published = provenance.published_sources(one, sources)
if len(published):
    titles = "; ".join(ui.source_markdown(r["source_url"], r["title"]) for _, r in published.iterrows())
    st.warning(f"**Conflict of interest:** this provider publishes {titles}, cited by this directory as a source "
               "document. Its grade follows the same rules as every provider's, and every criterion also cites "
               "an independent source (see Methodology).", icon=":material/info:")

# --- checklist breakdown ---
st.header("Checklist")
kinds = provenance.page_kinds(sources)
public_marks = [i for i in statuses.itertuples(index=False) if i.status != "unknown" and i.origin == scoring.PUBLIC]
own_marks = sum(provenance.origin(i.source_url, kinds, row["website"]) == provenance.OWN_WORDS for i in public_marks)
st.caption("Each criterion that applies to this provider, with what a public source shows. "
           "Unknown means no source says either way yet; it is never counted as a red flag."
           + (f" {own_marks} of the {len(public_marks)} marks from public sources rest on the provider's own words "
              "(its site or ads); the rest on independent pages." if public_marks else ""))
for item in statuses.itertuples(index=False):
    criterion = criteria.loc[item.criterion_id]
    with st.container(border=True):
        whose = (f": {provenance.origin(item.source_url, kinds, row['website'])}"
                 if item.origin == scoring.PUBLIC and cell(item.source_url) else "")
        origin = f" · {item.origin}{whose}" if cell(item.origin) else ""
        st.markdown(f"**{STATUS_LABELS[item.status]} — {ui.escape_markdown(criterion['title'])}**{origin}")
        if item.status == "unknown":
            st.markdown(f"No public source found yet. Red flag would be: {ui.escape_markdown(criterion['red_flag'])}")
        else:
            evidence_line = ui.escape_markdown(item.note) if cell(item.note) else "(no note)"
            if cell(item.source_url):
                evidence_line += f" — {link(item.source_url)}"
            if cell(item.checked_on):
                evidence_line += f" (checked {item.checked_on})" if item.origin != scoring.YOURS else f" (recorded {item.checked_on})"
            st.markdown(evidence_line)
        st.caption(f"Why it matters: {ui.escape_markdown(criterion['why'])} Source: {seed_citation(criterion['sources'])}")

# --- questions still to ask, with your answers ---
st.header("Questions still to ask")
st.caption("Questions for every criterion no public source settles, and questions about your own situation. "
           "Record what the provider tells you: a met or red-flag answer changes this provider's grade for "
           "your session only and is labelled “your answer”, never “public source”.")
unknown_ids = public_statuses.loc[public_statuses["status"] == "unknown", "criterion_id"].tolist()
patient = checklists.patient_questions()
patient_applies = checklists.applicable_questions(one).iloc[0]
to_ask = [(c, criteria.loc[c, "question"], criteria.loc[c, "why"],
           [criteria.loc[c, "question_source"]] if isinstance(criteria.loc[c, "question_source"], dict) else criteria.loc[c, "sources"])
          for c in unknown_ids]
to_ask += [(q, patient.loc[q, "question"], patient.loc[q, "why"], patient.loc[q, "sources"])
           for q in patient.index if patient_applies[q]]
recorded = {a["item_id"]: a for a in answers if a.get("provider_id") == provider_id}

for item_id, question, why, citations in to_ask:
    with st.container(border=True):
        kind = "about you" if item_id in patient.index else criteria.loc[item_id, "title"]
        st.markdown(f"**{ui.escape_markdown(question)}**  \n{ui.escape_markdown(kind)} · "
                    f"Why ask: {ui.escape_markdown(why)} Source: {seed_citation(citations)}")
        mine = recorded.get(item_id)
        if mine:
            label = A.ANSWER_STATUSES[mine["status"]]
            st.markdown(f"Your answer ({mine['recorded_on']}): **{label}**"
                        + (f" — {ui.escape_markdown(mine['note'])}" if mine.get("note") else ""))
        with st.form(f"answer_form_{item_id}", border=False):
            st.radio("Answer", list(A.ANSWER_STATUSES), format_func=A.ANSWER_STATUSES.get, horizontal=True,
                     key=f"answer_status_{item_id}",
                     index=list(A.ANSWER_STATUSES).index(mine["status"]) if mine else 2)
            st.text_input("What they told you", key=f"answer_note_{item_id}", max_chars=A.MAX_NOTE_CHARS,
                          value=mine.get("note", "") if mine else "")
            st.form_submit_button("Save answer", key=f"answer_save_{item_id}", on_click=save_answer, args=(item_id,))
        if mine:
            st.button("Forget this answer", key=f"answer_forget_{item_id}", on_click=forget_answer, args=(item_id,),
                      type="tertiary")

# --- call sheet ---
st.header("Call sheet")
quoted = [q.describe() for q in ui.quotes_for(provider_id)]
sheet = A.call_sheet(provider_id, row["name"], [(item_id, q) for item_id, q, _, _ in to_ask], answers, quoted)
st.caption("The questions above with the answers you recorded, to take to the phone call. "
           "Your answers live only in this browser session until you download them.")
for description in quoted:
    st.markdown(f"**Your quote from this provider** (entered on Costs): {ui.escape_markdown(description)}")
left, right = st.columns(2)
left.download_button("Download call sheet (Markdown)",
                     A.call_sheet_markdown(sheet, row["name"], today.isoformat(), website,
                                           phone=cell(row["phone"]), address=place or None),
                     file_name=f"call-sheet-{provider_id}.md", mime="text/markdown", key="call_sheet_md",
                     on_click="ignore", icon=":material/download:")
right.download_button("Download call sheet (CSV)", A.call_sheet_csv(sheet),
                      file_name=f"call-sheet-{provider_id}.csv", mime="text/csv", key="call_sheet_csv",
                      on_click="ignore", icon=":material/download:")
