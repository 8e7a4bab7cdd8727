"""A simulated job board for `hirewatch demo`: Greenhouse- and Lever-shaped endpoints on 127.0.0.1.

The board changes as time passes, one step per tick: a posting appears, a salary
changes, a posting disappears, and the cycle goes on with new ids.
"""
from __future__ import annotations

import json
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

ROLES = [
    ("Senior Backend Engineer (Python)", "Remote - US", 165000, 210000),
    ("Staff Data Engineer", "Toronto, ON, CA", 180000, 230000),
    ("Frontend Engineer, Design Systems", "Berlin, Germany", 70000, 90000),
    ("Site Reliability Engineer", "New York, NY", 150000, 190000),
    ("Product Designer", "London, United Kingdom", 60000, 80000),
    ("Machine Learning Engineer", "Remote - EU", 120000, 160000),
    ("Engineering Manager, Payments", "San Francisco, CA", 210000, 260000),
    ("Junior Software Engineer", "Austin, TX", 90000, 110000),
]


def _description(title: str, step: int) -> str:
    return (f"<p>We are hiring a <strong>{title}</strong> to join a small team.</p>"
            f"<h3>What you'll do</h3><ul><li>Build and run services used by millions</li>"
            f"<li>Work with product and design</li></ul>"
            f"<h3>What we're looking for</h3><ul><li>{3 + step % 3}+ years of experience</li>"
            f"<li>Care for reliability and clear code</li></ul>")


class BoardState:
    """The board's content at a given step; a pure function of the step, so it is reproducible."""

    def __init__(self, started: datetime) -> None:
        self.started = started

    def greenhouse(self, step: int) -> dict[str, Any]:
        jobs = []
        # Four postings always there; from step 1 on a new one per step; each lives four steps.
        for n in [0, 1, 2, 3] + [k for k in range(max(4, step - 3), step + 4) if k >= 4 and k - 3 <= step]:
            title, location, low, high = ROLES[n % len(ROLES)]
            bump = 10000 if (n == 1 and step >= 2) else 0  # step 2: a salary change
            posted = self.started + timedelta(minutes=n)
            jobs.append({
                "id": 4000100 + n, "internal_job_id": 900 + n, "title": title,
                "updated_at": posted.isoformat(), "first_published": posted.isoformat(),
                "requisition_id": f"REQ-{100 + n}", "location": {"name": location},
                "absolute_url": f"http://127.0.0.1/demo/northwind/jobs/{4000100 + n}?gh_src=demo",
                "company_name": "Northwind", "metadata": None, "departments": [{"id": 1, "name": "Engineering"}],
                "offices": [], "content": _escape(_description(title, 0)),
                "pay_input_ranges": [{"min_cents": (low + bump) * 100, "max_cents": (high + bump) * 100,
                                      "currency_type": "USD", "title": "Base", "blurb": ""}],
            })
        return {"jobs": jobs, "meta": {"total": len(jobs)}}

    def lever(self, step: int) -> list[dict[str, Any]]:
        postings = []
        for n in range(4):
            if n == 3 and step >= 3:
                continue  # step 3: this posting is taken down (closed after two complete runs)
            title, location, low, high = ROLES[(n + 4) % len(ROLES)]
            created = self.started - timedelta(days=n)
            postings.append({
                "id": f"a1b2c3d4-0000-4000-8000-00000000000{n}", "text": title,
                "categories": {"location": location, "commitment": "Full-time", "team": "Platform",
                               "level": "Senior" if "Senior" in title else None},
                "workplaceType": "remote" if "Remote" in location else "hybrid",
                "createdAt": int(created.timestamp() * 1000),
                "description": _description(title, step if n == 0 else 0),  # step changes: a description edit
                "lists": [], "additional": "",
                "hostedUrl": f"http://127.0.0.1/demo/acme/{n}", "applyUrl": f"http://127.0.0.1/demo/acme/{n}/apply",
                "salaryRange": {"min": low, "max": high, "currency": "EUR" if "EU" in location else ("GBP" if "London" in location else "USD"),
                                "interval": "per-year-salary"},
            })
        return postings


def _escape(html: str) -> str:
    # Greenhouse sends its content entity-escaped.
    return html.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class DemoBoard:
    def __init__(self, port: int = 8750, tick: float = 20.0, host: str = "127.0.0.1") -> None:
        self.tick = tick
        self.started_monotonic = time.monotonic()
        self.state = BoardState(datetime.now(timezone.utc).replace(microsecond=0))
        board = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                parts = urlsplit(self.path)
                step = board.step()
                if parts.path == "/v1/boards/northwind/jobs":
                    self._json(board.state.greenhouse(step))
                elif parts.path == "/v0/postings/acme":
                    query = parse_qs(parts.query)
                    skip, limit = int(query.get("skip", ["0"])[0]), int(query.get("limit", ["100"])[0])
                    self._json(board.state.lever(step)[skip:skip + limit])
                else:
                    self._json({"status": 404, "error": "Not found"}, 404)

            def _json(self, payload: Any, status: int = 200) -> None:
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def step(self) -> int:
        return int((time.monotonic() - self.started_monotonic) / self.tick)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
