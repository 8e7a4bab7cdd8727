"""Salary parsing: printed headers, description bodies, structured API fields."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.normalize.salary import Salary, find_salary, parse_salary, structured_salary, yearly

# (printed text, min, max, currency, period)
HEADER_CASES = [
    # Seed 001 meta line, verbatim, and its salary alone.
    ("178,000-258,000 $/Year", 178000, 258000, "USD", "year"),
    ("10 months ago Development & Programming Senior Full-Time 178,000-258,000 $/Year", 178000, 258000, "USD", "year"),
    ("$172,500—$258,700 USD", 172500, 258700, "USD", None),
    ("$120K – $150K", 120000, 150000, "USD", None),
    ("€55.000 - €65.000 per year", 55000, 65000, "EUR", "year"),
    ("£45k", 45000, 45000, "GBP", None),
    ("$60/hr", 60, 60, "USD", "hour"),
    ("CA$140,000 to CA$170,000", 140000, 170000, "CAD", None),
    ("from $90,000", 90000, None, "USD", None),
    ("up to $120k", None, 120000, "USD", None),
    ("$50 - $60 an hour", 50, 60, "USD", "hour"),
    ("USD 100000 - 120000", 100000, 120000, "USD", None),
    ("80k-100k", 80000, 100000, None, None),
    ("$40,000 - $50,000", 40000, 50000, "USD", None),
    ("$120-150K", 120000, 150000, "USD", None),
    ("$100k+", 100000, None, "USD", None),
    ("A$90,000 – A$110,000 p.a.", 90000, 110000, "AUD", "year"),
    ("AU$95k - AU$105k", 95000, 105000, "AUD", None),
    ("C$70,000 annually", 70000, 70000, "CAD", "year"),
    ("$25.50 per hour", 25.5, 25.5, "USD", "hour"),
    ("CHF 120'000 - 140'000", 120000, 140000, "CHF", None),
    ("¥5,000,000", 5000000, 5000000, "JPY", None),
    ("₹12,00,000 - ₹18,00,000 per annum", 1200000, 1800000, "INR", "year"),
    ("₹12-18 LPA", 1200000, 1800000, "INR", "year"),
    ("50 000 € - 60 000 €", 50000, 60000, "EUR", None),
    ("Pay range 200,000 - 150,000 USD", 150000, 200000, "USD", None),
    ("Salary: 95000 CAD annually", 95000, 95000, "CAD", "year"),
    ("$1.5k/mo", 1500, 1500, "USD", "month"),
    ("$4,000 - $5,000 monthly", 4000, 5000, "USD", "month"),
    ("$800 per week", 800, 800, "USD", "week"),
    ("$300 - $400 per day", 300, 400, "USD", "day"),
    ("£350 a day", 350, 350, "GBP", "day"),
    ("$18/hour", 18, 18, "USD", "hour"),
    ("Hourly: $22 - $28", 22, 28, "USD", "hour"),
    ("EUR 60,000 – 75,000 / year", 60000, 75000, "EUR", "year"),
    ("60.000 - 75.000 EUR brutto/Jahr", 60000, 75000, "EUR", None),
    ("Between $130,000 and $160,000 per year", 130000, 160000, "USD", "year"),
    ("$140,000.00 - $180,000.00", 140000, 180000, "USD", None),
    ("US$3,000/month", 3000, 3000, "USD", "month"),
    ("$95K-$120K/yr", 95000, 120000, "USD", "year"),
    ("starting at $75,000", 75000, None, "USD", None),
    ("£30,000 - £35,000 + benefits", 30000, 35000, "GBP", None),
]


@pytest.mark.parametrize(("text", "low", "high", "currency", "period"), HEADER_CASES)
def test_parse_salary(text: str, low: float | None, high: float | None, currency: str | None,
                      period: str | None) -> None:
    pay = parse_salary(text)
    assert pay is not None
    assert (pay.min, pay.max, pay.currency, pay.period) == (low, high, currency, period)
    assert pay.source == "header"
    assert pay.text and pay.text in " ".join(text.split())


NOT_SALARY = [
    None, "", "   ", "Competitive", "5+ years", "401k plan", "401(k) with 4% match", "DOE",
    "Salary: negotiable", "10 months ago", "2026-02-25", "Posted 2026", "We have 500 employees",
    "$2B in revenue", "3-5 years of experience", "24/7 on-call", "Team of 12",
]


@pytest.mark.parametrize("text", NOT_SALARY)
def test_parse_salary_rejects_non_money(text: str | None) -> None:
    assert parse_salary(text) is None


def test_parse_salary_source_and_default_currency() -> None:
    pay = parse_salary("90,000 - 110,000", source="body", default_currency="cad")
    assert pay == Salary(90000, 110000, "CAD", None, "body", "90,000 - 110,000")
    # A printed currency beats the default.
    assert parse_salary("£50k", default_currency="USD").currency == "GBP"  # type: ignore[union-attr]


def test_parse_salary_never_guesses_currency() -> None:
    assert parse_salary("120,000 - 140,000 per year").currency is None  # type: ignore[union-attr]


SEED_B_BODY = (
    "At Pinterest we believe the workplace should be equitable, inclusive, and inspiring for every employee. "
    "In an effort to provide greater transparency, we are sharing the base salary range for this position. "
    "The position is also eligible for equity. Final salary is based on a number of factors including "
    "location, travel, relevant prior experience, or particular skills and expertise.\n\n"
    "Information regarding the culture at Pinterest and benefits available for this position can be found here.\n\n"
    "US based applicants only\n\n"
    "$172,500—$258,700 USD\n\n"
    "Our Commitment to Diversity:\n"
)

BODY_CASES = [
    (SEED_B_BODY, 172500, 258700, "USD", "year"),
    ("We pay well.\n\n$172,500—$258,700 USD\n", 172500, 258700, "USD", None),
    ("The base salary for this role is $150,000 - $180,000.", 150000, 180000, "USD", "year"),
    ("Hourly rate: $25 - $30", 25, 30, "USD", "hour"),
    ("Pay: 25-30 per hour, paid weekly.", 25, 30, None, "hour"),
    ("Relocation package up to $10,000. Salary: $120,000", 120000, 120000, "USD", "year"),
    ("Compensation: €70.000 – €85.000 per year plus bonus", 70000, 85000, "EUR", "year"),
]


@pytest.mark.parametrize(("text", "low", "high", "currency", "period"), BODY_CASES)
def test_find_salary(text: str, low: float, high: float, currency: str | None, period: str | None) -> None:
    pay = find_salary(text)
    assert pay is not None
    assert (pay.min, pay.max, pay.currency, pay.period, pay.source) == (low, high, currency, period, "body")


@pytest.mark.parametrize("text", [
    "We are a team of 500 employees in 12 countries, founded in 2010.",
    "Experience: 4+ years of industry backend development experience.",
    "401(k) matching up to 4%, 20 days of PTO per year.",
    "We raised $50M in our Series B and serve 2 million users.",
    "Bonus of $5,000 after 90 days.",
    "Work 40 hours per week, 3 days a week in the office.",
    "Pinterest is a $2 billion company.",
    None,
])
def test_find_salary_ignores_prose_numbers(text: str | None) -> None:
    assert find_salary(text) is None


STRUCTURED_CASES = [
    # (min, max, currency, period, cents) -> (min, max, currency, period)
    ((17250000, 25870000, "USD", None, True), (172500, 258700, "USD", None)),
    ((100000, 120000, "usd", "YEAR", False), (100000, 120000, "USD", "year")),
    ((50, 60, "USD", "HOUR", False), (50, 60, "USD", "hour")),
    ((5000, None, "EUR", "MONTH", False), (5000, None, "EUR", "month")),
    ((120000, 100000, "GBP", "yearly", False), (100000, 120000, "GBP", "year")),
    ((90000, 110000, "CAD", "annual", False), (90000, 110000, "CAD", "year")),
    ((90000, 110000, "CAD", "per_year", False), (90000, 110000, "CAD", "year")),
    ((90000, 110000, "AUD", "1 YEAR", False), (90000, 110000, "AUD", "year")),
    ((40, 50, "USD", "per-hour-wage", False), (40, 50, "USD", "hour")),
    ((400, 500, "USD", "DAY", False), (400, 500, "USD", "day")),
    ((900, 1000, "USD", "WEEK", False), (900, 1000, "USD", "week")),
    (("120,000", "150,000", "$", "year", False), (120000, 150000, "USD", "year")),
    ((0, 80000, "USD", None, False), (None, 80000, "USD", None)),
    ((70000, 90000, "dollars", "NONE", False), (70000, 90000, None, None)),
]


@pytest.mark.parametrize(("args", "expected"), STRUCTURED_CASES)
def test_structured_salary(args: tuple, expected: tuple) -> None:
    low, high, currency, period, cents = args
    pay = structured_salary(low, high, currency, period, cents=cents)
    assert pay is not None
    assert (pay.min, pay.max, pay.currency, pay.period) == expected
    assert pay.source == "structured"
    assert pay.text


def test_structured_salary_keeps_given_text_and_rejects_empty() -> None:
    pay = structured_salary(1, 2, "USD", "HOUR", text="$1-$2/hr")
    assert pay is not None and pay.text == "$1-$2/hr"
    assert structured_salary(None, None, "USD", "YEAR") is None
    assert structured_salary(0, 0, "USD", "YEAR") is None
    assert structured_salary(True, "n/a", "USD", "YEAR") is None


@pytest.mark.parametrize(("amount", "period", "expected"), [
    (50, "hour", 104000), (400, "day", 104000), (2000, "week", 104000), (8000, "month", 96000),
    (120000, "year", 120000), (120000, None, 120000), (1, "fortnight", None), (None, "year", None),
])
def test_yearly(amount: float | None, period: str | None, expected: float | None) -> None:
    assert yearly(amount, period) == expected


_MONEYISH = st.text(alphabet="0123456789$€£¥₹kKmM.,' -–—/toupfrmyearhrUSDCA+()", max_size=40)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), _MONEYISH))
def test_salary_parsers_never_raise(text: str) -> None:
    for pay in (parse_salary(text), find_salary(text), parse_salary(text, default_currency="EUR")):
        if pay is not None:
            assert pay.min is not None or pay.max is not None
            if pay.min is not None and pay.max is not None:
                assert pay.min <= pay.max
            assert pay.period in (None, "year", "month", "week", "day", "hour")
            assert pay.currency is None or (len(pay.currency) == 3 and pay.currency.isupper())


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.none(), st.integers(), st.floats(), st.text()), st.one_of(st.none(), st.integers(), st.text()),
       st.one_of(st.none(), st.text()), st.one_of(st.none(), st.text()), st.booleans())
def test_structured_salary_never_raises(low, high, currency, period, cents) -> None:  # type: ignore[no-untyped-def]
    structured_salary(low, high, currency, period, cents=cents)
