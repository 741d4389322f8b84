"""Costs: the source documents' price ranges beside what providers in this directory list, the
insurance context, and a course estimator. Every figure links to its source."""

from __future__ import annotations

from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st

import ui
from vetting import costs as cost_model
from vetting.prices import per_session_prices
from vetting.vocab import CARE_SETTINGS, ROUTES, split_list

ui.ensure_app()

ASK_ABOUT = ("consultation or intake visit", "integration sessions", "booster (maintenance) pricing",
             "cancellation and refund terms")
DOCUMENTS = "Source documents"
OBSERVED = "Providers in this directory"


@st.cache_data(show_spinner=False)
def _cost_data(folder: str, fingerprint: tuple):
    return cost_model.load_costs(folder), cost_model.load_course_figures(folder)


def _fingerprint(folder: str) -> tuple:
    names = (cost_model.COSTS_FILE, cost_model.COURSE_FILE, "sources.csv")
    return tuple((Path(folder) / n).stat().st_mtime_ns if (Path(folder) / n).exists() else 0 for n in names)


def _label(route, setting) -> str:
    route_text = ROUTES.get(route, "Any route") if isinstance(route, str) else "Any route"
    setting_text = CARE_SETTINGS.get(setting, "Any setting") if isinstance(setting, str) else "Any setting"
    return f"{route_text} · {setting_text}"


def _money(value) -> str:
    return "" if pd.isna(value) else cost_model.usd(value)


def _find_link(route: str, setting: str) -> str:
    # Find is the default page, served at the app's root ("/find" would say "page not found").
    return f"./?route={route}&setting={setting}"


def _source_link(citation: cost_model.Citation) -> str:
    return ui.source_markdown(citation.url, citation.label) if citation.url else ui.escape_markdown(citation.label)


st.title("Costs")
st.caption("What the source documents say treatment costs, what providers in this directory list, and what a "
           "course might add up to. Every figure links to where it comes from. Prices change: confirm with the provider.")

directory = ui.directory()
folder = ui.data_dir()
(costs, cost_problems), (figures, figure_problems) = _cost_data(folder, _fingerprint(folder))
if cost_problems or figure_problems:
    with st.expander(f"{len(cost_problems) + len(figure_problems)} problem(s) in the cost files (those rows are not shown)"):
        st.text("\n".join(str(p) for p in cost_problems + figure_problems))
costs = cost_model.with_source_urls(costs, directory.sources)
figures = cost_model.with_source_urls(figures, directory.sources)

# Observed prices: the Find page's current result when it left one, else every provider not closed.
providers = directory.providers
find_ids = st.session_state.get("find_provider_ids")
if isinstance(find_ids, (list, tuple, set, frozenset, pd.Series)):
    providers = providers[providers["provider_id"].isin(list(find_ids))]
    scope = f"the {len(providers)} providers in your current Find filter"
else:
    providers = providers[providers["status"].fillna("unknown") != "closed"]
    scope = f"all {len(providers)} providers in the directory that are not marked closed (no Find filter is active)"
observed = cost_model.observed_ranges(providers)
behind = cost_model.provider_session_prices(providers)

# ----------------------------------------------------------------------------------------------
st.header("Price per session: documents and providers")
st.markdown(f"Observed ranges use {ui.escape_markdown(scope)}. A provider offering several routes counts under "
            "each of them, because its price does not say which route it is for. Series and programme prices are "
            "divided by the sessions they cover; monthly prices have no per-session figure and are left out of the chart.")

per_session_docs = costs[(costs["unit"] == "session") & costs["low_usd"].notna()]
chart_rows = []
for _, row in per_session_docs.iterrows():
    payer = cost_model.PAYER_CONTEXTS[row["payer_context"]].lower()
    chart_rows.append({"group": _label(row["route"], row["care_setting"]), "kind": DOCUMENTS,
                       "low": row["low_usd"], "high": row["high_usd"], "median": None,
                       "text": f"documents {cost_model.usd_range(row['low_usd'], row['high_usd'])} ({payer})"})
for _, row in observed[observed["n"] > 0].iterrows():
    chart_rows.append({"group": _label(row["route"], row["care_setting"]), "kind": OBSERVED,
                       "low": row["min_usd"], "high": row["max_usd"], "median": row["median_usd"],
                       "text": f"providers {cost_model.usd_range(row['min_usd'], row['max_usd'])}, "
                               f"median {cost_model.usd(row['median_usd'])}, n={row['n']}"})
chart_data = pd.DataFrame(chart_rows)
if chart_data.empty:
    st.info("No per-session figures to chart.")
