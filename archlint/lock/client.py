"""A small client of the OCI Distribution API (registry v2) on the standard library's
``http.client``: what ``archlint lock`` and ``archlint check --online`` need, nothing more.

- ``GET /v2/<name>/manifests/<tag or digest>`` with the index and manifest media types, and the
  configuration blob of a single-platform manifest (its ``os``/``architecture``/``variant``);
- authentication: the bearer-token challenge (``WWW-Authenticate: Bearer realm=...,service=...,
  scope=...``; anonymous unless credentials are known for the registry) and HTTP Basic, with
  static credentials only (``credentials.py``);
- a credential is never sent to another host: a redirect (blob storage) to another host and port
  goes without ``Authorization``, a redirect that carries a user name is refused, only the
  registry's own ``401`` is answered (not one from a host it redirected to), and a token realm
  gets the registry's credentials only on the registry's own host name or, over HTTPS, a host of
  the same parent domain (``auth.docker.io`` for ``registry-1.docker.io``);
- what a server says is data: a token must be visible ASCII (it goes into a header), and every
  message built from an answer keeps printable characters only (no terminal escapes in a CI log);
- TLS is verified, except for registries marked insecure (HTTPS without verification, then plain
  HTTP) and loopback registries (plain HTTP, as Docker does);
- every request has one deadline for all of it: name resolution, connection, TLS handshake,
  status line, headers (and any number of ``100 Continue``), body and trailers; each read from
  the socket waits at most the time left, so a server that sends a byte a second ends with the
  timeout like one that sends nothing; every body has a size limit,
  ``429``/``503`` with ``Retry-After`` are retried twice after a bounded wait, and a host that
  timed out or refused a connection is not asked again in the same run: the rest of its images
  fail at once with the same reason (a registry that accepts connections and never answers
  costs one timeout, not one per image).

Nothing here runs a program, and nothing is written: callers get ``Resolved`` or
``RegistryError``.
"""
from __future__ import annotations

import base64
import hashlib
import http.client
import io
import json
import re
import socket
import ssl
import threading
import time
from urllib.parse import quote, urlencode, urlsplit

from . import names
from .file import MAX_MANIFESTS, MAX_PLATFORMS, Entry, platform_string

INDEX_TYPES = ("application/vnd.oci.image.index.v1+json",
               "application/vnd.docker.distribution.manifest.list.v2+json")
MANIFEST_TYPES = ("application/vnd.oci.image.manifest.v1+json",
                  "application/vnd.docker.distribution.manifest.v2+json")
SCHEMA1_TYPES = ("application/vnd.docker.distribution.manifest.v1+prettyjws",
                 "application/vnd.docker.distribution.manifest.v1+json")
ACCEPT = ", ".join(INDEX_TYPES + MANIFEST_TYPES)
MAX_MANIFEST = 4 << 20  # what containerd accepts for a manifest
MAX_CONFIG = 8 << 20
MAX_TOKEN = 1 << 20
MAX_REDIRECTS = 5
#: a bearer token as it may go into a header: visible ASCII, no space (RFC 6750's b64token and
#: the JWTs registries give are a subset)
_TOKEN = re.compile(r"[\x21-\x7e]{1,65536}\Z")
RETRIES = 2
DEFAULT_TIMEOUT = 10.0
USER_AGENT = "archlint-lock"


class RegistryError(Exception):
    """Why an image could not be resolved.  ``missing``: the registry says it has no such
    image (404, or ``MANIFEST_UNKNOWN``/``NAME_UNKNOWN``)."""

    def __init__(self, message: str, missing: bool = False):
        message = _printable(message)
        super().__init__(message)
        self.message, self.missing = message, missing


def _printable(text: str, limit: int = 500) -> str:
    """``text`` with every character that is not printable (controls, escapes, line breaks) as
    ``?``, cut at ``limit``: messages quote what servers say."""
    text = str(text)[:limit]
    return "".join(c if c.isprintable() else "?" for c in text)


class _HostDown(RegistryError):
    pass


