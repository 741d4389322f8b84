"""Find providers: sidebar filters mirrored in the URL, a results table, a map of on-site providers."""

import pandas as pd
import streamlit as st

import ui
from vetting import filters as F
from vetting.checklists import criteria, default_weights
from vetting.find import DEFAULT_SORT, SORTS
from vetting.geo import distance_label
from vetting.scoring import grade_text
from vetting.mapdata import MAX_POINTS, PreparedDeck, fit_view, provider_points
from vetting.contact import tel_uri
from vetting.vocab import CARE_SETTINGS, CONDITIONS, ROUTES, SUPERVISION_MODELS, US_STATES, split_list

ui.ensure_app()

st.title("Find ketamine-therapy providers")
st.caption("Filters are in the sidebar (the » button on a phone). Every provider fact links to its source on the provider page.")

directory = ui.directory()
if directory.problems:
    st.info(f"{len(directory.problems)} row(s) in the data files could not be used and were set aside; "
            "see **Data & sources** for the list.", icon=":material/info:")

# --- URL -> widgets (a new URL, e.g. a shared link, sets the widgets; later edits write the URL) ---
params = {k: v for k, v in st.query_params.to_dict().items() if k != "shortlist"}
if not params and "find_params" in st.session_state:
    params = st.session_state["find_params"]  # coming back from another page keeps the view
state, notes = F.parse_params(params)
# Widgets follow the URL when it changed (a shared link), and are restored when coming back from
# another page (Streamlit forgets the values of widgets that were not on the page).
if st.session_state.get("find_params_seen") != params or "f_route" not in st.session_state:
    for key in ("route", "supervision", "setting", "insurance", "condition", "must_have"):
        st.session_state[f"f_{key}"] = state.get(key, [])
    st.session_state["f_zip"] = state.get("zip", "")
    st.session_state["f_radius"] = float(state.get("radius", F.DEFAULT_RADIUS_MILES))
    st.session_state["f_state"] = state.get("state")
    st.session_state["f_max_price"] = state.get("max_price")
    st.session_state["f_q"] = state.get("q", "")
    st.session_state["f_closed"] = bool(state.get("closed", False))
    st.session_state["f_no_red_flags"] = bool(state.get("no_red_flags", False))
    st.session_state["f_min_grade"] = float(state.get("min_grade", 0.0))
    st.session_state["f_must_have_known"] = bool(state.get("must_have_known", False))
    st.session_state["f_sort"] = params.get("sort") if params.get("sort") in SORTS else DEFAULT_SORT

# --- a guided start: three plain questions that set the filters (a coordinator can skip it) ---
GUIDED_SETTINGS = {"clinic": ["clinic", "hybrid"], "home": ["at_home", "hybrid"], "either": []}


def _apply_guided_start() -> None:
    typed = (st.session_state.get("g_zip") or "").strip()
    st.session_state["f_zip"] = typed
    st.session_state["f_setting"] = GUIDED_SETTINGS[st.session_state.get("g_setting") or "either"]
    st.session_state["f_insurance"] = ["any"] if st.session_state.get("g_insurance") == "yes" else []


with st.expander("New here? Three questions to get started", expanded=not params, icon=":material/explore:"):
    st.text_input("Where are you? Your ZIP code", key="g_zip", max_chars=5, placeholder="e.g. 78701",
                  help="Used only in this browser session, to put the nearest providers first.")
    st.radio("Where would you be treated?", list(GUIDED_SETTINGS), key="g_setting", horizontal=True, index=2,
             format_func={"clinic": "At a clinic", "home": "At home (online care)", "either": "Either"}.get)
    st.caption("At a clinic, staff give ketamine (or Spravato, the nasal spray) and watch over you. At home, a "
               "clinician prescribes by video and you take it yourself, usually as a lozenge, with check-ins.")
    st.radio("Will you use insurance?", ["yes", "no", "unsure"], key="g_insurance", horizontal=True, index=2,
             format_func={"yes": "Yes", "no": "No, I will pay myself", "unsure": "Not sure"}.get)
    st.caption("Insurance rarely pays for ketamine itself, which is used off-label; it more often covers Spravato. "
               "'Yes' shows providers whose own pages name an insurer; many say nothing, which is not a no.")
    st.button("Show providers", on_click=_apply_guided_start, type="primary", icon=":material/search:")

def _keep_weight(criterion_id: str) -> None:
    st.session_state["find_weights"][criterion_id] = float(st.session_state[f"w_{criterion_id}"])


