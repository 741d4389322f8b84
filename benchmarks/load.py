"""`make load`: 20 concurrent sessions on the Find page for a bounded time, measuring the server.

Starts `streamlit run app.py` on a free 127.0.0.1 port (tests/browser/server.py), or with
`--replicas N` N of them behind nginx (deploy/serve.py), or targets a running server (`--url`); opens N sessions
and has each change filters in a loop until the time is up: mostly widget changes (a rerun), and every
fifth turn a new session on a shared link with query parameters (what a new tab does). A change is
timed until the server reports the script run finished; a page load from the connection attempt to
the first finished run.

The default client (`--client ws`, benchmarks/wsclient.py) speaks Streamlit's own websocket protocol
(the BackMsg/ForwardMsg protobufs the frontend sends and receives), so 20 sessions cost the client
almost nothing and the figures are the server's. `--client browser` drives chromium tabs instead (one
Debian chromium, a context per session): on 2 cores 20 tabs drawing WebGL maps in software saturate
the machine, so its timeouts and latencies measure the client, not the server.

Reports errors (must be 0): timeouts and dropped connections, exception elements and failed runs,
and widget changes the app did not take up (protocol client: the URL the app writes must show the
change). Also p50/p95 rerun and page-load latency, and the server's memory (VmRSS of the streamlit
process; of each replica behind nginx) after a warm-up round (every session has loaded the page once)
and at the end: flat means the end is within 20% of the start. Also the CPU the server(s), nginx and
the client used, how many sessions each replica took, and the distinct tracebacks in the servers' logs
(none of these for --url: the server is not ours to read). The server runs with the file watcher off, so edits to the working
tree during a run do not reload modules mid-run.

    python -m benchmarks.load [--seconds 300] [--sessions 20] [--providers N] [--client ws|browser] [--think S]
                              [--replicas N | --url http://127.0.0.1:PORT]

--think S (ws client): a mean pause of S seconds between a session's changes (default 0: a stress load).

--providers N runs the app on a synthetic directory of N providers (default: the bundled data/).
Not part of `make test`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qs, urlencode

from benchmarks.wsclient import Session
from tests.browser.server import CHROMIUM_ARGS, chromium_path, streamlit_server

# Filter combinations visited in turn (each session starts at a different one).
VIEWS = [
    {},
    {"route": "iv"},
    {"route": "iv,im", "zip": "10001", "radius": "100"},
    {"zip": "78701", "radius": "200"},
    {"state": "ca"},
    {"setting": "at_home"},
    {"route": "esketamine_nasal", "sort": "name"},
    {"zip": "60601", "radius": "300", "sort": "distance"},
    {"condition": "ptsd"},
    {"supervision": "in_clinic_monitored", "state": "tx"},
    {"insurance": "aetna"},
    {"no_red_flags": "1", "route": "iv"},
]
# Counts finished script runs (the app root's data-test-script-state turning to notRunning), so a
# rerun that ends before anyone polls is still seen.
RUN_COUNTER = """
window.__runsDone = 0;
new MutationObserver((changes) => {
    for (const change of changes) {
        if (change.target.getAttribute("data-test-script-state") === "notRunning") window.__runsDone += 1;
    }
}).observe(document, {attributes: true, subtree: true, attributeFilter: ["data-test-script-state"]});
"""
IDLE = """(before) => {
    const app = document.querySelector("[data-testid='stApp']");
    return window.__runsDone > before && !!app && app.getAttribute("data-test-script-state") === "notRunning"
        && !!document.querySelector("[data-testid='stDataFrame'], [data-testid='stAlert']");
}"""
# Widget changes made in turn within a session; each always changes the current value, so each is a rerun.
# (kind, widget key, label a person clicks, query parameter the app writes for it)
ACTIONS = [
    ("toggle", "f_no_red_flags", "No red flags", "no_red_flags"),
    ("sort", "f_sort", None, "sort"),
    ("zip", "f_zip", None, "zip"),
    ("toggle", "f_closed", "Include closed providers", "closed"),
    ("sort", "f_sort", None, "sort"),
    ("zip", "f_zip", None, "zip"),
]
ZIPS = ("10001", "78701", "")
WARM_UP_LIMIT_S = 600  # at most this long for every session to load the page once
RUN_TIMEOUT_S = 60  # a run not finished by then is an error
# The Find page is the default page, so its URL is the app's root ("" here): st.Page gives the default
# page the url path "". A /find link gets page_not_found (a "Page not found" dialog in a browser).
FIND_PAGE = ""
# Every fifth turn opens a shared link in a new tab (a new session, a full page load). A new tab, because
# in a tab re-pointed with goto the first widget change after the load was not registered (seen here).
NAVIGATE_EVERY = 5


def streamlit_pid() -> int | None:
    """The streamlit server this process started (a child whose command line runs streamlit)."""
    me = os.getpid()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
        except (OSError, ValueError, IndexError):
            continue
        if parent == me and b"streamlit" in cmdline and b"run" in cmdline:
            return int(entry.name)
    return None


def process_tree(pid: int) -> list[int]:
    """pid and its descendants (nginx's master and its workers)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        found.append(todo.pop())
        todo.extend(children.get(found[-1], []))
    return found


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # gone (an nginx worker that exited)
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_tracebacks(pid: int) -> list[str]:
    """Tracebacks the server logged ("Uncaught app execution" and other errors), read from its stdout
    (a temporary file held open by the process)."""
    try:
        log = Path(f"/proc/{pid}/fd/1").read_text(errors="replace")
    except OSError:
        return []
    found, lines = [], log.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("Traceback (most recent call last):"):
            end = i + 1
            while end < len(lines) and (lines[end].startswith(" ") or not lines[end].strip()):
                end += 1
            found.append("\n".join(lines[max(0, i - 1):end + 1]))
    return found


def url_for(base: str, view: dict) -> str:
    return f"{base}/{FIND_PAGE}" + (f"?{urlencode(view)}" if view else "")


async def act(page, action: tuple) -> None:
    """Make one widget change that always differs from the current value."""
    kind, _, label, _ = action
    if kind == "toggle":
        # A person clicks the label; Streamlit's own input is visually hidden behind it.
        await page.get_by_test_id("stSidebar").get_by_text(label, exact=True).click(timeout=60_000)
    elif kind == "sort":
        radio = page.get_by_test_id("stRadio")
        target = "Grade" if await radio.get_by_role("radio", name="Name", exact=True).is_checked() else "Name"
        await radio.get_by_text(target, exact=True).click(timeout=60_000)
    else:
        box = page.locator("input[aria-label='ZIP code']")
        current = await box.input_value()
        await box.fill(ZIPS[(ZIPS.index(current) + 1) % len(ZIPS)] if current in ZIPS else "",
                       force=True, timeout=60_000)
        await box.press("Enter")


async def settle(page) -> None:
    """Wait (untimed) until no new script run has started for 1.5 s: a fresh page can run the script
    twice (the URL is normalised), and a change made during that second run can be lost."""
    for _ in range(40):
        runs = await page.evaluate("window.__runsDone")
        await page.wait_for_timeout(1500)
        if await page.evaluate("window.__runsDone") == runs and await page.get_by_test_id("stApp").get_attribute(
                "data-test-script-state") == "notRunning":
            return


async def browser_session(browser, base: str, number: int, clock: dict, results: dict, started: asyncio.Event) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    await context.add_init_script(RUN_COUNTER)
    page = None
    await asyncio.sleep(number * 1.0)  # stagger the first page loads
    turn, loaded = number, False
    try:
        while time.monotonic() < clock["deadline"] or not loaded:
            try:
                if not loaded or turn % NAVIGATE_EVERY == 0:
                    kind = "load"
                    if page is not None:
                        await page.close()
                    page = await context.new_page()
                    page.on("pageerror", lambda error: results["page_errors"].append(f"session {number}: {error}"))
                    start = time.monotonic()
                    await page.goto(url_for(base, VIEWS[turn % len(VIEWS)]), wait_until="commit", timeout=120_000)
                    await page.wait_for_function(IDLE, arg=0, timeout=120_000, polling=50)
                    elapsed = time.monotonic() - start
                    await settle(page)
                else:
                    kind = "rerun"
                    before = await page.evaluate("window.__runsDone")
                    start = time.monotonic()
                    await act(page, ACTIONS[turn % len(ACTIONS)])
                    await page.wait_for_function(IDLE, arg=before, timeout=60_000, polling=50)
                    elapsed = time.monotonic() - start
            except Exception as error:  # a timeout or a failed navigation: counted, then a fresh page load
                results["failed"].append(f"session {number} turn {turn} ({page.url if page else ''}): {type(error).__name__}: {str(error)[:160]}")
                turn, loaded = turn + 1, False
                if time.monotonic() > clock["deadline"]:
                    break
                continue
            turn, loaded = turn + 1, True
            if await page.locator("[data-testid='stException']").count():
                results["exceptions"].append(f"session {number} turn {turn}")
            elif started.is_set():
                results[kind].append(elapsed)
            results["first_round"].add(number)
    finally:
        await context.close()


def change(session: Session, action: tuple) -> tuple[str, str | None]:
    """Make one widget change that always differs from the current value; return the query parameter
    the app should then write to the URL and its expected value (None: absent)."""
    kind, key, _, param = action
    if kind == "toggle":
        value = not session.value(key)
        session.set(key, value)
        return param, "1" if value else None
    if kind == "sort":
        value = "Grade" if session.value(key) == "Name" else "Name"
        session.set(key, value)
        return param, "name" if value == "Name" else None
    current = session.value(key)
    value = ZIPS[(ZIPS.index(current) + 1) % len(ZIPS)] if current in ZIPS else ""
    session.set(key, value)
    return param, value or None


async def ws_session(base: str, number: int, clock: dict, results: dict, started: asyncio.Event,
                     think: float = 0.0) -> None:
    """One protocol-level session: load a shared link, change filters, every fifth turn a new session.
    think: mean pause between turns in seconds (0: act again as soon as the run has finished)."""
    pace = random.Random(number)  # jittered pauses, so sessions do not act in lockstep; same every run
    await asyncio.sleep(number * 0.25)  # stagger the first page loads
    turn, session = number, None
    try:
        while time.monotonic() < clock["deadline"]:
            where = f"session {number} turn {turn}"
            if session is None or turn % NAVIGATE_EVERY == 0:
                kind = "load"
                if session is not None:
                    await session.close()
                view = VIEWS[turn % len(VIEWS)]
                session = Session(base, page=FIND_PAGE, query_string=urlencode(view), timeout=RUN_TIMEOUT_S)
                run = await session.open()
                if session.upstream:
                    results["upstreams"][session.upstream] = results["upstreams"].get(session.upstream, 0) + 1
                where += f" (load ?{urlencode(view)})"
            else:
                kind = "rerun"
                action = ACTIONS[turn % len(ACTIONS)]
                try:
                    param, expected = change(session, action)
                except KeyError as error:  # the widget is not on the page: the page is not what it should be
                    results["lost"].append(f"{where}: {error}")
                    await session.close()
                    session, turn = None, turn + 1
                    continue
                before = session.query_string
                run = await session.rerun()
                where += f" ({action[1]}: expect {param}={expected} after ?{before})"
                if run.ok and parse_qs(session.query_string).get(param, [None])[0] != expected:
                    results["lost"].append(f"{where}: URL after the run ?{session.query_string}, "
                                           f"expected {param}={expected}")
            turn += 1
            results["failed"].extend(f"{where}: {text}" for text in run.failures)
            results["exceptions"].extend(f"{where}: {text}" for text in run.errors)
            if not run.ok:  # counted once; then a fresh session, as a person would reload the page
                await session.close()
                session = None
            elif run.ok:
                if started.is_set():
                    results[kind].append(run.seconds)
                results["first_round"].add(number)
            if think:
                await asyncio.sleep(min(pace.uniform(0.5, 1.5) * think, max(0.0, clock["deadline"] - time.monotonic())))
    finally:
        if session is not None:
            await session.close()


@contextlib.asynccontextmanager
async def browser_client():
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
        try:
            yield functools.partial(browser_session, browser)
        finally:
            await browser.close()


@contextlib.asynccontextmanager
async def ws_client(think: float):
    yield functools.partial(ws_session, think=think)


def rss_all(servers: dict[str, int]) -> dict[str, float]:
    return {name: rss_mb(pid) for name, pid in servers.items()}


async def drive(base: str, sessions: int, seconds: float, servers: dict[str, int], client: str, think: float = 0.0,
                proxy_pid: int | None = None) -> dict:
    """Run the sessions; servers: name -> pid of each app server we can read (none for --url);
    proxy_pid: nginx's master (its CPU, workers included)."""
    results = {"rerun": [], "load": [], "failed": [], "exceptions": [], "page_errors": [], "lost": [],
               "first_round": set(), "upstreams": {}}
    started = asyncio.Event()
    async with (browser_client() if client == "browser" else ws_client(think)) as run_session:
        # The timed window starts once every session has loaded the page (warm-up, bounded separately).
        clock = {"deadline": time.monotonic() + WARM_UP_LIMIT_S + seconds}
        tasks = [asyncio.create_task(run_session(base, i, clock, results, started)) for i in range(sessions)]
        warm_until = time.monotonic() + WARM_UP_LIMIT_S
        while len(results["first_round"]) < sessions and time.monotonic() < warm_until and not all(t.done() for t in tasks):
            await asyncio.sleep(0.2)
        results["warm_up_s"] = round(time.monotonic() - (warm_until - WARM_UP_LIMIT_S))
        clock["deadline"] = time.monotonic() + seconds
        started.set()
        results["rss_start"] = rss_all(servers)
        # CPU used in the timed window by the servers, nginx and this client (they share the cores).
        proxy = process_tree(proxy_pid) if proxy_pid else []
        cpu_start = ({name: cpu_seconds(pid) for name, pid in servers.items()}, sum(map(cpu_seconds, proxy)),
                     time.process_time())
        results["rss_max"] = dict(results["rss_start"])
        while not all(t.done() for t in tasks):
            for name, mb in rss_all(servers).items():
                results["rss_max"][name] = max(results["rss_max"][name], mb)
            await asyncio.sleep(1)
        for outcome in await asyncio.gather(*tasks, return_exceptions=True):
            if isinstance(outcome, BaseException):  # a bug in the client: reported, never hidden
                results["failed"].append(f"client crashed: {type(outcome).__name__}: {outcome}")
        results["rss_end"] = rss_all(servers)
        results["tracebacks"] = [text for pid in servers.values() for text in server_tracebacks(pid)]
        results["cpu_server_s"] = {name: round(cpu_seconds(pid) - cpu_start[0][name], 1) for name, pid in servers.items()}
        results["cpu_proxy_s"] = round(sum(map(cpu_seconds, proxy)) - cpu_start[1], 1) if proxy else None
        results["cpu_client_s"] = round(time.process_time() - cpu_start[2], 1)
    return results


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


@contextlib.contextmanager
def target(args, data_dir: str | None):
    """Yield (base URL, servers: name -> pid, nginx's pid) for the chosen set-up."""
    if args.url:
        yield args.url.rstrip("/"), {}, None
    elif args.replicas:
        from deploy.serve import cluster

        with cluster(args.replicas, data_dir=data_dir, timeout=180) as running:
            yield running.url, {f"127.0.0.1:{r.port}": r.process.pid for r in running.replicas}, running.nginx.pid
    else:
        with streamlit_server(data_dir=data_dir, timeout=120) as base:
            pid = streamlit_pid()
            if pid is None:
                raise RuntimeError("could not find the streamlit process")
            yield base, {"server": pid}, None


def joined(values: dict) -> str:
    """Per-server figures as one token: 210.5/231.0 (replica order)."""
    return "/".join(f"{value:g}" for value in values.values()) or "n/a"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=300, help="how long the sessions run (default 300)")
    parser.add_argument("--sessions", type=int, default=20, help="concurrent sessions (default 20)")
    parser.add_argument("--providers", type=int, help="use a synthetic directory of this many providers")
    parser.add_argument("--client", choices=("ws", "browser"), default="ws",
                        help="ws: Streamlit's websocket protocol, no browser (default); browser: chromium tabs")
    parser.add_argument("--think", type=float, default=0.0,
                        help="ws client: mean pause between a session's changes in seconds (default 0: none)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--replicas", type=int, help="start this many app replicas behind nginx (deploy/serve.py)")
    where.add_argument("--url", help="target a running server or nginx (no memory or CPU figures)")
    args = parser.parse_args(argv)
    if args.client == "browser" and chromium_path() is None:
        print("Debian's chromium is missing: run `make chromium` first.", file=sys.stderr)
        return 2
    if args.url and args.providers:
        print("--providers needs a server started here; a --url server reads its own data", file=sys.stderr)
        return 2
    # The server runs the code it started with: with the file watcher on, an edit to the working tree
    # during a run (someone working in the repo) reloads modules mid-run and shows up as errors here.
    os.environ.setdefault("STREAMLIT_SERVER_FILE_WATCHER_TYPE", "none")
    with tempfile.TemporaryDirectory(prefix="vetting-load-") as tmp:
        data_dir = None
        if args.providers:
            from benchmarks.synthetic import generate_directory

            data_dir = str(generate_directory(Path(tmp) / "synthetic", args.providers))
        with target(args, data_dir) as (base, servers, proxy_pid):
            rss_fresh = rss_all(servers)
            setup = (f"{args.replicas} replica(s) behind nginx" if args.replicas else
                     "a running server" if args.url else "one server")
            pids = "/".join(map(str, servers.values())) or "n/a"
            data = "the server's own" if args.url else data_dir or "bundled data/"
            print(f"{setup} at {base} (pids {pids}), data: {data}; {args.sessions} {args.client} sessions for "
                  f"{args.seconds:g} s, think {args.think:g} s; RSS at start-up {joined(rss_fresh)} MB", flush=True)
            results = asyncio.run(drive(base, args.sessions, args.seconds, servers, args.client, args.think, proxy_pid))
    reruns = [round(x * 1000) for x in results["rerun"]]
    loads = [round(x * 1000) for x in results["load"]]
    kinds = ("failed", "exceptions", "page_errors", "lost")
    errors = sum(len(results[kind]) for kind in kinds)
    for kind in kinds:
        for line in results[kind][:5]:
            print(f"  {kind}: {line}")
    tracebacks = results["tracebacks"]
    if tracebacks:
        distinct = {}
        for text in tracebacks:
            distinct.setdefault(text.splitlines()[-1], text)
        print(f"server log: {len(tracebacks)} traceback(s), {len(distinct)} distinct; the first of each:")
        for text in list(distinct.values())[:3]:
            print("    " + "\n    ".join(text.splitlines()[-12:]))
    growth = {name: results["rss_end"][name] / start - 1 for name, start in results["rss_start"].items() if start}
    flat = all(abs(g) <= 0.2 for g in growth.values())
    print(f"warm-up (every session loaded once): {results['warm_up_s']} s")
    print(f"measured after warm-up: {len(reruns)} reruns and {len(loads)} page loads in {args.seconds:g} s, {args.sessions} sessions")
    print(f"errors: {errors} (timeouts, dropped connections or failed navigations {len(results['failed'])}, "
          f"exceptions or failed runs {len(results['exceptions'])}, page errors {len(results['page_errors'])}, "
          f"changes not taken up {len(results['lost'])})  {'PASS' if errors == 0 else 'MISS'}")
    for label, values in (("rerun (widget change -> run finished)", reruns),
                          ("page load (new session on a shared link -> first run finished)", loads)):
        if values:
            print(f"{label}: p50 {statistics.median(values):,.0f} ms, p95 {percentile(values, 0.95):,.0f} ms, max {max(values):,} ms")
    if results["upstreams"]:
        print("sessions opened per replica (nginx's X-Upstream): "
              + ", ".join(f"{name} {count}" for name, count in sorted(results["upstreams"].items())))
    client_note = " (plus chromium's own processes)" if args.client == "browser" else ""
    proxy_note = f", nginx {results['cpu_proxy_s']} s" if results["cpu_proxy_s"] is not None else ""
    print(f"CPU in the timed window: server(s) {joined(results['cpu_server_s'])} s{proxy_note}, "
          f"this client {results['cpu_client_s']} s{client_note}")
    for name in servers:
        print(f"{name} RSS: after warm-up {results['rss_start'][name]} MB, end {results['rss_end'][name]} MB "
              f"({growth.get(name, float('nan')):+.0%}), peak {results['rss_max'][name]} MB")
    if servers:
        print(f"memory {'PASS' if flat else 'MISS'} (every server flat within 20%)")
    p50 = statistics.median(reruns) if reruns else "n/a"
    p95 = percentile(reruns, 0.95) if reruns else "n/a"
    print(f"client={args.client} think_s={args.think:g} replicas={args.replicas or (0 if args.url else 1)} "
          f"sessions={args.sessions} providers={args.providers or 'bundled'} load_errors={errors} "
          f"server_tracebacks={len(tracebacks)} reruns={len(reruns)} rerun_p50_ms={p50} rerun_p95_ms={p95} "
          f"rss_start_mb={joined(results['rss_start'])} rss_end_mb={joined(results['rss_end'])} "
          f"rss_peak_mb={joined(results['rss_max'])} cpu_server_s={joined(results['cpu_server_s'])} "
          f"cpu_nginx_s={results['cpu_proxy_s'] if results['cpu_proxy_s'] is not None else 'n/a'} "
          f"cpu_client_s={results['cpu_client_s']}")
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
