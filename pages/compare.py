"""Compare & shortlist: up to six providers side by side as cards (they stack on a phone), each fact
with one short link to its source (none when unknown), and exports (comparison CSV, referral packet
PDF, shortlist file) plus import of a shortlist file."""

from __future__ import annotations

from datetime import date

import streamlit as st

import ui
from vetting import shortlist as S
from vetting.packet import build_packet

ui.ensure_app()

EVERY_SOURCE = {"prices", "course_estimate"}  # each price keeps its own page; other facts link one page
CARDS_PER_ROW = 3  # st.columns stack on a narrow screen: one card under another on a phone

st.title("Compare & shortlist")
st.caption(f"Up to {S.MAX_SHORTLIST} providers side by side, in the order you added them (nothing is ranked). "
           "Every fact links to the page it comes from. The page's address holds your shortlist: share it and a "
           "colleague sees the same providers (your recorded answers stay with you unless you export them).")

directory = ui.directory()
ui.shortlist_ids()
ui.show_shortlist_notes()
ui.show_shortlist_toast()
main = st.container()  # filled after the import below, so an import shows at once


def _cell(fact: str, value: str, urls: list[str]) -> str:
    """One fact: the value rendered literally, then one short link ("source"; prices add [2], [3]
    for their other pages; the CSV lists every page); unknown has no URL, so no link."""
    if fact == "website" and urls:
        return ui.source_markdown(urls[0])
    text = ui.escape_markdown(" ".join(str(value).split()))
    shown = urls if fact in EVERY_SOURCE else urls[:1]
    links = " ".join(ui.source_markdown(u, "source" if n == 1 else f"[{n}]") for n, u in enumerate(shown, 1))
    return " · ".join(x for x in (text, links) if x)


def _card(comparison: S.Comparison, provider_id: str, name: str, differing: set[str]) -> str:
    """One provider's facts as Markdown: its name as a heading, then one line per fact."""
    part = comparison.facts[comparison.facts["provider_id"] == provider_id]
    lines = [f"#### {ui.escape_markdown(' '.join(str(name).split()))}"]
    for fact, label, value, urls in zip(part["fact"], part["label"], part["value"], part["source_urls"]):
        marker = " ≠" if fact in differing else ""
        lines.append(f"- **{ui.escape_markdown(label)}{marker}:** {_cell(fact, value, list(urls))}")
    return "\n".join(lines)


def _remove(provider_id: str, name: str) -> None:
    st.session_state[ui.SHORTLIST_KEY] = S.remove(ui.shortlist_ids(), [provider_id])
    ui.flash_shortlist_toast(f"Removed {name} from your shortlist.")


def _clear() -> None:
    st.session_state[ui.SHORTLIST_KEY] = []
    ui.flash_shortlist_toast("Cleared your shortlist.")


# --- import: a shortlist file (JSON) or a comparison CSV ---------------------------------------
st.divider()
st.subheader("Restore a shortlist")
st.caption(f"Open a shortlist file or comparison CSV exported from this page (at most {S.MAX_FILE_BYTES // 1000:,} kB). "
           "Its providers join your shortlist; an imported answer replaces yours only when it was recorded on a "
           "later date. A file that cannot be read changes nothing.")
uploaded = st.file_uploader("Shortlist file (.json) or comparison CSV", type=["json", "csv"], key="shortlist_import")
if uploaded is not None:
    results = st.session_state.setdefault("shortlist_import_results", {})
    if uploaded.file_id not in results:  # the uploader keeps its file across reruns: import it once
        try:
            imported = S.parse_file(uploaded.getvalue(), directory.providers["provider_id"])
        except S.ShortlistFileError as error:
            results[uploaded.file_id] = ("error", [f"Could not import {uploaded.name}: {error}. Nothing was changed."])
        else:
            ids, answers, messages = S.apply_import(ui.shortlist_ids(), st.session_state.get("answers", []), imported)
            st.session_state[ui.SHORTLIST_KEY] = ids
            st.session_state["answers"] = answers
            results[uploaded.file_id] = ("success", messages)
    kind, messages = results[uploaded.file_id]
    for n, message in enumerate(messages):
        (st.error if kind == "error" else st.success if n == 0 else st.warning)(ui.escape_markdown(message))
ui.sync_shortlist_param()

