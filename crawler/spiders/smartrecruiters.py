"""SmartRecruiters v1 company postings: offset/limit pages with `totalFound`, then each posting's
detail for its description, apply URL and `active` flag."""
from __future__ import annotations

from typing import Any, Iterable
from urllib.parse import urlencode

from crawler.items import RawPosting
from crawler.spiders import register
from crawler.spiders.base import JobSpider, record_id

PAGE_SIZE = 100  # the API clamps larger limits to 100
# The company blurb repeats on every posting of a board; it is left out so it cannot make them all change.
SECTIONS = ("jobDescription", "qualifications", "additionalInformation")


def _label(value: Any) -> str | None:
    return value.get("label") if isinstance(value, dict) else None


@register
class SmartRecruitersSpider(JobSpider):
    kind = "smartrecruiters"
    default_base_url = "https://api.smartrecruiters.com"
    requires = ("board",)

    @property
    def limit(self) -> int:
        return min(int(self.source.get("page_size") or PAGE_SIZE), PAGE_SIZE)

    def postings_url(self, offset: int) -> str:
        query = urlencode({"limit": self.limit, "offset": offset})
        return f"{self.base_url}/v1/companies/{self.source['board']}/postings?{query}"

    async def start(self):
        yield self.listing_request(self.postings_url(0), self.parse_page, cb_kwargs={"offset": 0})

    def parse_page(self, response, offset: int) -> Iterable[Any]:
        content = self.json_list(response, "content")
        if content is None:
            return
        for listed in self.read_each(content, self.listed, lambda p: record_id(p, "id", "name")):
            yield self.detail_request(f"{self.base_url}/v1/companies/{self.source['board']}/postings/"
                                      f"{listed['external_id']}", self.parse_detail,
                                      external_id=listed["external_id"], cb_kwargs={"listed": listed})
        total = response.json().get("totalFound")
        more = offset + len(content) < total if isinstance(total, int) else len(content) >= self.limit
        if content and more:
            nxt = offset + len(content)
            yield self.listing_request(self.postings_url(nxt), self.parse_page, cb_kwargs={"offset": nxt})

    def listed(self, p: dict[str, Any]) -> RawPosting:
        place = p.get("location") or {}
        location = place.get("fullLocation") or ", ".join(
            str(v) for v in (place.get("city"), place.get("region"), str(place.get("country") or "").upper()) if v)
        return RawPosting(
            external_id=str(p["id"]),
            title=p["name"],
            company=self.source.get("company") or (p.get("company") or {}).get("name") or self.source["board"],
            location=location or None,
            workplace_hints=["remote" if place.get("remote") else None, "hybrid" if place.get("hybrid") else None,
                             location],
            employment_type=_label(p.get("typeOfEmployment")),
            seniority=_label(p.get("experienceLevel")),
            posted=p.get("releasedDate"),
            tags=[t for t in (_label(p.get("department")), _label(p.get("function"))) if t],
            requisition_id=p.get("refNumber"),
        )

    def parse_detail(self, response, listed: RawPosting) -> Iterable[RawPosting]:
        detail = self.load_json(response)
        if not isinstance(detail, dict):
            if detail is not None:
                self.parse_error(f"posting {response.url}", ValueError("expected a JSON object"))
            return
        sections = (detail.get("jobAd") or {}).get("sections") or {}
        parts = [sections.get(name) for name in SECTIONS]
        description = "".join(f"<h3>{s.get('title') or ''}</h3>{s.get('text') or ''}"
                              for s in parts if isinstance(s, dict) and s.get("text"))
        yield RawPosting(
            listed,
            url=detail.get("postingUrl") or f"https://jobs.smartrecruiters.com/{self.source['board']}/"
                                            f"{listed['external_id']}",
            apply_url=detail.get("applyUrl") or detail.get("postingUrl"),
            description_html=description or None,
            closed=detail.get("active") is False,
        )
