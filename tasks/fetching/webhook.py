"""Webhook calls through the HTTP seam. A webhook URL is the user's own configuration (not something a feed
offered), so it may point into the user's network: private addresses are allowed for it."""

from __future__ import annotations

from tasks.fetching.http import Fetcher, FetchSettings

WEBHOOK_DEADLINE = 10.0


def post_json(url: str, payload: dict) -> int:
    """POST `payload` as JSON to `url`; the status, or FetchError."""
    with Fetcher(FetchSettings(allow_private_networks=True, deadline=WEBHOOK_DEADLINE)) as fetcher:
        return fetcher.post_json(url, payload)
