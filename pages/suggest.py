"""Suggest a correction (`?provider=ID` preselects the provider) or a new provider.

Nothing is sent from the app: the rows a person collects are checked with the same rules as
`python -m vetting merge` and downloaded as a proposal file to send to the maintainers."""

from datetime import date

import pandas as pd
import streamlit as st

import ui
from vetting import checklists
from vetting import proposals as P
from vetting.vocab import (
    CARE_SETTINGS, CONDITIONS, CRITERION_IDS, PAYERS, PRICE_UNITS, PROVIDER_STATUSES, ROUTES, SOURCE_KINDS, SUPERVISION_MODELS,
    US_STATES, split_list,
)

ui.ensure_app()

PENDING = "proposal_rows"  # the rows collected in this session, in proposal order
GENERATION = "proposal_form_generation"  # bumped after "Add": fresh widget keys empty the forms

LABELS = {
    "provider_id": "Provider id", "name": "Name", "website": "Website", "status": "Status",
    "care_setting": "Care setting", "routes": "Routes", "supervision_model": "Supervision model",
    "street": "Street", "city": "City", "state": "State", "zip": "ZIP", "states_served": "States served",
    "insurance": "Insurance", "phone": "Phone", "route": "Route priced", "unit": "Price unit",
    "sessions_included": "Sessions included", "low_usd": "Lowest price (USD)", "high_usd": "Highest price (USD)",
    "payer": "Who pays", "status_source_url": "Status source", "source_urls": "Sources",
    "conditions": "Conditions", "criterion_id": "Checklist criterion", "note": "What the page shows",
    "source_url": "Source URL", "title": "Page title", "source_kind": "Kind of page", "reason": "Why",
    "proposed_on": "Date", "checked_on": "Checked on",
}

directory = ui.directory()
providers = directory.providers
names = dict(zip(providers["provider_id"], providers["name"]))
provider_ids = sorted(names, key=lambda p: str(names[p]).lower())
criterion_titles = checklists.criteria()["title"].to_dict()
today = date.today().isoformat()
st.session_state.setdefault(PENDING, [])
st.session_state.setdefault(GENERATION, 0)
generation = st.session_state[GENERATION]

st.title("Suggest a correction or a provider")
st.markdown(
    "Found a fact that is wrong or missing, or a provider that is not listed? Describe it here, with the "
    "public page that shows it: **every proposed fact needs a source URL**. Collect as many rows as you "
    "like, then download the proposal file and send it to the maintainers, attached to an email or a "
    "GitHub issue. Nothing is sent from this page. The maintainers read the pages you cite and merge the "
    "file with `python -m vetting merge`, which applies the same checks you see here.")


def add_rows(rows: list[dict]) -> None:
    """Button callback: keep the rows and empty the forms (new widget keys)."""
    st.session_state[PENDING] = st.session_state[PENDING] + rows
    st.session_state[GENERATION] += 1


def remove_row(index: int) -> None:
    rows = list(st.session_state[PENDING])
    if 0 <= index < len(rows):
        rows.pop(index)
    st.session_state[PENDING] = rows


def check_rows(rows: list[dict]):
    """Problems and conflicts of `rows` when added after the collected ones (as the merge sees them)."""
    pending = st.session_state[PENDING]
    checked, problems = P.validate_proposal(pending + rows, directory)
    plan = P.plan_merge(checked, directory, problems)
    first_line = len(pending) + 2
    own = [p for p in problems if p.line >= first_line or p.line <= 1]
    conflicts = [(entry.line, c) for entry in plan.conflicts if entry.line >= first_line for c in entry.conflicts]
    return own, conflicts


def show_problems(problems, conflicts) -> None:
    # A bad source URL is reported on the source row and on the row citing it; once is enough.
    problems = list(dict.fromkeys((p.column, p.message) for p in problems))
    for column, message in problems:
        label = LABELS.get(column, column or "Row")
        st.error(f"**{ui.escape_markdown(label)}**: {ui.escape_markdown(message)}", icon=":material/error:")
    for _, conflict in conflicts:
        st.error(f"**{ui.escape_markdown(LABELS.get(conflict.column, conflict.column))}**: "
                 f"{ui.escape_markdown(conflict.describe())}", icon=":material/error:")


