"""Recruitee offers API: every published offer of a company in one response."""
from __future__ import annotations

from typing import Any, Iterable

from crawler.items import RawPosting, StructuredSalary
from crawler.spiders import register
from crawler.spiders.base import JobSpider, record_id


@register
class RecruiteeSpider(JobSpider):
    kind = "recruitee"
    requires = ("board",)

    @property
    def base_url(self) -> str:
        # A company's careers site (or its custom domain, given as base_url) serves its own API.
        return (self.source.get("base_url") or f"https://{self.source['board']}.recruitee.com").rstrip("/")

    async def start(self):
        yield self.listing_request(f"{self.base_url}/api/offers", self.parse_offers)

    def parse_offers(self, response) -> Iterable[RawPosting]:
        offers = self.json_list(response, "offers")
        if offers is not None:
            yield from self.read_each(offers, self.posting, lambda o: record_id(o, "id", "slug"))

    def posting(self, o: dict[str, Any]) -> RawPosting:
        places = [p for p in o.get("locations") or [] if isinstance(p, dict)] or [o]
        location = o.get("location") or "; ".join(
            ", ".join(str(v) for v in (p.get("city"), p.get("state_code") or p.get("state"),
                                       p.get("country_code") or p.get("country")) if v) for p in places)
        flags = [kind for key, kind in (("hybrid", "hybrid"), ("remote", "remote"), ("on_site", "onsite"))
                 if o.get(key) is True]
        return RawPosting(
            external_id=str(o["id"]),
            title=o.get("title") or o["position"],
            url=o.get("careers_url"),
            apply_url=o.get("careers_apply_url") or o.get("careers_url"),
            company=self.source.get("company") or o.get("company_name") or self.source["board"],
            location=location or None,
            workplace_hints=[*flags, location],
            employment_type=o.get("employment_type_code"),
            seniority=o.get("experience_code"),
            salary=_salary(o.get("salary")),
            posted=o.get("published_at") or o.get("created_at"),
            tags=[t for t in [*(o.get("tags") or []), o.get("department")] if isinstance(t, str) and t],
            description_html=(o.get("description") or "") + (o.get("requirements") or ""),
        )


def _salary(value: Any) -> StructuredSalary | None:
    if not isinstance(value, dict):
        return None
    # The period's key is not documented: `period` is read, else `frequency`; never a guess.
    return StructuredSalary(min=value.get("min"), max=value.get("max"), currency=value.get("currency"),
                            period=value.get("period") or value.get("frequency"))
