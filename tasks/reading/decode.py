"""Bytes to text, the one decoder: BOMs, declared charsets, UTF-8, and a single-byte fallback (guarded for files,
lenient for fetched documents, which a browser would show whatever they hold)."""

from __future__ import annotations

import codecs
import re

BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
XML_ENCODING = re.compile(rb"""^<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)""")
HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_CONTROL_RATIO = 0.01


class UnreadableInput(ValueError):
    """The input is not text we can read, or holds no article."""


def decode_text(data: bytes, *declared: str | None, strict: bool = True) -> str:
    """Decode bytes by BOM, then the declared charsets in turn, then UTF-8, then cp1252. `strict` (files): binary
    data, or cp1252 that does not look like text, is UnreadableInput; else undecodable bytes become U+FFFD."""
    for bom, name in BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(name, errors="replace")
    for name in declared:
        if not name:
            continue
        try:
            return data.decode(normalise_charset(name))
        except (LookupError, UnicodeDecodeError):
            continue
    if strict and b"\x00" in data[:4096]:
        raise UnreadableInput("binary data, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text = data.decode("cp1252", errors="replace")
    if strict and (len(CONTROL.findall(text)) > MAX_CONTROL_RATIO * max(len(text), 1) or text.count("\ufffd") > 10):
        raise UnreadableInput("bad encoding: neither UTF-8 nor a single-byte text encoding")
    return text


def decode_document(body: bytes, content_type: str = "") -> str:
    """A fetched document: the charset of its Content-Type, then its own declaration (`<?xml encoding>`,
    `<meta charset>`), then UTF-8, then cp1252; never fails."""
    header = HEADER_CHARSET.search(content_type)
    head = body[:4096]
    inside = [found[1].decode("ascii", "replace") for p in (XML_ENCODING, META_CHARSET) if (found := p.search(head))]
    return decode_text(body, header[1] if header else None, *inside, strict=False)


def normalise_charset(name: str) -> str:
    """Map a declared charset to the Python codec browsers use for it (latin-1 means cp1252)."""
    name = name.strip().strip("\"'").lower()
    if name in {"iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii", "iso8859-1"}:
        return "cp1252"
    return codecs.lookup(name).name
