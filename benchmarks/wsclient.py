"""A browser-less Streamlit client: one session over the server's own websocket protocol.

`make load` uses it so that 20 concurrent sessions fit on 2 cores: a Chromium tab spends seconds of
CPU drawing each page (WebGL maps in software), so a browser-driven load test measured the client.
This client does what the frontend does on the wire and nothing more:

- connects to ws://HOST/_stcore/stream with the "streamlit" subprotocol (no XSRF token: the server
  only needs one to read auth cookies, which this app does not use);
- asks for a first run with the page's url path and a shared link's query string (page_name, as the
  frontend sends on a fresh tab), then reruns with page_script_hash, the query string the app last
  wrote (page_info_changed), every widget value it knows and the hashes of the big elements it
  already holds (the server then sends a ref_hash instead of the element, as for a browser);
- keeps widget values as the frontend does: a widget first seen (or sent with set_value) takes the
  value the server gives, otherwise the value the user last chose; widgets absent from a finished
  run are forgotten. Values are encoded as the frontend encodes them (options by their label).

A run ends with a script_finished ForwardMsg. Errors are: an `exception` element, a run that did not
finish successfully, page_not_found, a dropped connection and a timeout.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.NumberInput_pb2 import NumberInput
from streamlit.proto.Slider_pb2 import Slider
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

SUCCESS = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)
# The server rerunning on its own (st.navigation resolving a page, st.rerun): another run follows.
RERUN_FOLLOWS = ForwardMsg.FINISHED_EARLY_FOR_RERUN
WIDGET_KINDS = ("checkbox", "text_input", "text_area", "number_input", "selectbox", "radio", "multiselect", "slider")


@dataclass
class Run:
    """One script run as the client saw it."""
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)    # what the server showed: exceptions, failed runs
    failures: list[str] = field(default_factory=list)  # the transport: timeouts, dropped connections
    elements: list[tuple[str, object]] = field(default_factory=list)  # (element type, its proto), in arrival order

    @property
    def ok(self) -> bool:
        return not self.errors and not self.failures


def _has(proto, name: str) -> bool:
    try:
        return proto.HasField(name)
    except ValueError:  # not an optional field: always present
        return True


def widget_state(kind: str, proto) -> WidgetState | None:
    """The value the frontend would hold for a widget it has just been sent (None: not a value widget)."""
    state = WidgetState(id=proto.id)
    given = proto.set_value  # the script set the value (session_state or a key): the server's value wins
    if kind == "checkbox":
        state.bool_value = proto.value if given else proto.default
    elif kind in ("text_input", "text_area"):
        source = "value" if given else "default"
        if _has(proto, source):
            state.string_value = getattr(proto, source)
    elif kind == "number_input":
        source = "value" if given else "default"
        if _has(proto, source):
            if proto.data_type == NumberInput.INT:
                state.int_value = int(getattr(proto, source))
            else:
                state.double_value = getattr(proto, source)
    elif kind in ("selectbox", "radio"):
        if given:
            if _has(proto, "raw_value"):
                state.string_value = proto.raw_value
        elif _has(proto, "default") and 0 <= proto.default < len(proto.options):
            state.string_value = proto.options[proto.default]
    elif kind == "multiselect":
        labels = list(proto.raw_values) if given else [proto.options[i] for i in proto.default]
        state.string_array_value.data.extend(labels)
    elif kind == "slider" and proto.type == Slider.SLIDER:
        state.double_array_value.data.extend(proto.value if given else proto.default)
    else:
        return None
    return state


def python_value(state: WidgetState):
    """A widget state's value as Python (None when it holds none)."""
    which = state.WhichOneof("value")
    if which is None:
        return None
    value = getattr(state, which)
    return list(value.data) if which.endswith("_array_value") else value


