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
import pandera.pandas as pa
from pandera.typing import Series

from .loader import LINE, Problem, read_rows, validate_frame
from .prices import per_session_prices
from .vocab import CARE_SETTINGS, PRICE_UNITS, ROUTES, split_list

COSTS_FILE = "costs.csv"
COURSE_FILE = "course_defaults.csv"
PAYER_CONTEXTS = {"self_pay": "Self-pay", "insured": "With insurance", "any": "Any payer"}
COURSE_PARAMETERS = {
    "induction_sessions": "sessions in the first (induction) series",
    "induction_weeks": "weeks the induction series takes",
    "maintenance_interval_weeks": "weeks between maintenance (booster) sessions",
}
WEEKS_PER_YEAR = 52

# Used when data/course_defaults.csv cannot be read; a test keeps them equal to the file's defaults.
INDUCTION_SESSIONS = 6
INDUCTION_WEEKS = 3
MAINTENANCE_WEEKS = 4

SEED_ID_PATTERN = r"^seed-[a-z0-9-]+$"


class CostSchema(pa.DataFrameModel):
    """data/costs.csv: one cost or coverage figure from the source documents (DOMAIN.md §5) per row."""

    cost_id: Series[str] = pa.Field(unique=True, str_matches=r"^[a-z0-9][a-z0-9-]{1,80}$",
                                    description="Stable id of the figure (e.g. `iv-clinic-per-session`).")
    route: Series[str] = pa.Field(nullable=True, isin=list(ROUTES),
                                  description="Route of administration the figure is about; empty means any route.")
    care_setting: Series[str] = pa.Field(nullable=True, isin=list(CARE_SETTINGS),
                                         description="clinic, at_home or hybrid; empty means any setting.")
    low_usd: Series[float] = pa.Field(nullable=True, ge=0,
                                      description="Lowest amount in US dollars, per `unit`; empty where the document gives no number.")
    high_usd: Series[float] = pa.Field(nullable=True, ge=0,
                                       description="Highest amount in US dollars, per `unit`; empty where the document gives no number.")
    unit: Series[str] = pa.Field(nullable=True, isin=list(PRICE_UNITS),
                                 description="What the amount buys: " + ", ".join(PRICE_UNITS) + " (required with a number).")
    payer_context: Series[str] = pa.Field(isin=list(PAYER_CONTEXTS),
                                          description="Who pays in the figure: self_pay, insured (the patient's share with insurance) or any.")
    summary: Series[str] = pa.Field(str_length={"min_value": 1, "max_value": 400},
                                    description="What the document says, paraphrased in one sentence.")
    source_id: Series[str] = pa.Field(str_matches=SEED_ID_PATTERN,
                                      description="The source document (a `source_id` in sources.csv).")
    section: Series[str] = pa.Field(str_length={"min_value": 1},
                                    description="The section of the document the figure is in (as DOMAIN.md names it).")

    class Config:
        coerce = True
        strict = True

    @pa.dataframe_check(name="low_usd is not above high_usd")
    def _order(cls, df: pd.DataFrame) -> Series[bool]:
        return ~(df["low_usd"] > df["high_usd"]).fillna(False)

    @pa.dataframe_check(name="a number needs a unit")
    def _unit(cls, df: pd.DataFrame) -> Series[bool]:
        has_number = df["low_usd"].notna() | df["high_usd"].notna()
        return ~has_number | df["unit"].notna()

    @pa.dataframe_check(name="high_usd needs low_usd")
    def _low_first(cls, df: pd.DataFrame) -> Series[bool]:
        return df["high_usd"].isna() | df["low_usd"].notna()


class CourseFigureSchema(pa.DataFrameModel):
    """data/course_defaults.csv: how long a course runs, per the source documents (DOMAIN.md §5)."""

    figure_id: Series[str] = pa.Field(unique=True, str_matches=r"^[a-z0-9][a-z0-9-]{1,80}$",
                                      description="Stable id of the figure.")
    parameter: Series[str] = pa.Field(isin=list(COURSE_PARAMETERS),
                                      description="What is counted: " + ", ".join(COURSE_PARAMETERS) + ".")
    low: Series[float] = pa.Field(nullable=True, gt=0, description="Lowest count the document gives; empty where it gives none.")
    high: Series[float] = pa.Field(nullable=True, gt=0, description="Highest count the document gives.")
    default: Series[float] = pa.Field(nullable=True, gt=0,
                                      description="The estimator's default, on the one row it is taken from; must lie within that row's low-high.")
    unit: Series[str] = pa.Field(isin=["sessions", "weeks"], description="sessions or weeks.")
    summary: Series[str] = pa.Field(str_length={"min_value": 1, "max_value": 400}, description="What the document says, paraphrased.")
    source_id: Series[str] = pa.Field(str_matches=SEED_ID_PATTERN, description="The source document (a `source_id` in sources.csv).")
    section: Series[str] = pa.Field(str_length={"min_value": 1}, description="The section of the document the figure is in.")

    class Config:
        coerce = True
        strict = True

    @pa.dataframe_check(name="low is not above high")
    def _order(cls, df: pd.DataFrame) -> Series[bool]:
        return ~(df["low"] > df["high"]).fillna(False)

    @pa.dataframe_check(name="default lies within low-high")
    def _default_inside(cls, df: pd.DataFrame) -> Series[bool]:
        inside = (df["default"] >= df["low"]) & (df["default"] <= df["high"])
        return df["default"].isna() | inside.fillna(False)


