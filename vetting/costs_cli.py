"""`python -m vetting cost`: estimate an induction series and a first year of treatment.

Prices come from the command line (`--price-low/--price-high`) or from the documents' range for a
route and care setting (`--route iv --setting clinic`, data/costs.csv). Course lengths default to
the documents' figures (data/course_defaults.csv). Prints readable lines, or one JSON object.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd

from .costs import (
    INDUCTION_SESSIONS,
    INDUCTION_WEEKS,
    MAINTENANCE_WEEKS,
    Citation,
    CostInputError,
    citation_for,
    course_default,
    course_sources,
    estimate_course,
    load_costs,
    load_course_figures,
    reference_price,
    usd_range,
)
from .loader import read_rows
from .vocab import CARE_SETTINGS, ROUTES


def _maintenance(value: str):
    """A whole number of weeks, or none."""
    if value.strip().lower() in ("none", "no", "0"):
        return None
    return int(value)


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "cost", help="estimate the cost of an induction series and a first year (low-high, with the arithmetic)",
        description="Estimate the induction and first-year cost from a per-session price or the documents' range.")
    price = parser.add_argument_group("price (give --price-low, or --route and --setting)")
    price.add_argument("--price-low", type=float, help="lowest price in US dollars, per session (or per month with --price-unit month)")
    price.add_argument("--price-high", type=float, help="highest price; when left out the low price is used")
    price.add_argument("--price-unit", choices=["session", "month"], default="session", help="what the price buys (default: session)")
    price.add_argument("--route", help="take the documents' per-session range for this route: " + ", ".join(ROUTES))
    price.add_argument("--setting", help="care setting for --route: " + ", ".join(CARE_SETTINGS))
    parser.add_argument("--sessions", type=int, default=None, help="induction sessions (default: the documents' 6; they say 6 to 8)")
    parser.add_argument("--maintenance-weeks", type=str, default=None,
                        help="weeks between maintenance sessions, or none (default: 4; the documents say every 2 to 6 weeks)")
    parser.add_argument("--months", type=int, default=12, help="length of the period for the first-year figure (default 12)")
    parser.add_argument("--payer", choices=["self_pay", "insured"], default="self_pay", help="self_pay (default) or insured")
    parser.add_argument("--copay", type=float, default=None, help="insured: copay per session in dollars")
    parser.add_argument("--deductible-left", type=float, default=None, help="insured: deductible still to be met, in dollars")
    parser.add_argument("--format", choices=["text", "json"], default="text", help="text (default) or json")
    parser.add_argument("--data-dir", default=None, help="folder with costs.csv, course_defaults.csv and sources.csv (default: the bundled data/)")


def _sources_frame(data_dir):
    """sources.csv as read (source_id -> source_url), for citation links; empty when unreadable."""
    frame = read_rows(Path(data_dir) / "sources.csv", [])
    if "source_id" not in frame.columns:
        return pd.DataFrame(columns=["source_id", "source_url"])
    return frame


def run(args, out, err, stdin) -> int:
    from .cli import DEFAULT_DATA_DIR

    data_dir = args.data_dir or DEFAULT_DATA_DIR
    sources = _sources_frame(data_dir)
    figures, _ = load_course_figures(data_dir)
    cited = course_sources(figures, sources)
    try:
        maintenance = (course_default(figures, "maintenance_interval_weeks", MAINTENANCE_WEEKS)
                       if args.maintenance_weeks is None else _maintenance(args.maintenance_weeks))
    except ValueError:
        print(f"error: --maintenance-weeks must be a whole number of weeks or none (got {args.maintenance_weeks!r})", file=err)
        return 2
    if args.sessions is not None:
        cited.pop("sessions", None)
    if args.maintenance_weeks is not None:
        cited.pop("maintenance_weeks", None)
    sessions = args.sessions if args.sessions is not None else course_default(figures, "induction_sessions", INDUCTION_SESSIONS)
    induction_weeks = course_default(figures, "induction_weeks", INDUCTION_WEEKS)

    if args.route is not None or args.setting is not None:
        if args.price_low is not None or args.price_high is not None:
            print("error: give either --price-low/--price-high or --route/--setting, not both", file=err)
            return 2
        if args.route not in ROUTES or args.setting not in CARE_SETTINGS:
            print(f"error: --route must be one of {', '.join(ROUTES)} and --setting one of {', '.join(CARE_SETTINGS)}", file=err)
            return 2
        costs, _ = load_costs(data_dir)
        row = reference_price(costs, args.route, args.setting)
        if row is None:
            print(f"error: the source documents give no per-session price for route {args.route!r} in setting "
                  f"{args.setting!r}; give --price-low and --price-high instead", file=err)
            return 2
        price_low, price_high = row["low_usd"], row["high_usd"]
        cited["price"] = citation_for(row, sources)
        price_note = row["summary"]
    elif args.price_low is None:
        print("error: give --price-low (and --price-high), or --route and --setting", file=err)
        return 2
    else:
        price_low, price_high = args.price_low, args.price_high
        cited["price"] = Citation("entered on the command line")
        price_note = None
    # Command-line entries are cited as such, not as "entered by you" (a page's wording).
    for key in ("sessions", "maintenance_weeks", "months", "copay", "deductible"):
        cited.setdefault(key, Citation("entered on the command line"))
    try:
        estimate = estimate_course(
            price_low, None if price_high is None or (isinstance(price_high, float) and math.isnan(price_high)) else price_high,
            sessions=sessions, maintenance_weeks=maintenance, months=args.months, payer=args.payer,
            copay_per_session=args.copay, deductible_left=args.deductible_left, price_unit=args.price_unit,
            induction_weeks=induction_weeks, sources=cited)
    except CostInputError as error:
        print(f"error: {error}", file=err)
        return 2

    if args.format == "json":
        data = estimate.to_dict()
        ordered = {key: data[key] for key in ("induction_low", "induction_high", "first_year_low", "first_year_high",
                                              "maintenance_sessions", "months", "payer", "sources", "arithmetic")}
        print(json.dumps(ordered, indent=2), file=out)
        return 0
    if estimate.induction_low is None:
        print("Induction: no separate figure (the price is per month)", file=out)
    else:
        print(f"Induction ({sessions} sessions): {usd_range(estimate.induction_low, estimate.induction_high)}", file=out)
    print(f"First {estimate.months} months: {usd_range(estimate.first_year_low, estimate.first_year_high)}", file=out)
    print(f"Maintenance sessions in that period: {estimate.maintenance_sessions}", file=out)
    if price_note:
        print(f"Price: {price_note}", file=out)
    print("Arithmetic:", file=out)
    for line in estimate.arithmetic:
        print(f"  {line}", file=out)
    print("Sources:", file=out)
    for item in estimate.inputs:
        link = f" <{item.source.url}>" if item.source.url else ""
        print(f"  {item.name} = {item.value}: {item.source.label}{link}", file=out)
    return 0
