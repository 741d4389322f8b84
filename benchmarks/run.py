"""`make bench`: how the directory scales, on synthetic directories of 1k, 10k and 50k providers.

Measures, and prints PASS/MISS against the targets of issue 7:
- load: vetting.load_directory (read + validate + cross-check + geocode), per size;
- prepare: vetting.find.prepare, the per-data-version work (prices, the filters' helper columns,
  public evidence resolved), once per size: the app does it once after loading;
- pipeline: vetting.find.enrich (grades from the prepared statuses, with answers and weights) + find
  (filters, sort, the rows shown) for a typical view (route iv,im; ZIP 10001 within 100 miles;
  accepts Aetna), median of several runs, per size: what a new view or new weights cost;
- Find page rerun at 50k: the app through AppTest, warmed up once, then the median time of
  at.run() after changing a filter; and the same for benchmarks/bare_page.py (a 50k-row table and
  a 50k-point map with no logic: the floor). ratio = Find rerun / bare rerun;
- claim audit of a ~1 MB marketing-like text (vetting.claims.audit), median;
- peak RSS of the process that served the Find page at the largest size (a fresh process, so it
  holds one directory and the app's caches, as a server would).
- browser: Chromium loading Find (benchmarks/browser.py) until its results are visible, against the
  bare page in the same run, on the bundled data and on the 10k synthetic directory;
  browser_ratio = Find / bare (target <= 1.2), and the results should come before the map.
The last line is machine-readable:
    find_rerun_ratio=<x> pipeline_ms=<y> rerun_ms=<z> audit_1mb_ms=<w> rss_mb=<v> browser_results_ms=<a> browser_bare_ms=<b> browser_ratio=<c>

    python -m benchmarks.run [--sizes 1000,10000,50000] [--runs 5] [--keep FOLDER]
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TYPICAL_VIEW = {"route": "iv,im", "zip": "10001", "radius": "100", "insurance": "aetna"}
TARGETS = {"rerun_ms": 150.0, "find_rerun_ratio": 0.5, "pipeline_ms": 50.0, "audit_1mb_ms": 500.0, "rss_mb": 400.0}
# Filter changes made between timed reruns of the Find page: (widget kind, key, value). They keep the
# result large (the map and table are the expensive part) and half of them return to a state seen before.
FIND_CHANGES = [
    ("checkbox", "f_closed", True),
    ("multiselect", "f_route", ["iv", "im"]),
    ("checkbox", "f_no_red_flags", True),
    ("checkbox", "f_no_red_flags", False),
    ("multiselect", "f_route", []),
    ("checkbox", "f_closed", False),
]


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def timed(fn, runs: int) -> tuple[float, object]:
    """Median wall time of `runs` calls (ms) and the last result."""
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return ms(statistics.median(times)), result


def rss_mb() -> float:
    """Peak resident memory of this process (MB). VmHWM, not ru_maxrss: on Linux ru_maxrss survives
    exec, so a spawned child would report its parent's size at the fork (seen here: 483 MB for a
    child whose own peak was 374 MB, the parent holding three synthetic directories)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # Linux: KiB


def verdict(name: str, value) -> str:
    if value is None:
        return "n/a"
    return "PASS" if (value <= TARGETS[name] if name == "find_rerun_ratio" else value < TARGETS[name]) else "MISS"


def bench_sizes(folder: Path, sizes: list[int], runs: int) -> list[dict]:
    from benchmarks.synthetic import generate_directory
    from vetting import filters as F
    from vetting import geo, load_directory
    from vetting.find import enrich, find, prepare

    geo.zip_table()  # the shipped ZIP centroid table loads once per process; not part of any one load
    state, notes = F.parse_params(TYPICAL_VIEW)
    assert not notes, notes
    rows = []
    for n in sizes:
        target = generate_directory(folder / f"synthetic-{n}", n)
        load_ms, directory = timed(lambda: load_directory(target), 1 if n >= 10_000 else 3)
        assert not directory.problems, directory.problems[:3]
        # prepare: once per data version (prices, filter helper columns, public evidence resolved).
        prepare_ms, prepared = timed(lambda: prepare(directory.providers, directory.evidence, directory.prices), 1 if n >= 10_000 else runs)
        enrich_ms, enriched = timed(lambda: enrich(prepared), runs)
        find_ms, (results, _view) = timed(lambda: find(enriched, state), runs)
        pipeline_ms, _ = timed(lambda: find(enrich(prepared), state), runs)
        rows.append({"n": n, "folder": target, "load_ms": load_ms, "prepare_ms": prepare_ms, "enrich_ms": enrich_ms,
                     "find_ms": find_ms, "pipeline_ms": pipeline_ms, "shown": len(results)})
        print(f"  {n:>6,} providers: load {load_ms:>8,.0f} ms   prepare {prepare_ms:>6,.0f} ms   enrich {enrich_ms:>6,.1f} ms"
              f"   find {find_ms:>6,.1f} ms   pipeline {pipeline_ms:>6,.1f} ms   ({len(results):,} shown)", flush=True)
        del directory, prepared, enriched, results
        gc.collect()
    return rows


