"""The page kinds (JSON-LD careers sites, RSS/Atom feeds, selector-driven HTML boards) against
fixture sites on 127.0.0.1, crawled through the CLI: paging, links to follow, a sitemap, missing
optional fields, odd titles, a posting page that is gone, and a malformed page."""
from __future__ import annotations

from tests.conftest import Board, Project
from tests.spider_servers import fixture_text, last_run, postings_by
from tests.test_spiders_api import CLOSE_AT_ONCE, assert_partial_kept, crawl


def serve(board: Board, routes: dict[str, str], content_type: str = "text/html; charset=utf-8") -> None:
    for path, name in routes.items():
        board.set_text(path, fixture_text(name).replace("BASE", board.url), content_type=content_type)


def test_jsonld_listing_links_next_pages_and_sitemap(project: Project, board: Board) -> None:
    serve(board, {"/careers": "jsonld/careers.html", "/careers?page=2": "jsonld/careers-page2.html",
                  "/careers/jobs/101-backend-engineer": "jsonld/job-101.html",
                  "/careers/jobs/102-site-reliability-engineer": "jsonld/job-102.html",
                  "/careers/jobs/103-sjukskoterska-nattskift": "jsonld/job-103.html",
                  "/careers/jobs/104-data-analyst": "jsonld/job-104.html",
                  "/about": "jsonld/careers-page2.html", "/blog/we-are-hiring": "jsonld/job-104.html"})
    serve(board, {"/sitemap.xml": "jsonld/sitemap.xml", "/sitemap-jobs.xml": "jsonld/sitemap-jobs.xml"},
          content_type="application/xml")
    project.write_config([{"name": "fjord", "kind": "jsonld", "start_urls": [f"{board.url}/careers"],
                           "sitemap_urls": [f"{board.url}/sitemap.xml"], "follow": r"/careers/jobs/\d+",
                           "listing": {"next": "a.next::attr(href)"}}], **CLOSE_AT_ONCE)
    assert "fjord: complete, 4 postings, 4 pages" in crawl(project)  # 2 listing pages, 2 sitemaps
    assert "/about" not in board.hits and "/blog/we-are-hiring" not in board.hits
    assert board.hits.count("/careers") == 1  # page 2's "next" leads back: not read again
    rows = postings_by(project)
    backend = rows["FH-101"]
    assert (backend["title"], backend["company"], backend["requisition_id"]) == \
        ("Backend Engineer (Python)", "Fjord Health", "FH-101")
    assert (backend["location"], backend["city"], backend["country"]) == ("Oslo, Oslo, NO", "Oslo", "NO")
    assert (backend["salary_min"], backend["salary_max"], backend["salary_currency"], backend["salary_period"]) == \
        (750000, 900000, "NOK", "year")
    assert (backend["posted_at"][:10], backend["posted_precision"]) == ("2026-11-05", "exact")
    assert backend["valid_through"].startswith("2027-01-05")
    assert backend["employment_type"] == "full_time"  # the first of the listed types
    assert "• Django and PostgreSQL" in backend["description"]
    assert "utm_source" not in backend["url"]
    sre = rows[f"{board.url}/careers/jobs/102-site-reliability-engineer"]  # no identifier: the URL
    assert (sre["workplace"], sre["location"], sre["country"]) == ("remote", "USA", "US")
    assert (sre["salary_min"], sre["salary_max"], sre["salary_currency"], sre["salary_period"]) == \
        (65, 65, "USD", "hour")
    assert sre["employment_type"] == "part_time"
    nurse = rows[f"{board.url}/careers/jobs/103-sjukskoterska-nattskift"]  # inside an @graph
    assert nurse["title"] == "Sjuksköterska – Nattskift 🌙 Akut"
    assert (nurse["company"], nurse["city"], nurse["country"]) == ("Fjord Health Sverige", "Göteborg", "SE")
    assert nurse["description"] == "Nattskift på akutmottagningen."
    assert (nurse["salary_min"], nurse["employment_type"], nurse["valid_through"]) == (None, None, None)
    analyst = rows["FH-104"]  # only the sitemap lists it
    assert analyst["location"] == "Bergen, Norway; Oslo, NO" and analyst["country"] == "NO"

    broken = fixture_text("jsonld/job-102.html").replace('"title": "Site Reliability Engineer",', '"title": ,')
    board.set_text("/careers/jobs/102-site-reliability-engineer", broken)
    crawl(project, expect=1)
    assert_partial_kept(project, "fjord", {"FH-101", "FH-104"})


