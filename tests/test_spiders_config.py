"""Source options of the new kinds: validated when the config loads, with messages that say what to fix."""
from __future__ import annotations

import pytest

from crawler.spiders.workday import career_site, requisition
from hirewatch.config import ConfigError, loads


def source_error(source: str) -> str:
    with pytest.raises(ConfigError) as info:
        loads(f"sources:\n  - {source}\n", "c.yaml")
    return str(info.value)


@pytest.mark.parametrize("source, expected", [
    ("{name: s, kind: html, start_urls: [http://x/jobs]}", "a html source needs 'fields'"),
    ("{name: s, kind: html, start_urls: [http://x/], fields: {company: .c}}", "needs a 'title' selector"),
    ("{name: s, kind: html, start_urls: [http://x/], fields: {title: 'h1::text', salry: .pay}}",
     "unknown field(s) 'salry'"),
    ("{name: s, kind: html, start_urls: [http://x/], fields: {title: 'h1[::text'}}", "bad CSS selector 'h1[::text'"),
    ("{name: s, kind: html, start_urls: [http://x/], fields: {title: '//h1['}}", "bad XPath selector '//h1['"),
    ("{name: s, kind: html, start_urls: [http://x/], fields: {title: {css: h1, regex: '(unclosed'}}}",
     "bad regex '(unclosed'"),
    ("{name: s, kind: html, start_urls: [http://x/], fields: {title: {css: h1, xpath: //h1}}}",
     "give exactly one of 'css' or 'xpath'"),
    ("{name: s, kind: html, start_urls: [http://x/], fields: {title: {css: h1, rgx: x}}}",
     "unknown key 'sources[0].fields.title.rgx'"),
    ("{name: s, kind: html, start_urls: [http://x/], fields: {title: h1}, listing: {next: a.next}}",
     "'listing' needs 'links'"),
    ("{name: s, kind: jsonld, start_urls: [http://x/], listing: {next: 'a[href'}}", "bad CSS selector"),
    ("{name: s, kind: jsonld, follow: '/jobs/('}", "'sources[0].follow': bad regex"),
    ("{name: s, kind: jsonld, follow: /jobs/}", "a jsonld source needs 'start_urls' or 'sitemap_urls'"),
    ("{name: s, kind: feed}", "a feed source needs 'start_urls'"),
    ("{name: s, kind: workday, board: acme}", "a workday 'board' is the careers site's URL"),
    ("{name: s, kind: smartrecruiters}", "a smartrecruiters source needs 'board'"),
])
def test_bad_source_options_are_named(source: str, expected: str) -> None:
    assert expected in source_error(source)


def test_good_page_sources_load() -> None:
    config = loads("""sources:
  - name: board
    kind: html
    start_urls: [http://127.0.0.1/jobs]
    listing: {links: "a.job::attr(href)", next: "//a[@rel='next']/@href"}
    fields:
      title: "h1::text"
      salary: {css: ".meta::text", regex: '(\\d[\\d,]*-\\d[\\d,]* \\S+/\\w+)$'}
  - {name: site, kind: jsonld, sitemap_urls: [http://127.0.0.1/sitemap.xml], follow: /jobs/}
""")
    options = config.sources[0].spider_options()
    assert options["fields"]["salary"] == {"css": ".meta::text", "regex": r"(\d[\d,]*-\d[\d,]* \S+/\w+)$"}
    assert options["listing"] == {"links": "a.job::attr(href)", "next": "//a[@rel='next']/@href"}
    assert config.sources[1].spider_options()["follow"] == "/jobs/"


@pytest.mark.parametrize("board, expected", [
    ("https://acme.wd5.myworkdayjobs.com/en-US/External", ("https://acme.wd5.myworkdayjobs.com", "acme", "External")),
    ("acme.wd1.myworkdayjobs.com/Careers/job/Berlin/Engineer_JR1", ("https://acme.wd1.myworkdayjobs.com", "acme",
                                                                    "Careers")),
    ("https://wd3.myworkdaysite.com/en-US/recruiting/globex/Jobs", ("https://wd3.myworkdaysite.com", "globex", "Jobs")),
    ("https://acme.wd5.myworkdayjobs.com/wday/cxs/acme/External/jobs", ("https://acme.wd5.myworkdayjobs.com", "acme",
                                                                        "External")),
])
def test_workday_career_site(board: str, expected: tuple[str, str, str]) -> None:
    assert career_site(board) == expected


def test_workday_requisition_ids() -> None:
    assert requisition("/job/Berlin/Senior-Engineer_JR-0042", []) == "JR-0042"
    assert requisition("/job/Toledo-OH/Technician", ["R-7781"]) == "R-7781"
    assert requisition("/job/Toledo-OH/Technician", []) == "/job/Toledo-OH/Technician"