# --- the comparison ----------------------------------------------------------------------------
with main:
    ids = ui.shortlist_ids()
    if not ids:
        st.info("Your shortlist is empty. Add providers from **Find providers** (select rows in the results table) "
                "or with **Add to shortlist** on a provider's page, or restore a saved shortlist file below.",
                icon=":material/playlist_add:")
        st.page_link("pages/find.py", label="Go to Find providers", icon=":material/search:")
        st.stop()

    find_params = st.session_state.get("find_params") or {}
    if "shortlist_zip" not in st.session_state:
        st.session_state["shortlist_zip"] = str(find_params.get("zip") or "")
    st.session_state.setdefault("compare_zip", st.session_state["shortlist_zip"])
    zip_col, insurance_col = st.columns(2)
    with zip_col:
        zip_code = st.text_input("Your ZIP code (optional, for distances)", key="compare_zip", max_chars=5,
                                 help="Taken from your Find filter when you set one there. Used only on this page and, "
                                      "if you keep the box below ticked, printed in the referral packet.").strip()
        st.session_state["shortlist_zip"] = zip_code
    insurance = str(find_params.get("insurance") or "").replace(",", ", ")
    with insurance_col:
        if insurance:
            st.markdown("Insurance from your Find filter: " + ui.escape_markdown(insurance))
        include_user = st.checkbox("Print my ZIP and insurance in the referral packet", value=True,
                                   disabled=not (zip_code or insurance),
                                   help="Only what you entered; nothing else about you is in the packet.")

    try:
        from vetting.costs import INDUCTION_SESSIONS, course_default, course_sources, load_course_figures
        figures, _ = load_course_figures(ui.data_dir())
        sessions = course_default(figures, "induction_sessions", INDUCTION_SESSIONS)
        citation = course_sources(figures, directory.sources).get("sessions")
        course = S.CourseInputs(sessions, citation.url if citation else None)
    except ImportError:  # without the cost model, the estimate uses the documents' usual 6 sessions
        course = S.CourseInputs()
    try:
        comparison = S.compare(directory.providers, directory.evidence, directory.sources, ids,
                               answers=st.session_state.get("answers") or None, zip_code=zip_code or None, course=course,
                               prices=directory.prices, quotes=ui.quotes())
    except ValueError as error:  # recorded answers that no longer validate
        st.error(f"Your recorded answers could not be read ({ui.escape_markdown(str(error))}); they are left out.")
        comparison = S.compare(directory.providers, directory.evidence, directory.sources, ids,
                               zip_code=zip_code or None, course=course, prices=directory.prices, quotes=ui.quotes())
    for note in comparison.notes:
        st.warning(ui.escape_markdown(note))

    st.subheader(f"{len(comparison.providers)} provider(s) side by side")
    table = S.comparison_table(comparison)
    differing = {fact for fact, marker in zip(dict.fromkeys(comparison.facts["fact"]), table["differs"])
                 if marker.startswith("≠")}
    st.caption("“≠” marks a fact where the providers' values are not all the same. Each fact links the page it "
               "comes from (the comparison CSV lists every page behind it); unknown links nothing. Grades use the default weights and include any answers you "
               f"recorded (see Methodology). Unknown is never a red flag. The induction estimate is {course.sessions} "
               "sessions at the per-session price; programs are never divided into sessions.")
    providers = list(zip(comparison.providers["provider_id"], comparison.providers["name"]))
    for start in range(0, len(providers), CARDS_PER_ROW):
        row = providers[start:start + CARDS_PER_ROW]
        for column, (provider_id, name) in zip(st.columns(CARDS_PER_ROW), row):
            with column, st.container(border=True):
                st.markdown(_card(comparison, provider_id, name, differing))
                st.page_link("pages/provider.py", label="Provider page", icon=":material/open_in_new:",
                             query_params={"provider": provider_id})
                st.button(f"Remove {ui.escape_markdown(name)}", key=f"remove_{provider_id}", on_click=_remove,
                          args=(provider_id, name), icon=":material/playlist_remove:")

    for provider_id, name in zip(comparison.providers["provider_id"], comparison.providers["name"]):
        asked = comparison.questions[comparison.questions["provider_id"] == provider_id]
        with st.expander(f"Questions still open for {ui.escape_markdown(name)} ({len(asked)})"):
            if asked.empty:
                st.markdown("None: every applicable item has a known status or an answer.")
            for title, question, url in zip(asked["title"], asked["question"], asked["source_url"]):
                st.markdown(f"- **{ui.escape_markdown(title)}**: {ui.escape_markdown(question)} "
                            + (ui.source_markdown(url, "source") if isinstance(url, str) else ""))

    st.subheader("Export")
    today = date.today()
    packet_zip = zip_code if include_user and comparison.home else None
    packet_insurance = insurance if include_user and insurance else None
    export_cols = st.columns(3)
    with export_cols[0]:
        st.download_button("Comparison (CSV)", data=S.comparison_csv(comparison),
                           file_name=f"shortlist-comparison-{today}.csv", mime="text/csv", on_click="ignore",
                           icon=":material/table:", help="One row per provider; every fact has a column of source URLs.")
    with export_cols[1]:
        if comparison.providers.empty:  # only ids no longer in the directory: no empty PDF
            st.info("No provider of your shortlist is in this directory, so there is no referral packet to make.")
        else:
            st.download_button("Referral packet (PDF)",
                               data=lambda: build_packet(comparison, today, packet_zip, packet_insurance),
                               file_name=f"referral-packet-{today}.pdf", mime="application/pdf", on_click="ignore",
                               icon=":material/picture_as_pdf:",
                               help="Printable: page 1 compares the providers side by side; then each provider's "
                                    "checklist, open questions, your answers and quotes; sources numbered at the end.")
    with export_cols[2]:
        st.download_button("Shortlist file (JSON)", data=S.export_file(ids, comparison.answers),
                           file_name=f"shortlist-{today}.json", mime="application/json", on_click="ignore",
                           icon=":material/save:",
                           help="Your shortlist and your recorded answers about these providers, to restore below "
                                "or to pass to a colleague.")
    st.button("Clear the shortlist", on_click=_clear, icon=":material/delete_sweep:")
