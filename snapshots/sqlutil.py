"""Batched SQL helpers for the hot path of a run."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator, Sequence

from sqlite_utils import Database

CHUNK = 500  # well under SQLite's limit of bound parameters per statement


def chunked(seq: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(seq), size):
        yield seq[start:start + size]


def insert_rows(db: Database, table: str, rows: list[dict[str, Any]], replace: bool = False) -> None:
    """executemany with one prepared statement: sqlite-utils' insert_all costs more per row than SQLite."""
    if not rows:
        return
    names = list(rows[0])
    verb = "INSERT OR REPLACE" if replace else "INSERT"
    db.conn.executemany(f"{verb} INTO [{table}] ({', '.join(f'[{n}]' for n in names)}) "
                        f"VALUES ({', '.join(':' + n for n in names)})", rows)


@contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """A write transaction, or a savepoint inside one already open.

    BEGIN IMMEDIATE takes the write lock up front: under WAL a deferred transaction that reads
    and then writes fails at once if another connection wrote in between, instead of waiting
    for the busy timeout."""
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.rollback()
        raise
    db.conn.execute("COMMIT")
