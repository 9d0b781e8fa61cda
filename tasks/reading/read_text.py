"""Plain-text articles: an optional `date YYYY-MM-DD By Author` header, paragraphs, a `--` signature."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from tasks.models import Article
from tasks.reading.authors import split_authors

HEADER = re.compile(
    r"^\s*date:?\s+(?P<date>\d{4}-\d{2}-\d{2})(?:[T ](?P<time>\d{2}:\d{2}(?::\d{2})?))?"
    r"(?:\s+by:?\s+(?P<authors>.+?))?\s*$",
    re.IGNORECASE,
)
SIGNATURE_LINE = re.compile(r"^--\s*$")
TITLE_END = re.compile(r"[.!?…:;,\"”’)]$")
MAX_TITLE_LINE = 200
MAX_DERIVED_TITLE = 110
HANDLE = re.compile(r"(?<![\w.])@([A-Za-z][A-Za-z0-9_]{2,30})\b")
FOLLOW_NAME = re.compile(r"\bfollow\s+(?P<name>[A-Z][\w&.' -]{1,40}?)\s+on\s+\w+", re.IGNORECASE)
COPYRIGHT = re.compile(r"(?:©|\(c\)|copyright)\s*(?:\d{4}\s*)?(?P<name>[A-Z][\w&.' -]{1,40})", re.IGNORECASE)
SOURCE_LINE = re.compile(r"^\s*source:\s*(?P<name>[^\n]{2,60})$", re.IGNORECASE | re.MULTILINE)
WEAK_ENDINGS = {
    "a",
    "an",
    "the",
    "of",
    "to",
    "in",
    "on",
    "at",
    "for",
    "and",
    "or",
    "but",
    "with",
    "by",
    "from",
    "as",
    "that",
    "which",
    "its",
    "their",
    "his",
    "her",
}
CAMEL_PART = re.compile(r"[A-Z]+(?![a-z])|[A-Z][a-z0-9]*|[a-z0-9]+")


def parse_text_article(text: str, source_uri: str) -> Article:
    """Split a text article into header fields, title, body and signature-derived source."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    published_at, authors = None, []
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and (match := HEADER.match(lines[first])):
        published_at = parse_header_date(match["date"], match["time"])
        authors = split_authors(match["authors"] or "")
        lines = lines[first + 1 :]
    body_lines, signature = split_signature(lines)
    paragraphs = split_paragraphs(body_lines)
    title = None
    if len(paragraphs) > 1 and is_title_line(paragraphs[0]):
        title = paragraphs.pop(0)
    return Article(
        source_uri=source_uri,
        body="\n\n".join(paragraphs),
        title=title or derive_title("\n\n".join(paragraphs)),
        authors=authors,
        published_at=published_at,
        date_explicit=published_at is not None,
        date_source="header" if published_at is not None else None,
        source=infer_source(signature),
        input_format="txt",
        extractor="text",
        identity_key=source_uri,
    )


def parse_header_date(day: str, time: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(f"{day}T{time or '00:00'}").replace(tzinfo=UTC)
    except ValueError:
        return None


def split_signature(lines: list[str]) -> tuple[list[str], str]:
    """Cut the body at the last `--` line; what follows is the signature block."""
    for index in range(len(lines) - 1, -1, -1):
        if SIGNATURE_LINE.match(lines[index]):
            return lines[:index], "\n".join(lines[index + 1 :]).strip()
    return lines, ""


def split_paragraphs(lines: list[str]) -> list[str]:
    """Blank lines separate paragraphs; lines wrapped inside a paragraph are joined."""
    paragraphs, current = [], []
    for line in lines:
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


def is_title_line(paragraph: str) -> bool:
    return len(paragraph) <= MAX_TITLE_LINE and not TITLE_END.search(paragraph)


def derive_title(body: str, limit: int = MAX_DERIVED_TITLE) -> str | None:
    """The lead sentence; a long one is cut at a clause break (else a word) before `limit` characters."""
    lead = body.strip().split("\n", 1)[0].strip()
    if not lead:
        return None
    sentence = re.split(r"(?<=[.!?])\s+(?=[A-Z\"“‘'(])", lead, maxsplit=1)[0].rstrip()
    if len(sentence) <= limit:
        return sentence.rstrip(".")
    head = sentence[:limit]
    clause = max(head.rfind(mark) for mark in (", ", "; ", " – ", " — ", ": "))
    if clause >= limit // 2:
        return head[:clause].rstrip() + "…"
    words = head.rsplit(" ", 1)[0].split(" ")
    while len(words) > 3 and words[-1].lower().strip(",;:") in WEAK_ENDINGS:
        words.pop()
    return " ".join(words).rstrip(",;:–- ") + "…"


def infer_source(signature: str) -> str | None:
    """Name the publisher from a signature block: a social handle, "Follow X on", ©, "Source:"."""
    if not signature:
        return None
    if match := SOURCE_LINE.search(signature):
        return match["name"].strip()
    if match := HANDLE.search(signature):
        return handle_to_name(match[1])
    if match := FOLLOW_NAME.search(signature):
        name = match["name"].strip()
        if name.lower() not in {"us", "me"}:
            return name
    if match := COPYRIGHT.search(signature):
        return match["name"].strip(" .")
    return None


def handle_to_name(handle: str) -> str:
    """@AzerNewsAz → AzerNews: drop a trailing two-letter country suffix from a CamelCase handle."""
    parts = CAMEL_PART.findall(handle.strip("_"))
    if len(parts) >= 2 and len(parts[-1]) == 2 and parts[-1][0].isupper() and len("".join(parts[:-1])) >= 4:
        parts = parts[:-1]
    return "".join(parts)
