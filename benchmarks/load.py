"""`make load`: 20 concurrent browser sessions on the Find page for a bounded time.

Starts `streamlit run app.py` on a free 127.0.0.1 port (tests/browser/server.py), opens N sessions
(browser contexts in one Debian chromium: 20 whole browsers are too heavy for 2 cores), and has each
session change filters in a loop until the time is up: mostly widget changes (a rerun over the
session's websocket), and every fifth turn a fresh page load of a shared link with query parameters.
A change is timed until the script run has finished (the app root's data-test-script-state is back to
notRunning) and the table or a notice is shown.

Reports errors (page exceptions, [data-testid='stException'] elements, failed navigations: must be 0),
p50/p95 rerun and page-load latency, and the server's memory (VmRSS of the streamlit process) after a warm-up round and at
the end: flat means the end is within 20% of the start.

    python -m benchmarks.load [--seconds 300] [--sessions 20] [--providers N]

--providers N runs the app on a synthetic directory of N providers (default: the bundled data/).
Not part of `make test`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

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
ACTIONS = [
    ("toggle", "No red flags"),
    ("sort", None),
    ("zip", None),
    ("toggle", "Include closed providers"),
    ("sort", None),
    ("zip", None),
]
ZIPS = ("10001", "78701", "")
WARM_UP_LIMIT_S = 600  # at most this long for every session to load the page once
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


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def url_for(base: str, view: dict) -> str:
    from urllib.parse import urlencode

    return f"{base}/find" + (f"?{urlencode(view)}" if view else "")


async def act(page, action: tuple) -> None:
    """Make one widget change that always differs from the current value."""
    kind, label = action
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


async def session(browser, base: str, number: int, clock: dict, results: dict, started: asyncio.Event) -> None:
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


async def drive(base: str, sessions: int, seconds: float, pid: int) -> dict:
    from playwright.async_api import async_playwright

    results = {"rerun": [], "load": [], "failed": [], "exceptions": [], "page_errors": [], "first_round": set()}
    started = asyncio.Event()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
        # The timed window starts once every session has loaded the page (warm-up, bounded separately).
        clock = {"deadline": time.monotonic() + WARM_UP_LIMIT_S + seconds}
        tasks = [asyncio.create_task(session(browser, base, i, clock, results, started)) for i in range(sessions)]
        warm_until = time.monotonic() + WARM_UP_LIMIT_S
        while len(results["first_round"]) < sessions and time.monotonic() < warm_until and not all(t.done() for t in tasks):
            await asyncio.sleep(0.2)
        results["warm_up_s"] = round(time.monotonic() - (warm_until - WARM_UP_LIMIT_S))
        clock["deadline"] = time.monotonic() + seconds
        started.set()
        results["rss_start"] = rss_mb(pid)
        results["rss_max"] = results["rss_start"]
        while not all(t.done() for t in tasks):
            results["rss_max"] = max(results["rss_max"], rss_mb(pid))
            await asyncio.sleep(1)
        await asyncio.gather(*tasks, return_exceptions=True)
        results["rss_end"] = rss_mb(pid)
        await browser.close()
    return results


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=300, help="how long the sessions run (default 300)")
    parser.add_argument("--sessions", type=int, default=20, help="concurrent browser sessions (default 20)")
    parser.add_argument("--providers", type=int, help="use a synthetic directory of this many providers")
    args = parser.parse_args(argv)
    if chromium_path() is None:
        print("Debian's chromium is missing: run `make chromium` first.", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="vetting-load-") as tmp:
        data_dir = None
        if args.providers:
            from benchmarks.synthetic import generate_directory

            data_dir = str(generate_directory(Path(tmp) / "synthetic", args.providers))
        with streamlit_server(data_dir=data_dir, timeout=120) as base:
            pid = streamlit_pid()
            if pid is None:
                print("could not find the streamlit process", file=sys.stderr)
                return 1
            rss_fresh = rss_mb(pid)
            print(f"server {base} (pid {pid}), data: {data_dir or 'bundled data/'}; {args.sessions} sessions "
                  f"for {args.seconds:g} s; RSS at start-up {rss_fresh} MB", flush=True)
            results = asyncio.run(drive(base, args.sessions, args.seconds, pid))
    reruns = [round(x * 1000) for x in results["rerun"]]
    loads = [round(x * 1000) for x in results["load"]]
    errors = len(results["failed"]) + len(results["exceptions"]) + len(results["page_errors"])
    for kind in ("failed", "exceptions", "page_errors"):
        for line in results[kind][:5]:
            print(f"  {kind}: {line}")
    growth = results["rss_end"] / results["rss_start"] - 1 if results["rss_start"] else float("nan")
    print(f"warm-up (every session loaded once): {results['warm_up_s']} s")
    print(f"measured after warm-up: {len(reruns)} reruns and {len(loads)} page loads in {args.seconds:g} s, {args.sessions} sessions")
    print(f"errors: {errors} (failed navigations or timeouts {len(results['failed'])}, stException "
          f"{len(results['exceptions'])}, page errors {len(results['page_errors'])})  {'PASS' if errors == 0 else 'MISS'}")
    for label, values in (("rerun (widget change -> run finished)", reruns), ("page load (shared link -> run finished)", loads)):
        if values:
            print(f"{label}: p50 {statistics.median(values):,.0f} ms, p95 {percentile(values, 0.95):,.0f} ms, max {max(values):,} ms")
    print(f"server RSS: after warm-up {results['rss_start']} MB, end {results['rss_end']} MB "
          f"({growth:+.0%}), peak {results['rss_max']} MB  {'PASS' if abs(growth) <= 0.2 else 'MISS'} (flat within 20%)")
    p50 = statistics.median(reruns) if reruns else "n/a"
    p95 = percentile(reruns, 0.95) if reruns else "n/a"
    print(f"load_errors={errors} rerun_p50_ms={p50} rerun_p95_ms={p95} "
          f"rss_start_mb={results['rss_start']} rss_end_mb={results['rss_end']}")
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
