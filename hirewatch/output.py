"""Printing rows as a rich table, JSON, JSON lines or CSV."""
from __future__ import annotations

import csv
import json
import sys
from typing import Any, Iterable, Sequence

from rich.console import Console
from rich.table import Table

FORMATS = ("table", "json", "jsonl", "csv")


def emit(rows: list[dict[str, Any]], fmt: str, table_columns: Sequence[str], title: str | None = None) -> None:
    out = sys.stdout
    if fmt == "json":
        json.dump(rows, out, indent=2, ensure_ascii=False, default=str)
        out.write("\n")
    elif fmt == "jsonl":
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
    elif fmt == "csv":
        columns = list(rows[0]) if rows else list(table_columns)
        writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v
                             for k, v in row.items()})
    else:
        table = Table(title=title, show_lines=False)
        for column in table_columns:
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(*[_cell(row.get(c)) for c in table_columns])
        Console().print(table)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.0f}"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def salary(row: dict[str, Any]) -> str:
    low, high = row.get("salary_min"), row.get("salary_max")
    if low is None and high is None:
        return ""
    parts: Iterable[str] = [f"{v:,.0f}" for v in (low, high) if v is not None]
    amount = "–".join(dict.fromkeys(parts))
    return " ".join(filter(None, [amount, row.get("salary_currency"), f"/{row['salary_period']}" if row.get("salary_period") else None]))
