"""The ATS API kinds (Ashby, Workable, SmartRecruiters, Recruitee, Workday) against fixture boards in
their documented formats on 127.0.0.1, crawled through the CLI: paging, missing optional fields,
odd titles, and a malformed record or page that makes the run partial without losing the rest."""
from __future__ import annotations

import copy
import json
import logging

import pytest
from scrapy.http import TextResponse
from scrapy.utils.test import get_crawler

from crawler.spiders.workday import TRUNCATED, WorkdaySpider
from tests.conftest import Board, Project, fixture_json
from tests.spider_servers import WorkdayBoard, last_run, postings_by, workday  # noqa: F401

# One missed complete run closes a posting here, so "a partial run closes nothing" is a real check.
CLOSE_AT_ONCE = {"detection": {"closed_after_missed_runs": 1}}


def crawl(project: Project, expect: int = 0) -> str:
    result = project.run("crawl")
    assert result.exit_code == expect, result.output
    return result.stdout


def assert_partial_kept(project: Project, source: str, kept: set[str], parse_errors: int = 1) -> None:
    """The run after a malformed record or page: partial, counted, the rest kept, nothing closed."""
    run = last_run(project, source)
    assert run["status"] == "partial"
    assert run["stats"]["hirewatch/parse_errors"] == parse_errors
    assert "could not be parsed" in run["reason"]
    assert project.json("events", "--kind", "closed") == []
    assert "closed" not in {p["status"] for p in project.json("postings")}
    assert kept <= {p["external_id"] for p in project.json("postings")}


def test_ashby(project: Project, board: Board) -> None:
    path = "/posting-api/job-board/lumen"
    payload = fixture_json("ashby/board.json")
    board.set_json(path, payload)
    project.write_config([{"name": "lumen", "kind": "ashby", "board": "lumen", "company": "Lumen",
                           "base_url": board.url}], **CLOSE_AT_ONCE)
    assert "lumen: complete, 3 postings" in crawl(project)
    assert board.hits == ["/robots.txt", f"{path}?includeCompensation=true"]
    rows = postings_by(project)
    assert "0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c04" not in rows  # isListed: false
    senior = rows["5c3a9e1e-2f4b-4c1d-9a57-0d8c1b2e7f01"]
    assert senior["title"] == "Senior Backend Engineer"
    assert senior["company"] == "Lumen"
    assert senior["location"] == "Berlin, Germany; Munich, Germany"
    assert (senior["city"], senior["country"], senior["workplace"]) == ("Berlin", "DE", "hybrid")
    assert (senior["salary_min"], senior["salary_max"], senior["salary_currency"], senior["salary_period"]) == \
        (70000, 100000, "EUR", "year")  # both tiers' salaries; equity is not pay
    assert (senior["salary_source"], senior["salary_text"]) == ("structured", "€70K - €100K")
    assert senior["employment_type"] == "full_time" and senior["seniority"] == "senior"
    assert senior["tags"] == ["engineering", "platform"]
    assert senior["posted_at"].startswith("2026-10-01T09:30:00")
    assert "utm_source" not in senior["apply_url"]
    assert "• Own the payments API" in senior["description"]
    odd = rows["8e1f2d3c-4b5a-4697-8a1b-2c3d4e5f6a02"]
    assert odd["title"] == "Ingénieur·e Données & ML — Zürich 🚀"
    assert (odd["workplace"], odd["employment_type"], odd["country"]) == ("onsite", "part_time", "CH")
    assert odd["salary_min"] is None and odd["tags"] == [] and odd["apply_url"] == odd["url"]
    assert odd["description"] == "Build data pipelines in Zürich. Team: 4 people."
    hidden = rows["b7c6d5e4-f3a2-4190-8f7e-6d5c4b3a2903"]
    assert hidden["salary_min"] is None  # the employer chose not to show it
    assert (hidden["workplace"], hidden["employment_type"]) == ("remote", "contract")

    broken = copy.deepcopy(payload)
    del broken["jobs"][2]["id"]
    board.set_json(path, broken)
    crawl(project, expect=1)
    assert_partial_kept(project, "lumen", {"5c3a9e1e-2f4b-4c1d-9a57-0d8c1b2e7f01",
                                           "8e1f2d3c-4b5a-4697-8a1b-2c3d4e5f6a02"})


