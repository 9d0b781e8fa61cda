"""The raw store's records: what was fetched, byte for byte (zlib-compressed in the warehouse)."""

from __future__ import annotations

import hashlib
import json
import zlib
from dataclasses import dataclass
from datetime import datetime

import pyarrow as pa

RAW_SCHEMA = pa.schema(
    [
        ("raw_id", pa.string()), ("url", pa.string()), ("kind", pa.string()),
        ("fetched_at", pa.timestamp("us", tz="UTC")), ("status", pa.int32()), ("headers", pa.string()),
        ("size", pa.int32()), ("body", pa.binary()), ("run_id", pa.string()),
    ]
)  # fmt: skip
KEPT_HEADERS = ("content-type", "etag", "last-modified", "content-language", "date", "link")


@dataclass(slots=True)
class RawDocument:
    raw_id: str
    url: str
    kind: str  # feed | page
    fetched_at: datetime
    status: int
    headers: dict[str, str]
    body: bytes


def raw_id_for(url: str, body: bytes) -> str:
    """Content-addressed: the same bytes from the same URL are stored once, however often fetched."""
    return hashlib.sha256(url.encode() + b"\n" + body).hexdigest()[:32]


def make_raw(url: str, kind: str, fetched_at: datetime, status: int, headers: dict, body: bytes) -> RawDocument:
    kept = {k: v for k, v in headers.items() if k in KEPT_HEADERS}
    return RawDocument(raw_id_for(url, body), url, kind, fetched_at, status, kept, body)


def raw_table(documents: list[RawDocument], run_id: str) -> pa.Table:
    unique = {d.raw_id: d for d in documents}.values()
    rows = [
        (d.raw_id, d.url, d.kind, d.fetched_at, d.status, json.dumps(d.headers), len(d.body),
         zlib.compress(d.body, 6), run_id)
        for d in unique
    ]  # fmt: skip
    return pa.table({name: [row[i] for row in rows] for i, name in enumerate(RAW_SCHEMA.names)}, schema=RAW_SCHEMA)


def read_raw_row(row: tuple) -> RawDocument:
    """A raw_documents row (raw_id, url, kind, fetched_at, status, headers, body) back to a document."""
    raw_id, url, kind, fetched_at, status, headers, body = row
    return RawDocument(raw_id, url, kind, fetched_at, status, json.loads(headers or "{}"), zlib.decompress(body))
