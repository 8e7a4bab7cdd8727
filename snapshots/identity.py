"""Cross-board identity: the same real job on several boards is linked under one `job_id`.

Linking never hides an alert on weak evidence. Only an exact match (same requisition id)
or a strong one (same company, same normalised title, near-identical description) turns
a sighting into `also_posted`; a possible match (same company and title, some description
overlap, nothing that rules it out) still alerts as `new`, annotated. A closed posting's
board listing the same title under a new id is a repost of the old job.

Similarity comes from rapidfuzz; the seed pair of `shared/seeds/` (one job, two boards,
two description revisions) scores token_set_ratio 77 and ratio 59, so a strict cut-off
on plain similarity would miss it.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable

from rapidfuzz import fuzz
from sqlite_utils import Database

from crawler.normalize import fields
from crawler.normalize.salary import yearly
from crawler.posting import Posting
from snapshots.sqlutil import chunked, insert_rows

EXACT, STRONG, POSSIBLE, REPOST = "exact", "strong", "possible", "repost"
RANK = {EXACT: 3, STRONG: 2, POSSIBLE: 1, REPOST: 0}

_COMPANY_SUFFIX = re.compile(
    r"\b(inc|incorporated|llc|l\.l\.c|ltd|limited|gmbh|ag|sa|sas|bv|plc|corp|corporation|co|company)\b\.?", re.I)


@dataclass(frozen=True)
class IdentityRules:
    strong_similarity: float = 95.0  # rapidfuzz ratio of two descriptions: "near-identical"
    possible_similarity: float = 60.0  # rapidfuzz token_set_ratio: "they share much of their text"


@dataclass
class Link:
    job_id: int
    strength: str | None = None  # None: this posting starts a new job
    other_id: int | None = None
    other_source: str | None = None
    evidence: dict[str, Any] = field(default_factory=dict)

    def note(self) -> str | None:
        if self.strength is None:
            return None
        where = f"#{self.other_id} on {self.other_source}"
        if self.strength == REPOST:
            return f"reposted: the same title as closed posting {where}"
        if self.strength == POSSIBLE:
            flags = [k.replace("_", " ") for k in ("location_conflict", "workplace_conflict") if self.evidence.get(k)]
            extra = f"; different opening? ({', '.join(flags)})" if flags else ""
            return (f"possibly the same job as {where} (same company and title, description overlap "
                    f"{self.evidence.get('description_overlap', 0):.0f}%{extra})")
        return f"also posted as {where} ({self.strength} match)"


@lru_cache(maxsize=65536)
def title_key(title: str | None) -> str:
    # Boards repeat titles; the normaliser's regexes cost more than the lookup.
    return fields.title_key(title)


@lru_cache(maxsize=65536)
def company_key(company: str | None) -> str:
    if not company:
        return ""
    key = _COMPANY_SUFFIX.sub(" ", company.casefold())
    return " ".join(re.findall(r"\w+", key))


def keys(posting: Posting) -> dict[str, str]:
    return {"company_key": company_key(posting.company), "title_key": title_key(posting.title)}


def link_new(db: Database, source: str, new: list[tuple[int, Posting]], rules: IdentityRules,
             at: str) -> dict[int, Link]:
    """Give every new posting a job: an existing one it matches, or a job of its own."""
    if not new:
        return {}
    new_ids = {pid for pid, _ in new}
    candidates = _candidates(db, {company_key(p.company) for _, p in new} - {""}, new_ids)
    titles = {title_key(p.title) for _, p in new}
    descriptions = _descriptions(db, [c["id"] for rows in candidates.values() for c in rows
                                      if c["title_key"] in titles])
    links: dict[int, Link] = {}
    for pid, posting in new:
        best = _best(source, posting, candidates.get(company_key(posting.company), []), descriptions, rules)
        if best is not None:
            links[pid] = best
    _assign_jobs(db, new, links, at)
    return links


def _candidates(db: Database, companies: set[str], exclude: set[int]) -> dict[str, list[dict[str, Any]]]:
    by_company: dict[str, list[dict[str, Any]]] = {}
    for chunk in chunked(sorted(companies)):
        rows = db.query(
            "SELECT id, source, company_key, title_key, requisition_id, job_id, status, location, country, workplace, "
            "salary_min, salary_max, salary_currency, salary_period, last_seen_at FROM postings "
            f"WHERE company_key IN ({','.join('?' * len(chunk))})", chunk)
        for row in rows:
            if row["id"] not in exclude:
                by_company.setdefault(row["company_key"], []).append(row)
    return by_company


def _descriptions(db: Database, ids: list[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    for chunk in chunked(ids):
        for row in db.query(f"SELECT id, description FROM postings WHERE id IN ({','.join('?' * len(chunk))})", chunk):
            out[row["id"]] = row["description"] or ""
    return out


def _best(source: str, posting: Posting, candidates: Iterable[dict[str, Any]], descriptions: dict[int, str],
          rules: IdentityRules) -> Link | None:
    best: Link | None = None
    best_key: tuple[int, str] = (-1, "")
    tkey = title_key(posting.title)
    for cand in candidates:
        link = _compare(source, posting, tkey, cand, descriptions.get(cand["id"], ""), rules)
        if link is None:
            continue
        key = (RANK[link.strength or POSSIBLE], cand["last_seen_at"] or "")
        if key > best_key:
            best, best_key = link, key
    return best


def _compare(source: str, posting: Posting, tkey: str, cand: dict[str, Any], description: str,
             rules: IdentityRules) -> Link | None:
    same_title = bool(tkey) and tkey == cand["title_key"]
    if cand["source"] == source:
        # Several open postings of one title on one board are usually different openings;
        # only a closed one coming back under a new id is a repost.
        if same_title and cand["status"] == "closed":
            return Link(cand["job_id"], REPOST, cand["id"], cand["source"], {"title_key": tkey})
        return None
    if posting.requisition_id and posting.requisition_id == cand["requisition_id"]:
        return Link(cand["job_id"], EXACT, cand["id"], cand["source"], {"requisition_id": posting.requisition_id})
    if not same_title:
        return None
    evidence: dict[str, Any] = {"title_key": tkey}
    salary = _salary_overlap(posting, cand)
    if salary is not None:
        evidence["salary_overlap"] = salary
    if salary is False:
        return None  # disjoint pay bands: a different opening
    if posting.description and description:
        evidence["description_ratio"] = round(fuzz.ratio(posting.description, description), 1)
        evidence["description_overlap"] = round(fuzz.token_set_ratio(posting.description, description), 1)
        evidence["shared_lines"] = _shared_lines(posting.description, description)
    _conflicts(posting, cand, evidence)
    if evidence.get("description_ratio", 0) >= rules.strong_similarity:
        return Link(cand["job_id"], STRONG, cand["id"], cand["source"], evidence)
    if evidence.get("description_overlap", 0) >= rules.possible_similarity:
        return Link(cand["job_id"], POSSIBLE, cand["id"], cand["source"], evidence)
    return None


def _salary_overlap(posting: Posting, cand: dict[str, Any]) -> bool | None:
    """Whether two pay bands overlap; None when they cannot be compared."""
    if posting.salary_currency is None or posting.salary_currency != cand["salary_currency"]:
        return None
    a = [yearly(v, posting.salary_period) for v in (posting.salary_min, posting.salary_max) if v is not None]
    b = [yearly(v, cand["salary_period"]) for v in (cand["salary_min"], cand["salary_max"]) if v is not None]
    a, b = [v for v in a if v is not None], [v for v in b if v is not None]
    if not a or not b:
        return None
    return min(a) <= max(b) and min(b) <= max(a)


def _shared_lines(a: str, b: str) -> int:
    def lines(text: str) -> set[str]:
        return {" ".join(line.strip(" •-*").casefold().split()) for line in text.splitlines() if len(line.strip()) > 20}
    return len(lines(a) & lines(b))


def _conflicts(posting: Posting, cand: dict[str, Any], evidence: dict[str, Any]) -> None:
    """Recorded, never decisive: one requisition is often posted for several places."""
    if posting.country and cand["country"] and posting.country != cand["country"]:
        evidence["location_conflict"] = [cand["location"], posting.location]
    if posting.workplace and cand["workplace"] and posting.workplace != cand["workplace"]:
        evidence["workplace_conflict"] = [cand["workplace"], posting.workplace]


def _assign_jobs(db: Database, new: list[tuple[int, Posting]], links: dict[int, Link], at: str) -> None:
    founders = [(pid, p) for pid, p in new if pid not in links]
    if founders:
        insert_rows(db, "jobs", [{"company": p.company, "title_key": title_key(p.title), "title": p.title,
                                  "created_at": at, "founder_id": pid} for pid, p in founders])
        job_of = _job_ids(db, [pid for pid, _ in founders])
        for pid, _ in founders:
            links.setdefault(pid, Link(job_of[pid]))
    db.conn.executemany("UPDATE postings SET job_id = ? WHERE id = ?", [(link.job_id, pid) for pid, link in links.items()])
    insert_rows(db, "job_links", [{"job_id": link.job_id, "posting_id": pid, "strength": link.strength or EXACT,
                                   "evidence": json.dumps(link.evidence or {"first_posting": True}),
                                   "other_posting_id": link.other_id, "linked_at": at}
                                  for pid, link in links.items()], replace=True)


def _job_ids(db: Database, founders: list[int]) -> dict[int, int]:
    out: dict[int, int] = {}
    for chunk in chunked(founders):
        for row in db.query(f"SELECT id, founder_id FROM jobs WHERE founder_id IN ({','.join('?' * len(chunk))})", chunk):
            out[row["founder_id"]] = row["id"]
    return out
