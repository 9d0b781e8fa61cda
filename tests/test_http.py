"""The HTTP seam against a real server on 127.0.0.1 (pytest-httpserver)."""

import gzip
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from werkzeug import Response as WResponse

from tasks.fetching.http import (
    BlockedAddress,
    Fetcher,
    FetchError,
    FetchSettings,
    TransientError,
    is_allowed,
    is_public_address,
    parse_allow_list,
    parse_retry_after,
)
from tasks.reading.decode import decode_document

LOCAL = frozenset({"127.0.0.1", "::1"})


def fetcher(**overrides) -> Fetcher:
    options = {"allowed_addresses": LOCAL, "backoff": 0.01, "deadline": 5.0, **overrides}
    return Fetcher(FetchSettings(**options))


def test_user_agent_and_gzip(httpserver):
    body = b"<rss><channel><title>x</title></channel></rss>" * 50
    httpserver.expect_request("/feed").respond_with_data(
        gzip.compress(body), headers={"Content-Encoding": "gzip"}, content_type="application/rss+xml"
    )
    with fetcher() as f:
        response = f.get(httpserver.url_for("/feed"))
    assert response.status == 200 and response.body == body
    request = httpserver.log[0][0]
    assert request.headers["User-Agent"].startswith("newsflow/") and "http" in request.headers["User-Agent"]
    assert "gzip" in request.headers["Accept-Encoding"]


def test_permanent_redirects_are_reported_temporary_ones_not(httpserver):
    httpserver.expect_request("/old").respond_with_data("", status=301, headers={"Location": "/moved"})
    httpserver.expect_request("/moved").respond_with_data("", status=308, headers={"Location": "/new"})
    httpserver.expect_request("/new").respond_with_data("here")
    httpserver.expect_request("/temp").respond_with_data("", status=302, headers={"Location": "/new"})
    with fetcher() as f:
        moved = f.get(httpserver.url_for("/old"))
        temp = f.get(httpserver.url_for("/temp"))
    assert moved.body == b"here" and moved.permanent_url == httpserver.url_for("/new")
    assert temp.body == b"here" and temp.permanent_url is None


def test_at_most_five_redirects(httpserver):
    for n in range(7):
        httpserver.expect_request(f"/r{n}").respond_with_data("", status=302, headers={"Location": f"/r{n + 1}"})
    with fetcher(retries=0) as f, pytest.raises(FetchError, match="redirects"):
        f.get(httpserver.url_for("/r0"))


def test_server_error_then_success_is_retried(httpserver):
    httpserver.expect_ordered_request("/flaky").respond_with_data("down", status=500)
    httpserver.expect_ordered_request("/flaky").respond_with_data("down", status=502)
    httpserver.expect_ordered_request("/flaky").respond_with_data("up")
    with fetcher(retries=3) as f:
        response = f.get(httpserver.url_for("/flaky"))
    assert response.status == 200 and response.body == b"up" and len(httpserver.log) == 3


def test_retry_after_is_returned_not_retried(httpserver):
    httpserver.expect_request("/busy").respond_with_data("slow down", status=429, headers={"Retry-After": "120"})
    when = format_datetime(datetime.now(UTC) + timedelta(hours=2), usegmt=True)
    httpserver.expect_request("/maint").respond_with_data("later", status=503, headers={"Retry-After": when})
    with fetcher(retries=3) as f:
        busy = f.get(httpserver.url_for("/busy"))
        maint = f.get(httpserver.url_for("/maint"))
    assert busy.status == 429 and busy.retry_after == 120
    assert maint.status == 503 and 7000 < maint.retry_after <= 7200
    assert len(httpserver.log) == 2  # no retries within the run


def trickle(request):
    def chunks():
        for _ in range(100):
            yield b"x" * 10
            time.sleep(0.2)

    return WResponse(chunks(), content_type="text/html")


def test_a_trickling_body_stops_at_the_deadline(httpserver):
    httpserver.expect_request("/slow").respond_with_handler(trickle)
    started = time.monotonic()
    with fetcher(deadline=1.5, retries=0) as f, pytest.raises(FetchError, match="deadline"):
        f.get(httpserver.url_for("/slow"))
    assert time.monotonic() - started < 3.5


def test_body_past_the_cap_is_refused(httpserver):
    httpserver.expect_request("/big").respond_with_data(b"y" * 3_000_000)
    with fetcher(max_body=1_000_000, retries=0) as f, pytest.raises(FetchError, match="larger than"):
        f.get(httpserver.url_for("/big"))


def test_gzip_bomb_stops_at_the_cap_in_bounded_memory(httpserver):
    bomb = gzip.compress(b"\0" * 200_000_000, compresslevel=9)  # 200 MB in about 200 KB
    httpserver.expect_request("/bomb").respond_with_data(bomb, headers={"Content-Encoding": "gzip"})
    tracemalloc.start()
    with fetcher(max_body=2_000_000, retries=0) as f, pytest.raises(FetchError, match="larger than"):
        f.get(httpserver.url_for("/bomb"))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 30_000_000


def test_private_addresses_are_refused_by_default(httpserver):
    httpserver.expect_request("/x").respond_with_data("secret")
    with Fetcher(FetchSettings(backoff=0.01)) as f, pytest.raises(BlockedAddress):
        f.get(httpserver.url_for("/x"))
    assert len(httpserver.log) == 0  # refused before a request was sent


