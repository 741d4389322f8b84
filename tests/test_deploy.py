"""The nginx set-up (deploy/): two real `streamlit run app.py` replicas behind Debian's nginx on
127.0.0.1, driven with the websocket client (benchmarks/wsclient.py). A browser keeps its replica
(a cookie key), HTTP is gzipped, a session survives 50 reruns, and new files in the data folder
reach every replica on its next rerun with no restart and no session lost."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from benchmarks.load import ACTIONS, change
from benchmarks.synthetic import generate_directory
from benchmarks.wsclient import Session
from deploy.serve import TEMP_FOLDERS, cluster, nginx_path, render
from tests.test_load_client import run_async

needs_nginx = pytest.mark.skipif(nginx_path() is None, reason="nginx is not installed: run `make nginx` "
                                 "(`make test` installs it, as it does chromium)")


def get(url: str, headers: dict | None = None):
    """(status, response headers) of a GET; the body is read and dropped."""
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=30) as response:
        body = response.read()
        return response.status, response.headers, body


def open_count(directory: Path) -> int:
    """Providers the Find page lists by default (closed ones are hidden)."""
    with open(directory / "providers.csv", newline="") as file:
        return sum(row["status"] != "closed" for row in csv.DictReader(file))


def shown_count(session: Session, run) -> int:
    """The count in the Find page's heading ("20 providers ...")."""
    counts = [int(m.group(1).replace(",", "")) for text in session.texts(run)
              for m in [re.match(r"(\d[\d,]*) providers?\b", text)] if m]
    assert counts, session.texts(run)
    return counts[0]


@pytest.mark.parametrize("replicas", [1, 3])
def test_the_config_names_every_replica_and_nginx_accepts_it(tmp_path, replicas):
    ports = list(range(9101, 9101 + replicas))
    text = render(8599, ports, tmp_path)
    assert [int(p) for p in re.findall(r"server 127\.0\.0\.1:(\d+) max_fails=", text)] == ports
    assert "@@" not in text and "listen 127.0.0.1:8599;" in text
    if nginx_path() is None:
        pytest.skip("nginx is not installed: run `make nginx`")
    for name in TEMP_FOLDERS:
        (tmp_path / name).mkdir()
    (tmp_path / "nginx.conf").write_text(text)
    checked = subprocess.run([nginx_path(), "-t", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"),
                              "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    if nginx_path() is None:
        pytest.skip("nginx is not installed: run `make nginx` (`make test` installs it, as it does chromium)")
    data = generate_directory(tmp_path_factory.mktemp("served") / "data", 20)
    with cluster(2, data_dir=str(data)) as running:
        running.data = data
        yield running


def key_for_each_replica(served) -> dict[str, str]:
    """A sticky-cookie key that nginx sends to each replica (upstream address -> key)."""
    keys = {}
    for number in range(64):
        _, headers, _ = get(f"{served.url}/_stcore/health", {"Cookie": f"stroute=key{number}"})
        keys.setdefault(headers["X-Upstream"], f"key{number}")
        if len(keys) == len(served.replicas):
            return keys
    raise AssertionError(f"64 keys reached only {sorted(keys)}")


@needs_nginx
def test_a_browser_gets_a_key_and_keeps_its_replica(served):
    _, first, _ = get(f"{served.url}/")
    cookies = [c.split(";")[0] for c in first.get_all("Set-Cookie", []) if c.startswith("stroute=")]
    assert len(cookies) == 1 and re.fullmatch(r"stroute=[0-9a-f]{32}", cookies[0]), first.get_all("Set-Cookie")
    cookie = cookies[0]
    replicas = {get(f"{served.url}/", {"Cookie": cookie})[1]["X-Upstream"] for _ in range(8)}
    assert replicas == {first["X-Upstream"]}

    async def session_replica():
        session = Session(served.url, headers={"Cookie": cookie}, timeout=60)
        try:
            run = await session.open()
            return run.ok, session.upstream
        finally:
            await session.close()

    # The websocket (the session itself) reaches the replica that served the page.
    assert run_async(session_replica()) == (True, first["X-Upstream"])
    # Another browser's key may land elsewhere: the keys spread over both replicas.
    assert len(key_for_each_replica(served)) == 2


@needs_nginx
@pytest.mark.parametrize("path", ["/", "static"])
def test_responses_are_gzipped(served, path):
    if path == "static":  # the app's main script, named by the page
        path = "/" + re.search(r'static/js/index\.[^"]+\.js', get(f"{served.url}/")[2].decode()).group(0)
    _, headers, _ = get(f"{served.url}{path}", {"Accept-Encoding": "gzip"})
    assert headers["Content-Encoding"] == "gzip"


@needs_nginx
def test_a_session_keeps_working_across_50_reruns(served):
    async def scenario():
        session = Session(served.url, timeout=60)
        outcomes = []
        try:
            opened = await session.open()
            outcomes.append(opened.errors + opened.failures)
            for turn in range(50):
                param, expected = change(session, ACTIONS[turn % len(ACTIONS)])
                run = await session.rerun()
                taken = parse_qs(session.query_string).get(param, [None])[0]
                outcomes.append(run.errors + run.failures + ([] if taken == expected else [f"{param}={taken}"]))
            return outcomes, session.broken
        finally:
            await session.close()

    outcomes, broken = run_async(scenario())
    assert len(outcomes) == 51 and not broken
    assert [o for o in outcomes if o] == []


@needs_nginx
def test_new_data_reaches_every_replica_on_its_next_rerun(served, tmp_path):
    keys = key_for_each_replica(served)
    pids = [replica.process.pid for replica in served.replicas]
    new = generate_directory(tmp_path / "new", 45, seed=7)
    before, after = open_count(served.data), open_count(new)
    assert before != after

    async def scenario():
        sessions = {replica: Session(served.url, headers={"Cookie": f"stroute={key}"}, timeout=60)
                    for replica, key in keys.items()}
        seen = {}
        try:
            for replica, session in sessions.items():
                run = await session.open()
                assert run.ok and session.upstream == replica, (run.errors, run.failures, session.upstream)
                session.set("f_sort", "Name")  # session state that must survive the update
                run = await session.rerun()
                seen[replica] = [shown_count(session, run)]
            # Swap the files under the running servers (each replaced in one step, as a deploy would).
            for name in os.listdir(new):
                os.replace(new / name, served.data / name)
            for replica, session in sessions.items():
                session.set("f_no_red_flags", False)  # any rerun of the same session
                run = await session.rerun()
                assert run.ok, (run.errors, run.failures)
                seen[replica] += [shown_count(session, run), session.value("f_sort"), "sort=name" in session.query_string,
                                  session.broken]
            return seen
        finally:
            for session in sessions.values():
                await session.close()

    seen = run_async(scenario())
    assert seen == {replica: [before, after, "Name", True, False] for replica in keys}
    # No restart: the same processes serve.
    assert [replica.process.pid for replica in served.replicas] == pids
    assert all(replica.process.poll() is None for replica in served.replicas)
