"""Ashby posting API: the whole job board in one response, compensation on request."""
from __future__ import annotations

from typing import Any, Iterable

from crawler.items import RawPosting, StructuredSalary
from crawler.spiders import register
from crawler.spiders.base import JobSpider, record_id


@register
class AshbySpider(JobSpider):
    kind = "ashby"
    default_base_url = "https://api.ashbyhq.com"
    requires = ("board",)

    async def start(self):
        url = f"{self.base_url}/posting-api/job-board/{self.source['board']}?includeCompensation=true"
        yield self.listing_request(url, self.parse_board)

    def parse_board(self, response) -> Iterable[RawPosting]:
        jobs = self.json_list(response, "jobs")
        if jobs is not None:
            yield from self.read_each(jobs, self.posting, lambda j: record_id(j, "id", "title"))

    def posting(self, job: dict[str, Any]) -> RawPosting | None:
        if job.get("isListed") is False:  # kept on the API but hidden from the board
            return None
        secondary = [s.get("location") for s in job.get("secondaryLocations") or [] if isinstance(s, dict)]
        locations = [loc for loc in [job.get("location"), *secondary] if loc]
        return RawPosting(
            external_id=str(job["id"]),
            title=job["title"],
            url=job.get("jobUrl"),
            apply_url=job.get("applyUrl") or job.get("jobUrl"),
            company=self.source.get("company") or self.source["board"],
            location="; ".join(locations) or None,
            workplace_hints=[job.get("workplaceType"), job.get("isRemote"), *locations],
            employment_type=job.get("employmentType"),
            salary=compensation(job),
            posted=job.get("publishedAt"),
            tags=[t for t in [job.get("department"), job.get("team")] if t],
            description_html=job.get("descriptionHtml") or job.get("descriptionPlain"),
        )


def compensation(job: dict[str, Any]) -> StructuredSalary | None:
    """The salary components of every tier, as one range; equity and bonus are not pay."""
    if job.get("shouldDisplayCompensationOnJobPostings") is False:
        return None  # the employer chose not to publish it
    comp = job.get("compensation") or {}
    components = [c for tier in comp.get("compensationTiers") or [] for c in tier.get("components") or []] \
        or comp.get("summaryComponents") or []
    pay = [c for c in components if isinstance(c, dict) and c.get("compensationType") == "Salary"
           and (c.get("minValue") is not None or c.get("maxValue") is not None)]
    if not pay:
        return None
    # Tiers in another currency or interval cannot share one range.
    same = [c for c in pay if (c.get("currencyCode"), c.get("interval")) ==
            (pay[0].get("currencyCode"), pay[0].get("interval"))]
    lows = [c["minValue"] for c in same if c.get("minValue") is not None]
    highs = [c["maxValue"] for c in same if c.get("maxValue") is not None]
    return StructuredSalary(
        min=min(lows) if lows else None, max=max(highs) if highs else None,
        currency=pay[0].get("currencyCode"), period=pay[0].get("interval"),
        text=comp.get("scrapeableCompensationSalarySummary") or comp.get("compensationTierSummary"),
    )
