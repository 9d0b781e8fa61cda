"""Parse the many ways feeds and pages write a date, and keep only plausible ones."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=1)
SLASHED = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})")
EPOCH = re.compile(r"^\d{10}(?:\.\d+)?$")
# zone names RFC 2822 does not know (it knows UT, GMT and the four US ones), in the unambiguous forms pages write:
# "Fri Apr 28 19:20:36 CEST 2023" is 17:20 UTC, not 19:20. IST (India, Ireland, Israel) and AST are ambiguous.
ZONE_HOURS = {
    "UTC": 0, "WET": 0, "WEST": 1, "BST": 1, "CET": 1, "MEZ": 1, "CEST": 2, "MESZ": 2, "EET": 2, "EEST": 3,
    "MSK": 3, "SAST": 2, "CAT": 2, "EAT": 3, "WAT": 1, "PKT": 5, "NPT": 5.75, "WIB": 7, "HKT": 8, "SGT": 8,
    "PHT": 8, "AWST": 8, "JST": 9, "KST": 9, "ACST": 9.5, "ACDT": 10.5, "AEST": 10, "AEDT": 11, "NZST": 12,
    "NZDT": 13, "HST": -10, "AKST": -9, "AKDT": -8, "NST": -3.5, "NDT": -2.5,
}  # fmt: skip
ZONE_NAME = re.compile(r"\b(" + "|".join(ZONE_HOURS) + r")\b")


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
        value = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if value.tzinfo is None and (zone := ZONE_NAME.search(text)):
        value = value.replace(tzinfo=timezone(timedelta(hours=ZONE_HOURS[zone[1]])))
    return as_utc(value)


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
