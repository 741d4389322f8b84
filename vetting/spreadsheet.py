"""CSV cells that a spreadsheet will not run as formulas (CSV/formula injection).

Provider names and notes come from public pages and from what people type; a cell that starts with
`=`, `+`, `-`, `@`, a tab or a carriage return is read by Excel, LibreOffice and Google Sheets as a
formula (`=HYPERLINK(...)` can leak data or mislead). Exported text cells that start so get a
leading apostrophe, which spreadsheets show as text; our own importers take it off again, so
exports still round-trip.
"""

from __future__ import annotations

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text that would start a formula, prefixed with an apostrophe; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def read_cell(value):
    """The inverse of `safe_cell`, for our importers."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell passed through `safe_cell` (numbers are left as numbers)."""
    return frame.apply(lambda column: column.map(safe_cell) if column.dtype == object or pd.api.types.is_string_dtype(column) else column)
