"""Questions to the snapshot database: `postings`, `search`, `events`, `history`, `jobs`, `stats`,
`export`, `serve`, and `db` housekeeping."""
from __future__ import annotations

import json
import sys
from typing import Any, Callable

import click
from pydantic import ValidationError

from hirewatch import reports
from hirewatch.cli import EXIT_RUN_PROBLEM, cli, fail, format_option, get_config, open_store
from hirewatch.config import Retention
from hirewatch.output import MARK_END, MARK_START, Column, age, changes, emit, highlighted, salary, unmark
from notify.events import event_rows
from notify.subscriptions import matches
from snapshots import housekeeping, queries, stats as summaries
from snapshots.queries import EVENT_KINDS, SORTS, PostingFilter


def _since(value: str | None, option: str) -> str | None:
    if not value:
        return None
    try:
        return queries.parse_since(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint=option) from None


def posting_filters(f: Callable[..., Any]) -> Callable[..., Any]:
    """The options `postings`, `search` and `export` share: the subscription filter's, plus status and dates."""
    options = [
        click.option("--status", "statuses", multiple=True, type=click.Choice(["active", "stale", "closed"]),
                     help="Only postings with this status (repeatable)."),
        click.option("--source", "sources", multiple=True, help="Only this source (repeatable)."),
        click.option("--company", "companies", multiple=True, help="Only this company, any case (repeatable)."),
        click.option("--keyword", "--keywords", "keywords", multiple=True,
                     help="A whole word in the title or description; any of several (repeatable)."),
        click.option("--exclude-keyword", "exclude_keywords", multiple=True,
                     help="Leave out postings with this whole word (repeatable)."),
        click.option("--workplace", multiple=True, type=click.Choice(["remote", "hybrid", "onsite"]),
                     help="Repeatable."),
        click.option("--country", "countries", multiple=True, help="ISO code such as DE or US (repeatable)."),
        click.option("--salary-min", type=float,
                     help="Yearly top of the range at least this (postings without a salary are left out)."),
        click.option("--posted-since", help="Posted at or after: ISO time or a duration such as 7d."),
        click.option("--first-seen-since", help="First seen at or after: ISO time or a duration such as 7d."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def _filter(kw: dict[str, Any]) -> PostingFilter:
    return PostingFilter(
        statuses=kw.pop("statuses"), sources=kw.pop("sources"), companies=kw.pop("companies"),
        keywords=kw.pop("keywords"), exclude_keywords=kw.pop("exclude_keywords"), workplace=kw.pop("workplace"),
        countries=kw.pop("countries"), salary_min=kw.pop("salary_min"),
        posted_since=_since(kw.pop("posted_since"), "--posted-since"),
        first_seen_since=_since(kw.pop("first_seen_since"), "--first-seen-since"))


def _age(key: str) -> Callable[[dict[str, Any]], str]:
    return lambda row: age(row.get(key))


POSTING_TABLE = (
    Column("id", justify="right"), Column("status"), Column("title", shrink=3),
    Column("company", shrink=1), Column("location", shrink=1), Column("workplace"),
    Column("salary", render=salary, justify="right"), Column("source", shrink=1),
    Column("first_seen_at", "first seen", render=_age("first_seen_at"), justify="right"),
)


@cli.command()
@posting_filters
@click.option("--search", help="Full-text search over title, company, location and description.")
@click.option("--sort", type=click.Choice(SORTS), help="Newest first_seen by default; best match with --search.")
@click.option("--limit", type=click.IntRange(min=1))
@click.option("--subscription", help="Only the postings this subscription's filter lets through.")
@format_option
@click.pass_context
def postings(ctx: click.Context, search: str | None, sort: str | None, limit: int | None, fmt_: str,
             subscription: str | None, **filters: Any) -> None:
    """List stored postings."""
    flt = _filter(filters)
    config = get_config(ctx)
    store = open_store(config)
    rows = queries.postings(store.db, flt, search=search, sort=sort, limit=None if subscription else limit)
    if subscription:
        subs = {s.name: s for s in config.notify.subscriptions}
        if subscription not in subs:
            fail(f"no subscription named {subscription!r}; subscriptions: {', '.join(subs) or 'none'}")
        wanted = subs[subscription].filter.model_dump()
        rows = [row for row in rows if matches(wanted, row)][:limit]
    emit(rows, fmt_, POSTING_TABLE, title=f"{len(rows)} postings")


@cli.command()
@click.argument("text", nargs=-1, required=True)
@posting_filters
@click.option("--sort", type=click.Choice(("rank", *SORTS)), default="rank", show_default=True)
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@format_option
@click.pass_context
def search(ctx: click.Context, text: tuple[str, ...], sort: str, limit: int, fmt_: str, **filters: Any) -> None:
    """Full-text search of postings (title, company, location, description), best match first.

    Every word must match, in any field; `word*` matches a prefix."""
    flt = _filter(filters)
    store = open_store(get_config(ctx))
    try:
        rows = queries.postings(store.db, flt, search=" ".join(text), sort=sort, limit=limit,
                                marks=(MARK_START, MARK_END))
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="TEXT") from None
    if fmt_ != "table":
        for row in rows:
            row["snippet"] = unmark(row["snippet"])
    emit(rows, fmt_, (Column("id", justify="right"), Column("title", shrink=3), Column("company", shrink=1),
                      Column("salary", render=salary), Column("status"),
                      Column("snippet", "match", render=lambda r: highlighted(r["snippet"]), shrink=1)),
         title=f"{len(rows)} match{'' if len(rows) == 1 else 'es'} for {' '.join(text)!r}")


@cli.command()
@click.option("--since", help="ISO time or a duration such as 7d or 12h.")
@click.option("--kind", "kinds", multiple=True, type=click.Choice(EVENT_KINDS))
@click.option("--source", "sources", multiple=True)
@click.option("--subscription", help="Only the events this subscription would be sent (its kinds and filter).")
@click.option("--limit", type=click.IntRange(min=1), help="Only the newest N.")
@format_option
@click.pass_context
def events(ctx: click.Context, since: str | None, kinds: tuple[str, ...], sources: tuple[str, ...],
           subscription: str | None, limit: int | None, fmt_: str) -> None:
    """List change events, oldest first."""
    since_at = _since(since, "--since")
    config = get_config(ctx)
    sub = None
    if subscription:
        known = {s.name: s for s in config.notify.subscriptions}
        if subscription not in known:
            fail(f"no subscription named {subscription!r}; subscriptions: {', '.join(known) or 'none'}")
        sub = known[subscription]
    store = open_store(config)
    rows = queries.events(store.db, since=since_at, kind=kinds, source=sources, limit=None if sub else limit)
    if sub is not None:
        # The filter reads the posting's fields as alerts see them.
        flt = sub.filter.model_dump()
        passing = {e["id"] for e in event_rows(store.db, [r["id"] for r in rows if r["kind"] in sub.events])
                   if matches(flt, e)}
        rows = [r for r in rows if r["id"] in passing]
        rows = rows[-limit:] if limit else rows
    emit(rows, fmt_, (Column("id", justify="right"), Column("at", render=_age("at"), justify="right"),
                      Column("kind"), Column("source", shrink=1), Column("posting_id", "posting", justify="right"),
                      Column("title", shrink=2), Column("company", shrink=1),
                      Column("changes", render=lambda r: changes(r["changes"]), shrink=2), Column("note", shrink=2)),
         title=f"{len(rows)} events")


@cli.command()
@click.argument("posting_id", type=int)
@click.option("--format", "fmt_", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def history(ctx: click.Context, posting_id: int, fmt_: str) -> None:
    """A posting's versions, what changed, its events, and the job's other postings."""
    store = open_store(get_config(ctx))
    found = queries.history(store.db, posting_id)
    if found is None:
        fail(f"no posting with id {posting_id}", EXIT_RUN_PROBLEM)
    if fmt_ == "json":
        click.echo(json.dumps(found, indent=2, ensure_ascii=False, default=str))
    else:
        reports.print_history(found)


@cli.command()
@click.option("--company", "companies", multiple=True, help="Only this company (repeatable).")
@click.option("--all", "show_all", is_flag=True, help="Also jobs seen on one board only.")
@click.option("--limit", type=click.IntRange(min=1))
@click.option("--format", "fmt_", type=click.Choice(["table", "json", "jsonl", "csv"]), default="table",
              show_default=True, help="csv: one line per job × posting.")
@click.pass_context
def jobs(ctx: click.Context, companies: tuple[str, ...], show_all: bool, limit: int | None, fmt_: str) -> None:
    """Jobs seen on several boards, with their postings and why they were linked."""
    store = open_store(get_config(ctx))
    found = queries.jobs(store.db, company=companies, min_postings=1 if show_all else 2, limit=limit)
    if fmt_ == "table":
        reports.print_jobs(found)
    elif fmt_ == "csv":
        emit(reports.job_rows(found), "csv", ())
    else:
        emit(found, fmt_, ())


@cli.command()
@click.option("--days", type=click.IntRange(1, 366), default=14, show_default=True, help="Days of events to chart.")
@click.option("--format", "fmt_", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def stats(ctx: click.Context, days: int, fmt_: str) -> None:
    """Postings by status and source, events per day, median salary by company."""
    store = open_store(get_config(ctx))
    found = summaries.summary(store.db, days)
    if fmt_ == "json":
        click.echo(json.dumps(found, indent=2, ensure_ascii=False))
    else:
        reports.print_stats(found)


@cli.command()
@posting_filters
@click.option("--format", "fmt_", type=click.Choice(["json", "csv"]), default="json", show_default=True,
              help="json: postings with their versions and events; csv: one line per posting version.")
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-", help="File (default: stdout).")
@click.pass_context
def export(ctx: click.Context, fmt_: str, output: Any, **filters: Any) -> None:
    """Export postings with their history."""
    flt = _filter(filters)
    store = open_store(get_config(ctx))
    reports.export(store.db, flt, fmt_, output)


@cli.command(context_settings={"ignore_unknown_options": True})
@click.option("--host", default="127.0.0.1", show_default=True, help="0.0.0.0 shares it with your network.")
@click.option("--port", type=click.IntRange(0, 65535), default=8001, show_default=True)
@click.argument("datasette_args", nargs=-1, type=click.UNPROCESSED)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, datasette_args: tuple[str, ...]) -> None:
    """Browse the database in Datasette, read-only (needs `pip install 'hirewatch[web]'`).

    Extra arguments go to `datasette serve`, e.g. `hirewatch serve -- --open`."""
    from hirewatch import serve as web

    if not web.datasette_available():
        fail("Datasette is not installed; install it with: pip install 'hirewatch[web]'", EXIT_RUN_PROBLEM)
    config = get_config(ctx)
    open_store(config).close()  # creates or upgrades the schema, so the views exist
    sys.exit(web.serve(config.database, host, port, datasette_args))


@cli.group()
def db() -> None:
    """Database housekeeping: vacuum, prune, rebuild-fts."""


@db.command()
@click.pass_context
def vacuum(ctx: click.Context) -> None:
    """Compact the database file and its search index."""
    store = open_store(get_config(ctx))
    before = housekeeping.size(store.path)
    housekeeping.vacuum(store.db)
    after = housekeeping.size(store.path)
    click.echo(f"vacuumed {store.path}: {before / 1e6:.2f} MB → {after / 1e6:.2f} MB")


@db.command("rebuild-fts")
@click.pass_context
def rebuild_fts(ctx: click.Context) -> None:
    """Rebuild the full-text index from the postings."""
    store = open_store(get_config(ctx))
    with store.atomic():
        count = housekeeping.rebuild_fts(store.db)
    click.echo(f"search index rebuilt: {count} postings")


@db.command()
@click.option("--older-than", help="Delete versions and events older than this (e.g. 180d); "
                                   "default: the config's retention.")
@click.pass_context
def prune(ctx: click.Context, older_than: str | None) -> None:
    """Delete old versions and events (never a posting's latest version, never what an alert still needs)."""
    config = get_config(ctx)
    retention = config.retention
    if older_than:
        try:
            retention = Retention(versions=older_than, events=older_than)
        except ValidationError as exc:
            message = exc.errors()[0]["msg"].removeprefix("Value error, ")
            raise click.BadParameter(message, param_hint="--older-than") from None
    if retention.versions is None and retention.events is None:
        fail("nothing to prune: give --older-than (e.g. 180d) or set retention.versions / retention.events")
    store = open_store(config)
    with store.atomic():
        pruned = housekeeping.prune(store.db, retention.versions, retention.events)
    click.echo(f"pruned {pruned.versions} versions, {pruned.events} events, {pruned.deliveries} deliveries"
               " (run `hirewatch db vacuum` to give the space back)")