else:
    kind_scale = alt.Scale(domain=[DOCUMENTS, OBSERVED])
    legend = alt.Legend(title="Range from", orient="bottom")
    # Room on the right for the text labels that follow each range.
    x_scale = alt.Scale(domain=[0, float(chart_data["high"].max()) * 2.2])
    base = alt.Chart(chart_data).encode(
        y=alt.Y("group:N", title=None, sort=sorted(chart_data["group"].unique()), axis=alt.Axis(labelLimit=320)),
        yOffset=alt.YOffset("kind:N", scale=kind_scale),
    )
    x = alt.X("low:Q", title="US dollars per session", scale=x_scale, axis=alt.Axis(format="$,.0f"))
    rules = base.mark_rule(strokeWidth=4).encode(
        x=x, x2="high:Q", color=alt.Color("kind:N", scale=kind_scale, legend=legend),
        strokeDash=alt.StrokeDash("kind:N", scale=alt.Scale(domain=[DOCUMENTS, OBSERVED], range=[[6, 3], [1, 0]]), legend=legend))
    ends = base.transform_fold(["low", "high"], as_=["end", "usd"]).mark_point(size=70, filled=True, opacity=1).encode(
        x=alt.X("usd:Q", scale=x_scale), color=alt.Color("kind:N", scale=kind_scale, legend=legend),
        shape=alt.Shape("kind:N", scale=alt.Scale(domain=[DOCUMENTS, OBSERVED], range=["square", "circle"]), legend=legend))
    medians = base.transform_filter("isValid(datum.median)").mark_point(
        shape="diamond", size=150, filled=True, color="black", opacity=1).encode(
        x=alt.X("median:Q", scale=x_scale), tooltip=[alt.Tooltip("median:Q", title="median (USD per session)", format="$,.0f")])
    labels = base.mark_text(align="left", dx=8, fontSize=11, color="#31333f").encode(
        x=alt.X("high:Q", scale=x_scale), text="text:N")
    chart = (rules + ends + medians + labels).properties(height=alt.Step(22))
    st.altair_chart(chart, width="stretch")
    st.caption("Dashed line with squares: the source documents' range. Solid line with circles: lowest to highest "
               "per-session price listed by providers here; black diamond: their median; n: how many providers.")

st.subheader("Figures from the source documents")
docs_table = pd.DataFrame({
    "Route": [_label(r, None).split(" · ")[0] for r in costs["route"]],
    "Setting": [CARE_SETTINGS.get(s, "Any setting") if isinstance(s, str) else "Any setting" for s in costs["care_setting"]],
    "Low (USD)": costs["low_usd"], "High (USD)": costs["high_usd"],
    "Unit": costs["unit"].map(lambda u: f"per {u}" if isinstance(u, str) else "no number given"),
    "Payer": costs["payer_context"].map(cost_model.PAYER_CONTEXTS),
    "What the document says": costs["summary"],
    "Document": costs["source_title"], "Section": costs["section"], "Source": costs["source_url"],
})
money = st.column_config.NumberColumn(format="$%,.0f")
st.dataframe(docs_table, hide_index=True, column_config={
    "Low (USD)": money, "High (USD)": money,
    "Source": st.column_config.LinkColumn("Source", display_text=r"https?://(?:www\.)?(.+)"),
})

st.subheader("Observed in this directory (per session)")
observed_table = pd.DataFrame({
    "Route": observed["route"].map(ROUTES), "Setting": observed["care_setting"].map(CARE_SETTINGS),
    "Min (USD)": observed["min_usd"], "Median (USD)": observed["median_usd"], "Max (USD)": observed["max_usd"],
    "n": observed["n"], "Priced per month (not counted)": observed["n_unconverted"],
    "Providers": [_find_link(r, s) for r, s in zip(observed["route"], observed["care_setting"])],
    "Price pages": observed["price_source_urls"],
})
st.dataframe(observed_table, hide_index=True, column_config={
    "Min (USD)": money, "Median (USD)": money, "Max (USD)": money,
    "Providers": st.column_config.LinkColumn("Providers", display_text="open in Find"),
    "Price pages": st.column_config.ListColumn("Price pages (sources)"),
})
with st.expander(f"Provider prices behind these ranges ({behind['provider_id'].nunique()} providers)"):
    st.caption("Sorted by route, then care setting, then provider name (alphabetical). The price is as listed; "
               "a possibly stale price was last checked over a year ago.")
    behind_table = behind.assign(
        route=behind["route"].map(lambda r: ROUTES.get(r, "not stated") if isinstance(r, str) else "not stated"),
        care_setting=behind["care_setting"].map(CARE_SETTINGS),
    ).sort_values(["route", "care_setting", "name"])
    st.dataframe(behind_table[["name", "route", "care_setting", "listed_price", "low_usd", "high_usd", "price_basis",
                               "possibly_stale", "price_source_url"]],
                 hide_index=True, column_config={
                     "name": "Provider", "route": "Route", "care_setting": "Setting", "listed_price": "Listed price",
                     "low_usd": st.column_config.NumberColumn("Per session, low", format="$%,.2f"),
                     "high_usd": st.column_config.NumberColumn("Per session, high", format="$%,.2f"),
                     "price_basis": "How the per-session figure was derived", "possibly_stale": "Possibly stale",
                     "price_source_url": st.column_config.LinkColumn("Price source"),
                 })

