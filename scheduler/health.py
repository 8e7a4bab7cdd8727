"""An optional HTTP endpoint on 127.0.0.1: `/healthz` (JSON) and `/metrics` (Prometheus)."""
from __future__ import annotations

import json
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Iterator

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from snapshots import status
from snapshots.store import Store, StoreError


class StoreCollector:
    """Reads the database at each scrape, so the figures are those of the file, not of one process."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path

    def collect(self) -> Iterator[Metric]:
        store = Store(self.db_path)
        try:
            totals = status.counts(store.db)
            rows = status.sources(store.db)
        finally:
            store.close()
        runs = GaugeMetricFamily("hirewatch_runs", "Runs recorded, by source and status", labels=["source", "status"])
        for (source, state), n in totals["runs"].items():
            runs.add_metric([source, state], n)
        yield runs
        for name, label, help_text in (("postings", "status", "Postings by status"),
                                       ("events", "kind", "Events by kind"),
                                       ("deliveries", "status", "Outbox deliveries by status")):
            family = GaugeMetricFamily(f"hirewatch_{name}", help_text, labels=[label])
            for key, n in totals[name].items():
                family.add_metric([str(key)], n)
            yield family
        success = GaugeMetricFamily("hirewatch_source_last_success_timestamp_seconds",
                                    "End of the last complete run", labels=["source"])
        healthy = GaugeMetricFamily("hirewatch_source_healthy", "1 when the last run was complete", labels=["source"])
        failures = GaugeMetricFamily("hirewatch_source_consecutive_failures", "Runs in a row not complete",
                                     labels=["source"])
        for row in rows:
            if row["last_complete_at"]:
                success.add_metric([row["name"]], datetime.fromisoformat(row["last_complete_at"]).timestamp())
            healthy.add_metric([row["name"]], 1 if row["healthy"] else 0)
            failures.add_metric([row["name"]], row["consecutive_failures"] or 0)
        yield from (success, healthy, failures)


class HealthServer:
    def __init__(self, db_path: Path, host: str, port: int, alive: Callable[[], bool]) -> None:
        registry = CollectorRegistry()
        registry.register(StoreCollector(db_path))  # type: ignore[arg-type]
        server_self = self
        self.alive = alive
        self.db_path = db_path

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                path = self.path.split("?", 1)[0]
                if path == "/metrics":
                    self._send(200, generate_latest(registry), CONTENT_TYPE_LATEST)
                elif path == "/healthz":
                    code, payload = server_self.health()
                    self._send(code, json.dumps(payload).encode(), "application/json")
                else:
                    self._send(404, b"not found: try /healthz or /metrics\n", "text/plain")

            def _send(self, code: int, body: bytes, content_type: str) -> None:
                self.send_response(code)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True, name="health")

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def health(self) -> tuple[int, dict[str, Any]]:
        """200 while the scheduler runs and the database answers; the sources' health is information."""
        try:
            store = Store(self.db_path)
            try:
                rows = status.sources(store.db)
            finally:
                store.close()
        except StoreError as exc:
            return 503, {"status": "error", "error": str(exc)}
        payload = {"status": "ok" if self.alive() else "stopping",
                   "sources": {r["name"]: {"healthy": bool(r["healthy"]), "last_status": r["last_status"],
                                           "last_run_at": r["last_run_at"],
                                           "consecutive_failures": r["consecutive_failures"]} for r in rows}}
        return (200 if self.alive() else 503), payload

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