def test_feed_rss_pages_and_atom(project: Project, board: Board) -> None:
    serve(board, {"/jobs.rss": "feed/jobs.rss", "/jobs.rss?page=2": "feed/jobs-page2.rss"},
          content_type="application/rss+xml")
    serve(board, {"/jobs.atom": "feed/jobs.atom"}, content_type="application/atom+xml")
    project.write_config([{"name": "harbor", "kind": "feed", "company": "Harbor",
                           "start_urls": [f"{board.url}/jobs.rss", f"{board.url}/jobs.atom"]}], **CLOSE_AT_ONCE)
    assert "harbor: complete, 4 postings, 3 pages" in crawl(project)
    rows = postings_by(project)
    rust = rows["harbor-48811"]
    assert (rust["title"], rust["company"], rust["location"]) == ("Senior Rust Engineer", "Ferrous Inc",
                                                                  "Remote - Europe")
    assert rust["workplace"] == "remote" and rust["tags"] == ["rust", "backend"]
    assert (rust["salary_min"], rust["salary_max"], rust["salary_currency"], rust["salary_source"]) == \
        (90000, 120000, "EUR", "header")
    assert rust["posted_at"].startswith("2026-11-23T14:30:00") and "ref=rss" not in rust["url"]
    assert "• io_uring" in rust["description"]
    lead = rows["https://harbor.example/jobs/tech-lead-paiements"]
    assert lead["title"] == "Tech Lead — Équipe Paiements & Fraude 💳"
    assert (lead["company"], lead["posted_at"], lead["description"], lead["seniority"]) == \
        ("Harbor", None, "", "lead")
    qa = rows["harbor-48790"]  # from the feed's rel="next" page
    assert (qa["city"], qa["region"], qa["country"]) == ("Austin", "TX", "US")
    assert (qa["salary_min"], qa["salary_period"], qa["salary_source"]) == (30, "hour", "body")
    embedded = rows["tag:glacier.example,2026:job-7"]
    assert embedded["title"] == "Mjukvaruutvecklare Inbyggda system"
    assert (embedded["company"], embedded["workplace"], embedded["tags"]) == ("Glacier AB", "hybrid",
                                                                              ["embedded", "c"])
    assert embedded["posted_at"].startswith("2026-11-21T08:00:00")

    cut = fixture_text("feed/jobs-page2.rss")
    board.set_text("/jobs.rss?page=2", cut[:cut.index("<pubDate>")], content_type="application/rss+xml")
    crawl(project, expect=1)
    assert_partial_kept(project, "harbor", {"harbor-48811", "tag:glacier.example,2026:job-7"})


HTML_FIELDS = {
    "title": "h1.title",
    "company": ".company::text",
    "location": {"xpath": "//div[@class='where']/text()", "regex": r"^\s*(.*?)\s*·"},
    "workplace": ".where .mode::text",
    "salary": {"css": ".pay::text", "regex": r"Compensation:\s*(?P<value>.+)"},
    "posted": "time.posted::text",
    "employment_type": ".type::text",
    "tags": "ul.tags li::text",
    "description": "div.desc",
    "apply_url": "a.apply::attr(href)",
    "requisition_id": {"css": ".ref::text", "regex": r"#(\S+)"},
    "liveness": ".badge::text",
}


def oakridge(project: Project, board: Board) -> None:
    """A selector-described board: two listing pages, three posting pages."""
    serve(board, {"/jobs": "html/jobs.html", "/jobs?page=2": "html/jobs-page2.html",
                  "/jobs/1001": "html/job-1001.html", "/jobs/1002": "html/job-1002.html",
                  "/jobs/1003": "html/job-1003.html"})
    project.write_config([{"name": "oakridge", "kind": "html", "start_urls": [f"{board.url}/jobs"],
                           "listing": {"links": "a.job-link::attr(href)", "next": "a.next::attr(href)"},
                           "fields": HTML_FIELDS}], **CLOSE_AT_ONCE)


def test_html_selectors_pages_gone_and_malformed(project: Project, board: Board) -> None:
    oakridge(project, board)
    assert "oakridge: complete, 3 postings, 2 pages" in crawl(project)
    assert board.hits.count("/jobs") == 1 and board.hits.count("/jobs/1001?src=list") == 1
    rows = postings_by(project, "title")
    platform = rows["Platform Engineer"]
    assert platform["external_id"] == f"{board.url}/jobs/1001?src=list"
    assert (platform["company"], platform["location"], platform["city"], platform["region"]) == \
        ("Oakridge Systems", "Denver, CO", "Denver", "CO")
    assert (platform["workplace"], platform["employment_type"], platform["requisition_id"]) == \
        ("onsite", "full_time", "OAK-1001")
    assert (platform["salary_min"], platform["salary_max"], platform["salary_currency"], platform["salary_text"]) == \
        (120000, 150000, "USD", "$120K – $150K")
    assert platform["posted_precision"] == "relative"
    assert platform["tags"] == ["go", "kubernetes", "terraform"]
    assert platform["apply_url"] == f"{board.url}/jobs/1001/apply"
    assert "• Operate Kubernetes clusters" in platform["description"]
    cook = rows["Cuisinier·ère — Brasserie « Le Zinc » (CDI) 🍷"]
    assert (cook["location"], cook["country"], cook["employment_type"]) == ("Lyon, France", "FR", "full_time")
    assert (cook["salary_min"], cook["posted_at"], cook["tags"], cook["workplace"]) == (None, None, [], None)
    barista = rows["Part-time Barista"]
    assert (barista["salary_min"], barista["salary_period"], barista["posted_at"][:10]) == (18, "hour", "2026-03-03")

    board.set_status("/jobs/1003", 404)  # its page is gone while a stale listing still links it
    board.set_text("/jobs/1001", fixture_text("html/job-1001.html").replace(
        '<div class="company">', '<span class="badge">No longer accepting applications</span><div class="company">'))
    assert "2 closed" in crawl(project)
    closed = sorted(e["title"] for e in project.json("events", "--kind", "closed"))
    assert closed == ["Part-time Barista", "Platform Engineer"]

    board.set_text("/jobs/1002", fixture_text("html/job-1002.html").replace('class="title"', 'class="heading"'))
    crawl(project, expect=1)
    run = last_run(project, "oakridge")
    assert run["status"] == "partial" and run["stats"]["hirewatch/parse_errors"] == 1
    assert len(project.json("events", "--kind", "closed")) == 2
    assert [p["title"] for p in project.json("postings", "--status", "active")] == [cook["title"]]


def test_a_detail_page_that_fails_never_closes_a_listed_posting(project: Project, board: Board) -> None:
    oakridge(project, board)
    assert "oakridge: complete, 3 postings" in crawl(project)
    board.set_status("/jobs/1002", 503)  # still listed, its page is down: not evidence it is gone
    for _ in range(2):
        assert "detail page(s) could not be read" in crawl(project, expect=1)
    assert project.json("events", "--kind", "closed") == []
    assert project.json("postings", "--status", "closed") == []