with st.sidebar:
    st.header("Filters")
    st.multiselect("Route of administration", list(ROUTES), format_func=ROUTES.get, key="f_route",
                   help="Shows providers offering any of the chosen routes.")
    st.multiselect("Supervision model", list(SUPERVISION_MODELS), format_func=SUPERVISION_MODELS.get, key="f_supervision",
                   help="Who watches over a session: clinic staff on site, a REMS-certified office with two hours of "
                        "observation (required for Spravato), or a clinician online for care at home.")
    st.multiselect("Care setting", list(CARE_SETTINGS), format_func=CARE_SETTINGS.get, key="f_setting")
    insurance_options = F.FILTERS_BY_KEY["insurance"].options
    st.multiselect("Insurance and payment", list(insurance_options), format_func=insurance_options.get,
                   key="f_insurance",
                   help="Payers: any of those chosen. HSA/FSA, superbill and Spravato coverage: all of those chosen. "
                        "Only what a provider's own pages state counts; unknown is not a no.")
    st.text_input("ZIP code", key="f_zip", max_chars=5, placeholder="e.g. 10001",
                  help="On-site providers within the radius of this ZIP's centre, plus at-home services licensed in its state.")
    st.number_input("Radius (miles)", min_value=1.0, max_value=F.MAX_RADIUS_MILES, step=10.0, key="f_radius", format="%.0f")
    st.selectbox("State", [None] + sorted(k.lower() for k in US_STATES), key="f_state",
                 format_func=lambda v: "Any state" if v is None else US_STATES[v.upper()],
                 help="Clinics in the state and services that say they treat its residents.")
    st.multiselect("Condition treated", list(CONDITIONS), format_func=CONDITIONS.get, key="f_condition")
    st.number_input("Max price per session (USD)", min_value=0.0, step=50.0, key="f_max_price", format="%.0f",
                    placeholder="No limit",
                    help="Compares the lowest per-session price; providers whose price is unknown or not per session drop out.")
    st.text_input("Name or city", key="f_q", max_chars=100)
    st.checkbox("No red flags", key="f_no_red_flags",
                help="Hide providers where a cited source shows a problem. Unknown is never a red flag.")
    st.slider("Minimum grade", 0.0, 100.0, step=5.0, key="f_min_grade", format="%d",
              help="Only graded providers at or above this grade (0 shows everyone, graded or not).")
    st.checkbox("Include closed providers", key="f_closed")
    checklist = criteria()
    with st.expander("Must-haves and weights"):
        st.multiselect("Must-have criteria", list(checklist.index), format_func=lambda c: checklist.at[c, "title"],
                       key="f_must_have",
                       help="Providers with a red flag on any of these drop out (a criterion that does not apply never drops anyone).")
        st.checkbox("Also drop providers where a must-have is unknown", key="f_must_have_known")
        st.caption("Weights change how much each criterion counts in the grade, for this session only. "
                   "Defaults and the formula: see Methodology.")
        defaults = default_weights()
        # Kept outside the widgets: the 16 inputs are drawn only when asked for, and Streamlit forgets
        # the value of a widget that is not drawn.
        saved = st.session_state.setdefault("find_weights", {c: float(defaults[c]) for c in checklist.index})
        if st.toggle("Change the weights", key="f_show_weights"):
            for criterion_id in checklist.index:
                st.session_state.setdefault(f"w_{criterion_id}", saved[criterion_id])
                st.number_input(checklist.at[criterion_id, "title"], min_value=0.0, max_value=10.0, step=1.0,
                                key=f"w_{criterion_id}", format="%.0f", on_change=_keep_weight, args=(criterion_id,))
        weights = dict(saved)

# --- widgets -> state (typed values go through the same parsers as the URL) ---
widget_params = {
    "route": st.session_state.f_route, "supervision": st.session_state.f_supervision,
    "setting": st.session_state.f_setting, "insurance": st.session_state.f_insurance,
    "zip": st.session_state.f_zip, "state": st.session_state.f_state or "",
    "condition": st.session_state.f_condition, "q": st.session_state.f_q,
    "max_price": "" if st.session_state.f_max_price in (None, 0) else str(st.session_state.f_max_price),
    "closed": "1" if st.session_state.f_closed else "",
    "no_red_flags": "1" if st.session_state.f_no_red_flags else "",
    "min_grade": "" if not st.session_state.f_min_grade else str(st.session_state.f_min_grade),
    "must_have": st.session_state.f_must_have,
    "must_have_known": "1" if st.session_state.f_must_have and st.session_state.f_must_have_known else "",
}
if st.session_state.f_zip:
    widget_params["radius"] = str(st.session_state.f_radius)
