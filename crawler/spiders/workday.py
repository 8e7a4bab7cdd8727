"""Workday CXS: a JSON POST search paged by offset (at most 20 a page, `total` only on the first
page), then one GET per posting for its details."""
from __future__ import annotations

import json
import re
from typing import Any, Iterable
from urllib.parse import urlsplit

import scrapy

from crawler.items import RawPosting
from crawler.spiders import register
from crawler.spiders.base import JobSpider, record_id

PAGE_SIZE = 20  # a larger limit is answered with 400
# Beyond this offset Workday wraps around to the first page: the listing cannot be read whole.
MAX_OFFSET = 2000
_LOCALE = re.compile(r"^[a-z]{2}(?:-[A-Za-z]{2})?$")
TRUNCATED = "hirewatch/listing_truncated"


def career_site(board: str) -> tuple[str, str, str]:
    """(origin, tenant, site) from a careers URL as a browser shows it:
    `https://acme.wd5.myworkdayjobs.com/en-US/External`, `https://wd1.myworkdaysite.com/recruiting/acme/External`
    or the API's own `https://acme.wd5.myworkdayjobs.com/wday/cxs/acme/External/jobs`."""
    parts = urlsplit(board if "://" in board else f"https://{board}")
    segments = [s for s in parts.path.split("/") if s]
    host = parts.hostname or ""
    if segments[:2] == ["wday", "cxs"] and len(segments) >= 4:
        tenant, site = segments[2], segments[3]
    elif "recruiting" in segments and len(segments) > segments.index("recruiting") + 2:
        at = segments.index("recruiting")
        tenant, site = segments[at + 1], segments[at + 2]
    else:
        tenant = host.split(".")[0]
        site = next((s for s in segments if not _LOCALE.match(s)), "")
    if not host or not tenant or not site:
        raise ValueError(f"a workday 'board' is the careers site's URL, e.g. "
                         f"https://acme.wd5.myworkdayjobs.com/External; got {board!r}")
    return f"{parts.scheme or 'https'}://{parts.netloc}", tenant, site


def requisition(external_path: str, bullets: list[Any]) -> str:
    """The req id ends the posting's path (`.../Senior-Engineer_JR1234`); else the first bullet field."""
    tail = external_path.rstrip("/").rsplit("/", 1)[-1]
    if "_" in tail:
        return tail.rsplit("_", 1)[-1]
    return str(bullets[0]) if bullets else external_path


@register
class WorkdaySpider(JobSpider):
    kind = "workday"
    requires = ("board",)

    @classmethod
    def check_options(cls, options: dict[str, Any]) -> None:
        career_site(options["board"])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        origin, self.tenant, self.site = career_site(self.source["board"])
        self.api = f"{(self.source.get('base_url') or origin).rstrip('/')}/wday/cxs/{self.tenant}/{self.site}"

    @property
    def limit(self) -> int:
        return min(int(self.source.get("page_size") or PAGE_SIZE), PAGE_SIZE)

    def search(self, offset: int, total: int | None) -> scrapy.Request:
        body = {"appliedFacets": self.source.get("facets") or {}, "limit": self.limit, "offset": offset,
                "searchText": self.source.get("search") or ""}
        return self.listing_request(f"{self.api}/jobs", self.parse_page, method="POST", body=json.dumps(body),
                                    headers={"Content-Type": "application/json", "Accept": "application/json"},
                                    cb_kwargs={"offset": offset, "total": total})

    async def start(self):
        yield self.search(0, None)

    def parse_page(self, response, offset: int, total: int | None) -> Iterable[Any]:
        jobs = self.json_list(response, "jobPostings")
        if jobs is None:
            return
        if offset == 0 and isinstance(response.json().get("total"), int):
            total = response.json()["total"]
        for path, listed in self.read_each(jobs, self.listed, lambda j: record_id(j, "externalPath", "title")):
            yield self.detail_request(f"{self.api}{path}", self.parse_detail,
                                      external_id=listed["external_id"], cb_kwargs={"listed": listed},
                                      headers={"Accept": "application/json"})
        nxt = offset + len(jobs)
        if len(jobs) < self.limit or (total is not None and nxt >= total < MAX_OFFSET):
            return  # a short page is the only reliable end: offsets past the cap wrap around
        if nxt >= MAX_OFFSET:  # the total is capped at 2000 too, so it cannot say whether more exist
            self.crawler.stats.inc_value(TRUNCATED)
            self.logger.error("Workday lists at most %d postings; narrow this source with 'search' or "
                              "'facets' so that absent postings can be told apart", MAX_OFFSET)
            return
        yield self.search(nxt, total)

    def listed(self, job: dict[str, Any]) -> tuple[str, RawPosting]:
        path = job["externalPath"]
        return path, RawPosting(
            external_id=requisition(path, job.get("bulletFields") or []),
            title=job["title"],
            location=job.get("locationsText"),
            workplace_hints=[job.get("remoteType")],
            employment_type=job.get("timeType"),
            posted=job.get("postedOn"),
        )

    def parse_detail(self, response, listed: RawPosting) -> Iterable[RawPosting]:
        detail = self.load_json(response)
        info = detail.get("jobPostingInfo") if isinstance(detail, dict) else None
        if not isinstance(info, dict):
            if detail is not None:
                self.parse_error(f"posting {response.url}", ValueError("no 'jobPostingInfo' object"))
            return
        locations = [loc for loc in [info.get("location"), *(info.get("additionalLocations") or [])]
                     if isinstance(loc, str) and loc]
        organization = detail.get("hiringOrganization") or {}
        yield RawPosting(
            external_id=listed["external_id"],
            title=info.get("title") or listed["title"],
            url=info.get("externalUrl"),
            apply_url=info.get("externalUrl"),
            company=self.source.get("company") or organization.get("name") or self.tenant,
            location="; ".join(locations) or listed.get("location"),
            workplace_hints=[info.get("remoteType"), *listed.get("workplace_hints", []), *locations],
            employment_type=info.get("timeType") or listed.get("employment_type"),
            # The detail's start date is exact; the listing's "Posted 3 Days Ago" only relative.
            posted=info.get("startDate") or listed.get("posted"),
            valid_through=info.get("endDate"),
            description_html=info.get("jobDescription"),
            requisition_id=info.get("jobReqId"),
        )
