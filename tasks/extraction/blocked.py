"""Pages that are not the article: a bot challenge, a consent wall, a JavaScript shell or a paywall teaser.

Each kind is recognised by the page's own markup *and* wording *and* little article text: an article that mentions
a captcha or cookies is still an article. Checked only when the extracted text is short, so it costs a long
article nothing.
"""

from __future__ import annotations

import re

from tasks.reading.decode import UnreadableInput

SHORT_WORDS = 250  # more article text than this and the page is an article, whatever else it holds
SCAN_BYTES = 300_000

# (kind, the most text such a page leaves, markers in the markup, phrases in the title or text)
KINDS: tuple[tuple[str, int, re.Pattern[str], re.Pattern[str]], ...] = (
    (
        "challenge",
        SHORT_WORDS,
        re.compile(
            r"cdn-cgi/challenge-platform|cf-chl-|cf_chl_|id=[\"']challenge-|px-captcha"
            r"|captcha-delivery\.com|datadome|/_incapsula_resource|perimeterx",
        ),
        re.compile(
            r"\bjust a moment\b|\battention required\b|\bchecking (your|if the site connection is) \w+|"
            r"\bverify(ing)? (that )?you are (a )?human\b|\bare you a robot\b|\bpardon our interruption\b|"
            r"\baccess to this page has been denied\b|\bcomplete the (security check|captcha)\b"
            r"|\brequest unsuccessful\b|\bddos protection\b",
        ),
    ),
    (
        "consent",
        SHORT_WORDS,
        re.compile(r"onetrust|didomi|quantcast|sp_message_container|consent\.google|__tcfapi|cookiebot|usercentrics"),
        re.compile(
            r"\bwe value your privacy\b|\bbefore you continue\b|\b(accept|reject) all\b"
            r"|\bconsent to (the use of )?cookies\b"
            r"|\bmanage (your )?(cookie|privacy|consent) (settings|preferences|choices)\b|\byour privacy choices\b"
            r"|\bwe and our (\d+ )?partners\b|\bcookie (settings|preferences|consent)\b",
        ),
    ),
    (
        "javascript",
        80,
        re.compile(r"<noscript"),
        re.compile(
            r"\b(please )?(enable|turn on) javascript\b|\bjavascript is (disabled|required|not enabled)\b|"
            r"\byou need to enable javascript\b|\brequires javascript\b"
            r"|\bbrowser (does not|doesn't) support javascript\b",
        ),
    ),
    (
        "paywall",
        SHORT_WORDS,
        re.compile(r"paywall|piano\.io|tinypass|subscriber-only|premium-content|meteredcontent"),
        re.compile(
            r"\bsubscribe (now )?to (continue|keep) reading\b"
            r"|\bto continue reading,? (please )?(subscribe|log in|sign in)\b"
            r"|\bthis (article|content|story) is (only )?(available )?(for|to) (paying )?(subscribers|members)\b"
            r"|\balready a (subscriber|member)\?|\bsubscribers only\b"
            r"|\bcreate a free account to (continue|keep) reading\b"
            r"|\byou have reached your (free )?article limit\b",
        ),
    ),
)


def blocked_kind(html: bytes | str, text: str, title: str | None) -> str | None:
    """The kind of non-article page this is (challenge, consent, javascript, paywall), or None for an article."""
    words = len(text.split())
    if words > SHORT_WORDS:
        return None
    head = html[:SCAN_BYTES]
    markup = (head.decode("utf-8", "replace") if isinstance(head, bytes) else head).lower()
    wording = f"{title or ''}\n{text}".lower()
    for kind, most_words, marker, phrase in KINDS:
        if words <= most_words and phrase.search(wording) and marker.search(markup):
            return kind
    return None


class BlockedPage(UnreadableInput):
    """The page is a challenge, consent wall, JavaScript shell or paywall teaser, not the article."""

    def __init__(self, kind: str) -> None:
        super().__init__(f"blocked page: {KIND_NAMES[kind]}, not an article")
        self.kind = kind


KIND_NAMES = {"challenge": "a bot challenge", "consent": "a consent wall", "javascript": "a JavaScript shell",
              "paywall": "a paywall teaser"}  # fmt: skip