# ----------------------------------------------------------------------------------------------
st.header("Insurance and other ways to pay")
context = costs[costs["low_usd"].isna() & costs["unit"].isna()]
for _, row in context.iterrows():
    citation = cost_model.citation_for(row, directory.sources)
    st.markdown(f"- {ui.escape_markdown(row['summary'])} ({_source_link(citation)})")
st.markdown("- The source documents do not mention prior authorization; ask your insurer whether Spravato needs it "
            "and which records of earlier treatments they want.")
payment = providers[(providers["hsa_fsa"] == "yes") | (providers["superbill"] == "yes") |
                    (providers["spravato_covered_by_insurance"] == "yes")]
st.markdown(f"In this directory, {int((providers['hsa_fsa'] == 'yes').sum())} provider(s) say they accept HSA/FSA funds, "
            f"{int((providers['superbill'] == 'yes').sum())} say they give a superbill (a receipt you can send to your insurer "
            f"for out-of-network reimbursement), and {int((providers['spravato_covered_by_insurance'] == 'yes').sum())} say "
            "they bill Spravato to insurance. Not stated is not the same as no.")
if len(payment):
    rows = []
    for _, provider in payment.sort_values("name").iterrows():
        for url in split_list(provider["source_urls"]) or [None]:
            rows.append({"Provider": provider["name"], "HSA/FSA": provider["hsa_fsa"] or "not stated",
                         "Superbill": provider["superbill"] or "not stated",
                         "Spravato billed to insurance": provider["spravato_covered_by_insurance"] or "not stated",
                         "Source": url})
    with st.expander("Providers that state a payment option (one row per page their facts come from; sorted by name)"):
        st.dataframe(pd.DataFrame(rows), hide_index=True,
                     column_config={"Source": st.column_config.LinkColumn("Source")})

# ----------------------------------------------------------------------------------------------
st.header("Estimate a course")
query = cost_model.parse_cost_query({k: st.query_params.get(k) for k in ("route", "setting", "provider")})
choices = [("documents", "The source documents' range for a route and setting"), ("provider", "A provider's listed price")]
priced_providers = providers[providers["price_unit"].isin(["session", "month"]) |
                             providers["price_unit"].isin(["series", "program"]) & providers["price_sessions"].notna()]
priced_providers = priced_providers[priced_providers["price_low_usd"].notna()].sort_values("name")
start_with_provider = query["provider"] in set(priced_providers["provider_id"])
price_from = st.radio("Price from", [c[0] for c in choices], format_func=dict(choices).get,
                      index=1 if start_with_provider else 0, horizontal=True)

sources_used: dict[str, cost_model.Citation] = cost_model.course_sources(figures, directory.sources)
price_low = price_high = None
price_unit = "session"
price_note = None
if price_from == "documents":
    if per_session_docs.empty:
        st.info("The cost file has no per-session figure; pick a provider instead.")
    else:
        options = list(per_session_docs.index)
        preferred = cost_model.reference_price(costs, query["route"], query["setting"]) if query["route"] else None
        index = options.index(preferred.name) if preferred is not None and preferred.name in options else 0
        picked = st.selectbox("Route and setting", options, index=index, format_func=lambda i: (
            f"{_label(costs.at[i, 'route'], costs.at[i, 'care_setting'])}: "
            f"{cost_model.usd_range(costs.at[i, 'low_usd'], costs.at[i, 'high_usd'])} per session "
            f"({cost_model.PAYER_CONTEXTS[costs.at[i, 'payer_context']].lower()})"))
        row = costs.loc[picked]
        price_low, price_high = row["low_usd"], row["high_usd"]
        sources_used["price"] = cost_model.citation_for(row, directory.sources)
        price_note = row["summary"]
        if row["payer_context"] == "insured":
            st.caption("This figure is already what insured patients paid at one provider; choose self-pay below so "
                       "insurance is not counted twice.")
elif priced_providers.empty:
    st.info("No provider in the current selection lists a per-session, per-month or convertible series price.")
