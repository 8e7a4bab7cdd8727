"""Against a peer: urlwatch 2.29 and hirewatch each watch the same local job pages; after 5% of
the pages change (salary and a paragraph), one full check of each is timed, its process tree's
peak RSS taken, and what it reported compared with what changed."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from benchmarks.board import BoardServer
from benchmarks.crawl import html_source, hirewatch, write_config
from benchmarks.measure import watch

URLWATCH = "urlwatch==2.29"
WORKERS = 10  # urlwatch 2.29 checks jobs on a pool of 10 threads; hirewatch gets the same concurrency


def changed_ids(pages: int, fraction: float = 0.05) -> list[int]:
    step = round(1 / fraction)
    return list(range(7 % step, pages, step))


def _clean_env(**extra: str) -> dict[str, str]:
    """The environment without our PYTHONPATH, so urlwatch's venv sees only what it installed."""
    return {**{k: v for k, v in os.environ.items() if k != "PYTHONPATH"}, **extra}


def urlwatch_venv(venv: Path) -> Path:
    """urlwatch in its own venv (installed from PyPI on first use)."""
    exe = venv / "bin" / "urlwatch"
    if not exe.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, env=_clean_env())
        subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check", URLWATCH],
                       check=True, env=_clean_env())
    return exe


def urlwatch_check(work: Path, board: BoardServer, exe: Path, changed: list[int]) -> dict[str, Any]:
    home = work / "urlwatch-home"
    home.mkdir(parents=True, exist_ok=True)
    urls = work / "urls.yaml"
    urls.write_text("---\n".join(f"name: page-{i}\nurl: {board.url}/pages/{i}\n" for i in range(board.pages)))
    # Its own files and a home of its own: the user's urlwatch config is never read or written.
    env = _clean_env(HOME=str(home), XDG_CONFIG_HOME=str(home / "config"), XDG_CACHE_HOME=str(home / "cache"))
    cmd = [str(exe), "--urls", str(urls), "--config", str(work / "urlwatch.yaml"), "--cache", str(work / "cache.db"),
           "--hooks", str(work / "hooks.py")]
    first = watch(cmd, env=env)
    board.revise(changed, 1)
    check = watch(cmd, env=env)
    board.revise(changed, 0)
    if check.returncode != 0 or first.returncode != 0:
        raise RuntimeError(f"urlwatch exited {check.returncode}: {check.stderr[-1500:]}")
    reported = sorted(int(line.split()[1].removeprefix("page-")) for line in check.stdout.splitlines()
                      if line.startswith("CHANGED: "))
    return {"seconds": check.seconds, "peak_mb": check.peak_mb, "reported": reported,
            "exact": reported == sorted(changed), "fields": "the page (a diff of its text)"}


def hirewatch_check(work: Path, board: BoardServer, changed: list[int]) -> dict[str, Any]:
    config = write_config(work, "peer", [html_source("pages", board.url)],
                          crawl={"autothrottle": False, "concurrent_requests_per_domain": WORKERS,
                                 "cache_dir": str(work / "peer-cache")})
    db = work / "peer.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    hirewatch(config, "crawl")
    board.revise(changed, 1)
    check = hirewatch(config, "crawl")
    board.revise(changed, 0)
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT p.url, e.changes FROM events e JOIN postings p ON p.id = e.posting_id "
                            "WHERE e.kind = 'updated' AND e.run_id = (SELECT max(id) FROM runs)").fetchall()
    reported = sorted(int(url.rsplit("/", 1)[1]) for url, _ in rows)
    fields = sorted({name for _, changes in rows for name in json.loads(changes)})
    return {"seconds": check.seconds, "peak_mb": check.peak_mb, "reported": reported,
            "exact": reported == sorted(changed), "fields": ", ".join(fields)}


def compare(work: Path, pages: int, venv: Path | None) -> dict[str, Any]:
    """Both tools on the same pages; without a venv for urlwatch, hirewatch alone."""
    work = work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    changed = changed_ids(pages)
    exe = urlwatch_venv(venv.resolve()) if venv is not None else None
    with BoardServer(pages) as board:
        out = {"pages": pages, "changed": len(changed), "hirewatch": hirewatch_check(work, board, changed)}
        if exe is not None:
            out["urlwatch"] = urlwatch_check(work, board, exe, changed)
    return out
