"""Printing rows as a rich table (sized to the terminal), JSON, JSON lines or CSV, and the small
formatters the tables share: salary ranges, relative ages, change lists, highlighted snippets."""
from __future__ import annotations

import csv
import json
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Sequence

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

FORMATS = ("table", "json", "jsonl", "csv")
# Private-use characters mark search matches inside snippets until the table styles them.
MARK_START, MARK_END = "\ue000", "\ue001"


@dataclass(frozen=True)
class Column:
    """A table column: KEY of the row, an optional HEADER and RENDER function. A column with a SHRINK
    weight gives up width when the table is too wide for the terminal (a heavier one keeps more);
    its cells are cut with an ellipsis."""
    key: str
    header: str | None = None
    render: Callable[[dict[str, Any]], str | Text] | None = None
    shrink: int = 0
    justify: str = "left"

    def cell(self, row: dict[str, Any]) -> Text:
        value = self.render(row) if self.render else plain(row.get(self.key))
        return value if isinstance(value, Text) else Text(value)


def console() -> Console:
    # No markup: titles and text come from job boards, and "[" in them is just a bracket.
    return Console(highlight=False, markup=False, soft_wrap=False)


def emit(rows: list[dict[str, Any]], fmt: str, columns: Sequence[str | Column], title: str | None = None) -> None:
    """Print ROWS in FMT. json/jsonl/csv carry every field as stored; the table shows COLUMNS."""
    out = sys.stdout
    if fmt == "json":
        json.dump(rows, out, indent=2, ensure_ascii=False, default=str)
        out.write("\n")
    elif fmt == "jsonl":
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
    elif fmt == "csv":
        write_csv(rows, out, [c if isinstance(c, str) else c.key for c in columns])
    else:
        console().print(table(rows, columns, title))


def write_csv(rows: list[dict[str, Any]], out: Any, fallback_columns: Sequence[str] = ()) -> None:
    """A header, then one line per row; lists and objects as JSON."""
    columns = list(rows[0]) if rows else list(fallback_columns)
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v
                         for k, v in row.items()})


def table(rows: list[dict[str, Any]], columns: Sequence[str | Column], title: str | None = None,
          width: int | None = None) -> Table:
    """One line per row, as wide as WIDTH (the terminal's by default): when the text does not fit,
    the shrink columns are narrowed, widest first, and their cells cut with an ellipsis."""
    cols = [Column(c) if isinstance(c, str) else c for c in columns]
    cells = [[col.cell(row) for col in cols] for row in rows]
    natural = [max([cell_len(col.header or col.key), *(row[i].cell_len for row in cells)])
               for i, col in enumerate(cols)]
    # No borders: a space between columns and one of padding on the right, none at the edges.
    room = (width or console().width) - 2 * (len(cols) - 1)
    limits = _fit(natural, [c.shrink for c in cols], room)
    grid = Table(title=title, title_justify="left", header_style="bold", box=box.SIMPLE_HEAD, show_edge=False,
                 pad_edge=False, padding=(0, 1, 0, 0))
    for col, limit in zip(cols, limits):
        grid.add_column(col.header or col.key, no_wrap=True, overflow="ellipsis", max_width=limit,
                        justify=col.justify)  # type: ignore[arg-type]
    for row in cells:
        grid.add_row(*row)
    return grid


def _fit(natural: list[int], weights: list[int], room: int, floor: int = 4) -> list[int | None]:
    """Widths for the weighted columns so that everything fits ROOM: what is left after the fixed
    columns is shared by weight, a column needing less than its share giving the rest to the others;
    none goes below FLOOR. Fixed columns (weight 0) keep their width (None)."""
    limits: list[int | None] = [None] * len(natural)
    flexible = sorted((natural[i] / weights[i], i) for i in range(len(natural)) if weights[i])
    left = room - sum(w for w, weight in zip(natural, weights) if not weight)
    weight_left = sum(weights)
    for _, i in flexible:
        limits[i] = min(natural[i], max(floor, left * weights[i] // weight_left))
        left -= limits[i]
        weight_left -= weights[i]
    return limits


def plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def salary(row: dict[str, Any]) -> str:
    """`178,000–258,000 USD /year`, `45 EUR /hour`, or "" when the posting states no salary."""
    low, high = row.get("salary_min"), row.get("salary_max")
    if low is None and high is None:
        return ""
    amount = "–".join(dict.fromkeys(f"{v:,.0f}" for v in (low, high) if v is not None))
    period = f"/{row['salary_period']}" if row.get("salary_period") else None
    return " ".join(filter(None, [amount, row.get("salary_currency"), period]))


def age(value: str | None, now: datetime | None = None) -> str:
    """An ISO time as `5m ago`, `3d ago`, `2mo ago` (or `in 2d` for a future time)."""
    if not value:
        return ""
    try:
        then = datetime.fromisoformat(value)
    except ValueError:
        return value
    if then.tzinfo is None:
        then = then.replace(tzinfo=timezone.utc)
    seconds = ((now or datetime.now(timezone.utc)) - then).total_seconds()
    ahead, seconds = seconds < 0, abs(seconds)
    if seconds < 60:
        return "just now"
    # A unit serves until two of the next one: "90m ago", "36h ago", "10d ago", "3mo ago".
    units = (("m", 60, 7200), ("h", 3600, 2 * 86400), ("d", 86400, 60 * 86400), ("mo", 30 * 86400, 730 * 86400))
    unit, size = next(((u, size) for u, size, below in units if seconds < below), ("y", 365 * 86400))
    text = f"{int(seconds // size)}{unit}"
    return f"in {text}" if ahead else f"{text} ago"


def changes(value: dict[str, list[Any]] | None) -> str:
    """`{field: [old, new]}` as `salary_max 258,000 → 270,000; description changed`."""
    if not value:
        return ""
    parts = []
    for field, pair in value.items():
        old, new = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        if any(isinstance(v, str) and len(v) > 60 for v in (old, new)):
            parts.append(f"{field} changed")
        else:
            parts.append(f"{field} {plain(old) or '∅'} → {plain(new) or '∅'}")
    return "; ".join(parts)


def highlighted(snippet: str | None, style: str = "bold yellow") -> Text:
    """A snippet whose matches are wrapped in MARK_START/MARK_END, with the matches styled."""
    text = Text()
    flat = " ".join((snippet or "").split())
    for i, part in enumerate(flat.replace(MARK_END, MARK_START).split(MARK_START)):
        text.append(part, style=style if i % 2 else None)
    return text


def unmark(snippet: str | None, start: str = "**", end: str = "**") -> str | None:
    """A marked snippet for plain formats: matches between START and END."""
    if snippet is None:
        return None
    return " ".join(snippet.replace(MARK_START, start).replace(MARK_END, end).split())


def bar(value: float, top: float, width: int = 30) -> str:
    """A horizontal bar of up to WIDTH cells, in eighths of a cell."""
    if top <= 0 or value <= 0:
        return ""
    eighths = max(1, round(value / top * width * 8))
    return "█" * (eighths // 8) + ("", "▏", "▎", "▍", "▌", "▋", "▊", "▉")[eighths % 8]
