"""Start `streamlit run app.py` on a free loopback port and Debian's chromium for browser tests."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from deploy.serve import free_port

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage"]


# A phone's user agent: Find starts with cards for it, as it does for a real phone.
PHONE_AGENT = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
               "Chrome/126.0 Mobile Safari/537.36")


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@contextlib.contextmanager
def streamlit_server(data_dir: str | None = None, timeout: float = 60.0):
    """Yield the base URL of a fresh app server; stop it afterwards."""
    port = free_port()
    env = dict(os.environ, STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    if data_dir:
        env["VETTING_DATA_DIR"] = data_dir
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise RuntimeError(f"streamlit did not start:\n{log.read().decode(errors='replace')[-3000:]}")
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def wait_for_app(page, timeout_ms: int = 60_000) -> None:
    """Wait until Streamlit has finished the script run: a page title drawn, no loading placeholder,
    no 'running' indicator, and content that has not changed for two seconds."""
    page.wait_for_selector("[data-testid='stMain']", timeout=timeout_ms)
    page.wait_for_function(
        """() => {
            const running = document.querySelector("[data-testid='stStatusWidget']");
            const main = document.querySelector("[data-testid='stMain']");
            const size = main.innerText.length + ":" + main.querySelectorAll("canvas").length
                + ":" + document.querySelectorAll("[data-testid='stSkeleton']").length;
            const now = Date.now();
            // every page of the app has a title; until it is drawn the page is still loading
            const loading = document.querySelector("[data-testid='stSkeleton']") || !main.querySelector("h1");
            if (running || loading || window.__lastSize !== size) { window.__lastSize = size; window.__stableSince = now; return false; }
            return now - window.__stableSince > 2000;
        }""", timeout=timeout_ms, polling=250)
