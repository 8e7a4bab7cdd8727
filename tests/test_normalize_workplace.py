"""Workplace (tri-state) and location splitting."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.normalize.workplace import Location, country_of, split_location, workplace

WORKPLACE_CASES = [
    (("Hybrid",), "hybrid"),  # seed 000
    (("#LI-REMOTE",), "remote"),  # seed 001
    (("#LI-Hybrid",), "hybrid"),
    (("#LI-Onsite",), "onsite"),
    (("Remote - US",), "remote"),
    (("Remote (EU)",), "remote"),
    (("On-site",), "onsite"),
    (("Onsite",), "onsite"),
    (("in office",), "onsite"),
    (("In-person",), "onsite"),
    (("TELECOMMUTE",), "remote"),
    (("Work from home",), "remote"),
    # Lever workplaceType and Ashby's capitalised values.
    (("on-site",), "onsite"),
    (("remote",), "remote"),
    (("hybrid",), "hybrid"),
    (("unspecified",), None),
    (("Remote",), "remote"),
    # Tri-state: no marker is unknown, never onsite.
    (("Toronto, ON, CA",), None),
    ((None,), None),
    (("",), None),
    ((), None),
    (("Not remote",), None),
    # Hybrid wins over remote; remote plus onsite together also read as hybrid.
    (("Remote or Hybrid",), "hybrid"),
    (("Hybrid remote",), "hybrid"),
    (("On-site or remote",), "hybrid"),
    # The first text with an answer wins.
    ((None, "Remote"), "remote"),
    (("unspecified", "Hybrid"), "hybrid"),
    (("On-site", "#LI-REMOTE"), "onsite"),
    (("Toronto, ON, CA", "Hybrid"), "hybrid"),
    # Booleans from structured flags: only true proves anything.
    ((True,), "remote"),
    ((False, "Hybrid"), "hybrid"),
]


@pytest.mark.parametrize(("texts", "expected"), WORKPLACE_CASES)
def test_workplace(texts: tuple, expected: str | None) -> None:
    assert workplace(*texts) == expected


SEED_B_TAIL = (
    "Backend Core Engineering teams:\n\n  • Community Engagement\n  • Trust & Safety Platform\n\n"
    "#LI-CL5\n\n#LI-REMOTE\n\nAt Pinterest we believe the workplace should be equitable, inclusive, and "
    "inspiring for every employee.\n\nUS based applicants only\n"
)


@pytest.mark.parametrize(("description", "expected"), [
    (SEED_B_TAIL, "remote"),
    ("You will collaborate with remote teams across time zones and join our onsite interview loop. " * 2, None),
    ("This is a fully remote position open to candidates across Canada. " * 2, "remote"),
    ("We offer a hybrid work model with three days in our Toronto office each week. " * 2, "hybrid"),
    ("This role is on-site in our Austin office, five days a week, no exceptions at all. " * 2, "onsite"),
])
def test_workplace_in_descriptions_needs_explicit_statements(description: str, expected: str | None) -> None:
    assert workplace(description) == expected


LOCATION_CASES = [
    ("Toronto, ON, CA", Location("Toronto", "ON", "CA")),  # seed 000
    ("San Francisco, CA", Location("San Francisco", "CA", "US")),
    ("London, United Kingdom", Location("London", None, "GB")),
    ("Berlin, Germany", Location("Berlin", None, "DE")),
    ("🇺🇸 United States", Location(None, None, "US")),  # seed 001 footer
    ("US based applicants only", Location(None, None, "US")),  # seed 001
    ("Remote - US", Location(None, None, "US")),
    ("Remote", Location(None, None, None)),
    ("New York, NY, United States", Location("New York", "NY", "US")),
    ("Remote (EU)", Location(None, None, None)),
    ("Remote (US)", Location(None, None, "US")),
    ("Berlin, DE", Location("Berlin", None, "DE")),
    ("Wilmington, DE", Location("Wilmington", "DE", "US")),
    ("London, ON", Location("London", "ON", "CA")),
    ("Austin, Texas", Location("Austin", "TX", "US")),
    ("Bengaluru, Karnataka, India", Location("Bengaluru", "Karnataka", "IN")),
    ("Remote, Canada", Location(None, None, "CA")),
    ("USA Only", Location(None, None, "US")),
    ("U.S.", Location(None, None, "US")),
    ("Worldwide", Location(None, None, None)),
    ("Paris, France; London, UK", Location("Paris", None, "FR")),
    ("Hybrid - Toronto, ON", Location("Toronto", "ON", "CA")),
    ("Dublin, Ireland (Hybrid)", Location("Dublin", None, "IE")),
    ("São Paulo, Brazil", Location("São Paulo", None, "BR")),
    ("Albuquerque, New Mexico", Location("Albuquerque", "NM", "US")),
    ("🇬🇧 London", Location("London", None, "GB")),
    ("NY", Location(None, "NY", "US")),
    ("Toronto", Location("Toronto", None, None)),
    ("", Location(None, None, None)),
    (None, Location(None, None, None)),
]


@pytest.mark.parametrize(("text", "expected"), LOCATION_CASES)
def test_split_location(text: str | None, expected: Location) -> None:
    assert split_location(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Toronto, ON, CA", "CA"),
    ("🇺🇸 United States rest restapi api backend", "US"),
    ("Candidates must be based in Germany. " * 5, "DE"),
    ("Remote (EU)", None),
    (None, None),
])
def test_country_of(text: str | None, expected: str | None) -> None:
    assert country_of(text) == expected


@settings(max_examples=200, deadline=None)
@given(st.text(), st.text())
def test_workplace_and_location_never_raise(first: str, second: str) -> None:
    assert workplace(first, second) in (None, "remote", "hybrid", "onsite")
    place = split_location(first)
    assert place.country is None or (len(place.country) == 2 and place.country.isupper())
    country_of(second)
