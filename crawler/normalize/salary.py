"""Salaries as boards print them, and as ATS APIs structure them.

Parsing is deliberately conservative: a currency is only reported when the text
shows one, and a period only when the text names one, so that filters can tell
"unknown" apart from "assumed".
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import InvalidOperation
from collections.abc import Iterator
from typing import Any

from price_parser import Price

PERIODS = ("year", "month", "week", "day", "hour")
_PER_YEAR = {"year": 1, "month": 12, "week": 52, "day": 260, "hour": 2080}


@dataclass(frozen=True)
class Salary:
    min: float | None
    max: float | None
    currency: str | None
    period: str | None
    source: str | None
    text: str


_SYMBOLS = {
    "CA$": "CAD", "CAD$": "CAD", "C$": "CAD", "AU$": "AUD", "AUD$": "AUD", "A$": "AUD",
    "US$": "USD", "NZ$": "NZD", "SG$": "SGD", "S$": "SGD", "HK$": "HKD", "MX$": "MXN", "R$": "BRL",
    "$": "USD", "€": "EUR", "£": "GBP", "₹": "INR", "¥": "JPY", "￥": "JPY", "₩": "KRW",
    "₪": "ILS", "₽": "RUB", "₺": "TRY", "zł": "PLN", "Rs.": "INR", "Rs": "INR",
}
_CODES = (
    "USD EUR GBP CAD AUD INR CHF JPY NZD SGD HKD SEK NOK DKK PLN BRL MXN ZAR CNY ILS KRW "
    "CZK HUF RON TRY AED PHP IDR MYR THB VND NGN KES EGP ARS CLP COP PEN UAH RUB TWD"
).split()
# Longest first, so that "CA$" is tried before "$".
_MARKER = "(?:" + "|".join(
    [re.escape(s) for s in sorted(_SYMBOLS, key=len, reverse=True)]
    + [c + r"(?![A-Za-z])" for c in _CODES]
) + ")"
# Thousands groups (incl. Indian 12,00,000 and Swiss 100'000) or a plain number
# with at most two decimals; lengths are capped so hostile input stays cheap.
_NUMBER = (
    r"(?:[0-9]{1,2}(?:,[0-9]{2})+,[0-9]{3}"
    r"|[0-9]{1,3}(?:[,.'\u00a0\u202f ][0-9]{3})+(?:[.,][0-9]{1,2})?"
    r"|[0-9]{1,9}(?:[.,][0-9]{1,2})?)(?![0-9])"
)
# The trailing look-ahead stops a marker from being taken from the next amount.
_AMOUNT = re.compile(
    r"(?<![\w.,#/])"
    rf"(?P<pre>{_MARKER})?\s{{0,2}}"
    rf"(?P<num>{_NUMBER})"
    r"(?:\s?(?P<mult>[kK](?![A-Za-z])|lakhs?(?![A-Za-z])|LPA(?![A-Za-z])|lpa(?![A-Za-z])))?"
    rf"(?:\s{{0,2}}(?P<post>{_MARKER}))?"
    r"(?![A-Za-z0-9])"
)
_RANGE_GAP = re.compile(r"\s*(?:-|–|—|‒|―|~|to|and|through)\s*", re.I)
# Retirement plans look like "401k" but are never pay.
_NOT_MONEY = re.compile(r"\b40[13]\s?\(?[kKbB]\)?|\b457\s?\(?b\)?", re.I)
_UNIT_AFTER = re.compile(
    r"\s*\+?\s*(?:years?|yrs?|months?|weeks?|days?|hours?|hrs?|minutes?|mins?|times|%|percent|"
    r"employees|people|persons|users|members|customers|countries|offices|locations|positions|"
    r"roles|engineers|reports|st\b|nd\b|rd\b|th\b|x\b)",
    re.I,
)
_BIG_AFTER = re.compile(r"\s*(?:million|billion|trillion|mn\b|bn\b|[mMbB]\b)", re.I)
_MIN_BEFORE = re.compile(r"(?:\bfrom|\bstarting\s+(?:at|from)|\bat\s+least|\bmin(?:imum)?\.?:?|\bover)\s*$", re.I)
_MAX_BEFORE = re.compile(r"(?:\bup\s+to|\bmax(?:imum)?\.?:?|\bas\s+much\s+as|\bno\s+more\s+than)\s*$", re.I)
_PLUS_AFTER = re.compile(r"\s*\+")
_PERIOD_RES = [(p, re.compile(rx, re.I)) for p, rx in [
    ("hour", r"\bper\s+hour\b|/\s*(?:hr|hour|h)\b|\bhourly\b|\ban\s+hour\b|\bp/h\b"),
    ("day", r"\bper\s+day\b|/\s*(?:day|d)\b|\bdaily\b|\ba\s+day\b|\bper\s+diem\b"),
    ("week", r"\bper\s+week\b|/\s*(?:wk|week)\b|\bweekly\b|\ba\s+week\b"),
    ("month", r"\bper\s+(?:month|mo)\b|/\s*(?:mo|mth|month)\b|\bmonthly\b|\ba\s+month\b"),
    ("year", r"\bper\s+(?:year|annum|yr)\b|/\s*(?:yr|year|annum)\b|\ba\s+year\b|\bannual(?:ly)?\b"
             r"|\byearly\b|\bp\.\s?a\b\.?|\bp/a\b|\blpa\b"),
]]
_CODE_WORD = re.compile(r"(?<![A-Za-z])(" + "|".join(_CODES) + r")(?![A-Za-z])")
# Words that make "year" a fair reading of an unlabelled range in a description.
_SALARY_WORDS = re.compile(r"\b(?:salary|salaries|base|annual|annually|per\s+annum|yearly|OTE)\b", re.I)
_EVIDENCE_WINDOW = 400
# Money in a description that is not the pay for the role.
_OTHER_MONEY = re.compile(
    r"\b(?:bonus|stipend|allowance|reimburse\w*|relocation|sign(?:ing|-on)|referral|budget|credit|"
    r"raised|funding|valuation|revenue|series\s+[a-e]|invest\w*|grant)\b[^.\n]{0,30}$",
    re.I,
)


@dataclass
class _Token:
    start: int
    end: int
    value: float
    num: str
    mult: str
    markers: list[str]

    @property
    def amount(self) -> float:
        return self.value * (1000.0 if self.mult == "k" else 100000.0 if self.mult else 1.0)


@dataclass
class _Candidate:
    start: int
    end: int
    low: float | None
    high: float | None
    currency: str | None
    period: str | None
    tokens: list[_Token]

    @property
    def magnitude(self) -> float:
        return max(v for v in (self.low, self.high) if v is not None)


def _number(text: str) -> float | None:
    # price-parser settles which separator is the decimal one ("55.000" vs "1,5").
    amount = Price.fromstring(text).amount
    try:
        value = float(amount) if amount is not None else None
    except (InvalidOperation, OverflowError, ValueError):
        return None
    return value if value is not None and 0 < value < 1e12 else None


def _tokens(text: str) -> Iterator[_Token]:
    for m in _AMOUNT.finditer(text):
        value = _number(m.group("num"))
        if value is not None:
            markers = [g for g in (m.group("pre"), m.group("post")) if g]
            yield _Token(m.start(), m.end(), value, m.group("num"), (m.group("mult") or "").lower(), markers)


def _currency(markers: list[str]) -> str | None:
    # An ISO code or a specific dollar ("CA$") says more than a bare "$".
    codes = [(mk, _SYMBOLS.get(mk, mk.upper())) for mk in markers]
    specific = [c for mk, c in codes if mk != "$"]
    return specific[0] if specific else (codes[0][1] if codes else None)


def _find_period(window: str, last: bool) -> tuple[str, int] | None:
    hits = [(m.start(), m.end(), p) for p, rx in _PERIOD_RES if (m := rx.search(window))]
    if not hits:
        return None
    start, end, period = max(hits) if last else min(hits)
    return period, end


def _candidates(text: str) -> Iterator[_Candidate]:
    text = _NOT_MONEY.sub(lambda m: "#" * len(m.group()), text)
    tokens = _tokens(text)
    pending = next(tokens, None)
    while pending is not None:
        group = [pending]
        pending = next(tokens, None)
        # Two amounts joined by a dash or "to" are one range.
        if pending is not None and _RANGE_GAP.fullmatch(text[group[0].end:pending.start]):
            group.append(pending)
            pending = next(tokens, None)
        first, last = group[0], group[-1]
        after = text[last.end:last.end + 25]
        markers = [mk for t in group for mk in t.markers]
        # "10 months ago", "5+ years", "$2B revenue" are counts, not pay.
        if _BIG_AFTER.match(after) or (not markers and _UNIT_AFTER.match(after)):
            continue
        start, end = first.start, last.end
        if len(group) == 2:
            if last.mult and not first.mult and first.value <= last.value:
                first.mult = last.mult  # "$120-150K": the suffix covers both ends
            low, high = sorted((first.amount, last.amount))
        else:
            before = text[max(0, start - 25):start]
            upper = _MAX_BEFORE.search(before)
            lower = _MIN_BEFORE.search(before)
            plus = _PLUS_AFTER.match(after)
            if upper:
                low, high = None, first.amount
            elif lower or plus:
                low, high = first.amount, None
            else:
                low = high = first.amount
            if upper or lower:
                start = max(0, start - 25) + (upper or lower).start()
            elif plus:
                end += plus.end()
        period = None
        found = _find_period(text[end:end + 30], last=False)
        if found:
            period, end = found[0], end + found[1]
        elif found := _find_period(text[max(0, start - 40):start], last=True):
            period = found[0]
        if period is None and any(t.mult == "lpa" for t in group):
            period = "year"
        yield _Candidate(start, end, low, high, _currency(markers), period, group)


def _year_like(c: _Candidate) -> bool:
    t = c.tokens[0]
    return len(c.tokens) == 1 and not t.mult and t.num.isdigit() and 1900 <= t.value <= 2100


def _make(c: _Candidate, text: str, currency: str | None, period: str | None, source: str) -> Salary:
    span = " ".join(text[c.start:c.end].split())
    return Salary(c.low, c.high, currency, period, source, span)


def parse_salary(text: str | None, *, source: str = "header",
                 default_currency: str | None = None) -> Salary | None:
    """Parse one printed salary (a header or a salary field).

    A single figure gives min == max, "from X" only a min, "up to X" only a max.
    `default_currency` fills in only when the text shows no currency at all.
    """
    if not isinstance(text, str) or not text.strip():
        return None
    for c in _candidates(text):
        smallest = min(v for v in (c.low, c.high) if v is not None)
        if c.currency is None and c.period is None and (smallest < 1000 or _year_like(c)):
            continue
        currency = c.currency
        if currency is None:
            code = _CODE_WORD.search(text)
            currency = code.group(1) if code else _clean_currency(default_currency)
        return _make(c, text, currency, c.period, source)
    return None


def find_salary(text: str | None, *, source: str = "body") -> Salary | None:
    """Find the first salary-looking span in a long description.

    A span needs a currency marker or an explicit period right beside it, and a
    figure under 1,000 needs a period. Without an explicit period the span is
    read as yearly only when salary words ("salary", "base", "annual"...) occur
    within 400 characters before it and the figures are at least 10,000;
    otherwise the period stays None.
    """
    if not isinstance(text, str) or not text.strip():
        return None
    for c in _candidates(text):
        if c.currency is None and c.period is None:
            continue
        if c.period is None and c.magnitude < 1000:
            continue
        if _OTHER_MONEY.search(text[max(0, c.start - 45):c.start]):
            continue
        period = c.period
        smallest = min(v for v in (c.low, c.high) if v is not None)
        evidence = text[max(0, c.start - _EVIDENCE_WINDOW):c.start]
        if period is None and smallest >= 10000 and _SALARY_WORDS.search(evidence):
            period = "year"
        return _make(c, text, c.currency, period, source)
    return None


def _clean_currency(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.strip()
    value = _SYMBOLS.get(value, value.upper())
    return value if re.fullmatch(r"[A-Z]{3}", value) else None


def _clean_amount(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        number = _number(value) if re.search(r"\d", value) else None
    else:
        return None
    # Feeds use 0 for "not given".
    return number if number is not None and 0 < number < 1e12 else None


def _period_word(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    words = re.findall(r"[a-z]+", re.sub(r"([a-z])([A-Z])", r"\1 \2", value).lower())
    for period, stems in (("year", ("year", "annual", "annum", "yr")), ("month", ("month", "mo", "mth")),
                          ("week", ("week", "wk")), ("day", ("day", "daily", "diem")),
                          ("hour", ("hour", "hr"))):
        if any(w.startswith(stems) for w in words):
            return period
    return None


def structured_salary(min: Any, max: Any, currency: Any, period: Any, *,
                      text: str | None = None, cents: bool = False) -> Salary | None:
    """Build a Salary from API fields (Greenhouse gives cents; Ashby "1 YEAR"; Lever "per-year-salary")."""
    low, high = _clean_amount(min), _clean_amount(max)
    if low is None and high is None:
        return None
    if cents:
        low, high = (v / 100 if v is not None else None for v in (low, high))
    if low is not None and high is not None and low > high:
        low, high = high, low
    code, unit = _clean_currency(currency), _period_word(period)
    if not text:
        figures = "–".join(f"{v:g}" for v in (low, high) if v is not None) if low != high else f"{low:g}"
        text = " ".join(x for x in (figures, code, f"per {unit}" if unit else None) if x)
    return Salary(low, high, code, unit, "structured", text)


def yearly(amount: float | None, period: str | None) -> float | None:
    """A yearly figure for comparisons: 2080 hours, 260 days, 52 weeks, 12 months."""
    if amount is None:
        return None
    if period is None:
        return amount
    factor = _PER_YEAR.get(period)
    return amount * factor if factor else None
