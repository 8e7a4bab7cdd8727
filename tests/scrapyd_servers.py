"""Real Scrapyd nodes on 127.0.0.1 for tests: each its own folder, config and free port."""
from __future__ import annotations

import base64
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

CONFIG = """[scrapyd]
bind_address = 127.0.0.1
http_port = {port}
eggs_dir = {root}/eggs
logs_dir = {root}/logs
items_dir = {root}/items
dbs_dir = {root}/dbs
poll_interval = 0.2
max_proc = 4
jobs_to_keep = 100
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ScrapydProcess:
    """`scrapyd` in its own folder (it reads ./scrapyd.conf) and process group, so that killing
    it kills its crawls too, as when a machine dies."""

    def __init__(self, root: Path, auth: tuple[str, str] | None = None) -> None:
        root.mkdir(parents=True)
        self.root = root
        self.port = free_port()
        self.auth = auth
        config = CONFIG.format(port=self.port, root=root)
        if auth:
            config += f"username = {auth[0]}\npassword = {auth[1]}\n"
        (root / "scrapyd.conf").write_text(config)
        self.log = open(root / "scrapyd.log", "wb")
        self.proc = subprocess.Popen([sys.executable, "-m", "scrapyd", "--pidfile="], cwd=root,
                                     stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     start_new_session=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def api(self, endpoint: str) -> dict[str, Any]:
        request = urllib.request.Request(f"{self.url}/{endpoint}")
        if self.auth:
            request.add_header("Authorization", "Basic " + base64.b64encode(":".join(self.auth).encode()).decode())
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.loads(response.read())

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"scrapyd exited: {(self.root / 'scrapyd.log').read_text()[-2000:]}")
            try:
                self.api("daemonstatus.json")
                return
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"scrapyd on {self.url} did not start")

    def jobs(self, project: str) -> dict[str, list[dict[str, Any]]]:
        return self.api(f"listjobs.json?project={project}")

    def kill(self) -> None:
        """Kill the node and its running crawls at once."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.log.close()


def start_nodes(root: Path, count: int, auth: tuple[str, str] | None = None) -> list[ScrapydProcess]:
    nodes = [ScrapydProcess(root / f"node{i}", auth) for i in range(count)]
    for node in nodes:
        node.wait_ready()
    return nodes
