"""The registry client against hostile or broken servers of the test's own, on loopback: every
request ends by its deadline whatever the server does (drips, endless ``100 Continue``, endless
trailers, a TLS handshake that never ends), a credential or token never reaches a log or another
host, and what a server says reaches a message as printable text only."""
from __future__ import annotations

import base64
import hashlib
import json
import socket
import threading
import time

import pytest

from archlint.lock import names
from archlint.lock.client import Client, RegistryError
from helpers import best_time

CONFIG = json.dumps({"architecture": "amd64", "os": "linux"}).encode()
CONFIG_DIGEST = "sha256:" + hashlib.sha256(CONFIG).hexdigest()


class RawServer:
    """A loopback TCP server that hands every accepted connection to ``serve(conn)`` in a thread
    of its own; ``close`` ends them all."""

    def __init__(self, serve):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.netloc = f"127.0.0.1:{self.sock.getsockname()[1]}"
        self.serve, self.conns, self.closed, self.requests = serve, [], threading.Event(), []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.closed.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(conn)
            threading.Thread(target=self._run, args=(conn,), daemon=True).start()

    def _run(self, conn):
        try:
            self.requests.append(conn.recv(65536))  # the request
            self.serve(self, conn)
        except OSError:
            pass

    def drip(self, conn, data: bytes, every: float = 0.1):
        for i in range(len(data)):
            if self.closed.is_set():
                return
            conn.sendall(data[i:i + 1])
            time.sleep(every)

    def close(self):
        self.closed.set()
        self.sock.close()
        for c in self.conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            c.close()


@pytest.fixture
def raw():
    made = []

    def make(serve):
        s = RawServer(serve)
        made.append(s)
        return s

    yield make
    for s in made:
        s.close()


def _ends(call, within: float):
    """Run ``call`` in a thread; its outcome (result or exception) and the time it took; the
    test fails, not hangs, when it takes longer than ``within``."""
    box: list = []

    def run():
        try:
            box.append(("ok", call()))
        except BaseException as e:  # noqa: BLE001 - the outcome is the test's to judge
            box.append(("error", e))

    t0 = time.monotonic()
    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(within)
    took = time.monotonic() - t0
    assert box, f"still running after {within} s"
    return box[0], took


def _resolve(netloc: str, timeout: float = 1.0, **kw):
    c = Client(timeout=timeout, **kw)
    return lambda: c.resolve(names.parse(f"{netloc}/a/b:1"))


HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/vnd.oci.image.manifest.v1+json\r\n"


@pytest.mark.parametrize("how", ["body", "headers", "status line"])
def test_a_server_that_sends_a_byte_at_a_time_ends_with_the_timeout(raw, how):
    def serve(server, conn):
        if how == "body":
            conn.sendall(HEAD + b"Content-Length: 500\r\n\r\n")
            server.drip(conn, b"{" * 500)
        elif how == "headers":
            conn.sendall(HEAD)
            server.drip(conn, b"X-Slow: " + b"x" * 500)
        else:
            server.drip(conn, HEAD)

    s = raw(serve)
    (outcome, err), took = _ends(_resolve(s.netloc), 10)
    assert outcome == "error" and isinstance(err, RegistryError), err
    assert err.message == f"{s.netloc}: no answer within 1 s"
    assert took < 2.5, took


def test_endless_100_continue_ends_with_the_timeout(raw):
    def serve(server, conn):
        while not server.closed.is_set():
            conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n" * 64)

    s = raw(serve)
    (outcome, err), took = _ends(_resolve(s.netloc), 10)
    assert outcome == "error" and "no answer within 1 s" in err.message
    assert took < 2.5, took


def test_endless_chunked_trailers_end_with_the_timeout(raw):
    def serve(server, conn):
        conn.sendall(HEAD + b"Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n")
        while not server.closed.is_set():
            conn.sendall(b"X-Trailer: again\r\n" * 256)

    s = raw(serve)
    (outcome, err), took = _ends(_resolve(s.netloc), 10)
    assert outcome == "error" and "no answer within 1 s" in err.message
    assert took < 2.5, took


def test_a_tls_handshake_that_drips_ends_with_the_timeout(raw):
    def serve(server, conn):
        server.drip(conn, b"\x16\x03\x03\x40\x00" + b"\x02" * 200)  # a ServerHello record, slowly

    s = raw(serve)
    # an insecure-marked loopback registry is asked over HTTPS first
    (outcome, err), took = _ends(_resolve(s.netloc, insecure=[s.netloc]), 10)
    assert outcome == "error" and "no answer within 1 s" in err.message, err
    assert took < 2.5, took


