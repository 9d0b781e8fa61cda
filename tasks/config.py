"""Configuration in one typed place: the sources file, taxonomy files and NEWSFLOW_* environment variables.

Each is checked by a pydantic model before anything runs: a wrong type ("false" where a boolean belongs, "fast"
where seconds do) or an unknown key is an error, never a default. Every problem is reported at once, one line
each, with the file and line of the key and, for a misspelt key, the spelling meant.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from tasks.fetching.http import DEADLINE, MAX_BODY, RETRIES, USER_AGENT, parse_allow_list
from warehouse.lock import DEFAULT_WAIT_SECONDS  # a writer waits this long for another one's commit

ENV_PREFIX = "NEWSFLOW_"
DASK_ADDRESS = re.compile(r"(?:(?:tcp|tls)://)?(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}")
DEFAULT_NEAR_DUPLICATE_THRESHOLD = 0.6
PAGE_ATTEMPTS = 5  # tries at a page that fails transiently (5xx, timeout, robots.txt 5xx, time budget)


class ConfigError(ValueError):
    """Configuration that cannot be used; the message lists every problem, one line each."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


Seconds = Annotated[float, Field(ge=0)]
Positive = Annotated[int, Field(ge=1)]


class Source(Strict):
    """One `[[sources]]` table: a feed or a sitemap to fetch, a site whose robots.txt lists its sitemaps, or a
    folder to read."""

    name: Annotated[str, Field(min_length=1)]
    feed: str | None = None
    path: str | None = None
    sitemap: str | None = None  # a sitemap, news sitemap or sitemap index
    site: str | None = None  # with `sitemaps = "robots"`: every sitemap the site's robots.txt lists
    sitemaps: Literal["robots"] | None = None
    fetch_pages: bool = True  # fetch the article page behind each entry, or keep the feed's own content
    max_entries: Positive = 100  # new entries taken per run
    enabled: bool = True
    tags: list[str] = Field(default_factory=list)  # labels of your own (an OPML import keeps its folders here)

    @field_validator("feed", "sitemap", "site")
    @classmethod
    def http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL")
        return value

    @model_validator(mode="after")
    def one_kind(self) -> Source:
        if sum(bool(v) for v in (self.feed, self.path, self.sitemap, self.site)) != 1:
            raise ValueError("needs exactly one of `feed`, `sitemap`, `site` or `path`")
        if bool(self.site) != bool(self.sitemaps):
            raise ValueError('`site` goes with `sitemaps = "robots"` (its sitemaps come from its robots.txt)')
        return self

    @property
    def fetch_url(self) -> str | None:
        """What a sources run fetches first: the feed, the sitemap, or the site (for its robots.txt)."""
        return self.feed or self.sitemap or self.site

    @property
    def is_sitemap(self) -> bool:
        return bool(self.sitemap or self.site)


class SourcesConfig(Strict):
    """A sources file: its sources and the fetch settings they share."""

    sources: Annotated[list[Source], Field(validate_default=True)] = []
    allow_private_networks: bool = False
    allow_addresses: list[str] = Field(default_factory=list)  # private addresses and CIDR ranges trusted
    user_agent: Annotated[str, Field(min_length=1)] = USER_AGENT
    min_delay: Seconds = 1.0  # seconds between two requests to one host (a longer Crawl-delay wins)
    max_crawl_delay: Seconds = 30.0
    request_deadline: Annotated[float, Field(gt=0)] = DEADLINE
    retries: Annotated[int, Field(ge=0, le=10)] = RETRIES  # transient failures retried at once, backing off
    max_body_bytes: Positive = MAX_BODY
    run_seconds: Annotated[float, Field(gt=0)] = 900.0  # page fetches stop being started after this
    failures_before_rest: Positive = 3
    page_attempts: Positive = PAGE_ATTEMPTS  # then a page that keeps failing transiently is given up
    feeds_per_batch: Positive = 20

    @field_validator("allow_addresses")
    @classmethod
    def addresses(cls, value: list[str]) -> list[str]:
        parse_allow_list(value)
        return value

    @field_validator("sources")
    @classmethod
    def some_unique_sources(cls, value: list[Source]) -> list[Source]:
        if not value:
            raise ValueError("no sources: add a [[sources]] table with a `name` and a `feed`, `sitemap` or `path`")
        names = [s.name for s in value]
        if duplicates := sorted({n for n in names if names.count(n) > 1}):
            raise ValueError(f"source names must be unique: {', '.join(map(repr, duplicates))} repeat")
        return value


