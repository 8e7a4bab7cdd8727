"""Crawls on Scrapyd nodes: the crawl runs there, its items and stats come back here.

Only the crawling is spread out. Detection, the snapshot store and alerts stay with the one
daemon (single writer), so a run gives the same events whichever node crawled it. A source is
sent to the least busy node that answers (`daemonstatus.json`), followed with `listjobs.json`,
and its items and stats are fetched from the node's items feed (`items_dir`, served under
/items/; crawler.extensions.StatsBesideFeed writes the stats beside the items).

Within one daemon a source never runs twice at once (its job has max_instances=1); across
nodes a source still running somewhere from an earlier run (a restarted daemon, a node cut off
and back) is found by its job id, `SOURCE~ID`, and not started again.
"""
from __future__ import annotations

import base64
import json
import logging
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from scheduler.runner import CrawlResult

log = logging.getLogger("hirewatch.scrapyd")

JOB_MARK = "~"  # job ids are SOURCE~RANDOM; `~` is not allowed in source names


class NodeError(Exception):
    """A node refused a request (an error answer from Scrapyd, or an HTTP error). The message does not
    name the node: callers do."""


class NodeDown(NodeError):
    """A node did not answer at all."""


@dataclass(frozen=True)
class Node:
    url: str
    username: str | None = None
    password: str | None = None
    timeout: float = 10.0

    def api(self, endpoint: str, query: dict[str, str] | None = None,
            form: list[tuple[str, str]] | None = None, egg: bytes | None = None) -> dict[str, Any]:
        """Call a Scrapyd JSON endpoint (a POST when `form` is given); raises NodeError on an error answer."""
        path = endpoint + ("?" + urllib.parse.urlencode(query) if query else "")
        if form is None:
            body = self.fetch(path)
        elif egg is None:
            body = self.fetch(path, urllib.parse.urlencode(form).encode(),
                              "application/x-www-form-urlencoded")
        else:
            body = self.fetch(path, *_multipart(form, egg))
        if body is None:
            raise NodeError(f"no {endpoint} here: is it a Scrapyd node?")
        try:
            answer = json.loads(body)
        except ValueError:
            raise NodeError(f"{endpoint} did not answer JSON: is it a Scrapyd node?") from None
        if answer.get("status") != "ok":
            raise NodeError(f"{endpoint}: {answer.get('message') or answer}")
        return answer

    def fetch(self, path: str, data: bytes | None = None, content_type: str | None = None) -> bytes | None:
        """GET (or POST `data`) a path of the node; None when it is not there (404)."""
        request = urllib.request.Request(f"{self.url}/{path.lstrip('/')}", data=data)
        if content_type:
            request.add_header("Content-Type", content_type)
        if self.username is not None:
            token = base64.b64encode(f"{self.username}:{self.password or ''}".encode()).decode()
            request.add_header("Authorization", f"Basic {token}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.read()
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None
            if exc.code == 401:
                raise NodeError("refused the credentials (401): check the node's auth") from None
            raise NodeError(f"{path}: HTTP {exc.code}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise NodeDown(f"not answering: {getattr(exc, 'reason', exc)}") from None


def _multipart(form: list[tuple[str, str]], egg: bytes) -> tuple[bytes, str]:
    """A multipart/form-data body: Scrapyd's addversion.json takes the egg as a file field."""
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
             for name, value in form]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="egg"; filename="project.egg"\r\n'
                 f'Content-Type: application/octet-stream\r\n\r\n'.encode() + egg + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


@dataclass
class NodeStatus:
    node: Node
    up: bool
    running: int = 0
    pending: int = 0
    finished: int = 0
    error: str | None = None

    @property
    def busy(self) -> int:
        return self.running + self.pending


def node_status(node: Node) -> NodeStatus:
    try:
        answer = node.api("daemonstatus.json")
    except NodeError as exc:
        return NodeStatus(node, up=False, error=str(exc))
    return NodeStatus(node, True, int(answer.get("running", 0)), int(answer.get("pending", 0)),
                      int(answer.get("finished", 0)))


def node_statuses(nodes: list[Node]) -> list[NodeStatus]:
    """Every node's load, asked in parallel: a node that is down costs one timeout, not one each."""
    with ThreadPoolExecutor(max(1, len(nodes))) as pool:
        return list(pool.map(node_status, nodes))


def job_source(job_id: str) -> str | None:
    """The source a job of ours crawls (None for a job someone else scheduled)."""
    return job_id.rsplit(JOB_MARK, 1)[0] if JOB_MARK in job_id else None


class ScrapydRunner:
    """The runner interface (scheduler.runner.Runner) over Scrapyd nodes."""

    def __init__(self, nodes: list[Node], project: str = "hirewatch", poll: float = 2.0, grace: float = 10.0,
                 cache_dir: str | None = None, lost_after: int = 3) -> None:
        if not nodes:
            raise ValueError("a ScrapydRunner needs at least one node")
        self.nodes = nodes
        self.project = project
        self.poll = poll
        self.grace = grace
        self.cache_dir = cache_dir
        self.lost_after = lost_after  # unanswered polls in a row before a node counts as dead
        self._lock = threading.Lock()
        self._inflight: Counter[str] = Counter()  # our crawls per node, for choosing among nodes
        self._turn = 0  # ties go round the nodes, so equal nodes share the work
        self._failed_on: dict[str, str] = {}  # source → the node its last run failed on

    def crawl(self, source: dict[str, Any], settings: dict[str, Any], timeout: float,
              stop: threading.Event | None = None) -> CrawlResult:
        started = time.monotonic()
        name = source["name"]
        try:
            node, job = self._dispatch(source, settings, timeout)
        except NodeError as exc:
            return CrawlResult(crashed=str(exc), seconds=time.monotonic() - started)
        try:
            result = self._follow(node, source["kind"], job, started + timeout, stop)
        finally:
            with self._lock:
                self._inflight[node.url] -= 1
        with self._lock:
            if result.crashed:
                self._failed_on[name] = node.url
            else:
                self._failed_on.pop(name, None)
        result.stats.update({"hirewatch/node": node.url, "hirewatch/scrapyd_job": job})
        result.seconds = time.monotonic() - started
        return result

    def _dispatch(self, source: dict[str, Any], settings: dict[str, Any], timeout: float) -> tuple[Node, str]:
        name = source["name"]
        statuses = node_statuses(self.nodes)
        for status in statuses:
            if not status.up:
                log.warning("node %s skipped: %s", status.node.url, status.error)
        up = [s for s in statuses if s.up]
        if not up:
            raise NodeDown("no Scrapyd node is answering: " +
                           "; ".join(f"{s.node.url}: {s.error}" for s in statuses))
        self._refuse_twice(name, up)
        params = self._schedule_params(source, settings, timeout)
        refusals = []
        for status in self._ranked(name, up):
            with self._lock:
                self._inflight[status.node.url] += 1
                self._turn = self.nodes.index(status.node) + 1
            job = f"{name}{JOB_MARK}{uuid.uuid4().hex[:12]}"
            try:
                status.node.api("schedule.json", form=[*params, ("jobid", job)])
            except NodeError as exc:  # e.g. nothing deployed there yet: another node may take it
                with self._lock:
                    self._inflight[status.node.url] -= 1
                refusals.append(f"{status.node.url}: {exc}")
                continue
            log.info("%s: crawling on %s as job %s", name, status.node.url, job)
            return status.node, job
        raise NodeError("no node took the crawl: " + "; ".join(refusals) +
                        (" (run `hirewatch deploy`)" if any("not found" in r for r in refusals) else ""))

    def _refuse_twice(self, name: str, up: list[NodeStatus]) -> None:
        for status in up:
            try:
                jobs = status.node.api("listjobs.json", {"project": self.project})
            except NodeError:
                continue  # the project is not on this node: schedule.json will say so
            for job in jobs.get("pending", []) + jobs.get("running", []):
                if job_source(job["id"]) == name:
                    raise NodeError(f"{name} is still crawling on {status.node.url} (job {job['id']}) from an "
                                    f"earlier run; it is not started twice")

    def _ranked(self, name: str, up: list[NodeStatus]) -> list[NodeStatus]:
        """Nodes to try, best first: not where this source last failed, least busy, then in turn."""
        with self._lock:
            failed_on = self._failed_on.get(name)
            count = len(self.nodes)
            return sorted(up, key=lambda s: (s.node.url == failed_on,
                                             max(s.busy, self._inflight[s.node.url]),
                                             (self.nodes.index(s.node) - self._turn) % count))

    def _schedule_params(self, source: dict[str, Any], settings: dict[str, Any],
                         timeout: float) -> list[tuple[str, str]]:
        node_settings = dict(settings)
        node_settings["HIREWATCH_STATS_BESIDE_FEED"] = True
        # A job whose daemon went away (and so will never cancel it) still ends by itself.
        node_settings.setdefault("CLOSESPIDER_TIMEOUT", int(timeout) + 60)
        # The central machine's cache path means nothing on a node.
        node_settings.pop("HTTPCACHE_DIR", None)
        if self.cache_dir:
            node_settings["HTTPCACHE_DIR"] = f"{self.cache_dir.rstrip('/')}/{source['name']}"
        else:
            node_settings["HTTPCACHE_ENABLED"] = False
        return [("project", self.project), ("spider", source["kind"]), ("source", json.dumps(source)),
                *(("setting", f"{key}={_setting_text(value)}") for key, value in node_settings.items())]

    def _follow(self, node: Node, spider: str, job: str, deadline: float,
                stop: threading.Event | None) -> CrawlResult:
        """Poll the job until it ends; cancel it on timeout or shutdown. Then fetch what it wrote."""
        unanswered = 0
        stopping_at: float | None = None
        cancelled: str | None = None
        killed_at: float | None = None
        while True:
            try:
                state = self._state(node, job)
                unanswered = 0
            except NodeDown as exc:
                unanswered += 1
                if unanswered >= self.lost_after:
                    return CrawlResult(crashed=f"node {node.url} stopped answering mid-crawl ({exc}); "
                                               f"the next run goes to another node")
                time.sleep(self.poll)
                continue
            except NodeError as exc:
                return CrawlResult(crashed=f"lost job {job} on {node.url}: {exc}")
            if state == "finished":
                return self._collect(node, f"{self.project}/{spider}/{job}", cancelled)
            if state is None:
                return CrawlResult(crashed=cancelled or f"job {job} vanished from {node.url} (did Scrapyd restart?)")
            now = time.monotonic()
            if cancelled is None:
                if now >= deadline:
                    cancelled = "timed out"
                elif stop is not None and stop.is_set():
                    # Shutdown: let the crawl finish within the grace period, then abort it.
                    stopping_at = stopping_at or now + self.grace
                    if now >= stopping_at:
                        cancelled = "aborted at shutdown"
                if cancelled:
                    self._cancel(node, job, "INT")  # Scrapy's own clean shutdown first
                    killed_at = now + self.grace
            elif killed_at is not None and now >= killed_at:
                self._cancel(node, job, "KILL")
                killed_at = None
            time.sleep(self.poll)

    def _state(self, node: Node, job: str) -> str | None:
        jobs = node.api("listjobs.json", {"project": self.project})
        for state in ("pending", "running", "finished"):
            if any(entry["id"] == job for entry in jobs.get(state, [])):
                return state
        return None

    def _cancel(self, node: Node, job: str, signal: str) -> None:
        try:
            node.api("cancel.json", form=[("project", self.project), ("job", job), ("signal", signal)])
            log.warning("cancelled job %s on %s (SIG%s)", job, node.url, signal)
        except NodeError as exc:
            log.warning("could not cancel job %s: %s", job, exc)

    def _collect(self, node: Node, job_path: str, cancelled: str | None) -> CrawlResult:
        """The items and stats the job left under the node's items_dir (PROJECT/SPIDER/JOB)."""
        base = f"items/{job_path}"
        result = CrawlResult(crashed=cancelled)
        try:
            stats = node.fetch(f"{base}.stats.json")
            items = node.fetch(f"{base}.jl") if stats is not None else None
        except NodeError as exc:
            result.crashed = result.crashed or f"could not fetch the crawl's items from {node.url}: {exc}"
            return result
        if stats is None:
            result.crashed = result.crashed or (
                f"job {job_path} on {node.url} wrote no stats: the crawl died before it finished, or the node has "
                f"no items_dir (set it in its scrapyd.conf){self._log_tail(node, base)}")
            return result
        try:
            result.stats = json.loads(stats)
        except ValueError:
            result.crashed = result.crashed or f"job {job_path} on {node.url} left unreadable stats"
            return result
        result.items = _parse_items(items or b"")
        return result

    def _log_tail(self, node: Node, base: str) -> str:
        try:
            text = node.fetch(base.replace("items/", "logs/", 1) + ".log")
        except NodeError:
            return ""
        lines = (text or b"").decode(errors="replace").strip().splitlines()[-3:]
        return ": " + " | ".join(lines) if lines else ""


def _setting_text(value: Any) -> str:
    """A setting as `scrapy crawl -s` reads it: JSON for dicts and lists (Scrapy's getdict/getlist parse it)."""
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


def _parse_items(body: bytes) -> list[dict[str, Any]]:
    items = []
    for line in body.decode("utf-8").splitlines():
        try:
            items.append(json.loads(line))
        except ValueError:  # the last line of a killed crawl may be cut short
            continue
    return items
