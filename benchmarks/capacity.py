"""`make capacity`: `benchmarks.load` through nginx for each setting below, one after another; prints
the capacity table of benchmarks/README.md and the sessions one replica holds at a p95 rerun under 1 s.

Every setting is a fresh `python -m benchmarks.load --replicas N` (new replicas, new nginx, all on
127.0.0.1) for --seconds after its warm-up, with sessions at a person's pace (--think, mean seconds
between a session's changes) unless the setting says otherwise. Each run's full report goes to
--out (default bench-out/capacity/). About 20 minutes with the defaults.

    python -m benchmarks.capacity [--seconds 60] [--think 5] [--out bench-out/capacity]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# (providers: None = bundled data/, replicas, sessions per replica, think seconds: None = --think)
SETTINGS = [
    (providers, replicas, per_replica, None)
    for providers in (None, 10_000)
    for replicas, steps in ((1, (10, 20, 30, 40)), (3, (10, 20, 40)))
    for per_replica in steps
] + [
    (None, 3, 20 / 3, 0.0),  # `make load`'s stress load (20 sessions, no pause) through nginx
    (None, 1, 20, 0.0),  # the same on one replica, for comparison
]
P95_TARGET_MS = 1000


def parse(report: str) -> dict[str, str]:
    """The load report's last line: key=value pairs."""
    last = [line for line in report.splitlines() if line.startswith("client=")][-1]
    return dict(pair.split("=", 1) for pair in last.split())


def row(result: dict[str, str], per_replica: float) -> str:
    starts, ends = result["rss_start_mb"].split("/"), result["rss_end_mb"].split("/")
    rss = ", ".join(f"{a} -> {b}" for a, b in zip(starts, ends))
    data = "bundled (251)" if result["providers"] == "bundled" else f"{int(result['providers']):,} synthetic"
    per = f"{per_replica:g}" if per_replica == int(per_replica) else f"{per_replica:.1f}"
    return (f"| {data} | {result['replicas']} | {result['sessions']} ({per}) | {result['think_s']} | {result['reruns']} "
            f"| {result['rerun_p50_ms']} / {result['rerun_p95_ms']} | {result['load_errors']} | {rss} "
            f"| {result['cpu_server_s']} | {result['cpu_nginx_s']} | {result['cpu_client_s']} |")


HEADER = ("| data | replicas | sessions (per replica) | think s | reruns | rerun p50 / p95 ms | errors "
          "| RSS per replica, MB (after warm-up -> end) | CPU s per replica | nginx CPU s | client CPU s |\n"
          "|---|---:|---:|---:|---:|---:|---:|---|---|---:|---:|")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60, help="timed window per setting (default 60)")
    parser.add_argument("--think", type=float, default=5.0, help="mean pause between a session's changes (default 5)")
    parser.add_argument("--out", default=str(ROOT / "bench-out" / "capacity"), help="folder for each run's report")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rows, holds = [], {}
    started = time.monotonic()
    for providers, replicas, per_replica, think in SETTINGS:
        think = args.think if think is None else think
        sessions = round(replicas * per_replica)
        command = [sys.executable, "-m", "benchmarks.load", "--replicas", str(replicas), "--sessions", str(sessions),
                   "--seconds", f"{args.seconds:g}", "--think", f"{think:g}"]
        if providers:
            command += ["--providers", str(providers)]
        name = f"{providers or 'bundled'}-r{replicas}-s{sessions}-t{think:g}.txt"
        print(f"[{time.monotonic() - started:5.0f} s] {' '.join(command[1:])}", flush=True)
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        (out / name).write_text(done.stdout + done.stderr)
        try:
            result = parse(done.stdout)
        except IndexError:
            print(f"  no report (exit {done.returncode}); see {out / name}", flush=True)
            continue
        rows.append(row(result, per_replica))
        print("  " + rows[-1], flush=True)
        p95 = result["rerun_p95_ms"]
        if replicas == 1 and think > 0 and result["load_errors"] == "0" and p95 != "n/a" and int(p95) < P95_TARGET_MS:
            holds[result["providers"]] = max(holds.get(result["providers"], 0), sessions)
    print(f"\nall settings in {time.monotonic() - started:.0f} s\n\n{HEADER}")
    print("\n".join(rows))
    for data, sessions in holds.items():
        print(f"one replica, {data} data, think {args.think:g} s: {sessions} sessions with p95 < {P95_TARGET_MS} ms "
              f"(largest setting measured that met it)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