def test_workable(project: Project, board: Board) -> None:
    path = "/api/v1/widget/accounts/northwind"
    payload = fixture_json("workable/account.json")
    board.set_json(path, payload)
    project.write_config([{"name": "northwind", "kind": "workable", "board": "northwind", "base_url": board.url}],
                         **CLOSE_AT_ONCE)
    assert "northwind: complete, 3 postings" in crawl(project)
    assert f"{path}?details=true" in board.hits
    rows = postings_by(project)
    data = rows["A1B2C3D4E5"]
    assert (data["title"], data["company"], data["location"]) == ("Data Engineer", "Northwind Labs",
                                                                  "Berlin, Berlin, Germany")
    assert (data["country"], data["workplace"], data["employment_type"]) == ("DE", None, "full_time")
    assert (data["salary_min"], data["salary_max"], data["salary_currency"], data["salary_period"]) == \
        (65000, 80000, "EUR", "year")
    assert data["salary_source"] == "body"
    assert data["posted_at"].startswith("2026-11-02") and data["posted_precision"] == "exact"
    assert data["tags"] == ["data"]
    support = rows["F6G7H8J9K0"]
    assert support["workplace"] == "remote"  # telecommuting sent as the string "true"
    assert support["location"] == "Lisbon, Lisbon, Portugal"  # the hidden Porto location stays hidden
    assert support["employment_type"] == "part_time"
    intern = rows["L1M2N3P4Q5"]
    assert intern["title"] == "Stagiaire « Produit » & Design 🎨"
    assert (intern["location"], intern["url"], intern["description"]) == (None, None, "")
    assert intern["employment_type"] == "internship"

    broken = copy.deepcopy(payload)
    broken["jobs"].insert(1, {"code": "NO-SHORTCODE", "title": "Broken"})
    board.set_json(path, broken)
    crawl(project, expect=1)
    assert_partial_kept(project, "northwind", {"A1B2C3D4E5", "F6G7H8J9K0", "L1M2N3P4Q5"})


def test_smartrecruiters_pages_details_and_closed_postings(project: Project, board: Board) -> None:
    listing = "/v1/companies/AcmeCorp/postings"
    details = fixture_json("smartrecruiters/details.json")
    board.set_json(f"{listing}?limit=2&offset=0", fixture_json("smartrecruiters/page1.json"))
    board.set_json(f"{listing}?limit=2&offset=2", fixture_json("smartrecruiters/page2.json"))
    live = copy.deepcopy(details)
    live["744000012345604"]["active"] = True
    for ident, detail in live.items():
        board.set_json(f"{listing}/{ident}", detail)
    project.write_config([{"name": "acme", "kind": "smartrecruiters", "board": "AcmeCorp", "base_url": board.url,
                           "page_size": 2}], **CLOSE_AT_ONCE)
    assert "acme: complete, 4 postings, 2 pages" in crawl(project)
    assert not any("offset=4" in hit for hit in board.hits)  # totalFound says there is no third page
    rows = postings_by(project)
    java = rows["744000012345601"]
    assert (java["title"], java["company"], java["requisition_id"]) == ("Senior Java Developer", "Acme Corp",
                                                                        "REF-101")
    assert (java["city"], java["country"], java["workplace"]) == ("Kraków", "PL", "hybrid")
    assert (java["employment_type"], java["seniority"]) == ("full_time", "senior")
    assert (java["salary_min"], java["salary_max"], java["salary_currency"], java["salary_period"]) == \
        (18000, 24000, "PLN", "month")
    assert "Build order services in Java 21" in java["description"]
    assert "ships everything" not in java["description"]  # the board-wide company blurb is left out
    assert java["apply_url"].endswith("senior-java-developer?oga=true")
    assert java["tags"] == ["engineering", "information technology"]
    front = rows["744000012345602"]
    assert front["title"] == "Développeur·se Front-end & UX 🇫🇷"
    assert (front["workplace"], front["employment_type"], front["seniority"]) == ("remote", "contract", "junior")
    bare = rows["744000012345603"]
    assert (bare["location"], bare["description"], bare["tags"]) == (None, "", [])
    assert bare["url"] == "https://jobs.smartrecruiters.com/AcmeCorp/744000012345603"

    # The detail says `active: false` for one and is gone (404) for another: both close on a complete run.
    board.set_json(f"{listing}/744000012345604", details["744000012345604"])
    board.set_status(f"{listing}/744000012345603", 404)
    assert "2 closed" in crawl(project)
    assert last_run(project, "acme")["stats"]["hirewatch/detail_gone"] == 1
    closed = project.json("events", "--kind", "closed")
    assert sorted(e["title"] for e in closed) == ["Night Shift Lead", "Warehouse Associate"]

    board.set_text(f"{listing}?limit=2&offset=2", '{"offset": 2, "content": [', content_type="application/json")
    crawl(project, expect=1)
    run = last_run(project, "acme")
    assert run["status"] == "partial" and run["stats"]["hirewatch/parse_errors"] == 1
    assert len(project.json("events", "--kind", "closed")) == 2
    assert {p["external_id"] for p in project.json("postings", "--status", "active")} == \
        {"744000012345601", "744000012345602"}