class TopicEntry(Strict):
    code: Annotated[str, Field(min_length=1)]
    label: str | None = None
    parent: str | None = None
    terms: list[str] = Field(default_factory=list)
    strong: list[str] = Field(default_factory=list)
    weak: list[str] = Field(default_factory=list)
    context: list[str] = Field(default_factory=list)


class TaxonomyFile(Strict):
    version: str | None = None
    topic: list[TopicEntry] = Field(default_factory=list)


class WatchEntry(Strict):
    """One watch: a search query (words, "phrases", AND / OR / NOT, +must, -not), and filters that must all hold."""

    name: Annotated[str, Field(min_length=1)]
    query: Annotated[str, Field(min_length=1)]
    topics: list[str] = Field(default_factory=list)  # any of these labels or codes
    places: list[str] = Field(default_factory=list)  # any of these ISO country codes
    sources: list[str] = Field(default_factory=list)  # any of these source names
    webhook: Annotated[str, Field(pattern=r"^https?://\S+$")] | None = None

    @field_validator("query")
    @classmethod
    def query_parses(cls, value: str) -> str:
        from warehouse.search import check_query  # tantivy's own parser says what is wrong

        check_query(value)
        return value


class WatchesFile(Strict):
    watch: list[WatchEntry] = Field(default_factory=list)

    @field_validator("watch")
    @classmethod
    def unique_names(cls, value: list[WatchEntry]) -> list[WatchEntry]:
        names = [w.name for w in value]
        if duplicates := sorted({n for n in names if names.count(n) > 1}):
            raise ValueError(f"watch names must be unique: {', '.join(map(repr, duplicates))} repeat")
        return value


class Settings(Strict):
    """The NEWSFLOW_* environment variables."""

    model_config = ConfigDict(extra="forbid", strict=False)  # environment values are strings, parsed by type

    db: str | None = None
    taxonomy: str = ""  # extra taxonomy files, os.pathsep-separated
    near_duplicate_threshold: Annotated[float, Field(gt=0, le=1)] = DEFAULT_NEAR_DUPLICATE_THRESHOLD
    lock_wait_seconds: Annotated[float, Field(gt=0, allow_inf_nan=False)] = DEFAULT_WAIT_SECONDS
    raw_retention_days: Annotated[float, Field(gt=0, allow_inf_nan=False)] | None = None  # None: keep all
    runs_retention_days: Annotated[float, Field(gt=0, allow_inf_nan=False)] | None = None
    watches: str = "watches.toml"  # the watchlist file; none there means no watches
    engine: Literal["auto", "direct", "prefect"] = "auto"  # how CLI runs run: flows/engine.py
    topic_model: str | None = None  # a topic head from `newsflow topics train` (tasks/tagging/head.py)
    dask_address: str | None = None  # a Dask scheduler: batches are prepared on its cluster (flows/engine.py)

    @field_validator("dask_address")
    @classmethod
    def dask_address_usable(cls, value: str | None) -> str | None:
        if value:
            if not DASK_ADDRESS.fullmatch(value):
                raise ValueError("a Dask scheduler address is tcp://HOST:PORT (or tls://, or HOST:PORT)")
            import importlib.util

            if importlib.util.find_spec("prefect_dask") is None:
                raise ValueError("running on Dask needs prefect-dask: pip install 'newsflow[dask]'")
        return value

    @model_validator(mode="after")
    def dask_needs_prefect(self) -> Settings:
        if self.dask_address and self.engine == "direct":
            raise ValueError("NEWSFLOW_DASK_ADDRESS runs flows under Prefect; it cannot go with NEWSFLOW_ENGINE=direct")
        return self

    @field_validator("topic_model")
    @classmethod
    def topic_model_loads(cls, value: str | None) -> str | None:
        if value:
            from tasks.tagging.head import HeadError, check_head

            path = Path(value).expanduser()
            if not path.is_file():
                raise ValueError(f"no topic model at {value}")
            try:
                check_head(str(path), path.stat().st_mtime_ns)
            except HeadError as error:
                raise ValueError(str(error)) from None
        return value

    @field_validator("taxonomy")
    @classmethod
    def taxonomy_files_exist(cls, value: str) -> str:
        missing = [p for p in value.split(os.pathsep) if p and not Path(p).expanduser().is_file()]
        if missing:
            raise ValueError(f"no taxonomy file at {', '.join(missing)}")
        return value

    @property
    def taxonomy_files(self) -> list[Path]:
        return [Path(p).expanduser() for p in self.taxonomy.split(os.pathsep) if p]


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """The NEWSFLOW_* variables, checked (an unknown one is an error, with the name meant)."""
    environ = os.environ if environ is None else environ
    values = {k[len(ENV_PREFIX) :].lower(): v for k, v in environ.items() if k.startswith(ENV_PREFIX)}
    values = {k: v for k, v in values.items() if v != "" or k == "taxonomy"}
    try:
        return Settings(**values)
    except ValidationError as error:
        lines = [describe_env(item) for item in error.errors()]
        raise ConfigError("\n".join(lines)) from None


