"""The registry client's HTTP behaviour against loopback servers of the test's own, for what the
distribution registry cannot show without a token service and TLS certificates of its own: the
bearer-token challenge, credentials never sent to another host (token realm, blob redirect),
``429``/``Retry-After``.  (A real ``auth: token`` registry needs a JWT-signing token server: not
done; these servers speak the same challenge and redirects.)"""
from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from archlint.lock import credentials, names
from archlint.lock.client import Client, RegistryError, _challenge, same_site

CONFIG = json.dumps({"architecture": "arm64", "os": "linux", "variant": "v8"}).encode()
CONFIG_DIGEST = "sha256:" + hashlib.sha256(CONFIG).hexdigest()
MANIFEST = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                       "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": CONFIG_DIGEST,
                                  "size": len(CONFIG)}, "layers": []}).encode()
BASIC = "Basic " + base64.b64encode(b"ci:s3cret").decode()


class Server:
    """A loopback HTTP server answering with ``handle(server, request) -> (status, headers, body)``
    and recording every request's path and headers."""

    def __init__(self, handle, host="127.0.0.1"):
        outer = self
        self.seen: list = []
        self.handle = handle

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                outer.seen.append((self.path, dict(self.headers)))
                status, headers, body = outer.handle(outer, self)
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *a):
                pass

        self.httpd = ThreadingHTTPServer((host, 0), H)
        self.httpd.daemon_threads, self.httpd.block_on_close = True, False
        self.port = self.httpd.server_address[1]
        self.netloc = f"{host}:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def servers():
    made = []

    def make(handle, host="127.0.0.1"):
        s = Server(handle, host)
        made.append(s)
        return s

    yield make
    for s in made:
        s.close()


def _blob_store(server, req):
    if req.path.startswith("/storage/"):
        return 200, {"Content-Type": "application/octet-stream"}, CONFIG
    return 404, {}, b""


def _registry(realm_of, blob_store):
    """A registry wanting a bearer token from ``realm_of(server)``, whose blobs redirect to
    ``blob_store``."""

    def handle(server, req):
        path, auth = req.path, req.headers.get("Authorization")
        if path.startswith("/token"):
            return 200, {"Content-Type": "application/json"}, json.dumps(
                {"token": "T-with-creds" if auth == BASIC else "T-anonymous"}).encode()
        if not (auth or "").startswith("Bearer T-"):
            return 401, {"WWW-Authenticate": f'Bearer realm="{realm_of(server)}",service="reg.test",'
                                             'scope="repository:team/app:pull"'}, b""
        if path == "/v2/team/app/manifests/1":
            return 200, {"Content-Type": "application/vnd.oci.image.manifest.v1+json"}, MANIFEST
        if path == f"/v2/team/app/blobs/{CONFIG_DIGEST}":
            return 307, {"Location": f"http://{blob_store.netloc}/storage/{CONFIG_DIGEST}?sig=1"}, b""
        return 404, {}, b'{"errors": [{"code": "MANIFEST_UNKNOWN"}]}'

    return handle


def test_the_token_flow_and_a_redirect_that_drops_the_credentials(servers):
    store = servers(_blob_store)
    reg = servers(_registry(lambda s: f"http://{s.netloc}/token", store))
    c = Client(credentials={reg.netloc: ("ci", "s3cret")})
    res = c.resolve(names.parse(f"{reg.netloc}/team/app:1"))
    assert (res.kind, res.platforms) == ("manifest", ("linux/arm64",))
    assert res.digest == "sha256:" + hashlib.sha256(MANIFEST).hexdigest()
    token_calls = [(p, h) for p, h in reg.seen if p.startswith("/token")]
    assert len(token_calls) == 1  # the token is kept for the next requests
    path, headers = token_calls[0]
    assert path == "/token?service=reg.test&scope=repository%3Ateam%2Fapp%3Apull"
    assert headers.get("Authorization") == BASIC  # the realm is the registry's own host
    assert [h.get("Authorization") for p, h in reg.seen if p.startswith("/v2/team/app/blobs")] == [
        "Bearer T-with-creds"]
    # the blob store (another port) got neither the token nor the credentials
    assert [p for p, _h in store.seen] == [f"/storage/{CONFIG_DIGEST}?sig=1"]
    assert all("Authorization" not in h for _p, h in store.seen)


