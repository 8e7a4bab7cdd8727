"""Employment type, seniority, titles, tags and team lists."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.normalize.fields import employment_type, normalize_title, seniority, split_tags, teams, title_key


@pytest.mark.parametrize(("text", "expected"), [
    ("Full-Time", "full_time"),  # seed 001
    ("FULL_TIME", "full_time"),
    ("Full time", "full_time"),
    ("FullTime", "full_time"),
    ("Permanent", "full_time"),
    ("Full Time - Permanent", "full_time"),
    ("Regular", "full_time"),
    ("Contractor", "contract"),
    ("CONTRACTOR", "contract"),
    ("Contract", "contract"),
    ("Contract to hire", "contract"),
    ("Freelance", "contract"),
    ("Intern", "internship"),
    ("Internship", "internship"),
    ("INTERN", "internship"),
    ("Part-time", "part_time"),
    ("PART_TIME", "part_time"),
    ("Temporary", "temporary"),
    ("Full Time - Temporary", "temporary"),
    ("VOLUNTEER", "volunteer"),
    ("PER_DIEM", "per_diem"),
    ("OTHER", "other"),
    ("Internal Tools", None),
    ("", None),
    (None, None),
])
def test_employment_type(text: str | None, expected: str | None) -> None:
    assert employment_type(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Senior", "senior"),  # seed 001 meta line
    ("Lead / Manager", "lead"),  # seed 000 facet
    ("Sr. Software Engineer, Backend", "senior"),  # seed 000 title
    ("Sr.", "senior"),
    ("Staff", "staff"),
    ("Staff Software Engineer", "staff"),
    ("Principal Engineer", "principal"),
    ("Junior", "junior"),
    ("Jr Developer", "junior"),
    ("Entry level", "junior"),
    ("Mid-Senior level", "senior"),
    ("Mid level", "mid"),
    ("Director", "director"),
    ("Senior Director of Engineering", "director"),
    ("Head of Data", "director"),
    ("VP", "executive"),
    ("Vice President, Engineering", "executive"),
    ("Chief Technology Officer", "executive"),
    ("Engineering Manager", "manager"),
    ("Senior Engineering Manager", "manager"),
    ("Senior Product Manager", "senior"),
    ("Product Manager", None),
    ("Account Executive", None),
    ("Software Engineering Intern", "intern"),
    ("Software Engineer", None),
    ("Internal Tools Engineer", None),
    (None, None),
])
def test_seniority(text: str | None, expected: str | None) -> None:
    assert seniority(text) == expected


@pytest.mark.parametrize(("title", "expected"), [
    ("Sr. Software Engineer, Backend", "Senior Software Engineer, Backend"),  # seed 000
    ("Senior Software Engineer, Backend", "Senior Software Engineer, Backend"),  # seed 001
    ("  Sr  Data   Engineer ", "Senior Data Engineer"),
    ("Jr. Data Eng.", "Junior Data Engineer"),
    ("Eng Manager, Payments", "Engineering Manager, Payments"),
    ("SWE II", "Software Engineer II"),
    ("Product Mgr", "Product Manager"),
    ("R&amp;D Engineer", "R&D Engineer"),
    ("Trust &amp; Safety Analyst", "Trust & Safety Analyst"),
    ("iOS Engineer", "iOS Engineer"),
    ("Engineer – Backend’s Core", "Engineer – Backend’s Core"),
    ("", None),
    (None, None),
])
def test_normalize_title(title: str | None, expected: str | None) -> None:
    assert normalize_title(title) == expected


@pytest.mark.parametrize(("a", "b"), [
    ("Sr. Software Engineer, Backend", "Senior Software Engineer, Backend"),
    ("Backend Engineer (Remote)", "backend engineer"),
    ("Backend Engineer - Remote", "Backend Engineer"),
    ("Backend Engineer (Remote - US)", "Backend Engineer"),
    ("Softwareentwickler (m/w/d)", "Softwareentwickler"),
    ("Trust & Safety Engineer", "Trust and Safety Engineer"),
    ("Engineer’s Lead", "Engineer's Lead"),
    ("SWE", "Software Engineer"),
])
def test_title_key_matches(a: str, b: str) -> None:
    assert title_key(a) == title_key(b)


def test_title_key_keeps_distinctions() -> None:
    assert title_key("Sr. Software Engineer, Backend") == "senior software engineer backend"
    assert title_key("Senior Software Engineer") != title_key("Staff Software Engineer")
    assert title_key("C++ Engineer") != title_key("C Engineer")
    assert title_key("Remote Sensing Engineer") == "remote sensing engineer"
    assert title_key(None) == ""


@pytest.mark.parametrize(("value", "expected"), [
    ("pythonjavagoawsaibackenddataanalyticsproductdesign",  # seed 000, glued
     ["python", "java", "go", "aws", "ai", "backend", "data", "analytics", "product", "design"]),
    ("rest restapi api backend", ["rest", "restapi", "api", "backend"]),  # seed 001 footer
    ("Python, Machine Learning | AWS", ["python", "machine learning", "aws"]),
    (["Python", " python", "#AWS", "Machine Learning", ""], ["python", "aws", "machine learning"]),
    (("Go", "Rust"), ["go", "rust"]),
    ("javascript", ["javascript"]),
    ("qwertyuiop", ["qwertyuiop"]),
    ("pythonqwerty", ["pythonqwerty"]),
    ("C++, C#, Node.js", ["c++", "c#", "node.js"]),
    ("", []),
    (None, []),
])
def test_split_tags(value: object, expected: list[str]) -> None:
    assert split_tags(value) == expected  # type: ignore[arg-type]


def test_split_tags_custom_vocabulary() -> None:
    assert split_tags("foobarbaz", vocabulary=["foo", "bar", "baz"]) == ["foo", "bar", "baz"]
    assert split_tags("pythonjava", vocabulary=["rust"]) == ["pythonjava"]


SEED_B_TEAMS_TEXT = """What you’ll do:

  • Build out the backend to power the future of inspiration on Pinterest
  • Partner with design, product, and engineering teams to build end-to-end functionality

