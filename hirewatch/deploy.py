"""The crawler as a Scrapyd egg, uploaded to every node (`hirewatch deploy`).

The egg holds the `crawler` package only (nodes crawl; they never touch the store) and the
entry point Scrapyd reads to find its settings. Its bytes are reproducible, so its content hash
says whether a node already runs this crawler. Versions are `UNIXTIME-HASH`: Scrapyd runs a
project's latest version, and these sort by time as text and as versions alike.
"""
from __future__ import annotations

import hashlib
import io
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import crawler
from scheduler.scrapyd import Node, NodeError

# What Scrapyd's runner reads to find the project's settings module.
ENTRY_POINTS = "[scrapy]\nsettings = crawler.settings\n"
PKG_INFO = "Metadata-Version: 2.1\nName: hirewatch-crawler\nVersion: 0\n"
_EPOCH = (1980, 1, 1, 0, 0, 0)  # fixed timestamps: the same code makes the same egg


@dataclass(frozen=True)
class Egg:
    data: bytes

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()[:12]

    def version(self, now: float | None = None) -> str:
        return f"{int(now if now is not None else time.time())}-{self.digest}"


def build_egg() -> Egg:
    package = Path(crawler.__file__).parent
    files = sorted(p for p in package.rglob("*")
                   if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".pyc", ".pyo"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as egg:
        for path in files:
            _add(egg, f"crawler/{path.relative_to(package).as_posix()}", path.read_bytes())
        _add(egg, "EGG-INFO/PKG-INFO", PKG_INFO.encode())
        _add(egg, "EGG-INFO/entry_points.txt", ENTRY_POINTS.encode())
        _add(egg, "EGG-INFO/top_level.txt", b"crawler\n")
    return Egg(buffer.getvalue())


def _add(egg: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=_EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    egg.writestr(info, data)


@dataclass
class NodeEgg:
    """What one node runs, against this checkout's egg."""
    url: str
    state: str  # current | outdated | missing | down | failed
    version: str | None = None  # the node's latest version (after a deploy: the one uploaded)
    previous: str | None = None  # before a deploy
    spiders: int | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.state == "current"

    @property
    def summary(self) -> str:
        if self.state in ("down", "failed"):
            return f"{self.state}: {self.error}"
        if self.state == "missing":
            return "no egg yet: run `hirewatch deploy`"
        if self.state == "outdated":
            return f"runs an older egg ({self.version}) than this checkout builds: run `hirewatch deploy`"
        if self.previous != self.version:
            was = f" (was {self.previous})" if self.previous else ""
            return f"deployed {self.version}{was}, {self.spiders} spiders"
        return f"up to date ({self.version})"

    @property
    def line(self) -> str:
        return f"{self.url}: {self.summary}"


def node_egg(node: Node, project: str, egg: Egg) -> NodeEgg:
    """Compare a node's latest egg (`listversions.json`) with this checkout's."""
    try:
        versions = node.api("listversions.json", {"project": project}).get("versions", [])
    except NodeError as exc:
        return NodeEgg(node.url, "down", error=str(exc))
    if not versions:
        return NodeEgg(node.url, "missing")
    latest = versions[-1]
    state = "current" if latest.rsplit("-", 1)[-1] == egg.digest else "outdated"
    return NodeEgg(node.url, state, version=latest, previous=latest)


def deploy(node: Node, project: str, egg: Egg, version: str) -> NodeEgg:
    """Upload the egg (`addversion.json`) unless the node already runs it."""
    found = node_egg(node, project, egg)
    if found.state in ("down", "current"):
        return found
    try:
        answer = node.api("addversion.json", form=[("project", project), ("version", version)], egg=egg.data)
    except NodeError as exc:
        return NodeEgg(node.url, "failed", previous=found.version, error=str(exc))
    return NodeEgg(node.url, "current", version=version, previous=found.version, spiders=answer.get("spiders"))
