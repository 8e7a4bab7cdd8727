"""Workable widget API: one request for the whole account; the posting id is its `shortcode`."""
from __future__ import annotations

from typing import Any, Iterable

from crawler.items import RawPosting
from crawler.spiders import register
from crawler.spiders.base import JobSpider, record_id


@register
class WorkableSpider(JobSpider):
    kind = "workable"
    default_base_url = "https://apply.workable.com"
    requires = ("board",)

    async def start(self):
        url = f"{self.base_url}/api/v1/widget/accounts/{self.source['board']}?details=true"
        yield self.listing_request(url, self.parse_account)

    def parse_account(self, response) -> Iterable[RawPosting]:
        jobs = self.json_list(response, "jobs")
        if jobs is None:
            return
        data = response.json()
        company = self.source.get("company") or data.get("name") or self.source["board"]
        yield from self.read_each(jobs, lambda job: self.posting(job, company),
                                  lambda j: record_id(j, "shortcode", "title"))

    def posting(self, job: dict[str, Any], company: str) -> RawPosting:
        places = [p for p in job.get("locations") or [] if isinstance(p, dict) and not p.get("hidden")] or [job]
        locations = [", ".join(str(v) for v in (p.get("city"), p.get("region") or p.get("state"), p.get("country"))
                               if v) for p in places]
        remote = job.get("telecommuting")
        if isinstance(remote, str):  # some accounts send "true"/"false"
            remote = remote.strip().lower() == "true"
        department = job.get("department")
        return RawPosting(
            external_id=str(job["shortcode"]),
            title=job["title"],
            url=job.get("url") or job.get("shortlink"),
            apply_url=job.get("application_url") or job.get("url"),
            company=company,
            location="; ".join(loc for loc in locations if loc) or None,
            workplace_hints=[bool(remote), *locations],
            employment_type=job.get("employment_type") or job.get("type"),
            posted=job.get("published_on") or job.get("created_at"),
            tags=department if isinstance(department, list) else [department] if department else None,
            description_html=job.get("description"),
        )