def describe_env(item: dict) -> str:
    if not item["loc"]:  # a check across variables
        return f"environment: {clean_message(item['msg'])}"
    key = str(item["loc"][0])
    name = ENV_PREFIX + key.upper()
    if item["type"] == "extra_forbidden":
        known = [ENV_PREFIX + field.upper() for field in Settings.model_fields]
        return f"environment: {name}: unknown variable{did_you_mean(name, known)}"
    return f"environment: {name}={item.get('input')!r}: {clean_message(item['msg'])}"


def read_toml(path: Path, kind: str) -> tuple[str, dict]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"no {kind} at {path}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read {kind} {path}: {error}") from None
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path} is not valid TOML: {error}") from None


def load_sources_file(path: str | os.PathLike) -> SourcesConfig:
    """Read and check a sources file; relative `path` entries are taken from the file's folder."""
    path = Path(path)
    text, data = read_toml(path, "sources file")
    try:
        config = SourcesConfig(**data)
    except ValidationError as error:
        raise ConfigError(format_errors(path, text, error, SourcesConfig, SOURCES_TABLES)) from None
    for source in config.sources:
        if source.path and not Path(source.path).expanduser().is_absolute():
            source.path = str((path.parent / source.path).resolve())
    return config


def check_taxonomy_file(path: Path) -> TaxonomyFile:
    text, data = read_toml(path, "taxonomy file")
    try:
        return TaxonomyFile(**data)
    except ValidationError as error:
        raise ConfigError(format_errors(path, text, error, TaxonomyFile, TAXONOMY_TABLES)) from None


def load_watches_file(path: str | os.PathLike | None = None) -> WatchesFile:
    """The watchlist file ($NEWSFLOW_WATCHES, else ./watches.toml), checked; no file means no watches."""
    path = Path(path or load_settings().watches).expanduser()
    if not path.exists():
        return WatchesFile()
    text, data = read_toml(path, "watchlist file")
    try:
        return WatchesFile(**data)
    except ValidationError as error:
        raise ConfigError(format_errors(path, text, error, WatchesFile, WATCH_TABLES)) from None


WATCH_TABLES = {"watch": ("[[watch]]", WatchEntry)}
SOURCES_TABLES = {"sources": ("[[sources]]", Source)}
TAXONOMY_TABLES = {"topic": ("[[topic]]", TopicEntry)}


def format_errors(path: Path, text: str, error: ValidationError, root: type[BaseModel], tables: dict) -> str:
    """One line a problem: `file:line: where: what (did you mean …?)`; `tables` maps an array-of-tables key of
    `root` to its header and model."""
    lines: list[tuple[int, str]] = []
    for item in error.errors():
        loc = list(item["loc"])
        model, where, line = root, [], None
        if len(loc) >= 2 and loc[0] in tables and isinstance(loc[1], int):
            header, model = tables[loc[0]]
            where.append(f"{header} #{loc[1] + 1}")
            line = table_line(text, header, loc[1])
            loc = loc[2:]
        key = str(loc[0]) if loc else ""
        if key:
            where.append(key)
            line = key_line(text, key, after=line or 0) or line
        message = clean_message(item["msg"])
        if item["type"] == "extra_forbidden":
            message = f"unknown key{did_you_mean(key, list(model.model_fields))}"
        elif item["type"] not in ("missing", "value_error"):
            message += f" (got {item.get('input')!r})"
        place = f"{path}:{line}" if line else str(path)
        lines.append((line or 0, f"{place}: {' '.join(where) + ': ' if where else ''}{message}"))
    return "\n".join(text for _, text in sorted(lines, key=lambda pair: pair[0]))


def table_line(text: str, header: str, index: int) -> int | None:
    """The line of the `index`-th (0-based) `[[name]]` header."""
    found = [n for n, line in enumerate(text.splitlines(), 1) if line.strip().startswith(header)]
    return found[index] if index < len(found) else None


def key_line(text: str, key: str, after: int = 0) -> int | None:
    pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    for number, line in enumerate(text.splitlines(), 1):
        if number > after and pattern.match(line):
            return number
    return None


def did_you_mean(key: str, known: list[str]) -> str:
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    return f" (did you mean `{close[0]}`?)" if close else ""


def clean_message(message: str) -> str:
    return message.removeprefix("Value error, ").replace("Input should be", "should be")
