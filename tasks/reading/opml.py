"""OPML feed lists (what feed readers export) to sources, and sources back to OPML: one [[sources]] per feed, its
title kept as the name and its folders as tags, duplicates dropped. The XML is screened like a feed (no
entities, no external references)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from xml.sax.saxutils import quoteattr

import defusedxml.ElementTree
from defusedxml import DefusedXmlException

from tasks.reading.decode import UnreadableInput


@dataclass(slots=True)
class OpmlFeed:
    name: str
    url: str
    tags: list[str] = field(default_factory=list)  # the folders it sits in, outermost first


def read_opml(data: bytes, names: set[str] | None = None, urls: set[str] | None = None
              ) -> tuple[list[OpmlFeed], list[str]]:  # fmt: skip
    """The feed outlines in document order, and what was left out and why; `names` and `urls` are those a sources
    file already has (a feed there is left out, a name there gets a number)."""
    try:
        root = defusedxml.ElementTree.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as error:
        raise UnreadableInput(f"unsafe XML refused: {type(error).__name__}") from None
    except (ElementTree.ParseError, ValueError, LookupError) as error:  # an encoding Python cannot read, too
        raise UnreadableInput(f"not an OPML file: {error}") from None
    if root.tag.lower() != "opml":
        raise UnreadableInput(f"not an OPML file: the root element is <{root.tag}>")
    names, urls = set(names or ()), set(urls or ())
    feeds: list[OpmlFeed] = []
    left_out: list[str] = []

    def walk(node: ElementTree.Element, folders: list[str]) -> None:
        for outline in node.findall("outline"):
            url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
            title = " ".join((outline.get("title") or outline.get("text") or "").split())
            if not url:
                walk(outline, [*folders, title] if title else folders)  # a folder
                continue
            name = title or url
            if not url.startswith(("http://", "https://")):
                left_out.append(f"{name}: not an http(s) feed URL: {url}")
            elif url in urls:
                left_out.append(f"{name}: a feed the sources already have")
            else:
                urls.add(url)
                feeds.append(OpmlFeed(unique_name(name, names), url, list(dict.fromkeys(folders))))

    body = root.find("body")
    walk(body if body is not None else root, [])
    return feeds, left_out


def unique_name(name: str, taken: set[str]) -> str:
    """The name, or with ` (2)`, ` (3)` … after it when taken (source names must be unique); now taken too."""
    base, number = " ".join(name.split()), 2
    name = base
    while name in taken:
        name, number = f"{base} ({number})", number + 1
    taken.add(name)
    return name


def toml_string(text: str) -> str:
    """A TOML basic string: JSON's escapes, and DEL escaped too (TOML forbids it raw; JSON leaves it)."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def sources_toml(feeds: list[OpmlFeed], header: bool = True) -> str:
    """[[sources]] tables for these feeds (TOML basic strings share JSON's escapes)."""
    blocks = []
    for feed in feeds:
        lines = [f"[[sources]]\nname = {toml_string(feed.name)}\nfeed = {toml_string(feed.url)}"]
        if feed.tags:
            lines.append(f"tags = [{', '.join(toml_string(tag) for tag in feed.tags)}]")
        blocks.append("\n".join(lines))
    intro = "# imported from OPML: see the README's sources file section for the other settings\n\n" if header else ""
    return intro + "\n\n".join(blocks) + "\n"


def write_opml(feeds: list[OpmlFeed], title: str = "newsflow sources") -> str:
    """OPML 2.0 of the feeds, each in the folder of its first tag."""
    folders: dict[str, list[OpmlFeed]] = {}
    for feed in feeds:
        folders.setdefault(feed.tags[0] if feed.tags else "", []).append(feed)

    def outline(feed: OpmlFeed, indent: str) -> str:
        name = quoteattr(feed.name)
        return f'{indent}<outline type="rss" text={name} title={name} xmlUrl={quoteattr(feed.url)}/>'

    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<opml version="2.0">',
             f"  <head><title>{quoteattr(title)[1:-1]}</title></head>", "  <body>"]  # fmt: skip
    for folder, members in folders.items():
        if not folder:
            lines += [outline(f, "    ") for f in members]
            continue
        lines.append(f"    <outline text={quoteattr(folder)} title={quoteattr(folder)}>")
        lines += [outline(f, "      ") for f in members]
        lines.append("    </outline>")
    return "\n".join([*lines, "  </body>", "</opml>"]) + "\n"
