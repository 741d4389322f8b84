"""Shared test helpers: the bundled directory (loaded once) and opening a page through app.py."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from vetting import load_directory

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


@pytest.fixture(scope="session")
def bundled_directory():
    """The bundled directory, read only."""
    return load_directory(DATA)


def open_page(page: str, **query_params) -> AppTest:
    """Run app.py, switch to `page` (e.g. "pages/provider.py") with the given query parameters."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page(page)
    for key, value in query_params.items():
        if value is not None:
            at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at