def _change(at, kind: str, key: str, value) -> None:
    widget = getattr(at, kind)(key=key)
    widget.check() if kind == "checkbox" and value is True else widget.uncheck() if kind == "checkbox" else widget.set_value(value)


def bench_page(script: Path, data_folder: Path, changes: list[tuple], label: str) -> tuple[float, list[float]]:
    """Median ms of at.run() after each change (a warm-up run first); raises if the page errors."""
    from streamlit.testing.v1 import AppTest

    os.environ["VETTING_DATA_DIR"] = str(data_folder)
    at = AppTest.from_file(str(script), default_timeout=600)
    start = time.perf_counter()
    at.run()
    if at.exception:
        raise RuntimeError(f"{label}: {[e.value for e in at.exception]}")
    print(f"  {label}: first run {ms(time.perf_counter() - start):,.0f} ms (loads the directory)", flush=True)
    at.run()  # second warm-up: caches filled, query parameters settled
    times = []
    for kind, key, value in changes:
        _change(at, kind, key, value)
        start = time.perf_counter()
        at.run()
        times.append(ms(time.perf_counter() - start))
        if at.exception:
            raise RuntimeError(f"{label} after {key}={value!r}: {[e.value for e in at.exception]}")
    print(f"  {label}: reruns {', '.join(f'{t:,.0f}' for t in times)} ms", flush=True)
    return round(statistics.median(times), 1), times


def _page_in_child(script: str, data_folder: str, changes: list, label: str, queue) -> None:
    try:
        median, times = bench_page(Path(script), Path(data_folder), changes, label)
        queue.put((median, times, rss_mb(), None))
    except Exception as error:  # reported by the parent
        queue.put((None, None, rss_mb(), f"{type(error).__name__}: {error}"))


