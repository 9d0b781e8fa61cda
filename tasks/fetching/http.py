"""The one HTTP seam: every request newsflow makes goes through `Fetcher.get`.

It owns the User-Agent, connect/read timeouts and a total deadline, a body cap counted after decompression,
retries with backoff and jitter, Retry-After, redirects (at most five, each hop re-checked), and the address
guard: a connection to a private, loopback, link-local or reserved address is refused at the socket that was
actually connected (so DNS tricks and redirects cannot reach the user's network) unless
`allow_private_networks` is set.
"""

from __future__ import annotations

import ipaddress
import random
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ProtocolError

from tasks.reading.decode import decode_document

USER_AGENT = "newsflow/0.1 (+https://github.com/newsflow/newsflow; news ingestion; contact via the project page)"
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 15.0
DEADLINE = 30.0
MAX_BODY = 15 * 2**20
MAX_REDIRECTS = 5
RETRIES = 3
BACKOFF = 1.0
DEFAULT_RETRY_AFTER = 3600.0
CHUNK = 64 * 1024


class FetchError(Exception):
    """A fetch that failed for a reason worth recording (kept short: it goes into tables)."""


class BlockedAddress(FetchError):
    """The host resolved to, or connected to, an address outside the public internet."""


class TransientError(FetchError):
    """A failure that may pass: a refused or reset connection, a timeout, a body cut short. Worth a retry;
    everything else (a refused scheme, too many redirects, a body over the cap) is not."""


@dataclass(slots=True)
class Response:
    """What a fetch brought back: the final URL, status, headers and the (decompressed) body."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes = b""
    permanent_url: str | None = None  # where a 301/308 chain says the resource now lives
    elapsed: float = 0.0
    retry_after: float | None = None  # seconds, for 429/503

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    def text(self) -> str:
        """The body as text: BOM, then the Content-Type charset, then a <meta>/XML declaration, then UTF-8."""
        return decode_document(self.body, self.headers.get("content-type", ""))


@dataclass
class FetchSettings:
    user_agent: str = USER_AGENT
    connect_timeout: float = CONNECT_TIMEOUT
    read_timeout: float = READ_TIMEOUT
    deadline: float = DEADLINE
    max_body: int = MAX_BODY
    retries: int = RETRIES
    backoff: float = BACKOFF
    allow_private_networks: bool = False
    allowed_addresses: frozenset[str] = frozenset()  # private addresses or CIDR ranges trusted (an intranet feed)
    extra_headers: dict[str, str] = field(default_factory=dict)


NAT64 = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052: the IPv4 address is the last 32 bits
LOCAL_NAT64 = ipaddress.ip_network("64:ff9b:1::/48")  # RFC 8215: local use, embedding anywhere
IPV4_COMPATIBLE = ipaddress.ip_network("::/96")  # deprecated ::a.b.c.d


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one stands for: IPv4-mapped, NAT64, 6to4 or IPv4-compatible."""
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip.sixtofour:
        return ip.sixtofour
    if ip in NAT64 or (ip in IPV4_COMPATIBLE and int(ip) > 1):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public_address(address: str) -> bool:
    """True for a globally routable unicast address (not private, loopback, link-local, reserved, multicast),
    judging an IPv6 address that embeds an IPv4 one (mapped, NAT64, 6to4) by the IPv4 address."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        if ip in LOCAL_NAT64:
            return False
        ip = embedded_ipv4(ip) or ip
    return ip.is_global and not ip.is_multicast


AllowList = tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]


def parse_allow_list(entries) -> AllowList:
    """Addresses and CIDR ranges (`10.0.0.5`, `10.20.0.0/16`, `fd00::/8`); a ValueError names a bad one."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(str(entry).strip(), strict=False))
        except ValueError:
            raise ValueError(f"not an IP address or CIDR range: {entry!r}") from None
    return tuple(networks)


