"""The YAML config: pydantic models, `${ENV}` substitution, errors that name the key and line."""
from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError,
                      field_validator, model_validator)

from crawler.normalize.workplace import country_of
from crawler.posting import MEANINGFUL_FIELDS
from crawler.spiders import SPIDERS, selectors
from notify.render import TemplateSpec, check as check_template


class ConfigError(Exception):
    """A config that cannot be used; the message names the key (and line) at fault."""


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d|w)?\s*$", re.I)
_UNIT = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(value: Any) -> timedelta:
    """`90`, `90s`, `15m`, `1h`, `30d`, `2w` → timedelta."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return timedelta(seconds=value)
    match = _DURATION.match(str(value))
    if not match:
        raise ValueError(f"not a duration: {value!r} (use e.g. 90s, 15m, 1h, 30d)")
    return timedelta(seconds=float(match.group(1)) * _UNIT[(match.group(2) or "s").lower()])


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Schedule(Strict):
    every: Duration | None = None
    cron: str | None = None
    jitter: Duration | None = None

    @model_validator(mode="after")
    def one_trigger(self) -> "Schedule":
        if (self.every is None) == (self.cron is None):
            raise ValueError("give exactly one of 'every' or 'cron'")
        if self.cron is not None:
            from apscheduler.triggers.cron import CronTrigger
            try:
                CronTrigger.from_crontab(self.cron)
            except ValueError as exc:
                raise ValueError(f"bad cron expression {self.cron!r}: {exc}") from None
        if self.every is not None and self.every.total_seconds() <= 0:
            raise ValueError("'every' must be positive")
        return self

    def as_dict(self) -> dict[str, Any]:
        return {k: (v.total_seconds() if isinstance(v, timedelta) else v)
                for k, v in self.model_dump().items() if v is not None}


def _selector(value: str | None) -> str | None:
    if value is not None:
        selectors.spec(value)
    return value


Selector = Annotated[str, AfterValidator(_selector)]


class Listing(Strict):
    links: Selector | None = None  # posting links on a listing page
    next: Selector | None = None   # the next listing page's link


class FieldSelector(Strict):
    css: str | None = None
    xpath: str | None = None
    regex: str | None = None  # keeps group `value`, else group 1, else the whole match

    @model_validator(mode="before")
    @classmethod
    def from_string(cls, value: Any) -> Any:
        """The plain form: one selector string, XPath when it starts with `/`, `./` or `(`."""
        if isinstance(value, str):
            return {"xpath" if selectors.is_xpath(value) else "css": value}
        if not isinstance(value, dict):
            raise ValueError("a field is a selector string, or {css: ..., regex: ...} / {xpath: ..., regex: ...}")
        return value

    @model_validator(mode="after")
    def valid(self) -> "FieldSelector":
        selectors.spec(self.model_dump(exclude_none=True))
        return self


class Source(Strict):
    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    kind: str
    board: str | None = None
    company: str | None = None
    base_url: str | None = None
    start_urls: list[str] = []
    sitemap_urls: list[str] = []
    follow: str | None = None  # regex: links to posting pages (jsonld)
    listing: Listing | None = None
    fields: dict[str, FieldSelector] = {}
    search: str | None = None  # workday search text
    facets: dict[str, list[str]] = {}  # workday appliedFacets
    page_size: int | None = Field(default=None, ge=1)
    schedule: Schedule = Schedule(every=timedelta(hours=1))
    timeout: Duration = timedelta(minutes=10)
    robots: bool | None = None
    ignore_fields: list[str] = []
    notify_on_first_run: bool = False
    enabled: bool = True
    settings: dict[str, Any] = {}  # raw Scrapy setting overrides, for experts

    @field_validator("kind")
    @classmethod
    def known_kind(cls, kind: str) -> str:
        if kind not in SPIDERS:
            raise ValueError(f"unknown kind {kind!r}; known kinds: {', '.join(sorted(SPIDERS))}")
        return kind

    @field_validator("fields")
    @classmethod
    def known_fields(cls, fields: dict[str, Any]) -> dict[str, Any]:
        unknown = [name for name in fields if name not in selectors.FIELD_NAMES]
        if unknown:
            raise ValueError(f"unknown field(s) {', '.join(map(repr, unknown))}; "
                             f"fields: {', '.join(selectors.FIELD_NAMES)}")
        return fields

    @field_validator("ignore_fields")
    @classmethod
    def meaningful_fields(cls, names: list[str]) -> list[str]:
        unknown = [n for n in names if n not in MEANINGFUL_FIELDS]
        if unknown:
            raise ValueError(f"{', '.join(map(repr, unknown))}: only fields that can make an `updated` "
                             f"event can be ignored: {', '.join(MEANINGFUL_FIELDS)}")
        return names

    @field_validator("follow")
    @classmethod
    def follow_regex(cls, follow: str | None) -> str | None:
        if follow is not None:
            try:
                re.compile(follow)
            except re.error as exc:
                raise ValueError(f"bad regex {follow!r}: {exc}") from None
        return follow

    @model_validator(mode="after")
    def kind_requirements(self) -> "Source":
        missing = [key for key in SPIDERS[self.kind].requires if not getattr(self, key)]
        if missing:
            raise ValueError(f"a {self.kind} source needs {', '.join(repr(m) for m in missing)}")
        SPIDERS[self.kind].check_options(self.spider_options())
        return self

    def spider_options(self) -> dict[str, Any]:
        """What the spider sees: the source's own keys, nothing about scheduling or alerts."""
        return self.model_dump(mode="json", exclude={"name", "kind", "schedule", "timeout", "robots",
                                                     "ignore_fields", "notify_on_first_run", "enabled",
                                                     "settings"}, exclude_none=True)