widget_params = {k: (",".join(v) if isinstance(v, list) else v) for k, v in widget_params.items()}
state, widget_notes = F.parse_params(widget_params)
for note in dict.fromkeys(notes + widget_notes):
    st.warning(ui.escape_markdown(note), icon=":material/warning:")

sort_options = list(SORTS)
if st.session_state.get("f_sort") not in sort_options:
    st.session_state["f_sort"] = DEFAULT_SORT
new_params = F.to_params(state)
if st.session_state.f_sort != DEFAULT_SORT:
    new_params["sort"] = st.session_state.f_sort
url_params = {**new_params, **ui.shortlist_query()}
if url_params != st.query_params.to_dict():
    st.query_params.from_dict(url_params)
st.session_state["find_params"] = new_params
st.session_state["find_params_seen"] = new_params

answers = st.session_state.get("answers", [])
custom_weights = weights if weights != default_weights() else None
if custom_weights:
    st.info("Grades use your own weights (set under *Must-haves and weights*), for this session only.",
            icon=":material/tune:")
results, view = ui.found_providers(state, st.session_state.f_sort, answers, custom_weights)
st.session_state[ui.FIND_PROVIDER_IDS] = results["provider_id"].tolist()

st.header(ui.escape_markdown(F.describe(state, view.count)))
st.radio("Sort by", sort_options, key="f_sort", horizontal=True,
         format_func={"place": "Nearest (or by state)", "grade": "Checklist grade", "name": "Name"}.get)
st.caption("Order: " + SORTS[st.session_state.f_sort])

def _widen(radius: float) -> None:
    st.session_state["f_radius"] = radius


def _allow_at_home() -> None:
    st.session_state["f_setting"] = []


if results.empty:
    worst = F.most_restrictive(view, state)
    if worst:
        key, without = worst
        st.info(f"No provider matches every filter. The filter that removes the most is "
                f"**{F.FILTERS_BY_KEY[key].label}**: without it, {without} provider(s) would show.")
    nearby = ui.fallback(state, answers, custom_weights)
    if nearby is not None and len(nearby.nearest):
        st.subheader("Nearest providers that match your other filters")
        st.caption("Straight-line distance from your ZIP's centre; 'about' where the clinic's position is its ZIP or "
                   "city centre.")
        for _, near in nearby.nearest.iterrows():
            where = ", ".join(x for x in (near["city"], near["state"]) if isinstance(x, str) and x)
            st.page_link("pages/provider.py", query_params={"provider": near["provider_id"]},
                         label=ui.escape_markdown(f"{near['name']} — {where or 'location unknown'}, "
                                                  f"{distance_label(near['distance_miles'], near['geocoded_from'])}"))
        if nearby.wider_radius:
            st.button(f"Widen the radius to {nearby.wider_radius:g} miles", on_click=_widen, args=(nearby.wider_radius,),
                      icon=":material/zoom_out_map:")
    if nearby is not None and nearby.at_home_here:
        st.button(f"Include the {nearby.at_home_here} at-home service(s) that serve your state", on_click=_allow_at_home,
                  icon=":material/home:")
    st.stop()

# --- the table, one page at a time (nobody scrolls through thousands of rows; filters narrow it) ---
PAGE_SIZE = 100
CARDS_PER_PAGE = 20  # a phone shows cards in smaller pages
pages_total = (len(results) - 1) // PAGE_SIZE + 1
page_number = 1
if pages_total > 1:
    page_number = int(st.number_input(f"Page (of {pages_total:,}, {PAGE_SIZE} providers each)", min_value=1,
                                      max_value=pages_total, value=1, step=1, key="f_page"))