def _challenge(header: str) -> tuple[str, dict]:
    """(scheme, parameters) of a ``WWW-Authenticate`` header (one challenge, quoted or bare
    values); linear in the header's length."""
    scheme, _, rest = header.strip().partition(" ")
    params: dict = {}
    i, n = 0, len(rest)
    while i < n:
        while i < n and rest[i] in " ,":
            i += 1
        eq = rest.find("=", i)
        if eq < 0:
            break
        k = rest[i:eq].strip().lower()
        i = eq + 1
        if i < n and rest[i] == '"':
            j = i + 1
            buf = []
            while j < n and rest[j] != '"':
                if rest[j] == "\\" and j + 1 < n:
                    j += 1
                buf.append(rest[j])
                j += 1
            params[k] = "".join(buf)
            i = j + 1
        else:
            j = rest.find(",", i)
            j = n if j < 0 else j
            params[k] = rest[i:j].strip()
            i = j
    return scheme.lower(), params


def _hostname(netloc: str) -> str:
    h = netloc.rsplit("@", 1)[-1]
    if h.startswith("["):
        return h[: h.find("]") + 1].lower()
    return h.split(":", 1)[0].lower()


def _is_ip(host: str) -> bool:
    if host.startswith("["):
        return True
    try:
        socket.inet_aton(host)
        return all(p.isdigit() for p in host.split("."))
    except OSError:
        return False


def same_site(registry_netloc: str, url: str) -> bool:
    """Whether a token realm at ``url`` may receive the credentials of the registry at
    ``registry_netloc``: the same host name, or (HTTPS only) a name of the same parent domain
    (``auth.docker.io`` / ``registry-1.docker.io``)."""
    parts = urlsplit(url)
    a, b = _hostname(registry_netloc), _hostname(parts.netloc)
    if a == b:
        return True
    if parts.scheme != "https" or _is_ip(a) or _is_ip(b) or "." not in a or "." not in b:
        return False
    return a.split(".")[-2:] == b.split(".")[-2:] and len(b.split(".")) >= 2


class Resolved:
    """What a registry says about one reference: the digest of the manifest the reference
    names, whether it is an index, and the platforms it publishes."""

    __slots__ = ("digest", "kind", "platforms", "manifests")

    def __init__(self, digest: str, kind: str, platforms, manifests=()):
        self.digest, self.kind, self.platforms = digest, kind, tuple(platforms)
        self.manifests = tuple(manifests)

    def entry(self, key: str) -> Entry:
        return Entry(key, self.digest, self.kind, self.platforms, self.manifests)


