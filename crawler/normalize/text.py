"""HTML descriptions to plain text, and clean single-line fields."""
from __future__ import annotations

import html
import re
import unicodedata

import html_text
from lxml import etree

BULLET = "•"
_REAL_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?\s*>|<!--")
_ESCAPED_TAG = re.compile(r"&lt;\s*/?\s*[a-zA-Z][a-zA-Z0-9]*(?:\s.*?)?/?\s*&gt;", re.S)
# What Cloudflare's email obfuscation leaves in the text when its script does not run.
_CF_EMAIL = re.compile(r"\[\s*email\s*(?:&#160;|&nbsp;)?\s*protected\s*\]", re.I)
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff\u00ad"), None)
# Joiners are invisible noise next to ASCII or space, but between two other characters they build
# emoji ("👩‍💻") and Persian or Indic words, so there they stay.
_STRAY_JOINER = re.compile(r"(?<![^\x00-\x7f\s])[\u200c\u200d]|[\u200c\u200d](?![^\x00-\x7f\s])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[^\S\n]+")
_BULLET_LINE = re.compile(r"^\s*[•●▪◦·‣∙\-*]\s+")


def _tidy_lines(text: str) -> str:
    text = _STRAY_JOINER.sub("", text.translate(_INVISIBLE)).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    text = _CF_EMAIL.sub("", text)
    lines: list[str] = []
    pending_bullet = False
    for line in text.split("\n"):
        line = _SPACES.sub(" ", line).strip()
        if _BULLET_LINE.match(line):
            line = f"{BULLET} {_BULLET_LINE.sub('', line)}".rstrip()
        if line == BULLET:
            # "<li><p>text</p></li>" puts the bullet on a line of its own.
            pending_bullet = True
            continue
        if pending_bullet and line:
            line = line if line.startswith(BULLET) else f"{BULLET} {line}"
            pending_bullet = False
            kept = len(lines)
            while kept and not lines[kept - 1]:
                kept -= 1
            if kept and lines[kept - 1].startswith(BULLET):
                del lines[kept:]  # consecutive items stay one list
        lines.append(line)
    # Keep paragraph breaks, but never more than one blank line.
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def html_to_text(html_str: str | None) -> str:
    """Readable text from a description; list items become "• " lines.

    Greenhouse sends entity-escaped HTML ("&lt;p&gt;"); it is unescaped once when
    the input has escaped tags but no real ones. Plain text passes through with
    whitespace normalised.
    """
    if not isinstance(html_str, str) or not html_str.strip():
        return ""
    source = html_str
    if not _REAL_TAG.search(source) and _ESCAPED_TAG.search(source):
        source = html.unescape(source)
    if not _REAL_TAG.search(source):
        return _tidy_lines(html.unescape(source) if "&" in source else source)
    try:
        tree = html_text.parse_html(source)
        for li in tree.iter("li"):
            li.text = f"{BULLET} {li.text or ''}"
        text = html_text.extract_text(tree)
    except (etree.LxmlError, ValueError, TypeError):
        # lxml refuses some inputs (control characters, empty documents).
        text = re.sub(r"<[^>]*>", " ", source)
        text = html.unescape(text)
    return _tidy_lines(text.replace("\u00a0", " "))


def clean_text(text: str | None) -> str:
    """A single-line field: NFKC, entities decoded, invisible characters and
    whitespace runs removed. Curly quotes stay (NFKC keeps them); comparison
    keys fold them separately.
    """
    if not isinstance(text, str):
        return ""
    if "&" in text:
        text = html.unescape(text)
    text = _STRAY_JOINER.sub("", unicodedata.normalize("NFKC", text).translate(_INVISIBLE))
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in text)
    return " ".join(text.split())
