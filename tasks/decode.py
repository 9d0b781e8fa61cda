"""Bytes to text: BOMs, declared charsets, UTF-8, and a guarded single-byte fallback."""

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
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_CONTROL_RATIO = 0.01


class UnreadableInput(ValueError):
    """The input is not text we can read, or holds no article."""


def decode_text(data: bytes, declared: str | None = None) -> str:
    """Decode bytes by BOM, then a declared charset, then UTF-8, then cp1252 if it looks like text."""
    for bom, name in BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(name, errors="replace")
    if declared:
        try:
            return data.decode(normalise_charset(declared))
        except (LookupError, UnicodeDecodeError):
            pass
    if b"\x00" in data[:4096]:
        raise UnreadableInput("binary data, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text = data.decode("cp1252", errors="replace")
    if len(CONTROL.findall(text)) > MAX_CONTROL_RATIO * max(len(text), 1) or text.count("\ufffd") > 10:
        raise UnreadableInput("bad encoding: neither UTF-8 nor a single-byte text encoding")
    return text


def normalise_charset(name: str) -> str:
    """Map a declared charset to the Python codec browsers use for it (latin-1 means cp1252)."""
    name = name.strip().strip("\"'").lower()
    if name in {"iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii", "iso8859-1"}:
        return "cp1252"
    return codecs.lookup(name).name