class Client:
    """One run's registry client; safe to share between threads."""

    def __init__(self, insecure=(), timeout: float = DEFAULT_TIMEOUT, credentials=None,
                 max_manifest: int = MAX_MANIFEST, max_retry_wait: float | None = None):
        self.insecure = {h.lower() for h in insecure}
        self.timeout = float(timeout)
        self.credentials = credentials or {}  # registry host (key form) -> (user, password)
        self.max_manifest = max_manifest
        self.max_retry_wait = self.timeout if max_retry_wait is None else max_retry_wait
        self._tokens: dict = {}  # (netloc, scope) -> Authorization value
        self._basic: set = set()  # netlocs that asked for Basic
        self._down: dict = {}  # netloc -> the reason it is not asked again
        self._http: set = set()  # insecure hosts that turned out to speak plain HTTP
        self._dns: dict = {}  # (host, port) -> getaddrinfo's answer
        self._mutex = threading.Lock()
        self._local = threading.local()  # per thread: (scheme, netloc) -> kept-alive connection
        self._opened: list = []

    # ---- the public part ---------------------------------------------------------------------

    def resolve(self, ref: names.Ref, digest_only: bool = False) -> Resolved:
        """The digest, kind and platforms of ``ref`` (the digest alone with ``digest_only``);
        RegistryError when they cannot be known."""
        body, ctype = self._manifest(ref, ref.reference)
        digest = "sha256:" + hashlib.sha256(body).hexdigest()
        if ref.digest and not ref.tag:
            algo, _, want = ref.digest.partition(":")
            got = hashlib.new(algo, body).hexdigest()
            if got != want:
                raise RegistryError(f"the manifest served for {ref.digest} has another digest")
            digest = ref.digest
        if digest_only:
            return Resolved(digest, "", ())
        doc = _json(body, "manifest")
        mtype = doc.get("mediaType") if isinstance(doc.get("mediaType"), str) else ctype
        if mtype in INDEX_TYPES or (mtype not in MANIFEST_TYPES and isinstance(doc.get("manifests"), list)):
            return Resolved(digest, "index", *_index_platforms(doc))
        if mtype in SCHEMA1_TYPES or doc.get("schemaVersion") == 1:
            p = platform_string("linux", str(doc.get("architecture") or ""))
            return Resolved(digest, "manifest", [p] if p else [])
        cfg = doc.get("config")
        if not isinstance(cfg, dict) or not isinstance(cfg.get("digest"), str) or not names.DIGEST.match(cfg["digest"]):
            raise RegistryError(f"unsupported manifest ({str(mtype)[:80]})")
        blob = self._blob(ref, cfg["digest"])
        conf = _json(blob, "image configuration")
        p = platform_string(str(conf.get("os") or ""), str(conf.get("architecture") or ""),
                            str(conf.get("variant") or ""))
        return Resolved(digest, "manifest", [p] if p else [])

    def close(self) -> None:
        """Close every connection the client opened (in any thread)."""
        with self._mutex:
            opened, self._opened = self._opened, []
        for c in opened:
            c.close()

    # ---- endpoints -----------------------------------------------------------------------------

    def _manifest(self, ref, reference: str) -> tuple[bytes, str]:
        status, headers, body = self._get(ref, f"manifests/{quote(reference, safe=':')}", ACCEPT, self.max_manifest)
        return body, (headers.get("content-type") or "").split(";")[0].strip()

    def _blob(self, ref, digest: str) -> bytes:
        _status, _headers, body = self._get(ref, f"blobs/{digest}", "*/*", MAX_CONFIG)
        algo, _, want = digest.partition(":")
        if hashlib.new(algo, body).hexdigest() != want:
            raise RegistryError(f"the configuration blob served for {digest} has another digest")
        return body

    def _base(self, host: str) -> str:
        h = host.lower()
        if names.loopback(h) and h not in self.insecure or h in self._http:
            return f"http://{host}"
        return f"https://{host}"

    def _get(self, ref, path: str, accept: str, limit: int):
        netloc = ref.api_host
        scope = f"repository:{ref.repository}:pull"
        url = f"{self._base(netloc)}/v2/{ref.repository}/{path}"
        authed = False
        for _attempt in range(3):
            auth = self._tokens.get((netloc, scope)) or self._basic_header(ref, netloc)
            status, headers, body, where = self._follow(url, netloc, accept, auth, limit)
            if status == 401 and not authed and where == netloc.lower():  # the registry's own challenge
                authed = True
                if self._authenticate(ref, netloc, scope, headers.get("www-authenticate") or ""):
                    continue
            if 200 <= status < 300:
                return status, headers, body
            raise self._error(status, body, ref)
        raise RegistryError("authentication failed")

    def _basic_header(self, ref, netloc: str) -> str | None:
        if netloc in self._basic:
            cred = self.credentials.get(ref.host)
            if cred:
                return "Basic " + base64.b64encode(f"{cred[0]}:{cred[1]}".encode()).decode()
        return None

    def _authenticate(self, ref, netloc: str, scope: str, header: str) -> bool:
        """Answer a 401's challenge: remember a token (Bearer) or that Basic is wanted."""
        scheme, params = _challenge(header[:8192])
        if scheme == "basic":
            if not self.credentials.get(ref.host):
                raise RegistryError("the registry wants credentials and none are configured for it")
            with self._mutex:
                self._basic.add(netloc)
            return True
        if scheme != "bearer" or not params.get("realm"):
            return False
        realm = params["realm"]
        parts = urlsplit(realm)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise RegistryError("the registry's token realm is not an HTTP URL")
        if "@" in parts.netloc:
            raise RegistryError("the registry's token realm carries a user name")
        query = {"service": params["service"]} if params.get("service") else {}
        query["scope"] = params.get("scope") or scope
        token_url = realm + ("&" if "?" in realm else "?") + urlencode(query)
        auth = None
        cred = self.credentials.get(ref.host)
        if cred and same_site(netloc, realm) and (parts.scheme == "https" or names.loopback(parts.netloc)):
            auth = "Basic " + base64.b64encode(f"{cred[0]}:{cred[1]}".encode()).decode()
        status, _h, body, _where = self._follow(token_url, parts.netloc, "application/json", auth, MAX_TOKEN)
        if status != 200:
            raise RegistryError(f"the token service answered HTTP {status}")
        doc = _json(body, "token answer")
        token = doc.get("token") or doc.get("access_token")
        token = token.strip() if isinstance(token, str) else None
        if token is None or not _TOKEN.match(token):  # it goes into a header as it is
            raise RegistryError("the token service gave no token")
        with self._mutex:
            self._tokens[(netloc, scope)] = f"Bearer {token}"
        return True

    def _error(self, status: int, body: bytes, ref) -> RegistryError:
        codes = ""
        try:
            errs = json.loads(body[:65536]).get("errors") or []
            codes = ", ".join(str(e.get("code")) for e in errs if isinstance(e, dict))[:200]
        except (ValueError, AttributeError, RecursionError):
            pass
        if status == 404 or "MANIFEST_UNKNOWN" in codes or "NAME_UNKNOWN" in codes:
            return RegistryError("not found in the registry", missing=True)
        if status in (401, 403):
            return RegistryError(f"access denied (HTTP {status}{': ' + codes if codes else ''})")
        return RegistryError(f"HTTP {status}{': ' + codes if codes else ''}")

    # ---- HTTP ----------------------------------------------------------------------------------

    def _follow(self, url: str, origin: str, accept: str, auth: str | None, limit: int):
        """GET ``url``, following redirects; ``auth`` goes only to ``origin`` (host and port).
        (status, headers, body, the host and port that answered, in lower case)."""
        for _ in range(MAX_REDIRECTS + 1):
            parts = urlsplit(url)
            send = auth if parts.netloc.lower() == origin.lower() else None
            status, headers, body = self._retrying(parts, accept, send, limit)
            if status in (301, 302, 303, 307, 308) and headers.get("location"):
                nxt = urlsplit(_join(url, headers["location"]))
                if nxt.scheme not in ("http", "https"):
                    raise RegistryError("redirected to a non-HTTP URL")
                if "@" in nxt.netloc:
                    raise RegistryError("redirected to a URL with a user name")
                if parts.scheme == "https" and nxt.scheme == "http" and not names.loopback(nxt.netloc):
                    raise RegistryError("redirected from HTTPS to plain HTTP")
                url = nxt.geturl()
                continue
            return status, headers, body, parts.netloc.lower()
        raise RegistryError("too many redirects")

    def _retrying(self, parts, accept, auth, limit):
        for attempt in range(RETRIES + 1):
            status, headers, body = self._once(parts, accept, auth, limit)
            if status not in (429, 503) or attempt == RETRIES:
                return status, headers, body
            wait = _retry_after(headers.get("retry-after"))
            if wait is None or wait > self.max_retry_wait:
                return status, headers, body
            time.sleep(wait)
        return status, headers, body

    def _once(self, parts, accept: str, auth: str | None, limit: int):
        try:
            host, port = parts.hostname, parts.port
        except ValueError:
            raise RegistryError(f"not a URL a registry can be reached at: {parts.netloc[:100]}") from None
        if not host:
            raise RegistryError("a URL without a host")
        netloc = parts.netloc.lower()
        down = self._down.get(netloc)
        if down is not None:
            raise _HostDown(down)
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        headers = {"Accept": accept, "User-Agent": USER_AGENT, "Host": netloc}
        if auth:
            headers["Authorization"] = auth
        deadline = time.monotonic() + self.timeout
        for fresh in (False, True):
            conn, reused = self._conn(parts.scheme, netloc, host, port, fresh)
            conn.deadline = deadline
            try:
                conn.request("GET", path, headers=headers)
                resp = conn.getresponse()
                return resp.status, {k.lower(): v for k, v in resp.getheaders()}, _read(conn, resp, limit)
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as e:
                self._drop(parts.scheme, netloc)
                if reused and not fresh:
                    continue  # a kept-alive connection the server had closed: once more, anew
                raise self._mark_down(netloc, f"the connection was closed ({type(e).__name__})")
            except ssl.SSLError as e:
                self._drop(parts.scheme, netloc)
                if parts.scheme == "https" and _hostname(netloc) in {_hostname(h) for h in self.insecure} \
                        and netloc not in self._http:
                    with self._mutex:
                        self._http.add(netloc)
                    raise RegistryError(f"TLS failed ({e.reason or e}); plain HTTP will be used for the next request")
                raise self._mark_down(netloc, f"TLS failed: {e.reason or e}")
            except (socket.timeout, TimeoutError):
                self._drop(parts.scheme, netloc)
                raise self._mark_down(netloc, f"no answer within {self.timeout:g} s")
            except RegistryError:
                self._drop(parts.scheme, netloc)
                raise
            except (OSError, http.client.HTTPException) as e:
                self._drop(parts.scheme, netloc)
                reason = getattr(e, "strerror", None) or type(e).__name__
                raise self._mark_down(netloc, f"cannot connect: {reason}")
            except ValueError as e:  # a header http.client refuses; its text may hold a credential
                self._drop(parts.scheme, netloc)
                raise RegistryError(f"the request could not be made ({type(e).__name__})") from None
        raise RegistryError("no answer")  # not reached

    def _mark_down(self, netloc: str, reason: str) -> RegistryError:
        with self._mutex:
            self._down.setdefault(netloc, f"{netloc}: {reason}")
        return RegistryError(self._down[netloc])

    def _conn(self, scheme: str, netloc: str, host: str, port, fresh: bool):
        conns = getattr(self._local, "conns", None)
        if conns is None:
            conns = self._local.conns = {}
        key = (scheme, netloc)
        c = conns.get(key)
        if c is not None and not fresh:
            return c, True
        if c is not None:
            c.close()
        tls = None
        if scheme == "https":
            if _hostname(netloc) in {_hostname(h) for h in self.insecure}:
                tls = ssl._create_unverified_context()
            else:
                tls = ssl.create_default_context()
        c = _Connection(host, port or (443 if tls else 80), tls, self._addresses)
        conns[key] = c
        with self._mutex:
            self._opened.append(c)
        return c, False

    def _drop(self, scheme: str, netloc: str) -> None:
        conns = getattr(self._local, "conns", None) or {}
        c = conns.pop((scheme, netloc), None)
        if c is not None:
            c.close()

    def _addresses(self, host: str, port: int, deadline: float) -> list:
        """The addresses of ``host`` (kept for the run), asked of the resolver in a thread of
        its own so that a resolver that never answers costs the time left, not its own
        timeouts and retries."""
        key = (host, port)
        hit = self._dns.get(key)
        if hit is not None:
            return hit
        try:  # an address already: no resolver
            return socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM, 0, socket.AI_NUMERICHOST)
        except OSError:
            pass
        box: list = []

        def ask():
            try:
                box.append(socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM))
            except OSError as e:
                box.append(e)

        t = threading.Thread(target=ask, name="archlint-dns", daemon=True)
        t.start()
        t.join(_left(deadline))
        if not box:
            raise socket.timeout("name resolution")
        if isinstance(box[0], OSError):
            raise box[0]
        with self._mutex:
            self._dns[key] = box[0]
        return box[0]