def test_recruitee(project: Project, board: Board) -> None:
    payload = fixture_json("recruitee/offers.json")
    board.set_json("/api/offers", payload)
    project.write_config([{"name": "blossom", "kind": "recruitee", "board": "blossom", "base_url": board.url}],
                         **CLOSE_AT_ONCE)
    assert "blossom: complete, 3 postings" in crawl(project)
    rows = postings_by(project)
    backend = rows["1520001"]
    assert (backend["company"], backend["city"], backend["country"]) == ("Blossom B.V.", "Amsterdam", "NL")
    assert (backend["workplace"], backend["employment_type"], backend["seniority"]) == ("hybrid", "full_time", "mid")
    assert (backend["salary_min"], backend["salary_max"], backend["salary_currency"], backend["salary_period"]) == \
        (55000, 70000, "EUR", "year")
    assert backend["posted_at"].startswith("2026-11-03T10:15:00")
    assert backend["tags"] == ["elixir", "phoenix", "engineering"]
    assert "Help florists sell online." in backend["description"] and "• PostgreSQL" in backend["description"]
    assert backend["apply_url"].endswith("/c/new")
    success = rows["1520002"]
    assert (success["location"], success["workplace"], success["employment_type"]) == \
        ("Utrecht, UT, NL", "remote", "part_time")
    assert (success["salary_min"], success["salary_max"], success["salary_period"]) == (25, 30, "hour")
    mobile = rows["1520003"]
    assert mobile["title"] == "Ontwikkelaar 👩‍💻 Mobile & Web"
    assert (mobile["company"], mobile["salary_min"], mobile["tags"]) == ("blossom", None, [])

    broken = copy.deepcopy(payload)
    broken["offers"].append({"id": 1520004, "slug": "no-title"})
    board.set_json("/api/offers", broken)
    crawl(project, expect=1)
    assert_partial_kept(project, "blossom", {"1520001", "1520002", "1520003"})


def workday_board(server: WorkdayBoard) -> None:
    """The three fixture postings, then 20 plain ones: two pages of 20 and a short third-party page."""
    listed = fixture_json("workday/listed.json")
    details = fixture_json("workday/details.json")
    for n in range(1, 21):
        path = f"/job/Toledo-OH/Assembler_R-{9000 + n}"
        listed.append({"title": f"Assembler {n}", "externalPath": path, "locationsText": "Toledo, OH",
                       "postedOn": "Posted Today", "bulletFields": [f"R-{9000 + n}"]})
        details[path] = {"jobPostingInfo": {"title": f"Assembler {n}", "location": "Toledo, OH",
                                            "jobDescription": "<p>Assemble.</p>", "startDate": "2026-11-20"}}
    server.listed, server.details = listed, details


