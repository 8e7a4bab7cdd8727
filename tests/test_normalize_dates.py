"""Posted dates (absolute, epoch, relative ranges), structured datetimes, liveness badges."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.normalize.dates import PostedDate, parse_datetime, parse_posted
from crawler.normalize.liveness import is_closed_text, liveness_confirmed

UTC = timezone.utc
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


EXACT_CASES = [
    # Seed 000, verbatim.
    ("Posted February 25, 2026", utc(2026, 2, 25)),
    ("February 25, 2026", utc(2026, 2, 25)),
    ("Posted on February 25, 2026", utc(2026, 2, 25)),
    ("2026-02-25", utc(2026, 2, 25)),
    ("2025-03-04T10:00:00-05:00", utc(2025, 3, 4, 15)),
    ("2025-03-04T10:00:00Z", utc(2025, 3, 4, 10)),
    ("2025-03-04T10:00:00.123Z", utc(2025, 3, 4, 10, 0, 0, 123000)),
    ("2025-03-04T10:00:00.123456789+00:00", utc(2025, 3, 4, 10, 0, 0, 123456)),
    ("2020-02-15T10:23:26", utc(2020, 2, 15, 10, 23, 26)),
    ("2025-03-04 10:00:00", utc(2025, 3, 4, 10)),
    ("Tue, 10 Jun 2025 04:00:00 GMT", utc(2025, 6, 10, 4)),
    ("Tue, 10 Jun 2025 06:00:00 +0200", utc(2025, 6, 10, 4)),
    (1717977600000, utc(2024, 6, 10)),
    ("1717977600000", utc(2024, 6, 10)),
    (1717977600, utc(2024, 6, 10)),
    ("1717977600", utc(2024, 6, 10)),
    ("Feb 3", utc(2026, 2, 3)),
    ("3 Feb 2026", utc(2026, 2, 3)),
    ("Dec 25", utc(2025, 12, 25)),
    ("December 1, 2025", utc(2025, 12, 1)),
    ("Published: Jan 15, 2026", utc(2026, 1, 15)),
    ("02/25/2026", utc(2026, 2, 25)),
    ("20260225", utc(2026, 2, 25)),
]


@pytest.mark.parametrize(("text", "expected"), EXACT_CASES)
def test_exact_dates(text: str | int, expected: datetime) -> None:
    posted = parse_posted(text, NOW)
    assert posted is not None
    assert posted.at == expected
    assert posted.precision == "exact"
    assert posted.at.tzinfo is not None and posted.at.utcoffset() == timedelta(0)
    assert posted.earliest <= posted.at <= posted.latest


def test_bare_date_spans_its_day_and_timestamp_is_a_point() -> None:
    day = parse_posted("Posted February 25, 2026", NOW)
    assert day == PostedDate(utc(2026, 2, 25), "exact", utc(2026, 2, 25),
                             utc(2026, 2, 26) - timedelta(microseconds=1))
    point = parse_posted("2025-03-04T10:00:00-05:00", NOW)
    assert point is not None and point.earliest == point.latest == point.at


RELATIVE_CASES = [
    # (text, at, earliest, latest)
    ("10 months ago", NOW - relativedelta(months=10), utc(2025, 4, 16, 12), utc(2025, 5, 17)),
    ("2 days ago", NOW - timedelta(days=2), NOW - timedelta(days=2.5), NOW - timedelta(days=1.5)),
    ("3 weeks ago", NOW - timedelta(weeks=3), NOW - timedelta(weeks=3.5), NOW - timedelta(weeks=2.5)),
    ("an hour ago", NOW - timedelta(hours=1), NOW - timedelta(hours=1.5), NOW - timedelta(hours=0.5)),
    ("a day ago", NOW - timedelta(days=1), NOW - timedelta(days=1.5), NOW - timedelta(days=0.5)),
    ("yesterday", NOW - timedelta(days=1), NOW - timedelta(days=2), NOW),
    ("Posted Yesterday", NOW - timedelta(days=1), NOW - timedelta(days=2), NOW),
    ("today", NOW, NOW - timedelta(days=1), NOW),
    ("Posted Today", NOW, NOW - timedelta(days=1), NOW),
    ("just posted", NOW, NOW - timedelta(days=1), NOW),
    ("Just now", NOW, NOW - timedelta(days=1), NOW),
    ("Posted 3 Days Ago", NOW - timedelta(days=3), NOW - timedelta(days=3.5), NOW - timedelta(days=2.5)),
    ("Posted 30+ Days Ago", NOW - timedelta(days=30), NOW - timedelta(days=365), NOW - timedelta(days=30)),
    ("over 30 days ago", NOW - timedelta(days=30), NOW - timedelta(days=365), NOW - timedelta(days=30)),
    ("1mo", NOW - relativedelta(months=1), utc(2026, 1, 17), utc(2026, 2, 15, 12)),
    ("3d", NOW - timedelta(days=3), NOW - timedelta(days=3.5), NOW - timedelta(days=2.5)),
    ("2w", NOW - timedelta(weeks=2), NOW - timedelta(weeks=2.5), NOW - timedelta(weeks=1.5)),
    ("5h", NOW - timedelta(hours=5), NOW - timedelta(hours=5.5), NOW - timedelta(hours=4.5)),
    ("5 hrs ago", NOW - timedelta(hours=5), NOW - timedelta(hours=5.5), NOW - timedelta(hours=4.5)),
    ("30m ago", NOW - timedelta(minutes=30), NOW - timedelta(minutes=30.5), NOW - timedelta(minutes=29.5)),
    ("1 year ago", utc(2025, 3, 1, 12), utc(2024, 8, 31), utc(2025, 8, 31)),
    ("Reposted 2 weeks ago", NOW - timedelta(weeks=2), NOW - timedelta(weeks=2.5), NOW - timedelta(weeks=1.5)),
]


@pytest.mark.parametrize(("text", "at", "earliest", "latest"), RELATIVE_CASES)
def test_relative_dates(text: str, at: datetime, earliest: datetime, latest: datetime) -> None:
    assert parse_posted(text, NOW) == PostedDate(at, "relative", earliest, latest)


def test_months_are_calendar_months() -> None:
    # Never a day count: ten months before 1 March is 1 May, whatever the month lengths.
    posted = parse_posted("10 months ago", NOW)
    assert posted is not None and posted.at == utc(2025, 5, 1, 12)
    end_of_month = parse_posted("1 month ago", utc(2026, 3, 31))
    assert end_of_month is not None and end_of_month.at == utc(2026, 2, 28)


def test_naive_now_is_utc() -> None:
    naive = parse_posted("2 days ago", NOW.replace(tzinfo=None))
    assert naive == parse_posted("2 days ago", NOW)


@pytest.mark.parametrize("text", [
    None, "", "  ", "hello", "Competitive", "Posted", "2030-01-01", "Dec 25, 2026", "in 3 days",
    "9999 years ago", "2024", 42, True, 4102444800, "may be", "Apply now!",
])
def test_unparseable_or_future(text: object) -> None:
    assert parse_posted(text, NOW) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(("value", "expected"), [
    ("2025-03-04T10:00:00-05:00", utc(2025, 3, 4, 15)),
    ("2020-02-15T10:23:26", utc(2020, 2, 15, 10, 23, 26)),
    ("2031-01-01", utc(2031, 1, 1)),  # validThrough lies in the future
    (1717977600000, utc(2024, 6, 10)),
    (1717977600, utc(2024, 6, 10)),
    ("1717977600", utc(2024, 6, 10)),
    (date(2025, 3, 4), utc(2025, 3, 4)),
    (datetime(2025, 3, 4, 10), utc(2025, 3, 4, 10)),
    (datetime(2025, 3, 4, 10, tzinfo=timezone(timedelta(hours=2))), utc(2025, 3, 4, 8)),
    ("March 4, 2025", utc(2025, 3, 4)),
    ("Tue, 10 Jun 2025 04:00:00 GMT", utc(2025, 6, 10, 4)),
    ("10 days ago", None),
    ("today", None),
    ("", None),
    (None, None),
    (True, None),
    ([], None),
])
def test_parse_datetime(value: object, expected: datetime | None) -> None:
    assert parse_datetime(value) == expected


LIVENESS_CASES = [
    ("Confirmed live in the last 24 hours", NOW - timedelta(hours=24)),  # seed 000, verbatim
    ("Confirmed live 3 hours ago", NOW - timedelta(hours=3)),
    ("Verified 2 days ago", NOW - timedelta(days=2)),
    ("Last verified: 1 week ago", NOW - timedelta(weeks=1)),
    ("Checked in the past hour", NOW - timedelta(hours=1)),
    ("Verified today", NOW - timedelta(days=1)),
    ("Actively hiring", None),
    ("Be an early applicant", None),
    ("", None),
    (None, None),
]


@pytest.mark.parametrize(("text", "expected"), LIVENESS_CASES)
def test_liveness_confirmed(text: str | None, expected: datetime | None) -> None:
    assert liveness_confirmed(text, NOW) == expected


@pytest.mark.parametrize(("text", "closed"), [
    ("This job is no longer available", True),
    ("We are no longer accepting applications for this role.", True),
    ("NO LONGER ACCEPTING APPLICATIONS", True),
    ("This position has been filled", True),
    ("Sorry, this job has expired.", True),
    ("The posting is closed", True),
    ("Applications are now closed", True),
    ("We are hiring!", False),
    ("Applications close on March 5", False),
    ("Experience with closed-loop control position systems", False),
    ("", False),
    (None, False),
])
def test_is_closed_text(text: str | None, closed: bool) -> None:
    assert is_closed_text(text) is closed


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(), st.integers(), st.from_regex(r"\d{1,5}\s*\+?\s*[a-z]{1,7}\s*(ago)?", fullmatch=True)))
def test_parse_posted_never_raises(text: str | int) -> None:
    posted = parse_posted(text, NOW)
    if posted is not None:
        assert posted.at <= NOW + timedelta(days=1)
        assert posted.earliest <= posted.latest
        assert posted.precision in ("exact", "relative")
        assert posted.at.utcoffset() == timedelta(0)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(), st.integers(), st.floats(), st.none()))
def test_parse_datetime_never_raises(value: object) -> None:
    result = parse_datetime(value)
    assert result is None or result.utcoffset() == timedelta(0)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_liveness_never_raises(text: str) -> None:
    result = liveness_confirmed(text, NOW)
    assert result is None or result <= NOW
    assert isinstance(is_closed_text(text), bool)
