"""Workplace (remote / hybrid / onsite) and location splitting.

Workplace is tri-state: no marker means None, never "onsite".
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# Texts longer than this are descriptions, where words like "remote teams" or
# "onsite interview" are noise: only explicit statements count there.
_FIELD_MAX = 80

_HASHTAG = re.compile(r"#LI-(REMOTE|HYBRID|ONSITE|ON-SITE|OFFICE)\b", re.I)
_NEGATED = re.compile(r"\b(?:not|non|no)[\s-]+(?:a\s+|an\s+|fully\s+|100%\s+)?(?:remote|hybrid)\w*", re.I)
_FIELD_WORDS = {
    "hybrid": re.compile(r"\bhybrid\b", re.I),
    "remote": re.compile(
        r"\bremote\b|\btelecommut\w*|\bwork\s+from\s+(?:home|anywhere)\b|\bwfh\b|\bhome[\s-]based\b", re.I),
    "onsite": re.compile(
        r"\bon[\s-]?site\b|\bin[\s-](?:the[\s-])?office\b|\bin[\s-]person\b|\boffice[\s-]based\b", re.I),
}
_ROLE = r"(?:role|position|job|opportunity|opening)"
_PROSE_WORDS = {
    "hybrid": re.compile(rf"\bhybrid\s+(?:{_ROLE}|work|schedule|model|working|arrangement)\b|"
                         rf"\bthis\s+(?:is\s+a\s+)?{_ROLE}?\s*is\s+hybrid\b|\b{_ROLE}\s+is\s+hybrid\b", re.I),
    "remote": re.compile(rf"\b(?:fully|100%|completely|entirely)\s+remote\b|\bremote[\s-](?:first\s+)?{_ROLE}\b|"
                         rf"\b{_ROLE}\s+is\s+(?:fully\s+)?remote\b|\btelecommut\w*|\bwork\s+from\s+(?:home|anywhere)\b",
                         re.I),
    "onsite": re.compile(rf"\b(?:on[\s-]?site|in[\s-]office|in[\s-]person)\s+{_ROLE}\b|"
                         rf"\b{_ROLE}\s+is\s+(?:fully\s+)?(?:on[\s-]?site|in[\s-]office|in[\s-]person)\b", re.I),
}


def _one(text: str | bool | None) -> str | None:
    if isinstance(text, bool):
        # A boolean flag (Workable telecommuting, Ashby isRemote) only proves remote when true.
        return "remote" if text else None
    if not isinstance(text, str) or not text.strip():
        return None
    tags = {m.group(1).upper().replace("-", "") for m in _HASHTAG.finditer(text)}
    words = _FIELD_WORDS if len(text) <= _FIELD_MAX else _PROSE_WORDS
    found = {"remote" if t == "REMOTE" else "hybrid" if t == "HYBRID" else "onsite" for t in tags}
    if not found:
        cleaned = _NEGATED.sub(" ", text)
        found = {kind for kind, rx in words.items() if rx.search(cleaned)}
    # Hybrid wins whenever it is named, and remote plus onsite together also read
    # as hybrid: a subscriber asking for "remote" must not get a role that needs
    # office days, and neither pure label is true for every location listed.
    if "hybrid" in found or {"remote", "onsite"} <= found:
        return "hybrid"
    return next(iter(found), None)


def workplace(*texts: str | bool | None) -> str | None:
    """remote | hybrid | onsite | None; the first text with an answer wins."""
    for text in texts:
        answer = _one(text)
        if answer:
            return answer
    return None


@dataclass(frozen=True)
class Location:
    city: str | None
    region: str | None
    country: str | None


_COUNTRIES = {
    "US": "united states|united states of america|usa|u.s.a.|u.s.|us",
    "CA": "canada", "GB": "united kingdom|uk|u.k.|great britain|britain|england|scotland|wales|northern ireland",
    "IE": "ireland", "DE": "germany|deutschland", "FR": "france", "ES": "spain|españa", "PT": "portugal",
    "IT": "italy", "NL": "netherlands|the netherlands|holland", "BE": "belgium", "LU": "luxembourg",
    "CH": "switzerland", "AT": "austria", "SE": "sweden", "NO": "norway", "DK": "denmark", "FI": "finland",
    "IS": "iceland", "PL": "poland", "CZ": "czech republic|czechia", "SK": "slovakia", "HU": "hungary",
    "RO": "romania", "BG": "bulgaria", "GR": "greece", "HR": "croatia", "SI": "slovenia", "RS": "serbia",
    "UA": "ukraine", "EE": "estonia", "LV": "latvia", "LT": "lithuania", "TR": "turkey|türkiye",
    "IL": "israel", "AE": "united arab emirates|uae", "SA": "saudi arabia", "EG": "egypt",
    "ZA": "south africa", "NG": "nigeria", "KE": "kenya", "MA": "morocco", "IN": "india",
    "PK": "pakistan", "BD": "bangladesh", "LK": "sri lanka", "CN": "china", "HK": "hong kong",
    "TW": "taiwan", "JP": "japan", "KR": "south korea|korea", "SG": "singapore", "MY": "malaysia",
    "ID": "indonesia", "PH": "philippines", "TH": "thailand", "VN": "vietnam|viet nam",
    "AU": "australia", "NZ": "new zealand", "MX": "mexico|méxico", "BR": "brazil|brasil",
    "AR": "argentina", "CL": "chile", "CO": "colombia", "PE": "peru", "UY": "uruguay",
    "CR": "costa rica", "RU": "russia", "CY": "cyprus", "MT": "malta",
}
_COUNTRY_NAMES = {alias: code for code, names in _COUNTRIES.items() for alias in names.split("|")}
_US_STATES = {
    "AL": "alabama", "AK": "alaska", "AZ": "arizona", "AR": "arkansas", "CA": "california",
    "CO": "colorado", "CT": "connecticut", "DE": "delaware", "FL": "florida", "GA": "georgia",
    "HI": "hawaii", "ID": "idaho", "IL": "illinois", "IN": "indiana", "IA": "iowa", "KS": "kansas",
    "KY": "kentucky", "LA": "louisiana", "ME": "maine", "MD": "maryland", "MA": "massachusetts",
    "MI": "michigan", "MN": "minnesota", "MS": "mississippi", "MO": "missouri", "MT": "montana",
    "NE": "nebraska", "NV": "nevada", "NH": "new hampshire", "NJ": "new jersey", "NM": "new mexico",
    "NY": "new york", "NC": "north carolina", "ND": "north dakota", "OH": "ohio", "OK": "oklahoma",
    "OR": "oregon", "PA": "pennsylvania", "RI": "rhode island", "SC": "south carolina",
    "SD": "south dakota", "TN": "tennessee", "TX": "texas", "UT": "utah", "VT": "vermont",
    "VA": "virginia", "WA": "washington", "WV": "west virginia", "WI": "wisconsin", "WY": "wyoming",
    "DC": "district of columbia",
}
_CA_PROVINCES = {
    "AB": "alberta", "BC": "british columbia", "MB": "manitoba", "NB": "new brunswick",
    "NL": "newfoundland and labrador", "NS": "nova scotia", "ON": "ontario", "PE": "prince edward island",
    "QC": "quebec", "SK": "saskatchewan", "NT": "northwest territories", "NU": "nunavut", "YT": "yukon",
}
_REGION_NAMES = {name: (code, "US") for code, name in _US_STATES.items()}
_REGION_NAMES.update({name: (code, "CA") for code, name in _CA_PROVINCES.items()})
_REGION_NAMES["québec"] = ("QC", "CA")
# Only used to settle "City, XX" where XX is both a US state and a country code
# ("Berlin, DE" vs "Wilmington, DE"); never to invent a country on its own.
_CITY_COUNTRY = {
    "berlin": "DE", "munich": "DE", "hamburg": "DE", "frankfurt": "DE", "toronto": "CA", "vancouver": "CA",
    "montreal": "CA", "ottawa": "CA", "calgary": "CA", "bangalore": "IN", "bengaluru": "IN",
    "hyderabad": "IN", "pune": "IN", "mumbai": "IN", "delhi": "IN", "chennai": "IN", "gurgaon": "IN",
    "medellín": "CO", "medellin": "CO", "bogotá": "CO", "bogota": "CO", "buenos aires": "AR",
    "panama city": "PA", "tirana": "AL", "valletta": "MT", "chisinau": "MD", "ulaanbaatar": "MN",
    "jakarta": "ID", "tel aviv": "IL", "jerusalem": "IL", "casablanca": "MA", "rabat": "MA",
}
# Words that say how or who, not where.
_NOISE = re.compile(
    r"#LI-[\w-]+|\b(?:fully\s+|100%\s+)?(?:remote|hybrid|on[\s-]?site|in[\s-]office|telecommute|"
    r"work\s+from\s+home|wfh)\b|\b(?:based|applicants?|candidates?|residents?|only|preferred|"
    r"must\s+be\s+located\s+in|located\s+in|anywhere\s+in|within|eligible|to\s+work\s+in)\b",
    re.I,
)
_NOWHERE = {"anywhere", "worldwide", "global", "globally", "international", "various", "multiple locations",
            "europe", "eu", "emea", "apac", "latam", "americas", "north america", "south america", "asia",
            "africa", "oceania", "the americas", "us/canada", "flexible", "tbd", "n/a", "home", "office"}
_FLAG = re.compile("([\U0001F1E6-\U0001F1FF])([\U0001F1E6-\U0001F1FF])")
_CITY_OK = re.compile(r"[^\W\d_][\w .'’-]{0,40}")


def _flag_country(text: str) -> str | None:
    m = _FLAG.search(text)
    if not m:
        return None
    return "".join(chr(ord(c) - 0x1F1E6 + ord("A")) for c in m.groups())


def _country(part: str) -> str | None:
    """A country from one location part: a name, an alias, or an upper-case code."""
    part = part.strip()
    low = part.lower()
    code = _COUNTRY_NAMES.get(low) or _COUNTRY_NAMES.get(low + ".")
    if code and (len(low.replace(".", "")) > 3 or part.isupper()):
        return code
    if len(part) == 2 and part.isupper() and part.isalpha():
        return "GB" if part == "UK" else part if part in _COUNTRIES else None
    return None


def _region(part: str) -> tuple[str, str] | None:
    if len(part) == 2 and part.isupper():
        if part in _US_STATES:
            return part, "US"
        if part in _CA_PROVINCES:
            return part, "CA"
    return _REGION_NAMES.get(part.lower())


def _alias_pattern(aliases: list[str]) -> str:
    return "|".join(re.escape(a) for a in sorted(aliases, key=len, reverse=True))


# Short aliases count only in capitals ("US", not "join us"); "New Mexico" and
# "New South Wales" are not Mexico or Wales.
_SHORT_ALIASES = re.compile(
    rf"(?<![\w.])({_alias_pattern([a.upper() for a in _COUNTRY_NAMES if len(a) <= 3])})(?!\w)")
_LONG_ALIASES = re.compile(
    rf"(?<![\w.])(?<!new\s)(?<!south\s)({_alias_pattern([a for a in _COUNTRY_NAMES if len(a) > 3])})(?!\w)", re.I)


def _scan_country(text: str) -> str | None:
    """The first country named in free text ("US based applicants only", a description's tail)."""
    hits = [m for m in (_SHORT_ALIASES.search(text), _LONG_ALIASES.search(text)) if m]
    if not hits:
        return None
    first = min(hits, key=lambda m: (m.start(), -len(m.group(1))))
    return _COUNTRY_NAMES[first.group(1).lower()]


def _parts(text: str) -> list[str]:
    first = re.split(r"[;|\n]|\s+or\s+|\s+/\s+", text)[0]
    first = _NOISE.sub(" ", first.replace("(", ",").replace(")", ","))
    parts = [re.sub(r"^(?:in|from)\s+", "", p.strip(" .:-–—"), flags=re.I)
             for p in re.split(r",|\s[-–—]\s|^\s*[-–—]|[-–—]\s*$", first)]
    return [p for p in parts if p and p.lower() not in _NOWHERE]


def split_location(text: str | None) -> Location:
    """City / region / country (ISO alpha-2) from a printed location.

    The last part is read as the country when it names one, except that a bare
    two-letter code which is also a US state or Canadian province ("San
    Francisco, CA") is read as the region unless there are three parts
    ("Toronto, ON, CA") or the city is known to be in that country ("Berlin, DE").
    """
    if not isinstance(text, str) or not text.strip():
        return Location(None, None, None)
    flag = _flag_country(text)
    text = _FLAG.sub(" ", text)
    if len(text) > 120:
        return Location(None, None, flag or _scan_country(text))
    parts = _parts(text)
    country, region, city = flag, None, None
    if parts:
        named, sub = _country(parts[-1]), _region(parts[-1])
        if named and sub and len(parts) == 2:
            named = named if _CITY_COUNTRY.get(parts[0].lower()) == named else None
        if named:
            country = country or named
            parts.pop()
    if parts:
        sub = _region(parts[-1])
        if sub and country in (None, sub[1]):
            region, country = sub[0], sub[1]
            parts.pop()
        elif len(parts) >= 2:
            region = parts.pop()
    if parts and _CITY_OK.fullmatch(parts[0]) and len(parts[0].split()) <= 4:
        city = parts[0]
    if country is None and city is None and region is None:
        country = _scan_country(text)
    return Location(city, region, country)


def country_of(text: str | None) -> str | None:
    """Just the ISO alpha-2 country of a location or free text."""
    return split_location(text).country
