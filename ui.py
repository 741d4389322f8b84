"""What every page shares: the data folder, the cached loader, the safety notice and source links.

Pages stay thin: they read widgets and query params, call `vetting`, and render with these.
"""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from vetting import Directory, load_directory
from vetting.schemas import is_http_url

APP_DIR = Path(__file__).resolve().parent
DEFAULT_DATA_DIR = APP_DIR / "data"

SAFETY_NOTICE = (
    "This directory is information, not medical advice: talk to a clinician about your own care. "
    "**In crisis?** Call or text **988** (Suicide & Crisis Lifeline), or call **911**."
)


def data_dir() -> str:
    """The bundled data/, or the folder an organisation names in VETTING_DATA_DIR."""
    return os.environ.get("VETTING_DATA_DIR") or str(DEFAULT_DATA_DIR)


def _fingerprint(folder: str) -> tuple:
    """Modification times of the data files, so an edited file is reloaded."""
    stamps = []
    for name in ("providers.csv", "evidence.csv", "sources.csv", "costs.csv"):
        path = Path(folder) / name
        stamps.append(path.stat().st_mtime_ns if path.exists() else 0)
    return tuple(stamps)


@st.cache_data(show_spinner="Loading the directory…")
def _load(folder: str, fingerprint: tuple) -> Directory:
    return load_directory(folder)


def directory() -> Directory:
    """The validated directory for this app run (cached per folder and file version)."""
    folder = data_dir()
    return _load(folder, _fingerprint(folder))


def safety_notice() -> None:
    st.caption(SAFETY_NOTICE)


def source_label(url: str) -> str:
    """A short, readable name for a link: the host and path, without the scheme."""
    return url.split("://", 1)[-1][:80]


def source_markdown(url: str, label: str | None = None) -> str:
    """A Markdown link to a validated http(s) URL; anything else is shown as plain text."""
    if not is_http_url(url):
        return escape_markdown(label or str(url))
    text = escape_markdown(label or source_label(url))
    return f"[{text}](<{url}>)"


_MARKDOWN_SPECIALS = "\\`*_{}[]<>()#+-.!|~$:"


def escape_markdown(text: str) -> str:
    """Make any text render literally in st.markdown (no links, HTML, emphasis or LaTeX)."""
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIALS else ch for ch in str(text))
