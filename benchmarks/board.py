"""A fast local job board in its own process: HTML job pages with ETags, and Greenhouse-shaped APIs.

`python -m benchmarks.board` prints its port and serves until killed. `POST /_revise` with
`{"ids": [...], "revision": R}` changes those pages (salary and a paragraph), so a benchmark can
make a known set of pages change between two checks.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

from aiohttp import web

from benchmarks.data import greenhouse_job, job_page


class Pages:
    def __init__(self, count: int) -> None:
        self.count = count
        self.bodies: dict[int, tuple[bytes, str]] = {}
        self.api: dict[int, bytes] = {}
        for i in range(count):
            self.revise(i, 0)

    def revise(self, i: int, revision: int) -> None:
        body = job_page(i, revision)
        self.bodies[i] = (body, '"' + hashlib.sha1(body).hexdigest()[:16] + '"')

    def listing(self) -> bytes:
        links = "".join(f"<li><a class='job' href='/pages/{i}'>Job {i}</a></li>\n" for i in range(self.count))
        return f"<!doctype html><html><body><ul>\n{links}</ul></body></html>".encode()

    def board(self, size: int, base: str) -> bytes:
        if size not in self.api:
            self.api[size] = json.dumps({"jobs": [greenhouse_job(i, base) for i in range(size)],
                                         "meta": {"total": size}}).encode()
        return self.api[size]


def app(pages: Pages) -> web.Application:
    async def page(request: web.Request) -> web.Response:
        i = int(request.match_info["i"])
        if i not in pages.bodies:
            raise web.HTTPNotFound()
        body, etag = pages.bodies[i]
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(body=body, content_type="text/html", charset="utf-8", headers={"ETag": etag})

    async def listing(request: web.Request) -> web.Response:
        return web.Response(body=pages.listing(), content_type="text/html", charset="utf-8")

    async def board(request: web.Request) -> web.Response:
        # The board token says how many postings it has: /v1/boards/jobs20000/jobs
        size = int(request.match_info["token"].removeprefix("jobs"))
        body = pages.board(size, f"http://{request.host}/boards/{request.match_info['token']}")
        return web.Response(body=body, content_type="application/json")

    async def revise(request: web.Request) -> web.Response:
        order = await request.json()
        for i in order["ids"]:
            pages.revise(int(i), int(order["revision"]))
        return web.json_response({"revised": len(order["ids"])})

    application = web.Application()
    application.add_routes([web.get("/pages/", listing), web.get(r"/pages/{i:\d+}", page),
                            web.get(r"/v1/boards/{token:jobs\d+}/jobs", board), web.post("/_revise", revise)])
    return application


class BoardServer:
    """The board in a child process, stopped (by its own pid) when the block ends."""

    def __init__(self, pages: int) -> None:
        self.pages = pages
        self.proc: subprocess.Popen | None = None
        self.url = ""

    def __enter__(self) -> "BoardServer":
        self.proc = subprocess.Popen([sys.executable, "-m", "benchmarks.board", "--pages", str(self.pages)],
                                     stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parent.parent)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line.strip().isdigit():
            self.__exit__()
            raise RuntimeError("the benchmark board did not start")
        self.url = f"http://127.0.0.1:{line.strip()}"
        return self

    def revise(self, ids: list[int], revision: int) -> None:
        request = urllib.request.Request(f"{self.url}/_revise", json.dumps({"ids": ids, "revision": revision}).encode(),
                                         {"Content-Type": "application/json"})
        urllib.request.urlopen(request, timeout=30).read()

    def __exit__(self, *exc: Any) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=1000)
    args = parser.parse_args()
    pages = Pages(args.pages)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(512)  # connections made before the loop runs wait in the backlog
    print(sock.getsockname()[1], flush=True)
    web.run_app(app(pages), sock=sock, print=None, access_log=None)


if __name__ == "__main__":
    main()
