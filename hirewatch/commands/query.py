"""Questions to the snapshot database: `postings`, `events`, `history`."""
from __future__ import annotations

import json

import click

from hirewatch.cli import EXIT_RUN_PROBLEM, cli, fail, format_option, get_config, open_store
from hirewatch.output import emit, salary
from snapshots import queries


@cli.command()
@click.option("--status", type=click.Choice(["active", "stale", "closed"]))
@click.option("--source", "sources", multiple=True)
@click.option("--company")
@click.option("--search", help="Full-text search over title, company, location and description.")
@format_option
@click.pass_context
def postings(ctx: click.Context, status: str | None, sources: tuple[str, ...], company: str | None,
             search: str | None, fmt_: str) -> None:
    """List stored postings."""
    store = open_store(get_config(ctx))
    rows = queries.postings(store.db, status=status, source=list(sources), company=company, search=search)
    for row in rows:
        row["salary"] = salary(row)
    if fmt_ != "table":
        for row in rows:
            row.pop("salary")
    emit(rows, fmt_, ("id", "status", "title", "company", "location", "workplace", "salary", "source",
                      "first_seen_at"), title=f"{len(rows)} postings")


@cli.command()
@click.option("--since", help="ISO time or a duration such as 7d or 12h.")
@click.option("--kind", "kinds", multiple=True,
              type=click.Choice(["new", "also_posted", "updated", "stale", "closed", "reopened", "source_health"]))
@click.option("--source", "sources", multiple=True)
@format_option
@click.pass_context
def events(ctx: click.Context, since: str | None, kinds: tuple[str, ...], sources: tuple[str, ...],
           fmt_: str) -> None:
    """List change events."""
    try:
        since_at = queries.parse_since(since) if since else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--since") from None
    store = open_store(get_config(ctx))
    rows = queries.events(store.db, since=since_at, kind=list(kinds), source=list(sources))
    emit(rows, fmt_, ("id", "at", "kind", "source", "posting_id", "title", "company", "changes", "note"),
         title=f"{len(rows)} events")


@cli.command()
@click.argument("posting_id", type=int)
@click.option("--format", "fmt_", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def history(ctx: click.Context, posting_id: int, fmt_: str) -> None:
    """A posting's versions and events."""
    store = open_store(get_config(ctx))
    found = queries.history(store.db, posting_id)
    if found is None:
        fail(f"no posting with id {posting_id}", EXIT_RUN_PROBLEM)
    if fmt_ == "json":
        click.echo(json.dumps(found, indent=2, ensure_ascii=False, default=str))
        return
    p = found["posting"]
    click.echo(f"#{p['id']} {p['title']} — {p['company'] or '?'} — {p['location'] or '?'} [{p['status']}]")
    click.echo(f"  {p['source']}/{p['external_id']}  {p['url'] or ''}")
    emit(found["versions"], "table", ("version", "seen_at", "run_id", "title", "location", "salary_min",
                                      "salary_max", "salary_currency"), title="versions")
    emit(found["events"], "table", ("id", "at", "kind", "changes", "note"), title="events")