rows = results.iloc[(page_number - 1) * PAGE_SIZE: page_number * PAGE_SIZE]
place = (rows["city"].fillna("") + ", " + rows["state"].fillna("")).str.strip(", ").replace("", "location unknown")
table = pd.DataFrame({
    "provider_id": rows["provider_id"],
    "name": rows["name"],
    "grade": [grade_text(g, m + r, a) for g, m, r, a in zip(rows["grade"], rows["met"], rows["red_flags"], rows["applicable"])],
    "red_flags": rows["red_flags"],
    "phone": rows["phone"].map(lambda p: tel_uri(p) or None),
    "where": place.where(~rows["serves_your_state"].astype(bool), "serves your state (at home)"),
    "distance_miles": [distance_label(d, g) or None for d, g in zip(rows["distance_miles"], rows["geocoded_from"])],
    "care_setting": rows["care_setting"].map(CARE_SETTINGS),
    "routes": rows["routes"].map(lambda cell: [ROUTES[r] for r in split_list(cell)]),
    "supervision": rows["supervision_model"].map(SUPERVISION_MODELS),
    "price_low": rows["price_per_session_low"],
    "price_high": rows["price_per_session_high"],
    "price_basis": rows["price_basis"].fillna("no public price")
        + rows["price_possibly_stale"].map({True: " (checked over a year ago: possibly stale)", False: ""}),
    "insurance": rows["insurance"].fillna("unknown"),
    "website": rows["website"],
    "checked_on": pd.to_datetime(rows["checked_on"], errors="coerce"),
})
if "zip" not in state:
    table = table.drop(columns=["distance_miles"])
if pages_total > 1:
    first = (page_number - 1) * PAGE_SIZE + 1
    st.caption(f"Showing {first:,} to {first + len(rows) - 1:,} of {len(results):,}, in the order above.")

# Phones get cards, wider screens the table; both come from the same rows, and either can be chosen.
names = dict(zip(rows["provider_id"], rows["name"]))
card_view = st.toggle("Show as cards (easier on a phone)", value=ui.is_phone(), key="f_cards")
if card_view:
    with st.container(key="find_cards_view"):
        card_pages = (len(rows) - 1) // CARDS_PER_PAGE + 1
        card_page = 1
        if card_pages > 1:
            card_page = int(st.number_input(f"Cards (page of {card_pages}, {CARDS_PER_PAGE} each)", min_value=1,
                                            max_value=card_pages, value=1, step=1, key="f_card_page"))
        for _, card in table.iloc[(card_page - 1) * CARDS_PER_PAGE: card_page * CARDS_PER_PAGE].iterrows():
            provider_id = card["provider_id"]
            with st.container(border=True):
                routes_text = ", ".join(card["routes"]) or "routes not stated"
                distance = f" · {card['distance_miles']}" if card.get("distance_miles") else ""
                st.markdown(f"**{ui.escape_markdown(card['name'])}**  \n"
                            f"{ui.escape_markdown(card['care_setting'] or '')} · {ui.escape_markdown(routes_text)}  \n"
                            f"{ui.escape_markdown(card['where'])}{ui.escape_markdown(distance)}  \n"
                            f"Checklist: {ui.escape_markdown(card['grade'])}")
                contact = [ui.phone_markdown(rows.at[_, "phone"]) or "phone not known"]
                if isinstance(card["website"], str) and card["website"]:
                    contact.append(ui.source_markdown(card["website"], "website"))
                st.markdown(" · ".join(contact))
                open_col, add_col = st.columns(2)
                open_col.page_link("pages/provider.py", label="Open its page", icon=":material/open_in_new:",
                                   query_params={"provider": provider_id})
                if add_col.button("Add to shortlist", key=f"card_add_{provider_id}", icon=":material/playlist_add:",
                                  disabled=provider_id in ui.shortlist_ids()):
                    if not ui.shortlist_add([provider_id]):
                        st.toast(f"Added {names[provider_id]} to your shortlist", icon=":material/playlist_add_check:")
