"""Cost figures from the source documents, observed provider prices, and a course estimate.

- `load_costs(data_dir)`: data/costs.csv, the cost and coverage figures of DOMAIN.md §5, one row
  each, with the source document (`source_id`) and the section it is in.
- `load_course_figures(data_dir)`: data/course_defaults.csv, the documents' course lengths
  (induction sessions and weeks, maintenance interval) with the estimator's defaults.
- `observed_ranges(providers)`: what providers in the directory charge per session, by route and
  care setting.
- `estimate_course(...)`: the cost of an induction series and of a first year, as a low-high
  range with the arithmetic written out.

Pure: no streamlit, no network.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Iterable, Mapping

import pandas as pd

from .loader import LINE, Problem, read_rows, validate_frame
from .prices import STALE_AFTER_DAYS, describe_price, money, money_range
from .schemas import COURSE_PARAMETERS, PAYER_CONTEXTS
from .vocab import CARE_SETTINGS, PRICE_UNITS, ROUTES, split_list

COSTS_FILE = "costs.csv"
COURSE_FILE = "course_defaults.csv"
WEEKS_PER_YEAR = 52

# Used when data/course_defaults.csv cannot be read; a test keeps them equal to the file's defaults.
INDUCTION_SESSIONS = 6
INDUCTION_WEEKS = 3
MAINTENANCE_WEEKS = 4



def known_source_ids(data_dir: str | Path) -> set[str]:
    """The `source_id`s in data/sources.csv (the four seed documents)."""
    path = Path(data_dir) / "sources.csv"
    if not path.exists():
        return set()
    frame = read_rows(path, [])
    if "source_id" not in frame.columns:
        return set()
    return {value for value in frame["source_id"] if value}


def _validate(name: str, frame: pd.DataFrame, source_ids: set[str], problems: list[Problem]) -> pd.DataFrame:
    """Validate rows against the file's model (the loader's rules and messages), then check that
    each row cites a known source document."""
    frame = validate_frame(name, frame, problems)
    unknown = ~frame["source_id"].isin(source_ids)
    for index in frame.index[unknown]:
        problems.append(Problem(name, int(frame.at[index, LINE]), "source_id",
                                f"source {frame.at[index, 'source_id']!r} is not a source_id in sources.csv; row set aside"))
    return frame[~unknown].reset_index(drop=True)


def _load(name: str, data_dir: str | Path) -> tuple[pd.DataFrame, list[Problem]]:
    problems: list[Problem] = []
    path = Path(data_dir) / name
    if not path.exists():
        problems.append(Problem(name, 0, "", "file not found"))
        return _validate(name, pd.DataFrame(), set(), problems), problems
    frame = _validate(name, read_rows(path, problems), known_source_ids(data_dir), problems)
    problems.sort(key=lambda p: p.line)
    return frame, problems


def load_costs(data_dir: str | Path) -> tuple[pd.DataFrame, list[Problem]]:
    """data/costs.csv validated (CostSchema + known source_id); bad rows are reported, not loaded."""
    return _load(COSTS_FILE, data_dir)


def load_course_figures(data_dir: str | Path) -> tuple[pd.DataFrame, list[Problem]]:
    """data/course_defaults.csv validated (CourseFigureSchema + known source_id); a parameter
    with more than one default row is reported on the later rows."""
    frame, problems = _load(COURSE_FILE, data_dir)
    defaults = frame[frame["default"].notna()]
    for index in defaults.index[defaults.duplicated("parameter", keep="first")]:
        problems.append(Problem(COURSE_FILE, int(frame.at[index, LINE]), "default",
                                f"a second default for {frame.at[index, 'parameter']!r}; only the first is used"))
    return frame, problems


def course_default(figures: pd.DataFrame, parameter: str, fallback: int) -> int:
    """The default count for a course parameter (the first row that has one), else `fallback`."""
    rows = figures[(figures["parameter"] == parameter) & figures["default"].notna()]
    return int(rows["default"].iloc[0]) if len(rows) else fallback


def course_range(figures: pd.DataFrame, parameter: str) -> tuple[float | None, float | None]:
    """The widest low-high the documents give for a parameter (None where none is given)."""
    rows = figures[figures["parameter"] == parameter]
    low, high = rows["low"].min(), rows["high"].max()
    return (None if pd.isna(low) else float(low), None if pd.isna(high) else float(high))


def with_source_urls(frame: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """Add `source_url`, `source_title` and `publisher` from sources.csv, matched on `source_id`."""
    lookup = (sources[sources["source_id"].notna()]
              .drop_duplicates("source_id")
              .set_index("source_id")[["source_url", "title", "publisher"]]
              .rename(columns={"title": "source_title"}))
    return frame.join(lookup, on="source_id")


# ---------------------------------------------------------------------------------------------
# Observed prices


INSURED_COPAY = "insured_copay"


def provider_session_prices(providers: pd.DataFrame, prices: pd.DataFrame) -> pd.DataFrame:
    """One row per price a page shows (data/prices.csv), with the provider's name and care setting
    and the price in words. Each row stays under its own route and unit: nothing is divided or
    copied to another route. These rows are behind `observed_ranges`."""
    columns = ["provider_id", "name", "route", "care_setting", "unit", "sessions_included", "listed_price",
               "low_usd", "high_usd", "payer", "note", "possibly_stale", "price_source_url"]
    if prices is None or prices.empty:
        return pd.DataFrame(columns=columns)
    joined = prices.merge(providers[["provider_id", "name", "care_setting"]], on="provider_id", how="inner")
    if joined.empty:
        return pd.DataFrame(columns=columns)
    checked = pd.to_datetime(joined["checked_on"], format="%Y-%m-%d", errors="coerce")
    today = pd.Timestamp.today().normalize()
    return pd.DataFrame({
        "provider_id": joined["provider_id"], "name": joined["name"], "route": joined["route"],
        "care_setting": joined["care_setting"], "unit": joined["unit"],
        "sessions_included": joined["sessions_included"],
        "listed_price": [describe_price(row) for _, row in joined.iterrows()],
        "low_usd": joined["low_usd"].fillna(joined["high_usd"]),
        "high_usd": joined["high_usd"].fillna(joined["low_usd"]),
        "payer": joined["payer"], "note": joined["note"],
        "possibly_stale": ((today - checked).dt.days > STALE_AFTER_DAYS).to_numpy(),
        "price_source_url": joined["source_url"],
    }, columns=columns)


def observed_ranges(providers: pd.DataFrame, prices: pd.DataFrame) -> pd.DataFrame:
    """What providers' pages show, per route x care setting x unit, as listed.

    A price counts only under the route its page gives (`any` when the page names none) and only
    under its own unit: a program price is a program price, never a per-session figure, and an
    insured copay (`copay` True) is never pooled with prices. Per
    group: `min_usd` the lowest low, `max_usd` the highest high, `median_usd` the median of the
    rows' midpoints ((low + high) / 2), `n` the number of providers, `sessions_included` the
    distinct session counts of series and programs, `provider_ids` and `price_source_urls` where
    each figure comes from. Amounts are whole dollars as shown.
    """
    columns = ["route", "care_setting", "unit", "copay", "min_usd", "median_usd", "max_usd", "n", "sessions_included",
               "provider_ids", "price_source_urls"]
    long = provider_session_prices(providers, prices)
    # What an insured patient pays is not the clinic's price: copays form their own groups.
    long = long.assign(copay=long["payer"].eq(INSURED_COPAY))
    out = []
    for (route, setting, unit, copay), group in long.groupby(["route", "care_setting", "unit", "copay"], sort=True):
        midpoints = (group["low_usd"] + group["high_usd"]) / 2
        out.append({
            "route": route, "care_setting": setting, "unit": unit, "copay": bool(copay),
            "min_usd": float(group["low_usd"].min()), "median_usd": float(midpoints.median()),
            "max_usd": float(group["high_usd"].max()), "n": int(group["provider_id"].nunique()),
            "sessions_included": sorted(int(n) for n in group["sessions_included"].dropna().unique()),
            "provider_ids": list(dict.fromkeys(group["provider_id"])),
            "price_source_urls": sorted(set(group["price_source_url"].dropna())),
        })
    return pd.DataFrame(out, columns=columns)


# ---------------------------------------------------------------------------------------------
# Course estimate


class CostInputError(ValueError):
    """An estimate input that cannot be used; the message says which and why."""


@dataclass(frozen=True)
class Citation:
    """Where an input comes from: a label a person reads, and a link when there is one."""

    label: str
    url: str | None = None


ENTERED = Citation("entered by you")


@dataclass(frozen=True)
class EstimateInput:
    name: str
    value: str
    source: Citation


@dataclass
class CourseEstimate:
    induction_low: float | None  # None for a monthly price (no per-session figure)
    induction_high: float | None
    maintenance_sessions: int
    first_year_low: float
    first_year_high: float
    months: int
    payer: str
    arithmetic: list[str] = field(default_factory=list)
    inputs: list[EstimateInput] = field(default_factory=list)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["sources"] = [{"input": i.name, "value": i.value, "source": i.source.label, "url": i.source.url}
                           for i in self.inputs]
        del data["inputs"]
        return data


def usd(amount: float) -> str:
    """Whole dollars ("$1,234"): the one money format (vetting.prices.money)."""
    return money(float(amount))


def usd_range(low: float, high: float) -> str:
    """"$400 to $1,200", or one figure when low and high round to the same dollar."""
    return usd(low) if round(low) == round(high) else f"{usd(low)} to {usd(high)}"


def maintenance_session_count(months: int, maintenance_weeks: int | None, induction_weeks: int = INDUCTION_WEEKS) -> int:
    """floor((weeks in `months` - induction weeks) / maintenance interval); 0 without maintenance.

    Weeks in `months` = months x 52 / 12, computed exactly (a 12-month year is 52 weeks).
    """
    if maintenance_weeks is None:
        return 0
    remaining = Fraction(months * WEEKS_PER_YEAR, 12) - induction_weeks
    return max(0, math.floor(remaining / maintenance_weeks))


def insured_share(price: float, sessions: int, copay: float, deductible_left: float) -> tuple[float, int]:
    """What the patient pays for `sessions` at `price`, and how many sessions carry a copay.

    The model: sessions are billed in order at the listed price. Until the deductible is used up
    the patient pays the full price; the session in which it runs out is paid up to the deductible
    (the rest is the insurer's). Every session that starts after it is used up costs the copay.
    So: pays min(total, deductible_left) + copay x (sessions after the deductible is used), and a
    deductible at or above the total means the patient pays the total.
    """
    total = price * sessions
    if deductible_left >= total:
        return total, 0
    sessions_in_deductible = math.ceil(deductible_left / price) if price > 0 else 0
    after = sessions - sessions_in_deductible
    return deductible_left + copay * after, after


def _check_inputs(price_low, price_high, sessions, maintenance_weeks, months, payer, copay, deductible, unit, fees, induction_weeks):
    if price_low is None or (isinstance(price_low, float) and math.isnan(price_low)):
        raise CostInputError("a low price is needed")
    numbers = {"low price": price_low, "high price": price_high, "copay per session": copay, "deductible left": deductible}
    for label, value in numbers.items():
        if value is not None and not (isinstance(value, float) and math.isnan(value)):
            if not math.isfinite(value) or value < 0:
                raise CostInputError(f"{label} must be a number of dollars, 0 or more (got {value})")
    if price_high is not None and not math.isnan(price_high) and price_high < price_low:
        raise CostInputError(f"the low price ({usd(price_low)}) is above the high price ({usd(price_high)})")
    if unit not in ("session", "month"):
        raise CostInputError(f"a price per {unit} must first be converted to a per-session price (sessions it covers)")
    for label, value in {"sessions": sessions, "months": months, "induction weeks": induction_weeks}.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise CostInputError(f"{label} must be a whole number, 1 or more (got {value})")
    if maintenance_weeks is not None and (not isinstance(maintenance_weeks, int) or maintenance_weeks < 1):
        raise CostInputError(f"maintenance interval must be a whole number of weeks, 1 or more, or none (got {maintenance_weeks})")
    if payer not in ("self_pay", "insured"):
        raise CostInputError(f"payer must be self_pay or insured (got {payer!r})")
    if payer == "insured" and unit == "month":
        raise CostInputError("the insured model needs a per-session price: a monthly price does not say how many sessions it covers")
    for fee in fees:
        if len(fee) != 3 or not math.isfinite(fee[1]) or fee[1] < 0:
            raise CostInputError(f"a fee needs a label, an amount of 0 or more and a source (got {fee!r})")


def estimate_course(price_low: float, price_high: float | None = None, sessions: int = INDUCTION_SESSIONS,
                    maintenance_weeks: int | None = MAINTENANCE_WEEKS, months: int = 12, payer: str = "self_pay",
                    copay_per_session: float | None = None, deductible_left: float | None = None,
                    extra_fees: Iterable[tuple[str, float, Citation | str]] = (), price_unit: str = "session",
                    induction_weeks: int = INDUCTION_WEEKS,
                    sources: Mapping[str, Citation] | None = None) -> CourseEstimate:
    """The cost of the induction series and of the first `months`, as a low-high range.

    Definitions:
    - induction = sessions x per-session price (low and high price separately);
    - maintenance sessions = floor((months x 52 / 12 weeks - induction weeks) / maintenance
      interval), 0 when `maintenance_weeks` is None; induction weeks default to the documents' 3;
    - first year = induction + maintenance sessions x price + known fees (`extra_fees`, each
      (label, amount, source), paid by the patient);
    - a missing high price is taken as the low price;
    - insured: the sessions go through `insured_share` (deductible, then copay per session);
      an empty copay or deductible is taken as $0;
    - a per-month price (`price_unit="month"`) is never mixed with session prices: first year =
      months x monthly price (+ fees) and the induction has no separate figure.
    `sources` maps "price", "sessions", "maintenance_weeks", "induction_weeks", "months", "copay"
    and "deductible" to citations;
    an input without one is cited as entered by the user. Raises CostInputError for unusable input.
    """
    extra_fees = list(extra_fees)
    if price_high is not None and isinstance(price_high, float) and math.isnan(price_high):
        price_high = None
    _check_inputs(price_low, price_high, sessions, maintenance_weeks, months, payer, copay_per_session,
                  deductible_left, price_unit, extra_fees, induction_weeks)
    sources = dict(sources or {})
    cite = lambda key: sources.get(key, ENTERED)  # noqa: E731
    lines: list[str] = []
    price_low = float(price_low)
    if price_high is None:
        price_high = price_low
        lines.append(f"No high price given: the high end uses the low price ({usd(price_low)}).")
    price_high = float(price_high)
    per = "month" if price_unit == "month" else "session"
    inputs = [EstimateInput(f"price per {per}", usd_range(price_low, price_high), cite("price"))]
    fees_total = sum(float(amount) for _, amount, _ in extra_fees)
    for label, amount, source in extra_fees:
        citation = source if isinstance(source, Citation) else Citation(str(source))
        inputs.append(EstimateInput(f"fee: {label}", usd(amount), citation))
    fee_text = f" + {usd(fees_total)} fees" if extra_fees else ""

    if price_unit == "month":
        lines.append(f"Monthly price: the first {months} months cost {months} x the monthly price; "
                     "no per-session figure exists, so the induction is not priced separately.")
        first_low = months * price_low + fees_total
        first_high = months * price_high + fees_total
        lines.append(f"First {months} months: {months} x {usd(price_low)}{fee_text} = {usd(first_low)}; "
                     f"{months} x {usd(price_high)}{fee_text} = {usd(first_high)}")
        inputs.append(EstimateInput("months", str(months), cite("months")))
        return CourseEstimate(None, None, 0, first_low, first_high, months, payer, lines, inputs)

    inputs.append(EstimateInput("induction sessions", str(sessions), cite("sessions")))
    inputs.append(EstimateInput("induction weeks", str(induction_weeks),
                                sources.get("induction_weeks", Citation("default: the documents' 2 to 3 weeks, longer end (data/course_defaults.csv)"))))
    inputs.append(EstimateInput("maintenance interval", "none" if maintenance_weeks is None else f"every {maintenance_weeks} weeks",
                                cite("maintenance_weeks")))
    inputs.append(EstimateInput("months", str(months), cite("months")))
    induction_low, induction_high = sessions * price_low, sessions * price_high
    lines.append(f"Induction: {sessions} sessions x {usd(price_low)} = {usd(induction_low)}; "
                 f"{sessions} sessions x {usd(price_high)} = {usd(induction_high)}")
    maintenance = maintenance_session_count(months, maintenance_weeks, induction_weeks)
    weeks = Fraction(months * WEEKS_PER_YEAR, 12)
    weeks_text = f"{float(weeks):g}" if weeks.denominator == 1 else f"{float(weeks):.2f}"
    if maintenance_weeks is None:
        lines.append("Maintenance: none chosen, 0 sessions.")
    else:
        lines.append(f"Maintenance sessions: weeks in {months} months = {months} x 52 / 12 = {weeks_text}; "
                     f"floor(({weeks_text} - {induction_weeks} induction weeks) / {maintenance_weeks}) = {maintenance}")
    total_sessions = sessions + maintenance
    first_low = total_sessions * price_low + fees_total
    first_high = total_sessions * price_high + fees_total
    lines.append(f"First {months} months: ({sessions} + {maintenance}) sessions x {usd(price_low)}{fee_text} = {usd(first_low)}; "
                 f"({sessions} + {maintenance}) sessions x {usd(price_high)}{fee_text} = {usd(first_high)}")

    if payer == "insured":
        copay = float(copay_per_session or 0.0)
        deductible = float(deductible_left or 0.0)
        if copay_per_session is None:
            lines.append("No copay entered: taken as $0.")
        if deductible_left is None:
            lines.append("No deductible left entered: taken as $0.")
        inputs.append(EstimateInput("copay per session", usd(copay), cite("copay")))
        inputs.append(EstimateInput("deductible left", usd(deductible), cite("deductible")))
        lines.append("Above: full listed prices. Below: your share with insurance.")
        lines.append("Insured model: you pay each session in full until the deductible is used up, "
                     "then the copay for each later session (it assumes the plan covers this treatment, "
                     "which the documents say is rare for off-label ketamine).")
        results = []
        for count, label in ((sessions, "Induction"), (total_sessions, f"First {months} months")):
            pair = []
            for price in dict.fromkeys((price_low, price_high)):  # one line when low == high
                paid, after = insured_share(price, count, copay, deductible)
                total = price * count
                if after == 0 and deductible >= total:
                    lines.append(f"{label} at {usd(price)}: deductible left {usd(deductible)} >= total {usd(total)}, "
                                 f"so you pay the total {usd(paid)}")
                else:
                    lines.append(f"{label} at {usd(price)}: min({usd(total)}, {usd(deductible)}) + "
                                 f"{after} sessions x {usd(copay)} copay = {usd(paid)}")
                pair.append(paid)
            results.append((pair[0], pair[-1]))
        (induction_low, induction_high), (first_low, first_high) = results
        if extra_fees:
            first_low, first_high = first_low + fees_total, first_high + fees_total
            lines.append(f"Fees, paid by you: + {usd(fees_total)} = {usd(first_low)} to {usd(first_high)}")
    return CourseEstimate(induction_low, induction_high, maintenance, first_low, first_high, months, payer, lines, inputs)


def reference_price(costs: pd.DataFrame, route: str | None, care_setting: str | None) -> pd.Series | None:
    """The documents' per-session figure for a route and care setting (a row of costs.csv), or None.

    An exact route match wins over a row for any route.
    """
    rows = costs[(costs["unit"] == "session") & costs["low_usd"].notna()]
    if care_setting:
        rows = rows[rows["care_setting"].isna() | (rows["care_setting"] == care_setting)]
    exact = rows[rows["route"] == route] if route else rows.iloc[0:0]
    if len(exact):
        return exact.iloc[0]
    any_route = rows[rows["route"].isna()]
    return any_route.iloc[0] if len(any_route) else None


def citation_for(row: Mapping, sources: pd.DataFrame | None = None) -> Citation:
    """A citation for a costs.csv or course_defaults.csv row: document id, section, and its URL."""
    url = None
    if sources is not None and len(sources):
        match = sources.loc[sources["source_id"] == row["source_id"], "source_url"]
        url = match.iloc[0] if len(match) else None
    return Citation(f"{row['source_id']}, {row['section']}", url)


def course_sources(figures: pd.DataFrame, sources: pd.DataFrame | None = None) -> dict[str, Citation]:
    """Citations for the estimator's default inputs: the row each default is taken from."""
    cited = {}
    for parameter, key in (("induction_sessions", "sessions"), ("induction_weeks", "induction_weeks"),
                           ("maintenance_interval_weeks", "maintenance_weeks")):
        rows = figures[(figures["parameter"] == parameter) & figures["default"].notna()]
        if len(rows):
            cited[key] = citation_for(rows.iloc[0], sources)
    return cited


def parse_cost_query(params: Mapping[str, str]) -> dict:
    """Read the Costs page's optional query params (route, setting, provider) into known values;
    unknown values are dropped."""
    route = params.get("route")
    setting = params.get("setting")
    provider = params.get("provider")
    return {
        "route": route if route in ROUTES else None,
        "setting": setting if setting in CARE_SETTINGS else None,
        "provider": provider if isinstance(provider, str) and 0 < len(provider) <= 80 else None,
    }


# ---------------------------------------------------------------------------------------------
# A price you were quoted, and insurance that is plausible or not

QUOTE_MAX_USD = 100_000  # above this a quote for a ketamine course is almost surely a typing slip
QUOTE_UNITS = {"session": "per session", "program": "for a program or series"}


class QuoteError(ValueError):
    """A quote that cannot be compared; the message says why, in words a person can act on."""


@dataclass(frozen=True)
class Quote:
    amount: float
    unit: str                      # session or program
    sessions: int | None = None    # sessions a program includes
    route: str | None = None
    provider_id: str | None = None

    def describe(self) -> str:
        what = (f"{usd(self.amount)} per session" if self.unit == "session"
                else f"{usd(self.amount)} for a program of {self.sessions} sessions")
        return what + (f", {ROUTES.get(self.route, self.route)}" if self.route else "")


def parse_quote(amount, unit: str, sessions=None, route: str | None = None, provider_id: str | None = None) -> Quote:
    """A checked Quote, or QuoteError: empty, zero, negative, not a number, implausibly large, or a
    program with no whole number of sessions."""
    if amount is None or (isinstance(amount, str) and not amount.strip()):
        raise QuoteError("enter the amount you were quoted, in dollars")
    try:
        value = float(str(amount).replace("$", "").replace(",", "").strip())
    except ValueError:
        raise QuoteError(f"{str(amount)[:20]!r} is not an amount in dollars") from None
    if not math.isfinite(value) or value <= 0:
        raise QuoteError("a quote must be more than $0")
    if value > QUOTE_MAX_USD:
        raise QuoteError(f"{usd(value)} is more than {usd(QUOTE_MAX_USD)}; check the amount")
    if unit not in QUOTE_UNITS:
        raise QuoteError(f"a quote is per session or for a program (got {unit!r})")
    count = None
    if unit == "program":
        try:
            count = int(str(sessions).strip()) if sessions is not None and str(sessions).strip() else None
        except ValueError:
            count = None
        if count is None or count < 1 or str(sessions).strip() != str(count):
            raise QuoteError("say how many sessions the program includes (a whole number, 1 or more)")
        if count > 100:
            raise QuoteError(f"{count} sessions is more than a program holds; check the number")
    return Quote(value, unit, count, route if route in ROUTES else None, provider_id or None)


def compare_quote(quote: Quote, observed: pd.DataFrame, induction_sessions: int = INDUCTION_SESSIONS) -> list[str]:
    """Sentences comparing a quote with the prices observed for its route and unit
    (`provider_session_prices` rows) and with the course estimate. Nothing is divided: a program
    quote is compared with programs, and with what its sessions would cost at observed per-session prices."""
    rows = observed if quote.route is None else observed[observed["route"].isin([quote.route, "any"])]
    route_words = ROUTES.get(quote.route, "any route") if quote.route else "any route"
    per_session = rows[rows["unit"] == "session"]
    lines = []
    if quote.unit == "session":
        if per_session.empty:
            lines.append(f"No provider here lists a per-session price for {route_words}, so there is nothing to compare with.")
        else:
            low, high = float(per_session["low_usd"].min()), float(per_session["high_usd"].max())
            median = float(((per_session["low_usd"] + per_session["high_usd"]) / 2).median())
            n = per_session["provider_id"].nunique()
            where = ("below the lowest" if quote.amount < low else "above the highest" if quote.amount > high
                     else "within the range")
            lines.append(f"Your quote of {usd(quote.amount)} per session is {where} of what {n} provider(s) here list for "
                         f"{route_words} per session ({usd_range(low, high)}, median {usd(median)}).")
        lines.append(f"At your quote, an induction series of {induction_sessions} sessions would be "
                     f"{induction_sessions} x {usd(quote.amount)} = {usd(induction_sessions * quote.amount)}.")
        return lines
    bundles = rows[rows["unit"].isin(["program", "series"])]
    same = bundles[bundles["sessions_included"] == quote.sessions]
    if len(same):
        lines.append(f"{same['provider_id'].nunique()} provider(s) here list a {quote.sessions}-session program or series "
                     f"for {route_words}: {usd_range(float(same['low_usd'].min()), float(same['high_usd'].max()))}; "
                     f"your quote is {usd(quote.amount)}.")
    elif len(bundles):
        lines.append(f"Programs listed here for {route_words} include other numbers of sessions ("
                     + ", ".join(str(int(n)) for n in sorted(bundles["sessions_included"].dropna().unique())) +
                     " or not stated), so they are not compared with yours.")
    else:
        lines.append(f"No provider here lists a program price for {route_words}.")
    if len(per_session):
        low, high = float(per_session["low_usd"].min()), float(per_session["high_usd"].max())
        lines.append(f"The same {quote.sessions} sessions at the per-session prices listed here would be "
                     f"{quote.sessions} x {usd_range(low, high)} = {usd_range(quote.sessions * low, quote.sessions * high)}; "
                     f"your program quote is {usd(quote.amount)}.")
    return lines


def insurance_plausible(route: str | None, provider: Mapping | None = None) -> bool:
    """Copay arithmetic applies only where coverage is plausible: Spravato, or a provider whose pages
    state insurance facts (a named payer or Spravato billed to insurance)."""
    if route == "esketamine_nasal":
        return True
    if provider is None:
        return False
    payers = [p for p in split_list(provider.get("insurance")) if p != "none"]
    return bool(payers) or provider.get("spravato_covered_by_insurance") == "yes"


COPAY_DEPENDS_ON = ("your plan and its benefit for this treatment", "prior authorisation (usually records of "
                    "earlier treatments that did not work)", "whether the clinic is in your plan's network")
