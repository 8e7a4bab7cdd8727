"""Greenhouse job board API: the whole board in one response, HTML content entity-escaped."""
from __future__ import annotations

from typing import Any, Iterable

from crawler.items import RawPosting
from crawler.spiders import register
from crawler.spiders.base import JobSpider


@register
class GreenhouseSpider(JobSpider):
    kind = "greenhouse"
    default_base_url = "https://boards-api.greenhouse.io"
    requires = ("board",)

    async def start(self):
        url = f"{self.base_url}/v1/boards/{self.source['board']}/jobs?content=true&pay_transparency=true"
        yield self.listing_request(url, self.parse_board)

    def parse_board(self, response) -> Iterable[RawPosting]:
        data = self.load_json(response)
        if not isinstance(data, dict) or not isinstance(data.get("jobs"), list):
            if data is not None:
                self.parse_error(f"board {response.url}", ValueError("no 'jobs' list"))
            return
        for job in data["jobs"]:
            try:
                yield self.posting(job)
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                self.parse_error(f"job {job.get('id') if isinstance(job, dict) else job!r}", exc)

    def posting(self, job: dict[str, Any]) -> RawPosting:
        location = (job.get("location") or {}).get("name")
        metadata = {m.get("name", ""): m.get("value") for m in job.get("metadata") or [] if isinstance(m, dict)}
        offices = [o.get("name") for o in job.get("offices") or [] if isinstance(o, dict)]
        ranges = job.get("pay_input_ranges") or []
        salary = None
        if ranges:
            # Several pay zones: the widest span covers them all, which is what a filter needs.
            salary = {
                "min": min(r["min_cents"] for r in ranges if r.get("min_cents") is not None),
                "max": max(r["max_cents"] for r in ranges if r.get("max_cents") is not None),
                "currency": ranges[0].get("currency_type"),
                "period": "year",
                "cents": True,
            }
        return RawPosting(
            external_id=str(job["id"]),
            title=job["title"],
            url=job.get("absolute_url"),
            apply_url=job.get("absolute_url"),
            company=job.get("company_name") or self.source.get("company"),
            location=location,
            workplace_hints=[metadata.get("Location Type"), metadata.get("Workplace Type"), location, *offices],
            employment_type=metadata.get("Employment Type"),
            salary=salary,
            posted=job.get("first_published") or job.get("updated_at"),
            valid_through=job.get("application_deadline"),
            description_html=job.get("content"),
            requisition_id=job.get("requisition_id") or (str(job["internal_job_id"]) if job.get("internal_job_id") else None),
        )
