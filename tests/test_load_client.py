"""The protocol-level load client (benchmarks/wsclient.py) against a real `streamlit run` of a tiny app:
runs are timed, widget changes and query strings reach the script, and errors are counted (and the
server's traceback is found in its log, as `make load` reports it)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from types import SimpleNamespace

import pytest

from benchmarks.load import server_tracebacks
from benchmarks.wsclient import Session
from tests.browser.server import free_port

# Echoes every widget value and the query string it got, raises or stalls on request, and writes the
# checkbox into the URL (as the Find page writes its filters), so the client must send that URL back.
TINY_APP = textwrap.dedent('''
    import time
    import streamlit as st

    flag = st.checkbox("Flag", key="flag")
    text = st.text_input("Text", key="text")
    choice = st.radio("Choice", ["Alpha", "Beta"], key="choice")
    st.markdown(f"echo flag={flag} text={text} choice={choice} view={st.query_params.get('view', '')}")
    st.query_params["flag"] = "1" if flag else "0"
    if text == "boom":
        raise ValueError("raised on purpose")
    if text == "slow":
        time.sleep(3)
''')


def run_async(coro):
    """Run a coroutine on its own thread: Playwright's sync fixtures leave an event loop running on
    the main thread once a browser test has run in the same session, and asyncio.run refuses that."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


@pytest.fixture(scope="module")
def tiny_server(tmp_path_factory):
    script = tmp_path_factory.mktemp("tiny") / "tiny_app.py"
    script.write_text(TINY_APP)
    port = free_port()
    log = tempfile.TemporaryFile()  # like tests/browser/server.py: benchmarks.load reads it through /proc
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=script.parent, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            assert process.poll() is None and time.monotonic() < deadline, "streamlit did not start"
            time.sleep(0.2)
        yield SimpleNamespace(url=base, pid=process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def echo(session: Session, run) -> str:
    lines = [text for text in session.texts(run) if text.startswith("echo ")]
    assert len(lines) == 1, session.texts(run)
    return lines[0]


async def steps(base: str, query: str, changes: list[dict], timeout: float = 20) -> list[tuple]:
    """Open a session, then apply each change and rerun; returns (run, echo line or None, URL query) per step."""
    session = Session(base, query_string=query, timeout=timeout)
    out = []
    try:
        run = await session.open()
        out.append((run, echo(session, run) if run.ok else None, session.query_string))
        for change in changes:
            for key, value in change.items():
                session.set(key, value)
            run = await session.rerun()
            out.append((run, echo(session, run) if not run.failures else None, session.query_string))
    finally:
        await session.close()
    return out


@pytest.mark.parametrize("query, changes, echoes", [
    ("", [], ["echo flag=False text= choice=Alpha view="]),
    ("view=shared", [{"flag": True}],
     ["echo flag=False text= choice=Alpha view=shared", "echo flag=True text= choice=Alpha view=shared"]),
    # Values not changed in a step are still sent: the flag stays on while the text and the radio change.
    ("", [{"flag": True}, {"text": "10001"}, {"choice": "Beta"}, {"flag": False}],
     ["echo flag=False text= choice=Alpha view=", "echo flag=True text= choice=Alpha view=",
      "echo flag=True text=10001 choice=Alpha view=", "echo flag=True text=10001 choice=Beta view=",
      "echo flag=False text=10001 choice=Beta view="]),
])
def test_widget_changes_and_the_query_string_reach_the_script(tiny_server, query, changes, echoes):
    out = run_async(steps(tiny_server.url, query, changes))
    assert [line for _, line, _ in out] == echoes
    for run, _, _ in out:
        assert run.ok, (run.errors, run.failures)
        assert run.seconds > 0
    # The app wrote flag=... into the URL; the client sends that URL back, as a browser's address bar does.
    for _, line, url in out:
        assert ("flag=1" in url) == ("flag=True" in line)


def test_client_reads_widget_values_back(tiny_server):
    async def scenario():
        session = Session(tiny_server.url, timeout=20)
        try:
            await session.open()
            before = {key: session.value(key) for key in ("flag", "text", "choice")}
            session.set("choice", "Beta")
            await session.rerun()
            return before, session.value("choice"), sorted(session.keys())
        finally:
            await session.close()

    before, after, keys = run_async(scenario())
    assert before == {"flag": False, "text": "", "choice": "Alpha"}
    assert after == "Beta"
    assert keys == ["choice", "flag", "text"]


def test_an_exception_in_the_script_is_counted_and_the_session_goes_on(tiny_server):
    before = len(server_tracebacks(tiny_server.pid))
    out = run_async(steps(tiny_server.url, "", [{"text": "boom"}, {"text": "fine"}]))
    (load, _, _), (boom, boom_echo, _), (fine, fine_echo, _) = out
    assert load.ok
    assert not boom.ok and not boom.failures
    assert len(boom.errors) == 1 and boom.errors[0].startswith("exception shown"), boom.errors
    assert boom_echo == "echo flag=False text=boom choice=Alpha view="  # the run got that far, then raised
    assert fine.ok and fine_echo == "echo flag=False text=fine choice=Alpha view="
    # The load report quotes the server's own traceback, read from its log.
    logged = server_tracebacks(tiny_server.pid)[before:]
    assert len(logged) == 1 and logged[0].splitlines()[-1] == "ValueError: raised on purpose", logged


def test_a_run_past_the_timeout_is_a_failure(tiny_server):
    out = run_async(steps(tiny_server.url, "", [{"text": "slow"}, {"text": ""}], timeout=1.0))
    (load, _, _), (slow, _, _), (after, _, _) = out
    assert load.ok
    assert slow.failures and slow.failures[0].startswith("timeout"), slow.failures
    assert after.failures == ["rerun on a closed session"]  # a timed-out session is not reused


def test_no_server_is_a_failure():
    session = Session(f"http://127.0.0.1:{free_port()}", timeout=5)
    run = run_async(session.open())
    assert session.broken
    assert run.failures and run.failures[0].startswith("connect"), run.failures
