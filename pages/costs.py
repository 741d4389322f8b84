"""Costs: per route, what providers here list (each price under its own route and unit, never
divided), independent reference figures labelled as what they are, an honest insured view, a
course estimator and "my quote". Every figure links to its source."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

import ui
from vetting import costs as cost_model
from vetting.prices import describe_price
from vetting.schemas import FIGURE_KINDS
from vetting.vocab import CARE_SETTINGS, PRICE_UNITS, ROUTES

ui.ensure_app()

ASK_ABOUT = ("consultation or intake visit", "integration sessions", "booster (maintenance) pricing",
             "cancellation and refund terms")
OBSERVED = "Listed by providers here"
REFERENCE = "Reference figure"


@st.cache_data(show_spinner=False)
def _cost_data(folder: str, fingerprint: tuple):
    return cost_model.load_costs(folder), cost_model.load_course_figures(folder)


def _source_link(citation: cost_model.Citation) -> str:
    return ui.source_markdown(citation.url, citation.label) if citation.url else ui.escape_markdown(citation.label)


def _find_link(route: str) -> str:
    # Find is the default page, served at the app's root ("/find" would say "page not found").
    return f"./?route={route}"


st.title("Costs")
st.caption("What providers in this directory list, per route and as listed, beside independent reference figures. "
           "Every figure links to where it comes from. Prices change: confirm with the provider.")

directory = ui.directory()
folder = ui.data_dir()
(costs, cost_problems), (figures, figure_problems) = _cost_data(folder, ui.fingerprint())
if cost_problems or figure_problems:
    with st.expander(f"{len(cost_problems) + len(figure_problems)} problem(s) in the cost files (those rows are not shown)"):
        st.text("\n".join(str(p) for p in cost_problems + figure_problems))
costs = cost_model.with_source_urls(costs, directory.sources)
figures = cost_model.with_source_urls(figures, directory.sources)

# Observed prices: the Find page's current result when it left one, else every provider not closed.
providers = directory.providers
find_ids = ui.last_find_ids()
if find_ids is not None:
    providers = providers[providers["provider_id"].isin(find_ids)]
    scope = f"the {len(providers)} providers in your current Find filter"
else:
    providers = providers[providers["status"].fillna("unknown") != "closed"]
    scope = f"all {len(providers)} providers in the directory that are not marked closed (no Find filter is active)"
behind = cost_model.provider_session_prices(providers, directory.prices)
observed = cost_model.observed_ranges(providers, directory.prices)

query = cost_model.parse_cost_query({k: st.query_params.get(k) for k in ("route", "setting", "provider")})
routes = list(ROUTES)
route = st.selectbox("Route", routes, index=routes.index(query["route"]) if query["route"] else 0,
                     format_func=ROUTES.get, key="costs_route",
                     help="A price counts only under the route its page names; a page that names none is shown as 'route not stated'.")
if route != query["route"]:
    st.query_params["route"] = route

# ----------------------------------------------------------------------------------------------
st.header(f"{ROUTES[route]}: what providers here list")
st.caption(f"From {ui.escape_markdown(scope)}. Each price is shown as its page lists it: a program stays a "
           "program with its sessions, and is never divided into per-session amounts. Whole dollars.")
for_route = behind[behind["route"] == route]
unstated = behind[behind["route"] == "any"]
per_session = observed[(observed["route"] == route) & (observed["unit"] == "session")]
if for_route.empty:
    st.info(f"No observed price for {ROUTES[route]} in the directory. The reference figures below are what is "
            "known; ask providers for their price.", icon=":material/info:")
for _, row in per_session.iterrows():
    names = ", ".join(behind.loc[behind["provider_id"].isin(row["provider_ids"]), "name"].drop_duplicates())
    what = "Insured copay per visit" if row["copay"] else "Per session"
    st.markdown(f"- **{what}, {ui.escape_markdown(CARE_SETTINGS.get(row['care_setting'], ''))}:** "
                f"{cost_model.usd_range(row['min_usd'], row['max_usd'])}, median {cost_model.usd(row['median_usd'])} "
                f"(n={row['n']}: {ui.escape_markdown(names)}) · "
                + " · ".join(ui.source_markdown(u) for u in row["price_source_urls"]))
bundled = for_route[for_route["unit"] != "session"]
if len(bundled):
    st.markdown("**Programs, series, plans and other fees (as listed, not divided):**")
    st.markdown("\n".join(f"- {ui.escape_markdown(r['name'])}: {ui.escape_markdown(r['listed_price'])} "
                          f"({ui.source_markdown(r['price_source_url'])})" for _, r in bundled.sort_values("name").iterrows()))
st.markdown(f"[Open the providers offering {ROUTES[route]} in Find]({_find_link(route)})")
if len(unstated):
    with st.expander(f"Prices whose page names no route ({unstated['provider_id'].nunique()} providers; not counted above)"):
        st.markdown("\n".join(f"- {ui.escape_markdown(r['name'])}: {ui.escape_markdown(r['listed_price'])} "
                              f"({ui.source_markdown(r['price_source_url'])})" for _, r in unstated.sort_values("name").iterrows()))

# ----------------------------------------------------------------------------------------------
st.header("Reference figures")
st.caption("Each labelled as what it is: a Medicare payment is what Medicare pays the clinic, a list price is "
           "the drug alone, and provider-published figures come from ketamine providers' own pages.")
reference = costs[costs["route"].isna() | (costs["route"] == route)]
reference = reference[reference["low_usd"].notna() | (reference["figure_kind"] == "billing_code")]
if reference.empty:
    st.caption("No reference figure for this route.")
for _, row in reference.iterrows():
    citation = cost_model.citation_for(row, directory.sources)
    amount = (f"{cost_model.usd_range(row['low_usd'], row['high_usd'])} {PRICE_UNITS.get(row['unit'], '')} · "
              if pd.notna(row["low_usd"]) else "")
    kind_text = FIGURE_KINDS[row['figure_kind']]
    st.markdown(f"- **{kind_text[0].upper() + kind_text[1:]}:** {amount}"
                f"{ui.escape_markdown(row['summary'])} ({_source_link(citation)})")

# The per-session chart: observed ranges and reference ranges, every route, one row each.
chart_rows = []
for _, row in costs[(costs["unit"] == "session") & costs["low_usd"].notna()].iterrows():
    chart_rows.append({"route": ROUTES.get(row["route"], "Any route"), "kind": REFERENCE,
                       "low": row["low_usd"], "high": row["high_usd"],
                       "text": f"{FIGURE_KINDS[row['figure_kind']]}: {cost_model.usd_range(row['low_usd'], row['high_usd'])}"})
for _, row in observed[(observed["unit"] == "session") & ~observed["copay"]].iterrows():
    chart_rows.append({"route": ROUTES.get(row["route"], "Route not stated"), "kind": OBSERVED,
                       "low": row["min_usd"], "high": row["max_usd"],
                       "text": f"{cost_model.usd_range(row['min_usd'], row['max_usd'])}, n={row['n']}"})
chart_data = pd.DataFrame(chart_rows)
if not chart_data.empty:
    with st.expander("Chart: per-session ranges for every route"):
        kinds = alt.Scale(domain=[REFERENCE, OBSERVED])
        base = alt.Chart(chart_data).encode(
            y=alt.Y("route:N", title=None, axis=alt.Axis(labelLimit=160)), yOffset=alt.YOffset("kind:N", scale=kinds))
        rules = base.mark_rule(strokeWidth=5).encode(
            x=alt.X("low:Q", title="US dollars per session", axis=alt.Axis(format="$,.0f")), x2="high:Q",
            color=alt.Color("kind:N", scale=kinds, legend=alt.Legend(title=None, orient="bottom")),
            strokeDash=alt.StrokeDash("kind:N", scale=alt.Scale(domain=[REFERENCE, OBSERVED], range=[[6, 3], [1, 0]]),
                                      legend=None),
            tooltip=["route:N", "kind:N", "text:N"])
        st.altair_chart(rules.properties(height=alt.Step(18)), width="stretch")
        st.caption("Dashed: reference figures (labelled above). Solid: lowest to highest per-session price listed by "
                   "providers here. Programs and monthly plans are not per-session prices and are not drawn.")

# ----------------------------------------------------------------------------------------------
st.header("My quote")
st.caption("Enter a price a clinic quoted you to see how it compares. It stays in this browser session, and "
           "appears on the provider's call sheet and in the referral packet.")
quote_columns = st.columns(3)
quote_columns[0].text_input("Amount quoted (USD)", key="quote_amount", placeholder="e.g. 450")
unit = quote_columns[1].radio("For", list(cost_model.QUOTE_UNITS), format_func=cost_model.QUOTE_UNITS.get,
                              key="quote_unit")
quote_columns[2].text_input("Sessions included", key="quote_sessions", disabled=unit != "program",
                            placeholder="e.g. 6")
names = dict(zip(directory.providers["provider_id"], directory.providers["name"]))
st.selectbox("Quoted by (optional)", [None] + sorted(names, key=lambda p: str(names[p]).lower()),
             format_func=lambda p: "Not saying" if p is None else names[p], key="quote_provider")


def _compare_quote() -> None:
    # A callback: it runs before the page, so the quote (or the reason it was refused) survives any rerun.
    state = st.session_state
    quote_unit = state.get("quote_unit", "session")
    try:
        quote = cost_model.parse_quote(state.get("quote_amount"), quote_unit,
                                       state.get("quote_sessions") if quote_unit == "program" else None,
                                       state.get("costs_route"), state.get("quote_provider"))
    except cost_model.QuoteError as error:
        state["quote_error"] = str(error)
    else:
        ui.save_quote(quote)


st.button("Compare my quote", icon=":material/compare_arrows:", key="quote_compare", on_click=_compare_quote)
if "quote_error" in st.session_state:  # a refused quote changes nothing: the saved ones stay as they were
    st.warning(f"Cannot compare: {ui.escape_markdown(st.session_state.pop('quote_error'))}.", icon=":material/warning:")
quotes = ui.quotes()
for saved in quotes:
    who = f" from {ui.escape_markdown(names.get(saved.provider_id, saved.provider_id))}" if saved.provider_id else ""
    st.markdown(f"**Your quote{who}:** {ui.escape_markdown(saved.describe())}")
    sessions_default = cost_model.course_default(figures, "induction_sessions", cost_model.INDUCTION_SESSIONS)
    st.markdown("\n".join(f"- {ui.escape_markdown(line)}" for line in
                          cost_model.compare_quote(saved, behind, sessions_default)))

# ----------------------------------------------------------------------------------------------
st.header("Estimate a course")
session_prices = behind[(behind["unit"] == "session") & behind["route"].isin([route, "any"])]
choices = {"reference": "A reference per-session range", "provider": "A provider's per-session price"}
price_from = st.radio("Price from", list(choices), format_func=choices.get, horizontal=True,
                      index=1 if query["provider"] in set(session_prices["provider_id"]) else 0)
sources_used: dict[str, cost_model.Citation] = cost_model.course_sources(figures, directory.sources)
price_low = price_high = None
provider_row = None
price_note = None
per_session_refs = costs[(costs["unit"] == "session") & costs["low_usd"].notna()
                         & (costs["route"].isna() | (costs["route"] == route))]
if price_from == "reference":
    if per_session_refs.empty:
        st.info("No per-session reference figure for this route; pick a provider instead.")
    else:
        picked = st.selectbox("Reference figure", list(per_session_refs.index), format_func=lambda i: (
            f"{FIGURE_KINDS[costs.at[i, 'figure_kind']]}: {cost_model.usd_range(costs.at[i, 'low_usd'], costs.at[i, 'high_usd'])}"
            f" per session ({cost_model.PAYER_CONTEXTS[costs.at[i, 'payer_context']].lower()})"))
        row = costs.loc[picked]
        price_low, price_high = row["low_usd"], row["high_usd"]
        sources_used["price"] = cost_model.citation_for(row, directory.sources)
        price_note = row["summary"]
elif session_prices.empty:
    st.info(f"No provider here lists a per-session price for {ROUTES[route]}. Program prices are shown above as they "
            "are; the estimator never divides them into sessions.")
else:
    ids = list(dict.fromkeys(session_prices.sort_values("name")["provider_id"]))
    picked = st.selectbox("Provider", ids, index=ids.index(query["provider"]) if query["provider"] in ids else 0,
                          format_func=names.get)
    chosen = session_prices[session_prices["provider_id"] == picked]
    price_low, price_high = float(chosen["low_usd"].min()), float(chosen["high_usd"].max())
    provider_row = directory.providers.set_index("provider_id").loc[picked]
    sources_used["price"] = cost_model.Citation(f"{names[picked]}: price page", chosen["price_source_url"].iloc[0])
    price_note = chosen["note"].iloc[0]

columns = st.columns(3)
low_sessions, high_sessions = cost_model.course_range(figures, "induction_sessions")
low_weeks, high_weeks = cost_model.course_range(figures, "maintenance_interval_weeks")
default_sessions = cost_model.course_default(figures, "induction_sessions", cost_model.INDUCTION_SESSIONS)
sessions_count = columns[0].number_input("Induction sessions", min_value=1, max_value=30, step=1, value=default_sessions,
                                         help=f"The documents say {low_sessions:g} to {high_sessions:g}." if low_sessions else None)
interval_options = ["none"] + list(range(1, 13))
default_interval = cost_model.course_default(figures, "maintenance_interval_weeks", cost_model.MAINTENANCE_WEEKS)
interval = columns[1].selectbox("Maintenance interval (weeks)", interval_options,
                                index=interval_options.index(default_interval) if default_interval in interval_options else 0,
                                help=f"The documents say every {low_weeks:g} to {high_weeks:g} weeks." if low_weeks else None)
months = columns[2].number_input("Months", min_value=1, max_value=36, value=12, step=1)
session_rows = figures[figures["parameter"].isin(["induction_sessions", "maintenance_interval_weeks"])]
st.caption(" ".join(f"{ui.escape_markdown(r['summary'])} ({_source_link(cost_model.citation_for(r, directory.sources))})"
                    for _, r in session_rows.iterrows()))
payer = st.radio("Paying", ["self_pay", "insured"], format_func={"self_pay": "Self-pay", "insured": "With insurance"}.get,
                 horizontal=True)
copay = deductible = None
plausible = cost_model.insurance_plausible(route, None if provider_row is None else provider_row.to_dict())
if payer == "insured":
    pay_columns = st.columns(2)
    copay = pay_columns[0].number_input("Copay per session (USD)", min_value=0.0, value=0.0, step=5.0)
    deductible = pay_columns[1].number_input("Deductible left this year (USD)", min_value=0.0, value=0.0, step=50.0)
    st.caption("What a copay is depends on " + "; ".join(cost_model.COPAY_DEPENDS_ON) + ".")
if sessions_count != default_sessions:
    sources_used.pop("sessions", None)
if interval != default_interval:
    sources_used.pop("maintenance_weeks", None)


def _estimate(paying: str):
    return cost_model.estimate_course(
        float(price_low), None if price_high is None or pd.isna(price_high) else float(price_high),
        sessions=int(sessions_count), maintenance_weeks=None if interval == "none" else int(interval), months=int(months),
        payer=paying, copay_per_session=copay if paying == "insured" else None,
        deductible_left=deductible if paying == "insured" else None,
        induction_weeks=cost_model.course_default(figures, "induction_weeks", cost_model.INDUCTION_WEEKS), sources=sources_used)


if price_low is not None and not pd.isna(price_low):
    try:
        self_pay = _estimate("self_pay")
        insured = _estimate("insured") if payer == "insured" else None
    except cost_model.CostInputError as error:
        st.warning(f"Cannot estimate: {ui.escape_markdown(str(error))}.")
    else:
        price_link = _source_link(sources_used["price"])
        if insured is not None and not plausible:
            st.warning(f"Insurance rarely covers off-label ketamine ({ROUTES[route]}), and this provider's pages state "
                       "no insurance it takes. Plan on the self-pay figure; the insured figure applies only if your plan "
                       "confirms coverage.", icon=":material/warning:")
        shown = [("Self-pay", self_pay)] + ([("If your plan covers it", insured)] if insured is not None else [])
        for column, (label, estimate) in zip(st.columns(len(shown)), shown):
            column.markdown(f"**{label}**")
            column.markdown(f"Induction ({int(sessions_count)} sessions): "
                            f"{ui.escape_markdown(cost_model.usd_range(estimate.induction_low, estimate.induction_high))}")
            column.markdown(f"First {estimate.months} months ({estimate.maintenance_sessions} maintenance sessions): "
                            f"{ui.escape_markdown(cost_model.usd_range(estimate.first_year_low, estimate.first_year_high))}")
        st.caption(f"Price from {price_link}.")
        st.code("\n".join((insured or self_pay).arithmetic), language=None, wrap_lines=True)
        st.markdown("**Inputs and their sources**")
        st.markdown("\n".join(f"- {ui.escape_markdown(i.name)}: {ui.escape_markdown(i.value)} — {_source_link(i.source)}"
                              for i in (insured or self_pay).inputs))
if price_note:
    st.markdown(f"What the price covers: {ui.escape_markdown(price_note)} ({_source_link(sources_used['price'])})")
st.markdown("**Ask the provider about costs the listed price may not include:** " +
            ", ".join(ui.escape_markdown(item) for item in ASK_ABOUT) + ".")

# ----------------------------------------------------------------------------------------------
st.header("Insurance and other ways to pay")
context = costs[costs["low_usd"].isna() & costs["unit"].isna() & (costs["figure_kind"] != "billing_code")]
for _, row in context.iterrows():
    citation = cost_model.citation_for(row, directory.sources)
    st.markdown(f"- {ui.escape_markdown(row['summary'])} ({_source_link(citation)})")
st.markdown(f"In this directory, {int((providers['hsa_fsa'] == 'yes').sum())} provider(s) say they accept HSA/FSA funds, "
            f"{int((providers['superbill'] == 'yes').sum())} say they give a superbill (a receipt you can send to your insurer "
            f"for out-of-network reimbursement), and {int((providers['spravato_covered_by_insurance'] == 'yes').sum())} say "
            "they bill Spravato to insurance. Not stated is not the same as no.")