class Identity(Strict):
    """Cross-board matching thresholds (rapidfuzz scores, 0–100)."""
    strong_similarity: float = Field(default=95.0, ge=0, le=100)
    possible_similarity: float = Field(default=60.0, ge=0, le=100)


class Detection(Strict):
    closed_after_missed_runs: int = Field(default=2, ge=1)
    stale_after: Duration = timedelta(days=30)
    identity: Identity = Identity()


class Crawl(Strict):
    user_agent: str = "hirewatch/0.1 (job-posting monitor)"
    contact: str | None = None  # a URL or address put in the User-Agent, so board owners can reach you
    obey_robots: bool = True
    autothrottle: bool = True
    concurrent_requests_per_domain: int = Field(default=2, ge=1)
    download_delay: float = Field(default=0.0, ge=0)
    download_timeout: float = Field(default=30.0, gt=0)
    retry_times: int = Field(default=2, ge=0)
    http_cache: bool = True
    cache_dir: Path | None = None


class Health(Strict):
    host: str = "127.0.0.1"
    port: int = Field(default=9464, ge=0, le=65535)  # 0: any free port


class Daemon(Strict):
    workers: int = Field(default=4, ge=1)  # sources that may crawl at the same time
    grace: Duration = timedelta(seconds=30)  # at shutdown, how long a running crawl may finish
    deliver_every: Duration = timedelta(seconds=30)  # how often the outbox retries pending alerts
    health: Health | None = None  # /healthz and /metrics; off unless set
    log_format: Literal["text", "json"] = "text"


class Retention(Strict):
    """How long history is kept (`hirewatch db prune`); unset keeps it forever. A posting's latest
    version, and events an unsent alert still needs, are always kept."""
    versions: Duration | None = None
    events: Duration | None = None

    @field_validator("versions", "events")
    @classmethod
    def at_least_a_day(cls, age: timedelta | None) -> timedelta | None:
        if age is not None and age < timedelta(days=1):
            raise ValueError("keep at least 1d, so digests can still collect their events")
        return age


class Template(Strict):
    """Jinja2 overrides of an alert (the defaults are in notify/templates/). Every value from a board is
    escaped for `format`, the format the body is written in."""
    format: Literal["text", "markdown", "html"] = "text"
    title: str | None = None
    body: str | None = None
    body_file: Path | None = None  # relative to the config file

    @model_validator(mode="after")
    def renders(self) -> "Template":
        if self.body is not None and self.body_file is not None:
            raise ValueError("give 'body' or 'body_file', not both")
        if self.body_file is None:  # a file is checked once it is read (Notify.load_files)
            check_template(self.spec())
        return self

    def spec(self) -> TemplateSpec:
        return TemplateSpec(format=self.format, title=self.title, body=self.body)


class Channel(Strict):
    url: str | None = None  # any Apprise URL
    config: str | None = None  # or an Apprise config file (YAML or TEXT; a path relative to this file, or a URL)
    tags: list[str] = []  # with `config`: only its services with one of these tags
    template: Template | None = None

    @model_validator(mode="before")
    @classmethod
    def plain_url(cls, value: Any) -> Any:
        return {"url": value} if isinstance(value, str) else value

    @model_validator(mode="after")
    def one_target(self) -> "Channel":
        if (self.url is None) == (self.config is None):
            raise ValueError("give exactly one of 'url' (an Apprise URL) or 'config' (an Apprise config file)")
        if self.tags and self.config is None:
            raise ValueError("'tags' select services of an Apprise config file: give 'config' too")
        return self


