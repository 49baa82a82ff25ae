"""A real OCI registry for the lock tests: Debian's ``docker-registry`` (CNCF distribution),
started on a free loopback port with a temporary storage folder, and images pushed through its
own HTTP API (blob uploads, manifests, indexes): no container daemon.

``scripts/test-deps`` (run by ``.ci/run``) installs it with apt-get; when it is not
installed the tests fail with that message under ``CI`` and skip elsewhere.  Importing it
imports no network module (a test checks that a plain lint imports none)."""
from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import time

import pytest

REGISTRY = "/usr/bin/docker-registry"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
MISSING = ("the CNCF distribution registry is not installed (/usr/bin/docker-registry): "
           "apt-get install -y docker-registry apache2-utils")


def need_registry() -> str:
    exe = REGISTRY if os.access(REGISTRY, os.X_OK) else shutil.which("docker-registry")
    if not exe:
        if os.environ.get("CI"):
            pytest.fail(MISSING)
        pytest.skip(MISSING)
    return exe


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sha(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


class Registry:
    """A running registry at ``self.host`` (``127.0.0.1:PORT``)."""

    def __init__(self, folder, users: dict | None = None):
        self.exe = need_registry()
        self.folder = folder
        self.port = free_port()
        self.host = f"127.0.0.1:{self.port}"
        self.auth = None
        lines = ["version: 0.1", "log:", "  level: error", "  accesslog:", "    disabled: true", "storage:",
                 "  filesystem:", f"    rootdirectory: {folder}/data", "  delete:", "    enabled: true",
                 "http:", f"  addr: 127.0.0.1:{self.port}"]
        if users:
            htpasswd = folder / "htpasswd"
            entries = []
            for user, password in users.items():
                out = subprocess.run(["htpasswd", "-Bbn", user, password], capture_output=True, text=True,
                                     check=True).stdout.strip()
                entries.append(out)
            htpasswd.write_text("\n".join(entries) + "\n")
            lines += ["auth:", "  htpasswd:", "    realm: archlint-test", f"    path: {htpasswd}"]
            user, password = next(iter(users.items()))
            self.auth = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        self.config = folder / "config.yml"
        self.config.write_text("\n".join(lines) + "\n")
        self.proc = None
        self.start()

    def start(self) -> None:
        self.proc = subprocess.Popen([self.exe, "serve", str(self.config)], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                status, _h, _b = self.request("GET", "/v2/")
                if status in (200, 401):
                    return
            except OSError:
                pass
            if self.proc.poll() is not None:
                raise RuntimeError("docker-registry ended: " + self.proc.stderr.read().decode(errors="replace"))
            time.sleep(0.05)
        raise RuntimeError("docker-registry did not start")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    # ---- the HTTP API ----------------------------------------------------------------------------

    def request(self, method, path, body=None, headers=None):
        import http.client

        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        h = dict(headers or {})
        if self.auth:
            h["Authorization"] = self.auth
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        c.close()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data

    def blob(self, repo: str, data: bytes) -> dict:
        status, h, _ = self.request("POST", f"/v2/{repo}/blobs/uploads/")
        assert status == 202, status
        loc = h["location"]
        if loc.startswith("http"):
            loc = "/" + loc.split("/", 3)[3]
        sep = "&" if "?" in loc else "?"
        status, _, body = self.request("PUT", f"{loc}{sep}digest={sha(data)}", data,
                                       {"Content-Type": "application/octet-stream"})
        assert status == 201, (status, body)
        return {"digest": sha(data), "size": len(data)}

    def manifest(self, repo: str, ref: str, doc: dict, media_type: str) -> tuple[str, int]:
        data = json.dumps(doc, indent=2).encode()
        status, _, body = self.request("PUT", f"/v2/{repo}/manifests/{ref}", data, {"Content-Type": media_type})
        assert status == 201, (status, body[:300])
        return sha(data), len(data)

    def image(self, repo: str, tag: str | None, platform: str, docker: bool = False, salt: str = "") -> dict:
        """Push a one-platform image (a configuration and one small layer); its descriptor."""
        os_, arch, *variant = platform.split("/")
        cfg = {"architecture": arch, "os": os_, "rootfs": {"type": "layers", "diff_ids": []}, "config": {},
               "comment": salt}
        if variant:
            cfg["variant"] = variant[0]
        c = self.blob(repo, json.dumps(cfg).encode())
        layer = self.blob(repo, f"layer {platform} {salt}".encode())
        mt = DOCKER_MANIFEST if docker else OCI_MANIFEST
        doc = {"schemaVersion": 2, "mediaType": mt,
               "config": {"mediaType": "application/vnd.docker.container.image.v1+json" if docker
                          else "application/vnd.oci.image.config.v1+json", **c},
               "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", **layer}]}
        digest, size = self.manifest(repo, tag or sha(json.dumps(doc, indent=2).encode()), doc, mt)
        return {"mediaType": mt, "digest": digest, "size": size, "platform": platform}

    def index(self, repo: str, tag: str, platforms, attest: bool = False, docker: bool = False, salt: str = "",
              padding: int = 0) -> str:
        """Push an index (or Docker manifest list) of one image per platform, with BuildKit's
        attestation manifests when ``attest``; its digest."""
        entries = []
        for p in platforms:
            d = self.image(repo, None, p, docker=docker, salt=salt)
            os_, arch, *variant = p.split("/")
            plat = {"architecture": arch, "os": os_}
            if variant:
                plat["variant"] = variant[0]
            entries.append({"mediaType": d["mediaType"], "digest": d["digest"], "size": d["size"], "platform": plat})
            if attest:
                a = self.image(repo, None, "unknown/unknown", salt=salt + p)
                entries.append({"mediaType": a["mediaType"], "digest": a["digest"], "size": a["size"],
                                "platform": {"architecture": "unknown", "os": "unknown"},
                                "annotations": {"vnd.docker.reference.digest": d["digest"],
                                                "vnd.docker.reference.type": "attestation-manifest"}})
        mt = DOCKER_LIST if docker else OCI_INDEX
        doc = {"schemaVersion": 2, "mediaType": mt, "manifests": entries}
        if padding:
            doc["annotations"] = {"padding": "x" * padding}
        return self.manifest(repo, tag, doc, mt)[0]