def is_allowed(address: str, allowed: AllowList) -> bool:
    """The address, or the IPv4 address it embeds, is in one of the allowed ranges."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    candidates = [ip]
    if isinstance(ip, ipaddress.IPv6Address) and (inner := embedded_ipv4(ip)):
        candidates.append(inner)
    return any(candidate in network for candidate in candidates for network in allowed)


class GuardedConnectionMixin:
    """Refuse non-public addresses twice: every address the host resolves to, before connecting; and the
    peer of the socket actually connected, before a byte of the request is sent (DNS can change between)."""

    allow_private = False
    allowed: AllowList = ()

    def permitted(self, address: str) -> bool:
        return self.allow_private or is_allowed(address, self.allowed) or is_public_address(address)

    def _new_conn(self):
        if not self.allow_private:
            try:
                infos = socket.getaddrinfo(self._dns_host, self.port, type=socket.SOCK_STREAM)
            except OSError:
                infos = []  # let the connection attempt report the resolution failure
            for info in infos:
                if not self.permitted(info[4][0]):
                    raise BlockedAddress(f"refused: {self.host} resolves to non-public address {info[4][0]}")
        sock = super()._new_conn()
        peer = sock.getpeername()[0]
        if not self.permitted(peer):
            sock.close()
            raise BlockedAddress(f"refused: {self.host} connects to non-public address {peer}")
        return sock


def guarded_pool_classes(allow_private: bool, allowed: AllowList = ()) -> dict[str, type]:
    attrs = {"allow_private": allow_private, "allowed": parse_allow_list(allowed)}
    http_conn = type("GuardedHTTPConnection", (GuardedConnectionMixin, HTTPConnection), attrs)
    https_conn = type("GuardedHTTPSConnection", (GuardedConnectionMixin, HTTPSConnection), attrs)
    return {
        "http": type("GuardedHTTPPool", (HTTPConnectionPool,), {"ConnectionCls": http_conn}),
        "https": type("GuardedHTTPSPool", (HTTPSConnectionPool,), {"ConnectionCls": https_conn}),
    }


class GuardedAdapter(HTTPAdapter):
    def __init__(self, allow_private: bool, allowed=(), **kwargs) -> None:
        self._pool_classes = guarded_pool_classes(allow_private, allowed)
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = self._pool_classes
        self.poolmanager.key_fn_by_scheme = dict(self.poolmanager.key_fn_by_scheme)


class Fetcher:
    """One requests Session for a run; thread-safe for different hosts (politeness lives in `tasks.fetching.polite`)."""

    def __init__(self, settings: FetchSettings | None = None) -> None:
        self.settings = settings or FetchSettings()
        self.session = requests.Session()
        self.session.trust_env = False  # a proxy from the environment would hide the address we must check
        self.session.headers.update(
            {
                "User-Agent": self.settings.user_agent,
                "Accept-Encoding": "gzip, deflate",
                **self.settings.extra_headers,
            }
        )
        adapter = GuardedAdapter(
            self.settings.allow_private_networks, self.settings.allowed_addresses, pool_connections=32, pool_maxsize=8
        )
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def post_json(self, url: str, payload: dict) -> int:
        """POST a JSON body once (no redirects followed); returns the status, raises FetchError on a refused URL,
        a failed connection or a non-2xx answer."""
        check_url(url)
        timeout = (self.settings.connect_timeout, min(self.settings.read_timeout, self.settings.deadline))
        try:
            raw = self.session.post(url, json=payload, timeout=timeout, allow_redirects=False)
        except BlockedAddress:
            raise
        except requests.exceptions.RequestException as error:
            raise TransientError(f"POST failed: {short(error)}") from None
        raw.close()
        if not 200 <= raw.status_code < 300:
            raise FetchError(f"POST answered HTTP {raw.status_code}")
        return raw.status_code

    def get(self, url: str, headers: dict[str, str] | None = None, accept: str | None = None) -> Response:
        """GET with retries on transient failures (connection errors, timeouts, bodies cut short) and 5xx (not
        429, nor 503 with Retry-After: those return); a failure that would only repeat is raised at once."""
        attempt = 0
        while True:
            try:
                response = self.follow(url, headers or {}, accept)
            except TransientError:
                if attempt >= self.settings.retries:
                    raise
            else:
                retryable = response.status >= 500 and not (response.status == 503 and response.retry_after)
                if not retryable or attempt >= self.settings.retries:
                    return response
            attempt += 1
            time.sleep(self.settings.backoff * 2 ** (attempt - 1) * (0.5 + random.random()))

    def follow(self, url: str, headers: dict[str, str], accept: str | None) -> Response:
        """One attempt: follow up to five redirects by hand, checking each hop's scheme and address."""
        started = time.monotonic()
        permanent: str | None = None
        all_permanent = True
        for _ in range(MAX_REDIRECTS + 1):
            check_url(url)
            response = self.request_once(url, headers, accept, started)
            if response.status in (301, 302, 303, 307, 308) and "location" in response.headers:
                url = urljoin(url, response.headers["location"])
                all_permanent = all_permanent and response.status in (301, 308)
                permanent = url if all_permanent else permanent
                continue
            response.permanent_url = permanent if all_permanent else None
            response.elapsed = time.monotonic() - started
            return response
        raise FetchError(f"more than {MAX_REDIRECTS} redirects")

    def request_once(self, url: str, headers: dict[str, str], accept: str | None, started: float) -> Response:
        remaining = self.settings.deadline - (time.monotonic() - started)
        if remaining <= 0:
            raise TransientError(f"deadline of {self.settings.deadline:g}s passed")
        request_headers = dict(headers)
        if accept:
            request_headers["Accept"] = accept
        timeout = (min(self.settings.connect_timeout, remaining), min(self.settings.read_timeout, remaining))
        try:
            raw = self.session.get(url, headers=request_headers, timeout=timeout, stream=True, allow_redirects=False)
        except BlockedAddress:
            raise
        except requests.exceptions.SSLError as error:  # a bad certificate stays bad
            raise FetchError(f"TLS failed: {short(error)}") from None
        except requests.exceptions.ConnectionError as error:
            cause = find_blocked(error)
            if cause:
                raise cause from None
            raise TransientError(f"connection failed: {short(error)}") from None
        except requests.exceptions.Timeout:
            raise TransientError("timed out connecting") from None
        except requests.exceptions.RequestException as error:  # an invalid URL or header: it would only repeat
            raise FetchError(f"request failed: {short(error)}") from None
        # a watchdog closes the connection at the deadline, so a trickling body cannot hold the run
        timer = threading.Timer(max(0.0, self.settings.deadline - (time.monotonic() - started)), cut_off, [raw])
        timer.daemon = True
        timer.start()
        try:
            body = b"" if raw.status_code in (204, 304) or 300 <= raw.status_code < 400 else self.read_body(raw)
        except FetchError:
            if time.monotonic() - started >= self.settings.deadline - 0.05:
                raise TransientError(f"deadline of {self.settings.deadline:g}s passed while reading the body") from None
            raise
        finally:
            timer.cancel()
            raw.close()
        if time.monotonic() - started > self.settings.deadline:
            raise TransientError(f"deadline of {self.settings.deadline:g}s passed while reading the body")
        response_headers = {k.lower(): v for k, v in raw.headers.items()}
        return Response(
            url=url,
            status=raw.status_code,
            headers=response_headers,
            body=body,
            retry_after=parse_retry_after(response_headers.get("retry-after")),
        )

    def read_body(self, raw: requests.Response) -> bytes:
        """Read the decompressed body, refusing it once it passes the cap (so a gzip bomb stops there)."""
        cap = self.settings.max_body
        declared = raw.headers.get("content-length")
        if declared and declared.isdigit() and "content-encoding" not in raw.headers and int(declared) > cap:
            raise FetchError(f"body larger than {cap // 2**20} MiB (Content-Length {declared})")
        parts, size = [], 0
        try:
            while True:
                chunk = raw.raw.read(CHUNK, decode_content=True)
                if not chunk:
                    break
                size += len(chunk)
                if size > cap:
                    raise FetchError(f"body larger than {cap // 2**20} MiB")
                parts.append(chunk)
        except (ProtocolError, OSError, ValueError, AttributeError) as error:
            raise TransientError(f"body read failed: {short(error)}") from None
        except requests.exceptions.RequestException as error:
            raise TransientError(f"body read failed: {short(error)}") from None
        return b"".join(parts)


def cut_off(raw: requests.Response) -> None:
    """Shut the socket down under a blocked read (closing it from another thread would not wake the read)."""
    try:
        raw.raw.shutdown()
    except Exception:
        raw.close()


def check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError(f"refused: only http and https URLs are fetched, not {parts.scheme or 'no scheme'}")
    if not parts.hostname:
        raise FetchError("refused: the URL has no host")


def find_blocked(error: BaseException) -> BlockedAddress | None:
    """requests wraps our BlockedAddress in several layers; find it."""
    seen = set()
    stack = [error]
    while stack:
        item = stack.pop()
        if item is None or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, BlockedAddress):
            return item
        stack.extend([item.__cause__, item.__context__])
        stack.extend(a for a in getattr(item, "args", ()) if isinstance(a, BaseException))
        reason = getattr(item, "reason", None)
        if isinstance(reason, BaseException):
            stack.append(reason)
    return None


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After in seconds, from delta-seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def short(error: BaseException) -> str:
    text = str(error)
    return text if len(text) <= 200 else text[:197] + "…"