Backend Core Engineering teams:

  • Community Engagement
  • Content Acquisition & Media Platform
  • Core Product Indexing Infrastructure
  • Creator Innovation
  • Shopping Catalog
  • Trust & Safety Platform
  • Trust & Safety Signals
  • User Understanding
  • Backend Monetization Engineering teams:
  • Ads API Platform
  • Ads Indexing Platform
  • Ads Reporting Infrastructure
  • Ads Retrieval Infra
  • Ads Serving and ML Infra
  • Measurement Ingestion
  • Merchant Infra
  • This position is not eligible for relocation assistance.

#LI-CL5

#LI-REMOTE
"""


def test_teams_seed_b() -> None:
    found = teams(SEED_B_TEAMS_TEXT)
    assert len(found) == 15
    assert found[:2] == ["Community Engagement", "Content Acquisition & Media Platform"]
    assert found[-1] == "Merchant Infra"
    assert "Backend Monetization Engineering teams:" not in found
    assert not any("relocation" in t for t in found)
    assert "#LI-CL5" not in found


@pytest.mark.parametrize(("text", "expected"), [
    # Unbulleted lines (as html_to_text gives for <p>s) end at the first blank line.
    ("Our teams:\nSearch\nAds Platform\n\nWe value curiosity.", ["Search", "Ads Platform"]),
    ("What you'll do:\n• Build things\n• Ship things", []),
    ("Teams:\n- Growth\n- Payments\nThanks for reading", ["Growth", "Payments"]),
    ("", []),
    (None, []),
])
def test_teams_other_shapes(text: str | None, expected: list[str]) -> None:
    assert teams(text) == expected  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_field_normalisers_never_raise(text: str) -> None:
    employment_type(text)
    seniority(text)
    normalize_title(text)
    assert isinstance(title_key(text), str)
    tags = split_tags(text)
    assert len(tags) == len(set(tags)) and all(t == t.lower() and t for t in tags)
    teams(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", max_size=80))
def test_glued_split_never_raises(text: str) -> None:
    tags = split_tags(text)
    assert "".join(tags) == text or not text
