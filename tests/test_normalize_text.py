"""Description HTML to text, single-line cleaning."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.normalize.text import clean_text, html_to_text

HTML_CASES = [
    ("<p>Hi&nbsp;there</p>", "Hi there"),
    # Greenhouse: entity-escaped HTML is unescaped once.
    ("&lt;p&gt;Hi &amp;amp; welcome&lt;/p&gt;", "Hi & welcome"),
    ("&lt;ul&gt;&lt;li&gt;One&lt;/li&gt;&lt;li&gt;Two&lt;/li&gt;&lt;/ul&gt;", "• One\n• Two"),
    ("<ul><li>One</li><li>Two <b>bold</b></li></ul>", "• One\n• Two bold"),
    ("<ul><li><p>One</p></li><li><p>Two</p></li></ul><p>After</p>", "• One\n• Two\n\nAfter"),
    ("<h3>What you’ll do:</h3><ul><li>Build</li></ul>", "What you’ll do:\n\n• Build"),
    ("<p>Mail <a href=\"/cdn-cgi/l/email-protection\" class=\"__cf_email__\" data-cfemail=\"ab\">"
     "[email&#160;protected]</a> today</p>", "Mail today"),
    ("<p>a</p><script>alert(1)</script><style>p{}</style><p>b</p>", "a\n\nb"),
    ("<div>line one<br>line two</div>", "line one\nline two"),
    # Plain text passes through, whitespace normalised, bullets kept as lines.
    ("Plain   text\n\n\n\n  • item one  \n-  item two", "Plain text\n\n• item one\n• item two"),
    ("Contact [email protected] for details", "Contact for details"),
    ("AT&amp;T 5 < 6", "AT&T 5 < 6"),
    ("zero\u200bwidth\u00a0space", "zerowidth space"),
    ("", ""),
    (None, ""),
]


@pytest.mark.parametrize(("html", "expected"), HTML_CASES)
def test_html_to_text(html: str | None, expected: str) -> None:
    assert html_to_text(html) == expected


SEED_A_EXCERPT = (
    "What we’re looking for:\n\n"
    "  • 5+ years of industry backend development experience, building consumer or business facing products\n"
    "  • Bonus points if\n"
)


def test_seed_text_keeps_bullets_and_curly_quotes() -> None:
    assert html_to_text(SEED_A_EXCERPT) == (
        "What we’re looking for:\n\n"
        "• 5+ years of industry backend development experience, building consumer or business facing products\n"
        "• Bonus points if"
    )


@pytest.mark.parametrize(("text", "expected"), [
    ("  Sr.\u00a0Software   Engineer \n", "Sr. Software Engineer"),
    ("What you’ll do", "What you’ll do"),  # curly quotes stay in display text
    ("R&amp;D", "R&D"),
    ("ﬁnance Ⅱ", "finance II"),
    ("tab\tand\u200bzero", "tab andzero"),
    ("Ontwikkelaar 👩\u200d💻 Mobile", "Ontwikkelaar 👩\u200d💻 Mobile"),  # a joiner inside an emoji stays
    ("stray\u200d joiner\u200c", "stray joiner"),
    (None, ""),
])
def test_clean_text(text: str | None, expected: str) -> None:
    assert clean_text(text) == expected


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(), st.text(alphabet="<>/&;ltgpuli ab\n•-", max_size=60)))
def test_text_normalisers_never_raise(text: str) -> None:
    out = html_to_text(text)
    assert isinstance(out, str) and "\n\n\n" not in out
    single = clean_text(text)
    assert "\n" not in single and single == single.strip()