class _Connection(http.client.HTTPConnection):
    """An HTTP(S) connection whose every step ends by ``self.deadline`` (a ``time.monotonic``
    value the caller sets before each request): connecting, the TLS handshake, sending, and
    every read of the answer, each waiting at most the time left."""

    def __init__(self, host: str, port: int, tls, addresses):
        super().__init__(host, port)
        self.tls, self.addresses, self.deadline = tls, addresses, 0.0

    def connect(self):
        last: OSError | None = None
        for family, kind, proto, _name, address in self.addresses(self.host, self.port, self.deadline):
            s = socket.socket(family, kind, proto)
            try:
                s.settimeout(_left(self.deadline))
                s.connect(address)
            except OSError as e:
                s.close()
                last = e
                if isinstance(e, TimeoutError):
                    raise
                continue
            break
        else:
            raise last or OSError("no address")
        try:
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if self.tls is not None:
                s.settimeout(_left(self.deadline))  # the handshake's deadline is for all of it
                s = self.tls.wrap_socket(s, server_hostname=self.host)
        except BaseException:
            s.close()
            raise
        self.sock = _DeadlineSocket(s, self)


class _DeadlineSocket:
    """A connected socket as ``http.client`` uses it (``sendall``, ``makefile("rb")``,
    ``close``), each operation bounded by its connection's deadline."""

    def __init__(self, sock, conn):
        self.sock, self.conn = sock, conn

    def sendall(self, data) -> None:
        self.sock.settimeout(_left(self.conn.deadline))  # sendall's timeout is for all of it
        self.sock.sendall(data)

    def makefile(self, mode="rb", *args, **kwargs):
        return io.BufferedReader(_DeadlineReader(self))

    def recv_into(self, buf) -> int:
        self.sock.settimeout(_left(self.conn.deadline))
        return self.sock.recv_into(buf)

    def settimeout(self, value) -> None:
        self.sock.settimeout(value)

    def close(self) -> None:
        self.sock.close()


