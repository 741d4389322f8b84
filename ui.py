"""What every page shares: the data folder, the cached loader, the safety notice and source links.

Pages stay thin: they read widgets and query params, call `vetting`, and render with these.
"""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path

import streamlit as st

from vetting import Directory, load_directory
from vetting.schemas import is_http_url

APP_DIR = Path(__file__).resolve().parent
DEFAULT_DATA_DIR = APP_DIR / "data"


def ensure_app() -> None:
    """Call first on every page. Streamlit runs a folder named `pages/` as a legacy multipage app
    until some session calls st.navigation; so when the first visit after the server starts is a
    deep link (e.g. /provider?provider=x), that page would run without app.py: no navigation, no
    safety notice. Switch the legacy mode off and, if this page was run directly, rerun through
    app.py. (Not done at import: a rerun raised while `ui` is being imported leaves concurrent
    sessions with a half-imported module.)"""
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False
    frame = sys._getframe(1)
    while frame is not None:
        if Path(frame.f_code.co_filename).resolve() == APP_DIR / "app.py":
            return
        frame = frame.f_back
    st.rerun()

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
    for name in ("providers.csv", "evidence.csv", "sources.csv", "prices.csv", "costs.csv", "course_defaults.csv"):
        path = Path(folder) / name
        stamps.append(path.stat().st_mtime_ns if path.exists() else 0)
    return tuple(stamps)


# cache_resource, not cache_data: one shared copy instead of a fresh unpickled copy on every rerun
# (at 50,000 providers that copy alone costs more than the whole rerun budget). Pages treat the
# frames as read-only; pandas' copy-on-write keeps any derived frame from changing them.
def _freeze_heap() -> None:
    """Move what is alive now (the directory, its prepared frames) out of the garbage collector's
    reach. Object columns are arrays the collector walks cell by cell: at 50,000 providers one full
    collection took ~100 ms in the middle of a rerun. Reference counting still frees these objects
    when a new data version replaces them; only reference cycles among them would stay."""
    gc.collect()
    gc.freeze()


@st.cache_resource(show_spinner="Loading the directory…", max_entries=4)
def _load(folder: str, fingerprint: tuple) -> Directory:
    directory = load_directory(folder)
    _freeze_heap()
    return directory


def directory() -> Directory:
    """The validated directory for this app run (cached per folder and file version; read-only)."""
    folder = data_dir()
    return _load(folder, _fingerprint(folder))


def answers_key(answers) -> tuple:
    """Recorded answers as a hashable key (for the caches below)."""
    return tuple(tuple(sorted(a.items())) for a in answers or ())


@st.cache_resource(show_spinner="Preparing the directory…", max_entries=2)
def _prepared(folder: str, fingerprint: tuple):
    from vetting.find import prepare

    loaded = _load(folder, fingerprint)
    prepared = prepare(loaded.providers, loaded.evidence, loaded.prices)
    _freeze_heap()
    return prepared


@st.cache_resource(show_spinner=False, max_entries=16)
def _enriched(folder: str, fingerprint: tuple, answers_key: tuple, weights_key: tuple, must_have: tuple,
              must_have_known: bool):
    from vetting.find import enrich

    return enrich(_prepared(folder, fingerprint), answers=[dict(a) for a in answers_key] or None,
                  weights=dict(weights_key) or None, must_have=list(must_have) or None,
                  must_have_known=must_have_known)


@st.cache_resource(show_spinner=False, max_entries=64)
def _found(folder: str, fingerprint: tuple, answers_key: tuple, weights_key: tuple, params_key: tuple, sort: str):
    from vetting.filters import parse_params
    from vetting.find import PAGE_COLUMNS, find

    state, _notes = parse_params(dict(params_key))
    enriched = _enriched(folder, fingerprint, answers_key, weights_key, tuple(state.get("must_have", ())),
                         bool(state.get("must_have_known")))
    return find(enriched, state, sort=sort, columns=PAGE_COLUMNS)


def found_providers(state: dict, sort: str, answers=None, weights: dict | None = None):
    """(results, view) of the Find pipeline for one filter state, cached: going back to a view
    seen before (by anyone, for the same data) costs nothing. Results are read-only."""
    from vetting.filters import to_params

    folder = data_dir()
    return _found(folder, _fingerprint(folder), answers_key(answers), tuple(sorted((weights or {}).items())),
                  tuple(sorted(to_params(state).items())), sort)