def test_a_token_realm_on_another_host_gets_no_credentials(servers):
    store = servers(_blob_store)
    realm = servers(lambda s, req: (200, {}, json.dumps({"access_token": "T-elsewhere"}).encode()), host="localhost")
    reg = servers(_registry(lambda s: f"http://{realm.netloc}/token", store))
    c = Client(credentials={reg.netloc: ("ci", "s3cret")})
    assert c.resolve(names.parse(f"{reg.netloc}/team/app:1")).platforms == ("linux/arm64",)
    assert len(realm.seen) == 1 and "Authorization" not in realm.seen[0][1]


def test_429_with_retry_after_is_retried_within_bounds(servers):
    calls = []

    def handle(server, req):
        calls.append(req.path)
        if len(calls) == 1:
            return 429, {"Retry-After": "1"}, b""
        if req.path.endswith("/manifests/1"):
            return 200, {"Content-Type": "application/vnd.oci.image.index.v1+json"}, json.dumps(
                {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                 "manifests": [{"digest": CONFIG_DIGEST, "size": 1,
                                "platform": {"os": "linux", "architecture": "amd64"}}]}
            ).encode()
        return 429, {"Retry-After": "3600"}, b""

    reg = servers(handle)
    c = Client(timeout=5)
    t = time.monotonic()
    assert c.resolve(names.parse(f"{reg.netloc}/a/b:1")).platforms == ("linux/amd64",)
    assert 1 <= time.monotonic() - t < 3 and len(calls) == 2
    t = time.monotonic()
    with pytest.raises(RegistryError, match="HTTP 429"):
        c.resolve(names.parse(f"{reg.netloc}/a/b:2"))  # an hour is over the bound: no wait
    assert time.monotonic() - t < 1


def test_a_redirect_from_https_to_plain_http_is_refused():
    from urllib.parse import urlsplit

    c = Client()
    c._retrying = lambda parts, accept, auth, limit: (302, {"location": "http://evil.example/x"}, b"")
    with pytest.raises(RegistryError, match="from HTTPS to plain HTTP"):
        c._follow("https://registry.example/v2/a/manifests/1", "registry.example", "*/*", "Bearer x", 100)
    assert urlsplit("https://registry.example").scheme == "https"


def test_challenges_are_parsed():
    assert _challenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",'
                      'scope="repository:library/alpine:pull"') == ("bearer", {
                          "realm": "https://auth.docker.io/token", "service": "registry.docker.io",
                          "scope": "repository:library/alpine:pull"})
    assert _challenge('Basic realm="x"') == ("basic", {"realm": "x"})
    assert _challenge("Bearer realm=https://ghcr.io/token,service=ghcr.io") == (
        "bearer", {"realm": "https://ghcr.io/token", "service": "ghcr.io"})
    assert _challenge("Bearer " + "a" * 100000)[0] == "bearer"


@pytest.mark.parametrize("registry,realm,ok", [
    ("registry-1.docker.io", "https://auth.docker.io/token", True),
    ("ghcr.io", "https://ghcr.io/token", True),
    ("quay.io", "https://quay.io/v2/auth", True),
    ("registry-1.docker.io", "http://auth.docker.io/token", False),  # not over plain HTTP
    ("registry.example.com", "https://evil.example.net/token", False),
    ("127.0.0.1:5000", "http://127.0.0.1:5001/token", True),  # the same host
    ("127.0.0.1:5000", "http://127.0.0.2/token", False),
])
def test_which_token_realms_may_receive_credentials(registry, realm, ok):
    assert same_site(registry, realm) is ok


def test_credentials_come_from_auths_only(tmp_path):
    conf = tmp_path / "config.json"
    conf.write_text(json.dumps({
        "auths": {"https://index.docker.io/v1/": {"auth": base64.b64encode(b"hub:pw").decode()},
                  "ghcr.io": {"username": "gh", "password": "tok"}, "bad": {"auth": "!!!"}},
        "credHelpers": {"gcr.io": "gcloud"}}))
    creds, notes = credentials.load({"DOCKER_CONFIG": str(tmp_path),
                                     "DOCKER_AUTH_CONFIG": json.dumps({"auths": {"ghcr.io": {"auth": base64.b64encode(
                                         b"env:pw2").decode()}}})})
    assert creds == {"docker.io": ("hub", "pw"), "ghcr.io": ("env", "pw2")}
    assert notes == [f"{conf}: credential helpers (credsStore, credHelpers) are not run; only auths is read"]
    creds, notes = credentials.load({"DOCKER_CONFIG": str(tmp_path / "none"), "DOCKER_AUTH_CONFIG": "{"})
    assert creds == {} and notes == ["DOCKER_AUTH_CONFIG: not JSON; no credentials read from it"]
