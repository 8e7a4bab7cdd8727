"""Progress of a `hirewatch crawl` pass: a live rich display on a terminal, plain lines otherwise.

    with CrawlProgress([job.name for job in jobs]) as progress:
        for job in jobs:
            progress.started(job.name)
            progress.finished(crawl_source(job, ...))
"""
from __future__ import annotations

from types import TracebackType
from typing import Sequence

from rich.console import Console
from rich.progress import Progress, ProgressColumn, SpinnerColumn, Task, TextColumn
from rich.text import Text

from scheduler.crawl import RunSummary

_STYLE = {"complete": "green", "partial": "yellow", "failed": "red"}


class _Spinner(SpinnerColumn):
    """Spins only while the source is being crawled."""

    def render(self, task: Task) -> Text:
        return Text(" ") if not task.started else super().render(task)  # type: ignore[return-value]


class _Elapsed(ProgressColumn):
    """Seconds so far; for a finished source, the crawl's own duration."""

    def render(self, task: Task) -> Text:
        if not task.started:
            return Text("")
        seconds = task.fields.get("seconds")
        if seconds is None:
            seconds = task.elapsed or 0.0
        return Text(f"{seconds:5.1f}s", style="progress.elapsed")


class CrawlProgress:
    """Reports each source as it starts and finishes: pages, postings, errors, elapsed time and events."""

    def __init__(self, sources: Sequence[str], console: Console | None = None) -> None:
        self.console = console or Console()
        self.progress: Progress | None = None
        self.tasks: dict[str, int] = {}
        if self.console.is_terminal:
            self.progress = Progress(
                _Spinner(finished_text="•"), TextColumn("[bold]{task.description}"),
                TextColumn("{task.fields[state]}"), TextColumn("{task.fields[counts]}"), _Elapsed(),
                TextColumn("{task.fields[result]}"), console=self.console)
            width = max((len(s) for s in sources), default=0)
            for name in sources:
                self.tasks[name] = self._add(name.ljust(width), "waiting")

    def __enter__(self) -> CrawlProgress:
        if self.progress:
            self.progress.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.progress:
            self.progress.stop()

    def started(self, source: str) -> None:
        if self.progress:
            task = self._task(source)
            self.progress.start_task(task)
            self.progress.update(task, state="crawling")
        else:
            self._line(f"{source}: crawling…")

    def finished(self, summary: RunSummary) -> None:
        outcome = summary.outcome
        if not self.progress:
            self._line(summary.line)
            return
        task = self._task(summary.source)
        events = ", ".join(f"{n} {k}" for k, n in sorted(summary.counts.items())) or "no events"
        result = events if outcome.status == "complete" else f"{events} — {outcome.reason}"
        style = _STYLE.get(outcome.status, "red")
        counts = f"{outcome.pages:>4} pages {summary.items:>5} postings {outcome.errors:>3} errors"
        self.progress.update(task, completed=1, state=f"[{style}]{outcome.status:<8}[/]", counts=counts,
                             seconds=summary.seconds, result=Text(result).markup)
        self.progress.stop_task(task)

    def _line(self, text: str) -> None:
        # Written as is: a log line must not be wrapped at the 80 columns rich assumes off a terminal.
        self.console.file.write(text + "\n")
        self.console.file.flush()

    def _task(self, source: str) -> int:
        if source not in self.tasks:  # a source not announced up front still gets its line
            self.tasks[source] = self._add(source, "")
        return self.tasks[source]

    def _add(self, name: str, state: str) -> int:
        assert self.progress is not None
        return self.progress.add_task(name, start=False, total=1, state=state, counts="", result="")
