"""Employment type, seniority, titles, tags and team lists."""
from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from .text import clean_text

_EMPLOYMENT = [
    ("internship", r"intern(?:ship)?s?|co-?op|trainee(?:ship)?|apprentice(?:ship)?|werkstudent"),
    ("volunteer", r"volunteer(?:ing)?"),
    ("per_diem", r"per\s*diem|prn"),
    ("contract", r"contract(?:or|ors)?|freelance(?:r)?|consultant|consulting|c2c|1099|contract\s+to\s+hire"),
    ("temporary", r"temporary|temp|seasonal|fixed\s+term"),
    ("part_time", r"part\s*time"),
    ("full_time", r"full\s*time|permanent|regular|ft|cdi"),
    ("other", r"other"),
]
_EMPLOYMENT_RES = [(kind, re.compile(rf"\b(?:{rx})\b", re.I)) for kind, rx in _EMPLOYMENT]

# Checked in order: the first hit wins, so "Senior Director" is a director and
# "Lead / Manager" (a board facet) is a lead.
_ROLE_MANAGER = (r"(?<!product\s)(?<!project\s)(?<!program\s)(?<!account\s)(?<!community\s)(?<!office\s)"
                 r"(?<!success\s)(?<!marketing\s)(?<!partner\s)(?<!case\s)(?<!media\s)(?<!brand\s)")
_SENIORITY = [
    ("intern", r"intern(?:ship)?s?|co-?op|werkstudent"),
    ("executive", r"vp|svp|evp|vice\s+president|chief\s+\w+(?:\s+\w+)?\s+officer|c-level|c-suite|"
                  r"ceo|cto|cfo|coo|cio|ciso|cmo|cpo|cro|president|"
                  r"(?<!account\s)(?<!sales\s)executive(?!\s+assistant)"),
    ("director", r"director|head\s+of"),
    ("principal", r"principal|distinguished|fellow"),
    ("staff", r"staff(?=\s+\w*\s*(?:engineer|scientist|developer|designer|architect|analyst|researcher)|\s*$)"),
    ("lead", r"lead|leader|tech\s+lead|team\s+lead"),
    ("manager", _ROLE_MANAGER + r"manager|management|mgr"),
    ("senior", r"senior|sr\.?|mid-senior(?:\s+level)?|snr"),
    ("mid", r"mid(?:dle)?(?:[\s-]+level)?|intermediate|experienced"),
    ("junior", r"junior|jr\.?|entry(?:[\s-]+level)?|graduate|new\s+grad|associate|beginner"),
]
_SENIORITY_RES = [(kind, re.compile(rf"(?<![\w-])(?:{rx})(?![\w-])", re.I)) for kind, rx in _SENIORITY]

_ABBREVIATIONS = [
    (re.compile(r"\bSr\b\.?", re.I), "Senior"),
    (re.compile(r"\bJr\b\.?", re.I), "Junior"),
    (re.compile(r"\bEng\b\.?(?=\s+(?:Manager|Director|Lead|Team|Mgr)\b)", re.I), "Engineering"),
    (re.compile(r"\bEng\b\.?", re.I), "Engineer"),
    (re.compile(r"\bMgr\b\.?", re.I), "Manager"),
    (re.compile(r"\bSWE\b"), "Software Engineer"),
]
# Trailing noise that differs between boards for the same job.
_TITLE_FILLER = re.compile(
    r"(?:\s*[-–—|,:/]\s*|\s*\(\s*|\s+)(?:fully\s+|100%\s+)?(?:remote|hybrid|on-?site)"
    r"(?:\s*[-–,(/]?\s*(?:us|usa|uk|eu|emea|apac|latam|canada|europe|worldwide|anywhere|global|[a-z]{2}))?\s*\)?\s*$"
    r"|\s*\(\s*(?:[mfwdxh]\s*/\s*)+[mfwdxh]\s*\)\s*$|\s*\(\s*(?:all\s+genders?|mwd|fmx|div)\s*\)\s*$",
    re.I,
)


def employment_type(text: str | None) -> str | None:
    """full_time | part_time | contract | internship | temporary | volunteer | per_diem | other."""
    if not isinstance(text, str):
        return None
    # "FULL_TIME", "FullTime", "full-time" all become "full time".
    words = re.sub(r"([a-z])([A-Z])", r"\1 \2", text).replace("_", " ").replace("-", " ")
    for kind, rx in _EMPLOYMENT_RES:
        if rx.search(words):
            return kind
    return None


def seniority(text: str | None) -> str | None:
    """Seniority from a board facet or a title; None when nothing says it.

    "Manager" after product/project/program/account... names a role, not a
    level, so it is skipped. Roman-numeral levels (II, III) are not mapped:
    their meaning varies by employer.
    """
    if not isinstance(text, str):
        return None
    words = text.replace("_", " ")
    for kind, rx in _SENIORITY_RES:
        if rx.search(words):
            return kind
    return None


def normalize_title(title: str | None) -> str | None:
    """Display title with abbreviations expanded ("Sr." -> "Senior"); case otherwise kept."""
    if not isinstance(title, str):
        return None
    cleaned = clean_text(title)  # also decodes entities ("R&amp;D")
    for rx, full in _ABBREVIATIONS:
        cleaned = rx.sub(full, cleaned)
    cleaned = " ".join(cleaned.split())
    return cleaned or None