@st.cache_resource(show_spinner=False, max_entries=32)
def _fallback(folder: str, fingerprint: tuple, answers_key: tuple, weights_key: tuple, params_key: tuple):
    from vetting.filters import parse_params
    from vetting.find import nearest_fallback

    state, _notes = parse_params(dict(params_key))
    enriched = _enriched(folder, fingerprint, answers_key, weights_key, tuple(state.get("must_have", ())),
                         bool(state.get("must_have_known")))
    return nearest_fallback(enriched, state)


def fallback(state: dict, answers=None, weights: dict | None = None):
    """vetting.find.nearest_fallback for a ZIP search that found nothing (cached like the results)."""
    from vetting.filters import to_params

    folder = data_dir()
    return _fallback(folder, _fingerprint(folder), answers_key(answers), tuple(sorted((weights or {}).items())),
                     tuple(sorted(to_params(state).items())))


@st.cache_resource(show_spinner=False)
def _map_store() -> dict:
    return {}


MAP_CACHE_ENTRIES = 32


def map_spec(view_key: tuple, points_fn, latitude: float, longitude: float, zoom: float, tiles: bool) -> str:
    """The map's deck.gl JSON for one view, built once per view (`view_key`: the filter state and
    anything else that decides which providers are drawn) and data version; `points_fn` is called
    only for a view not seen before. Shared by sessions, oldest views dropped first."""
    from vetting.mapdata import deck_json

    store = _map_store()
    key = (data_dir(), _fingerprint(data_dir()), latitude, longitude, zoom, tiles) + tuple(view_key)
    if key not in store:
        while len(store) >= MAP_CACHE_ENTRIES:
            store.pop(next(iter(store)), None)
        store[key] = deck_json(points_fn(), latitude, longitude, zoom, tiles)
    return store[key]


def safety_notice() -> None:
    st.caption(SAFETY_NOTICE)


def phone_markdown(phone) -> str:
    """A tappable `tel:` link for a stored phone number ("" when there is none)."""
    from vetting.contact import normalise_phone, tel_uri

    uri = tel_uri(phone)
    return f"[{normalise_phone(phone)}](<{uri}>)" if uri else ""


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


# --- Shortlist: kept in the session and mirrored in the URL as ?shortlist=id1,id2 ---------------

from streamlit.errors import StreamlitPageNotFoundError  # noqa: E402  (imports of the shortlist helpers below)

from vetting import shortlist as _shortlist  # noqa: E402

SHORTLIST_KEY = "shortlist"
_SHORTLIST_NOTES = "shortlist_notes"
_SHORTLIST_FLASH = "shortlist_flash"
_SHORTLIST_TOAST = "shortlist_toast"


def flash_shortlist_toast(message: str) -> None:
    """Keep a confirmation for the next run (a button callback cannot draw it itself)."""
    st.session_state[_SHORTLIST_TOAST] = message


def show_shortlist_toast() -> None:
    """Confirm the last shortlist change, once, as a toast (the name shown literally)."""
    message = st.session_state.pop(_SHORTLIST_TOAST, None)
    if message:
        st.toast(escape_markdown(message), icon=":material/playlist_add_check:")


def _known_provider_ids() -> list[str]:
    return directory().providers["provider_id"].tolist()


def shortlist_ids() -> list[str]:
    """The session's shortlist. The first call in a session reads ?shortlist= (a shared link);
    ids not in the directory are dropped and a note is kept for `show_shortlist_notes`."""
    if SHORTLIST_KEY not in st.session_state:
        raw = st.query_params.get_all(_shortlist.PARAM)
        ids, notes = _shortlist.parse_param(raw or None, _known_provider_ids())
        st.session_state[SHORTLIST_KEY] = ids
        st.session_state[_SHORTLIST_NOTES] = notes
    return list(st.session_state[SHORTLIST_KEY])


def show_shortlist_notes() -> None:
    """Show, once, what was dropped from a shared shortlist link."""
    for note in st.session_state.pop(_SHORTLIST_NOTES, []):
        st.warning(escape_markdown(note), icon=":material/link_off:")


def shortlist_query() -> dict[str, str]:
    """{"shortlist": "id1,id2"} to merge into a page's own query params, or {} when it is empty."""
    value = _shortlist.to_param(shortlist_ids())
    return {_shortlist.PARAM: value} if value else {}


def sync_shortlist_param() -> None:
    """Write the shortlist into the URL (?shortlist=id1,id2), or remove the parameter when it is empty."""
    value = _shortlist.to_param(shortlist_ids())
    if value:
        if st.query_params.get(_shortlist.PARAM) != value:
            st.query_params[_shortlist.PARAM] = value
    elif _shortlist.PARAM in st.query_params:
        del st.query_params[_shortlist.PARAM]


