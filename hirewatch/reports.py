"""The terminal views of `history`, `jobs` and `stats`, and the `export` writer."""
from __future__ import annotations

import difflib
import json
from typing import Any, TextIO

from rich.text import Text
from sqlite_utils import Database

from hirewatch.output import Column, age, bar, changes, console, plain, salary, table, write_csv
from snapshots import queries
from snapshots.queries import PostingFilter

_DIFF_LINES = 12  # of a changed description; the JSON format has all of it


def _headline(p: dict[str, Any]) -> Text:
    text = Text()
    text.append(f"#{p['id']} ", style="bold")
    text.append(p["title"] or "?", style="bold")
    text.append(f" — {p.get('company') or '?'} — {p.get('location') or '?'} ")
    text.append(f"[{p['status']}]", style="green" if p["status"] == "active" else "yellow")
    return text


def evidence(value: dict[str, Any] | None) -> str:
    """A link's evidence in a line: `requisition_id ENG-1042; description_ratio 97.5`."""
    if not value:
        return ""
    parts = []
    # Scores and flags first; the keys that matched (long strings) after them.
    for key, item in sorted(value.items(), key=lambda kv: isinstance(kv[1], str)):
        if isinstance(item, list) and len(item) == 2 and not any(isinstance(i, (list, dict)) for i in item):
            parts.append(f"{key} {plain(item[0])} ≠ {plain(item[1])}")
        elif isinstance(item, (list, dict)):
            parts.append(f"{key} ({len(item)})")
        elif item is True:
            parts.append(key)
        else:
            parts.append(f"{key} {plain(item)}")
    return "; ".join(parts)


def _description_diff(old: str | None, new: str | None) -> Text:
    text = Text()
    lines = [line for line in difflib.unified_diff((old or "").splitlines(), (new or "").splitlines(), lineterm="", n=0)
             if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    for line in lines[:_DIFF_LINES]:
        text.append(f"    {line}\n", style="green" if line.startswith("+") else "red")
    if len(lines) > _DIFF_LINES:
        text.append(f"    … {len(lines) - _DIFF_LINES} more changed lines (--format json has them all)\n")
    return text


def print_history(found: dict[str, Any]) -> None:
    out = console()
    p = found["posting"]
    out.print(_headline(p))
    out.print(f"  {p['source']}/{p['external_id']}  {p.get('url') or ''}", soft_wrap=True)
    facts = [salary(p), p.get("workplace"), f"first seen {age(p['first_seen_at'])}",
             f"last seen {age(p['last_seen_at'])}", f"posted {age(p['posted_at'])}" if p.get("posted_at") else None]
    out.print("  " + " · ".join(f for f in facts if f))
    out.print()
    out.print(table(found["versions"], (
        Column("version", justify="right"), Column("seen_at", "seen", render=lambda r: age(r["seen_at"])),
        Column("run_id", "run", justify="right"), Column("title", shrink=3), Column("location", shrink=1),
        Column("salary", render=salary)), title="versions"))
    if found["diffs"]:
        out.print()
    for diff in found["diffs"]:
        out.print(Text(f"v{diff['version']} ({age(diff['seen_at'])}):", style="bold"))
        fields = dict(diff["changes"])
        description = fields.pop("description", None)
        if fields:
            out.print(f"    {changes(fields)}", soft_wrap=True)
        if description:
            out.print(_description_diff(*description), end="")
    out.print()
    out.print(table(found["events"], (
        Column("id", justify="right"), Column("at", render=lambda r: age(r["at"])), Column("kind"),
        Column("changes", render=lambda r: changes(r["changes"]), shrink=1), Column("note", shrink=1)),
        title="events"))
    job = found.get("job")
    if job:
        others = [o for o in job["postings"] if o["id"] != p["id"]]
        title = f"job #{job['id']}: {job.get('title') or '?'} — " + (
            f"{len(others)} other posting{'' if len(others) == 1 else 's'}" if others else "seen on this board only")
        out.print()
        out.print(table(job["postings"], _LINK_COLUMNS, title=title))


_LINK_COLUMNS = (
    Column("id", "posting", justify="right"), Column("source", shrink=1), Column("title", shrink=3),
    Column("location", shrink=1), Column("status"), Column("strength", "link"),
    Column("evidence", "why linked", render=lambda r: evidence(r["evidence"]), shrink=3),
)


def job_rows(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Jobs flattened to one row per job × posting, for CSV."""
    return [{"job_id": j["id"], "job_company": j["company"], "job_title": j["title"], "posting_id": p["id"],
             "source": p["source"], "external_id": p["external_id"], "title": p["title"], "location": p["location"],
             "status": p["status"], "strength": p["strength"], "evidence": p["evidence"], "url": p["url"]}
            for j in found for p in j["postings"]]


def print_jobs(found: list[dict[str, Any]]) -> None:
    out = console()
    if not found:
        out.print("no jobs seen on more than one board (--all lists every job)")
    for job in found:
        title = (f"job #{job['id']}: {job.get('title') or '?'} — {job.get('company') or '?'} "
                 f"({job['posting_count']} postings on {job['sources']} boards)")
        out.print()
        out.print(table(job["postings"], _LINK_COLUMNS, title=title))


def print_stats(found: dict[str, Any]) -> None:
    out = console()
    out.print(table(found["postings_by_source"], ("source", *(Column(s, justify="right") for s in
                                                             ("active", "stale", "closed", "total"))),
                    title="postings by source"))
    days = found["events_per_day"]
    top = max((d["total"] for d in days), default=0)
    out.print()
    out.print(table(days, (
        Column("day"), Column("total", "events", justify="right"),
        Column("bar", "", render=lambda d: Text(bar(d["total"], top), style="cyan")),
        Column("kinds", render=lambda d: ", ".join(f"{n} {k}" for k, n in d.items() if k not in ("day", "total")),
               shrink=1),
    ), title="events per day (baseline runs left out)"))
    salaries = found["salary_by_company"]
    tops = {}
    for s in salaries:
        tops[s["currency"]] = max(tops.get(s["currency"], 0), s["median"])
    out.print()
    out.print(table(salaries, (
        Column("company", shrink=1), Column("currency"), Column("postings", justify="right"),
        Column("median", "median /yr", justify="right"),
        Column("range", render=lambda r: f"{plain(r['low'])}–{plain(r['high'])}", justify="right"),
        Column("", render=lambda r: Text(bar(r["median"], tops[r["currency"]], 20), style="green")),
    ), title="median yearly salary of active postings, by company"))


def export(db: Database, flt: PostingFilter, fmt: str, out: TextIO) -> None:
    """json: one array of postings, each with `versions` and `events`; csv: one line per posting version."""
    if fmt == "csv":
        write_csv(list(queries.posting_versions(db, flt)), out, ("posting_id", "version"))
        return
    out.write("[")
    for i, posting in enumerate(queries.postings_with_history(db, flt)):
        out.write(("," if i else "") + "\n" + json.dumps(posting, ensure_ascii=False, default=str))
    out.write("\n]\n")
