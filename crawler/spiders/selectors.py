"""Selectors from the config: CSS or XPath (XPath starts with `/`, `./` or `(`), optionally cut
down by a regular expression, as the `html` kind's `fields` and both page kinds' `listing` use them.

A field is given as a plain selector string or as `{css: ..., regex: ...}` / `{xpath: ..., regex: ...}`.
The regex keeps its `value` group, else its first group, else the whole match; a string it does
not match is dropped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import parsel
from cssselect import SelectorError

from crawler.normalize.text import clean_text, html_to_text

# The posting fields an `html` source may select (see crawler.spiders.html for what each becomes).
FIELD_NAMES = (
    "title", "company", "location", "workplace", "salary", "posted", "valid_through", "liveness",
    "closed", "seniority", "employment_type", "tags", "teams", "description", "apply_url",
    "external_id", "requisition_id",
)
_PROBE = parsel.Selector(text="<html><body></body></html>")


@dataclass(frozen=True)
class Spec:
    query: str
    xpath: bool
    regex: re.Pattern[str] | None = None


def is_xpath(query: str) -> bool:
    return query.lstrip().startswith(("/", "./", "("))


def spec(value: str | dict[str, Any]) -> Spec:
    """A Spec from the config's string or mapping form; ValueError says what is wrong."""
    if isinstance(value, str):
        query, xpath, pattern = value, is_xpath(value), None
    elif isinstance(value, dict):
        given = [k for k in ("css", "xpath") if value.get(k)]
        if len(given) != 1:
            raise ValueError("give exactly one of 'css' or 'xpath'")
        query, xpath, pattern = value[given[0]], given[0] == "xpath", value.get("regex")
    else:
        raise ValueError(f"a selector is a string or a mapping, not {type(value).__name__}")
    try:
        _PROBE.xpath(query) if xpath else _PROBE.css(query)
    except (ValueError, SelectorError) as exc:
        raise ValueError(f"bad {'XPath' if xpath else 'CSS'} selector {query!r}: {exc}") from None
    try:
        regex = re.compile(pattern) if pattern else None
    except re.error as exc:
        raise ValueError(f"bad regex {pattern!r}: {exc}") from None
    return Spec(query, xpath, regex)


def select(node: parsel.Selector, field: Spec, keep_html: bool = False) -> list[str]:
    """Every non-empty string the selector finds under `node`, each cut down by the regex when
    there is one. Values are single-line text; with `keep_html` (a description) they stay HTML,
    or become multi-line text when a regex must read them."""
    found = node.xpath(field.query) if field.xpath else node.css(field.query)
    out: list[str] = []
    for raw in found.getall():
        if keep_html and field.regex is None:
            value = raw
        elif keep_html:
            value = html_to_text(raw)
        else:  # one line: an element's text, or a text node as printed
            value = clean_text(html_to_text(raw) if raw.lstrip().startswith("<") else raw)
        if field.regex is not None:
            match = field.regex.search(value)
            if not match:
                continue
            groups = field.regex.groupindex
            value = match.group("value") if "value" in groups else match.group(1) if field.regex.groups \
                else match.group(0)
            value = clean_text(value)
        if value and value.strip():
            out.append(value)
    return out
