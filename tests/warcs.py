"""WARC files for tests, written with warcio from pages written here: responses, and the records around them
that a crawl archive also holds (warcinfo, requests, metadata, revisits, non-HTML bodies, errors)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.webfeeds import page_html

CAPTURED = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


@dataclass
class Capture:
    uri: str
    body: bytes
    status: str = "200 OK"
    content_type: str | None = "text/html; charset=utf-8"
    date: datetime = CAPTURED
    language: str | None = None  # a Content-Language header
    encoding: str | None = None  # a Content-Encoding header (the body given already encoded)


def story(number: int, host: str = "news.example.com", lang: str = "en", date: datetime = CAPTURED) -> Capture:
    html = page_html(f"https://{host}", "warc", number).replace('<html lang="en">', f'<html lang="{lang}">')
    return Capture(f"https://{host}/warc/story-{number}", html.encode(), date=date)


def write_warc(path: Path, captures: list[Capture], compress: bool | None = None) -> Path:
    """A WARC of the captures (gzip per record when the name ends in .gz), each response after its request, with
    a warcinfo record first and a metadata record after every tenth response."""
    compress = path.name.endswith(".gz") if compress is None else compress
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=compress)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "newsflow tests"}))
        for number, capture in enumerate(captures):
            stamp = capture.date.strftime("%Y-%m-%dT%H:%M:%SZ")
            request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "x")], is_http_request=True)
            writer.write_record(writer.create_warc_record(capture.uri, "request", http_headers=request,
                                                          warc_headers_dict={"WARC-Date": stamp}))  # fmt: skip
            headers = [("Content-Type", capture.content_type)] if capture.content_type else []
            if capture.language:
                headers.append(("Content-Language", capture.language))
            if capture.encoding:
                headers.append(("Content-Encoding", capture.encoding))
            http = StatusAndHeaders(capture.status, headers, protocol="HTTP/1.1")
            record = writer.create_warc_record(
                capture.uri, "response", payload=io.BytesIO(capture.body), http_headers=http,
                warc_headers_dict={"WARC-Date": stamp},
            )  # fmt: skip
            writer.write_record(record)
            if number % 10 == 9:
                writer.write_record(writer.create_warc_record(capture.uri, "metadata", payload=io.BytesIO(b"k: v\n"),
                                                              warc_content_type="application/warc-fields"))  # fmt: skip
    return path