class Session:
    """One tab: a websocket session on one page of the app.

    `await open()` loads the page; then `set(key, value)` changes a widget (found by its key, the end
    of its id) and `await rerun()` sends the new widget values and waits for the run to finish.
    Every call returns a Run; after a dropped connection or a timeout `broken` is set (open a new Session).
    headers: extra request headers for the websocket handshake (a Cookie, as a browser sends nginx's
    sticky key); after open(), `upstream` is the replica behind nginx that took the session (its
    X-Upstream response header; None when the server sends none).
    """

    def __init__(self, base_url: str, page: str = "", query_string: str = "", timeout: float = 60.0,
                 headers: dict[str, str] | None = None):
        parts = urlsplit(base_url)
        self.base_url = base_url.rstrip("/")
        self.ws_url = f"ws://{parts.netloc}{parts.path.rstrip('/')}/_stcore/stream"
        self.page, self.query_string, self.timeout = page, query_string, timeout
        self.headers = dict(headers or {})
        self.upstream: str | None = None
        self.page_script_hash = ""
        self.widgets: dict[str, tuple[str, WidgetState]] = {}  # id -> (kind, value the user holds)
        self.cached_hashes: set[str] = set()
        self.broken = False
        self._ws = None
        self._reader: asyncio.Task | None = None
        self._run: Run | None = None
        self._run_widgets: set[str] = set()
        self._done: asyncio.Event | None = None

    # --- public API ---
    async def open(self) -> Run:
        """Connect and run the page once (timed from the connection attempt: a new tab's page load)."""
        start = time.monotonic()
        self._run, self._done = Run(), asyncio.Event()
        try:
            self._ws = await asyncio.wait_for(
                connect(self.ws_url, subprotocols=["streamlit"], max_size=256 * 2**20, proxy=None,
                        open_timeout=self.timeout, additional_headers=self.headers), self.timeout)
        except (OSError, asyncio.TimeoutError, InvalidHandshake) as error:
            self.broken = True
            self._run.failures.append(f"connect: {type(error).__name__}: {error}")
            return self._run
        self.upstream = self._ws.response.headers.get("X-Upstream")
        self._reader = asyncio.create_task(self._read())
        # A fresh tab names its page by url path; it knows no widgets yet.
        return await self._send_rerun(start, first=True)

    def find(self, key: str) -> str | None:
        """The id of the widget with this key (Streamlit ends a keyed widget's id with -KEY)."""
        matches = [wid for wid in self.widgets if wid.endswith(f"-{key}")]
        return matches[0] if len(matches) == 1 else None

    def value(self, key: str):
        wid = self.find(key)
        if wid is None:
            raise KeyError(f"no widget with key {key!r} on the page (known: {self.keys()})")
        return python_value(self.widgets[wid][1])

    def keys(self) -> list[str]:
        return [wid.rsplit("-", 1)[-1] for wid in self.widgets]

    def set(self, key: str, value) -> None:
        """Change a widget's value as a user would (options by their label)."""
        wid = self.find(key)
        if wid is None:
            raise KeyError(f"no widget with key {key!r} on the page (known: {self.keys()})")
        kind, _ = self.widgets[wid]
        state = WidgetState(id=wid)
        if value is None:
            pass
        elif kind == "checkbox":
            state.bool_value = bool(value)
        elif kind in ("text_input", "text_area", "selectbox", "radio"):
            state.string_value = str(value)
        elif kind == "number_input" and isinstance(value, int):
            state.int_value = value
        elif kind == "number_input":
            state.double_value = float(value)
        elif kind == "multiselect":
            state.string_array_value.data.extend(value)
        elif kind == "slider":
            state.double_array_value.data.extend(value if isinstance(value, (list, tuple)) else [value])
        self.widgets[wid] = (kind, state)

    async def rerun(self) -> Run:
        """Send every widget value held and wait until the script run has finished."""
        if self.broken or self._ws is None:
            return Run(failures=["rerun on a closed session"])
        self._run, self._done = Run(), asyncio.Event()
        return await self._send_rerun(time.monotonic(), first=False)

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()
            try:
                await self._reader
            except (asyncio.CancelledError, Exception):
                pass
        self._ws = self._reader = None

    def texts(self, run: Run) -> list[str]:
        """The text of markdown, text and heading elements in a run (what the script wrote)."""
        out = []
        for kind, proto in run.elements:
            if kind in ("markdown", "text", "heading"):
                out.append(proto.body)
        return out

    # --- protocol ---
    async def _send_rerun(self, start: float, first: bool) -> Run:
        run, done = self._run, self._done
        message = BackMsg()
        state = message.rerun_script
        state.query_string = self.query_string
        if first or not self.page_script_hash:
            state.page_name = self.page
        else:
            state.page_script_hash = self.page_script_hash
            state.widget_states.widgets.extend(value for _, value in self.widgets.values())
            state.cached_message_hashes.extend(sorted(self.cached_hashes))
        info = state.context_info
        info.timezone, info.timezone_offset, info.locale = "UTC", 0, "en-US"
        info.url = f"{self.base_url}/{self.page}" + (f"?{self.query_string}" if self.query_string else "")
        info.is_embedded, info.color_scheme = False, "light"
        self._run_widgets = set()
        try:
            await self._ws.send(message.SerializeToString())
            await asyncio.wait_for(done.wait(), max(0.1, self.timeout - (time.monotonic() - start)))
        except asyncio.TimeoutError:
            self.broken = True
            run.failures.append(f"timeout: no finished run within {self.timeout:g} s")
        except ConnectionClosed as error:
            self.broken = True
            run.failures.append(f"connection dropped: {error}")
        run.seconds = time.monotonic() - start
        return run

    async def _read(self) -> None:
        try:
            async for raw in self._ws:
                self._handle(ForwardMsg.FromString(raw))
        except ConnectionClosed as error:
            self._fail(f"connection dropped: {error}")
        except Exception as error:  # a frame that is not a ForwardMsg: the session cannot go on
            self._fail(f"unreadable message: {type(error).__name__}: {error}")
        else:
            self._fail("connection closed by the server")

    def _fail(self, reason: str) -> None:
        self.broken = True
        if self._run is not None and not self._done.is_set():
            self._run.failures.append(reason)
            self._done.set()

    def _handle(self, msg: ForwardMsg) -> None:
        run = self._run
        kind = msg.WhichOneof("type")
        if msg.metadata.cacheable and msg.hash:
            self.cached_hashes.add(msg.hash)
        if kind == "new_session":
            if msg.new_session.page_script_hash:
                self.page_script_hash = msg.new_session.page_script_hash
        elif kind == "navigation":
            if msg.navigation.page_script_hash:
                self.page_script_hash = msg.navigation.page_script_hash
        elif kind == "page_info_changed":
            # The app wrote the URL (st.query_params); the next rerun sends it, as the browser's address bar would.
            self.query_string = msg.page_info_changed.query_string
        elif kind == "page_not_found" and run is not None:
            run.errors.append(f"page not found: {msg.page_not_found.page_name!r}")
        elif kind == "delta":
            delta = msg.delta
            which = delta.WhichOneof("type")
            if which == "new_element":
                self._element(delta.new_element)
            elif which == "new_transient":
                for element in delta.new_transient.elements:
                    self._element(element)
        elif kind == "ref_hash" and run is not None:
            run.elements.append(("ref_hash", msg.ref_hash))
        elif kind == "script_finished" and run is not None and not self._done.is_set():
            status = msg.script_finished
            if status == RERUN_FOLLOWS:
                return
            if status not in SUCCESS:
                run.errors.append(f"script run ended with {ForwardMsg.ScriptFinishedStatus.Name(status)}")
            if status == ForwardMsg.FINISHED_SUCCESSFULLY:
                # The frontend drops the values of widgets a full run no longer shows.
                self.widgets = {wid: value for wid, value in self.widgets.items() if wid in self._run_widgets}
            self._done.set()

    def _element(self, element) -> None:
        run = self._run
        kind = element.WhichOneof("type")
        if kind is None or run is None:
            return
        proto = getattr(element, kind)
        run.elements.append((kind, proto))
        if kind == "exception":
            label = "warning" if proto.is_warning else "exception"
            run.errors.append(f"{label} shown: {proto.type}: {proto.message[:300]}")
        elif kind in WIDGET_KINDS and proto.id:
            self._run_widgets.add(proto.id)
            held = self.widgets.get(proto.id)
            if held is None or proto.set_value:
                state = widget_state(kind, proto)
                if state is not None:
                    self.widgets[proto.id] = (kind, state)
