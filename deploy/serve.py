"""`make serve REPLICAS=3 [PORT=8501]`: N `streamlit run app.py` replicas behind nginx, on this machine.

Each replica listens on its own free 127.0.0.1 port; nginx (deploy/nginx.conf.template rendered for
those ports) listens on 127.0.0.1:PORT and sends each browser to one replica for good (a cookie key
hashed onto the replicas: a session lives in one replica's memory). Before nginx starts, every
replica must answer 200 on /_stcore/health (the active check; open-source nginx only has passive
checks, `max_fails`); while serving, the launcher polls them every few seconds and reports a replica
that stops answering, and nginx routes around it. nginx runs in the foreground with its prefix,
temp folders, logs and pid file under a temporary folder, not as the system service.
Ctrl-C (or SIGTERM) stops nginx and every replica.

    python -m deploy.serve [--replicas 3] [--port 8501] [--data FOLDER]

--data: the data folder every replica reads (VETTING_DATA_DIR; default the bundled data/). A change to
its files reaches every replica on its next rerun (ui._fingerprint), with no restart.
`cluster()` is the same thing as a context manager, for the tests and `benchmarks.load --replicas`.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = Path(__file__).with_name("nginx.conf.template")
TEMP_FOLDERS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
# Passive health for each upstream server: this many failures within fail_timeout take it out for that long.
MAX_FAILS, FAIL_TIMEOUT = 3, "10s"
POLL_S = 5  # how often the launcher checks each replica's health while serving


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def render(listen_port: int, replica_ports: list[int], prefix: str | Path) -> str:
    """nginx.conf for these replica ports, listening on 127.0.0.1:listen_port, writing under prefix."""
    servers = "\n".join(f"        server 127.0.0.1:{port} max_fails={MAX_FAILS} fail_timeout={FAIL_TIMEOUT};"
                        for port in replica_ports)
    # Started as root, nginx would hand its workers to `nobody`, who cannot write our temp folders.
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};" if os.geteuid() == 0 else ""
    fields = {"USER": user, "PREFIX": str(prefix), "SERVERS": servers, "LISTEN": f"127.0.0.1:{listen_port}"}
    text = TEMPLATE.read_text()
    for name, value in fields.items():
        text = text.replace(f"@@{name}@@", value)
    return text


def nginx_path() -> str | None:
    # Debian installs it in /usr/sbin, which a normal user's PATH may not hold.
    return shutil.which("nginx", path=os.environ.get("PATH", "") + os.pathsep + "/usr/sbin")


def healthy(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


def wait_healthy(urls: list[str], processes: list[subprocess.Popen], timeout: float) -> None:
    """Wait until every URL answers 200 on /_stcore/health; raise if a process exits or time runs out."""
    deadline, waiting = time.monotonic() + timeout, list(zip(urls, processes))
    while waiting:
        waiting = [(url, process) for url, process in waiting if not healthy(url)]
        for url, process in waiting:
            if process.poll() is not None:
                raise RuntimeError(f"{url} exited with code {process.returncode} before it was healthy")
        if waiting and time.monotonic() > deadline:
            raise RuntimeError(f"not healthy within {timeout:g} s: {', '.join(url for url, _ in waiting)}")
        if waiting:
            time.sleep(0.3)


@dataclass
class Replica:
    port: int
    process: subprocess.Popen
    log: object  # the temporary file its stdout and stderr go to (benchmarks.load reads it via /proc)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Cluster:
    url: str  # nginx, the one address users get
    replicas: list[Replica]
    nginx: subprocess.Popen
    prefix: Path
    config: Path


# Children get their own session, so a Ctrl-C reaches only the launcher, which stops nginx first
# (no new requests) and then the replicas.
def start_replica(port: int, env: dict) -> Replica:
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    return Replica(port, process, log)


def stop(process: subprocess.Popen, timeout: float = 10) -> None:
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextlib.contextmanager
def cluster(replicas: int, port: int | None = None, data_dir: str | None = None, timeout: float = 120):
    """Start `replicas` app servers and nginx in front of them; yield a Cluster; stop them all afterwards."""
    nginx = nginx_path()
    if nginx is None:
        raise RuntimeError("nginx is not installed: run `make nginx` (Debian's package) first")
    env = dict(os.environ, STREAMLIT_BROWSER_GATHER_USAGE_STATS="false",
               # One secret for all replicas, so a cookie one of them signed is valid on every other.
               STREAMLIT_SERVER_COOKIE_SECRET=os.environ.get("STREAMLIT_SERVER_COOKIE_SECRET") or secrets.token_hex(32),
               # Served code does not reload on edits (data does: see ui._fingerprint).
               STREAMLIT_SERVER_FILE_WATCHER_TYPE=os.environ.get("STREAMLIT_SERVER_FILE_WATCHER_TYPE", "none"))
    if data_dir:
        env["VETTING_DATA_DIR"] = str(data_dir)
    started: list[Replica] = []
    proxy = None
    with tempfile.TemporaryDirectory(prefix="vetting-nginx-") as tmp:
        prefix = Path(tmp)
        try:
            started = [start_replica(free_port(), env) for _ in range(replicas)]
            wait_healthy([r.url for r in started], [r.process for r in started], timeout)
            for name in TEMP_FOLDERS:
                (prefix / name).mkdir()
            listen = port or free_port()
            config = prefix / "nginx.conf"
            config.write_text(render(listen, [r.port for r in started], prefix))
            proxy = subprocess.Popen([nginx, "-p", str(prefix), "-e", str(prefix / "error.log"), "-c", str(config),
                                      "-g", "daemon off;"], cwd=prefix, start_new_session=True)
            url = f"http://127.0.0.1:{listen}"
            try:
                wait_healthy([url], [proxy], 20)
            except RuntimeError as error:
                log = prefix / "error.log"
                raise RuntimeError(f"{error}\n{log.read_text() if log.exists() else ''}") from None
            yield Cluster(url, started, proxy, prefix, config)
        finally:
            if proxy is not None:
                stop(proxy)
            for replica in started:
                stop(replica.process)
                replica.log.close()


def _interrupt(*_) -> None:
    """Ctrl-C or SIGTERM: the context manager then stops nginx, then every replica."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=3, help="app servers behind nginx (default 3)")
    parser.add_argument("--port", type=int, default=8501, help="nginx's port on 127.0.0.1 (default 8501)")
    parser.add_argument("--data", help="data folder for every replica (default: VETTING_DATA_DIR or data/)")
    args = parser.parse_args(argv)
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _interrupt)
    try:
        with cluster(args.replicas, args.port, args.data or os.environ.get("VETTING_DATA_DIR")) as running:
            print(f"serving on {running.url} (nginx, config {running.config}) in front of "
                  f"{len(running.replicas)} replica(s): {', '.join(r.url for r in running.replicas)}. Ctrl-C stops all.",
                  flush=True)
            down: set[int] = set()  # ports of replicas last seen unhealthy
            while running.nginx.poll() is None:
                time.sleep(POLL_S)
                for replica in running.replicas:
                    ok = replica.process.poll() is None and healthy(replica.url)
                    if ok and replica.port in down:
                        down.discard(replica.port)
                        print(f"replica {replica.url}: healthy again", flush=True)
                    elif not ok and replica.port not in down:
                        down.add(replica.port)
                        print(f"replica {replica.url}: not healthy (nginx routes around it)", flush=True)
            print(f"nginx exited with code {running.nginx.returncode}", file=sys.stderr)
            return 1
    except KeyboardInterrupt:
        print("stopped nginx and every replica")
        return 0
    except RuntimeError as error:
        print(error, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