def source_fields(prefix: str) -> tuple[str, str | None, str | None]:
    """The source URL, and a title and kind when the page is not yet in the directory's sources."""
    url = st.text_input("Source URL (the public page that shows this)", key=f"{prefix}_source_url",
                        placeholder="https://…", help="Required. An absolute http(s) address.").strip()
    title = kind = None
    known = set(directory.sources["source_url"]) | {r.get("source_url") for r in st.session_state[PENDING]
                                                    if r.get("kind") == "source"}
    if url and url not in known:
        st.caption("This page is not in the directory's sources yet; name it so it can be listed.")
        title = st.text_input("Page title", key=f"{prefix}_source_title")
        kind = st.selectbox("Kind of page", list(SOURCE_KINDS), format_func=SOURCE_KINDS.get,
                            index=list(SOURCE_KINDS).index("provider_site"), key=f"{prefix}_source_kind")
    return url, title, kind


def choice_index(options: list, value) -> int | None:
    return options.index(value) if value in options else None


def provider_fields(prefix: str, current: dict) -> dict:
    """The fields a person corrects, prefilled with `current`; returns {column: text or list}."""
    values: dict = {}
    values["name"] = st.text_input("Name", value=current.get("name") or "", key=f"{prefix}_name")
    values["website"] = st.text_input("Website", value=current.get("website") or "", key=f"{prefix}_website",
                                      placeholder="https://…")
    values["phone"] = st.text_input("Phone (as the page gives it)", value=current.get("phone") or "",
                                    key=f"{prefix}_phone", placeholder="e.g. (512) 555-0100")
    left, right = st.columns(2)
    statuses = [""] + list(PROVIDER_STATUSES)
    values["status"] = left.selectbox("Status", statuses, index=choice_index(statuses, current.get("status") or ""),
                                      format_func=lambda s: PROVIDER_STATUSES.get(s, "(not known)"), key=f"{prefix}_status")
    values["care_setting"] = right.selectbox("Care setting", list(CARE_SETTINGS), format_func=CARE_SETTINGS.get,
                                             index=choice_index(list(CARE_SETTINGS), current.get("care_setting")),
                                             placeholder="Choose", key=f"{prefix}_care_setting")
    values["supervision_model"] = left.selectbox(
        "Supervision model", list(SUPERVISION_MODELS), format_func=SUPERVISION_MODELS.get, placeholder="Choose",
        index=choice_index(list(SUPERVISION_MODELS), current.get("supervision_model")), key=f"{prefix}_supervision_model")
    values["routes"] = right.multiselect("Routes", list(ROUTES), format_func=ROUTES.get, key=f"{prefix}_routes",
                                         default=[r for r in split_list(current.get("routes")) if r in ROUTES])
    values["street"] = left.text_input("Street", value=current.get("street") or "", key=f"{prefix}_street")
    values["city"] = right.text_input("City", value=current.get("city") or "", key=f"{prefix}_city")
    states = [""] + list(US_STATES)
    values["state"] = left.selectbox("State", states, index=choice_index(states, current.get("state") or ""),
                                     format_func=lambda s: US_STATES.get(s, "(not known)"), key=f"{prefix}_state")
    values["zip"] = right.text_input("ZIP", value=current.get("zip") or "", key=f"{prefix}_zip")
    values["states_served"] = st.multiselect("States served", list(US_STATES), format_func=US_STATES.get,
                                             default=[s for s in split_list(current.get("states_served")) if s in US_STATES],
                                             key=f"{prefix}_states_served")
    values["insurance"] = st.text_input("Insurance (payers as the page names them, separated by ;)",
                                        value=current.get("insurance") or "", key=f"{prefix}_insurance")
    values["conditions"] = st.multiselect("Conditions", list(CONDITIONS), format_func=CONDITIONS.get,
                                          default=[c for c in split_list(current.get("conditions")) if c in CONDITIONS],
                                          key=f"{prefix}_conditions")
    return values