EventKind = Literal["new", "also_posted", "updated", "stale", "closed", "reopened", "source_health"]


def _token(value: Any) -> Any:
    return re.sub(r"[\s-]+", "_", value.strip().lower()) if isinstance(value, str) else value


def _country(value: str) -> str:
    code = country_of(value) or country_of(value.upper())
    if code is None:
        raise ValueError(f"unknown country {value!r}; use an ISO code such as US or DE, or a country name")
    return code


EmploymentType = Annotated[Literal["full_time", "part_time", "contract", "internship", "temporary", "volunteer",
                                   "per_diem", "other"], BeforeValidator(_token)]
Seniority = Annotated[Literal["intern", "junior", "mid", "senior", "staff", "principal", "lead", "manager",
                              "director", "executive"], BeforeValidator(_token)]
Country = Annotated[str, AfterValidator(_country)]


class Filter(Strict):
    keywords: list[str] = []
    keywords_mode: Literal["any", "all"] = "any"
    keywords_in: list[Literal["title", "description"]] = Field(default=["title", "description"], min_length=1)
    exclude_keywords: list[str] = []
    companies: list[str] = []
    sources: list[str] = []
    locations: list[str] = []
    countries: list[Country] = []
    workplace: list[Literal["remote", "hybrid", "onsite"]] = []
    employment_types: list[EmploymentType] = []
    seniority: list[Seniority] = []
    salary_min: float | None = Field(default=None, ge=0)
    require_salary: bool = False
    max_age: Duration | None = None


class Subscription(Strict):
    name: str
    channels: list[str] = Field(min_length=1)
    events: list[EventKind] = Field(default=["new", "updated", "closed", "reopened"], min_length=1)
    filter: Filter = Filter()
    mode: Literal["instant", "digest"] = "instant"
    digest: Schedule | None = None
    template: Template | None = None

    @model_validator(mode="after")
    def digest_schedule(self) -> "Subscription":
        if self.mode == "digest" and self.digest is None:
            raise ValueError("a digest subscription needs 'digest: {cron: ...}' or 'digest: {every: ...}'")
        if self.mode == "instant" and self.digest is not None:
            raise ValueError("'digest' is a schedule for mode: digest")
        return self


class Notify(Strict):
    channels: dict[str, Channel] = {}
    subscriptions: list[Subscription] = []
    max_attempts: int = Field(default=5, ge=1)
    retry_backoff: Duration = timedelta(seconds=30)
    max_per_message: int = Field(default=20, ge=1)

    @model_validator(mode="after")
    def channels_exist(self) -> "Notify":
        seen: set[str] = set()
        for sub in self.subscriptions:
            unknown = [c for c in sub.channels if c not in self.channels]
            if unknown:
                raise ValueError(f"subscription {sub.name!r} names unknown channel(s): {', '.join(unknown)}")
            if sub.name in seen:
                raise ValueError(f"two subscriptions are named {sub.name!r}")
            seen.add(sub.name)
        return self

    def load_files(self, base_dir: Path, config_name: str) -> None:
        """Read template files and anchor Apprise config paths at the config file's folder."""
        for where, template in self._templates():
            if template.body_file is None:
                continue
            path = template.body_file if template.body_file.is_absolute() else base_dir / template.body_file
            try:
                template.body = path.read_text(encoding="utf-8")
                check_template(template.spec())
            except OSError as exc:
                raise ConfigError(f"{config_name}: '{where}.body_file': cannot read {path}: {exc.strerror}") from None
            except ValueError as exc:
                raise ConfigError(f"{config_name}: '{where}.body_file' ({path}): {exc}") from None
        for name, channel in self.channels.items():
            if channel.config and "://" not in channel.config:
                path = Path(channel.config) if Path(channel.config).is_absolute() else base_dir / channel.config
                if not path.is_file():
                    raise ConfigError(f"{config_name}: 'notify.channels.{name}.config': no such file {path}")
                channel.config = str(path)

    def _templates(self) -> list[tuple[str, Template]]:
        found = [(f"notify.channels.{n}.template", c.template) for n, c in self.channels.items() if c.template]
        found += [(f"notify.subscriptions[{i}].template", s.template)
                  for i, s in enumerate(self.subscriptions) if s.template]
        return found


class NodeAuth(Strict):
    username: str
    password: str  # use ${ENV}: the node's scrapyd.conf username/password