def test_a_host_that_never_answers_costs_one_timeout_for_all_its_images(raw):
    """Ten images on a host that answers nothing: one timeout for the first, then at once."""
    s = raw(lambda server, conn: server.closed.wait(30))
    c = Client(timeout=1)

    def all_of_them():
        out = []
        for n in range(10):
            try:
                c.resolve(names.parse(f"{s.netloc}/a/b{n}:1"))
            except RegistryError as e:
                out.append(e.message)
        return out

    (outcome, messages), took = _ends(all_of_them, 10)
    assert outcome == "ok" and messages == [f"{s.netloc}: no answer within 1 s"] * 10
    assert took < 2.5, took


# ---- what servers say is data -------------------------------------------------------------------


def _http(status: int, headers: dict, body: bytes = b"") -> bytes:
    head = f"HTTP/1.1 {status} X\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return head.encode("latin-1") + f"Content-Length: {len(body)}\r\n\r\n".encode() + body


def test_terminal_escapes_in_an_answer_do_not_reach_the_message(raw):
    body = json.dumps({"errors": [{"code": "DENIED\x1b]0;owned\x07\x1b[2J\nfake: line"}]}).encode()
    s = raw(lambda server, conn: conn.sendall(_http(500, {"Content-Type": "application/json"}, body)))
    with pytest.raises(RegistryError) as e:
        _resolve(s.netloc)()
    assert e.value.message.startswith("HTTP 500: DENIED?]0;owned??[2J?fake: line")
    assert all(c.isprintable() for c in e.value.message) and str(e.value) == e.value.message


def test_a_bad_status_line_is_quoted_printably(raw):
    s = raw(lambda server, conn: conn.sendall(b"\x1b[31mNOT HTTP\r\n\r\n"))
    with pytest.raises(RegistryError) as e:
        _resolve(s.netloc)()
    assert all(c.isprintable() for c in e.value.message), e.value.message


def test_a_token_that_is_not_a_header_value_never_reaches_a_message(raw):
    """A token with a line break would make http.client raise ValueError quoting the header
    value (the token) into the notice; it is refused as no token instead."""
    secret = "SECRET-TOKEN\r\nX-Injected: 1"

    calls = []

    def serve_all(server, conn):
        # one connection, keep-alive: 401, then the token, then whatever is asked
        conn.sendall(_http(401, {"WWW-Authenticate": f'Bearer realm="http://{server.netloc}/token"'}))
        while True:
            data = conn.recv(65536)
            if not data:
                return
            calls.append(data.split(b"\r\n", 1)[0])
            if data.startswith(b"GET /token"):
                conn.sendall(_http(200, {"Content-Type": "application/json"}, json.dumps({"token": secret}).encode()))
            else:
                conn.sendall(_http(404, {}))

    s = raw(serve_all)
    with pytest.raises(RegistryError) as e:
        _resolve(s.netloc, timeout=3)()
    assert "SECRET" not in e.value.message and e.value.message == "the token service gave no token"
    assert not any(b"/v2/a/b/manifests/1" in c for c in calls[1:]), calls  # never sent back


def test_a_401_from_a_host_the_registry_redirected_to_is_not_answered(raw):
    """The registry's own challenge only: a redirect target (blob storage, a CDN) that answers
    401 with a token realm gets no token request, so no credential can follow its realm."""
    realm_calls = []

    def realm(server, conn):
        realm_calls.append(1)
        conn.sendall(_http(200, {}, b'{"token": "T"}'))

    r = raw(realm)
    other = raw(lambda server, conn: conn.sendall(
        _http(401, {"WWW-Authenticate": f'Bearer realm="http://{r.netloc}/token",service="x"'})))
    reg = raw(lambda server, conn: conn.sendall(_http(307, {"Location": f"http://{other.netloc}/v2/a/b/manifests/1"})))
    c = Client(timeout=3, credentials={reg.netloc: ("ci", "s3cret")})
    with pytest.raises(RegistryError) as e:
        c.resolve(names.parse(f"{reg.netloc}/a/b:1"))
    assert e.value.message == "access denied (HTTP 401)"
    assert realm_calls == []


def test_a_redirect_with_a_user_name_is_refused(raw):
    reg = raw(lambda server, conn: conn.sendall(_http(302, {"Location": "http://user:pw@127.0.0.1:1/x"})))
    with pytest.raises(RegistryError) as e:
        _resolve(reg.netloc)()
    assert e.value.message == "redirected to a URL with a user name"


# ---- what the lock records --------------------------------------------------------------------


def _index(manifests) -> bytes:
    return json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                       "manifests": manifests}).encode()