else:
    with st.container(key="find_table_view"):
        opened = st.selectbox("Open a provider's page", list(rows["provider_id"]), index=None, format_func=names.get,
                              placeholder="Choose a provider from this list", key="f_open")
        if opened:
            st.page_link("pages/provider.py", label="Open " + ui.escape_markdown(names[opened]), icon=":material/open_in_new:",
                         query_params={"provider": opened})
        selection = st.dataframe(
            table, hide_index=True, width="stretch", on_select="rerun", selection_mode="multi-row", key="find_table",
            column_order=[c for c in table.columns if c != "provider_id"],
            column_config={
                "name": st.column_config.TextColumn("Provider"),
                "grade": st.column_config.TextColumn("Checklist", help="Grade 0-100 and how many applicable criteria are known; "
                                                     "no grade when under a third are known. See Methodology."),
                "red_flags": st.column_config.NumberColumn("Red flags", format="%d", help="Checklist criteria where a cited source shows the problem"),
                "phone": st.column_config.LinkColumn("Phone", display_text=r"tel:\+1(\d{10})", help="Tap to call"),
                "where": st.column_config.TextColumn("Where"),
                "distance_miles": st.column_config.TextColumn("Distance", help="Straight line from your ZIP's centre; "
                                                              "'about' when the clinic's position is its ZIP or city centre"),
                "care_setting": st.column_config.TextColumn("Setting"),
                "routes": st.column_config.ListColumn("Routes"),
                "supervision": st.column_config.TextColumn("Supervision"),
                "price_low": st.column_config.NumberColumn("From $/session", format="dollar"),
                "price_high": st.column_config.NumberColumn("To $/session", format="dollar"),
                "price_basis": st.column_config.TextColumn("Price basis", help="Only prices listed per session are shown here; "
                                                           "program and monthly prices are on the provider page, never divided"),
                "insurance": st.column_config.TextColumn("Insurance (as stated)"),
                "website": st.column_config.LinkColumn("Website", display_text=r"https?://(?:www\.)?([^/]+).*"),
                "checked_on": st.column_config.DateColumn("Checked on", format="YYYY-MM-DD"),
            },
        )
        chosen = [table["provider_id"].iloc[i] for i in selection.selection.rows] if selection and selection.selection else []
        if chosen:
            for provider_id in chosen[:6]:
                st.page_link("pages/provider.py", label="Open " + ui.escape_markdown(names[provider_id]), icon=":material/open_in_new:",
                             query_params={"provider": provider_id})
            if st.button(f"Add {len(chosen)} selected to shortlist", icon=":material/playlist_add:"):
                if not ui.shortlist_add(chosen):
                    st.toast(f"Added {len(chosen)} to your shortlist", icon=":material/playlist_add_check:")
        else:
            st.caption("Select rows (the box at the left of a row) to open a provider's page or add it to your shortlist.")

# --- map: on-site providers, drawn over state outlines so it needs no tile server ---
st.header("Map")
map_col, remote_col = st.columns([3, 2])
with map_col:
    tiles = st.toggle("Street map background (loads map tiles from an outside server)", value=False)
    on_site = int((~F.is_remote(results) & results["latitude"].notna()).sum())
    grouped = on_site > MAX_POINTS

    def points():
        return provider_points(results, max_points=MAX_POINTS)

    if view.context.zip_location:
        latitude, longitude, _ = view.context.zip_location
        zoom = 6.0
    else:
        # Without a ZIP the map fits the results (all 50 states and DC when the results span them).
        latitude, longitude, zoom = 39.5, -98.35, 3.0
        on_site_rows = ~F.is_remote(results)
        fitted = fit_view(results["longitude"][on_site_rows], results["latitude"][on_site_rows])
        if fitted is not None:
            latitude, longitude, zoom = fitted
    # The map depends only on which providers match, so its JSON is cached per filter state.
    view_key = (tuple(sorted(F.to_params(state).items())), ui.answers_key(answers),
                tuple(sorted((custom_weights or {}).items())))
    spec = ui.map_spec(view_key, points, latitude, longitude, zoom, tiles)
    st.pydeck_chart(PreparedDeck(spec), height=420)
    how = (f"{on_site:,} on-site providers match, more than the map can show one by one, so each dot stands for the "
           "providers of one care setting in an area (the dot's label gives how many); narrow the filters to see each one. "
           if grouped else f"{on_site:,} on-site providers with a known position are drawn. ")
    st.caption(how + "Blue dots with a thin white ring: clinic; larger orange dots with a thick dark ring: hybrid "
               "(clinic, then home). Positions come from the clinic's "
               "ZIP or, failing that, its city's centre; at-home services are listed beside the map.")
with remote_col:
    chosen_state = view.context.zip_location[2] if view.context.zip_location else (state.get("state") or "").upper()
    remote = results[F.is_remote(results)]
    if chosen_state:
        remote = remote[F.serves_state(remote, chosen_state)]
        st.markdown(f"**At-home (telehealth) services for {US_STATES[chosen_state]}**")
    else:
        st.markdown("**At-home (telehealth) services** — choose a ZIP or a state to see who serves it")
    if remote.empty:
        st.caption("None in the current results.")
    for _, row in remote.head(30).iterrows():
        served = ", ".join(split_list(row["states_served"])) or "states not listed"
        st.page_link("pages/provider.py", label=ui.escape_markdown(f"{row['name']} — {served}"[:120]),
                     query_params={"provider": row["provider_id"]})
    if len(remote) > 30:
        st.caption(f"and {len(remote) - 30:,} more in the table.")
