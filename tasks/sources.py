"""The sources file (TOML): feeds to fetch and folders to read, with per-source options."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from tasks.http import DEADLINE, MAX_BODY, USER_AGENT, parse_allow_list


class SourcesError(ValueError):
    """The sources file is missing, not TOML, or names an option wrongly."""


@dataclass(slots=True)
class Source:
    name: str
    feed: str | None = None
    path: str | None = None
    fetch_pages: bool = True  # fetch the article page behind each entry, or keep the feed's own content
    max_entries: int = 100  # new entries taken per run
    enabled: bool = True


@dataclass(slots=True)
class SourcesConfig:
    sources: list[Source]
    allow_private_networks: bool = False
    allow_addresses: list[str] = field(default_factory=list)  # private addresses and CIDR ranges trusted
    user_agent: str = USER_AGENT
    min_delay: float = 1.0  # seconds between two requests to one host (a longer Crawl-delay wins)
    max_crawl_delay: float = 30.0
    request_deadline: float = DEADLINE
    max_body_bytes: int = MAX_BODY
    run_seconds: float = 900.0  # page fetches stop being started after this; entries keep feed content
    failures_before_rest: int = 3
    path: str = ""
    feeds_per_batch: int = 20


SOURCE_KEYS = {"name", "feed", "path", "fetch_pages", "max_entries", "enabled"}
TOP_KEYS = {
    "sources", "allow_private_networks", "allow_addresses", "user_agent", "min_delay", "max_crawl_delay",
    "request_deadline",
    "max_body_bytes", "run_seconds", "failures_before_rest", "feeds_per_batch",
}  # fmt: skip


def load_sources(path: str | Path) -> SourcesConfig:
    """Read and check a sources file; relative `path` entries are taken from the file's folder."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise SourcesError(f"no sources file at {path}") from error
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise SourcesError(f"{path} is not valid TOML: {error}") from error
    unknown = set(data) - TOP_KEYS
    if unknown:
        raise SourcesError(f"{path}: unknown setting(s) {', '.join(sorted(unknown))}")
    sources = []
    for number, entry in enumerate(data.get("sources", []), start=1):
        sources.append(parse_source(entry, number, path))
    names = [s.name for s in sources]
    if len(set(names)) != len(names):
        raise SourcesError(f"{path}: source names must be unique")
    try:
        parse_allow_list(data.get("allow_addresses", []))
    except (ValueError, TypeError) as error:
        raise SourcesError(f"{path}: allow_addresses: {error}") from None
    options = {k: v for k, v in data.items() if k != "sources"}
    try:
        config = SourcesConfig(sources=sources, path=str(path), **options)
    except TypeError as error:
        raise SourcesError(f"{path}: {error}") from error
    return config


def parse_source(entry: object, number: int, path: Path) -> Source:
    if not isinstance(entry, dict):
        raise SourcesError(f"{path}: [[sources]] #{number} is not a table")
    unknown = set(entry) - SOURCE_KEYS
    if unknown:
        raise SourcesError(f"{path}: [[sources]] #{number} has unknown key(s) {', '.join(sorted(unknown))}")
    if not entry.get("name"):
        raise SourcesError(f"{path}: [[sources]] #{number} needs a name")
    if bool(entry.get("feed")) == bool(entry.get("path")):
        raise SourcesError(f"{path}: source {entry['name']!r} needs exactly one of `feed` or `path`")
    source = Source(**entry)
    if source.path and not Path(source.path).expanduser().is_absolute():
        source.path = str((path.parent / source.path).resolve())
    if source.feed and not source.feed.startswith(("http://", "https://")):
        raise SourcesError(f"{path}: source {source.name!r}: feed must be an http(s) URL")
    if not isinstance(source.max_entries, int) or source.max_entries < 1:
        raise SourcesError(f"{path}: source {source.name!r}: max_entries must be a positive whole number")
    return source