def _entry(n: int, platform=None, **extra) -> dict:
    e = {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "sha256:" + str(n) * 64, "size": 1}
    if platform:
        os_, arch = platform.split("/")
        e["platform"] = {"os": os_, "architecture": arch}
    e.update(extra)
    return e


@pytest.mark.parametrize("manifests,platforms,children", [
    # a platform manifest without its platform: the list would be incomplete, so it is unknown
    ([_entry(1, "linux/amd64"), _entry(2)], (), ("sha256:" + "1" * 64, "sha256:" + "2" * 64)),
    # a nested index: the same
    ([_entry(1, "linux/amd64"), _entry(2, mediaType="application/vnd.oci.image.index.v1+json")], (),
     ("sha256:" + "1" * 64, "sha256:" + "2" * 64)),
    # attestations are not platforms, with or without BuildKit's annotation
    ([_entry(1, "linux/amd64"), _entry(2, "unknown/unknown"),
      _entry(3, "unknown/unknown", annotations={"vnd.docker.reference.type": "attestation-manifest"})],
     ("linux/amd64",), ("sha256:" + "1" * 64,)),
    # a digest that is not one is not recorded
    ([_entry(1, "linux/amd64"), dict(_entry(2, "linux/arm64"), digest="sha256:\nbad")],
     ("linux/amd64", "linux/arm64"), ("sha256:" + "1" * 64,)),
])
def test_an_index_whose_platforms_are_not_all_known_publishes_unknown_platforms(raw, manifests, platforms, children):
    body = _index(manifests)
    s = raw(lambda server, conn: conn.sendall(_http(200, {"Content-Type": "application/vnd.oci.image.index.v1+json"},
                                                   body)))
    res = _resolve(s.netloc)()
    assert (res.kind, res.platforms, res.manifests) == ("index", platforms, children)


def test_basic_credentials_are_sent_to_the_registry_only(raw):
    seen = []

    def serve(server, conn):
        data = b""
        conn.sendall(_http(401, {"WWW-Authenticate": 'Basic realm="r"'}))
        while True:
            data = conn.recv(65536)
            if not data:
                return
            seen.append(data)
            conn.sendall(_http(307, {"Location": f"http://{blob.netloc}/x"}))

    blob_seen = []

    def blob_serve(server, conn):
        blob_seen.append(server.requests[-1])
        conn.sendall(_http(404, {}))

    blob = raw(blob_serve)
    reg = raw(serve)
    c = Client(timeout=3, credentials={reg.netloc: ("ci", "s3cret")})
    with pytest.raises(RegistryError, match="not found"):
        c.resolve(names.parse(f"{reg.netloc}/a/b:1"))
    basic = "Basic " + base64.b64encode(b"ci:s3cret").decode()
    assert any(basic.encode() in d for d in seen)
    assert len(blob_seen) == 1 and blob_seen[0].startswith(b"GET /x ") and b"authorization" not in blob_seen[0].lower()


# ---- linear time ------------------------------------------------------------------------------


def _cost(fn, arg) -> float:
    return best_time(fn, arg, runs=3)


@pytest.mark.parametrize("make", [
    lambda n: "Bearer " + "a=b," * n,
    lambda n: 'Bearer realm="' + "\\\\" * (2 * n),
    lambda n: "Bearer " + ", " * (2 * n) + "=",
    lambda n: "Bearer " + 'a="' * n,
], ids=["pairs", "escapes", "separators", "open-quotes"])
def test_challenges_parse_in_linear_time(make):
    from archlint.lock.client import _challenge

    small, large = _cost(_challenge, make(20_000)), _cost(_challenge, make(80_000))
    assert large < 9 * max(small, 1e-4), (small, large)  # x4 the size: linear is x4, quadratic x16


@pytest.mark.parametrize("ref", ["a" * 600, "a-" * 255 + "!", "a." * 255 + "!", "a/" * 255 + "A",
                                 "localhost:5000/" + "a-" * 240 + "!", "x" * 100_000 + ":1"])
def test_references_are_bounded_before_any_pattern(ref):
    t = time.perf_counter()
    for _ in range(100):
        names.parse(ref)
    assert time.perf_counter() - t < 0.5


def test_a_token_realm_with_a_user_name_is_refused(raw):
    reg = raw(lambda server, conn: conn.sendall(
        _http(401, {"WWW-Authenticate": f'Bearer realm="http://x:y@{server.netloc}/token"'})))
    with pytest.raises(RegistryError) as e:
        _resolve(reg.netloc)()
    assert e.value.message == "the registry's token realm carries a user name"
    assert len(reg.requests) == 1  # the realm was not asked
