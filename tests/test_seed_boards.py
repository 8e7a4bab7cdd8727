"""The seed posting as two aggregator boards show it (`../shared/seeds/`), rebuilt as `html` fixture
boards and read through the CLI with nothing but selectors (and regexes to cut fields out of a
line): every structured fact the text carries must come out normalised."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from dateutil.relativedelta import relativedelta

from crawler.normalize import salary
from tests.conftest import Board, Project
from tests.spider_servers import fixture_text

META = ".job-meta"  # "10 months ago Development & Programming Senior Full-Time 178,000-258,000 $/Year"


def board_a(url: str) -> dict:
    return {"name": "board-a", "kind": "html", "start_urls": [f"{url}/a/search?q=backend"],
            "listing": {"links": "a.job-card__link::attr(href)"},
            "fields": {"title": "h1.job__title::text", "company": ".job__company-name::text",
                       "seniority": ".job__facet--level::text", "liveness": ".badge--live::text",
                       "location": ".job__location::text", "workplace": ".job__workplace::text",
                       "posted": ".job__posted::text", "description": "section.job__description",
                       "tags": ".job__skills::text"}}


def board_b(url: str) -> dict:
    return {"name": "board-b", "kind": "html", "start_urls": [f"{url}/b/jobs?q=backend"],
            "listing": {"links": ".listing-item h2 a::attr(href)"},
            "fields": {"title": {"css": "h1.job-title::text", "regex": r"^(.*) at .+$"},
                       "company": {"css": "h1.job-title::text", "regex": r"^.* at (.+)$"},
                       "posted": {"css": META, "regex": r"^(.+? ago)\b"},
                       "seniority": {"css": META, "regex": r"\b(Intern|Junior|Mid-Level|Senior|Lead|Principal)\b"},
                       "employment_type": {"css": META, "regex": r"\b(Full-Time|Part-Time|Contract|Internship)\b"},
                       "salary": {"css": META, "regex": r"(\d[\d,.]*\s*-\s*\d[\d,.]*\s*\S+/\s*\w+)$"},
                       "location": ".job-footer__country::text", "tags": ".job-footer__tags .tag::text",
                       "description": ".job-body"}}


def test_seed_boards(project: Project, board: Board) -> None:
    pages = {"/a/search?q=backend": "board-a-search",
             "/a/jobs/pinterest/sr-software-engineer-backend-5512": "board-a-posting",
             "/a/jobs/lumen/backend-engineer-payments-5530": "board-a-other",
             "/b/jobs?q=backend": "board-b-jobs",
             "/b/job/senior-software-engineer-backend-at-pinterest-88213": "board-b-posting",
             "/b/job/api-platform-engineer-at-orbit-88420": "board-b-other"}
    for path, name in pages.items():
        board.set_text(path, fixture_text(f"seeds/{name}.html"))
    project.write_config([board_a(board.url), board_b(board.url)])
    before = datetime.now(timezone.utc)
    result = project.run("crawl")
    assert result.exit_code == 0, result.output
    assert "board-a: complete, 2 postings" in result.stdout and "board-b: complete, 2 postings" in result.stdout
    rows = {(p["source"], p["company"]): p for p in project.json("postings")}

    a = rows["board-a", "Pinterest"]
    assert a["title"] == "Senior Software Engineer, Backend"  # "Sr." expanded
    assert (a["location"], a["city"], a["region"], a["country"]) == ("Toronto, ON, CA", "Toronto", "ON", "CA")
    assert a["workplace"] == "hybrid"
    assert (a["posted_at"], a["posted_precision"]) == ("2026-02-25T00:00:00+00:00", "exact")
    assert a["seniority"] == "lead"  # the board's facet "Lead / Manager", though the title says senior
    assert a["employment_type"] is None  # not shown
    assert a["tags"] == ["python", "java", "go", "aws", "ai", "backend", "data", "analytics", "product", "design"]
    live = datetime.fromisoformat(a["liveness_confirmed_at"])
    assert before - timedelta(hours=24, minutes=5) <= live <= datetime.now(timezone.utc) - timedelta(hours=24)
    assert a["salary_min"] is None and a["salary_text"] is None
    assert "• Design, develop, and operate large scale, distributed systems and networks" in a["description"]
    assert a["description"].endswith("• Bonus points if")  # truncated on the board itself
    assert a["url"].endswith("/a/jobs/pinterest/sr-software-engineer-backend-5512?from=search")

    b = rows["board-b", "Pinterest"]
    assert b["title"] == "Senior Software Engineer, Backend"  # "… at Pinterest" cut off
    assert (b["location"], b["country"], b["workplace"]) == ("🇺🇸 United States", "US", "remote")  # #LI-REMOTE
    assert b["posted_precision"] == "relative"
    ten_months = (before - relativedelta(months=10)).date()  # calendar months, never 300 days
    assert abs(datetime.fromisoformat(b["posted_at"]).date() - ten_months) <= timedelta(days=1)
    assert (b["salary_min"], b["salary_max"], b["salary_currency"], b["salary_period"]) == \
        (178000, 258000, "USD", "year")
    assert (b["salary_source"], b["salary_text"]) == ("header", "178,000-258,000 $/Year")
    body = salary.find_salary(b["description"])  # the body prints a different range, another way
    assert body is not None and (body.min, body.max, body.currency) == (172500, 258700, "USD")
    assert (b["seniority"], b["employment_type"]) == ("senior", "full_time")
    teams = [t.removeprefix("team:") for t in b["tags"] if t.startswith("team:")]
    assert [t for t in b["tags"] if not t.startswith("team:")] == ["rest", "restapi", "api", "backend"]
    assert len(teams) == 15 and teams[0] == "community engagement" and teams[-1] == "merchant infra"
    assert "trust & safety signals" in teams and "ads api platform" in teams
    assert not any("relocation" in t or "monetization engineering" in t for t in teams)
    assert "protected]" not in b["description"] and "Let Employers Find You" not in b["description"]
    assert b["liveness_confirmed_at"] is None

    lumen = rows["board-a", "Lumen"]
    assert (lumen["tags"], lumen["workplace"], lumen["seniority"]) == (["go", "postgresql", "kafka"], "onsite", "mid")
    orbit = rows["board-b", "Orbit"]
    assert (orbit["salary_min"], orbit["salary_max"], orbit["salary_currency"], orbit["salary_period"]) == \
        (60, 80, "USD", "hour")
    assert (orbit["employment_type"], orbit["seniority"], orbit["title"]) == ("contract", "mid",
                                                                             "API Platform Engineer")