@pytest.mark.parametrize(
    "target",
    ["http://127.0.0.2:{port}/internal", "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/admin",
     "http://[fd00::1]:{port}/"],
)  # fmt: skip
def test_a_redirect_to_a_private_address_is_refused(httpserver, target):
    httpserver.expect_request("/jump").respond_with_data(
        "", status=302, headers={"Location": target.format(port=httpserver.port)}
    )
    started = time.monotonic()
    with fetcher(retries=0) as f, pytest.raises(BlockedAddress):
        f.get(httpserver.url_for("/jump"))
    assert time.monotonic() - started < 2  # refused before connecting, not after a timeout


def test_the_guard_can_be_switched_off(httpserver):
    httpserver.expect_request("/x").respond_with_data("intranet")
    with Fetcher(FetchSettings(allow_private_networks=True)) as f:
        assert f.get(httpserver.url_for("/x")).body == b"intranet"


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/feed", "gopher://x/", "http:///nohost"])
def test_only_http_and_https(url):
    with fetcher() as f, pytest.raises(FetchError, match="refused"):
        f.get(url)


@pytest.mark.parametrize(
    ("address", "public"),
    [("8.8.8.8", True), ("2606:4700::1111", True), ("127.0.0.1", False), ("10.1.2.3", False),
     ("172.16.0.1", False), ("192.168.1.1", False), ("169.254.169.254", False), ("100.64.0.1", False),
     ("0.0.0.0", False), ("::1", False), ("fe80::1", False), ("fc00::1", False), ("::ffff:127.0.0.1", False),
     ("224.0.0.1", False), ("240.0.0.1", False),
     # IPv6 forms that embed an IPv4 address are judged by it: mapped, NAT64 (RFC 6052), 6to4, compatible
     ("::ffff:10.0.0.1", False), ("::ffff:8.8.8.8", True), ("64:ff9b::7f00:1", False), ("64:ff9b::a00:1", False),
     ("64:ff9b::808:808", True), ("2002:7f00:1::1", False), ("2002:a9fe:a9fe::1", False), ("2002:808:808::1", True),
     ("::7f00:1", False), ("64:ff9b:1::a00:1", False)],
)  # fmt: skip
def test_is_public_address(address, public):
    assert is_public_address(address) is public


@pytest.mark.parametrize(
    ("address", "allowed"),
    [("10.20.3.4", True), ("10.21.0.1", False), ("192.168.1.7", True), ("192.168.1.8", False),
     ("fd00::5", True), ("::ffff:10.20.0.9", True), ("2002:a14:1::1", True), ("8.8.8.8", False)],
)  # fmt: skip
def test_allow_list_takes_addresses_and_cidr_ranges(address, allowed):
    ranges = parse_allow_list(["10.20.0.0/16", "192.168.1.7", "fd00::/8"])
    assert is_allowed(address, ranges) is allowed


def test_a_bad_allow_list_entry_is_named():
    with pytest.raises(ValueError, match=r"'10\.0\.0\.0/33'"):
        parse_allow_list(["10.0.0.1", "10.0.0.0/33"])


def test_an_allowed_range_lets_the_local_server_through(httpserver):
    httpserver.expect_request("/x").respond_with_data("intranet")
    with Fetcher(FetchSettings(allowed_addresses=frozenset({"127.0.0.0/8", "::1/128"}))) as f:
        assert f.get(httpserver.url_for("/x")).body == b"intranet"


def test_only_transient_failures_are_retried(httpserver):
    """A body over the cap, too many redirects or a refused scheme would only repeat: one attempt each."""
    httpserver.expect_request("/big").respond_with_data(b"y" * 3_000_000)
    httpserver.expect_request("/loop").respond_with_data("", status=302, headers={"Location": "/loop"})
    with fetcher(max_body=1_000_000, retries=3) as f:
        with pytest.raises(FetchError, match="larger than"):
            f.get(httpserver.url_for("/big"))
        with pytest.raises(FetchError, match="redirects"):
            f.get(httpserver.url_for("/loop"))
    paths = [request.path for request, _ in httpserver.log]
    assert paths.count("/big") == 1 and paths.count("/loop") == 6  # the first request and five redirects


def test_a_refused_connection_is_retried(httpserver):
    port = httpserver.port
    httpserver.stop()  # nothing listens there now: connection refused, a transient failure
    started = time.monotonic()
    with fetcher(retries=2, backoff=0.2) as f, pytest.raises(TransientError, match="connection failed"):
        f.get(f"http://127.0.0.1:{port}/x")
    assert time.monotonic() - started >= 0.2  # it backed off and tried again before giving up
    httpserver.start()


@pytest.mark.parametrize(
    ("body", "content_type", "text"),
    [
        ("café".encode("latin-1"), "text/html; charset=ISO-8859-1", "café"),
        (b"\xef\xbb\xbfcaf\xc3\xa9", "text/html; charset=latin-1", "café"),  # BOM wins
        (b'<meta charset="windows-1251">\xea\xee\xf4\xe5', "text/html", "кофе"),
        (b'<?xml version="1.0" encoding="iso-8859-1"?><a>caf\xe9</a>', "", "<a>café</a>"),
        ("café".encode(), "text/html", "café"),
        (b"caf\xe9", "text/html", "café"),
    ],
)  # fmt: skip
def test_decode_document(body, content_type, text):
    assert decode_document(body, content_type).endswith(text)


def test_parse_retry_after():
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert parse_retry_after("30") == 30
    assert parse_retry_after("Thu, 01 Jan 2026 00:01:00 GMT", now) == 60
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None
