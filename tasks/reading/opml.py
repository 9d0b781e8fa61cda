"""OPML feed lists (what feed readers export) to a sources file: one [[sources]] per feed, nested folders
flattened, duplicates dropped. The XML is screened like a feed (no entities, no external references)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree

import defusedxml.ElementTree
from defusedxml import DefusedXmlException

from tasks.reading.decode import UnreadableInput


def read_opml(data: bytes) -> tuple[list[tuple[str, str]], list[str]]:
    """(name, feed URL) per feed outline, in document order, and what was left out and why."""
    try:
        root = defusedxml.ElementTree.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as error:
        raise UnreadableInput(f"unsafe XML refused: {type(error).__name__}") from None
    except ElementTree.ParseError as error:
        raise UnreadableInput(f"not an OPML file: {error}") from None
    if root.tag.lower() != "opml":
        raise UnreadableInput(f"not an OPML file: the root element is <{root.tag}>")
    feeds, left_out, names, urls = [], [], set(), set()
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if not url:
            continue  # a folder
        name = " ".join((outline.get("title") or outline.get("text") or url).split())
        if not url.startswith(("http://", "https://")):
            left_out.append(f"{name}: not an http(s) feed URL: {url}")
            continue
        if url in urls:
            left_out.append(f"{name}: the same feed as an earlier outline")
            continue
        base, number = name, 2
        while name in names:  # source names must be unique
            name, number = f"{base} ({number})", number + 1
        names.add(name)
        urls.add(url)
        feeds.append((name, url))
    return feeds, left_out


def sources_toml(feeds: list[tuple[str, str]]) -> str:
    """A sources file for these feeds (TOML basic strings share JSON's escapes)."""
    blocks = [f"[[sources]]\nname = {json.dumps(name, ensure_ascii=False)}\nfeed = {json.dumps(url)}"
              for name, url in feeds]  # fmt: skip
    return (
        "# imported from OPML: see the README's sources file section for the other settings\n\n"
        + "\n\n".join(blocks)
        + "\n"
    )