def ensure_family() -> None:
    """Register the PL family when ``archlint.checks.FAMILIES`` does not list it yet (the one
    line there is the lead's to add: ``Family("PL", "platform-lock", "lock", LOCK_KINDS)``)."""
    from archlint import checks, registry

    if any(f.prefix == "PL" for f in checks.FAMILIES):
        return
    fam = checks.Family("PL", "platform-lock", "lock", LOCK_KINDS)
    checks.FAMILIES = checks.FAMILIES + (fam,)
    registry.register_family(fam)


LOCK_KINDS = ("dockerfile", "kubernetes", "kustomization", "helm-values", "compose", "workflow")
TESTS = os.path.dirname(os.path.abspath(__file__))
LAUNCH = ("import sys; sys.path.insert(0, %r); import registry_helper; registry_helper.ensure_family(); "
          "from archlint.cli import entry; entry()" % TESTS)


def archlint(cwd, *args, env=None, timeout=60):
    """Run the archlint command (a real process) in ``cwd``: CompletedProcess."""
    import sys

    e = dict(os.environ, ARCHLINT_NO_CACHE="1", NO_COLOR="1", DOCKER_CONFIG=str(cwd) + "/.no-docker-config")
    e.pop("DOCKER_AUTH_CONFIG", None)
    e.update(env or {})
    return subprocess.run([sys.executable, "-c", LAUNCH, *args], cwd=cwd, capture_output=True, text=True,
                          env=e, timeout=timeout)