def test_workday_post_paging_and_details(project: Project, workday: WorkdayBoard) -> None:  # noqa: F811
    workday_board(workday)
    project.write_config([{"name": "acme-wd", "kind": "workday", "base_url": workday.url,
                           "board": "https://acme.wd5.myworkdayjobs.com/en-US/External"}], **CLOSE_AT_ONCE)
    assert "acme-wd: complete, 23 postings, 2 pages" in crawl(project)
    searches = [json.loads(s.body) for s in workday.requests("/wday/cxs/acme/External/jobs", "POST")]
    assert [(q["offset"], q["limit"]) for q in searches] == [(0, 20), (20, 20)]  # the short page ends it
    assert searches[0] == {"appliedFacets": {}, "limit": 20, "offset": 0, "searchText": ""}
    assert len([s for s in workday.seen if s.method == "GET" and "/job/" in s.path]) == 23
    rows = postings_by(project)
    senior = rows["JR-0042"]
    assert (senior["company"], senior["requisition_id"], senior["workplace"]) == ("Acme Industries", "JR-0042",
                                                                                  "hybrid")
    assert senior["location"] == "Berlin, Germany; Hamburg, Germany"
    assert (senior["posted_at"][:10], senior["posted_precision"]) == ("2026-11-18", "exact")
    assert senior["valid_through"].startswith("2027-01-31")
    assert (senior["salary_min"], senior["salary_max"], senior["salary_currency"], senior["salary_source"]) == \
        (85000, 105000, "EUR", "body")
    assert senior["url"].startswith("https://acme.wd5.myworkdayjobs.com/External/job/")
    datos = rows["JR-0057-1"]
    assert datos["title"] == "Ingeniero/a de Datos – Ciudad de México 🌮 (Híbrido)"
    assert (datos["employment_type"], datos["country"]) == ("full_time", "MX")
    technician = rows["R-7781"]  # no req id in its path: the bullet field is the id
    assert (technician["company"], technician["url"], technician["workplace"]) == ("acme", None, None)
    assert technician["posted_precision"] == "relative"  # only "Posted 30+ Days Ago" was given

    workday.details["/job/Ciudad-de-Mxico/Ingeniero-a-de-Datos_JR-0057-1"] = '{"jobPostingInfo": {"title": '
    crawl(project, expect=1)
    kept = {"JR-0042", "R-7781", *(f"R-{9000 + n}" for n in range(1, 21))}
    assert_partial_kept(project, "acme-wd", kept)


def test_workday_stops_at_its_2000_cap_and_says_so(caplog: pytest.LogCaptureFixture) -> None:
    crawler = get_crawler(WorkdaySpider)
    spider = WorkdaySpider.from_crawler(crawler, source={"name": "big", "kind": "workday",
                                                         "board": "https://big.wd1.myworkdayjobs.com/Careers"})
    jobs = [{"title": f"Job {n}", "externalPath": f"/job/X/Job_R-{n}"} for n in range(20)]
    page = TextResponse("https://big.wd1.myworkdayjobs.com/wday/cxs/big/Careers/jobs",
                        body=json.dumps({"total": 0, "jobPostings": jobs}).encode(), encoding="utf-8")
    out = list(spider.parse_page(page, offset=1960, total=1980))
    assert len(out) == 20 and all("/wday/cxs/big/Careers/job/X/" in r.url for r in out)  # details, no next page
    assert crawler.stats.get_value(TRUNCATED) is None  # a total under the cap ends it cleanly
    out = list(spider.parse_page(page, offset=1980, total=2000))  # 2000 is also what a bigger board says
    assert len(out) == 20 and crawler.stats.get_value(TRUNCATED) == 1
    # Logged as an error, so that the run cannot count as complete.
    assert [r.levelno for r in caplog.records if "at most 2000" in r.getMessage()] == [logging.ERROR]
