"""Language codes: normalise what the input declares, detect (py3langid, offline) what it does not."""

from __future__ import annotations

import re

SAMPLE_CHARS = 800
MIN_DETECT_CHARS = 40
CODE = re.compile(r"[a-z]{2}")


def normalise_language(value: str | None) -> str | None:
    """ "en-US", "en_GB", "EN" → "en"; anything that is not an ISO 639-1 code → None."""
    if not value or not isinstance(value, str):
        return None
    code = re.split(r"[-_]", value.strip().lower(), maxsplit=1)[0]
    return code if CODE.fullmatch(code) else None


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, from its first 800 characters; None for short text."""
    sample = text[:SAMPLE_CHARS]
    if len(sample.strip()) < MIN_DETECT_CHARS:
        return None
    import py3langid

    return py3langid.classify(sample)[0]