def title_key(title: str | None) -> str:
    """A comparison key: expanded, case-folded, punctuation and workplace suffixes dropped."""
    cleaned = normalize_title(title)
    if not cleaned:
        return ""
    key = cleaned.casefold().replace("’", "'").replace("‘", "'")
    for _ in range(2):  # "Engineer (Remote) (m/f/d)"
        key = _TITLE_FILLER.sub("", key)
    key = key.replace("&", " and ").replace("'", "")
    key = re.sub(r"[^\w+#]+", " ", key)
    return " ".join(key.split())


_VOCABULARY = frozenset("""
python java go golang rust ruby rails php perl scala kotlin swift objectivec c cpp csharp dotnet net
javascript typescript js ts node nodejs react reactjs reactnative angular vue vuejs svelte nextjs nuxt
jquery html css sass tailwind django flask fastapi spring springboot laravel symfony express graphql
rest restapi restful api apis grpc websocket websockets microservices backend frontend fullstack
devops sre mlops dataops devsecops cloud aws gcp azure kubernetes k8s docker terraform ansible
linux unix bash shell git ci cd cicd jenkins github gitlab sql nosql mysql postgres postgresql
mongodb redis kafka rabbitmq elasticsearch cassandra dynamodb snowflake bigquery redshift spark
hadoop airflow dbt etl pandas numpy pytorch tensorflow keras scikit ai ml llm llms nlp genai
machinelearning deeplearning computervision vision data analytics analyst bi tableau looker powerbi
excel statistics science scientist research engineering engineer software developer development
product design designer ux ui figma mobile ios android web security cybersecurity infosec network
networking infrastructure platform systems embedded firmware hardware electrical mechanical robotics
blockchain crypto web3 fintech saas ecommerce marketing sales support customer success operations
finance accounting legal hr recruiting recruiter people content writing copywriting seo video
qa testing test automation quality agile scrum management manager lead senior junior architect
architecture distributed scalability performance observability monitoring reliability storage
database databases caching search ads payments healthcare education gaming games game unity unreal
""".split())


def _clean_tag(tag: str) -> str:
    return " ".join(tag.strip().lstrip("#").strip(" \t'\"()[]{}<>.,;:!?").lower().split())


@lru_cache(maxsize=1024)
def _glued(word: str, vocabulary: frozenset[str]) -> tuple[str, ...] | None:
    """Split a run like "pythonjavago" into vocabulary words, longest match first,
    backtracking when a longer match leaves an unsplittable rest."""
    longest = max((len(w) for w in vocabulary), default=0)
    memo: dict[int, tuple[str, ...] | None] = {len(word): ()}

    def split_from(i: int) -> tuple[str, ...] | None:
        if i in memo:
            return memo[i]
        memo[i] = None
        for j in range(min(len(word), i + longest), i + 1, -1):  # pieces of two letters or more
            piece = word[i:j]
            if piece in vocabulary:
                rest = split_from(j)
                if rest is not None:
                    memo[i] = (piece,) + rest
                    break
        return memo[i]

    result = split_from(0)
    return result if result and len(result) > 1 else None


def split_tags(text_or_list: str | Iterable[str] | None, vocabulary: Iterable[str] | None = None) -> list[str]:
    """Tags from a list, a separated string, or one glued run of known words.

    A given `vocabulary` replaces the built-in one for splitting glued runs.
    """
    if text_or_list is None:
        return []
    if isinstance(text_or_list, str):
        text = text_or_list.strip()
        if re.search(r"[,|;]", text):
            raw = re.split(r"[,|;]", text)
        elif re.search(r"\s", text):
            raw = text.split()
        else:
            vocab = frozenset(_clean_tag(w) for w in vocabulary if isinstance(w, str)) if vocabulary is not None \
                else _VOCABULARY
            word = _clean_tag(text)
            parts = None if word in vocab or not word.isalpha() or len(word) > 200 else _glued(word, vocab)
            raw = list(parts) if parts else [text]
    else:
        try:
            raw = [t for t in text_or_list if isinstance(t, str)]
        except TypeError:
            return []
    out: list[str] = []
    for tag in raw:
        tag = _clean_tag(tag)
        if tag and tag not in out:
            out.append(tag)
    return out


_BULLET = re.compile(r"^\s*(?:[•●▪◦·‣∙*\-–]|\d{1,2}[.)])\s+")
_TEAMS_WORD = re.compile(r"\bteams?\b", re.I)


def _is_team_name(item: str) -> bool:
    # Team names are short noun phrases; sentences end with punctuation.
    return bool(item) and len(item) <= 80 and len(item.split()) <= 8 and not re.search(r"[.!?;]$", item)


def teams(text: str | None) -> list[str]:
    """Team names listed under headings that mention teams ("Backend Core
    Engineering teams:"). A bullet ending in ":" starts a new group; sentence
    bullets are skipped. Lists without bullet marks end at the first blank line.
    """
    if not isinstance(text, str):
        return []
    found: list[str] = []
    in_group = bulleted = False
    seen_item = False
    for raw in text.splitlines():
        line = raw.strip()
        is_bullet = bool(_BULLET.match(line))
        item = _BULLET.sub("", line).strip()
        if item.endswith(":") and _TEAMS_WORD.search(item) and len(item.split()) <= 10:
            in_group, seen_item = True, False
            bulleted = is_bullet  # a heading given as a bullet keeps the bullet mode
            continue
        if not in_group:
            continue
        if not line:
            if seen_item and not bulleted:
                in_group = False
            continue
        if not seen_item:
            bulleted = is_bullet
        if bulleted and not is_bullet:
            in_group = False
            continue
        if item.endswith(":"):
            in_group = False  # a new, non-team group
            continue
        seen_item = True
        if _is_team_name(item) and item not in found:
            found.append(item)
        elif not bulleted:
            in_group = False
    return found