class ScrapydNode(Strict):
    url: str
    auth: NodeAuth | None = None

    @model_validator(mode="before")
    @classmethod
    def plain_url(cls, value: Any) -> Any:
        return {"url": value} if isinstance(value, str) else value

    @field_validator("url")
    @classmethod
    def http_url(cls, url: str) -> str:
        if not re.match(r"^https?://[^/\s]+", url):
            raise ValueError(f"not a Scrapyd URL: {url!r} (use e.g. http://10.0.0.5:6800)")
        return url.rstrip("/")


class Runner(Strict):
    """Where crawls run: child processes on this machine, or Scrapyd nodes."""
    kind: Literal["local", "scrapyd"] = "local"
    nodes: list[ScrapydNode] = []
    project: str = Field(default="hirewatch", pattern=r"^[A-Za-z0-9_-]+$")  # the Scrapyd project name
    poll: Duration = timedelta(seconds=2)  # how often a node is asked about a running crawl
    cache_dir: str | None = None  # HTTP cache folder on each node (a node-side path); unset: no cache there

    @model_validator(mode="after")
    def nodes_for_scrapyd(self) -> "Runner":
        if self.kind == "scrapyd" and not self.nodes:
            raise ValueError("a scrapyd runner needs 'nodes' (e.g. [http://10.0.0.5:6800])")
        if self.kind == "local" and (self.nodes or self.cache_dir):
            raise ValueError("'nodes' and 'cache_dir' are for kind: scrapyd")
        if self.poll.total_seconds() <= 0:
            raise ValueError("'poll' must be positive")
        urls = [node.url for node in self.nodes]
        if len(set(urls)) != len(urls):
            raise ValueError("a node is listed twice")
        return self


class Config(Strict):
    database: Path = Path("hirewatch.db")
    sources: list[Source] = []
    detection: Detection = Detection()
    crawl: Crawl = Crawl()
    notify: Notify = Notify()
    daemon: Daemon = Daemon()
    retention: Retention = Retention()
    runner: Runner = Runner()

    @model_validator(mode="after")
    def unique_names(self) -> "Config":
        seen: set[str] = set()
        for source in self.sources:
            if source.name in seen:
                raise ValueError(f"two sources are named {source.name!r}")
            seen.add(source.name)
        return self

    def source(self, name: str) -> Source:
        for source in self.sources:
            if source.name == name:
                return source
        raise ConfigError(f"no source named {name!r}; sources: {', '.join(s.name for s in self.sources)}")


# -- loading ------------------------------------------------------------------------------------

_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


def substitute(value: str, where: str) -> str:
    def repl(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        if name in os.environ:
            return os.environ[name]
        if default is not None:
            return default
        raise ConfigError(f"{where}: environment variable {name} is not set")
    return _ENV.sub(repl, value)


def _expand(data: Any, path: tuple[Any, ...] = ()) -> Any:
    if isinstance(data, dict):
        return {k: _expand(v, path + (k,)) for k, v in data.items()}
    if isinstance(data, list):
        return [_expand(v, path + (i,)) for i, v in enumerate(data)]
    if isinstance(data, str) and "${" in data:
        return substitute(data, _dotted(path))
    return data


def _dotted(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _line(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """The line of the deepest YAML node on the error's path (for an unknown key, the key itself)."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == part:
                    line, node = key.start_mark.line + 1, value
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def _describe(error: dict[str, Any], root: yaml.Node | None, source_name: str) -> str:
    loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    line = _line(root, loc)
    where = f"{source_name}:{line}: " if line else f"{source_name}: "
    if error["type"] == "extra_forbidden":
        return f"{where}unknown key '{_dotted(loc)}'"
    if error["type"] == "missing":
        return f"{where}missing required key '{_dotted(loc)}'"
    message = error["msg"].removeprefix("Value error, ")
    return f"{where}'{_dotted(loc)}': {message}"


def loads(text: str, name: str = "<config>", base_dir: Path | None = None) -> Config:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{name}:{mark.line + 1}" if mark else name
        raise ConfigError(f"{where}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{name}: the config must be a mapping of keys (database, sources, notify, ...)")
    try:
        config = Config.model_validate(_expand(data))
    except ValidationError as exc:
        raise ConfigError("\n".join(_describe(e, root, name) for e in exc.errors())) from None
    if base_dir is not None and not config.database.is_absolute():
        config.database = base_dir / config.database
    config.notify.load_files(base_dir or Path.cwd(), name)
    return config


def load(path: str | Path | None = None) -> Config:
    """Load the config from PATH, else $HIREWATCH_CONFIG, else ./config.yaml."""
    path = Path(path or os.environ.get("HIREWATCH_CONFIG") or "config.yaml")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such config file (pass --config PATH or set HIREWATCH_CONFIG; "
                          f"config.example.yaml is a start)") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    return loads(text, str(path), path.resolve().parent)
