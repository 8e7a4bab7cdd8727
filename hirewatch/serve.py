"""`hirewatch serve`: Datasette over the snapshot database, read-only.

Datasette opens a database it is not told is immutable with `mode=ro` connections: it cannot
write, and it sees every commit, including those still in the write-ahead log. `-i`
(immutable) would be wrong here: SQLite then skips locking and ignores the WAL file, so while
the daemon writes, Datasette would miss recent runs or read a half-written page.
"""
from __future__ import annotations

import importlib.util
import json
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Sequence

from hirewatch.datasette_metadata import metadata
from scheduler.runner import die_with_parent


def datasette_available() -> bool:
    try:
        return importlib.util.find_spec("datasette") is not None
    except (ImportError, ValueError):  # ValueError: a module entry without a spec
        return False


def command(database: Path, metadata_file: Path, host: str, port: int, extra: Sequence[str] = ()) -> list[str]:
    return [sys.executable, "-m", "datasette", "serve", str(database), "--metadata", str(metadata_file),
            "--host", host, "--port", str(port), "--setting", "sql_time_limit_ms", "5000", *extra]


def serve(database: Path, host: str, port: int, extra: Sequence[str] = ()) -> int:
    """Run Datasette until it stops (Ctrl-C or SIGTERM stop it too); its exit code."""
    with tempfile.TemporaryDirectory(prefix="hirewatch-datasette-") as tmp:
        metadata_file = Path(tmp) / "metadata.json"
        metadata_file.write_text(json.dumps(metadata(Path(database).stem), indent=2))
        # Datasette must not outlive us, even when we are killed without a chance to stop it.
        child = subprocess.Popen(command(Path(database), metadata_file, host, port, extra),
                                 preexec_fn=die_with_parent)

        def stop(*_: Any) -> None:
            child.terminate()

        previous = signal.signal(signal.SIGTERM, stop)
        try:
            return child.wait()
        except KeyboardInterrupt:  # the child got the same Ctrl-C; give it a moment to finish
            try:
                return child.wait(timeout=5)
            except subprocess.TimeoutExpired:
                child.kill()
                return child.wait()
        finally:
            signal.signal(signal.SIGTERM, previous)