def shortlist_add(ids) -> list[str]:
    """Add providers to the shortlist; harmless to repeat (ids already in it change nothing).

    Shows and returns a note when some were not added (full at MAX_SHORTLIST, or unknown)."""
    before = shortlist_ids()
    updated, notes = _shortlist.add(before, list(ids), _known_provider_ids())
    st.session_state[SHORTLIST_KEY] = updated
    if len(updated) > len(before):
        st.toast(f"Added {len(updated) - len(before)} to your shortlist ({len(updated)} of {_shortlist.MAX_SHORTLIST}).",
                 icon=":material/playlist_add_check:")
    for note in notes:
        st.warning(escape_markdown(note), icon=":material/playlist_add:")
    sync_shortlist_param()
    return notes


def shortlist_remove(ids) -> None:
    """Take providers off the shortlist (ids not in it are ignored)."""
    st.session_state[SHORTLIST_KEY] = _shortlist.remove(shortlist_ids(), list(ids))
    sync_shortlist_param()


def _toggle_shortlist(provider_id: str) -> None:
    # A button callback: runs before the rerun, so the button's label is right on the next run.
    if provider_id in shortlist_ids():
        st.session_state[SHORTLIST_KEY] = _shortlist.remove(shortlist_ids(), [provider_id])
        flash_shortlist_toast("Removed from your shortlist.")
    else:
        updated, notes = _shortlist.add(shortlist_ids(), [provider_id], _known_provider_ids())
        st.session_state[SHORTLIST_KEY] = updated
        st.session_state[_SHORTLIST_FLASH] = notes
        if provider_id in updated:
            flash_shortlist_toast(f"Added to your shortlist ({len(updated)} of {_shortlist.MAX_SHORTLIST}).")


def shortlist_toggle(provider_id: str) -> None:
    """An "Add to shortlist" / "Remove from shortlist" button for one provider, with a link to Compare."""
    inside = provider_id in shortlist_ids()
    st.button("Remove from shortlist" if inside else "Add to shortlist", key=f"shortlist_toggle_{provider_id}",
              icon=":material/playlist_remove:" if inside else ":material/playlist_add:",
              on_click=_toggle_shortlist, args=(provider_id,))
    show_shortlist_toast()
    for note in st.session_state.pop(_SHORTLIST_FLASH, []):
        st.warning(escape_markdown(note), icon=":material/playlist_add:")
    count = len(shortlist_ids())
    if count and (APP_DIR / "pages/compare.py").exists():
        try:
            st.page_link("pages/compare.py", label=f"Compare your shortlist ({count} of {_shortlist.MAX_SHORTLIST})",
                         icon=":material/compare:")
        except StreamlitPageNotFoundError:  # rendered outside app.py's navigation (a test script)
            st.caption(f"In your shortlist: {count} of {_shortlist.MAX_SHORTLIST}. Open Compare & shortlist to compare.")
    sync_shortlist_param()


def fingerprint() -> tuple:
    """The data files' version for this run (key for any per-data cache a page keeps)."""
    return _fingerprint(data_dir())


# --- cross-page session state: the keys another page reads are owned here ----------------------
FIND_PROVIDER_IDS = "find_provider_ids"  # written by Find, read by Costs
QUOTES = "cost_quotes"                   # written by Costs, read by the provider page, Compare and the packet


def last_find_ids() -> list[str] | None:
    """The provider ids of Find's last result in this session, or None when Find has not run."""
    ids = st.session_state.get(FIND_PROVIDER_IDS)
    return list(ids) if isinstance(ids, (list, tuple)) else None


def quotes():
    """The quotes entered on Costs this session (vetting.costs.Quote), newest last."""
    return list(st.session_state.get(QUOTES, []))


def save_quote(quote) -> None:
    """Keep a quote for the session: one per provider (or one without a provider), the newest wins."""
    kept = [q for q in quotes() if q.provider_id != quote.provider_id]
    st.session_state[QUOTES] = kept + [quote]


def quotes_for(provider_id: str):
    return [q for q in quotes() if q.provider_id == provider_id]


def is_phone() -> bool:
    """Whether the browser says it is a phone (its user agent names "Mobi" or "Android"), to start
    Find with cards instead of the wide table; the person can switch either way."""
    try:
        agent = st.context.headers.get("User-Agent", "") or ""
    except Exception:  # noqa: BLE001 - no request context (tests, bare scripts): a desktop
        return False
    return "Mobi" in agent or "Android" in agent
