"""Generated postings and job pages, deterministic from their index, so every side reads the same data."""
from __future__ import annotations

import html
import random
from functools import lru_cache

from crawler.posting import Posting

TITLES = ("Backend Engineer", "Data Scientist", "Site Reliability Engineer", "Product Designer",
          "Frontend Engineer", "Engineering Manager", "Security Analyst", "Technical Writer")
CITIES = ("Berlin, Germany", "Toronto, Canada", "Austin, TX", "London, United Kingdom", "Remote")
WORDS = ("build", "scale", "design", "review", "ship", "operate", "measure", "improve", "services", "teams",
         "customers", "pipelines", "reliable", "secure", "systems", "data", "product", "quality", "we", "you")


@lru_cache(maxsize=None)
def _pool(words: int) -> tuple[str, ...]:
    rng = random.Random(words)
    return tuple(" ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "." for _ in range(4001))


def paragraph(seed: int, words: int = 70) -> str:
    """One of a fixed pool of paragraphs: generating a million postings must take seconds, not minutes."""
    return _pool(words)[seed % 4001]


def salary(i: int, revision: int) -> tuple[int, int]:
    low = 60_000 + (i % 40) * 2_000 + revision * 5_000
    return low, low + 30_000


def posting(source: str, i: int, revision: int = 0, paragraphs: int = 2) -> Posting:
    """Posting `i` of a source; a higher `revision` changes its salary and its first paragraph."""
    low, high = salary(i, revision)
    text = "\n\n".join(paragraph(i * 7 + p + (revision * 100_003 if p == 0 else 0)) for p in range(paragraphs))
    return Posting(source=source, external_id=str(i), title=f"{TITLES[i % len(TITLES)]} {i}",
                   url=f"https://jobs.example/{source}/{i}", company=f"Company {source}",
                   location=CITIES[i % len(CITIES)], workplace="remote" if i % 5 == 4 else "onsite",
                   employment_type="full_time", salary_min=float(low), salary_max=float(high),
                   salary_currency="USD", salary_period="year", salary_text=f"${low:,} - ${high:,} a year",
                   posted_at="2026-11-01T00:00:00+00:00", description=text)


def revision_of(i: int, run: int, size: int, changed: float) -> int:
    """Which revision posting `i` is at in run `run` (0 is the first): each run after the first
    changes the next `changed` fraction of the postings, and a changed posting stays changed."""
    step = max(1, int(size * changed)) if changed else 0
    if not step or run == 0:
        return 0
    window, windows = i // step, size // step
    if window >= windows or run < window + 1:
        return 0
    return window + 1 + ((run - window - 1) // windows) * windows


def run_of(source: str, size: int, changed: float, run: int) -> list[Posting]:
    """A source's postings as run `run` sees them: exactly `changed` of them differ from run - 1."""
    return [posting(source, i, revision_of(i, run, size, changed)) for i in range(size)]


def job_page(i: int, revision: int = 0) -> bytes:
    """A job page of about 3 KB: title, company, location, salary, six paragraphs."""
    low, high = salary(i, revision)
    body = "".join(f"<p>{html.escape(paragraph(i * 13 + p + (revision * 100_003 if p == 0 else 0), 72))}</p>\n"
                   for p in range(6))
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{TITLES[i % len(TITLES)]} {i}</title>"
            f"</head><body><article class='job'>\n<h1>{TITLES[i % len(TITLES)]} {i}</h1>\n"
            f"<div class='company'>Company {i % 50}</div>\n<div class='location'>{CITIES[i % len(CITIES)]}</div>\n"
            f"<div class='salary'>${low:,} - ${high:,} a year</div>\n<div class='description'>\n{body}</div>"
            f"</article></body></html>\n").encode()


def greenhouse_job(i: int, base: str) -> dict:
    low, high = salary(i, 0)
    text = "".join(f"<p>{paragraph(i * 7 + p)}</p>" for p in range(2))
    return {"id": 4_000_000 + i, "title": f"{TITLES[i % len(TITLES)]} {i}", "company_name": "Fixture Co",
            "absolute_url": f"{base}/jobs/{4_000_000 + i}", "updated_at": "2026-11-01T00:00:00-05:00",
            "first_published": "2026-10-28T00:00:00-05:00", "location": {"name": CITIES[i % len(CITIES)]},
            "metadata": [], "offices": [], "departments": [],
            "content": html.escape(text),
            "pay_input_ranges": [{"min_cents": low * 100, "max_cents": high * 100, "currency_type": "USD",
                                  "title": "Base", "blurb": ""}]}
