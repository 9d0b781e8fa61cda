"""`newsflow sources import|export|discover`: feed lists in and out as OPML, and the feeds a site declares."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from urllib.parse import urlsplit


class SourcesUsageError(Exception):
    """Bad arguments or files for a sources command: exit 2 with a one-line message (flows.cli reports it)."""


def add_sources_commands(commands, parser_class) -> None:
    sources = commands.add_parser("sources", help="feed lists as OPML, and the feeds and sitemaps a site declares")
    verbs = sources.add_subparsers(dest="verb", required=True, metavar="VERB", parser_class=parser_class)
    imports = verbs.add_parser("import", help="add an OPML file's feeds to a sources file (created if missing)")
    imports.add_argument("opml", type=Path, metavar="FILE.opml")
    imports.add_argument("--sources", type=Path, required=True, metavar="SOURCES.toml",
                         help="the sources file to write or extend (its text and comments are kept)")  # fmt: skip
    imports.set_defaults(handler=command_sources_import)
    exports = verbs.add_parser("export", help="write a sources file's feeds as OPML (folders from their tags)")
    exports.add_argument("--sources", type=Path, required=True, metavar="SOURCES.toml")
    exports.add_argument("--out", type=Path, metavar="FILE.opml", help="where to write it (default: standard output)")
    exports.set_defaults(handler=command_sources_export)
    discover = verbs.add_parser("discover", help="list the feeds and sitemaps a site declares, ready to paste")
    discover.add_argument("url", help="the site's home page (or any page of it)")
    discover.add_argument("--sources", type=Path, metavar="SOURCES.toml",
                          help="fetch with this sources file's settings (user agent, allowed addresses)")  # fmt: skip
    discover.add_argument("--add", action="store_true", help="append what was found to --sources")
    discover.set_defaults(handler=command_sources_discover)


def existing_sources(path: Path) -> tuple[set[str], set[str]]:
    """(names, fetch URLs) of a sources file, checked; nothing when it does not exist yet."""
    from tasks.config import load_sources_file

    if not path.exists():
        return set(), set()
    config = load_sources_file(path)
    return {s.name for s in config.sources}, {s.fetch_url for s in config.sources if s.fetch_url}


def append_sources(path: Path, text: str) -> None:
    """Append [[sources]] tables to a sources file (or start one), then check the whole file loads; the old text
    comes back if it does not."""
    from tasks.config import ConfigError, load_sources_file

    try:
        before = path.read_text(encoding="utf-8") if path.exists() else None
    except (OSError, UnicodeDecodeError) as error:
        raise SourcesUsageError(f"cannot read {path}: {error}") from None
    joined = (before.rstrip("\n") + "\n\n" if before else "") + text
    draft = path.with_name(f".{path.name}.new")
    try:
        draft.write_text(joined, encoding="utf-8")
        load_sources_file(draft)  # what it would become loads, or the file is left as it was
        os.replace(draft, path)  # in one step: a crash leaves the old file or the new one
    except ConfigError as error:
        raise ConfigError(str(error).replace(str(draft), str(path))) from None
    except OSError as error:
        raise SourcesUsageError(f"cannot write {path}: {error}") from None
    finally:
        draft.unlink(missing_ok=True)


def command_sources_import(args: argparse.Namespace) -> int:
    from tasks.reading.decode import UnreadableInput
    from tasks.reading.opml import read_opml, sources_toml

    names, urls = existing_sources(args.sources)
    try:
        feeds, left_out = read_opml(args.opml.read_bytes(), names, urls)
    except OSError as error:
        raise SourcesUsageError(f"cannot read {args.opml}: {error}") from None
    except UnreadableInput as error:
        raise SourcesUsageError(f"{args.opml}: {error}") from None
    for reason in left_out:
        print(f"  left out: {reason}")
    if not feeds:
        if left_out:
            print(f"nothing new for {args.sources}")
            return 0
        raise SourcesUsageError(f"{args.opml}: no feed outlines (xmlUrl) in it")
    append_sources(args.sources, sources_toml(feeds, header=not args.sources.exists()))
    plural = "s" if len(feeds) != 1 else ""
    print(f"added {len(feeds)} feed{plural} to {args.sources}: newsflow run --sources {args.sources}")
    return 0


def command_sources_export(args: argparse.Namespace) -> int:
    from tasks.config import load_sources_file
    from tasks.reading.opml import OpmlFeed, write_opml

    if not args.sources.exists():
        raise SourcesUsageError(f"no sources file at {args.sources}")
    config = load_sources_file(args.sources)
    feeds = [OpmlFeed(s.name, s.feed, list(s.tags)) for s in config.sources if s.feed]
    text = write_opml(feeds, title=f"newsflow sources from {args.sources.name}")
    if args.out:
        try:
            args.out.write_text(text, encoding="utf-8")
        except OSError as error:
            raise SourcesUsageError(f"cannot write {args.out}: {error}") from None
        print(f"wrote {len(feeds)} feed{'s' if len(feeds) != 1 else ''} to {args.out}")
    else:
        print(text, end="")
    return 0


def command_sources_discover(args: argparse.Namespace) -> int:
    from tasks.config import SourcesConfig, load_sources_file
    from tasks.fetching.discover import discover_sources
    from tasks.fetching.web import client_for, close_client
    from tasks.reading.opml import toml_string, unique_name

    if not args.url.startswith(("http://", "https://")):
        raise SourcesUsageError(f"not an http(s) URL: {args.url}")
    if args.add and not args.sources:
        raise SourcesUsageError("--add needs --sources FILE to add to")
    config = load_sources_file(args.sources) if args.sources and args.sources.exists() else None
    config = config or SourcesConfig.model_construct(sources=[])
    client = client_for("discover", config)
    try:
        found = discover_sources(client, args.url)
    finally:
        close_client("discover")
    for problem in found.problems:
        print(f"  problem: {problem}")
    names, urls = existing_sources(args.sources) if args.sources else (set(), set())
    fresh = [f for f in found.found if f.url not in urls]
    if not found.found:
        print(f"{args.url} declares no feeds and its robots.txt lists no sitemaps")
        return 1
    blocks = []
    for item in fresh:
        name = unique_name(item.title or f"{urlsplit(item.url).hostname} {item.kind}", names)
        key = "sitemap" if item.kind == "sitemap" else "feed"
        blocks.append(f"[[sources]]\nname = {toml_string(name)}\n{key} = {toml_string(item.url)}")
        print(f"  {item.kind}: {item.url}" + (f"  ({item.title})" if item.title else ""))
    for item in found.found:
        if item.url in urls:
            print(f"  {item.kind}: {item.url}  (already in {args.sources})")
    if not blocks:
        return 0
    text = "\n\n".join(blocks) + "\n"
    if args.add:
        append_sources(args.sources, text)
        print(f"added {len(blocks)} source{'s' if len(blocks) != 1 else ''} to {args.sources}")
    else:
        print("\n" + text, end="")
    return 0
