"""The data dictionary, generated from the schemas so it cannot drift from them."""

from __future__ import annotations

from .schemas import REQUIRED_COLUMNS, SCHEMAS, column_descriptions

INTRO = """# Data files

Generated from `vetting/schemas.py` by `python scripts/write_data_readme.py`; a test fails when it
is out of date. Validate a folder with `python -m vetting validate [DATA_DIR]`.

Every fact about a provider carries the page it came from and the date that page was read.
An empty cell means *not found*, never *no*; a red flag needs a page that shows the problem.
Multi-valued cells are separated by `;`.

Computed when the directory loads, never stored: `latitude`/`longitude` from the ZIP (or the city
centre, labelled as such) with `geocoded_from`; `location_precision` (street / zip / city / state);
and whether evidence is self-reported, from its page's `kind` in `sources.csv` (`provider_site`
and `source_document` are the provider's own words; every other kind is independent).
"""


def data_dictionary_markdown() -> str:
    parts = [INTRO]
    for file_name, model in SCHEMAS.items():
        parts.append(f"## `{file_name}`\n\n{(model.__doc__ or '').strip()}\n")
        parts.append("| column | required | description |\n|---|---|---|")
        for column, description in column_descriptions(file_name).items():
            required = "yes" if column in REQUIRED_COLUMNS[file_name] else ""
            parts.append(f"| `{column}` | {required} | {description} |")
        parts.append("")
    return "\n".join(parts)
