"""How the benchmarks measure: wall time and peak RSS of a process tree, work in a fresh process, the table."""
from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def rss_mb(pid: int) -> float:
    """Resident set size of one process from /proc (0 when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0.0


def _tree(root: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(parents.get(pid, []))
    return found


@dataclass
class Watched:
    seconds: float
    peak_mb: float  # the largest sum of RSS over the process and its descendants at one moment
    returncode: int
    stdout: str
    stderr: str


def watch(cmd: list[str], env: dict[str, str] | None = None, cwd: Path | None = None,
          every: float = 0.05) -> Watched:
    """Run a command to its end; its wall time and the peak RSS of its whole process tree."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, cwd=cwd or ROOT, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        peak = 0.0
        while proc.poll() is None:
            peak = max(peak, sum(rss_mb(pid) for pid in _tree(proc.pid)))
            time.sleep(every)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        return Watched(seconds, peak, proc.returncode, out.read(), err.read())


def in_child(target: str, **kwargs: Any) -> dict[str, Any]:
    """Run `benchmarks.<module>:<function>(**kwargs)` in a fresh process: its result and its peak RSS."""
    proc = subprocess.run([sys.executable, "-m", "benchmarks.child", target, json.dumps(kwargs)],
                          cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{target} failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def peak_rss_self_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class Row:
    metric: str
    hirewatch: str
    baseline: str
    ratio: float | None
    target: str
    ok: bool | None  # None: reported, no target

    @property
    def verdict(self) -> str:
        return "-" if self.ok is None else "pass" if self.ok else "MISS"


def table(rows: list[Row]) -> str:
    head = ("metric", "hirewatch", "baseline", "ratio", "target", "")
    cells = [head] + [(r.metric, r.hirewatch, r.baseline, "" if r.ratio is None else f"{r.ratio:.2f}", r.target,
                       r.verdict) for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(head))]
    lines = ["  ".join(c[i].ljust(widths[i]) for i in range(len(head))).rstrip() for c in cells]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)