def bench_page_process(script: Path, data_folder: Path, changes: list[tuple], label: str) -> tuple[float, list[float], float]:
    """bench_page in a fresh process, so its peak RSS is the app's alone (one 50k directory and its
    caches), not this process's, which has also held the 1k and 10k directories."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=_page_in_child, args=(str(script), str(data_folder), changes, label, queue))
    child.start()
    median, times, peak, error = queue.get()
    child.join()
    if error:
        raise RuntimeError(error)
    print(f"  {label}: peak RSS of the serving process {peak:,.0f} MB", flush=True)
    return median, times, peak


def bench_audit(runs: int) -> float | None:
    try:
        from vetting.claims import audit
    except ImportError:
        print("  claim audit: vetting.claims.audit not available yet (n/a)")
        return None
    from benchmarks.synthetic import marketing_text

    text = marketing_text(1_000_000)
    audit_ms, _ = timed(lambda: audit(text), runs)
    print(f"  claim audit of {len(text):,} characters: {audit_ms:,.0f} ms (median of {runs})", flush=True)
    return audit_ms


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,50000", help="provider counts, comma-separated (the largest is used for the page reruns)")
    parser.add_argument("--runs", type=int, default=5, help="runs per median")
    parser.add_argument("--keep", help="write the synthetic folders here (kept) instead of a temporary folder")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium timing")
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="vetting-bench-") as tmp:
        folder = Path(args.keep) if args.keep else Path(tmp)
        print(f"Synthetic directories in {folder} (seeded; never in data/)")
        print("Load and filter+score pipeline (typical view: " + ", ".join(f"{k}={v}" for k, v in TYPICAL_VIEW.items()) + "):")
        rows = bench_sizes(folder, sizes, args.runs)
        largest = rows[-1]
        print(f"Page reruns at {largest['n']:,} providers (AppTest, server side; median after a filter change):")
        rerun_ms, _, app_rss = bench_page_process(ROOT / "app.py", largest["folder"], FIND_CHANGES, "Find page")
        bare_ms, _, _ = bench_page_process(ROOT / "benchmarks" / "bare_page.py", largest["folder"],
                                           [("checkbox", "tick", i % 2 == 0) for i in range(len(FIND_CHANGES))], "bare page")
        audit_ms = bench_audit(3)
        browser_rows = []
        if not args.no_browser:
            from benchmarks.browser import bench as bench_browser
            from tests.browser.server import chromium_path

            if chromium_path() is None:
                print("Browser timing skipped: chromium is not installed (`make chromium`).")
            else:
                print("Browser (Chromium, desktop width; median of fresh loads until the results are visible):")
                browser_rows.append(bench_browser(None, 3, "bundled data"))
                ten_k = next((r for r in rows if r["n"] == 10_000), None)
                if ten_k is not None:
                    browser_rows.append(bench_browser(str(ten_k["folder"]), 3, "10,000 synthetic providers"))
    figures = {
        "find_rerun_ratio": round(rerun_ms / bare_ms, 2),
        "pipeline_ms": largest["pipeline_ms"],
        "rerun_ms": rerun_ms,
        "audit_1mb_ms": audit_ms,
        "rss_mb": app_rss,
    }
    print()
    print(f"{'size':>8} {'load ms':>10} {'prepare ms':>11} {'enrich ms':>10} {'find ms':>9} {'pipeline ms':>12} {'shown':>7}")
    for row in rows:
        print(f"{row['n']:>8,} {row['load_ms']:>10,.0f} {row['prepare_ms']:>11,.0f} {row['enrich_ms']:>10,.1f}"
              f" {row['find_ms']:>9,.1f} {row['pipeline_ms']:>12,.1f} {row['shown']:>7,}")
    print()
    labels = {"rerun_ms": f"Find page rerun at {largest['n']:,} (ms)", "find_rerun_ratio": "Find rerun / bare rerun",
              "pipeline_ms": f"pipeline at {largest['n']:,} (ms)", "audit_1mb_ms": "claim audit of 1 MB (ms)",
              "rss_mb": f"peak RSS, app at {largest['n']:,} (MB)"}
    targets = {"rerun_ms": "< 150", "find_rerun_ratio": "<= 0.5", "pipeline_ms": "< 50", "audit_1mb_ms": "< 500", "rss_mb": "< 400"}
    print(f"{'figure':<32} {'value':>9} {'target':>8}  result")
    print(f"{'bare page rerun (ms)':<32} {bare_ms:>9,.1f} {'':>8}  (floor)")
    for name in ("rerun_ms", "find_rerun_ratio", "pipeline_ms", "audit_1mb_ms", "rss_mb"):
        value = figures[name]
        shown = "n/a" if value is None else f"{value:,.2f}" if name == "find_rerun_ratio" else f"{value:,.1f}"
        print(f"{labels[name]:<32} {shown:>9} {targets[name]:>8}  {verdict(name, value)}")
    for row in browser_rows:
        map_first = row["browser_map_ms"] is None or row["browser_results_ms"] < row["browser_map_ms"]
        print(f"{'browser, ' + row['label']:<32} {row['browser_ratio']:>9,.2f} {'<= 1.2':>8}  "
              f"{'PASS' if row['browser_ratio'] <= 1.2 else 'MISS'} (results {row['browser_results_ms']:,.0f} ms, "
              f"bare {row['browser_bare_ms']:,.0f} ms; results before the map: {'yes' if map_first else 'no'})")
    if browser_rows:
        last = browser_rows[-1]  # the largest size measured
        figures.update({k: last[k] for k in ("browser_results_ms", "browser_bare_ms", "browser_ratio")})
    print(f"(whole bench: {time.perf_counter() - started:,.0f} s)")
    print(" ".join(f"{k}={'n/a' if v is None else v}" for k, v in figures.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
