"""Browser timing for `make bench`: how long Find takes in Chromium until its results are visible,
against benchmarks/bare_page.py (a bare Streamlit page showing a table of every provider and a
map, with no logic) in the same run, on the same data.

Each measurement is a fresh browser context (no cache) loading the page over loopback, timed from
navigation until the results table is visible, and separately until the map's canvas is drawn.
Debian's chromium draws WebGL in software here, so the map is slow; what matters is that the
results come first and that Find stays within a small factor of the bare page.

    python -m benchmarks.browser [--providers N] [--runs 3]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from tests.browser.server import CHROMIUM_ARGS, chromium_path, free_port

ROOT = Path(__file__).resolve().parent.parent
RESULTS = "[data-testid='stDataFrame']"
MAP = "[data-testid='stDeckGlJsonChart'] canvas"
FIND_VIEW = "/?route=iv,im&zip=10001&radius=100"


@contextlib.contextmanager
def serve(script: Path, data_dir: str | None, timeout: float = 90.0):
    """A `streamlit run SCRIPT` on a free loopback port, stopped afterwards."""
    port = free_port()
    env = dict(os.environ, STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    if data_dir:
        env["VETTING_DATA_DIR"] = str(data_dir)
    log = tempfile.TemporaryFile()
    process = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
                                "--server.address", "127.0.0.1", "--server.headless", "true",
                                "--server.fileWatcherType", "none"], cwd=ROOT, env=env, stdout=log,
                               stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(log.read().decode(errors="replace")[-2000:])
                time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)
        log.close()


def time_page(browser, url: str, runs: int) -> tuple[float, float | None]:
    """Median ms until the results table is visible, and until the map canvas exists (None if never)."""
    results, maps = [], []
    for run in range(runs + 1):  # the first load warms the server's caches and is not counted
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        start = time.perf_counter()
        page.goto(url)
        page.wait_for_selector(RESULTS, state="visible", timeout=120_000)
        shown = time.perf_counter() - start
        try:
            page.wait_for_selector(MAP, state="attached", timeout=60_000)
            drawn = time.perf_counter() - start
        except Exception:  # noqa: BLE001 - a map that never draws is reported, not fatal
            drawn = None
        context.close()
        if run:
            results.append(shown * 1000)
            if drawn is not None:
                maps.append(drawn * 1000)
    return round(statistics.median(results), 1), (round(statistics.median(maps), 1) if maps else None)


def bench(data_dir: str | None, runs: int, label: str) -> dict:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
        try:
            with serve(ROOT / "app.py", data_dir) as url:
                find_ms, find_map_ms = time_page(browser, url + FIND_VIEW, runs)
            with serve(ROOT / "benchmarks" / "bare_page.py", data_dir or str(ROOT / "data")) as url:
                bare_ms, bare_map_ms = time_page(browser, url, runs)
        finally:
            browser.close()
    row = {"label": label, "browser_results_ms": find_ms, "browser_map_ms": find_map_ms,
           "browser_bare_ms": bare_ms, "browser_bare_map_ms": bare_map_ms,
           "browser_ratio": round(find_ms / bare_ms, 2)}
    print(f"  {label}: Find results visible {find_ms:,.0f} ms (map {find_map_ms or 'n/a'} ms); "
          f"bare page {bare_ms:,.0f} ms (map {bare_map_ms or 'n/a'} ms); ratio {row['browser_ratio']}", flush=True)
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--providers", type=int, default=0, help="a synthetic directory of N providers (0: the bundled data)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    if chromium_path() is None:
        print("chromium is not installed: `make chromium` installs it", file=sys.stderr)
        return 2
    if args.providers:
        from benchmarks.synthetic import generate_directory

        with tempfile.TemporaryDirectory(prefix="vetting-browser-") as tmp:
            generate_directory(tmp, args.providers)
            row = bench(tmp, args.runs, f"{args.providers:,} synthetic providers")
    else:
        row = bench(None, args.runs, "bundled data")
    print(" ".join(f"{k}={v}" for k, v in row.items() if k != "label"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
