"""A news site for the soak test: N feeds on a real HTTP server on 127.0.0.1, with faults decided by a seeded
random plan per (feed, cycle) and per page request.

Each feed lists a sliding window of entries that moves on one or two entries per cycle; every fourth cycle it
also lists an entry that had left (entries come and go and come back). Feed faults: 500, 429 with Retry-After,
a timeout, malformed XML, validators ignored (a new ETag on every answer), a new ETag on the same entries. Page
faults: 503, 500, a timeout. The site remembers every entry it listed in a well-formed 200 answer.
"""

from __future__ import annotations

import random
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.webfeeds import page_html

WINDOW = 5
FEED_FAULTS = [("500", 0.05), ("429", 0.04), ("timeout", 0.02), ("malformed", 0.04), ("no_validators", 0.08),
               ("new_etag", 0.05)]  # fmt: skip
PAGE_FAULTS = [("503", 0.04), ("500", 0.02), ("timeout", 0.01)]


def pick(rng: random.Random, faults: list[tuple[str, float]]) -> str:
    draw = rng.random()
    for name, share in faults:
        if draw < share:
            return name
        draw -= share
    return "ok"


class SoakSite:
    def __init__(self, feeds: int, seed: int, stall: float) -> None:
        self.feeds, self.seed, self.stall = feeds, seed, stall
        self.cycle = 0
        self.listed: set[tuple[int, str]] = set()  # (feed, guid) served in a well-formed 200 answer
        self.requests = 0
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self.handler_class())
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> SoakSite:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def feed_url(self, feed: int) -> str:
        return f"{self.base}/feed-{feed}.xml"

    def window(self, feed: int, cycle: int) -> list[int]:
        step = 1 + feed % 2
        start = cycle * step
        numbers = list(range(start, start + WINDOW))
        if cycle % 4 == 3 and start >= 3:
            numbers.append(start - 3)  # an entry that had left comes back
        return numbers

    def feed_body(self, feed: int, numbers: list[int]) -> str:
        stamp = datetime(2026, 11, 1, tzinfo=UTC)
        items = "".join(
            f"<item><title>Feed {feed} story {n}</title><link>{self.base}/feed-{feed}/story-{n}</link>"
            f"<guid>f{feed}-{n}</guid><pubDate>{format_datetime(stamp + timedelta(hours=n))}</pubDate>"
            f"<description>{escape(f'Short summary of feed {feed} story {n}.')}</description></item>"
            for n in numbers
        )
        return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {feed}</title>'
                f"<link>{self.base}/</link>{items}</channel></rss>")  # fmt: skip

    def answer_feed(self, feed: int, if_none_match: str | None) -> tuple[int, dict, bytes]:
        fault = pick(random.Random(f"{self.seed}:{feed}:{self.cycle}"), FEED_FAULTS)
        numbers = self.window(feed, self.cycle)
        body = self.feed_body(feed, numbers)
        etag = f'"{feed}-{self.cycle if fault == "new_etag" else tuple(numbers)}"'
        etag = f'"{hash(etag) & 0xFFFFFFFF:x}"'
        if fault == "500":
            return 500, {}, b"server error"
        if fault == "429":
            return 429, {"Retry-After": "1"}, b"slow down"
        if fault == "timeout":
            time.sleep(self.stall)
            return 200, {}, body.encode()
        if fault == "malformed":  # cut short: feedparser's loose parser may still read the first entries
            body = body[: len(body) // 3]
        elif fault != "no_validators" and if_none_match == etag:
            return 304, {"ETag": etag}, b""
        with self.lock:  # listed: the entries whose GUID the answer carries whole
            self.listed.update((feed, f"f{feed}-{n}") for n in numbers if f"<guid>f{feed}-{n}</guid>" in body)
        headers = {"Content-Type": "application/rss+xml"}
        if fault not in ("no_validators", "malformed"):
            headers["ETag"] = etag
        return 200, headers, body.encode()

    def answer_page(self, feed: int, number: int) -> tuple[int, dict, bytes]:
        with self.lock:
            self.requests += 1
            rng = random.Random(f"{self.seed}:{feed}:{number}:{self.requests}")
        fault = pick(rng, PAGE_FAULTS)
        if fault in ("503", "500"):
            return int(fault), {}, b"busy"
        if fault == "timeout":
            time.sleep(self.stall)
        return 200, {"Content-Type": "text/html; charset=utf-8"}, page_html(self.base, f"f{feed}", number).encode()

    def handler_class(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = self.path.split("?")[0]
                try:
                    if path == "/robots.txt":
                        status, headers, body = 404, {}, b""
                    elif path.startswith("/feed-") and path.endswith(".xml"):
                        status, headers, body = site.answer_feed(int(path[6:-4]), self.headers.get("If-None-Match"))
                    elif path.startswith("/feed-") and "/story-" in path:
                        feed, number = path[6:].split("/story-")
                        status, headers, body = site.answer_page(int(feed), int(number))
                    else:
                        status, headers, body = 404, {}, b""
                    self.send_response(status)
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout we injected)

            def log_message(self, *args) -> None:
                pass

        return Handler
