"""Parse the many ways feeds and pages write a date, and keep only plausible ones."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime

EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=1)
SLASHED = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})")
EPOCH = re.compile(r"^\d{10}(?:\.\d+)?$")


def parse_datetime(text: str | None) -> datetime | None:
    """ISO 8601, RFC 2822, YYYY/MM/DD or a Unix time → an aware UTC datetime; None if unreadable."""
    if not text or not isinstance(text, str):
        return None
    text = text.strip()
    if EPOCH.match(text):
        return datetime.fromtimestamp(float(text), tz=UTC)
    candidates = [text, text.replace(" ", "T", 1), text[:19], text[:10]]
    if match := SLASHED.match(text):
        candidates.append(f"{match[1]}-{int(match[2]):02d}-{int(match[3]):02d}")
    for candidate in candidates:
        try:
            return as_utc(datetime.fromisoformat(candidate.replace("Z", "+00:00")))
        except ValueError:
            continue
    try:
        return as_utc(parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError):
        return None


def as_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def check_published(
    value: datetime | None, explicit: bool, now: datetime, fetched_at: datetime | None = None
) -> datetime | None:
    """Drop dates more than a day ahead, dates later than the page's fetch, and guessed dates before 1990 (stated
    ones are kept)."""
    if value is None:
        return None
    value = as_utc(value)
    if value > now + FUTURE_SLACK or (fetched_at is not None and value > as_utc(fetched_at)):
        return None
    if value < EARLIEST and not explicit:
        return None
    return value


def utc_bound(value: date | datetime | None) -> datetime | None:
    """A date means its UTC midnight; a naive datetime is taken as UTC."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    return value if value.tzinfo else value.replace(tzinfo=UTC)