else:
    ids = list(priced_providers["provider_id"])
    picked = st.selectbox("Provider", ids, index=ids.index(query["provider"]) if start_with_provider else 0,
                          format_func=lambda pid: priced_providers.set_index("provider_id").at[pid, "name"])
    provider = priced_providers.set_index("provider_id").loc[picked]
    converted = per_session_prices(priced_providers[priced_providers["provider_id"] == picked]).iloc[0]
    if provider["price_unit"] == "month":
        price_low, price_high, price_unit = provider["price_low_usd"], provider["price_high_usd"], "month"
    else:
        price_low, price_high = converted["price_per_session_low"], converted["price_per_session_high"]
    basis = converted["price_basis"]
    sources_used["price"] = cost_model.Citation(f"{provider['name']}: price page ({basis})", provider["price_source_url"])
    price_note = provider["price_note"]

if "price" in sources_used:
    st.caption(f"Price source: {_source_link(sources_used['price'])}")

low_sessions, high_sessions = cost_model.course_range(figures, "induction_sessions")
low_weeks, high_weeks = cost_model.course_range(figures, "maintenance_interval_weeks")
session_rows = figures[figures["parameter"] == "induction_sessions"]
maintenance_rows = figures[figures["parameter"] == "maintenance_interval_weeks"]
columns = st.columns(3)
sessions = columns[0].number_input(
    "Induction sessions", min_value=1, max_value=30, step=1,
    value=cost_model.course_default(figures, "induction_sessions", cost_model.INDUCTION_SESSIONS),
    help=f"The documents say {low_sessions:g} to {high_sessions:g}." if low_sessions else None)
interval_options = ["none"] + list(range(1, 13))
default_interval = cost_model.course_default(figures, "maintenance_interval_weeks", cost_model.MAINTENANCE_WEEKS)
interval = columns[1].selectbox("Maintenance interval (weeks)", interval_options,
                                index=interval_options.index(default_interval) if default_interval in interval_options else 0,
                                help=f"The documents say every {low_weeks:g} to {high_weeks:g} weeks." if low_weeks else None)
months = columns[2].number_input("Months", min_value=1, max_value=36, value=12, step=1)
st.caption(" ".join(f"{ui.escape_markdown(r['summary'])} ({_source_link(cost_model.citation_for(r, directory.sources))})"
                    for _, r in pd.concat([session_rows, maintenance_rows]).iterrows()))
payer = st.radio("Paying", ["self_pay", "insured"], format_func={"self_pay": "Self-pay", "insured": "With insurance"}.get,
                 horizontal=True)
copay = deductible = None
if payer == "insured":
    pay_columns = st.columns(2)
    copay = pay_columns[0].number_input("Copay per session (USD)", min_value=0.0, value=0.0, step=5.0)
    deductible = pay_columns[1].number_input("Deductible left this year (USD)", min_value=0.0, value=0.0, step=50.0)
if sessions != cost_model.course_default(figures, "induction_sessions", cost_model.INDUCTION_SESSIONS):
    sources_used.pop("sessions", None)
if interval != default_interval:
    sources_used.pop("maintenance_weeks", None)

if price_low is not None and not pd.isna(price_low):
    try:
        estimate = cost_model.estimate_course(
            float(price_low), None if price_high is None or pd.isna(price_high) else float(price_high),
            sessions=int(sessions), maintenance_weeks=None if interval == "none" else int(interval), months=int(months),
            payer=payer, copay_per_session=copay, deductible_left=deductible, price_unit=price_unit,
            induction_weeks=cost_model.course_default(figures, "induction_weeks", cost_model.INDUCTION_WEEKS),
            sources=sources_used)
    except cost_model.CostInputError as error:
        st.warning(f"Cannot estimate: {ui.escape_markdown(str(error))}.")
    else:
        price_link = _source_link(sources_used["price"])
        if estimate.induction_low is None:
            st.markdown("**Induction:** no separate figure, the price is per month.")
        else:
            st.markdown(f"**Induction ({int(sessions)} sessions):** "
                        f"{ui.escape_markdown(cost_model.usd_range(estimate.induction_low, estimate.induction_high))} "
                        f"· price from {price_link}")
        st.markdown(f"**First {estimate.months} months** ({estimate.maintenance_sessions} maintenance sessions): "
                    f"{ui.escape_markdown(cost_model.usd_range(estimate.first_year_low, estimate.first_year_high))} "
                    f"· price from {price_link}")
        st.code("\n".join(estimate.arithmetic), language=None, wrap_lines=True)
        st.markdown("**Inputs and their sources**")
        st.markdown("\n".join(f"- {ui.escape_markdown(i.name)}: {ui.escape_markdown(i.value)} — {_source_link(i.source)}"
                              for i in estimate.inputs))
if price_note:
    st.markdown(f"What the price includes, as the source puts it: {ui.escape_markdown(price_note)} "
                f"({_source_link(sources_used['price'])})")
st.markdown("**Ask the provider about costs the listed price may not include:** " +
            ", ".join(ui.escape_markdown(item) for item in ASK_ABOUT) + ".")