def offer_rows(rows: list[dict], key: str, nothing: str) -> None:
    """Check the form's rows as the user types; the Add button works only when they are clean."""
    if not rows:
        st.caption(nothing)
        st.button("Add to the proposal", key=key, disabled=True)
        return
    problems, conflicts = check_rows(rows)
    show_problems(problems, conflicts)
    if not problems and not conflicts:
        st.success(f"Ready: {len(rows)} row(s) to add to your proposal.", icon=":material/check_circle:")
    st.button("Add to the proposal", key=key, type="primary", disabled=bool(problems or conflicts),
              on_click=add_rows, args=(rows,))


tab_fix, tab_new = st.tabs(["Suggest a correction", "Suggest a provider"])

with tab_fix:
    requested = st.query_params.get("provider")
    if requested and requested not in names:
        st.warning(f"No provider with the id “{ui.escape_markdown(requested[:80])}” is in the directory. "
                   "Choose one below, or suggest it in **Suggest a provider**.", icon=":material/help:")
    provider_id = st.selectbox("Provider", provider_ids, index=choice_index(provider_ids, requested),
                               format_func=names.get, placeholder="Choose a provider", key="suggest_provider")
    if provider_id is None:
        st.info("Choose the provider whose facts you want to correct.", icon=":material/info:")
    else:
        if provider_id != requested:
            st.query_params["provider"] = provider_id  # a shareable link to this correction form
        current = P.current_rows(directory)["provider"].get((provider_id,), {})
        prefix = f"fix_{generation}_{provider_id}"
        st.header("Correct its facts")
        st.caption("Change the fields that are wrong or missing. Emptying a field does not propose removing "
                   "it: say so under *Why* instead.")
        values = provider_fields(prefix, current)
        url, title, kind = source_fields(prefix)
        reason = st.text_area("Why (what is wrong or missing, and where the page shows it)", key=f"{prefix}_reason")
        rows = P.provider_correction_rows(provider_id, values, url, reason, today, directory,
                                          st.session_state[PENDING], title, kind)
        offer_rows(rows, f"{prefix}_add", "No field changed yet.")

        st.header("Report what a page shows for a checklist item")
        eprefix = f"evidence_{generation}_{provider_id}"
        criterion_id = st.selectbox("Checklist criterion", list(CRITERION_IDS), index=None, placeholder="Choose",
                                    format_func=lambda c: criterion_titles.get(c, c), key=f"{eprefix}_criterion")
        status = st.radio("The page shows", ["met", "red_flag"], horizontal=True, key=f"{eprefix}_status",
                          format_func={"met": "The criterion is met", "red_flag": "A red flag"}.get)
        note = st.text_area("What the page shows, in your own words (one or two sentences)", key=f"{eprefix}_note",
                            max_chars=400)
        eurl, etitle, ekind = source_fields(eprefix)
        ereason = st.text_area("Why", key=f"{eprefix}_reason")
        erows = (P.evidence_rows(provider_id, criterion_id, status, note, eurl, ereason, today, directory,
                                 st.session_state[PENDING], etitle, ekind)
                 if criterion_id and (note.strip() or eurl) else [])
        offer_rows(erows, f"{eprefix}_add", "Choose a criterion and describe what the page shows.")

        st.header("Report a price a page shows")
        st.caption("One price as the page lists it: its route, what it buys and, for a series or program, how many "
                   "sessions it includes. It is never divided into a per-session figure.")
        pprefix = f"price_{generation}_{provider_id}"
        offered = [r for r in split_list(current.get("routes")) if r in ROUTES] + ["any"]
        left, right = st.columns(2)
        price_values = {
            "route": left.selectbox("Route priced", offered, key=f"{pprefix}_route",
                                    format_func=lambda r: ROUTES.get(r, "Not stated on the page")),
            "unit": right.selectbox("What it buys", list(PRICE_UNITS), key=f"{pprefix}_unit", format_func=PRICE_UNITS.get),
            "low_usd": left.text_input("Lowest price (USD)", key=f"{pprefix}_low"),
            "high_usd": right.text_input("Highest price (USD, empty for one price)", key=f"{pprefix}_high"),
            "sessions_included": left.text_input("Sessions included (series or program)", key=f"{pprefix}_sessions"),
            "payer": right.selectbox("Who pays", list(PAYERS), key=f"{pprefix}_payer", format_func=PAYERS.get),
            "note": st.text_input("What the price covers, in your own words", key=f"{pprefix}_note", max_chars=400),
        }
        if price_values["low_usd"] and not price_values["high_usd"]:
            price_values["high_usd"] = price_values["low_usd"]
        purl, ptitle, pkind = source_fields(pprefix)
        preason = st.text_area("Why", key=f"{pprefix}_reason")
        prows = (P.price_rows(provider_id, price_values, purl, preason, today, directory, st.session_state[PENDING],
                              ptitle, pkind)
                 if (price_values["low_usd"] or price_values["high_usd"]) else [])
        offer_rows(prows, f"{pprefix}_add", "Enter the price and the page that shows it.")