_NUMERIC = {COSTS_FILE: ["low_usd", "high_usd"], COURSE_FILE: ["low", "high", "default"]}
_MODELS = {COSTS_FILE: CostSchema, COURSE_FILE: CourseFigureSchema}


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
    model = _MODELS[name]
    columns = list(model.to_schema().columns)
    frame = validate_frame(name, frame, problems, model=model, required=columns, numeric=_NUMERIC[name],
                           unique_key="")
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


def provider_session_prices(providers: pd.DataFrame) -> pd.DataFrame:
    """One row per priced provider x route (route None when none is listed): the price as listed,
    its per-session low/high (NaN for a monthly price, which has no per-session equivalent), how
    that was derived, and the page that shows the price. These rows are behind `observed_ranges`."""
    columns = ["provider_id", "name", "route", "care_setting", "listed_price", "low_usd", "high_usd",
               "price_basis", "possibly_stale", "price_source_url"]
    priced = providers[providers["price_low_usd"].notna()]
    if priced.empty:
        return pd.DataFrame(columns=columns)
    prices = per_session_prices(priced)
    rows = []
    for index, provider in priced.iterrows():
        listed = usd_range(provider["price_low_usd"], provider["price_high_usd"]
                           if pd.notna(provider["price_high_usd"]) else provider["price_low_usd"])
        listed += f" per {provider['price_unit']}"
        if pd.notna(provider["price_sessions"]) and provider["price_unit"] in ("series", "program"):
            listed += f" ({provider['price_sessions']:g} sessions)"
        for route in split_list(provider["routes"]) or [None]:
            rows.append({
                "provider_id": provider["provider_id"], "name": provider["name"], "route": route,
                "care_setting": provider["care_setting"], "listed_price": listed,
                "low_usd": prices.at[index, "price_per_session_low"],
                "high_usd": prices.at[index, "price_per_session_high"],
                "price_basis": prices.at[index, "price_basis"],
                "possibly_stale": bool(prices.at[index, "price_possibly_stale"]),
                "price_source_url": provider["price_source_url"],
            })
    return pd.DataFrame(rows, columns=columns)


def observed_ranges(providers: pd.DataFrame) -> pd.DataFrame:
    """What providers charge per session, per route x care setting.

    Each provider's per-session low and high come from `vetting.prices.per_session_prices`
    (series and programme prices divided by their session count). A provider offering several
    routes counts once under each of its routes, because its listed price does not say which
    route it is for; providers with no route listed are left out. Per group: `min_usd` is the
    lowest per-session low, `max_usd` the highest per-session high, `median_usd` the median of
    the providers' midpoints ((low + high) / 2), `n` the number of providers with a per-session
    figure, and `n_unconverted` those whose price (e.g. per month) has none. `provider_ids` and
    `price_source_urls` list where each figure comes from.
    """
    columns = ["route", "care_setting", "min_usd", "median_usd", "max_usd", "n", "n_unconverted",
               "provider_ids", "price_source_urls"]
    long = provider_session_prices(providers)
    long = long[long["route"].notna()]
    out = []
    for (route, setting), group in long.groupby(["route", "care_setting"], sort=True):
        priced = group[group["low_usd"].notna()]
        midpoints = (priced["low_usd"] + priced["high_usd"]) / 2
        out.append({
            "route": route, "care_setting": setting,
            "min_usd": float(priced["low_usd"].min()) if len(priced) else math.nan,
            "median_usd": float(midpoints.median()) if len(priced) else math.nan,
            "max_usd": float(priced["high_usd"].max()) if len(priced) else math.nan,
            "n": int(len(priced)), "n_unconverted": int(len(group) - len(priced)),
            "provider_ids": list(priced["provider_id"]),
            "price_source_urls": sorted(set(priced["price_source_url"].dropna())),
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
    """$1,234 or $1,234.50 (cents only when there are some)."""
    rounded = round(float(amount), 2)
    return f"${rounded:,.0f}" if rounded == int(rounded) else f"${rounded:,.2f}"


def usd_range(low: float, high: float) -> str:
    """"$400 to $1,200", or one figure when low and high are equal."""
    return usd(low) if round(low, 2) == round(high, 2) else f"{usd(low)} to {usd(high)}"


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