class _DeadlineReader(io.RawIOBase):
    def __init__(self, sock: _DeadlineSocket):
        self.sock = sock

    def readable(self) -> bool:
        return True

    def readinto(self, buf) -> int:
        return self.sock.recv_into(buf)


def _left(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise socket.timeout("deadline")
    return left


def _read(conn, resp, limit: int) -> bytes:
    """The body, at most ``limit`` bytes (RegistryError beyond); every read bounded by the
    connection's deadline."""
    length = resp.getheader("content-length")
    if length is not None and length.strip().isdigit() and int(length) > limit:
        resp.close()
        conn.close()
        raise RegistryError(f"the answer is {int(length)} bytes, over the limit of {limit}")
    chunks, size = [], 0
    while True:
        chunk = resp.read(65536)
        if not chunk:
            break
        size += len(chunk)
        if size > limit:
            resp.close()
            conn.close()
            raise RegistryError(f"the answer is over the limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _retry_after(value) -> float | None:
    if value is None:
        return 1.0
    v = value.strip()
    if v.isdigit():
        return float(v)
    try:
        from email.utils import parsedate_to_datetime

        when = parsedate_to_datetime(v).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return max(0.0, when - time.time())


def _join(base: str, location: str) -> str:
    from urllib.parse import urljoin

    return urljoin(base, location.strip())


def _json(body: bytes, what: str) -> dict:
    try:
        doc = json.loads(body)
    except (ValueError, RecursionError):
        raise RegistryError(f"the {what} is not JSON") from None
    if not isinstance(doc, dict):
        raise RegistryError(f"the {what} is not a JSON object")
    return doc


def _index_platforms(doc: dict) -> tuple[list, list]:
    """(the platforms an index publishes, the digests of its platform manifests), each sorted.
    Attestations (``unknown/unknown``, ``vnd.docker.reference.type``) are neither.  When one
    manifest's platform cannot be told (no ``platform``, a nested index, a platform archlint
    cannot spell), the platforms are unknown (an empty list): an incomplete list would make a
    finding of a platform the index may well publish."""
    out, digests, unknown = set(), set(), False
    for m in doc.get("manifests") or ():
        if not isinstance(m, dict):
            continue
        ann = m.get("annotations")
        if isinstance(ann, dict) and "vnd.docker.reference.type" in ann:
            continue
        p = m.get("platform")
        if isinstance(p, dict) and (str(p.get("os") or "").lower() == "unknown"
                                    or str(p.get("architecture") or "").lower() == "unknown"):
            continue  # an attestation without BuildKit's annotation
        d = m.get("digest")
        if isinstance(d, str) and names.DIGEST.match(d):
            digests.add(d)
        s = None
        if isinstance(p, dict) and m.get("mediaType") not in INDEX_TYPES:
            s = platform_string(str(p.get("os") or ""), str(p.get("architecture") or ""),
                                str(p.get("variant") or ""))
        if s:
            out.add(s)
        else:
            unknown = True
    if len(out) > MAX_PLATFORMS:
        unknown = True  # more than a lock line may hold
    return ([] if unknown else sorted(out)), (sorted(digests) if len(digests) <= MAX_MANIFESTS else [])