with tab_new:
    prefix = f"new_{generation}"
    st.caption("A provider not yet in the directory. Fill in what its own pages show; leave unknown fields empty.")
    values = provider_fields(prefix, {})
    values["provider_id"] = st.text_input("Provider id (optional)", key=f"{prefix}_provider_id",
                                          help="Lowercase letters, digits and hyphens; made from the name and city when empty.")
    url, title, kind = source_fields(prefix)
    reason = st.text_area("Why (how you know it, and where the page shows it)", key=f"{prefix}_reason")
    rows = (P.new_provider_rows(values, url, reason, today, directory, st.session_state[PENDING], title, kind)
            if values["name"].strip() else [])
    offer_rows(rows, f"{prefix}_add", "Enter at least the provider's name.")

st.divider()
st.header("Your proposal")
pending = st.session_state[PENDING]
if not pending:
    st.caption("No rows yet. Rows you add appear here; you can remove them before downloading.")
else:
    shown = pd.DataFrame([{
        "line": number + 1, "kind": row.get("kind"), "action": row.get("action"),
        "what": " ".join(str(row.get(c)) for c in ("provider_id", "criterion_id") if row.get(c)) or row.get("source_url"),
        "changes": "; ".join(f"{c}={row[c]}" for c in P.FIELD_COLUMNS
                             if row.get(c) and c not in ("provider_id", "criterion_id", "source_url")),
        "source_url": row.get("source_url"),
    } for number, row in enumerate(pending, start=1)])
    st.dataframe(shown, hide_index=True, column_config={
        "source_url": st.column_config.LinkColumn("Source"),
        "line": st.column_config.NumberColumn("Line", format="%d", help="The line in the proposal file (line 1 is the header)")})
    columns = st.columns(min(len(pending), 6))
    for index in range(len(pending)):
        columns[index % len(columns)].button(f"Remove line {index + 2}", key=f"remove_row_{index}",
                                             icon=":material/delete:", on_click=remove_row, args=(index,))
    checked, problems = P.validate_proposal(pending, directory)
    plan = P.plan_merge(checked, directory, problems)
    for line in [line for line in plan.lines() if line.startswith(("!", "?"))]:
        st.error(ui.escape_markdown(line), icon=":material/error:")
    if plan.clean:
        st.download_button("Download the proposal (CSV)", data=P.proposal_csv(pending),
                           file_name=f"directory-proposal-{today}.csv", mime="text/csv",
                           icon=":material/download:", key="download_proposal")
        st.caption("Attach the file to an email to the maintainers or to a GitHub issue, with anything else "
                   "they should know. Your rows stay in this browser session only.")
    else:
        st.info("Remove or fix the rows above before downloading: the file must pass the maintainers' checks.",
                icon=":material/info:")
