"""The server side of the app makes no network request: every page runs with outbound
connections trapped (only loopback would be allowed)."""

import ipaddress
import socket
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["pages/find.py", "pages/provider.py", "pages/costs.py", "pages/compare.py", "pages/audit.py",
         "pages/methodology.py", "pages/data.py", "pages/suggest.py"]


@pytest.fixture
def outbound(monkeypatch):
    attempts = []
    real_connect = socket.socket.connect

    def guarded_connect(sock, address):
        host = address[0] if isinstance(address, tuple) else address
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = host == "localhost"
        if not loopback:
            attempts.append(address)
            raise OSError("network access is not allowed in this test")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: attempts.append(a) or (_ for _ in ()).throw(OSError("no DNS")))
    return attempts


@pytest.mark.parametrize("page", PAGES)
def test_pages_make_no_network_request(outbound, page):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["shortlist"] = "ketamine-north-duluth,mindbloom"
    at.query_params["provider"] = "ketamine-north-duluth"
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert outbound == []


def test_the_trap_catches_an_outbound_request(outbound):
    import urllib.request

    with pytest.raises(OSError):
        urllib.request.urlopen("http://example.com/", timeout=1)
    assert outbound, "the guard must see an outbound attempt"
