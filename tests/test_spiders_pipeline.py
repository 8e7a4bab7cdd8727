"""The item pipeline takes whatever a board printed: no RawPosting may make it raise (a raise would
drop the posting and mark the run partial), and the markup boards put in titles is removed."""
from __future__ import annotations

from datetime import datetime, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.items import RawPosting
from crawler.pipelines import normalize

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
text = st.one_of(st.none(), st.text(max_size=80), st.text(alphabet="<>/&;ltgb $€0123456789,.-kK ago", max_size=40))
number = st.one_of(st.none(), st.integers(-10**15, 10**15), st.floats(allow_nan=True), text)


@settings(max_examples=300, deadline=None)
@given(title=text, company=text, location=text, hints=st.lists(st.one_of(text, st.booleans()), max_size=3),
       employment=text, seniority=text, posted=number, valid=number, liveness=text,
       tags=st.one_of(text, st.lists(text)),
       description=text, salary_text=text, low=number, high=number, currency=text, period=text, closed=text)
def test_normalize_never_raises(title, company, location, hints, employment, seniority, posted, valid, liveness, tags,
                                description, salary_text, low, high, currency, period, closed) -> None:
    raw = RawPosting(external_id="x", title=title, company=company, location=location, workplace_hints=hints,
                     employment_type=employment, seniority=seniority, posted=posted, valid_through=valid,
                     liveness=liveness, tags=[t for t in tags if t] if isinstance(tags, list) else tags,
                     description_html=description, salary_text=salary_text, closed_text=closed,
                     salary={"min": low, "max": high, "currency": currency, "period": period})
    posting = normalize(raw, "s", NOW)
    assert isinstance(posting.title, str) and "\n" not in posting.title
    assert posting.salary_min is None or posting.salary_max is None or posting.salary_min <= posting.salary_max


def test_markup_in_titles_and_companies_is_removed() -> None:
    raw = RawPosting(external_id="1", title="Sr. Data &amp; <em>ML</em> Engineer", company="<b>Acme</b> &lt;GmbH&gt;",
                     location="Berlin,&nbsp;DE")
    posting = normalize(raw, "s", NOW)
    assert (posting.title, posting.company, posting.location) == ("Senior Data & ML Engineer", "Acme <GmbH>",
                                                                  "Berlin, DE")
