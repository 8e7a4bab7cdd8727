"""Lever postings API v0: a top-level JSON array, paged with skip/limit, dates in epoch ms."""
from __future__ import annotations

from typing import Any, Iterable
from urllib.parse import urlencode

from crawler.items import RawPosting
from crawler.spiders import register
from crawler.spiders.base import JobSpider

PAGE_SIZE = 100


@register
class LeverSpider(JobSpider):
    kind = "lever"
    default_base_url = "https://api.lever.co"
    requires = ("board",)

    def page_url(self, skip: int) -> str:
        limit = int(self.source.get("page_size") or PAGE_SIZE)
        query = urlencode({"mode": "json", "skip": skip, "limit": limit})
        return f"{self.base_url}/v0/postings/{self.source['board']}?{query}"

    async def start(self):
        yield self.listing_request(self.page_url(0), self.parse_page, cb_kwargs={"skip": 0})

    def parse_page(self, response, skip: int) -> Iterable[Any]:
        data = self.load_json(response)
        if not isinstance(data, list):
            if data is not None:
                self.parse_error(f"page {response.url}", ValueError("expected a JSON array"))
            return
        for posting in data:
            try:
                yield self.posting(posting)
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                self.parse_error(f"posting {posting.get('id') if isinstance(posting, dict) else posting!r}", exc)
        limit = int(self.source.get("page_size") or PAGE_SIZE)
        if len(data) >= limit:
            nxt = skip + len(data)
            yield self.listing_request(self.page_url(nxt), self.parse_page, cb_kwargs={"skip": nxt})

    def posting(self, p: dict[str, Any]) -> RawPosting:
        cats = p.get("categories") or {}
        salary_range = p.get("salaryRange") or None
        salary = None
        if isinstance(salary_range, dict) and (salary_range.get("min") or salary_range.get("max")):
            salary = {
                "min": salary_range.get("min"),
                "max": salary_range.get("max"),
                "currency": salary_range.get("currency"),
                "period": salary_range.get("interval"),
            }
        lists = "".join(
            f"<h3>{item.get('text', '')}</h3><ul>{item.get('content', '')}</ul>"
            for item in p.get("lists") or [] if isinstance(item, dict)
        )
        description = (p.get("description") or "") + lists + (p.get("additional") or "")
        return RawPosting(
            external_id=str(p["id"]),
            title=p["text"],
            url=p.get("hostedUrl"),
            apply_url=p.get("applyUrl") or p.get("hostedUrl"),
            company=self.source.get("company") or self.source["board"],
            location=cats.get("location"),
            country=p.get("country"),
            workplace_hints=[p.get("workplaceType"), cats.get("location")],
            employment_type=cats.get("commitment"),
            seniority=cats.get("level"),
            salary=salary,
            salary_text=p.get("salaryDescriptionPlain"),
            posted=p.get("createdAt"),
            tags=[t for t in [cats.get("team"), cats.get("department")] if t],
            description_html=description,
        )
